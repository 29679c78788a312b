// Built by: cargo build -q -p greeter-farewell --target wasm32-wasip2
// Run by the host program: cargo run -q --release -p farewell-host
use std::sync::atomic::{AtomicU32, Ordering};

wit_bindgen::generate!({ world: "greeter", path: "wit" });

use exports::book::greeter::greetings::{Greeting, Guest};

static GREETINGS: AtomicU32 = AtomicU32::new(0);

struct Greeter;

// ANCHOR: impl
impl Guest for Greeter {
    fn greet(name: String) -> Greeting {
        let count = GREETINGS.fetch_add(1, Ordering::Relaxed) + 1;
        Greeting {
            text: format!("Hello, {name}!"),
            count,
        }
    }

    // The trait gained this method when the WIT file gained the function: without
    // it, the crate does not compile.
    fn farewell(name: String) -> String {
        format!("Goodbye, {name}!")
    }
}
// ANCHOR_END: impl

export!(Greeter);
