//! The book's WASI runner: runs a WASI 0.1 core module (as a command through `_start`, or as a
//! reactor through `_initialize` and named exports) or a WASI 0.2 component (through
//! `wasi:cli/run`) on wasmtime 48, with the same grants `wasmtime run` would give.
//!
//! It differs from `wasmtime run` in two ways, both so that a bad listing cannot take the book's
//! build down with it: every run has a wall-clock deadline (epoch interruption) and a memory cap
//! (a `ResourceLimiter`), and each failure is reported in one plain sentence naming the file.
//!
//! Stdio is inherited: whoever starts the runner decides where stdin comes from and where output
//! goes (the book's tooling pipes both streams into one buffer, like a terminal shows them).

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use wasmtime::component::{Component, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{Config, Engine, Linker, Module, ResourceLimiter, Store, Trap, Val, ValType};
use wasmtime::{Result, bail, format_err as anyhow};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

pub mod cache;

/// Exit code when the guest traps, is stopped at its deadline, or hits the memory cap.
/// `wasmtime run` exits with 128 + SIGABRT for a trap on Unix; we do the same so a transcript
/// reads the same under both.
pub use book_common::TRAP_EXIT_CODE;

/// A directory the guest may see: `host` on this machine, `guest` inside the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preopen {
    pub host: PathBuf,
    pub guest: String,
    pub read_only: bool,
}

/// One call of a reactor's export: `export` by name, with arguments written as text
/// (`wasmtime run --invoke` style: parsed as the export's parameter types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub export: String,
    pub args: Vec<String>,
}

/// Everything a run needs. [`RunOptions::new`] gives the defaults: no grants at all.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub wasm: PathBuf,
    /// What the guest sees as argv[1..]; argv[0] is the file name of `wasm`.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub dirs: Vec<Preopen>,
    /// Grant TCP, UDP and name lookup (WASI 0.2 only; WASI 0.1 has no sockets).
    pub network: bool,
    /// Reactor calls, in order, on one instance. Empty: run as a command.
    pub calls: Vec<Call>,
    pub deadline: Duration,
    pub memory_limit_bytes: usize,
    /// Where compiled machine code is cached (`None`: compile every time).
    pub cache_dir: Option<PathBuf>,
}

impl RunOptions {
    pub fn new(wasm: impl Into<PathBuf>) -> Self {
        RunOptions {
            wasm: wasm.into(),
            args: Vec::new(),
            env: Vec::new(),
            dirs: Vec::new(),
            network: false,
            calls: Vec::new(),
            deadline: Duration::from_secs(10),
            memory_limit_bytes: 256 << 20,
            cache_dir: None,
        }
    }

    fn display_name(&self) -> String {
        self.wasm.display().to_string()
    }
}

/// How a run ended, when it ran to an end the guest chose (return or exit).
/// Traps, deadlines and caps are errors instead ([`RunError`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub i32);

