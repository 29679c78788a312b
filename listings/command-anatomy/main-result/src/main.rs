// Run it: cargo run -q -p main-result --target wasm32-wasip1
// ANCHOR: all
struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("dropping {}", self.0);
    }
}

fn main() -> Result<(), String> {
    let _guard = Noisy("main's guard");
    let config = std::env::args().nth(1).ok_or("no config file given")?;
    println!("using {config}");
    Ok(())
}
// ANCHOR_END: all
