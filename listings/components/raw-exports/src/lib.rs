// Built by: cargo build -q -p raw-exports --target wasm32-wasip2
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

static TOTAL: AtomicU32 = AtomicU32::new(0);

/// A core-wasm export, as in Listing 9-1. WASI 0.2 has no place for it.
#[unsafe(no_mangle)]
pub extern "C" fn add(n: u32) -> u32 {
    TOTAL.fetch_add(n, Ordering::Relaxed) + n
}
// ANCHOR_END: all
