//! Render: what an embedded command (`show`, `sh`) prints into a page, and two things that keep
//! `mdbook serve` quick without ever showing a reader output the tests did not produce or check.
//!
//! - **A cache of outputs** (`target/book-outputs/`). mdbook-cmdrun re-runs every embedded
//!   command on every rebuild; saving a chapter would re-run every listing and the benchmark.
//!   Each output is stored under a key that lists everything it depends on (the files of the
//!   listing and of what it requires, the workspace's pins, the runner and this program), so a
//!   command runs again only when one of them changed. `ci/book test` never reads the cache
//!   (`WASI_BOOK_FRESH=1`): the tests run everything live.
//! - **A preview while `ci/book serve` is still building** (`WASI_BOOK_PREVIEW`). On a first run
//!   the runner and the listings take many minutes to build; until they are ready a listing's
//!   run shows its committed transcript, which `ci/book test` checks against a live run, under a
//!   note that says so, and a tool's run shows a note that its output is on its way. When the
//!   build is done, `serve` rebuilds the book and the page reloads with live output.

use crate::model::{Build, Listing, Target};
use crate::{book, build, exec, model, run, tools};
use anyhow::{Context, Result, bail};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Set by `ci/book serve` for mdbook: the path of a file that appears when setup is done.
/// While it does not exist, embedded commands print a preview instead of running.
pub const PREVIEW_ENV: &str = "WASI_BOOK_PREVIEW";
/// Set to anything: run every embedded command, ignoring (and refreshing) the cache.
pub const FRESH_ENV: &str = "WASI_BOOK_FRESH";

/// Files one embedded command writes for a later one to read, and the word that the commands
/// which write or read it contain (the benchmark's table and its "when to use which" costs come
/// from one run). Such a command's cached output is only valid while the file holds what it
/// held right after that output was produced, so both tables always come from the same run.
const HANDED_ON: &[(&str, &str)] = &[("target/reactor-bench/last-run.txt", "reactor-bench")];

/// The files every output depends on: the pins, the cargo configuration and the workspace.
const PINS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    "ci/nightly-toolchain.toml",
    "ci/tools.toml",
    ".cargo/config.toml",
    // What the browser test saw, which the Run buttons' notes say.
    "ci/browser-portability.toml",
];

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

/// Everything one embedded output depends on, as text: a file's path, size and modification
/// time per line. Two equal keys mean the command would print the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// The key of `show` for one listing: the listing's own files and those of everything its
    /// build reads (`build::input_dirs`), the pins, the runner and this program.
    pub fn show(root: &Path, listing: &Listing, args: &[String]) -> Key {
        let mut files = vec![];
        for dir in build::input_dirs(root, listing) {
            walk(&dir, &mut files);
        }
        Key::of(root, args, files)
    }

    /// The key of `sh`: a tool's command can read any listing's source or artifact, so every
    /// file under `listings/` and `ci/` counts (not the book's own pages: saving a chapter
    /// changes none of them).
    pub fn sh(root: &Path, args: &[String]) -> Key {
        let mut files = vec![];
        walk(&root.join("listings"), &mut files);
        walk(&root.join("ci"), &mut files);
        Key::of(root, args, files)
    }

    fn of(root: &Path, args: &[String], mut files: Vec<PathBuf>) -> Key {
        files.extend(PINS.iter().map(|p| root.join(p)));
        files.push(run::runner_path(root));
        if let Ok(exe) = std::env::current_exe() {
            files.push(exe);
        }
        files.sort();
        files.dedup();
        let mut text = format!(
            "{}\n",
            shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "))
        );
        for f in &files {
            text.push_str(&stamp(root, f));
        }
        let command = args.join(" ");
        for (f, _) in HANDED_ON.iter().filter(|(_, word)| command.contains(word)) {
            let content = std::fs::read(root.join(f)).unwrap_or_default();
            let mut h = std::hash::DefaultHasher::new();
            content.hash(&mut h);
            text.push_str(&format!("{f} content {:016x}\n", h.finish()));
        }
        Key(text)
    }

    fn file_stem(&self) -> String {
        let mut h = std::hash::DefaultHasher::new();
        self.0.hash(&mut h);
        format!("{:016x}", h.finish())
    }
}

/// `path size mtime` of one file (or `path missing`).
fn stamp(root: &Path, f: &Path) -> String {
    let name = model::rel(root, f);
    match std::fs::metadata(f) {
        Ok(m) => {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            format!("{name} {} {mtime}\n", m.len())
        }
        Err(_) => format!("{name} missing\n"),
    }
}

