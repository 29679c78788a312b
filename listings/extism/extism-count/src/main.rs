// Run it (from the repository root):
//   cargo build -q -p extism-counter --target wasm32-unknown-unknown && cargo run -q --release -p extism-count
// ANCHOR: all
use extism::{Manifest, Plugin, Wasm};

fn main() -> Result<(), extism::Error> {
    let file = "target/wasm32-unknown-unknown/debug/extism_counter.wasm";
    let manifest = Manifest::new([Wasm::data(std::fs::read(file)?)]);
    let mut plugin = Plugin::new(&manifest, [], false)?;
    for name in ["Ferris", "WASI", "Extism"] {
        let greeting: String = plugin.call("greet", name)?;
        println!("{greeting}");
    }
    let count: u32 = plugin.call("count", ())?;
    println!("count on this plugin: {count}");
    // A second plugin from the same manifest is a second instance, with its own
    // memory: its count starts at 0.
    let mut fresh = Plugin::new(&manifest, [], false)?;
    let count: u32 = fresh.call("count", ())?;
    println!("count on a new plugin: {count}");
    Ok(())
}
// ANCHOR_END: all
