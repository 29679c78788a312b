//! A WASI guest that misbehaves on request, for the runner's bad-input tests
//! (ci/wasi-runner/tests/bad_input.rs). Built for wasip1 and wasip2 by `cargo xtask setup`:
//!   cargo build -p misbehave --target wasm32-wasip1
//! Usage: misbehave <loop | sleep MS | alloc | panic | exit N | read PATH | write PATH | connect ADDR>

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match arg(1) {
        "loop" => {
            println!("looping");
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        // Blocked in a host call, where epoch interruption cannot reach.
        "sleep" => {
            println!("sleeping");
            std::thread::sleep(std::time::Duration::from_millis(arg(2).parse().unwrap()));
            println!("woke up");
        }
        "alloc" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
            }
        }
        "panic" => panic!("asked to panic"),
        "exit" => std::process::exit(arg(2).parse().unwrap()),
        "read" => match std::fs::read_to_string(arg(2)) {
            Ok(s) => println!("read {} bytes", s.len()),
            Err(e) => {
                println!("read {}: {e}", arg(2));
                std::process::exit(3);
            }
        },
        "write" => {
            match std::fs::File::create(arg(2)).and_then(|mut f| f.write_all(b"written\n")) {
                Ok(()) => println!("wrote {}", arg(2)),
                Err(e) => {
                    println!("write {}: {e}", arg(2));
                    std::process::exit(3);
                }
            }
        }
        "connect" => match std::net::TcpStream::connect(arg(2)) {
            Ok(_) => println!("connected to {}", arg(2)),
            Err(e) => {
                println!("connect {}: {e}", arg(2));
                std::process::exit(3);
            }
        },
        other => {
            eprintln!("unknown mode `{other}`");
            std::process::exit(2);
        }
    }
}
