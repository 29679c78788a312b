// The worker without its `log` import: fails on purpose.
//   node listings/components-in-js/node-host/worker-no-log.mjs target/jco/worker
// ANCHOR: all
import { loadComponent } from "./load.mjs";

try {
  await loadComponent(process.argv[2], "worker_component", {});
} catch (error) {
  // What a host can tell its user: the generated code names the import.
  console.error(`cannot start the worker: ${error.message}`);
  process.exitCode = 1;
}
// ANCHOR_END: all
