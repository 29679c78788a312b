//! The book's maintenance commands. Readers and CI reach them through `ci/book` (which first
//! makes sure the pinned toolchain is installed); contributors can use `cargo xtask ...`.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use xtask::listing::{self, Build, Kind, Listing, Target, Toolchain};
use xtask::{book, builds, exec, listings, outdated, sizes, tools};

const HELP: &str = "\
usage: ci/book <command>   (or: cargo xtask <command>)

  serve               set everything up, then serve the book on http://127.0.0.1:3000
                      (another port: WASI_BOOK_PORT=N)
  test                set everything up, then run every test (listings, book, links, snippets)
  setup               install the pinned tools, build the runner and every listing
  bless [LISTING...]  re-record the transcripts (output.<target>.txt) of all or some listings
  show DIR TARGET [RUN]
                      print a listing's commands and live output as markdown (used by the book)
  sh [--exit N] 'COMMAND'
                      run a command from the repository root; print it and its output as
                      markdown; fail unless it exits with N (default 0)
  sh --fails 'WHY' 'COMMAND'
                      the same, for a command that succeeds but shows a failure (a component
                      that exports nothing, say): the page marks it as failing on purpose, with WHY
  sh --markdown 'COMMAND'
                      the same, for a command that prints markdown itself (a table, a chart)
  versions            print the versions this book is tested with (used by the book)
  sizes               build the hello listing with each size profile, run wasm-opt and wat2wasm,
                      and print the sizes as a table and a chart (used by the book)
  measure             print timings: embedded runs, a book build, the runner's compile cache
  outdated            print every pinned version beside the newest available (for a bump;
                      asks rustup and crates.io; informational, never part of the tests)
";

/// The repository root: two levels above this crate (`ci/xtask`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn main() {
    // The book's commands and checks name `target/` (`ci/wasi-run target/wasm32-wasip1/...`),
    // so every cargo this process starts builds there, whatever a contributor's
    // CARGO_TARGET_DIR or `build.target-dir` says (the variable overrides the setting).
    // SAFETY: the first statement of main, before any thread exists.
    unsafe { std::env::set_var("CARGO_TARGET_DIR", root().join("target")) };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("setup") => setup(&root()).map(|_| ()),
        Some("bless") => bless(&args[1..]),
        Some("show") if args.len() == 3 || args.len() == 4 => show(
            &args[1],
            &args[2],
            args.get(3).map(String::as_str).unwrap_or(""),
        ),
        Some("sh") if args.len() == 2 => shell(&args[1], 0, None),
        Some("sh") if args.len() == 4 && args[1] == "--fails" => shell(&args[3], 0, Some(&args[2])),
        Some("sh") if args.len() == 3 && args[1] == "--markdown" => shell_markdown(&args[2]),
        Some("sh") if args.len() == 4 && args[1] == "--exit" => match args[2].parse() {
            Ok(code) => shell(&args[3], code, None),
            Err(_) => Err(anyhow::anyhow!(
                "sh --exit takes a number, not `{}`",
                args[2]
            )),
        },
        Some("versions") => versions(),
        Some("sizes") => sizes::print(&root()),
        Some("measure") => measure(),
        Some("outdated") => outdated::print(&root()),
        Some("help") | Some("--help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{HELP}")),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Everything both commands need: WASI targets, pinned tools, the runner, every listing.
