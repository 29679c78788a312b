// Run it (from the repository root):
//   cargo build -q -p greeter-farewell --target wasm32-wasip2 && cargo run -q --release -p farewell-host
// ANCHOR: all
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

// The path is relative to this crate's Cargo.toml: the guest's WIT file, so
// that the two crates cannot disagree about the interface.
wasmtime::component::bindgen!({
    world: "greeter",
    path: "../greeter-farewell/wit",
});

struct Host {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

fn main() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let component = Component::from_file(
        &engine,
        "target/wasm32-wasip2/debug/greeter_farewell.wasm",
    )?;
    let mut linker = Linker::<Host>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    let host = Host {
        wasi: WasiCtxBuilder::new().inherit_stdio().build(),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, host);
    let greeter = Greeter::instantiate(&mut store, &component, &linker)?;

    let greetings = greeter.book_greeter_greetings();
    let hello = greetings.call_greet(&mut store, "Ferris")?;
    println!("{}", hello.text);
    // The new function: a generated method of its own, returning a `String`.
    let goodbye = greetings.call_farewell(&mut store, "Ferris")?;
    println!("{goodbye}");
    Ok(())
}
// ANCHOR_END: all
