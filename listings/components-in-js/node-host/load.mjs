// The one helper the hosts here share: loads a component that
// `jco transpile --instantiation async` wrote into `dir`, and instantiates
// it with WASI from preview2-shim plus the host's own `imports`.
// ANCHOR: all
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { WASIShim } from "@bytecodealliance/preview2-shim/instantiation";

// WASI with no directories, no environment variables, no network, and the
// component's name as its only argument. Still Node's own: standard input,
// output and error, the clocks, random numbers, and `exit`, which ends the
// Node process.
export function sandboxed(name) {
  return new WASIShim({
    sandbox: { preopens: {}, env: {}, args: [name], enableNetwork: false },
  });
}

export async function loadComponent(dir, name, imports, wasi = sandboxed(name)) {
  // The JavaScript jco generated: with --instantiation it imports nothing
  // itself, so it can live anywhere (here, under cargo's target/).
  const url = pathToFileURL(resolve(dir, `${name}.js`));
  const { instantiate } = await import(url.href);

  // Where the component's core modules come from: the host decides. (Left
  // out, the generated code reads them from beside itself.)
  const getCoreModule = async (file) =>
    WebAssembly.compile(await readFile(join(dir, file)));

  return instantiate(getCoreModule, {
    ...wasi.getImportObject(),
    ...imports,
  });
}
// ANCHOR_END: all
