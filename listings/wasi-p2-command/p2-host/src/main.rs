// Run it (from the repository root):
//   cargo build -q -p args-env --target wasm32-wasip2 && cargo run -q --release \
//   -p p2-host -- target/wasm32-wasip2/debug/args-env.wasm one two
// ANCHOR: all
use std::path::Path;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store, bail};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxView, WasiView};

// The store's data: the guest's WASI context, and the table that holds the
// resources (streams, descriptors) the guest has handles to.
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
    // p2-host COMPONENT.wasm [ARGS...]
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().cloned() else {
        bail!("usage: p2-host COMPONENT.wasm [ARGS...]");
    };
    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)?;
    let mut linker = Linker::<HostState>::new(&engine);
    // Every interface of the `wasi:cli/command` world (not `wasi:http`).
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;

    // argv[0] is the file's name without its directory, as `wasmtime run`
    // passes it: the guest need not learn where the host keeps its files.
    if let Some(name) = Path::new(&path).file_name() {
        args[0] = name.to_string_lossy().into_owned();
    }
    // Its arguments and our standard streams: no directories, no environment,
    // no network.
    let wasi = WasiCtx::builder().args(&args).inherit_stdio().build();
    let state = HostState {
        wasi,
        table: ResourceTable::new(),
    };
    let mut store = Store::new(&engine, state);
    // `Command` is the `wasi:cli/command` world: instantiate, then call
    // `wasi:cli/run`'s `run`, which returns `result` with no payload.
    let command = Command::instantiate(&mut store, &component, &linker)?;
    match command.wasi_cli_run().call_run(&mut store) {
        Ok(result) => {
            println!("[host] run returned {result:?}");
            // A failure has no status of its own: 1, as `wasmtime run` exits.
            if result.is_err() {
                std::process::exit(1);
            }
        }
        // `std::process::exit(n)` in the guest: `wasi:cli/exit`, with its status.
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(I32Exit(status)) => std::process::exit(*status),
            None => return Err(e),
        },
    }
    Ok(())
}
// ANCHOR_END: all
