// Run it (from the repository root):
//   cargo build -q -p worker-component --target wasm32-wasip2 && cargo run -q --release -p worker-host
// ANCHOR: all
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

// ANCHOR: bindgen
// Host-side bindings from the guest's WIT file (the path is relative to this
// crate's Cargo.toml): a `Worker` type to instantiate, a `Host` trait for each
// imported interface, and a Rust type for each record and enum.
wasmtime::component::bindgen!({
    world: "worker",
    path: "../worker-component/wit",
});

use book::logbook::log::{Entry, Level};
use exports::book::logbook::work::Job;
// ANCHOR_END: bindgen

// ANCHOR: host
/// The store's data: WASI for the guest's standard library, and the log.
struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    log: Vec<Entry>,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

// The import, implemented: one method per function of `interface log`, with
// the WIT types as Rust types.
impl book::logbook::log::Host for HostState {
    fn append(&mut self, entry: Entry) -> u32 {
        let level = match entry.level {
            Level::Info => "info",
            Level::Warn => "WARN",
        };
        println!("[host log] {level}: {}", entry.message);
        self.log.push(entry);
        self.log.len() as u32
    }
}
// ANCHOR_END: host

fn main() -> wasmtime::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or("target/wasm32-wasip2/debug/worker_component.wasm".into());
    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)?;

    // ANCHOR: link
    let mut linker = Linker::<HostState>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    // Our `log` implementation, found in the store's data (`|state| state`).
    Worker::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)?;
    // ANCHOR_END: link

    let state = HostState {
        wasi: WasiCtxBuilder::new().inherit_stdio().build(),
        table: ResourceTable::new(),
        log: Vec::new(),
    };
    let mut store = Store::new(&engine, state);
    let worker = Worker::instantiate(&mut store, &component, &linker)?;

    // ANCHOR: calls
    // Two calls on one instance: the log, in the store, lives on between them.
    for (name, steps) in [("resize", 2), ("upload", 3)] {
        let job = Job {
            name: name.into(),
            steps,
        };
        let summary = worker.book_logbook_work().call_run(&mut store, &job)?;
        println!("[host] {summary}");
    }
    // ANCHOR_END: calls
    Ok(())
}
// ANCHOR_END: all
