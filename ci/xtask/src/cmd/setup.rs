//! `setup`: everything the other commands need. WASI targets, the pinned nightly, the pinned
//! tools, the runner and every listing.

use super::{cargo, step};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::model::{self, Listing, Target, Toolchain};
use xtask::pipeline::{build, discover};
use xtask::tools;

/// Everything both commands need: WASI targets, pinned tools, the runner, every listing.
pub fn setup(root: &Path) -> Result<Vec<Listing>> {
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
    // One cargo invocation, one Wasmtime 48 build: the runner and the official CLI link it.
    step(
        "building the runner and the `wasmtime` CLI (wasmtime 48 in release: about 6 minutes on 2 cores the first time)",
        || {
            cargo(
                root,
                &["build", "--release", "-p", "wasi-runner", "-p", tools::CLI_PACKAGE],
            )
        },
    )
    .context("building the runner and the `wasmtime` CLI; run the command again to retry")?;
    tools::verify_cli(root)?;
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

pub fn check_targets() -> Result<()> {
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

/// The pinned nightly, its targets and components, for the listings built with it: installed
/// with rustup when anything is missing (here rather than in `ci/book`, so that `serve` shows
/// the first page before it downloads a second toolchain).
pub fn check_nightly(root: &Path) -> Result<()> {
    let (channel, targets, components) = model::nightly_pin(root)?;
    let has_all = || {
        let out = Command::new("rustup")
            .args(["run", &channel, "rustc", "--print", "sysroot"])
            .output();
        let has_targets = match out {
            Ok(o) if o.status.success() => {
                let sysroot = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
                targets
                    .iter()
                    .all(|t| sysroot.join("lib/rustlib").join(t).is_dir())
            }
            _ => false,
        };
        // `rust-src` is listed as is; a component built per target as `<name>-<target>`.
        let installed = Command::new("rustup")
            .args(["component", "list", "--installed", "--toolchain", &channel])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        has_targets
            && components.iter().all(|c| {
                installed
                    .lines()
                    .any(|l| l == c || l.starts_with(&format!("{c}-")))
            })
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
    for c in &components {
        args.extend(["--component", c]);
    }
    step(
        &format!(
            "installing Rust {channel} (pinned in {}; once): rustup {}",
            model::NIGHTLY_PIN,
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
                     rustup may no longer serve that toolchain or one of its targets or \
                     components: pin another in {}",
                    targets
                        .iter()
                        .chain(&components)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    model::NIGHTLY_PIN,
                    model::NIGHTLY_PIN
                );
            }
            Ok(())
        },
    )
}
