// Run it: WASI_RUNNER_FLAGS='--env GREETING=hello' cargo run -q -p args-env --target wasm32-wasip1 -- one two
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
