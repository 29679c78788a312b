// Run it: cd listings/own-project/my-reader && cargo run -q --target wasm32-wasip1
// ANCHOR: all
fn main() {
    match std::fs::read_to_string("/data/greeting.txt") {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("cannot read /data/greeting.txt: {e}");
            std::process::exit(1);
        }
    }
}
// ANCHOR_END: all
