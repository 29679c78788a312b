// Run it (from the repository root):
//   cargo build -q -p clock-guest --target wasm32-wasip1 && cargo run -q --release -p clock-host
// ANCHOR: all
use wasmtime::{Caller, Engine, Linker, Module, Store};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

/// The store's data: WASI for the guest's standard library, and the state of
/// the clock this host gives the guest.
struct Host {
    wasi: WasiP1Ctx,
    clock_ms: u64,
}

fn main() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let module =
        Module::from_file(&engine, "target/wasm32-wasip1/debug/clock_guest.wasm")?;
    let mut linker: Linker<Host> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |host| &mut host.wasi)?;

    // ANCHOR: define
    // host.log_line(ptr, len): the guest passes a pointer into its own memory
    // (exported as "memory"); the host reads the bytes there, range checked.
    linker.func_wrap(
        "host",
        "log_line",
        |mut caller: Caller<'_, Host>, ptr: u32, len: u32| {
            let Some(memory) =
                caller.get_export("memory").and_then(|e| e.into_memory())
            else {
                wasmtime::bail!("the guest exports no memory");
            };
            let (start, len) = (ptr as usize, len as usize);
            let bytes = memory.data(&caller);
            let Some(text) = bytes.get(start..).and_then(|rest| rest.get(..len))
            else {
                wasmtime::bail!(
                    "log_line: {len} bytes at {start} are outside memory"
                );
            };
            println!("[guest] {}", String::from_utf8_lossy(text));
            Ok(())
        },
    )?;
    // host.clock_ms(): a clock the host controls. This one moves 25 ms each
    // time it is read, so every run prints the same times.
    linker.func_wrap("host", "clock_ms", |mut caller: Caller<'_, Host>| {
        caller.data_mut().clock_ms += 25;
        caller.data().clock_ms
    })?;
    // ANCHOR_END: define

    let wasi = WasiCtxBuilder::new().inherit_stdio().build_p1();
    let mut store = Store::new(&engine, Host { wasi, clock_ms: 0 });
    // Every import must be defined by now: instantiation checks them all.
    let instance = linker.instantiate(&mut store, &module)?;
    // A reactor's initializer, when it has one (Building a reactor on stable Rust).
    if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        init.call(&mut store, ())?;
    }
    let run = instance.get_typed_func::<u32, u64>(&mut store, "run")?;
    let took = run.call(&mut store, 3)?;
    println!("[host] run(3) took {took} ms on the host's clock");
    Ok(())
}
// ANCHOR_END: all
