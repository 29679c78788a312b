// Run it: cargo run -q -p args-usage --target wasm32-wasip1 -- poem.txt
// ANCHOR: all
fn main() {
    let mut args = std::env::args();
    // argv[0] is whatever the host chose; the message uses it, as a native tool
    // would.
    let program = args.next().unwrap_or_else(|| "args-usage".to_string());
    let Some(file) = args.next() else {
        eprintln!("usage: {program} FILE");
        std::process::exit(2);
    };
    println!("would read {file}");
}
// ANCHOR_END: all
