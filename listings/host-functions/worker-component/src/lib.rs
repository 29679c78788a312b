// Built by: cargo build -q -p worker-component --target wasm32-wasip2
// Run by the host program: cargo run -q --release -p worker-host
// ANCHOR: all
wit_bindgen::generate!({ world: "worker", path: "wit" });

// The import is a module of plain functions; the export is a trait to implement.
use book::logbook::log::{self, Entry, Level};
use exports::book::logbook::work::{Guest, Job};

struct Worker;

impl Guest for Worker {
    fn run(job: Job) -> String {
        let mut held = 0;
        for step in 1..=job.steps {
            let message = format!("{}: step {step} of {}", job.name, job.steps);
            // A call into the host: the record goes out, a number comes back.
            held = log::append(&Entry {
                level: Level::Info,
                message,
            });
        }
        format!("{} done; the host's log holds {held} entries", job.name)
    }
}

// Exports `Worker` under the component's names, such as
// `book:logbook/work#run`.
export!(Worker);
// ANCHOR_END: all
