// Run it: cargo build -q -p args-env --target wasm32-wasip1 &&
//   wasmtime run --env=EMPTY= --env=GREETING=hello target/wasm32-wasip1/debug/args-env.wasm \
//   --name WASI 'two words'
// ANCHOR: all
fn main() {
    // The host decides every one of these, argv[0] included.
    for (i, arg) in std::env::args().enumerate() {
        println!("argv[{i}] = {arg:?}");
    }
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    if vars.is_empty() {
        println!("no environment variables");
    }
    for (name, value) in vars {
        println!("{name}={value:?}");
    }
    // The host's own environment is not visible unless the host copies it in.
    println!("HOME is {:?}", std::env::var("HOME").ok());
}
// ANCHOR_END: all
