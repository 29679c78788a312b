// Run it (from the repository root):
//   cargo build -q -p files --target wasm32-wasip2 && cargo run -q --release -p traced-host-file
// ANCHOR: all
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};

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

fn main() -> wasmtime::Result<()> {
    // ANCHOR: subscriber
    // Every WASI call, into a file: the terminal keeps the guest's own output.
    let log = "target/wasi-calls.log";
    tracing_subscriber::fmt()
        .with_env_filter("wasmtime_wasi=trace")
        .with_writer(std::sync::Mutex::new(std::fs::File::create(log)?))
        .with_ansi(false)
        .without_time()
        .with_level(false)
        .with_target(false)
        .init();
    // ANCHOR_END: subscriber

    let engine = Engine::default();
    let component =
        Component::from_file(&engine, "target/wasm32-wasip2/debug/files.wasm")?;
    let mut linker = Linker::<HostState>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;

    // The guest gets its arguments and one read-only directory, nothing else.
    let wasi = WasiCtx::builder()
        .args(&["files", "/data/poem.txt"])
        .inherit_stdout()
        .inherit_stderr()
        .preopened_dir("listings/files/files/data", "/data", FsPerms::ReadOnly)?
        .build();
    let state = HostState {
        wasi,
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, state);
    let command = Command::instantiate(&mut store, &component, &linker)?;
    let result = command.wasi_cli_run().call_run(&mut store)?;
    println!("[host] run returned {result:?}");
    // ANCHOR: count
    let calls = std::fs::read_to_string(log)?;
    let opens = calls.lines().filter(|l| l.contains("open-at")).count();
    println!(
        "[host] {log}: {} lines, {opens} about open-at",
        calls.lines().count()
    );
    // ANCHOR_END: count
    Ok(())
}
// ANCHOR_END: all
