//! The book's maintenance commands. Readers and CI reach them through `ci/book` (which first
//! makes sure the pinned toolchain is installed); contributors can use `cargo xtask ...`.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use xtask::listing::{self, Build, Kind, Listing, Target, Toolchain};
use xtask::render::Shell;
use xtask::{
    archive, book, build, builds, discover, links, outdated, preview, render, run, run_here,
    scaffold, sizes, timeline, tools, verify, width, workspace,
};

const HELP: &str = "\
usage: ci/book <command>   (or: cargo xtask <command>)

  serve               set everything up, then serve the book on http://127.0.0.1:3000
                      (another port: WASI_BOOK_PORT=N)
  test                set everything up, then run every test (listings, book, links, snippets)
  build               set everything up, then build the book into book/ with every output
                      live, and check it (the hosted book's workflow runs this)
  setup               install the pinned tools, build the runner and every listing
  new chapter SLUG \"TITLE\" [\"PART\"]
                      start a chapter: src/SLUG.md from the template, and its SUMMARY.md entry
                      (at the end of PART, or last before the appendices)
  new listing CHAPTER NAME
                      start a listing in listings/CHAPTER/NAME (a command for both WASI
                      targets), record its first transcripts, and print the lines to paste
                      into src/CHAPTER.md
  bless [LISTING...]  re-record the transcripts (output.<target>.txt) of all or some listings
  check LISTING [TARGET [RUN]]
                      check one listing, in seconds once the runner is built: build it, run it
                      against its transcript, run the `cargo run` and `wasmtime run` lines its
                      page prints, and compare its `Run it:` comment with them
  show DIR TARGET [RUN]
                      print a listing's commands and live output as markdown (used by the book)
  show --recorded DIR TARGET [RUN]
                      the same with the transcript recorded in the repository, which the tests
                      check (for a run whose live output the page already shows)
  sh [--exit N] 'COMMAND'
                      run a command from the repository root; print it and its output as
                      markdown; fail unless it exits with N (default 0)
  sh --fails 'WHY' 'COMMAND'
                      the same, for a command that succeeds but shows a failure (a component
                      that exports nothing, say): the page marks it as failing on purpose, with WHY
  sh --markdown 'COMMAND'
                      the same, for a command that prints markdown itself (a table, a chart)
  links [--checked URL...|all]
                      rewrite ci/external-links.toml from the pages' external links (keeping
                      each link's date); --checked records that you opened these links today
  portability [--bless]
                      print the portability appendix's tables (every command listing's runs in
                      the browser; the Run buttons' weight); --bless records what the last
                      browser test saw into ci/browser-portability.toml
  timeline            draw src/img/wasi-timeline.svg from src/img/wasi-timeline.toml
  versions            print the versions this book is tested with (used by the book)
  cmdrun              mdbook's cmdrun preprocessor while `serve` is still building (serve sets
                      it up; mdbook calls it): previews, then the pinned mdbook-cmdrun
  sizes               build the hello listing with each size profile, run wasm-opt and wat2wasm,
                      and print the sizes as a table and a chart (used by the book)
  measure             print timings: embedded runs, a book build, the runner's compile cache
  outdated            print every pinned version beside the newest available (for a bump;
                      asks rustup and crates.io; informational, never part of the tests)
";

