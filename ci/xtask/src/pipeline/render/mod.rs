//! Render: what an embedded command (`show`, `sh`) prints into a page, and two things that keep
//! `mdbook serve` quick without ever showing a reader output the tests did not produce or check.
//!
//! - **A cache of outputs** (`target/book-outputs/`). mdbook-cmdrun re-runs every embedded
//!   command on every rebuild; saving a chapter would re-run every listing and the benchmark.
//!   Each output is stored under a key that lists everything it depends on (the files of the
//!   listing and of what it requires, the workspace's pins, the runner and this program), so a
//!   command runs again only when one of them changed. A new clone has no cache, so there
//!   everything runs live; `ci/book build` (the hosted book) always runs everything
//!   (`WASI_BOOK_FRESH=1`).
//! - **A preview while `ci/book serve` is still building** (`WASI_BOOK_PREVIEW`). On a first run
//!   the runner and the listings take many minutes to build; until they are ready a listing's
//!   run shows its committed transcript, which `ci/book test` checks against a live run, under a
//!   note that says so, and a tool's run shows a note that its output is on its way. When the
//!   build is done, `serve` rebuilds the book and the page reloads with live output.

mod cache;
mod fold;

use cache::embedded;
pub use cache::{Key, cached, store};
pub use fold::{folded, folded_commands};

use crate::model::{Build, Listing, Target};
use crate::pipeline::{build, run};
use crate::{book, exec, tools};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// Set by `ci/book serve` for mdbook: the path of a file that appears when setup is done.
/// While it does not exist, embedded commands print a preview instead of running.
pub const PREVIEW_ENV: &str = "WASI_BOOK_PREVIEW";
/// Set to anything: run every embedded command, ignoring (and refreshing) the cache.
pub const FRESH_ENV: &str = "WASI_BOOK_FRESH";
/// Set by `ci/book test` for the book build: the listings (comma-separated names) that failed
/// their own checks. A page's command that runs one of them fails at once, naming it, instead of
/// running a listing known to be broken (one that hangs would hold each page for minutes).
pub const BROKEN_ENV: &str = "WASI_BOOK_BROKEN";

/// The broken listing a page's `sh` command names, if any: its
/// package (`-p NAME`), its directory (`listings/CHAPTER/NAME`) or its artifact (`NAME.wasm`).
pub fn names_broken(command: &str) -> Option<String> {
    names_one_of(command, &std::env::var(BROKEN_ENV).unwrap_or_default())
}

/// `names_broken` with the list given (comma-separated names).
fn names_one_of(command: &str, broken: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    broken
        .split(',')
        .filter(|n| !n.is_empty())
        .find(|name| {
            words.windows(2).any(|w| w[0] == "-p" && w[1] == *name)
                || words.iter().any(|w| {
                    let w = w.trim_matches(|c| c == '\'' || c == '"');
                    w.ends_with(&format!("/{name}.wasm"))
                        || w.ends_with(&format!("/{name}"))
                        || w.contains(&format!("/{name}/"))
                })
        })
        .map(str::to_string)
}

fn known_broken(name: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "not run: listing `{name}` failed its own checks (above), and running it again here could \
         only wait for its deadline"
    )
}

/// True while `ci/book serve` is still building what live outputs need.
pub fn previewing() -> bool {
    std::env::var_os(PREVIEW_ENV).is_some_and(|ready| !Path::new(&ready).exists())
}

/// The note a preview puts where a listing's live output will be.
pub fn recorded_note() -> &'static str {
    "> **Recorded output.** This machine is still building the book's listings (the first \
     time, a quarter of an hour or more on two cores). Until then, this is the transcript recorded \
     in the repository, which `ci/book test` checks against a live run of the listing; \
     values that change from run to run are shown as placeholders. The page reloads with \
     live output when the build is done.\n\n"
}

/// The note above a transcript shown as recorded (`show --recorded`).
pub fn transcript_note() -> &'static str {
    "> **Recorded output.** The transcript recorded in the repository, which `ci/book test` \
     checks against a live run on every change; values that change from run to run are shown \
     as placeholders.\n\n"
}

