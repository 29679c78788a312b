// Run it (from the repository root):
//   cargo build -q -p greeter-component --target wasm32-wasip2 && cargo run -q --release -p component-host
use component_host::instantiate;
use std::path::Path;
use wasmtime::Engine;

fn main() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let (mut store, greeter) = instantiate(
        &engine,
        Path::new("target/wasm32-wasip2/debug/greeter_component.wasm"),
    )?;
    // ANCHOR: main
    for name in ["Ferris", "WASI", "component"] {
        let greeting = greeter
            .book_greeter_greetings()
            .call_greet(&mut store, name)?;
        println!(
            "{} (greeting #{} from this instance)",
            greeting.text, greeting.count
        );
    }
    // ANCHOR_END: main
    Ok(())
}
