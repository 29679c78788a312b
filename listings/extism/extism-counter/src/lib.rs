// Built by: cargo build -q -p extism-counter --target wasm32-unknown-unknown
// Run by the host program: cargo run -q --release -p extism-count
// ANCHOR: all
use extism_pdk::*;
use std::sync::atomic::{AtomicU32, Ordering};

static GREETINGS: AtomicU32 = AtomicU32::new(0);

#[plugin_fn]
pub fn greet(name: String) -> FnResult<String> {
    let n = GREETINGS.fetch_add(1, Ordering::Relaxed) + 1;
    Ok(format!("Hello, {name}! (greeting #{n} from this instance)"))
}

// A function with no input: the host passes `()`, and the export never reads it.
// The number goes back as its four little-endian bytes, which the host turns
// into a `u32` again.
#[plugin_fn]
pub fn count() -> FnResult<u32> {
    Ok(GREETINGS.load(Ordering::Relaxed))
}
// ANCHOR_END: all
