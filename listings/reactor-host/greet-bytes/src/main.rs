// Run it (from the repository root):
//   cargo build -q -p greeter --target wasm32-wasip1 && cargo run -q --release -p greet-bytes
use reactor_host::{Greeter, instantiate};
use std::path::Path;
use wasmtime::{Engine, Store};
use wasmtime_wasi::p1::WasiP1Ctx;

// ANCHOR: greet_bytes
/// Like Listing 13-2's `greet`, for any bytes: `None` when the guest refuses them
/// (its `greet` returns 0 for input that is not UTF-8).
fn greet_bytes(
    store: &mut Store<WasiP1Ctx>,
    g: &Greeter,
    name: &[u8],
) -> wasmtime::Result<Option<String>> {
    let len = name.len() as u32;
    let input = g.alloc.call(&mut *store, len)?;
    g.memory.write(&mut *store, input as usize, name)?;
    let packed = g.greet.call(&mut *store, (input, len))?;
    g.dealloc.call(&mut *store, (input, len))?;
    if packed == 0 {
        return Ok(None);
    }
    let (ptr, out_len) = ((packed >> 32) as u32, packed as u32);
    let mut out = vec![0u8; out_len as usize];
    g.memory.read(&*store, ptr as usize, &mut out)?;
    g.dealloc.call(&mut *store, (ptr, out_len))?;
    Ok(Some(String::from_utf8(out)?))
}
// ANCHOR_END: greet_bytes

fn main() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let (mut store, g) = instantiate(
        &engine,
        Path::new("target/wasm32-wasip1/debug/greeter.wasm"),
    )?;
    // ANCHOR: calls
    // A valid name, then two bytes that are not UTF-8, then a valid name again.
    let inputs: [&[u8]; 3] = [b"Ferris", &[0xff, 0xfe], b"WASI"];
    for name in inputs {
        match greet_bytes(&mut store, &g, name)? {
            Some(greeting) => println!("{greeting}"),
            None => println!("the guest refused {name:?}: not UTF-8"),
        }
    }
    // ANCHOR_END: calls
    Ok(())
}
