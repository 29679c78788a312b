// Run it: cargo build -q -p start-twice --target wasm32-wasip1 &&
//         ci/wasi-run --call _start --call _start target/wasm32-wasip1/debug/start-twice.wasm
// ANCHOR: all
fn main() {
    println!("main runs");
}
// ANCHOR_END: all
