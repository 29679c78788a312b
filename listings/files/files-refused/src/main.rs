// Built for wasm32-wasip1 and run by the read-only host (listings/files/readonly-host), with
// its `data` directory granted read-only.
// ANCHOR: all
use std::fs;
use std::io::ErrorKind;
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
        // ANCHOR: refused
        match fs::write(note, "written by the guest\n") {
            Ok(()) => {}
            // A grant the host made read-only refuses every write in it.
            Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                eprintln!(
                    "cannot write {note}: the host granted its directory read-only"
                );
                exit(2);
            }
            Err(e) => {
                eprintln!("cannot write {note}: {e}");
                exit(1);
            }
        }
        // ANCHOR_END: refused
        println!("wrote {note}: {:?}", fs::read_to_string(note).unwrap());
        fs::remove_file(note).unwrap();
        println!("removed {note}");
    }
}
// ANCHOR_END: all
