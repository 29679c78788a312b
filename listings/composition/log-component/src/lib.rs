// Built by: cargo build -q -p log-component --target wasm32-wasip2
// Composed with the worker: see the composition chapter.
// ANCHOR: all
wit_bindgen::generate!({ world: "logger", path: "wit" });

use std::sync::atomic::{AtomicU32, Ordering};

use exports::book::logbook::log::{Entry, Guest, Level};

struct Logger;

/// Entries appended so far, in this instance.
static HELD: AtomicU32 = AtomicU32::new(0);

impl Guest for Logger {
    fn append(entry: Entry) -> u32 {
        let level = match entry.level {
            Level::Info => "info",
            Level::Warn => "WARN",
        };
        println!("[log component] {level}: {}", entry.message);
        HELD.fetch_add(1, Ordering::Relaxed) + 1
    }
}

export!(Logger);
// ANCHOR_END: all