/// Every file below `dir`, leaving out build output (`target`, `node_modules`) and transcripts
/// (`output.*.txt` are what the tests compare with, not what a run reads).
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name == "node_modules" || name.starts_with("output.") {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path(), files),
            Ok(_) => files.push(e.path()),
            Err(_) => {}
        }
    }
}

fn cache_dir(root: &Path) -> PathBuf {
    root.join("target/book-outputs")
}

/// The markdown stored under `key`.
pub fn cached(root: &Path, key: &Key) -> Option<String> {
    let base = cache_dir(root).join(key.file_stem());
    let stored_key = std::fs::read_to_string(base.with_extension("key")).ok()?;
    // The file's name is a hash; the key itself is compared in full.
    if stored_key != key.0 {
        return None;
    }
    std::fs::read_to_string(base.with_extension("md")).ok()
}

/// Stores a command's markdown under `key`: the key computed after the command ran, since a
/// command may itself change what it depends on (build an artifact, write a handed-on file).
pub fn store(root: &Path, key: &Key, markdown: &str) -> Result<()> {
    let dir = cache_dir(root);
    std::fs::create_dir_all(&dir)?;
    let base = dir.join(key.file_stem());
    // The markdown first, then the key that makes it valid: a half-written entry never matches.
    let tmp = dir.join(format!(".{}.tmp", std::process::id()));
    std::fs::write(&tmp, markdown)?;
    std::fs::rename(&tmp, base.with_extension("md"))?;
    std::fs::write(&tmp, &key.0)?;
    std::fs::rename(&tmp, base.with_extension("key"))?;
    Ok(())
}

/// Prints an embedded command's markdown. It comes from the cache when nothing the output
/// depends on changed since it was last produced; otherwise `produce` runs, its
/// markdown is printed whatever happened (cmdrun shows it under its error), and stored only if
/// the command did what the page declares.
fn embedded(
    root: &Path,
    key: impl Fn() -> Key,
    produce: impl FnOnce() -> (String, Result<()>),
) -> Result<()> {
    let fresh = std::env::var_os(FRESH_ENV).is_some();
    if let Some(md) = cached(root, &key()).filter(|_| !fresh) {
        print!("{md}");
        return Ok(());
    }
    let (md, outcome) = produce();
    print!("{md}");
    outcome?;
    store(root, &key(), &md)
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
            true => crate::run_here::html(root, &l, run, target)?,
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
                let (transcript, captured) = run::run_listing(root, &l, run, target)?;
                md.push_str(&format!("```console\n{}```\n", folded(&transcript)));
                md.push_str(&wasmtime());
                md.push_str(&crate::run_here::html(root, &l, run, target)?);
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

/// The widest a folded command line gets, its ` \` included: a console block at the book's
/// width shows it without sideways scrolling.
const FOLD_WIDTH: usize = 80;

/// A transcript as the page shows it: each `$ ` command longer than `FOLD_WIDTH` broken over
/// lines with ` \` (the form a shell accepts when pasted), after each `&&` and otherwise between
/// words, never inside quotes or between a flag and its value. The transcripts on disk keep one
/// line per command; the copy button (theme/copy-commands.js) copies the folded form.
pub fn folded(transcript: &str) -> String {
    transcript
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix("$ ") {
            Some(command) => fold_line("$ ", command),
            None => line.to_string(),
        })
        .collect()
}

/// The lines of a command block (`sh`), each folded like a transcript's commands.
pub fn folded_commands(commands: &str) -> String {
    commands
        .split_inclusive('\n')
        .map(|line| fold_line("", line))
        .collect()
}

/// `prompt` and `command` (which may end in a newline, kept), folded when too long.
fn fold_line(prompt: &str, command: &str) -> String {
    let (command, newline) = match command.strip_suffix('\n') {
        Some(c) => (c, "\n"),
        None => (command, ""),
    };
    if prompt.len() + command.len() <= FOLD_WIDTH {
        return format!("{prompt}{command}{newline}");
    }
    let mut lines: Vec<String> = vec![];
    let mut force_break = false;
    for group in word_groups(command) {
        match lines.last_mut() {
            Some(last) if !force_break && last.len() + 1 + group.len() + 2 <= FOLD_WIDTH => {
                last.push(' ');
                last.push_str(&group);
            }
            Some(last) => {
                last.push_str(" \\");
                lines.push(format!("    {group}"));
            }
            None => lines.push(format!("{prompt}{group}")),
        }
        force_break = group.ends_with("&&") || group.ends_with('|');
    }
    format!("{}{newline}", lines.join("\n"))
}

