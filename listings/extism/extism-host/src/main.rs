// Run it (from the repository root):
//   cargo build -q -p extism-greeter --target wasm32-unknown-unknown &&
//   cargo build -q -p extism-greeter --target wasm32-wasip1 && cargo run -q --release -p extism-host
// ANCHOR: all
use extism::{Manifest, Plugin, Wasm};

fn main() -> Result<(), extism::Error> {
    for (file, wasi) in [
        (
            "target/wasm32-unknown-unknown/debug/extism_greeter.wasm",
            false,
        ),
        ("target/wasm32-wasip1/debug/extism_greeter.wasm", true),
    ] {
        println!("{file} (WASI {}):", if wasi { "on" } else { "off" });
        let manifest = Manifest::new([Wasm::data(std::fs::read(file)?)]);
        // One plugin: one instance, called many times. Extism would call the
        // plugin's `__wasm_call_ctors` or `_initialize` first, but this plugin
        // exports neither.
        let mut plugin = Plugin::new(&manifest, [], wasi)?;
        for name in ["Ferris", "WASI", "Extism"] {
            let greeting: String = plugin.call("greet", name)?;
            println!("  {greeting}");
        }
    }
    Ok(())
}
// ANCHOR_END: all
