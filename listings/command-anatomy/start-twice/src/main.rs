// Run it (from the repository root), in the call host:
//   cargo build -q -p start-twice --target wasm32-wasip1 && \
//   cargo run -q --release -p call-host -- target/wasm32-wasip1/debug/start-twice.wasm _start _start
// ANCHOR: all
fn main() {
    println!("main runs");
}
// ANCHOR_END: all
