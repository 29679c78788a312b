//! `wasi-runner`: the book's stand-in for `wasmtime run`, with a deadline and a memory cap.
//! Its flags (see USAGE below) follow `wasmtime run` where it has them. It is the cargo
//! `runner` for the wasm targets: see `.cargo/config.toml` and `ci/wasi-run`.

use book_common::{MAX_DEADLINE_MS, MAX_MEMORY_MIB};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wasi_runner::{Call, Preopen, RunOptions};

fn main() -> ExitCode {
    let mut argv: Vec<String> = Vec::new();
    if let Ok(flags) = std::env::var("WASI_RUNNER_FLAGS") {
        match shlex::split(&flags) {
            Some(words) => argv.extend(words),
            None => return fail("WASI_RUNNER_FLAGS has unbalanced quotes"),
        }
    }
    argv.extend(std::env::args().skip(1));
    if argv.first().is_some_and(|a| a == "--help" || a == "-h") {
        print!("{}", USAGE);
        return ExitCode::SUCCESS;
    }
    if argv.first().is_some_and(|a| a == "--describe") {
        let Some(file) = argv.get(1) else {
            return fail("--describe needs FILE.wasm");
        };
        return match wasi_runner::describe(std::path::Path::new(file)) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("{file}: {e:#}")),
        };
    }
    let mut opts = match parse(argv) {
        Ok(o) => o,
        Err(e) => return fail(&format!("{e} (see --help)")),
    };
    // Cached machine code is run as it is: only a directory that no one else can write will do.
    if let Some(why) = opts
        .cache_dir
        .as_deref()
        .and_then(wasi_runner::cache::unusable)
    {
        eprintln!("wasi-runner: warning: not using the compiled-code cache: {why}");
        opts.cache_dir = None;
    }
    match wasi_runner::run(&opts) {
        Ok(exit) => ExitCode::from(exit.0 as u8),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code as u8)
        }
    }
}

const USAGE: &str = "\
usage: wasi-runner [OPTIONS] FILE.wasm [ARGS]...

Runs a WASI 0.1 module (command or reactor) or a WASI 0.2 component on wasmtime 48.

  --dir HOST[::GUEST]     preopen HOST read-write, seen by the guest as GUEST (default: HOST)
  --dir-ro HOST[::GUEST]  the same, read-only
  --env NAME=VALUE        set a variable in the guest's environment (NAME alone: copy ours)
  -S inherit-network      grant TCP, UDP and name lookup (WASI 0.2 components)
  --invoke NAME           run a reactor: `_initialize` if exported, then NAME(ARGS...)
  --call 'NAME ARG...'    call an export on the same instance (repeatable): alone, it runs a
                          reactor as --invoke does; after --invoke, it makes one more call
  --deadline-ms N         wall-clock limit for the run, 1 to 180000 (default 10000)
  --memory-mib N          the most each of the guest's linear memories may hold, 1 to 4096
                          (default 256); tables are capped at 1,000,000 elements, and the
                          host's own memory (wasmtime's, the runner's) is not counted
  --no-cache              compile every time instead of using the compiled-code cache

       wasi-runner --describe FILE.wasm
  prints what wasmtime sees in FILE: a core module's imports and exports, or a component's.

