// Built by: cargo build -q -p greedy --target wasm32-wasip1
// Run by the host program: cargo run -q --release -p sandbox-host -- work 1000
// ANCHOR: all
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        // Sums 0..n: the work grows with n.
        ["work", n] => {
            let n: u64 = n.parse().expect("work takes a number");
            let sum: u64 = (0..n).map(black_box).sum();
            println!("sum of 0..{n} = {sum}");
        }
        // Never returns.
        ["spin"] => loop {
            black_box(());
        },
        // Keeps reserving 1 MiB blocks, and never frees them.
        ["hoard"] => {
            let mut kept = Vec::new();
            loop {
                kept.push(black_box(Vec::<u8>::with_capacity(1 << 20)));
                if kept.len() % 4 == 0 {
                    println!("holding {} MiB", kept.len());
                }
            }
        }
        // Prints without end.
        ["chatter"] => loop {
            println!("la la la");
        },
        // Reads a file, if the host gave it access.
        ["read", path] => match std::fs::read_to_string(path) {
            Ok(text) => print!("{text}"),
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                std::process::exit(1);
            }
        },
        _ => {
            eprintln!("usage: greedy work N | spin | hoard | chatter | read PATH");
            std::process::exit(2);
        }
    }
}
// ANCHOR_END: all
