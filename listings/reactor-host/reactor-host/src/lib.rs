//! The host side of the greeter reactor (Listing 13-1): instantiate it once, then pass strings
//! through its linear memory. Used by this crate's `main.rs` and by the benchmark.
use std::path::Path;
use wasmtime::{Engine, Instance, Linker, Memory, Module, Store, TypedFunc};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

// ANCHOR: exports
/// The guest's exports, looked up once with their types checked.
pub struct Greeter {
    pub memory: Memory,
    pub alloc: TypedFunc<u32, u32>,
    pub dealloc: TypedFunc<(u32, u32), ()>,
    pub greet: TypedFunc<(u32, u32), u64>,
}
// ANCHOR_END: exports

/// Instantiates the reactor at `path` once and initialises it.
pub fn instantiate(
    engine: &Engine,
    path: &Path,
) -> wasmtime::Result<(Store<WasiP1Ctx>, Greeter)> {
    // ANCHOR: instantiate
    let module = Module::from_file(engine, path)?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    // The greeter imports a few WASI 0.1 functions (its C library does); grant
    // nothing else.
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store =
        Store::new(engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    // `instantiate` runs no WASI entry point: for a reactor, calling `_initialize`
    // once is the host's job (a command's `_start` would be too).
    let instance: Instance = linker.instantiate(&mut store, &module)?;
    instance
        .get_typed_func::<(), ()>(&mut store, "_initialize")?
        .call(&mut store, ())?;
    let g = Greeter {
        memory: instance
            .get_memory(&mut store, "memory")
            .expect("the guest exports its memory"),
        alloc: instance.get_typed_func(&mut store, "alloc")?,
        dealloc: instance.get_typed_func(&mut store, "dealloc")?,
        greet: instance.get_typed_func(&mut store, "greet")?,
    };
    // ANCHOR_END: instantiate
    Ok((store, g))
}

// ANCHOR: greet
/// Passes `name` in, gets the greeting out. Ownership: the host borrows guest
/// memory from `alloc` for the input and gives it back; the guest allocates the
/// output, and the host frees it once it has copied it out.
pub fn greet(
    store: &mut Store<WasiP1Ctx>,
    g: &Greeter,
    name: &str,
) -> wasmtime::Result<String> {
    let len = name.len() as u32;
    let input = g.alloc.call(&mut *store, len)?;
    g.memory
        .write(&mut *store, input as usize, name.as_bytes())?;
    let packed = g.greet.call(&mut *store, (input, len))?;
    g.dealloc.call(&mut *store, (input, len))?;
    if packed == 0 {
        wasmtime::bail!("the guest rejected {name:?}");
    }
    let (ptr, out_len) = ((packed >> 32) as u32, packed as u32);
    let mut out = vec![0u8; out_len as usize];
    g.memory.read(&*store, ptr as usize, &mut out)?;
    g.dealloc.call(&mut *store, (ptr, out_len))?;
    Ok(String::from_utf8(out)?)
}
// ANCHOR_END: greet
