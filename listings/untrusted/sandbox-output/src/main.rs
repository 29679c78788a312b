// Run it (from the repository root):
//   cargo build -q -p greedy --target wasm32-wasip1 && cargo run -q --release -p sandbox-output -- work 1000
// ANCHOR: all
use std::time::Duration;

use wasmtime::{
    Config, Engine, Error, Linker, Module, Store, StoreLimits, StoreLimitsBuilder,
    Trap,
};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

// ANCHOR: limits
// How long one run of the guest may take, and how much it may allocate.
const DEADLINE: Duration = Duration::from_millis(500);
const MEMORY: usize = 16 << 20; // bytes of linear memory
const TABLE: usize = 10_000; // elements of a table (of function references)
const OUTPUT: usize = 1 << 10; // bytes of standard output kept
// ANCHOR_END: limits

struct Sandbox {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
}

fn main() -> wasmtime::Result<()> {
    // `sandbox-output [--fuel N] [--again] GUEST-ARGS...`
    let mut args = std::env::args().skip(1).peekable();
    let mut fuel = u64::MAX;
    let mut again = false;
    while let Some(option) = args.next_if(|a| a.starts_with("--")) {
        match option.as_str() {
            "--fuel" => fuel = args.next().unwrap_or_default().parse()?,
            "--again" => again = true,
            _ => wasmtime::bail!("unknown option {option}"),
        }
    }
    let guest_args: Vec<String> = args.collect();

    // ANCHOR: engine
    let mut config = Config::new();
    config.consume_fuel(true); // count work; trap when the store's fuel runs out
    config.epoch_interruption(true); // check the engine's epoch in loops and calls
    let engine = Engine::new(&config)?;
    // ANCHOR_END: engine
    let module =
        Module::from_file(&engine, "target/wasm32-wasip1/debug/greedy.wasm")?;
    let mut linker = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |s: &mut Sandbox| &mut s.wasi)?;

    // ANCHOR: store
    // The grants: arguments, standard error, standard output into memory (up
    // to `OUTPUT` bytes), and (by default) the clocks and random numbers.
    let output = MemoryOutputPipe::new(OUTPUT);
    let wasi = WasiCtxBuilder::new()
        .arg("greedy")
        .args(&guest_args)
        .stdout(output.clone())
        .inherit_stderr()
        .build_p1();
    let limits = StoreLimitsBuilder::new()
        .memory_size(MEMORY)
        .table_elements(TABLE)
        .instances(1)
        .trap_on_grow_failure(true)
        .build();
    let mut store = Store::new(&engine, Sandbox { wasi, limits });
    store.limiter(|s| &mut s.limits);
    store.set_fuel(fuel)?;
    // Trap at the epoch's first tick; a thread ticks it at the deadline.
    store.set_epoch_deadline(1);
    let clock = engine.clone();
    std::thread::spawn(move || {
        std::thread::sleep(DEADLINE);
        clock.increment_epoch();
    });
    // ANCHOR_END: store

    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    // ANCHOR: verdict
    let result = start.call(&mut store, ());
    let printed = output.contents();
    let status = match result {
        Ok(()) => 0,
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0, // the guest called `exit`
            None => {
                println!("[host] stopped: {}", why(&e));
                println!("[host] kept {} bytes of its output", printed.len());
                std::process::exit(1);
            }
        },
    };
    print!(
        "[host] the guest printed: {}",
        String::from_utf8_lossy(&printed)
    );
    let used = fuel - store.get_fuel()?;
    println!("[host] exit status {status}, {used} units of fuel used");
    // ANCHOR_END: verdict

    // ANCHOR: again
    if again {
        // A second instance in the same store: past `instances(1)`.
        linker.instantiate(&mut store, &module)?;
    }
    // ANCHOR_END: again
    std::process::exit(status);
}

// ANCHOR: why
/// One sentence for the host's user: which limit stopped the guest.
fn why(error: &Error) -> String {
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => "the guest used all of its fuel".to_string(),
        Some(Trap::Interrupt) => {
            format!("the guest ran past its deadline of {DEADLINE:?}")
        }
        Some(trap) => trap.to_string(), // "wasm trap: …"
        // Not a trap of WebAssembly's own: an error from the host's side,
        // such as the memory cap's (`trap_on_grow_failure`).
        None => error.root_cause().to_string(),
    }
}
// ANCHOR_END: why
// ANCHOR_END: all