/// The command's words (quotes kept as written), with a flag and the value after it in one
/// group (`--target wasm32-wasip1`), and `&&` kept with the word before it.
fn word_groups(command: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let (mut word, mut quote) = (String::new(), None::<char>);
    for c in command.chars() {
        match (quote, c) {
            (None, ' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                word.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                word.push(c);
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut groups: Vec<String> = Vec::new();
    let mut value_of_flag = false;
    for w in words {
        let joins =
            matches!(w.as_str(), "&&" | "|" | "||") || (value_of_flag && !w.starts_with('-'));
        value_of_flag = w.starts_with('-') && !w.contains('=') && w != "--" && !joins;
        match groups.last_mut() {
            Some(g) if joins => {
                g.push(' ');
                g.push_str(&w);
                value_of_flag = false;
            }
            _ => groups.push(w),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch repository with one listing source, removed when the test ends.
    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("listings/ch/l/src")).unwrap();
        std::fs::create_dir_all(dir.path().join("ci")).unwrap();
        std::fs::write(
            dir.path().join("listings/ch/l/src/main.rs"),
            "fn main() {}\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn an_output_is_reused_until_a_file_it_depends_on_changes() {
        let dir = scratch();
        let root = dir.path();
        let args = vec!["sh".to_string(), "echo hi".to_string()];
        let key = Key::sh(root, &args);
        assert_eq!(cached(root, &key), None);
        store(root, &key, "hi\n").unwrap();
        assert_eq!(cached(root, &Key::sh(root, &args)).as_deref(), Some("hi\n"));
        // Another command is another entry.
        let other = vec!["sh".to_string(), "echo ho".to_string()];
        assert_eq!(cached(root, &Key::sh(root, &other)), None);
        // A changed source (its size here; its mtime in an editor) is a miss.
        std::fs::write(root.join("listings/ch/l/src/main.rs"), "fn main() { }\n").unwrap();
        assert_eq!(cached(root, &Key::sh(root, &args)), None);
    }

    #[test]
    fn a_transcript_or_a_build_output_is_not_an_input() {
        let dir = scratch();
        let root = dir.path();
        let args = vec!["sh".to_string(), "true".to_string()];
        let key = Key::sh(root, &args);
        std::fs::write(root.join("listings/ch/l/output.wasip1.txt"), "$ x\n").unwrap();
        std::fs::create_dir_all(root.join("listings/ch/l/target")).unwrap();
        std::fs::write(root.join("listings/ch/l/target/x"), "").unwrap();
        assert_eq!(Key::sh(root, &args), key);
    }

    #[test]
    fn a_handed_on_file_that_changed_invalidates_the_outputs_that_use_it() {
        let dir = scratch();
        let root = dir.path();
        let args = vec![
            "sh".to_string(),
            "cargo run -q --release -p reactor-bench -- --choices".to_string(),
        ];
        let key = Key::sh(root, &args);
        std::fs::create_dir_all(root.join("target/reactor-bench")).unwrap();
        std::fs::write(root.join(HANDED_ON[0].0), "run 2\n").unwrap();
        assert_ne!(Key::sh(root, &args), key);
        // A command that neither writes nor reads it keeps its output.
        let other = vec!["sh".to_string(), "true".to_string()];
        let before = Key::sh(root, &other);
        std::fs::write(root.join(HANDED_ON[0].0), "run 3\n").unwrap();
        assert_eq!(Key::sh(root, &other), before);
    }

    #[test]
    fn a_long_command_is_folded_between_words_and_never_inside_quotes() {
        let t = "$ WASI_RUNNER_FLAGS='--env EMPTY= --env GREETING=hello' cargo run -q -p args-env --target wasm32-wasip1 -- --name WASI 'two words'\nout\n$ echo $?\n1\n";
        let f = folded(t);
        assert_eq!(
            f,
            "$ WASI_RUNNER_FLAGS='--env EMPTY= --env GREETING=hello' cargo run -q \\\n    -p args-env --target wasm32-wasip1 -- --name WASI 'two words'\nout\n$ echo $?\n1\n"
        );
        assert!(f.lines().all(|l| l.len() <= FOLD_WIDTH), "{f}");
    }

    #[test]
    fn a_command_is_broken_after_and_and_a_short_one_is_left_alone() {
        let t = "$ cargo build -q -p extism-greeter --target wasm32-unknown-unknown && cargo run -q --release -p extism-host\n";
        assert_eq!(
            folded(t),
            "$ cargo build -q -p extism-greeter --target wasm32-unknown-unknown && \\\n    cargo run -q --release -p extism-host\n"
        );
        assert_eq!(
            folded("$ cargo run -q -p hello\nhi\n"),
            "$ cargo run -q -p hello\nhi\n"
        );
    }
}
