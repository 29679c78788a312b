// Run it (from the repository root):
//   cargo build -q -p primes --target wasm32-wasip1 && cargo run -q --release -p fuel-meter -- target/wasm32-wasip1/debug/primes.wasm naive 10000
// ANCHOR: all
use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

fn main() -> wasmtime::Result<()> {
    // `fuel-meter MODULE ARGS...`: run a WASI 0.1 command, then say how much
    // fuel it used.
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("the path of a .wasm file");
    let guest_args: Vec<String> = args.collect();

    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config)?;
    let module = Module::from_file(&engine, &path)?;
    let mut linker = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |wasi: &mut WasiP1Ctx| wasi)?;

    let wasi = WasiCtxBuilder::new()
        .arg(&path)
        .args(&guest_args)
        .inherit_stdout()
        .inherit_stderr()
        .build_p1();
    let mut store = Store::new(&engine, wasi);
    let fuel = u64::MAX;
    store.set_fuel(fuel)?;

    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    let status = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0, // the guest called `exit`
            None => return Err(e),
        },
    };
    let used = fuel - store.get_fuel()?;
    println!("[fuel-meter] {used} units of fuel");
    std::process::exit(status);
}
// ANCHOR_END: all
