// Built by: cargo build -q -p greeter-component --target wasm32-wasip2
// Run by the host program: cargo run -q --release -p component-host
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

// Generates Rust types and a `Guest` trait from wit/greeter.wit, and the glue
// (lifting and lowering strings and records through linear memory) that
// Listing 13-1 wrote by hand.
wit_bindgen::generate!({ world: "greeter", path: "wit" });

use exports::book::greeter::greetings::{Greeting, Guest};

static GREETINGS: AtomicU32 = AtomicU32::new(0);

struct Greeter;

impl Guest for Greeter {
    fn greet(name: String) -> Greeting {
        let count = GREETINGS.fetch_add(1, Ordering::Relaxed) + 1;
        Greeting {
            text: format!("Hello, {name}!"),
            count,
        }
    }
}

// Exports `Greeter` under the component's names, such as
// `book:greeter/greetings#greet`.
export!(Greeter);
// ANCHOR_END: all
