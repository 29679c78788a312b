// Built by: cargo build -q -p worker-capped --target wasm32-wasip2
// Run by the host program:
//   cargo run -q --release -p worker-host -- target/wasm32-wasip2/debug/worker_capped.wasm
// ANCHOR: all
// The worker's own WIT file: one contract, two guests that implement it.
wit_bindgen::generate!({ world: "worker", path: "../worker-component/wit" });

use book::logbook::log::{self, Entry, Level};
use exports::book::logbook::work::{Guest, Job};

/// Once the host's log holds this many entries, the worker stops (after one
/// last `warn` entry that says why).
const CAP: u32 = 4;

struct Worker;

impl Guest for Worker {
    fn run(job: Job) -> String {
        for step in 1..=job.steps {
            let message = format!("{}: step {step} of {}", job.name, job.steps);
            let held = log::append(&Entry {
                level: Level::Info,
                message,
            });
            // The host's answer decides what the guest does next.
            if held >= CAP && step < job.steps {
                log::append(&Entry {
                    level: Level::Warn,
                    message: format!("{}: log full, stopping", job.name),
                });
                return format!("{} stopped after step {step}", job.name);
            }
        }
        format!("{} done", job.name)
    }
}

// Exports `Worker` under the component's names, such as
// `book:logbook/work#run`.
export!(Worker);
// ANCHOR_END: all
