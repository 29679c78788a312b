// Run it (from the repository root):
//   cargo build -q -p greeter-component --target wasm32-wasip2 && cargo run -q --release -p component-host
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

// ANCHOR: bindgen
// Host-side bindings from the same WIT file: a `Greeter` type to instantiate, a typed method
// per function, and a Rust struct per record.
wasmtime::component::bindgen!({ world: "greeter", path: "../greeter-component/wit" });
// ANCHOR_END: bindgen

const GUEST: &str = "target/wasm32-wasip2/debug/greeter_component.wasm";

/// The store's data: the WASI 0.2 context the guest's standard library imports need.
struct Host {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

fn main() -> wasmtime::Result<()> {
    // ANCHOR: main
    let engine = Engine::default();
    let component = Component::from_file(&engine, GUEST)?;
    let mut linker = Linker::<Host>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    let host = Host { wasi: WasiCtxBuilder::new().inherit_stdio().build(), table: ResourceTable::new() };
    let mut store = Store::new(&engine, host);
    // Instantiation checks the component against the `greeter` world: a missing or mistyped
    // export is an error here, not a trap later.
    let greeter = Greeter::instantiate(&mut store, &component, &linker)?;
    for name in ["Ferris", "WASI", "component"] {
        let greeting = greeter.book_greeter_greetings().call_greet(&mut store, name)?;
        println!("{} (greeting #{} from this instance)", greeting.text, greeting.count);
    }
    // ANCHOR_END: main
    Ok(())
}
