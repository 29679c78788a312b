// Run it: cargo build -q -p files --target wasm32-wasip1 && \
//         wasmtime run --dir=listings/files/files/data::/data \
//         target/wasm32-wasip1/debug/files.wasm /data/poem.txt /data/note.txt
// ANCHOR: all
use std::fs;
use std::process::exit;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Read the file named by the first argument.
    let path = &args[1];
    match fs::read_to_string(path) {
        Ok(text) => print!("read {path}:\n{text}"),
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            exit(1);
        }
    }
    // If a second path is given: write it, read it back, remove it.
    if let Some(note) = args.get(2) {
        if let Err(e) = fs::write(note, "written by the guest\n") {
            eprintln!("cannot write {note}: {e}");
            exit(1);
        }
        println!("wrote {note}: {:?}", fs::read_to_string(note).unwrap());
        fs::remove_file(note).unwrap();
        println!("removed {note}");
    }
}
// ANCHOR_END: all
