// Run it: cargo run -q -p my-portable --target wasm32-wasip2 -- one two
// ANCHOR: all
fn main() {
    println!("built for {}", std::env::consts::ARCH);
    println!("arguments: {:?}", arguments());
}

/// The arguments after the program's name: on WASI 0.2 straight from
/// `wasi:cli/environment`, elsewhere from the standard library.
#[cfg(all(target_os = "wasi", target_env = "p2"))]
fn arguments() -> Vec<String> {
    wasip2::cli::environment::get_arguments()
        .into_iter()
        .skip(1)
        .collect()
}

#[cfg(not(all(target_os = "wasi", target_env = "p2")))]
fn arguments() -> Vec<String> {
    std::env::args().skip(1).collect()
}
// ANCHOR_END: all