/// A run that did not end on its own terms, with the sentence to show a reader.
#[derive(Debug)]
pub struct RunError {
    pub message: String,
    pub exit_code: i32,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Runs `opts.wasm`. `Ok(Exit(n))` when the guest returned or exited with `n`; `Err` with a
/// reader-facing sentence when it trapped, ran out of time or memory, or could not start.
pub fn run(opts: &RunOptions) -> std::result::Result<Exit, RunError> {
    let name = opts.display_name();
    let bytes = match read_wasm(&opts.wasm) {
        Ok(b) => b,
        Err(e) => {
            return Err(RunError {
                message: format!("{name}: {e:#}"),
                exit_code: 1,
            });
        }
    };
    let engine = new_engine();
    let limits = Limits {
        cap: opts.memory_limit_bytes,
        hit: false,
    };
    let (result, memory_cap_hit) = if wasmtime::Engine::detect_precompiled(&bytes).is_some() {
        (
            Err(anyhow!(
                "precompiled `.cwasm` files are not accepted; pass the `.wasm` file"
            )),
            false,
        )
    } else if is_component(&bytes) {
        run_component(&engine, opts, &bytes, limits)
    } else {
        run_module(&engine, opts, &bytes, limits)
    };
    classify(&name, opts, result, memory_cap_hit)
}

/// How long past its deadline a guest blocked in a host call (a sleep, a read) may take before
/// the runner gives up on it.
const HOST_CALL_GRACE: Duration = Duration::from_secs(1);

/// The deadline of one run, armed once the code is compiled, so that a slow compile on a busy
/// machine never counts against the guest. A thread bumps the engine's epoch when `deadline`
/// has passed; the store traps at its next epoch check (every loop back-edge and function
/// entry). A guest blocked in a host call never reaches one, so after a short grace the same
/// thread reports it, with the same sentence, and ends the process. Dropping the guard (the
/// run finished) ends the thread at once.
struct Deadline {
    done: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Deadline {
    fn arm(engine: &Engine, opts: &RunOptions) -> Deadline {
        let (tx, rx) = mpsc::channel::<()>();
        let engine = engine.clone();
        let (deadline, name) = (opts.deadline, opts.display_name());
        let thread = std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(deadline) {
                engine.increment_epoch();
                if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(HOST_CALL_GRACE) {
                    eprintln!(
                        "error: {name}: stopped: it did not finish within its deadline of {} \
                         (blocked in a host call, where it cannot be interrupted)",
                        human_duration(deadline)
                    );
                    std::process::exit(TRAP_EXIT_CODE);
                }
            }
        });
        Deadline {
            done: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Turns the raw result into the reader-facing outcome.
fn classify(
    name: &str,
    opts: &RunOptions,
    result: Result<()>,
    memory_cap_hit: bool,
) -> std::result::Result<Exit, RunError> {
    let err = match result {
        Ok(()) => return Ok(Exit(0)),
        Err(e) => e,
    };
    if let Some(exit) = err.downcast_ref::<I32Exit>() {
        return Ok(Exit(exit.0));
    }
    if let Some(ComponentRunFailed) = err.downcast_ref::<ComponentRunFailed>() {
        return Ok(Exit(1));
    }
    if let Some(trap) = err.downcast_ref::<Trap>() {
        let message = if *trap == Trap::Interrupt {
            format!(
                "{name}: stopped: it did not finish within its deadline of {} (wasm trap: interrupt)",
                human_duration(opts.deadline)
            )
        } else if memory_cap_hit {
            format!(
                "{name}: trapped after its linear memory reached the cap of {} MiB: {trap}",
                opts.memory_limit_bytes >> 20
            )
        } else {
            format!("{name}: trapped: {trap}")
        };
        return Err(RunError {
            message,
            exit_code: TRAP_EXIT_CODE,
        });
    }
    Err(RunError {
        message: format!("{name}: {err:#}"),
        exit_code: 1,
    })
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// A `wasi:cli/run` that returned `err`: the guest's way of saying "exit status 1".
#[derive(Debug)]
struct ComponentRunFailed;
impl std::fmt::Display for ComponentRunFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("wasi:cli/run returned an error")
    }
}
impl std::error::Error for ComponentRunFailed {}

fn read_wasm(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| "cannot read the file".to_string())?;
    if bytes.starts_with(b"\0asm") {
        Ok(bytes)
    } else {
        // Text format (`.wat`): handy for the runner's own tests.
        wat::parse_bytes(&bytes)
            .map(|b| b.into_owned())
            .context("not a wasm binary, nor valid wat text")
    }
}

/// A component's preamble has layer 1 where a core module has version 1 (component model
/// binary format, "Component Definitions").
fn is_component(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes[4..8] == [0x0d, 0x00, 0x01, 0x00]
}

fn new_engine() -> Engine {
    let mut config = Config::new();
    config.epoch_interruption(true);
    // `wasmtime run` defaults: wasm backtraces with names, so a trap message can say where.
    config.wasm_backtrace_max_frames(NonZeroUsize::new(20));
    Engine::new(&config).expect("the runner's fixed engine configuration is valid")
}

/// Memory cap for one store: refuses growth beyond `cap` and remembers that it did, so a trap
/// that follows (Rust's allocator aborts when `memory.grow` fails) can be blamed on the cap.
struct Limits {
    cap: usize,
    hit: bool,
}

impl ResourceLimiter for Limits {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool> {
        let ok = desired <= self.cap;
        self.hit |= !ok;
        Ok(ok)
    }
    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// The WASI context both worlds share: args, env, preopens, network and inherited stdio.
fn wasi_builder(opts: &RunOptions) -> Result<WasiCtxBuilder> {
    let mut b = WasiCtxBuilder::new();
    b.inherit_stdio();
    let argv0 = opts
        .wasm
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    b.arg(argv0);
    b.args(&opts.args);
    b.envs(&opts.env);
    for dir in &opts.dirs {
        let perms = if dir.read_only {
            FsPerms::ReadOnly
        } else {
            FsPerms::ReadWrite
        };
        b.preopened_dir(&dir.host, &dir.guest, perms)
            .with_context(|| format!("cannot preopen host directory `{}`", dir.host.display()))?;
    }
    if opts.network {
        // wasmtime-wasi 48 denies TCP and UDP unless allowed, even with the network inherited.
        b.inherit_network()
            .allow_tcp(true)
            .allow_udp(true)
            .allow_ip_name_lookup(true);
    }
    Ok(b)
}

struct ModuleHost {
    wasi: WasiP1Ctx,
    limits: Limits,
}

/// Returns the result and whether the memory cap refused a growth.
fn run_module(
    engine: &Engine,
    opts: &RunOptions,
    bytes: &[u8],
    limits: Limits,
) -> (Result<()>, bool) {
    let wasi = match wasi_builder(opts) {
        Ok(mut b) => b.build_p1(),
        Err(e) => return (Err(e), false),
    };
    let mut store = Store::new(engine, ModuleHost { wasi, limits });
    store.limiter(|h| &mut h.limits);
    store.set_epoch_deadline(1);
    store.epoch_deadline_trap();
    let result = run_module_in(engine, opts, bytes, &mut store);
    (result, store.data().limits.hit)
}

fn run_module_in(
    engine: &Engine,
    opts: &RunOptions,
    bytes: &[u8],
    mut store: &mut Store<ModuleHost>,
) -> Result<()> {
    let module = load_module(engine, opts, bytes)?;
    let mut linker: Linker<ModuleHost> = Linker::new(engine);
    // WASI 0.1 (`wasi_snapshot_preview1`) implemented on top of wasmtime-wasi's 0.2 host.
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |h| &mut h.wasi)?;