fn setup(root: &Path) -> Result<Vec<Listing>> {
    check_targets()?;
    let all = listings::discover(root)?;
    if all.iter().any(|l| l.spec.toolchain == Toolchain::Nightly) {
        check_nightly(root)?;
    }
    // A tool missing from the cache is installed beside the book's own builds rather than
    // before them: on a machine's first run each is minutes of compiling, and two builds side by
    // side fill the moments when one of them leaves a core idle (a linker, one long crate).
    let tools = tools::pinned(root)?;
    let installer = {
        let (root, missing) = (
            root.to_path_buf(),
            tools
                .iter()
                .filter(|t| !t.installed())
                .cloned()
                .collect::<Vec<_>>(),
        );
        std::thread::spawn(move || missing.iter().try_for_each(|t| t.ensure(&root)))
    };
    step(
        "building the runner (wasmtime 48 in release: about 5 minutes on 2 cores the first time)",
        || {
            cargo(
                root,
                &["build", "--quiet", "--release", "-p", "wasi-runner"],
            )
        },
    )
    .context("building the runner; run the command again to retry")?;
    // `misbehave` is the runner tests' guest (ci/misbehave), not a listing; it is built here so
    // those tests find it.
    step(
        "building every listing (the first time: several minutes, Extism's wasmtime 49 among them)",
        || {
            listings::build_all(
                root,
                &all,
                &[("misbehave", Target::Wasip1), ("misbehave", Target::Wasip2)],
            )
        },
    )?;
    step("waiting for the pinned tools to finish installing", || {
        installer
            .join()
            .map_err(|_| anyhow::anyhow!("the tool installer panicked"))?
    })?;
    for tool in &tools {
        tool.verify()?;
    }
    Ok(all)
}

/// Runs one step of setup, saying what it does before and how long it took after, so a long
/// first run never sits silent.
fn step<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("xtask: {what}…");
    let started = Instant::now();
    let out = f();
    match &out {
        Ok(_) => eprintln!("xtask: done in {} s", started.elapsed().as_secs()),
        Err(_) => eprintln!("xtask: failed after {} s", started.elapsed().as_secs()),
    }
    out
}

fn check_targets() -> Result<()> {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .context("cannot run rustc")?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    for t in ["wasm32-wasip1", "wasm32-wasip2", "wasm32-unknown-unknown"] {
        if !sysroot.join("lib/rustlib").join(t).is_dir() {
            bail!(
                "the Rust target {t} is not installed; run `rustup target add {t}` (ci/book does this for you)"
            );
        }
    }
    Ok(())
}

/// The pinned nightly and its targets, for the listings built with it.
fn check_nightly(root: &Path) -> Result<()> {
    let (channel, targets) = listing::nightly_pin(root)?;
    let out = Command::new("rustup")
        .args(["run", &channel, "rustc", "--print", "sysroot"])
        .output();
    let sysroot = match out {
        Ok(o) if o.status.success() => PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()),
        _ => bail!(
            "the pinned nightly `{channel}` ({}) is not installed; run `ci/book setup`, or \
             `rustup toolchain install {channel} --target {}`",
            listing::NIGHTLY_PIN,
            targets.join(" --target ")
        ),
    };
    for t in &targets {
        if !sysroot.join("lib/rustlib").join(t).is_dir() {
            bail!(
                "the pinned nightly `{channel}` has no {t} target; run `rustup target add --toolchain {channel} {t}`"
            );
        }
    }
    Ok(())
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new("cargo")
        .current_dir(root)
        .args(args)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

/// Runs mdbook from the pinned install, with the pinned preprocessors first on PATH and
/// `$WASI_BOOK` pointing at this binary for the book's `cmdrun` lines.
fn mdbook(root: &Path, args: &[&str]) -> Result<std::process::ExitStatus> {
    let mdbook = tools::find(root, "mdbook")?;
    Command::new(mdbook.path())
        .current_dir(root)
        .args(args)
        .env("PATH", tools::path_with_pinned_first(root)?)
        .env("WASI_BOOK", std::env::current_exe()?)
        .status()
        .context("cannot run mdbook")
}

fn serve() -> Result<()> {
    let root = root();
    setup(&root)?;
    let port = std::env::var("WASI_BOOK_PORT").unwrap_or_else(|_| "3000".into());
    eprintln!("xtask: serving the book on http://127.0.0.1:{port} (Ctrl-C stops it)");
    let status = mdbook(
        &root,
        &["serve", "--hostname", "127.0.0.1", "--port", &port],
    )?;
    if !status.success() {
        bail!("mdbook serve failed ({status})");
    }
    Ok(())
}

/// Collects pass/fail per check and prints the failures in full at the end.
#[derive(Default)]
struct Report {
    passed: usize,
    failures: Vec<String>,
    /// When the previous check ended: each line says how long its check took, when that is a
    /// second or more (the figures `ci/measure-fresh-clone.sh` users look for).
    last: Option<Instant>,
}

