//! The host side of the greeter component (Listing 14-2), generated from its WIT file. Used by
//! this crate's `main.rs` and by the benchmark.
use std::path::Path;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

// ANCHOR: bindgen
// Host-side bindings from the same WIT file: a `Greeter` type to instantiate, a
// typed method per function, and a Rust struct per record.
wasmtime::component::bindgen!({
    world: "greeter",
    path: "../greeter-component/wit",
});
// ANCHOR_END: bindgen

// ANCHOR: state
/// The store's data: the WASI 0.2 context the guest's standard library imports
/// need.
pub struct Host {
    wasi: WasiCtx,
    table: ResourceTable,
}

// wasmtime-wasi's host functions reach the WASI context and the resource table
// (which holds the handles, such as streams, that the guest is given) through this
// trait.
impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
// ANCHOR_END: state

/// Instantiates the component at `path` once.
pub fn instantiate(
    engine: &Engine,
    path: &Path,
) -> wasmtime::Result<(Store<Host>, Greeter)> {
    // ANCHOR: instantiate
    let component = Component::from_file(engine, path)?;
    let mut linker = Linker::<Host>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    let host = Host {
        wasi: WasiCtxBuilder::new().inherit_stdio().build(),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(engine, host);
    // Instantiation checks the component against the `greeter` world: a missing or
    // mistyped export is an error here, not a trap later.
    let greeter = Greeter::instantiate(&mut store, &component, &linker)?;
    // ANCHOR_END: instantiate
    Ok((store, greeter))
}
