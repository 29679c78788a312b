// Run it: cargo run -q -p average --target wasm32-wasip1 -- 3 5 10
// ANCHOR: all
/// The mean of some readings, rounded down.
fn average(readings: &[u32]) -> u32 {
    let total: u32 = readings.iter().sum();
    total / readings.len() as u32
}

fn main() {
    let readings: Vec<u32> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse().expect("each reading is a whole number"))
        .collect();
    println!("{} readings", readings.len());
    println!("average: {}", average(&readings));
}
// ANCHOR_END: all