impl Report {
    fn record(&mut self, name: &str, problems: Vec<String>) {
        let now = Instant::now();
        let took = self.last.map(|t| (now - t).as_secs()).filter(|s| *s >= 1);
        self.last = Some(now);
        let took = took.map(|s| format!(" ({s} s)")).unwrap_or_default();
        if problems.is_empty() {
            self.passed += 1;
            eprintln!("ok      {name}{took}");
        } else {
            eprintln!("FAILED  {name}{took}");
            for p in &problems {
                eprintln!("        {}", p.lines().next().unwrap_or(""));
            }
            self.failures.extend(problems);
        }
    }

    /// Runs `cargo ARGS` at the root (its output goes straight to the terminal) and records
    /// whether it succeeded under `name`.
    fn cargo(&mut self, root: &Path, name: &str, args: &[&str]) -> Result<()> {
        let status = Command::new("cargo")
            .current_dir(root)
            .args(args)
            .status()
            .context("cannot run cargo")?;
        let problems = match status.success() {
            true => vec![],
            false => vec![format!(
                "`cargo {}` failed ({status}); its output is above",
                args.join(" ")
            )],
        };
        self.record(name, problems);
        Ok(())
    }
}

fn test() -> Result<()> {
    let root = root();
    let started = Instant::now();
    let all = setup(&root)?;
    let mut report = Report {
        last: Some(Instant::now()),
        ..Default::default()
    };

    for l in &all {
        for (run, t) in l.runs() {
            report.record(&l.describe(run, t), listings::check(&root, l, run, t));
        }
    }
    report.record(
        "book sources: includes, code blocks, embedded commands",
        book::check_sources(&root, &all)?,
    );

    // The runner and every host program: one release build of each Wasmtime version between them.
    let hosts: Vec<&str> = all
        .iter()
        .filter(|l| l.spec.kind == Kind::Host && l.spec.build == Build::Ok)
        .map(|l| l.name.as_str())
        .chain(["wasi-runner"])
        .collect();
    let embedders = builds::embedders(&root, &hosts)?;
    let binaries: Vec<&str> = embedders.iter().map(String::as_str).collect();
    report.record(
        "one release build of each wasmtime version",
        builds::duplicates(&builds::linked(&root, &binaries)?),
    );

    // Unit and integration tests of the tools, the runner's bad-input tests, and skeptic's
    // compile-and-run of every inline Rust block in src/.
    // One package per invocation, like the builds above: `--workspace` would unify features
    // across every listing and compile wasmtime once more. Of the listings, only the
    // benchmark's harness has tests (its text format between the benchmark's two processes).
    for package in ["wasi-runner", "xtask", "book-snippets", "bench-harness"] {
        report.cargo(
            &root,
            &format!("cargo test --release -p {package}"),
            &["test", "--release", "--quiet", "-p", package],
        )?;
    }

    // Formatted code, the listings included: the book shows them (rustfmt.toml sets the width
    // of a code block; ci/rustfmt.toml keeps the harness at rustfmt's defaults). The listings
    // outside the workspace (builds meant to fail) are checked one by one.
    report.cargo(
        &root,
        "cargo fmt --all --check",
        &["fmt", "--all", "--check"],
    )?;
    for l in all.iter().filter(|l| l.spec.build == Build::Fails) {
        let manifest = l.dir.join("Cargo.toml").display().to_string();
        report.cargo(
            &root,
            &format!("cargo fmt --check ({})", l.dir.display()),
            &["fmt", "--check", "--manifest-path", &manifest],
        )?;
    }

    // What a contributor runs at the root keeps working: wasm-only listings, host listings
    // and excluded compile-failure listings must not break a workspace-wide check.
    report.cargo(
        &root,
        "cargo clippy --workspace --all-targets -D warnings",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
    )?;

    // `cargo clippy` type-checks but does not link. `cargo build` at the root also links the
    // WebAssembly listings for the host, where a component's export names (such as
    // `book:greeter/greetings#greet`) once broke the native linker. Host listings and the
    // runner are already built above; a debug build of them here would compile Wasmtime again.
    let mut args = vec!["build", "--quiet"];
    for l in all
        .iter()
        .filter(|l| l.spec.build == Build::Ok && !l.spec.targets.contains(&Target::Host))
    {
        args.extend(["-p", l.name.as_str()]);
    }
    args.extend(["-p", "misbehave"]);
    report.cargo(&root, "the WebAssembly listings also build for the host (as `cargo build` at the root builds them)", &args)?;

    // The book itself: every embedded command runs live; then every internal link and anchor
    // of the built pages is followed.
    let _ = std::fs::remove_dir_all(root.join("book"));
    let status = mdbook(&root, &["build"])?;
    let mut problems = vec![];
    if !status.success() {
        problems.push(format!(
            "mdbook build failed ({status}): see its output above"
        ));
    }
    let html = root.join("book");
    if html.join("index.html").is_file() {
        problems.extend(book::cmdrun_errors(&html)?);
        problems.extend(book::broken_links(&html)?);
    } else {
        problems.push("mdbook build produced no book/index.html".into());
    }
    report.record(
        "mdbook build (live outputs, cmdrun errors, links and anchors)",
        problems,
    );

    let failed = report.failures.len();
    if failed > 0 {
        eprintln!("\n---- failures ----");
        for f in &report.failures {
            eprintln!("{f}\n");
        }
    }
    eprintln!("\nfinished in {} s", started.elapsed().as_secs());
    println!("xtask: {} passed, {} failed", report.passed, failed);
    if failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

fn select<'a>(all: &'a [Listing], names: &[String]) -> Result<Vec<&'a Listing>> {
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            all.iter()
                .find(|l| &l.name == n)
                .with_context(|| format!("no listing named `{n}`"))
        })
        .collect()
}

