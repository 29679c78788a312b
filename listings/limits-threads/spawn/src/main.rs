// Run it: cargo run -q -p spawn --target wasm32-wasip1   (or --target wasm32-wasip2)
// ANCHOR: all
use std::thread;

fn main() {
    // `Builder::spawn` returns the error that `thread::spawn` would panic with.
    match thread::Builder::new().spawn(|| 6 * 7) {
        Ok(worker) => println!("the thread computed {}", worker.join().unwrap()),
        Err(e) => {
            eprintln!("cannot start a thread: {e}");
            std::process::exit(1);
        }
    }
}
// ANCHOR_END: all
