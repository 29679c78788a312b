// Run it (with the nightly pinned in ci/nightly-toolchain.toml):
//   cargo +nightly-2026-10-29 rustc -q -p exec-model-bin --target wasm32-wasip1 -- -Z wasi-exec-model=reactor &&
//   ci/wasi-run --call 'add 1' --call 'add 2' --call 'add 3' target/wasm32-wasip1/debug/exec-model-bin.wasm
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

static TOTAL: AtomicU32 = AtomicU32::new(0);

/// Adds `n` to a running total kept in the instance's memory, and returns the
/// total.
#[unsafe(no_mangle)]
pub extern "C" fn add(n: u32) -> u32 {
    TOTAL.fetch_add(n, Ordering::Relaxed) + n
}

fn main() {
    // Linked as a reactor, the module has no `_start`: nothing ever calls this.
    println!("main runs");
}
// ANCHOR_END: all
