// Run it (from the repository root):
//   cargo build -q -p lines-component --target wasm32-wasip2 && cargo run -q --release -p lines-host
// ANCHOR: all
use wasmtime::component::{Component, HasSelf, Linker, Resource, ResourceTable};
use wasmtime::{Engine, Result, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

// ANCHOR: bindgen
wasmtime::component::bindgen!({
    world: "splitter",
    path: "../lines-component/wit",
    // The Rust type behind each `counter` handle the host gives out.
    with: { "book:lines/tally.counter": Counter },
    // Host functions return `wasmtime::Result`: an `Err` traps the guest.
    imports: { default: trappable },
});
// ANCHOR_END: bindgen

// ANCHOR: host
/// What one `counter` handle stands for, kept in the store's resource table.
pub struct Counter {
    name: String,
    total: u32,
}

struct HostState {
    wasi: WasiCtx,
    // Every resource the guest holds a handle to: WASI's and the counters.
    table: ResourceTable,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

// `interface tally` has no functions outside its resource.
impl book::lines::tally::Host for HostState {}

// One method per constructor and method of `resource counter`, plus `drop`.
impl book::lines::tally::HostCounter for HostState {
    fn new(&mut self, name: String) -> Result<Resource<Counter>> {
        println!("[host] counter {name:?} created");
        Ok(self.table.push(Counter { name, total: 0 })?)
    }

    fn add(&mut self, counter: Resource<Counter>, n: u32) -> Result<u32> {
        let counter = self.table.get_mut(&counter)?;
        counter.total += n;
        Ok(counter.total)
    }

    fn drop(&mut self, counter: Resource<Counter>) -> Result<()> {
        let counter = self.table.delete(counter)?;
        println!(
            "[host] counter {:?} dropped at {}",
            counter.name, counter.total
        );
        Ok(())
    }
}
// ANCHOR_END: host

fn main() -> Result<()> {
    // Arguments: an optional component path, and `--feed-after-drop`.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let feed_after_drop = args.iter().any(|a| a == "--feed-after-drop");
    let path = args.iter().find(|a| !a.starts_with("--")).cloned();
    let path =
        path.unwrap_or("target/wasm32-wasip2/debug/lines_component.wasm".into());

    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)?;
    let mut linker = Linker::<HostState>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    Splitter::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)?;
    let state = HostState {
        wasi: WasiCtxBuilder::new().inherit_stdio().build(),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, state);
    let splitter = Splitter::instantiate(&mut store, &component, &linker)?;

    // ANCHOR: calls
    // The guest's resource, seen from the host: a constructor, and methods
    // that take the handle (a `ResourceAny`) after the store.
    let line_buffer = splitter.book_lines_split().line_buffer();
    let buffer = line_buffer.call_constructor(&mut store)?;
    for text in ["to be, or no", "t to be:\nthat is the", " question\nwhe"] {
        let waiting = line_buffer.call_feed(&mut store, buffer, text)?;
        println!("[host] fed {text:?}: {waiting} line(s) waiting");
    }
    while let Some(line) = line_buffer.call_next_line(&mut store, buffer)? {
        println!("[host] line {line:?}");
    }
    // `ResourceAny` has no `Drop`: without this call, which runs the guest's
    // destructor, the buffer would live as long as the store.
    buffer.resource_drop(&mut store)?;
    println!("[host] buffer dropped");
    // ANCHOR_END: calls

    // ANCHOR: after-drop
    if feed_after_drop {
        // `ResourceAny` is `Copy`, so this compiles; the handle is gone.
        line_buffer.call_feed(&mut store, buffer, "ther\n")?;
    }
    // ANCHOR_END: after-drop
    Ok(())
}
// ANCHOR_END: all
