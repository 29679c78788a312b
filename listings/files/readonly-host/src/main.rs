// Run it (from the repository root):
//   cargo build -q -p files --target wasm32-wasip1 && cargo run -q --release -p readonly-host -- \
//   listings/files/files/data target/wasm32-wasip1/debug/files.wasm /data/poem.txt /data/note.txt
// ANCHOR: all
use std::path::Path;
use wasmtime::{Engine, Linker, Module, Store, bail};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

fn main() -> wasmtime::Result<()> {
    // readonly-host DIR MODULE [ARGS...]: DIR is granted as /data, read-only.
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        bail!("usage: readonly-host DIR MODULE.wasm [ARGS...]");
    }
    let dir = args.remove(0);
    let module_path = args[0].clone();
    if let Some(name) = Path::new(&module_path).file_name() {
        args[0] = name.to_string_lossy().into_owned();
    }
    let engine = Engine::default();
    let module = Module::from_file(&engine, &module_path)?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;

    // ANCHOR: grant
    let wasi = WasiCtxBuilder::new()
        .inherit_stdio()
        // The guest's argv: the module's file name, as `wasmtime run` passes
        // it, then the rest.
        .args(&args)
        // Read, list and stat under /data; create, write and remove are refused.
        .preopened_dir(&dir, "/data", FsPerms::ReadOnly)?
        .build_p1();
    // ANCHOR_END: grant
    let mut store = Store::new(&engine, wasi);
    let instance = linker.instantiate(&mut store, &module)?;
    // A command: call `_start`, once. A guest that exits with a status
    // (`std::process::exit`, or `main` returning an error) ends the call with
    // an `I32Exit`; pass its status on, as `wasmtime run` does.
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    if let Err(e) = start.call(&mut store, ()) {
        match e.downcast_ref::<I32Exit>() {
            Some(I32Exit(status)) => std::process::exit(*status),
            None => return Err(e),
        }
    }
    Ok(())
}
// ANCHOR_END: all
