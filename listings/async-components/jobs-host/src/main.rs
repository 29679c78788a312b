// Run it (from the repository root):
//   cargo build -q -p jobs-component --target wasm32-wasip2 && cargo run -q --release -p jobs-host
// ANCHOR: all
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

// For an `async func`, bindgen! generates an async `call_run` that takes an
// `Accessor`: the handle a concurrent call gets to the store.
wasmtime::component::bindgen!({
    world: "worker",
    path: "../jobs-component/wit",
});

struct HostState {
    wasi: WasiCtx,
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> wasmtime::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or("target/wasm32-wasip2/debug/jobs_component.wasm".into());
    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)?;

    // ANCHOR: link
    let mut linker = Linker::<HostState>::new(&engine);
    // WASI 0.3, for the clock the guest waits on; and WASI 0.2, which Rust's
    // standard library for wasm32-wasip2 imports (stderr, for a panic message).
    wasmtime_wasi::p3::add_to_linker(&mut linker)?;
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    // ANCHOR_END: link

    let state = HostState {
        wasi: WasiCtx::builder().build(),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, state);
    let worker = Worker::instantiate_async(&mut store, &component, &linker).await?;

    // ANCHOR: calls
    // Three calls on one instance, started together: the slowest first.
    store
        .run_concurrent(async |accessor| {
            let run = async |name: &str, ms: u32| {
                println!("[host] start {name} ({ms} ms)");
                let jobs = worker.book_jobs_jobs();
                let line = jobs.call_run(accessor, name.into(), ms).await?;
                println!("[host] {line}");
                wasmtime::Result::<()>::Ok(())
            };
            let (a, b, c) =
                tokio::join!(run("a", 300), run("b", 100), run("c", 200));
            a.and(b).and(c)
        })
        .await??;
    // ANCHOR_END: calls
    Ok(())
}
// ANCHOR_END: all
