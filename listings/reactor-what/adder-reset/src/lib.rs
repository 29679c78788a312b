// Run it (from the repository root), in the call host:
//   cargo build -q -p adder-reset --target wasm32-wasip1 && \
//   cargo run -q --release -p call-host -- target/wasm32-wasip1/debug/adder_reset.wasm 'add 5' reset 'add 2'
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

static TOTAL: AtomicU32 = AtomicU32::new(0);

/// Adds `n` to a running total kept in the instance's memory, and returns the
/// total.
#[unsafe(no_mangle)]
pub extern "C" fn add(n: u32) -> u32 {
    TOTAL.fetch_add(n, Ordering::Relaxed) + n
}

/// Sets the running total back to 0, for this instance only.
#[unsafe(no_mangle)]
pub extern "C" fn reset() {
    TOTAL.store(0, Ordering::Relaxed);
}
// ANCHOR_END: all
