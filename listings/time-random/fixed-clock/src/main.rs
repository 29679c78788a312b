// Run it (from the repository root):
//   cargo build -q -p clocks --target wasm32-wasip1 && cargo run -q --release -p fixed-clock
// ANCHOR: all
use std::time::Duration;
use wasmtime::{Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{HostWallClock, WasiCtxBuilder};

/// A wall clock that never moves: 2026-06-01 00:00:00 UTC, as a time since the
/// Unix epoch.
struct FixedClock;

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn now(&self) -> Duration {
        Duration::from_secs(1_780_272_000)
    }
}

fn main() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let module =
        Module::from_file(&engine, "target/wasm32-wasip1/debug/clocks.wasm")?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    // The grants, with our clock in place of the host's: only the wall clock
    // changes; the monotonic clock and the random numbers stay the defaults.
    let wasi = WasiCtxBuilder::new()
        .inherit_stdio()
        .wall_clock(FixedClock)
        .build_p1();
    let mut store = Store::new(&engine, wasi);
    let instance = linker.instantiate(&mut store, &module)?;
    // A command: call `_start`, once.
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    start.call(&mut store, ())?;
    Ok(())
}
// ANCHOR_END: all