/// The repository root: the clone this program was built from.
fn root() -> PathBuf {
    book_common::checkout_root()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The commands that build: cargo's build directory (honoured wherever it is, and reachable
    // as `target/`, the path the pages name), locked for this command. `show` and `sh` run
    // inside them.
    let _lock = match args.first().map(String::as_str) {
        Some("serve" | "test" | "build" | "setup" | "bless" | "check" | "measure" | "new") => {
            let root = root();
            let locked = workspace::target_dir(&root).and_then(|dir| {
                workspace::link_target(&root, &dir)?;
                workspace::lock(&dir)
            });
            match locked {
                Ok(lock) => Some(lock),
                Err(e) => {
                    eprintln!("error: {e:#}");
                    std::process::exit(1);
                }
            }
        }
        _ => None,
    };
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("build") => build(),
        Some("setup") => setup(&root()).map(|_| ()),
        Some("bless") => bless(&args[1..]),
        Some("new")
            if args.get(1).is_some_and(|a| a == "chapter") && (4..=5).contains(&args.len()) =>
        {
            new_chapter(&args[2], &args[3], args.get(4).map(String::as_str))
        }
        Some("new") if args.len() == 4 && args[1] == "listing" => new_listing(&args[2], &args[3]),
        Some("check") if args.len() >= 2 && args.len() <= 4 => check(&args[1..]),
        Some("show")
            if args.get(1).is_some_and(|a| a == "--recorded")
                && (args.len() == 4 || args.len() == 5) =>
        {
            render::show(&root(), &[&args[..1], &args[2..]].concat(), true)
        }
        Some("show") if args.len() == 3 || args.len() == 4 => render::show(&root(), &args, false),
        Some("sh") if args.len() == 2 => render::shell(&root(), &args, &args[1], Shell::Exits(0)),
        Some("sh") if args.len() == 4 && args[1] == "--fails" => {
            render::shell(&root(), &args, &args[3], Shell::Fails(&args[2]))
        }
        Some("sh") if args.len() == 3 && args[1] == "--markdown" => {
            render::shell(&root(), &args, &args[2], Shell::Markdown)
        }
        Some("sh") if args.len() == 4 && args[1] == "--exit" => match args[2].parse() {
            Ok(code) => render::shell(&root(), &args, &args[3], Shell::Exits(code)),
            Err(_) => Err(anyhow::anyhow!(
                "sh --exit takes a number, not `{}`",
                args[2]
            )),
        },
        Some("links") if args.len() == 1 || args[1] == "--checked" => {
            let root = root();
            links::updated(&root, &args[2.min(args.len())..]).and_then(|list| {
                Ok(std::fs::write(
                    root.join(links::FILE),
                    links::render(&list),
                )?)
            })
        }
        Some("timeline") => timeline::write(&root()),
        Some("portability") if args.len() == 1 => discover::discover(&root())
            .and_then(|all| run_here::tables(&root(), &all))
            .map(|md| print!("{md}")),
        Some("portability") if args.get(1).is_some_and(|a| a == "--bless") => {
            let root = root();
            let seen = root.join("target/browser-test/browser-portability.toml");
            std::fs::copy(&seen, root.join(run_here::PORTABILITY))
                .with_context(|| format!("no {}: run `ci/book test` first", seen.display()))
                .map(|_| {
                    eprintln!(
                        "updated {}; review it with `git diff`",
                        run_here::PORTABILITY
                    )
                })
        }
        Some("versions") => versions(),
        Some("cmdrun") => preview::cmdrun(&root(), &args[1..]),
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
    let all = discover::discover(root)?;
    if all.iter().any(|l| l.spec.toolchain == Toolchain::Nightly) {
        check_nightly(root)?;
    }
    // A tool missing from the cache is installed beside the book's own builds rather than
    // before them: on a machine's first run each is minutes of compiling, and two builds side by
    // side fill the moments when one of them leaves a core idle (a linker, one long crate).
    // What the pages run; a tool only the tests run is installed by them (`tests-only`).
    let tools: Vec<tools::Tool> = tools::pinned(root)?
        .into_iter()
        .filter(|t| !t.tests_only)
        .collect();
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
        || cargo(root, &["build", "--release", "-p", "wasi-runner"]),
    )
    .context("building the runner; run the command again to retry")?;
    // `misbehave` is the runner tests' guest (ci/misbehave), not a listing; it is built here so
    // those tests find it.
    step(
        "building every listing (the first time: several minutes, Extism's wasmtime 49 among them)",
        || {
            build::build_all(
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
        Err(_) => eprintln!(
            "xtask: failed after {} s: {what}. The error follows; once it is mended, run the \
             same command again (finished steps are not redone).",
            started.elapsed().as_secs()
        ),
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

/// The pinned nightly and its targets, for the listings built with it: installed with rustup
/// when anything is missing (here rather than in `ci/book`, so that `serve` shows the first page
/// before it downloads a second toolchain).
fn check_nightly(root: &Path) -> Result<()> {
    let (channel, targets) = listing::nightly_pin(root)?;
    let has_all = || {
        let out = Command::new("rustup")
            .args(["run", &channel, "rustc", "--print", "sysroot"])
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let sysroot = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
                targets
                    .iter()
                    .all(|t| sysroot.join("lib/rustlib").join(t).is_dir())
            }
            _ => false,
        }
    };
    if has_all() {
        return Ok(());
    }
    let mut args = vec![
        "toolchain",
        "install",
        "--profile",
        "minimal",
        "--no-self-update",
        &channel,
    ];
    for t in &targets {
        args.extend(["--target", t]);
    }
    step(
        &format!(
            "installing Rust {channel} (pinned in {}; once): rustup {}",
            listing::NIGHTLY_PIN,
            args.join(" ")
        ),
        || {
            let status = Command::new("rustup")
                .args(&args)
                .status()
                .context("cannot run rustup")?;
            if !status.success() || !has_all() {
                bail!(
                    "could not install the pinned nightly `{channel}` with {} (pinned in {}); \
                     rustup may no longer serve that toolchain or one of its targets: pin \
                     another in {}",
                    targets.join(", "),
                    listing::NIGHTLY_PIN,
                    listing::NIGHTLY_PIN
                );
            }
            Ok(())
        },
    )
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = workspace::cargo(root)
        .args(args)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

/// This program's path, for `$WASI_BOOK`. When cargo rebuilds it while it runs (a save while
/// serving, say), Linux names the old file "PATH (deleted)"; the path itself then holds the new
/// build, which is the one later commands should run.
fn this_program() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let text = exe.to_string_lossy();
    Ok(match text.strip_suffix(" (deleted)") {
        Some(path) => PathBuf::from(path),
        None => exe,
    })
}

/// mdbook from the pinned install, with the pinned preprocessors first on PATH and
/// `$WASI_BOOK` pointing at this binary for the book's `cmdrun` lines.
fn mdbook(root: &Path, args: &[&str]) -> Result<Command> {
    let mdbook = tools::find(root, "mdbook")?;
    let mut cmd = Command::new(mdbook.path());
    cmd.current_dir(root)
        .args(args)
        .env("PATH", tools::path_with_pinned_first(root)?)
        .env("WASI_BOOK", this_program()?);
    Ok(cmd)
}

/// Serves the book as soon as mdbook can, then builds what live outputs need.
///
/// On a first run, building the runner and the listings takes many minutes, and reading should
/// not wait for it: only mdbook is installed first, the book is served at once in preview (each
/// listing's committed transcript, checked by `ci/book test`, under a note that says so; see
/// `render`), with this program as its cmdrun preprocessor (`preview`), and setup runs beside
/// it, mdbook-cmdrun included. When setup is done, the book is rebuilt with live output by
/// mdbook-cmdrun and the open pages reload.
fn serve() -> Result<()> {
    let root = root();
    let mdbook = tools::find(&root, "mdbook")?;
    if !mdbook.installed() {
        // (The install says how long it usually takes, from ci/tools.toml.)
        step("installing mdbook, what the first page needs", || {
            mdbook.ensure_showing_progress(&root)
        })
        .context("installing mdbook; run `ci/book serve` again to retry")?;
    } else {
        mdbook.verify()?;
    }
    // Live output is ready when this file exists (one per serve, so a serve that was stopped
    // half-way leaves nothing that a later one would trust).
    let target = root.join("target");
    std::fs::create_dir_all(&target)?;
    for old in std::fs::read_dir(&target)?.flatten() {
        if old
            .file_name()
            .to_string_lossy()
            .starts_with(".serve-ready-")
        {
            let _ = std::fs::remove_file(old.path());
        }
    }
    let ready = target.join(format!(".serve-ready-{}", std::process::id()));
    let port = std::env::var("WASI_BOOK_PORT").unwrap_or_else(|_| "3000".into());
    // The listings' code to download, which the introduction links: mdbook copies it from src/.
    archive::write(&root, &root.join("src"))?;
    let port_number: u16 = port
        .parse()
        .with_context(|| format!("WASI_BOOK_PORT={port} is not a port number"))?;
    if let Err(e) = std::net::TcpListener::bind(("127.0.0.1", port_number)) {
        bail!(
            "cannot serve on 127.0.0.1:{port} ({e}): another program uses it; stop it, or choose \
             another port with WASI_BOOK_PORT=N"
        );
    }
    let this = this_program()?;
    let mut server = Command::new(mdbook.path());
    server
        .current_dir(&root)
        .args(["serve", "--hostname", "127.0.0.1", "--port", &port])
        .env("WASI_BOOK", &this)
        .env(render::PREVIEW_ENV, &ready);
    preview::as_cmdrun(&mut server, &this)?;
    let mut server = server.spawn().context("cannot run mdbook")?;
    // mdbook answers on its port once the preview is built (about a second); if it stops
    // instead, say so now rather than after minutes of setup.
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port_number)).is_err() {
        if let Some(status) = server.try_wait()? {
            bail!("mdbook serve stopped ({status}) before serving the book: its error is above");
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            break; // still building its first preview: setup goes on beside it
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    eprintln!(
        "xtask: serving the book on http://127.0.0.1:{port} (Ctrl-C stops it); its pages show \
         recorded output until the build below is done, then reload with live output"
    );
    // The pages' Run buttons need every command listing built for pages and the runtime.
    if let Err(e) = setup(&root).and_then(|all| run_here::assets(&root, &all)) {
        let _ = server.kill();
        let _ = server.wait();
        return Err(e.context("setup failed, so the book cannot show live output; stopped serving"));
    }
    std::fs::write(&ready, "")?;
    // mdbook's watcher polls book.toml's modification time: a new one rebuilds the book.
    std::fs::File::options()
        .write(true)
        .open(root.join("book.toml"))?
        .set_modified(std::time::SystemTime::now())?;
    eprintln!(
        "xtask: the build is done; the book is rebuilding with live output (the first time, \
         every listing and the benchmark run: about a minute), and open pages reload by themselves"
    );
    let status = server.wait()?;
    if !status.success() {
        bail!("mdbook serve failed ({status})");
    }
    Ok(())
}

/// One check's outcome: what was checked, its problems (none: passed), how long it took.
type Checked = (String, Vec<String>, std::time::Duration);

/// Every run of every listing checked (`verify::check`), two listings at a time on a machine
/// with two cores: a check mostly waits on one process (the runner, cargo, the official CLI).
/// A listing's own runs stay in order on one thread, since some write and remove files in the
/// listing's directory. Results come back in the listings' order, with how long each took.
fn check_listings(root: &Path, all: &[Listing]) -> Vec<Checked> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Vec<Checked>>>> = Mutex::new(all.iter().map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(l) = all.get(i) else { break };
                    let mut done = vec![];
                    for (run, t) in l.runs() {
                        let started = Instant::now();
                        let problems = verify::check(root, l, run, t);
                        done.push((l.describe(run, t), problems, started.elapsed()));
                    }
                    results.lock().unwrap()[i] = Some(done);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .flatten()
        .flatten()
        .collect()
}

/// Collects pass/fail per check and prints the failures in full at the end.
#[derive(Default)]
struct Report {
    passed: usize,
    failures: Vec<String>,
    /// Checks that could not run on this machine, each with the command that enables it:
    /// repeated at the end, so that a passing run never hides one.
    skipped: Vec<String>,
    /// When the previous check ended: each line says how long its check took, when that is a
    /// second or more (the figures `ci/measure-fresh-clone.sh` users look for).
    last: Option<Instant>,
}

impl Report {
    fn record(&mut self, name: &str, problems: Vec<String>) {
        let now = Instant::now();
        let took = self.last.map(|t| now - t).unwrap_or_default();
        self.record_took(name, problems, took);
    }

    /// `record` for a check that ran elsewhere (in parallel), which says how long it took.
    fn record_took(&mut self, name: &str, problems: Vec<String>, took: std::time::Duration) {
        self.last = Some(Instant::now());
        let took = match took.as_secs() {
            0 => String::new(),
            s => format!(" ({s} s)"),
        };
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

    /// A check that cannot run on this machine: said at once and again at the end.
    fn skip(&mut self, name: &str, why: &str) {
        self.last = Some(Instant::now());
        eprintln!("SKIPPED {name}\n        {why}");
        self.skipped.push(format!("{name}: {why}"));
    }

    /// Prints every failure in full, then the closing count; exits with 1 if anything failed.
    fn finish(self, started: Instant) -> Result<()> {
        let failed = self.failures.len();
        for s in &self.skipped {
            eprintln!("\nSKIPPED {s}");
        }
        if failed > 0 {
            eprintln!("\n---- failures ----");
            for f in &self.failures {
                eprintln!("{f}\n");
            }
        }
        eprintln!("\nfinished in {} s", started.elapsed().as_secs());
        let skipped = match self.skipped.len() {
            0 => String::new(),
            n => format!(", {n} skipped (see above)"),
        };
        println!("xtask: {} passed, {} failed{skipped}", self.passed, failed);
        if failed > 0 {
            std::process::exit(1);
        }
        Ok(())
    }

    /// Runs `cargo ARGS` at the root (its output goes straight to the terminal) and records
    /// whether it succeeded under `name`.
    fn cargo(&mut self, root: &Path, name: &str, args: &[&str]) -> Result<()> {
        let status = workspace::cargo(root)
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

    for (name, problems, took) in check_listings(&root, &all) {
        report.record_took(&name, problems, took);
    }
    report.record(
        "book sources: includes, code blocks, embedded commands",
        book::check_sources(&root, &all)?,
    );
    report.record(
        "pictures drawn from a source are what their source draws (the WASI timeline)",
        timeline::problems(&root)?,
    );
    report.record(
        "external links: listed in ci/external-links.toml, checked, primary sources",
        links::problems(&root)?,
    );
    report.record(
        "ci/browser-portability.toml names exactly the runs that have a Run button",
        run_here::portability_problems(&root, &all)?,
    );
    report.record(
        "included code fits the page (rustfmt.toml's max_width)",
        width::too_wide(&root, width::page_width(&root)?)?,
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
    // xtask's in the dev profile, as `ci/book` builds it: its dependencies are built already,
    // and its own crate compiles in 13 s rather than 44 s in release.
    // book-common with its `markdown` feature, as xtask builds it, so that its fence tests run.
    for (package, flag) in [
        ("wasi-runner", Some("--release")),
        ("book-common", Some("--features=markdown")),
        ("xtask", None),
        ("book-snippets", Some("--release")),
        ("bench-harness", Some("--release")),
    ] {
        let args: Vec<&str> = ["test"]
            .into_iter()
            .chain(flag)
            .chain(["--quiet", "-p", package])
            .collect();
        report.cargo(&root, &format!("cargo {}", args.join(" ")), &args)?;
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

    report.record(
        "workflows call only ci/ and pin every action to a commit",
        book::workflow_problems(&root)?,
    );
    report.record(
        "workflows pass zizmor (the pinned linter for GitHub Actions, offline)",
        lint_workflows(&root)?,
    );
    report.record(
        "the first page of `ci/book serve`: the book in preview, xtask as its cmdrun",
        preview_book(&root)?,
    );
    // What the pages' Run buttons load (src/run/, which mdbook copies).
    run_here::assets(&root, &all)?;
    report.record(
        "the Run buttons' code: listings built for pages, jco, esbuild",
        vec![],
    );
    let problems = build_book(&root)?;
    let built = problems.is_empty();
    report.record(
        "mdbook build (live outputs, cmdrun errors, links and anchors)",
        problems,
    );
    let archive_problems = match built {
        true => archive_builds(&root)?,
        false => vec!["not checked: the book did not build".into()],
    };
    report.record(
        "the listings' archive builds and runs on its own (hello, both targets)",
        archive_problems,
    );
    const BROWSER: &str = "the built book in headless Chromium (ci/browser-test)";
    match (built, chromium()) {
        (false, _) => report.record(BROWSER, vec!["not run: the book did not build".into()]),
        (true, Ok(chromium)) => report.record(BROWSER, browser_test(&root, &chromium)?),
        (true, Err(why)) => report.skip(BROWSER, &why),
    }
    report.finish(started)
}

/// The workflows through the pinned zizmor, offline (its audits that need GitHub are off):
/// syntax, permissions, injections, unpinned actions. Its findings, or none.
fn lint_workflows(root: &Path) -> Result<Vec<String>> {
    let zizmor = tools::find(root, "zizmor")?;
    zizmor.ensure(root)?;
    let out = Command::new(zizmor.path())
        .args(["--offline", "--no-progress", ".github/workflows"])
        .current_dir(root)
        .output()
        .context("cannot run zizmor")?;
    Ok(match out.status.success() {
        true => vec![],
        false => vec![format!(
            "zizmor finds problems in .github/workflows ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )],
    })
}

/// Where the browser test's Chromium is: Debian's `chromium` (`WASI_BOOK_CHROMIUM` names
/// another). Without it: why, and the command that installs it, unless `WASI_BOOK_BROWSER` is
/// `required` (`.ci/run` sets it), where a missing Chromium is an error, never a skip.
fn chromium() -> std::result::Result<PathBuf, String> {
    let path = std::env::var_os("WASI_BOOK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Ok(path);
    }
    let why = format!(
        "no Chromium at {}; to run the browser test, install Debian's: \
         `sudo apt-get install chromium` (or set WASI_BOOK_CHROMIUM to a Chromium)",
        path.display()
    );
    if std::env::var("WASI_BOOK_BROWSER").as_deref() == Ok("required") {
        eprintln!("error: {why}");
        std::process::exit(1);
    }
    Err(why)
}

/// ci/browser-test on the built book, with the pinned playwright-core driving `chromium`:
/// its `problem:` lines, or none. Screenshots go to target/browser-test/.
fn browser_test(root: &Path, chromium: &Path) -> Result<Vec<String>> {
    let driver = tools::find(root, "playwright-core")?;
    driver.ensure(root)?;
    let shots = root.join("target/browser-test");
    let mut cmd = Command::new("node");
    cmd.current_dir(root)
        .arg("ci/browser-test/browser-test.cjs")
        .arg(root.join("book"))
        .arg(&shots)
        .env(
            "WASI_BOOK_PLAYWRIGHT",
            driver.dir().join("node_modules/playwright-core"),
        )
        .env("WASI_BOOK_CHROMIUM", chromium);
    let run = xtask::exec::capture(cmd, None, std::time::Duration::from_secs(600))?;
    for line in run
        .output
        .lines()
        .filter(|l| l.starts_with("checked: ") || l.starts_with("FAILED: "))
    {
        eprintln!("        {line}");
    }
    let mut problems: Vec<String> = run
        .output
        .lines()
        .filter_map(|l| l.strip_prefix("problem: "))
        .map(str::to_string)
        .collect();
    if run.code != 0 && problems.is_empty() {
        problems.push(format!(
            "ci/browser-test exited with {} and named no problem:\n{}",
            run.code, run.output
        ));
    }
    Ok(problems)
}

/// Unpacks the archive the book links (built by `build_book`) into a scratch directory and
/// builds and runs the hello listing there for each WASI target, with the official `wasmtime`
/// CLI as cargo's runner, as a reader who downloaded it would.
fn archive_builds(root: &Path) -> Result<Vec<String>> {
    // Outside the checkout: cargo would otherwise merge this repository's own
    // .cargo/config.toml into the unpacked workspace's (as a reader's machine never does).
    let scratch =
        std::env::temp_dir().join(format!("wasi-book-archive-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let unpacked = Command::new("tar")
        .arg("-xzf")
        .arg(root.join("book").join(archive::ARCHIVE))
        .arg("-C")
        .arg(&scratch)
        .status()
        .context("cannot run tar")?;
    if !unpacked.success() {
        return Ok(vec![format!("book/{} does not unpack", archive::ARCHIVE)]);
    }
    let unpacked_at = scratch.join("wasi-exploration-listings");
    let mut problems = vec![];
    for target in ["wasm32-wasip1", "wasm32-wasip2"] {
        let mut cmd = workspace::cargo(&unpacked_at);
        cmd.args(["run", "-q", "-p", "hello", "--target", target])
            // Its own build directory and the reader's PATH, with the pinned wasmtime CLI.
            .env("CARGO_TARGET_DIR", unpacked_at.join("target"))
            .env("PATH", tools::path_with_pinned_first(root)?);
        let run = xtask::exec::capture(cmd, None, std::time::Duration::from_secs(300))?;
        if run.code != 0 || !run.output.contains("Hello, WASI!") {
            problems.push(format!(
                "the downloadable listings: `cargo run -p hello --target {target}` in the \
                 unpacked {} exited with {} and printed:\n{}",
                archive::ARCHIVE,
                run.code,
                run.output
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(problems)
}

/// `check LISTING [TARGET [RUN]]`: what `ci/book test` checks of one listing, without the
/// rest of the suite (no tool installs, no other listing built).
fn check(args: &[String]) -> Result<()> {
    let root = root();
    let started = Instant::now();
    let all = discover::discover(&root)?;
    let l = select(&all, &args[..1])?[0];
    let target = args.get(1).map(|t| Target::parse(t)).transpose()?;
    let run_name = args.get(2).map(String::as_str);
    if l.spec.toolchain == Toolchain::Nightly {
        check_nightly(&root)?;
    }
    step("building the runner, if it changed", || {
        cargo(&root, &["build", "--release", "-p", "wasi-runner"])
    })?;
    let mut report = Report::default();
    let runs: Vec<_> = l
        .runs()
        .into_iter()
        .filter(|(_, t)| target.is_none_or(|want| want == *t))
        .filter(|(r, _)| run_name.is_none_or(|want| want == r.name))
        .collect();
    if runs.is_empty() {
        bail!("listing `{}` has no such run ({})", l.name, args.join(" "));
    }
    for (run, t) in runs {
        if l.spec.build == Build::Ok {
            build::build_if_stale(&root, l, t)?;
        }
        report.record(&l.describe(run, t), verify::check(&root, l, run, t));
    }
    report.record(
        &format!("listing `{}`: its Run it comment", l.name),
        book::run_it_comment(&root, l),
    );
    report.finish(started)
}

/// The book in `book/`, every embedded command run live, then checked: no cmdrun error, and
/// every internal link and anchor of the built pages leads somewhere. Returns the problems.
/// `ci/book test` and `ci/book build` (the hosted book's workflow) both build it this way, after
/// `run_here::assets` (the Run buttons' code, which mdbook copies from src/run/).
fn build_book(root: &Path) -> Result<Vec<String>> {
    let _ = std::fs::remove_dir_all(root.join("book"));
    // The listings' code to download, linked from the introduction: written into src/ (it is
    // ignored by git), from where mdbook copies it beside the pages, as `serve` does too.
    archive::write(root, &root.join("src"))?;
    let status = mdbook(root, &["build"])?
        .env(render::FRESH_ENV, "1")
        .status()
        .context("cannot run mdbook")?;
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
    Ok(problems)
}

/// The book as `ci/book serve` first shows it, before setup is done: built by mdbook with this
/// program as its cmdrun preprocessor (`preview`), every listing's run as its recorded
/// transcript under a note, every tool's run as a note. Its problems, or none.
fn preview_book(root: &Path) -> Result<Vec<String>> {
    let out = root.join("target/preview-book");
    let _ = std::fs::remove_dir_all(&out);
    let mut build = mdbook(root, &["build", "--dest-dir"])?;
    // A file that never exists: setup is never done, so every output is a preview.
    build
        .arg(&out)
        .env(render::PREVIEW_ENV, out.join("never-ready"));
    preview::as_cmdrun(&mut build, &this_program()?)?;
    let status = build.status().context("cannot run mdbook")?;
    if !status.success() {
        return Ok(vec![format!(
            "mdbook build in preview failed ({status}): see its output above"
        )]);
    }
    // A failed command leaves cmdrun's error in its page, as mdbook-cmdrun does.
    let mut problems = book::cmdrun_errors(&out)?;
    for page in book::files_with_extension(&root.join("src"), "md")? {
        let source = std::fs::read_to_string(&page)?;
        let html = out.join(page.strip_prefix(root.join("src"))?.with_extension("html"));
        let built = std::fs::read_to_string(&html).unwrap_or_default();
        let expects = [
            ("$WASI_BOOK show ", "Recorded output."),
            ("$WASI_BOOK sh ", "Live output on its way."),
        ];
        for (directive, note) in expects {
            if source.contains(directive) && !built.contains(note) {
                problems.push(format!(
                    "{}: has `{directive}…`, but its preview page does not say \"{note}\"",
                    listing::rel(root, &page)
                ));
            }
        }
    }
    Ok(problems)
}

/// `build`: set everything up, then build the book with every output live into `book/` and
/// check it, as the hosted book's workflow does. On GitHub Actions the pages link their
/// repository and an "edit this page" URL (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`).
fn build() -> Result<()> {
    let root = root();
    let all = setup(&root)?;
    if let (Ok(server), Ok(repo)) = (
        std::env::var("GITHUB_SERVER_URL"),
        std::env::var("GITHUB_REPOSITORY"),
    ) {
        // mdBook reads MDBOOK_<KEY> for book.toml's keys (`__` for a dot, `_` for a dash).
        let name = repo.rsplit('/').next().unwrap_or(&repo).to_string();
        // SAFETY: before any thread starts (setup's installer thread has been joined).
        unsafe {
            std::env::set_var("MDBOOK_OUTPUT__HTML__SITE_URL", format!("/{name}/"));
            std::env::set_var(
                "MDBOOK_OUTPUT__HTML__GIT_REPOSITORY_URL",
                format!("{server}/{repo}"),
            );
            std::env::set_var(
                "MDBOOK_OUTPUT__HTML__EDIT_URL_TEMPLATE",
                format!("{server}/{repo}/edit/main/{{path}}"),
            );
        }
    }
    run_here::assets(&root, &all)?;
    let problems = build_book(&root)?;
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}\n");
        }
        bail!("the book built with {} problems (above)", problems.len());
    }
    eprintln!("xtask: the book is in book/");
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

fn new_chapter(slug: &str, title: &str, part: Option<&str>) -> Result<()> {
    let root = root();
    for f in scaffold::new_chapter(&root, slug, title, part)? {
        eprintln!("wrote {}", listing::rel(&root, &f));
    }
    eprintln!(
        "next: write the page, add a listing with `ci/book new listing {slug} NAME`, \
         then `ci/book serve` to read it"
    );
    Ok(())
}

/// A new listing's files, its entry in Cargo.lock, its first transcripts, and the lines to
/// paste into its chapter.
fn new_listing(chapter: &str, name: &str) -> Result<()> {
    let root = root();
    let dir = scaffold::new_listing(&root, chapter, name)?;
    eprintln!(
        "wrote {}/ (Cargo.toml, src/main.rs)",
        listing::rel(&root, &dir)
    );
    // The new workspace member's entry in Cargo.lock (nothing else changes: no --locked).
    let status = workspace::cargo(&root)
        .args(["metadata", "-q", "--format-version", "1"])
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo metadata` failed after adding {}", dir.display());
    }
    bless(&[name.to_string()])?;
    println!(
        "\nPaste into src/{chapter}.md, and write what the listing shows in its caption:\n\n{}",
        scaffold::listing_snippet(&root, chapter, name)?
    );
    eprintln!(
        "then check it alone with `cargo xtask check {name}`, and everything with `ci/book test`"
    );
    Ok(())
}

fn bless(names: &[String]) -> Result<()> {
    let root = root();
    let all = setup(&root)?;
    for l in select(&all, names)? {
        for (run, t) in l.runs() {
            let (transcript, _) = run::run_listing(&root, l, run, t)?;
            let transcript = run::redacted(run, &transcript);
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
            tools::Source::Pypi => ("PyPI", "`ci/tools.toml`".to_string()),
            tools::Source::Npm => (
                "npm",
                format!("`ci/tools.toml`, `ci/npm-tools/{}/`", t.krate),
            ),
        };
        // An npm install's other direct dependencies, at the versions its lockfile holds (the
        // JavaScript WASI implementations beside jco, say).
        let mut with = String::new();
        if t.source == tools::Source::Npm {
            let dir = root.join("ci/npm-tools").join(&t.krate);
            let manifest: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("package.json"))?)?;
            let lock: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("package-lock.json"))?)?;
            let others: Vec<String> = manifest["dependencies"]
                .as_object()
                .map(|deps| {
                    deps.keys()
                        .filter(|d| **d != t.npm_package)
                        .cloned()
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    let v = lock["packages"][format!("node_modules/{d}")]["version"]
                        .as_str()
                        .unwrap_or("?")
                        .to_string();
                    format!("`{d}` {v}")
                })
                .collect();
            if !others.is_empty() {
                with = format!(", with {}", others.join(", "));
            }
        }
        println!(
            "| `{}` ({}, from {from}{with}) | {} | {pinned_in} |",
            t.npm_package, t.bin, t.version
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
                    .env(render::FRESH_ENV, "1")
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
        let runner = run::runner_path(&root);
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
    // A full build runs every embedded command; a second one, as when a chapter is saved while
    // serving, takes every output from the cache of outputs (see `render`).
    let _ = std::fs::remove_dir_all(root.join("target/book-outputs"));
    for label in [
        "first `mdbook build`, every output run live",
        "`mdbook build` again, nothing changed (a chapter saved while serving)",
    ] {
        let build = time(&mut || {
            mdbook(&root, &["build"])?.status()?;
            Ok(())
        })?;
        println!("measure: {label}: {:.2} s", build / 1000.0);
    }
    Ok(())
}
