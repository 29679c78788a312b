// Run it: cargo run -q -p which-wasi --target wasm32-wasip1   (or --target wasm32-wasip2)
// ANCHOR: all
fn main() {
    // Both targets have target_os = "wasi"; target_env tells WASI 0.1 from
    // WASI 0.2.
    let wasi = if cfg!(target_env = "p1") {
        "WASI 0.1 (a core module, wasm32-wasip1)"
    } else if cfg!(target_env = "p2") {
        "WASI 0.2 (a component, wasm32-wasip2)"
    } else {
        "not WASI"
    };
    println!("built for {wasi}");
    println!(
        "argv[0] is {:?}",
        std::env::args().next().unwrap_or_default()
    );
}
// ANCHOR_END: all
