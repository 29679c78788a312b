// The resources chapter's splitter, hosted by Node.js: the host's resource
// `tally.counter` is a JavaScript class, the guest's `line-buffer` arrives
// as one.
//   jco transpile --instantiation async -q \
//     target/wasm32-wasip2/debug/lines_component.wasm -o target/jco/lines
//   node listings/components-in-js/node-host/lines.mjs target/jco/lines
// ANCHOR: all
import { loadComponent } from "./load.mjs";

// A WIT resource the host defines is a class: its WIT constructor is the
// class's, `add` a method.
class Counter {
  constructor(name) {
    this.name = name;
    this.total = 0;
    console.log(`[js] counter "${name}" created`);
  }
  add(n) {
    this.total += n;
    return this.total;
  }
  // Called when the guest drops its handle to this counter.
  [Symbol.dispose]() {
    console.log(`[js] counter "${this.name}" dropped at ${this.total}`);
  }
}

const splitter = await loadComponent(process.argv[2], "lines_component", {
  "book:lines/tally": { Counter },
});

// A resource the guest defines is a class too, made by the guest. WIT's
// kebab-case becomes camelCase (`next-line`, `nextLine`), and an
// `option<string>` a string or `undefined`.
const buffer = new splitter.split.LineBuffer();
for (const text of ["to be, or no", "t to be:\nthat is the", " question\nwhe"]) {
  console.log(`[js] fed ${JSON.stringify(text)}: ${buffer.feed(text)} waiting`);
}
let line;
while ((line = buffer.nextLine()) !== undefined) {
  console.log(`[js] line: ${JSON.stringify(line)}`);
}
// Drops the buffer in the guest, which drops its counter in turn.
buffer[Symbol.dispose]();
// ANCHOR_END: all
