// Run it: cargo run -q -p hello-name --target wasm32-wasip1 -- Ferris
// ANCHOR: all
fn main() {
    // The first argument after the program's own name, if the host passed one.
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "WASI".to_string());
    println!("Hello, {name}!");
}
// ANCHOR_END: all
