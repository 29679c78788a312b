// Built by: cargo build -q -p log-warnings --target wasm32-wasip2
// Composed with the capped worker: see the composition chapter's "Try it".
// ANCHOR: all
// The logger's own WIT directory: one world, two components that implement it.
wit_bindgen::generate!({ world: "logger", path: "../log-component/wit" });

use std::sync::atomic::{AtomicU32, Ordering};

use exports::book::logbook::log::{Entry, Guest, Level};

struct Logger;

static HELD: AtomicU32 = AtomicU32::new(0);

impl Guest for Logger {
    fn append(entry: Entry) -> u32 {
        // Every entry counts; only warnings are printed.
        if let Level::Warn = entry.level {
            println!("[log component] WARN: {}", entry.message);
        }
        HELD.fetch_add(1, Ordering::Relaxed) + 1
    }
}

#[cfg(target_family = "wasm")]
export!(Logger);
// ANCHOR_END: all
