// Run it (from the repository root):
//   cargo build -q -p greeter --target wasm32-wasip1 && cargo run -q --release -p reactor-host
use reactor_host::{greet, instantiate};
use std::path::Path;
use wasmtime::{Engine, Trap};

fn main() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let (mut store, g) = instantiate(
        &engine,
        Path::new("target/wasm32-wasip1/debug/greeter.wasm"),
    )?;

    // ANCHOR: calls
    // One instance, many calls: its memory (and the greeting counter in it) lives
    // on.
    for name in ["Ferris", "WASI", "reactor"] {
        println!("{}", greet(&mut store, &g, name)?);
    }
    // ANCHOR_END: calls

    // ANCHOR: misuse
    // Misuse 1: write past the end of the guest's memory. The host API checks the
    // bounds and refuses; nothing is written.
    let end = g.memory.data_size(&store);
    match g
        .memory
        .write(&mut store, end - 4, b"too long for what is left")
    {
        Ok(()) => println!("write past the end: accepted (unexpected)"),
        Err(e) => println!("write past the end: refused: {e}"),
    }
    // Misuse 2: hand the guest a length that runs past its memory. The guest's
    // first load beyond the end traps; the host gets an error, not corrupted
    // memory.
    match g.greet.call(&mut store, (end as u32 - 8, 64)) {
        Ok(r) => println!("greet with a bad length: returned {r} (unexpected)"),
        Err(e) => println!(
            "greet with a bad length: trapped: {}",
            e.downcast_ref::<Trap>()
                .map_or(e.to_string(), |t| t.to_string())
        ),
    }
    // ANCHOR_END: misuse
    Ok(())
}
