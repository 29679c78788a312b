// Run it (from the repository root):
//   cargo build -q -p start-twice --target wasm32-wasip1 && cargo run -q --release \
//   -p call-host -- target/wasm32-wasip1/debug/start-twice.wasm _start _start
// ANCHOR: all
use wasmtime::{Engine, Linker, Module, Store, Val, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

fn main() -> wasmtime::Result<()> {
    // call-host MODULE.wasm CALL... where a CALL is an export's name, then its
    // arguments (32-bit integers), as one command-line argument: 'add 2'.
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        bail!("usage: call-host MODULE.wasm 'EXPORT ARG...'...");
    };
    let engine = Engine::default();
    let module = Module::from_file(&engine, &path)?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let wasi = WasiCtxBuilder::new().inherit_stdio().build_p1();
    let mut store = Store::new(&engine, wasi);

    // One instance for every call: what one call leaves in memory, the next sees.
    let instance = linker.instantiate(&mut store, &module)?;
    // A reactor's `_initialize` first, once, as the WASI ABI asks.
    if let Some(init) = instance.get_func(&mut store, "_initialize") {
        init.call(&mut store, &[], &mut [])?;
    }
    for call in args {
        let mut words = call.split_whitespace();
        let name = words.next().unwrap_or_default();
        let Some(func) = instance.get_func(&mut store, name) else {
            bail!("the module exports no function `{name}`");
        };
        let params = words
            .map(|w| w.parse().map(Val::I32))
            .collect::<Result<Vec<_>, _>>()?;
        let mut results = vec![Val::I32(0); func.ty(&store).results().len()];
        func.call(&mut store, &params, &mut results)?;
        // Print what the call returned, if anything: one value a line.
        for result in results {
            match result {
                Val::I32(n) => println!("{n}"),
                other => println!("{other:?}"),
            }
        }
    }
    Ok(())
}
// ANCHOR_END: all
