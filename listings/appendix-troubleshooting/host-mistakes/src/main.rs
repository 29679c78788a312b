// Run it (from the repository root):
//   cargo build -q -p hello --target wasm32-wasip1 &&
//   cargo build -q -p hello --target wasm32-wasip2 &&
//   cargo build -q -p adder --target wasm32-wasip1 &&
//   cargo run -q --release -p host-mistakes -- no-wasi
// The last word names the mistake to make: no-wasi, no-start, component-as-module or
// module-as-component.
use wasmtime::component::Component;
use wasmtime::{Engine, Linker, Module, Store};
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi::p1::WasiP1Ctx;

const COMMAND_P1: &str = "target/wasm32-wasip1/debug/hello.wasm";
const COMPONENT_P2: &str = "target/wasm32-wasip2/debug/hello.wasm";
const REACTOR_P1: &str = "target/wasm32-wasip1/debug/adder.wasm";

fn main() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let mistake = std::env::args().nth(1).unwrap_or_default();
    match mistake.as_str() {
        // ANCHOR: no-wasi
        "no-wasi" => {
            // A linker with nothing in it: the module imports fd_write and friends
            // from `wasi_snapshot_preview1`, and nobody defined them.
            let linker: Linker<()> = Linker::new(&engine);
            let module = Module::from_file(&engine, COMMAND_P1)?;
            linker.instantiate(&mut Store::new(&engine, ()), &module)?;
        }
        // ANCHOR_END: no-wasi
        // ANCHOR: no-start
        "no-start" => {
            // WASI is linked this time, but a reactor has no `_start` to call.
            let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
            wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx)?;
            let mut store = Store::new(&engine, WasiCtx::builder().build_p1());
            let module = Module::from_file(&engine, REACTOR_P1)?;
            let instance = linker.instantiate(&mut store, &module)?;
            let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
            start.call(&mut store, ())?;
        }
        // ANCHOR_END: no-start
        // ANCHOR: formats
        "component-as-module" => {
            // A WASI 0.2 build is a component: the core-module API refuses it.
            Module::from_file(&engine, COMPONENT_P2)?;
        }
        "module-as-component" => {
            // A WASI 0.1 build is a core module: the component API refuses it.
            Component::from_file(&engine, COMMAND_P1)?;
        }
        // ANCHOR_END: formats
        other => wasmtime::bail!("no mistake named `{other}`"),
    }
    println!("{mistake}: no error (unexpected)");
    Ok(())
}
