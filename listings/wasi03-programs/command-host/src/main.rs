// Run it (from the repository root):
//   cargo build -q -p hello-p3 --target wasm32-wasip2 && cargo run -q --release -p command-host
// ANCHOR: all
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::p3::bindings::Command;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

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
        .unwrap_or("target/wasm32-wasip2/debug/hello_p3.wasm".into());
    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)?;

    let mut linker = Linker::<HostState>::new(&engine);
    // WASI 0.3 for the command, WASI 0.2 for its standard library.
    wasmtime_wasi::p3::add_to_linker(&mut linker)?;
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;

    let state = HostState {
        wasi: WasiCtx::builder().inherit_stdout().build(),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, state);
    // `Command` is the `wasi:cli/command@0.3.0` world, as `bindgen!` makes it.
    let command =
        Command::instantiate_async(&mut store, &component, &linker).await?;
    let result = store
        .run_concurrent(async |accessor| {
            command.wasi_cli_run().call_run(accessor).await
        })
        .await??;
    println!("[host] run returned {result:?}");
    Ok(())
}
// ANCHOR_END: all
