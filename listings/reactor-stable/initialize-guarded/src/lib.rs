// Run it (from the repository root), in the call host:
//   cargo build -q -p initialize-guarded --target wasm32-wasip1 && \
//   cargo run -q --release -p call-host -- target/wasm32-wasip1/debug/initialize_guarded.wasm constructor_runs _initialize
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

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

unsafe extern "C" {
    /// Synthesized by the linker: calls every static constructor.
    fn __wasm_call_ctors();
}

// ANCHOR: initialize
static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// The WASI reactor entry point, which the host calls once.
#[unsafe(no_mangle)]
pub extern "C" fn _initialize() {
    // A second call is the host's mistake: stop the guest (a trap on WASI), as
    // wasi-libc's `_initialize` does, rather than run the constructors again.
    if INITIALIZED.swap(true, Ordering::Relaxed) {
        std::process::abort();
    }
    unsafe { __wasm_call_ctors() }
}
// ANCHOR_END: initialize
