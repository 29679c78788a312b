//! One file per command of `ci/book` (`cargo xtask`), and what several of them share.

pub mod bless;
pub mod browser;
pub mod build;
pub mod check;
pub mod counts;
pub mod measure;
pub mod new;
pub mod renumber;
pub mod serve;
pub mod setup;
pub mod test;
pub mod versions;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use xtask::model::Listing;
use xtask::{tools, workspace};

/// The repository root: the clone this program was built from.
pub fn root() -> PathBuf {
    book_common::checkout_root()
}

/// Runs one step of setup, saying what it does before and how long it took after, so a long
/// first run never sits silent.
pub fn step<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
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

pub fn cargo(root: &Path, args: &[&str]) -> Result<()> {
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
pub fn this_program() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let text = exe.to_string_lossy();
    Ok(match text.strip_suffix(" (deleted)") {
        Some(path) => PathBuf::from(path),
        None => exe,
    })
}

/// mdbook from the pinned install, with the pinned preprocessors first on PATH and
/// `$WASI_BOOK` pointing at this binary for the book's `cmdrun` lines.
pub fn mdbook(root: &Path, args: &[&str]) -> Result<Command> {
    let mdbook = tools::find(root, "mdbook")?;
    let mut cmd = Command::new(mdbook.path());
    cmd.current_dir(root)
        .args(args)
        .env("PATH", tools::path_with_pinned_first(root)?)
        .env("WASI_BOOK", this_program()?);
    Ok(cmd)
}

pub fn select<'a>(all: &'a [Listing], names: &[String]) -> Result<Vec<&'a Listing>> {
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
