// Run it: WASI_RUNNER_FLAGS='--call _start --call _start' \
//         cargo run -q -p start-twice --target wasm32-wasip1
// ANCHOR: all
fn main() {
    println!("main runs");
}
// ANCHOR_END: all
