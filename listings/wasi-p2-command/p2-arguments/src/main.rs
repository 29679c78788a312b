// Run it: cargo run -q -p p2-arguments --target wasm32-wasip2 -- one two
// ANCHOR: all
fn main() {
    // The WASI 0.2 function itself: `get-arguments` of `wasi:cli/environment`,
    // generated from its WIT into a plain Rust function.
    let direct = wasip2::cli::environment::get_arguments();
    println!("wasi:cli/environment: {direct:?}");
    // The same list, through the standard library.
    let from_std: Vec<String> = std::env::args().collect();
    println!("std::env::args:       {from_std:?}");
}
// ANCHOR_END: all
