// The Extism part of chapter 14's benchmark, run by `reactor-bench` as a child process, so
// that neither binary links two Wasmtimes. Run it alone (from the repository root):
//   cargo build -q -p extism-greeter --target wasm32-wasip1 && cargo build -q --release -p extism-host &&
//   target/release/extism-bench
// It prints one line per approach: `name<TAB>micros<TAB>calls` for each workload.
use bench_harness::{Approach, Error};

// ANCHOR: approach
/// (c) The Extism plugin (Listing 15-1), one plugin instance.
struct ExtismPlugin(extism::Plugin);

impl Approach for ExtismPlugin {
    fn name(&self) -> &'static str {
        "Extism plugin"
    }
    fn greet(&mut self, name: &str) -> Result<String, Error> {
        Ok(self.0.call::<&str, String>("greet", name)?)
    }
}
// ANCHOR_END: approach

fn main() -> Result<(), Error> {
    let wasm = std::fs::read("target/wasm32-wasip1/debug/extism_greeter.wasm")?;
    let manifest = extism::Manifest::new([extism::Wasm::data(wasm)]);
    let mut plugin = ExtismPlugin(extism::Plugin::new(&manifest, [], true)?);
    let row = bench_harness::measure_all(&mut plugin)?;
    println!("{}", bench_harness::to_line(plugin.name(), &row));
    Ok(())
}
