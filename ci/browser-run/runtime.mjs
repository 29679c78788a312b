// The book's "Run it here": runs one listing's WebAssembly in the reader's browser, with the
// grants of one run of its metadata, on a JavaScript implementation of WASI:
//   - WASI 0.1 modules on @bjorn3/browser_wasi_shim;
//   - WASI 0.2 components, transpiled to JavaScript at build time by jco, on
//     @bytecodealliance/preview2-shim's browser build.
// Bundled by esbuild into the book as run/runtime.js (xtask's run_here.rs) and imported by
// theme/run-here.js when a reader presses Run, so a page that nobody runs loads none of it.
import {
    ConsoleStdout,
    Directory,
    File,
    OpenFile,
    PreopenDirectory,
    WASI,
    WASIProcExit,
} from "@bjorn3/browser_wasi_shim";
import { createCli } from "@bytecodealliance/preview2-shim/cli";
import * as clocks from "@bytecodealliance/preview2-shim/clocks";
import { createFilesystem, InMemoryFilesystemAdapter } from "@bytecodealliance/preview2-shim/filesystem";
import * as io from "@bytecodealliance/preview2-shim/io";
import * as random from "@bytecodealliance/preview2-shim/random";
import * as sockets from "@bytecodealliance/preview2-shim/sockets";

const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

// A granted directory's files, `{ "a.txt": base64, "sub/b.txt": base64 }`, as nested objects
// whose leaves are the files' bytes.
function nest(files) {
    const root = {};
    for (const [path, content] of Object.entries(files)) {
        const parts = path.split("/");
        let dir = root;
        for (const part of parts.slice(0, -1)) dir = dir[part] ??= {};
        dir[parts.at(-1)] = bytes(content);
    }
    return root;
}
// The same tree for each shim: browser_wasi_shim's Map of File and Directory objects, and
// preview2-shim's `{ dir: { name: { source } } }`.
const p1Entries = (node) =>
    new Map(Object.entries(node).map(([n, v]) => [n, v instanceof Uint8Array ? new File(v) : new Directory(p1Entries(v))]));
const p2Tree = (node) => ({
    dir: Object.fromEntries(Object.entries(node).map(([n, v]) => [n, v instanceof Uint8Array ? { source: v } : p2Tree(v)])),
});

// WASI 0.2 blocking calls do not block here: jco's synchronous bindings ignore the Promise
// that preview2-shim's Pollable.block() returns, so a sleep returns at once (the clocks
// listing shows it). When the guest then drops that pollable, the abandoned wait rejects with
// "pollable has been disposed", which nothing handles. That rejection is a consequence of the
// difference the appendix reports, not a second error: it is marked handled here, and any
// other rejection still reaches the console.
addEventListener("unhandledrejection", (event) => {
    if (String(event.reason?.message).startsWith("pollable has been disposed")) event.preventDefault();
});

// Lines as the guest completes them, each stream buffered on its own (so the order is that of
// completed lines, which is what a terminal shows for line-at-a-time output); `end` flushes a
// last line without a newline.
function lineStream(out) {
    const decoder = new TextDecoder();
    let pending = "";
    return {
        write(contents) {
            pending += decoder.decode(contents, { stream: true });
            const parts = pending.split("\n");
            pending = parts.pop();
            parts.forEach(out);
        },
        // A WASI 0.2 guest flushes after every write; a line is shown when it is complete.
        blockingFlush() {},
        end() {
            if (pending) out(pending);
            pending = "";
        },
    };
}

// Runs `spec` and returns { output, code, diagnostic }: the guest's standard output and error,
// line by line; its exit status (134 for a trap, and 1 for a module that cannot start, as the
// book's runner reports both); and, for those two, the engine's own message, which the page
// shows apart from the guest's output.
export async function run(spec, base) {
    const lines = [];
    const out = (line) => lines.push(line);
    const result = spec.target === "wasip1" ? await runP1(spec, base, out) : await runP2(spec, base, out);
    return { output: lines.length ? lines.join("\n") + "\n" : "", ...result };
}