/// The note a preview puts where a tool's live output will be.
pub fn pending_note() -> &'static str {
    "> **Live output on its way.** This command runs while the book builds, on what the \
     book's listings build, and this machine is still building them (the first time takes \
     a quarter of an hour or more on two cores). The page reloads with its output when the build is \
     done.\n\n"
}

/// Markdown for one listing run: the live transcript (its `$` line is the command, which the
/// page's copy button copies), and the official
/// CLI's equivalent (or why there is none). Fails if the run's exit code is not the declared one.
/// While `ci/book serve` is still building, the committed transcript instead, under a note;
/// with `recorded`, always that (for a run whose live output the page shows elsewhere, such as
/// the benchmark's: one run per build).
pub fn show(root: &Path, args: &[String], recorded: bool) -> Result<()> {
    let (dir, target, run_name) = (
        &args[1],
        &args[2],
        args.get(3).map(String::as_str).unwrap_or(""),
    );
    let target = Target::parse(target)?;
    let l = Listing::from_manifest(root, Path::new(dir))?;
    if std::env::var(BROKEN_ENV)
        .unwrap_or_default()
        .split(',')
        .any(|n| n == l.name)
    {
        return Err(known_broken(&l.name));
    }
    let run = l
        .spec
        .run(run_name)
        .with_context(|| format!("listing `{}` has no run named `{run_name}`", l.name))?;
    if !l.spec.targets_of(run).contains(&target) {
        bail!("{} is not declared", l.describe(run, target));
    }
    let banner = run
        .failure
        .as_deref()
        .map(book::failure_banner)
        .unwrap_or_default();
    let wasmtime = || {
        if l.spec.build != Build::Ok {
            return String::new();
        }
        match l.wasmtime_command(run, target) {
            Ok(w) => format!(
                "\nWith the official `wasmtime` CLI instead (after building it):\n\n```sh\n{}```\n",
                folded_commands(&format!("{}\n{w}\n", l.build_command(target)))
            ),
            Err(why) if target != Target::Host => {
                format!("\n*No `wasmtime run` equivalent: {why}.*\n")
            }
            Err(_) => String::new(),
        }
    };
    if recorded || previewing() {
        let transcript = std::fs::read_to_string(root.join(l.transcript_path(run, target)))
            .with_context(|| format!("{} has no transcript", l.describe(run, target)))?;
        let note = match recorded {
            true => transcript_note(),
            false => recorded_note(),
        };
        // While serving a preview, the Run buttons' code is still being built: none yet.
        let here = match recorded {
            true => crate::pipeline::run_here::html(root, &l, run, target)?,
            false => String::new(),
        };
        print!(
            "{banner}{note}```console\n{}```\n{}{here}",
            folded(&transcript),
            wasmtime()
        );
        return Ok(());
    }
    embedded(
        root,
        || Key::show(root, &l, args),
        || {
            let mut md = banner.clone();
            let outcome = (|| {
                if l.spec.build == Build::Ok {
                    build::build_listing(root, &l, target)?;
                }
                let official = reader_run(root, &l, run, target).transpose()?;
                let shown_official = official.is_some();
                let (transcript, captured) = match official {
                    Some(shown) => shown,
                    None => run::run_listing(root, &l, run, target)?,
                };
                md.push_str(&format!("```console\n{}```\n", folded(&transcript)));
                if !shown_official {
                    md.push_str(&wasmtime());
                }
                md.push_str(&crate::pipeline::run_here::html(root, &l, run, target)?);
                let declared = run.exit_code.for_target(target);
                if l.spec.build == Build::Ok && captured.code != declared {
                    bail!(
                        "{} exited with {} but declares `exit-code = {declared}`",
                        l.describe(run, target),
                        captured.code
                    );
                }
                Ok(())
            })();
            (md, outcome)
        },
    )
}

/// A WebAssembly run as the reader types it, where the official CLI can do it: the build
/// command, then `wasmtime run`, and what the CLI itself printed (a trap or a refusal in its own
/// words). `None` where only the book's runner can make the run (several calls on one
/// instance, a read-only grant, a deadline); `ci/book test` checks the runner's transcript
/// and this command against each other either way.
fn reader_run(
    root: &Path,
    l: &Listing,
    run: &crate::model::Run,
    target: Target,
) -> Option<Result<(String, exec::Captured)>> {
    if l.spec.build != Build::Ok {
        return None;
    }
    let wasmtime = l.wasmtime_command(run, target).ok()?;
    let build = l.build_command(target);
    Some((|| {
        let line = format!("{build} && {wasmtime}");
        let captured = crate::pipeline::verify::run_literally(root, run, &line)?;
        let captured = exec::Captured {
            output: run::normalise(root, &captured.output),
            code: captured.code,
        };
        let transcript = format!("$ {build}\n{}", run::transcript(&wasmtime, &captured));
        Ok((transcript, captured))
    })())
}

