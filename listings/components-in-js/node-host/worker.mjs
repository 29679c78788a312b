// Runs the worker component with its `log` import written in JavaScript.
//   jco transpile --instantiation async -q \
//     target/wasm32-wasip2/debug/worker_component.wasm -o target/jco/worker
//   node listings/components-in-js/node-host/worker.mjs target/jco/worker
// ANCHOR: all
import { loadComponent } from "./load.mjs";

// The host's log: what the guest's `log::append` calls reach.
const entries = [];
const log = {
  // The WIT record `entry` arrives as an object; the enum `level` as a
  // string ("info" or "warn"). The number returned is converted to a u32,
  // not checked: -1 would arrive as 4294967295.
  append(entry) {
    entries.push(entry);
    console.log(`[js log] ${entry.level}: ${entry.message}`);
    return entries.length;
  },
};

// Keyed by the interface's full name, without a version.
const worker = await loadComponent(process.argv[2], "worker_component", {
  "book:logbook/log": log,
});

const summary = worker.work.run({ name: "resize", steps: 3 });
console.log(summary);
// ANCHOR_END: all