fn bless(names: &[String]) -> Result<()> {
    let root = root();
    let all = setup(&root)?;
    for l in select(&all, names)? {
        for (run, t) in l.runs() {
            let (transcript, _) = listings::run_listing(&root, l, run, t)?;
            let transcript = listings::redacted(run, &transcript);
            let path = root.join(l.transcript_path(run, t));
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            if old != transcript {
                std::fs::write(&path, &transcript)?;
                eprintln!("updated {}", l.transcript_path(run, t).display());
            }
        }
    }
    eprintln!("review the changes with `git diff listings/`");
    Ok(())
}

/// Markdown for one listing run: the command to copy, the live transcript, and the official
/// CLI's equivalent (or why there is none). Fails if the run's exit code is not the declared one.
fn show(dir: &str, target: &str, run_name: &str) -> Result<()> {
    let root = root();
    let target = Target::parse(target)?;
    let l = Listing::from_manifest(&root, Path::new(dir))?;
    let run = l
        .spec
        .run(run_name)
        .with_context(|| format!("listing `{}` has no run named `{run_name}`", l.name))?;
    if !l.spec.targets_of(run).contains(&target) {
        bail!("{} is not declared", l.describe(run, target));
    }
    if l.spec.build == Build::Ok {
        listings::build_if_stale(&root, &l, target)?;
    }
    let (transcript, captured) = listings::run_listing(&root, &l, run, target)?;
    let mut md = run
        .failure
        .as_deref()
        .map(book::failure_banner)
        .unwrap_or_default();
    md.push_str(&format!(
        "```sh\n{}\n```\n\n```console\n{transcript}```\n",
        l.reader_command(run, target)
    ));
    if l.spec.build == Build::Ok {
        match l.wasmtime_command(run, target) {
            Ok(w) => md.push_str(&format!(
                "\nWith the official `wasmtime` CLI instead (after building it):\n\n```sh\n{}\n{w}\n```\n",
                l.build_command(target)
            )),
            Err(why) if target != Target::Host => {
                md.push_str(&format!("\n*No `wasmtime run` equivalent: {why}.*\n"))
            }
            Err(_) => {}
        }
        let declared = run.exit_code.for_target(target);
        if captured.code != declared {
            print!("{md}");
            bail!(
                "{} exited with {} but declares `exit-code = {declared}`",
                l.describe(run, target),
                captured.code
            );
        }
    }
    print!("{md}");
    Ok(())
}

