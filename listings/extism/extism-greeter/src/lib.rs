// Built by: cargo build -q -p extism-greeter --target wasm32-unknown-unknown   (or wasm32-wasip1)
// Run by the host program: cargo run -q --release -p extism-host
// ANCHOR: all
use extism_pdk::*;
use std::sync::atomic::{AtomicU32, Ordering};

static GREETINGS: AtomicU32 = AtomicU32::new(0);

// `#[plugin_fn]` generates the export: it reads the input from Extism's memory,
// converts it, calls this function and stores the output. No pointers in sight.
#[plugin_fn]
pub fn greet(name: String) -> FnResult<String> {
    let n = GREETINGS.fetch_add(1, Ordering::Relaxed) + 1;
    Ok(format!("Hello, {name}! (greeting #{n} from this instance)"))
}
// ANCHOR_END: all
