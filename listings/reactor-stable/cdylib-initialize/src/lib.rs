// Run it (from the repository root), in the call host:
//   cargo build -q -p cdylib-initialize --target wasm32-wasip1 && \
//   cargo run -q --release -p call-host -- target/wasm32-wasip1/debug/cdylib_initialize.wasm constructor_runs constructor_runs constructor_runs
use std::sync::atomic::{AtomicU32, Ordering};

static CONSTRUCTOR_RUNS: AtomicU32 = AtomicU32::new(0);

#[used]
#[unsafe(link_section = ".init_array")]
static CONSTRUCTOR: extern "C" fn() = count_constructor_run;

extern "C" fn count_constructor_run() {
    CONSTRUCTOR_RUNS.fetch_add(1, Ordering::Relaxed);
}

#[unsafe(no_mangle)]
pub extern "C" fn constructor_runs() -> u32 {
    CONSTRUCTOR_RUNS.load(Ordering::Relaxed)
}

// ANCHOR: initialize
unsafe extern "C" {
    /// Synthesized by the linker: calls every static constructor.
    fn __wasm_call_ctors();
}

/// The WASI reactor entry point. Because it calls `__wasm_call_ctors` itself, the
/// linker no longer wraps each export in constructor and destructor calls.
#[unsafe(no_mangle)]
pub extern "C" fn _initialize() {
    unsafe { __wasm_call_ctors() }
}
// ANCHOR_END: initialize
