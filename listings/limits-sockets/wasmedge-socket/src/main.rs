// Run it: cargo run -q -p wasmedge-socket --target wasm32-wasip1
// The listing itself is src/echo.rs. WasmEdge's socket crate builds only for wasm32, so on any
// other target (`cargo build` at the repository root) this is a stub.
#[cfg(target_family = "wasm")]
mod echo;

#[cfg(target_family = "wasm")]
fn main() -> std::io::Result<()> {
    echo::round_trip()
}

#[cfg(not(target_family = "wasm"))]
fn main() {
    eprintln!(
        "wasmedge-socket is a WebAssembly listing: build it with --target wasm32-wasip1"
    );
    std::process::exit(2);
}
