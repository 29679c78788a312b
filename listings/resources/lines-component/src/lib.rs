// Built by: cargo build -q -p lines-component --target wasm32-wasip2
// Run by the host program: cargo run -q --release -p lines-host
// ANCHOR: all
wit_bindgen::generate!({ world: "splitter", path: "wit" });

use std::cell::RefCell;
use std::collections::VecDeque;

use book::lines::tally::Counter;
use exports::book::lines::split::{Guest, GuestLineBuffer};

struct Splitter;

impl Guest for Splitter {
    // The Rust type behind each `line-buffer` the host holds.
    type LineBuffer = LineBuffer;
}

struct LineBuffer {
    // Methods get `&self`, so the state that changes is in `RefCell`s.
    partial: RefCell<String>,
    lines: RefCell<VecDeque<String>>,
    // A handle to the host's resource, owned by this buffer.
    count: Counter,
}

impl GuestLineBuffer for LineBuffer {
    fn new() -> Self {
        LineBuffer {
            partial: RefCell::default(),
            lines: RefCell::default(),
            count: Counter::new("lines"),
        }
    }

    fn feed(&self, text: String) -> u32 {
        let mut partial = self.partial.borrow_mut();
        let mut lines = self.lines.borrow_mut();
        partial.push_str(&text);
        while let Some(end) = partial.find('\n') {
            let line: String = partial.drain(..=end).collect();
            lines.push_back(line.trim_end().to_string());
            self.count.add(1);
        }
        lines.len() as u32
    }

    fn next_line(&self) -> Option<String> {
        self.lines.borrow_mut().pop_front()
    }
}

export!(Splitter);
// ANCHOR_END: all