Flags may also come from WASI_RUNNER_FLAGS (split like a shell would).
";

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn parse(argv: Vec<String>) -> Result<RunOptions, String> {
    let mut opts = RunOptions::new(PathBuf::new());
    opts.cache_dir = default_cache_dir();
    let mut invoke: Option<String> = None;
    let mut calls: Vec<Call> = Vec::new();
    // lexopt accepts `--flag value` and `--flag=value`, and takes everything after `--` or
    // after FILE as it is (the guest's arguments may start with `-`).
    let mut p = lexopt::Parser::from_args(argv);
    let text = |v: std::ffi::OsString| {
        v.into_string()
            .map_err(|v| format!("{} is not UTF-8", v.to_string_lossy()))
    };
    let value = |p: &mut lexopt::Parser| p.value().map_err(|e| e.to_string()).and_then(text);
    let file = loop {
        // An owned copy of the flag: lexopt's borrows the parser, which a value is read from.
        let arg = match p.next().map_err(|e| e.to_string())? {
            None => return Err("no FILE.wasm given".into()),
            Some(lexopt::Arg::Value(file)) => break file,
            Some(lexopt::Arg::Long(f)) => format!("--{f}"),
            Some(lexopt::Arg::Short(f)) => format!("-{f}"),
        };
        match arg.as_str() {
            "--dir" | "--dir-ro" => {
                let read_only = arg == "--dir-ro";
                let spec = value(&mut p)?;
                let (host, guest) = spec.split_once("::").unwrap_or((&spec, &spec));
                opts.dirs.push(Preopen {
                    host: host.into(),
                    guest: guest.into(),
                    read_only,
                });
            }
            "--env" => {
                let spec = value(&mut p)?;
                let (k, v) = match spec.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (spec.clone(), std::env::var(&spec).unwrap_or_default()),
                };
                opts.env.push((k, v));
            }
            "-S" => match value(&mut p)?.as_str() {
                "inherit-network" | "tcp" | "udp" | "inherit-network=y" => opts.network = true,
                other => {
                    return Err(format!(
                        "unsupported -S option `{other}` (this runner knows inherit-network)"
                    ));
                }
            },
            "--invoke" => invoke = Some(value(&mut p)?),
            "--call" => {
                let spec = value(&mut p)?;
                let mut words = shlex::split(&spec)
                    .ok_or("--call has unbalanced quotes")?
                    .into_iter();
                let export = words.next().ok_or("--call needs an export name")?;
                calls.push(Call {
                    export,
                    args: words.collect(),
                });
            }
            "--deadline-ms" => {
                let ms = value(&mut p)?
                    .parse::<u64>()
                    .ok()
                    .filter(|ms| (1..=MAX_DEADLINE_MS).contains(ms))
                    .ok_or(format!(
                        "--deadline-ms takes a number of milliseconds from 1 to {MAX_DEADLINE_MS}"
                    ))?;
                opts.deadline = Duration::from_millis(ms);
            }
            "--memory-mib" => {
                let mib = value(&mut p)?
                    .parse::<usize>()
                    .ok()
                    .filter(|mib| (1..=MAX_MEMORY_MIB).contains(mib))
                    .ok_or(format!(
                        "--memory-mib takes a number of MiB from 1 to {MAX_MEMORY_MIB} \
                         (a 32-bit linear memory's largest size)"
                    ))?;
                opts.memory_limit_bytes = mib << 20;
            }
            "--no-cache" => opts.cache_dir = None,
            other => return Err(format!("unknown option `{other}`")),
        }
    };
    opts.wasm = file.into();
    let rest: Vec<String> = p
        .raw_args()
        .map_err(|e| e.to_string())?
        .map(text)
        .collect::<Result<_, _>>()?;
    match invoke {
        // As with `wasmtime run --invoke`, the arguments after FILE are the export's arguments.
        Some(export) => {
            opts.calls.push(Call { export, args: rest });
            opts.calls.extend(calls);
        }
        // Only calls: every call says its own arguments, so nothing may follow FILE.
        None if !calls.is_empty() && !rest.is_empty() => {
            return Err(
                "with --call alone, the arguments go inside each --call, not after FILE".into(),
            );
        }
        None if !calls.is_empty() => opts.calls = calls,
        None => opts.args = rest,
    }
    Ok(opts)
}

/// `target/wasi-runner-cache` beside the runner's own binary when it lives in a cargo target
/// directory (so `cargo clean` clears it), else the user's cache directory; none (compile every
/// time) when there is no user cache directory either: never a shared place such as /tmp.
fn default_cache_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("WASI_RUNNER_CACHE") {
        return Some(dir.into());
    }
    let exe = std::env::current_exe().ok();
    if let Some(target) = exe
        .as_deref()
        .and_then(|e| e.parent())
        .and_then(|p| p.parent())
        && target.join("CACHEDIR.TAG").exists()
    {
        return Some(target.join("wasi-runner-cache"));
    }
    Some(book_common::cache_root()?.join("wasi-runner-cache"))
}
