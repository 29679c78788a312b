// Run it: cargo run -q -p shout --target wasm32-wasip1 < listings/streams-exit/shout/input.txt
// ANCHOR: all
use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    let mut lines = 0;
    for line in stdin.lock().lines() {
        let line = line.expect("stdin is readable");
        writeln!(stdout, "{}", line.to_uppercase()).expect("stdout is writable");
        lines += 1;
    }
    stdout.flush().unwrap();
    // Diagnostics go to stderr, a stream of its own: the host decides where each
    // stream goes, a terminal, a pipe or a file.
    eprintln!("shout: {lines} lines");
}
// ANCHOR_END: all
