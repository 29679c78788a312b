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
        let level = match entry.level {
            Level::Info => "info",
            Level::Warn => "WARN",
        };
        println!("[log component] {level}: {}", entry.message);
        // Every entry is printed; only warnings count.
        match entry.level {
            Level::Warn => HELD.fetch_add(1, Ordering::Relaxed) + 1,
            Level::Info => HELD.load(Ordering::Relaxed),
        }
    }
}

export!(Logger);
// ANCHOR_END: all