/// How long an embedded shell command may run (the benchmark takes a few seconds; a first
/// build of what a command needs can take minutes).
const SHELL_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// `sh -c COMMAND` from the repository root, bounded by `SHELL_LIMIT`, stdout and stderr
/// merged, the checkout's path normalised.
fn run_sh(root: &Path, command: &str) -> Result<exec::Captured> {
    let mut cmd = Command::new("sh");
    cmd.current_dir(root)
        .arg("-c")
        .arg(command)
        .env("PATH", tools::path_with_pinned_first(root)?);
    let run = exec::capture(cmd, None, SHELL_LIMIT)?;
    Ok(exec::Captured {
        output: run::normalise(root, &run.output),
        code: run.code,
    })
}

/// The forms of `sh`: how the command's output becomes markdown, and what it must exit with.
pub enum Shell<'a> {
    /// A transcript; the command must exit with this status (non-zero: the page marks it).
    Exits(i32),
    /// A transcript of a command that succeeds but shows a failure, and why.
    Fails(&'a str),
    /// The command prints markdown itself (a table, a chart); it must succeed.
    Markdown,
}

/// Markdown for a tool command run live from the repository root (for example inspecting a
/// listing's artifact): its transcript, `$` line first, or (`Shell::Markdown`) the command to
/// copy and its
/// output as is. While `ci/book serve` is still building, a note instead of the output.
pub fn shell(root: &Path, args: &[String], command: &str, form: Shell) -> Result<()> {
    let banner = match form {
        Shell::Fails(why) => book::failure_banner(why),
        Shell::Exits(code) if code != 0 => book::failure_banner(&format!(
            "the command exits with status {code}, and its error is the point"
        )),
        _ => String::new(),
    };
    let copy = format!("```sh\n{}\n```\n\n", folded_commands(command));
    if let Some(name) = names_broken(command) {
        return Err(known_broken(&name));
    }
    if previewing() {
        print!("{banner}{}{copy}", pending_note());
        return Ok(());
    }
    embedded(
        root,
        || Key::sh(root, args),
        || {
            let run = match run_sh(root, command) {
                Ok(run) => run,
                Err(e) => return (String::new(), Err(e)),
            };
            let expect = match form {
                Shell::Exits(code) => code,
                Shell::Fails(_) | Shell::Markdown => 0,
            };
            let md = match form {
                Shell::Markdown => format!("{copy}{}\n", run.output),
                _ => format!(
                    "{banner}```console\n{}```\n",
                    folded(&run::transcript(command, &run))
                ),
            };
            let outcome = match run.code == expect {
                true => Ok(()),
                false if matches!(form, Shell::Markdown) => Err(anyhow::anyhow!(
                    "`{command}` exited with {}:\n{}",
                    run.code,
                    run.output
                )),
                false => Err(anyhow::anyhow!(
                    "`{command}` exited with {}, not {expect}",
                    run.code
                )),
            };
            (md, outcome)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_names_a_broken_listing_by_package_directory_or_artifact() {
        let broken = "hello,greeter";
        for command in [
            "cargo run -q -p hello --target wasm32-wasip1",
            "wasmtime run target/wasm32-wasip2/debug/hello.wasm",
            "wasm-tools print 'listings/hello-wasi/hello/src/main.rs'",
        ] {
            assert_eq!(
                names_one_of(command, broken).as_deref(),
                Some("hello"),
                "{command}"
            );
        }
        for command in [
            "cargo run -q -p hello-p2 --target wasm32-wasip2",
            "wasmtime run target/wasm32-wasip1/debug/hello_world.wasm",
            "echo hello",
        ] {
            assert_eq!(names_one_of(command, broken), None, "{command}");
        }
        assert_eq!(names_one_of("wasmtime run x.wasm", ""), None);
    }
}
