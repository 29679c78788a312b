// Built by: cargo build -q -p jobs-busy --target wasm32-wasip2
// Run by the host program:
//   cargo run -q --release -p jobs-host -- target/wasm32-wasip2/debug/jobs_busy.wasm
// ANCHOR: all
wit_bindgen::generate!({ world: "worker", path: "../jobs-component/wit" });

use exports::book::jobs::jobs::Guest;
use wasip3::clocks::monotonic_clock;

struct Worker;

impl Guest for Worker {
    async fn run(name: String, ms: u32) -> String {
        // The same wait, without an `.await`: read the clock until `ms` have
        // passed. This call keeps the instance until it returns.
        let end = monotonic_clock::now() + u64::from(ms) * 1_000_000;
        while monotonic_clock::now() < end {}
        format!("{name} done after {ms} ms")
    }
}

// Exports `Worker` under the component's names, such as `[async-
// lift]book:jobs/jobs#run`.
export!(Worker);
// ANCHOR_END: all
