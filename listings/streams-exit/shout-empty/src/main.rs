// Run it: cargo run -q -p shout-empty --target wasm32-wasip1 < listings/streams-exit/shout-empty/empty.txt
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
    if lines == 0 {
        // A failure a script can test for: a message for people, a status for
        // programs.
        eprintln!("shout: no input");
        std::process::exit(1);
    }
    eprintln!("shout: {lines} lines");
}
// ANCHOR_END: all
