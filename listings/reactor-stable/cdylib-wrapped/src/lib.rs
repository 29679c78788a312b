// Run it (from the repository root), in the call host:
//   cargo build -q -p cdylib-wrapped --target wasm32-wasip1 && \
//   cargo run -q --release -p call-host -- target/wasm32-wasip1/debug/cdylib_wrapped.wasm constructor_runs constructor_runs constructor_runs
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

static CONSTRUCTOR_RUNS: AtomicU32 = AtomicU32::new(0);

// A static constructor, as C and C++ code (or Rust crates like `ctor`) register
// them: a function pointer in `.init_array`, which the linker's `__wasm_call_ctors`
// calls.
#[used]
#[unsafe(link_section = ".init_array")]
static CONSTRUCTOR: extern "C" fn() = count_constructor_run;

extern "C" fn count_constructor_run() {
    CONSTRUCTOR_RUNS.fetch_add(1, Ordering::Relaxed);
}

/// How many times the constructors have run in this instance.
#[unsafe(no_mangle)]
pub extern "C" fn constructor_runs() -> u32 {
    CONSTRUCTOR_RUNS.load(Ordering::Relaxed)
}
// ANCHOR_END: all