/// How long an embedded shell command may run (the benchmark takes a few seconds; a first
/// build of what a command needs can take minutes).
const SHELL_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// `sh -c COMMAND` from the repository root, bounded by `SHELL_LIMIT`, stdout and stderr
/// merged, the checkout's path normalised.
fn run_sh(command: &str) -> Result<exec::Captured> {
    let root = root();
    let mut cmd = Command::new("sh");
    cmd.current_dir(&root)
        .arg("-c")
        .arg(command)
        .env("PATH", tools::path_with_pinned_first(&root)?);
    let run = exec::capture(cmd, None, SHELL_LIMIT)?;
    Ok(exec::Captured {
        output: listings::normalise(&root, &run.output),
        code: run.code,
    })
}

/// Markdown for a tool command run live from the repository root (for example inspecting a
/// listing's artifact): the command to copy and its transcript. Fails unless it exits with
/// `expect` (non-zero for a command whose failure the chapter shows). A non-zero `expect`, or
/// a `failure` reason, marks the run as a failure on purpose.
fn shell(command: &str, expect: i32, failure: Option<&str>) -> Result<()> {
    let run = run_sh(command)?;
    let transcript = listings::transcript(command, &run);
    match failure {
        Some(why) => print!("{}", book::failure_banner(why)),
        None if expect != 0 => {
            print!(
                "{}",
                book::failure_banner(&format!(
                    "the command exits with status {expect}, and its error is the point"
                ))
            )
        }
        None => {}
    }
    print!("```sh\n{command}\n```\n\n```console\n{transcript}```\n");
    if run.code != expect {
        bail!("`{command}` exited with {}, not {expect}", run.code);
    }
    Ok(())
}

/// Markdown for a command whose output is markdown itself (the benchmark's table and chart):
/// the command to copy, then its output as is. Fails if the command fails.
fn shell_markdown(command: &str) -> Result<()> {
    let run = run_sh(command)?;
    if run.code != 0 {
        bail!("`{command}` exited with {}:\n{}", run.code, run.output);
    }
    print!("```sh\n{command}\n```\n\n{}\n", run.output);
    Ok(())
}

/// The "tested with" table, read from the files that pin each version.
fn versions() -> Result<()> {
    let root = root();
    let toolchain: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("rust-toolchain.toml"))?)?;
    let channel = toolchain["toolchain"]["channel"]
        .as_str()
        .context("rust-toolchain.toml: no channel")?
        .to_string();
    let (nightly, nightly_targets) = listing::nightly_pin(&root)?;
    let lock: toml::Table = toml::from_str(&std::fs::read_to_string(root.join("Cargo.lock"))?)?;
    let packages = lock["package"]
        .as_array()
        .context("Cargo.lock: no packages")?;
    // The locked packages named `name`, with the package's own dependency list.
    let locked = |name: &str| -> Result<Vec<&toml::Value>> {
        let found: Vec<&toml::Value> = packages
            .iter()
            .filter(|p| p["name"].as_str() == Some(name))
            .collect();
        if found.is_empty() {
            bail!("Cargo.lock has no `{name}`");
        }
        Ok(found)
    };
    let version = |p: &toml::Value| p["version"].as_str().unwrap_or("?").to_string();
    // The book's own Wasmtime is the one the workspace pins with `=`; Extism brings another.
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml"))?)?;
    let pinned = |krate: &str| -> Option<String> {
        manifest["workspace"]["dependencies"]
            .get(krate)?
            .get("version")?
            .as_str()
            .map(|v| v.trim_start_matches('=').to_string())
    };
    let targets = |ts: Vec<&str>| {
        ts.iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let stable_targets = toolchain["toolchain"]["targets"]
        .as_array()
        .context("rust-toolchain.toml: no targets")?;
    println!("| What | Version | Pinned in |");
    println!("|---|---|---|");
    println!(
        "| Rust stable (rustc, cargo; targets {}) | {channel} | `rust-toolchain.toml` |",
        targets(stable_targets.iter().filter_map(|t| t.as_str()).collect())
    );
    println!(
        "| Rust nightly, for the listings that need it (targets {}) | {nightly} | `{}` |",
        targets(nightly_targets.iter().map(String::as_str).collect()),
        listing::NIGHTLY_PIN
    );
    for krate in ["wasmtime", "wasmtime-wasi"] {
        let want =
            pinned(krate).with_context(|| format!("the root Cargo.toml pins no `{krate}`"))?;
        let v = locked(krate)?.into_iter().map(version).find(|v| *v == want);
        println!(
            "| `{krate}` crate | {} | `Cargo.toml`, `Cargo.lock` |",
            v.with_context(|| format!("Cargo.lock has no `{krate}` {want}"))?
        );
    }
    for extism in locked("extism")? {
        let embeds = extism
            .get("dependencies")
            .and_then(|d| d.as_array())
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str())
            .find_map(|d| d.strip_prefix("wasmtime "))
            .map(|v| format!(" (embeds `wasmtime` {v})"))
            .unwrap_or_default();
        println!(
            "| `extism` crate | {}{embeds} | `listings/extism/extism-host/Cargo.toml` |",
            version(extism)
        );
    }
    let skeptic: Vec<String> = locked("skeptic")?.into_iter().map(version).collect();
    println!(
        "| `skeptic` crate | {} | `Cargo.lock` |",
        skeptic.join(", ")
    );
    for t in tools::pinned(&root)? {
        let (from, pinned_in) = match t.source {
            tools::Source::Crates => ("crates.io", "`ci/tools.toml`".to_string()),
            tools::Source::Npm => (
                "npm",
                format!("`ci/tools.toml`, `ci/npm-tools/{}/`", t.krate),
            ),
        };
        println!(
            "| `{}` ({}, from {from}) | {} | {pinned_in} |",
            t.krate, t.bin, t.version
        );
    }
    Ok(())
}

