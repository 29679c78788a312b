// Run it: cargo run -q -p clocks --target wasm32-wasip1   (or --target wasm32-wasip2)
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    // ANCHOR: wall
    // The wall clock: WASI 0.1 `clock_time_get(REALTIME)`, WASI 0.2
    // `wasi:clocks/wall-clock`.
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    println!("since the Unix epoch: {:.3} s", since_epoch.as_secs_f64());
    // ANCHOR_END: wall

    // ANCHOR: monotonic
    // The monotonic clock never goes back, whatever happens to the wall clock.
    let mut previous = Instant::now();
    let mut went_back = false;
    for _ in 0..10_000 {
        let now = Instant::now();
        went_back |= now < previous;
        previous = now;
    }
    println!("monotonic clock went back: {went_back}");

    // Sleeping blocks in the host (WASI 0.1 `poll_oneoff`, WASI 0.2 a pollable).
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(50));
    let slept = start.elapsed();
    println!("slept for {:.1} ms", slept.as_secs_f64() * 1000.0);
    println!(
        "slept at least 50 ms: {}",
        slept >= Duration::from_millis(50)
    );
    // ANCHOR_END: monotonic

    // ANCHOR: random
    // Random bytes from the host: WASI 0.1 `random_get`, WASI 0.2 `wasi:random`.
    let mut a = [0u8; 16];
    let mut b = [0u8; 16];
    getrandom::fill(&mut a).expect("the host provides randomness");
    getrandom::fill(&mut b).expect("the host provides randomness");
    let hex: String = a.iter().map(|x| format!("{x:02x}")).collect();
    println!("random bytes: {hex}");
    println!("two draws differ: {}", a != b);
    // ANCHOR_END: random
}
