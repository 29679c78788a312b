// The args-env command under preview2-shim's defaults, then sandboxed.
//   jco transpile --instantiation async -q \
//     target/wasm32-wasip2/debug/args-env.wasm -o target/jco/args-env
//   SECRET=visible node listings/components-in-js/node-host/env-default.mjs \
//     target/jco/args-env
// ANCHOR: all
import { WASIShim } from "@bytecodealliance/preview2-shim/instantiation";
import { loadComponent } from "./load.mjs";

const dir = process.argv[2];

console.log("With the shim's defaults:");
const open = await loadComponent(dir, "args-env", {}, new WASIShim());
// A command exports `wasi:cli/run`, whose one function is `run`.
open.run.run();

console.log("With the sandbox:");
const closed = await loadComponent(dir, "args-env", {});
closed.run.run();
// ANCHOR_END: all