/// Prints timings (never asserted): the cost of one embedded listing run, of a whole book build,
/// and of the runner with and without its compiled-code cache.
fn measure() -> Result<()> {
    let root = root();
    let all = setup(&root)?;
    let exe = std::env::current_exe()?;
    let time = |f: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        let t = Instant::now();
        f()?;
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    };
    println!("measure: one `show` (xtask + runner, warm cache), mean of 10 runs:");
    for l in all.iter().filter(|l| l.spec.build == Build::Ok) {
        for (r, t) in l.runs() {
            let dir = l.dir.display().to_string();
            let mut run = || -> Result<()> {
                let out = Command::new(&exe)
                    .args(["show", &dir, t.name(), &r.name])
                    .output()?;
                if !out.status.success() {
                    bail!("show {dir} {} failed", t.name());
                }
                Ok(())
            };
            run()?; // warm the cache
            let mut total = 0.0;
            for _ in 0..10 {
                total += time(&mut run)?;
            }
            let name = if r.name.is_empty() {
                l.name.clone()
            } else {
                format!("{} {}", l.name, r.name)
            };
            println!(
                "  {:<40} {:>6.1} ms",
                format!("{name} ({})", t.name()),
                total / 10.0
            );
        }
    }
    if let Some(l) = all
        .iter()
        .find(|l| l.spec.targets.contains(&Target::Wasip1))
    {
        let wasm = root.join(l.artifact(Target::Wasip1));
        let runner = listings::runner_path(&root);
        for (label, extra) in [
            ("runner, compiled-code cache", None),
            (
                "runner, --no-cache (Cranelift every run)",
                Some("--no-cache"),
            ),
        ] {
            let mut run = || -> Result<()> {
                let mut c = Command::new(&runner);
                c.args(extra).arg(&wasm).stdout(std::process::Stdio::null());
                c.status()?;
                Ok(())
            };
            run()?;
            let mut total = 0.0;
            for _ in 0..10 {
                total += time(&mut run)?;
            }
            println!(
                "measure: {label}: {:.1} ms per run ({})",
                total / 10.0,
                l.name
            );
        }
    }
    let build = time(&mut || {
        mdbook(&root, &["build"])?;
        Ok(())
    })?;
    println!(
        "measure: full `mdbook build` with every output embedded live: {:.2} s",
        build / 1000.0
    );
    Ok(())
}
