// Run it: cargo run -q -p exit-code --target wasm32-wasip1; echo $?
// ANCHOR: all
fn main() {
    eprintln!("giving up with exit code 42");
    std::process::exit(42);
}
// ANCHOR_END: all
