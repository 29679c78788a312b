// Built by: cargo build -q -p greet-command --target wasm32-wasip1
// Run by the benchmark: cargo run -q --release -p reactor-bench
// ANCHOR: all
fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    // A fresh instance per request: the count is always 1.
    println!("Hello, {name}! (greeting #1 from this instance)");
}
// ANCHOR_END: all
