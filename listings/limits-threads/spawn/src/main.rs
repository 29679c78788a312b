// Run it: cargo run -q -p spawn --target wasm32-wasip1   (or --target wasm32-wasip2)
// ANCHOR: all
use std::thread;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("builder") {
        // `Builder::spawn` hands the error back, as an `io::Error`.
        if let Err(e) = thread::Builder::new().spawn(|| 6 * 7) {
            eprintln!("cannot start a thread: {e}");
            std::process::exit(1);
        }
    }
    // `thread::spawn`, as most code calls it, panics with that error.
    let worker = thread::spawn(|| 6 * 7);
    println!("the thread computed {}", worker.join().unwrap());
}
// ANCHOR_END: all
