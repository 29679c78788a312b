// Run it (from the repository root):
//   cargo build -q -p greeter --target wasm32-wasip1 && cargo run -q --release -p reactor-host
use wasmtime::{Engine, Instance, Linker, Memory, Module, Store, Trap, TypedFunc};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

const GUEST: &str = "target/wasm32-wasip1/debug/greeter.wasm";

// ANCHOR: exports
/// The guest's exports, looked up once with their types checked.
struct Greeter {
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    dealloc: TypedFunc<(u32, u32), ()>,
    greet: TypedFunc<(u32, u32), u64>,
}
// ANCHOR_END: exports

fn main() -> wasmtime::Result<()> {
    // ANCHOR: instantiate
    let engine = Engine::default();
    let module = Module::from_file(&engine, GUEST)?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    // The greeter imports a few WASI 0.1 functions (its C library does); grant nothing else.
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().inherit_stdio().build_p1());
    // `instantiate` runs no WASI entry point: for a reactor, calling `_initialize` once is
    // the host's job (a command's `_start` would be too).
    let instance: Instance = linker.instantiate(&mut store, &module)?;
    instance.get_typed_func::<(), ()>(&mut store, "_initialize")?.call(&mut store, ())?;
    let g = Greeter {
        memory: instance.get_memory(&mut store, "memory").expect("the guest exports its memory"),
        alloc: instance.get_typed_func(&mut store, "alloc")?,
        dealloc: instance.get_typed_func(&mut store, "dealloc")?,
        greet: instance.get_typed_func(&mut store, "greet")?,
    };
    // ANCHOR_END: instantiate

    // One instance, many calls: its memory (and the greeting counter in it) lives on.
    for name in ["Ferris", "WASI", "reactor"] {
        println!("{}", greet(&mut store, &g, name)?);
    }

    // ANCHOR: misuse
    // Misuse 1: write past the end of the guest's memory. The host API checks the bounds and
    // refuses; nothing is written.
    let end = g.memory.data_size(&store);
    match g.memory.write(&mut store, end - 4, b"too long for what is left") {
        Ok(()) => println!("write past the end: accepted (unexpected)"),
        Err(e) => println!("write past the end: refused: {e}"),
    }
    // Misuse 2: hand the guest a length that runs past its memory. The guest's first load
    // beyond the end traps; the host gets an error, not corrupted memory.
    match g.greet.call(&mut store, (end as u32 - 8, 64)) {
        Ok(r) => println!("greet with a bad length: returned {r} (unexpected)"),
        Err(e) => println!("greet with a bad length: trapped: {}", e.downcast_ref::<Trap>().map_or(e.to_string(), |t| t.to_string())),
    }
    // ANCHOR_END: misuse
    Ok(())
}

// ANCHOR: greet
/// Passes `name` in, gets the greeting out. Ownership: the host borrows guest memory from
/// `alloc` for the input and gives it back; the guest allocates the output, and the host
/// frees it once it has copied it out.
fn greet(store: &mut Store<WasiP1Ctx>, g: &Greeter, name: &str) -> wasmtime::Result<String> {
    let len = name.len() as u32;
    let input = g.alloc.call(&mut *store, len)?;
    g.memory.write(&mut *store, input as usize, name.as_bytes())?;
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
