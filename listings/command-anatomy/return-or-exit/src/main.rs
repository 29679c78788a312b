// Run it: cargo run -q -p return-or-exit --target wasm32-wasip1 [-- exit]
// ANCHOR: all
struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("dropping {}", self.0);
    }
}

fn main() {
    let _guard = Noisy("main's guard");
    if std::env::args().nth(1).as_deref() == Some("exit") {
        finish_early();
    }
    println!("returning from main");
}

fn finish_early() {
    println!("calling std::process::exit(3)");
    std::process::exit(3);
}
// ANCHOR_END: all
