// Run it: cargo run -q --release -p write-adapter -- target/wasi_snapshot_preview1.command.wasm
// ANCHOR: all
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
};

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: write-adapter OUT.wasm");
        std::process::exit(2);
    };
    // The command adapter: a core module that implements the
    // `wasi_snapshot_preview1` imports on top of WASI 0.2 and exports
    // `wasi:cli/run`.
    std::fs::write(&path, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER)?;
    println!(
        "wrote the `{WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME}` command adapter \
         ({} bytes) to {path}",
        WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER.len()
    );
    Ok(())
}
// ANCHOR_END: all