async function runP1(spec, base, out) {
    const wasm = await (await fetch(new URL(spec.module, base))).arrayBuffer();
    const stdin = new OpenFile(new File(spec.stdin ? bytes(spec.stdin) : new Uint8Array()));
    const [stdout, stderr] = [lineStream(out), lineStream(out)];
    const fds = [stdin, new ConsoleStdout((b) => stdout.write(b)), new ConsoleStdout((b) => stderr.write(b))];
    for (const d of spec.dirs) fds.push(new PreopenDirectory(d.guest, p1Entries(nest(d.files))));
    const env = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
    const wasi = new WASI(spec.args, env, fds, { debug: false });
    let instance;
    try {
        ({ instance } = await WebAssembly.instantiate(wasm, { wasi_snapshot_preview1: wasi.wasiImport }));
    } catch (e) {
        return { code: 1, diagnostic: `it did not start: ${e.message ?? e}` };
    }
    try {
        return { code: wasi.start(instance) };
    } catch (e) {
        if (e instanceof WASIProcExit) return { code: e.code };
        return { code: 134, diagnostic: `it trapped: ${e.message ?? e}` };
    } finally {
        stdout.end();
        stderr.end();
    }
}

async function runP2(spec, base, out) {
    const component = await import(new URL(spec.module, base).href);
    const moduleDir = new URL(".", new URL(spec.module, base));
    const getCoreModule = async (file) => WebAssembly.compile(await (await fetch(new URL(file, moduleDir))).arrayBuffer());
    const stdinData = spec.stdin ? bytes(spec.stdin) : new Uint8Array();
    let stdinAt = 0;
    const [stdout, stderr] = [lineStream(out), lineStream(out)];
    const cli = createCli({
        arguments: spec.args,
        environment: spec.env,
        stdin: {
            blockingRead(len) {
                if (stdinAt >= stdinData.length) throw { tag: "closed" };
                const chunk = stdinData.slice(stdinAt, stdinAt + Number(len));
                stdinAt += chunk.length;
                return chunk;
            },
        },
        stdout,
        stderr,
    });
    const preopens = {};
    for (const d of spec.dirs) preopens[d.guest] = p2Tree(nest(d.files));
    const fs = createFilesystem({ adapter: new InMemoryFilesystemAdapter(), preopens });
    const imports = {
        "wasi:cli/environment": cli.environment,
        "wasi:cli/exit": cli.exit,
        "wasi:cli/stdin": cli.stdin,
        "wasi:cli/stdout": cli.stdout,
        "wasi:cli/stderr": cli.stderr,
        "wasi:cli/terminal-input": cli.terminalInput,
        "wasi:cli/terminal-output": cli.terminalOutput,
        "wasi:cli/terminal-stdin": cli.terminalStdin,
        "wasi:cli/terminal-stdout": cli.terminalStdout,
        "wasi:cli/terminal-stderr": cli.terminalStderr,
        "wasi:clocks/monotonic-clock": clocks.monotonicClock,
        "wasi:clocks/wall-clock": clocks.wallClock,
        "wasi:filesystem/types": fs.types,
        "wasi:filesystem/preopens": fs.preopens,
        "wasi:io/error": io.error,
        "wasi:io/poll": io.poll,
        "wasi:io/streams": io.streams,
        "wasi:random/random": random.random,
        "wasi:random/insecure": random.insecure,
        "wasi:random/insecure-seed": random.insecureSeed,
        "wasi:sockets/instance-network": sockets.instanceNetwork,
        "wasi:sockets/network": sockets.network,
        "wasi:sockets/tcp": sockets.tcp,
        "wasi:sockets/tcp-create-socket": sockets.tcpCreateSocket,
        "wasi:sockets/udp": sockets.udp,
        "wasi:sockets/udp-create-socket": sockets.udpCreateSocket,
        "wasi:sockets/ip-name-lookup": sockets.ipNameLookup,
    };
    let instance;
    try {
        instance = await component.instantiate(getCoreModule, imports);
    } catch (e) {
        return { code: 1, diagnostic: `it did not start: ${e.message ?? e}` };
    }
    try {
        instance.run.run();
        return { code: 0 };
    } catch (e) {
        if (e && e.exitError) return { code: e.code };
        // `wasi:cli/run` returned its error, which jco throws as its ComponentError (the only
        // error with a `payload`): exit status 1, as in Wasmtime.
        if (e && Object.prototype.hasOwnProperty.call(e, "payload")) return { code: 1 };
        return { code: 134, diagnostic: `it trapped: ${e.message ?? e}` };
    } finally {
        // What the guest wrote without a final newline.
        stdout.end();
        stderr.end();
        fs.dispose();
    }
}
