// Run it: cargo run -q -p average-checked --target wasm32-wasip1
// ANCHOR: all
/// The mean of some readings, rounded down; `None` when there are none.
fn average(readings: &[u32]) -> Option<u32> {
    let total: u32 = readings.iter().sum();
    total.checked_div(readings.len() as u32)
}

fn main() {
    let readings: Vec<u32> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse().expect("each reading is a whole number"))
        .collect();
    println!("{} readings", readings.len());
    match average(&readings) {
        Some(mean) => println!("average: {mean}"),
        None => {
            eprintln!("no readings to average");
            std::process::exit(1);
        }
    }
}
// ANCHOR_END: all
