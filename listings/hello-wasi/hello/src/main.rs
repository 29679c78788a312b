// Run it: cargo run -q -p hello --target wasm32-wasip1   (or --target wasm32-wasip2)
// ANCHOR: all
fn main() {
    println!("Hello, WASI!");
}
// ANCHOR_END: all
