// Built by: cargo build -q -p lines-words --target wasm32-wasip2
// Run by the host program:
//   cargo run -q --release -p lines-host -- target/wasm32-wasip2/debug/lines_words.wasm
// ANCHOR: all
// The line buffer's own WIT file: one contract, two guests that implement it.
wit_bindgen::generate!({ world: "splitter", path: "../lines-component/wit" });

use std::cell::RefCell;
use std::collections::VecDeque;

use book::lines::tally::Counter;
use exports::book::lines::split::{Guest, GuestLineBuffer};

struct Splitter;

impl Guest for Splitter {
    type LineBuffer = LineBuffer;
}

struct LineBuffer {
    partial: RefCell<String>,
    lines: RefCell<VecDeque<String>>,
    count: Counter,
    // A second host counter: one more handle, dropped with the buffer.
    words: Counter,
}

impl GuestLineBuffer for LineBuffer {
    fn new() -> Self {
        LineBuffer {
            partial: RefCell::default(),
            lines: RefCell::default(),
            count: Counter::new("lines"),
            words: Counter::new("words"),
        }
    }

    fn feed(&self, text: String) -> u32 {
        let mut partial = self.partial.borrow_mut();
        let mut lines = self.lines.borrow_mut();
        partial.push_str(&text);
        while let Some(end) = partial.find('\n') {
            let line: String = partial.drain(..=end).collect();
            self.words.add(line.split_whitespace().count() as u32);
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
