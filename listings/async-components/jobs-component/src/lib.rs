// Built by: cargo build -q -p jobs-component --target wasm32-wasip2
// Run by the host program: cargo run -q --release -p jobs-host
// ANCHOR: all
wit_bindgen::generate!({ world: "worker", path: "wit" });

use exports::book::jobs::jobs::Guest;
use wasip3::clocks::monotonic_clock;

struct Worker;

impl Guest for Worker {
    // A WIT `async func` is an `async fn`: each `.await` is a point where
    // this call can pause and the host can run another call of the instance.
    async fn run(name: String, ms: u32) -> String {
        // WASI 0.3's clock: an async function, in nanoseconds.
        monotonic_clock::wait_for(u64::from(ms) * 1_000_000).await;
        format!("{name} done after {ms} ms")
    }
}

// Exports `Worker` under the component's names, such as `[async-
// lift]book:jobs/jobs#run`.
export!(Worker);
// ANCHOR_END: all
