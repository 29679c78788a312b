// Calls the greeter component from Node.js. Transpile it, then run:
//   jco transpile --instantiation async -q \
//     target/wasm32-wasip2/debug/greeter_component.wasm -o target/jco/greeter
//   node listings/components-in-js/node-host/greet.mjs target/jco/greeter
// ANCHOR: all
import { loadComponent } from "./load.mjs";

// The greeter imports nothing of its own: WASI is all it needs.
const greeter = await loadComponent(process.argv[2], "greeter_component", {});

// Each exported interface is an object of functions, under its name; the
// WIT record `greeting` arrives as a plain object.
for (const name of ["Node", "JavaScript"]) {
  const greeting = greeter.greetings.greet(name);
  console.log(greeting);
}
// ANCHOR_END: all