    let exports: Vec<String> = module.exports().map(|e| e.name().to_string()).collect();
    let has = |n: &str| exports.iter().any(|e| e == n);
    if has("_start") && has("_initialize") {
        bail!("exports both `_start` and `_initialize`, which the WASI application ABI forbids");
    }
    let _deadline = Deadline::arm(engine, opts);
    // `Linker::instantiate` runs the start section only; WASI's entry points are ours to call.
    let instance = linker.instantiate(&mut store, &module)?;
    if opts.calls.is_empty() {
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start").map_err(|_| {
            anyhow!(
                "no `_start` export, so it is not a command (exports: {}); to call a reactor's export use --invoke NAME",
                exports.join(", ")
            )
        })?;
        return start.call(&mut store, ());
    }
    if has("_initialize") {
        instance
            .get_typed_func::<(), ()>(&mut store, "_initialize")?
            .call(&mut store, ())?;
    }
    for call in &opts.calls {
        let func = instance.get_func(&mut store, &call.export).ok_or_else(|| {
            anyhow!(
                "no function export named `{}` (exports: {})",
                call.export,
                exports.join(", ")
            )
        })?;
        let ty = func.ty(&store);
        let params: Vec<ValType> = ty.params().collect();
        if params.len() != call.args.len() {
            bail!(
                "`{}` takes {} argument(s), {} given",
                call.export,
                params.len(),
                call.args.len()
            );
        }
        let args = params
            .iter()
            .zip(&call.args)
            .map(|(t, a)| {
                parse_val(t, a).with_context(|| format!("argument `{a}` of `{}`", call.export))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut results = vec![Val::I32(0); ty.results().len()];
        func.call(&mut store, &args, &mut results)?;
        // Like `wasmtime run --invoke`: each result on its own line of stdout.
        for r in results {
            println!("{}", show_val(&r));
        }
    }
    Ok(())
}

fn parse_val(ty: &ValType, text: &str) -> Result<Val> {
    Ok(match ty {
        ValType::I32 => Val::I32(text.parse::<i64>().map(|v| v as i32)?),
        ValType::I64 => Val::I64(text.parse()?),
        ValType::F32 => Val::F32(text.parse::<f32>()?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>()?.to_bits()),
        other => bail!("parameters of type {other} cannot be given on the command line"),
    })
}

fn show_val(v: &Val) -> String {
    match v {
        Val::I32(i) => i.to_string(),
        Val::I64(i) => i.to_string(),
        Val::F32(f) => f32::from_bits(*f).to_string(),
        Val::F64(f) => f64::from_bits(*f).to_string(),
        other => format!("{other:?}"),
    }
}

struct ComponentHost {
    ctx: WasiCtx,
    table: ResourceTable,
    limits: Limits,
}

impl WasiView for ComponentHost {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// Returns the result and whether the memory cap refused a growth.
fn run_component(
    engine: &Engine,
    opts: &RunOptions,
    bytes: &[u8],
    limits: Limits,
) -> (Result<()>, bool) {
    let ctx = match wasi_builder(opts) {
        Ok(mut b) => b.build(),
        Err(e) => return (Err(e), false),
    };
    let mut store = Store::new(
        engine,
        ComponentHost {
            ctx,
            table: ResourceTable::new(),
            limits,
        },
    );
    store.limiter(|h| &mut h.limits);
    store.set_epoch_deadline(1);
    store.epoch_deadline_trap();
    let result = run_component_in(engine, opts, bytes, &mut store);
    (result, store.data().limits.hit)
}

fn run_component_in(
    engine: &Engine,
    opts: &RunOptions,
    bytes: &[u8],
    mut store: &mut Store<ComponentHost>,
) -> Result<()> {
    if !opts.calls.is_empty() {
        bail!(
            "--invoke is for WASI 0.1 reactors; a component's exports are typed (see the chapter on components)"
        );
    }
    let component = load_component(engine, opts, bytes)?;
    let mut linker = wasmtime::component::Linker::<ComponentHost>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    let _deadline = Deadline::arm(engine, opts);
    let command =
        wasmtime_wasi::p2::bindings::sync::Command::instantiate(&mut store, &component, &linker)
            .context("cannot instantiate it as a `wasi:cli/command` component")?;
    match command.wasi_cli_run().call_run(&mut store)? {
        Ok(()) => Ok(()),
        Err(()) => Err(ComponentRunFailed.into()),
    }
}

fn load_module(engine: &Engine, opts: &RunOptions, bytes: &[u8]) -> Result<Module> {
    match &opts.cache_dir {
        None => Module::new(engine, bytes),
        // SAFETY (deserialize_file): the entry was written by `precompile_module` of this very
        // engine configuration (its name includes the engine's compatibility hash), into a
        // directory only this user can write (`cache::unusable` checked it); a file that fails
        // to load is compiled again.
        Some(dir) => cache::load(
            engine,
            dir,
            bytes,
            |b| engine.precompile_module(b),
            |p| unsafe { Module::deserialize_file(engine, p) },
        ),
    }
}

fn load_component(engine: &Engine, opts: &RunOptions, bytes: &[u8]) -> Result<Component> {
    match &opts.cache_dir {
        None => Component::new(engine, bytes),
        // SAFETY: as in `load_module`.
        Some(dir) => cache::load(
            engine,
            dir,
            bytes,
            |b| engine.precompile_component(b),
            |p| unsafe { Component::deserialize_file(engine, p) },
        ),
    }
}

/// What wasmtime sees in a file, without running it: a core module's imports and exports with
/// their types, or a component's imported and exported names (`wasi-runner --describe`).
pub fn describe(path: &Path) -> Result<String> {
    let bytes = read_wasm(path)?;
    let engine = Engine::default();
    let mut out = String::new();
    if is_component(&bytes) {
        let component = Component::new(&engine, &bytes)?;
        let ty = component.component_type();
        out.push_str("a component (WASI 0.2)\n");
        for (name, _) in ty.imports(&engine) {
            out.push_str(&format!("  import {name}\n"));
        }
        for (name, _) in ty.exports(&engine) {
            out.push_str(&format!("  export {name}\n"));
        }
    } else {
        let module = Module::new(&engine, &bytes)?;
        let names = exported_function_names(&bytes);
        let wasi = module
            .imports()
            .any(|i| i.module() == "wasi_snapshot_preview1");
        out.push_str(if wasi {
            "a core module (WASI 0.1)\n"
        } else {
            "a core module (no WASI imports)\n"
        });
        for i in module.imports() {
            out.push_str(&format!(
                "  import {}::{}: {}\n",
                i.module(),
                i.name(),
                extern_type(&i.ty())
            ));
        }
        for e in module.exports() {
            out.push_str(&format!("  export {}: {}", e.name(), extern_type(&e.ty())));
            // The linker may export a wrapper rather than the function itself; its debug name
            // (for example `add.command_export`) says so.
            match names.get(e.name()) {
                Some(n) if n != e.name() => out.push_str(&format!("  (function `{n}`)\n")),
                _ => out.push('\n'),
            }
        }
    }
    Ok(out)
}

/// Export name -> the exported function's name in the `name` custom section, if it has one.
fn exported_function_names(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    use wasmtime::wasmparser::{ExternalKind, KnownCustom, Name, Parser, Payload};
    let mut exports = Vec::new();
    let mut names = std::collections::HashMap::new();
    for payload in Parser::new(0).parse_all(bytes).flatten() {
        match payload {
            Payload::ExportSection(reader) => {
                for e in reader.into_iter().flatten() {
                    if e.kind == ExternalKind::Func {
                        exports.push((e.name.to_string(), e.index));
                    }
                }
            }
            Payload::CustomSection(c) => {
                if let KnownCustom::Name(reader) = c.as_known() {
                    for sub in reader.into_iter().flatten() {
                        if let Name::Function(map) = sub {
                            for n in map.into_iter().flatten() {
                                names.insert(n.index, n.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    exports
        .into_iter()
        .filter_map(|(e, i)| names.get(&i).map(|n| (e, n.clone())))
        .collect()
}

fn extern_type(ty: &wasmtime::ExternType) -> String {
    match ty {
        // Display gives `(type (func ...))`; the inner `(func ...)` is the part a reader wants.
        wasmtime::ExternType::Func(f) => {
            let s = f.to_string();
            s.strip_prefix("(type ")
                .and_then(|s| s.strip_suffix(')'))
                .unwrap_or(&s)
                .to_string()
        }
        wasmtime::ExternType::Memory(_) => "memory".into(),
        wasmtime::ExternType::Global(_) => "global".into(),
        wasmtime::ExternType::Table(_) => "table".into(),
        wasmtime::ExternType::Tag(_) => "tag".into(),
    }
}
