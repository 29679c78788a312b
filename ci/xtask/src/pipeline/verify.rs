//! Pipeline stage 4, verify: each run against its committed transcript and declared exit code,
//! then the `cargo run` and `wasmtime run` lines the page prints, run literally.

use crate::exec::{Captured, capture};
use crate::model::{Build, Listing, Run, Target};
use crate::pipeline::run::{PROCESS_LIMIT, normalise, redacted, run_listing};
use crate::tools;
use std::path::Path;
use std::process::Command;

/// A readable diff between the recorded transcript and this run.
pub fn diff(expected_name: &str, expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(expected_name, "this run")
        .to_string()
}

/// One run of a listing on one target, checked three ways. Returns the failures (empty: all
/// passed).
pub fn check(root: &Path, listing: &Listing, run: &Run, target: Target) -> Vec<String> {
    let who = listing.describe(run, target);
    let mut failures = Vec::new();
    let path = listing.transcript_path(run, target);
    let expected = match std::fs::read_to_string(root.join(&path)) {
        Ok(t) => t,
        Err(_) => {
            return vec![format!(
                "{who}: no transcript {}; record it with `cargo xtask bless {}`",
                path.display(),
                listing.name
            )];
        }
    };
    let declared = run.exit_code.for_target(target);
    // 1. The runner, directly: exactly the recorded transcript, and the declared exit code.
    match run_listing(root, listing, run, target) {
        Err(e) => failures.push(format!("{who}: {e:#}")),
        Ok((actual, captured)) => {
            let actual = redacted(run, &actual);
            if actual != expected {
                failures.push(format!(
                    "{who}: the output differs from {} (if the change is intended: `cargo xtask bless {}`)\n{}",
                    path.display(),
                    listing.name,
                    diff(&path.display().to_string(), &expected, &actual)
                ));
            }
            let want = if listing.spec.build == Build::Fails {
                None
            } else {
                Some(declared)
            };
            match want {
                Some(code) if captured.code != code => failures.push(format!(
                    "{who}: exit code {} but `exit-code = {code}` is declared",
                    captured.code
                )),
                None if captured.code == 0 => {
                    failures.push(format!("{who}: `build = \"fails\"` but it built"))
                }
                _ => {}
            }
        }
    }
    if !failures.is_empty() || listing.spec.build == Build::Fails {
        return failures;
    }
    // 2. The command the book tells the reader to type, literally, through a shell.
    let body = expected.split_once('\n').map(|(_, b)| b).unwrap_or("");
    let literal = listing.reader_command(run, target);
    if let Some(f) = check_literal(root, &who, run, &literal, body, declared) {
        failures.push(f);
    }
    // 3. The same with the official wasmtime CLI, where the book shows one, after the build
    // command the book gives with it.
    if let Ok(wasmtime) = listing.wasmtime_command(run, target) {
        let line = format!("{} && {wasmtime}", listing.build_command(target));
        if let Some(f) = check_literal(root, &who, run, &line, body, declared) {
            failures.push(f);
        }
    }
    failures
}

/// Runs `line` with `sh -c` from the repo root, with the pinned tools (the `wasmtime` CLI among
/// them) first on PATH, and compares what a terminal would show.
fn check_literal(
    root: &Path,
    who: &str,
    run: &Run,
    line: &str,
    body: &str,
    code: i32,
) -> Option<String> {
    let captured = match run_literally(root, run, line) {
        Ok(r) => r,
        Err(e) => return Some(format!("{who}: `{line}`: {e:#}")),
    };
    let expected_output = match body.rfind("$ echo $?\n") {
        Some(i) if code != 0 => &body[..i],
        _ => body,
    };
    let output = redacted(run, &normalise(root, &captured.output));
    // A trap is reported in each runtime's own words; there only the guest's own output (what
    // came before the runtime's error line) and the exit code must agree.
    let (a, b) = if code == crate::model::TRAP_EXIT_CODE {
        (before_error(expected_output), before_error(&output))
    } else {
        (expected_output, output.as_str())
    };
    // A module the host refuses (an import it cannot link) is reported in each runtime's own
    // words too: the runner's one `error: FILE: CAUSE` line, the CLI's `Caused by:` chain. The
    // guest's output before it, the exit code, and the cause itself must agree.
    let same_refusal = code != 0
        && before_error(a) == before_error(b)
        && runner_error_cause(a).is_some_and(|cause| b.contains(cause));
    if (a != b && !same_refusal) || captured.code != code {
        return Some(format!(
            "{who}: the book's command `{line}` does not reproduce the transcript (exit code {} vs {code})\n{}",
            captured.code,
            diff("transcript", a, b)
        ));
    }
    None
}

/// Runs `line` with `sh -c` from the repository root, with the pinned tools (the `wasmtime`
/// CLI among them) first on PATH: what a reader's terminal shows for it.
pub fn run_literally(root: &Path, run: &Run, line: &str) -> anyhow::Result<Captured> {
    let mut cmd = Command::new("sh");
    cmd.current_dir(root)
        .arg("-c")
        .arg(line)
        .env("PATH", tools::path_with_pinned_first(root)?);
    // The `wasmtime` CLI's deadline (`tools::guest_deadline_dir`), longer for a run that declares
    // a longer deadline of its own.
    if let Some(ms) = run.deadline_ms {
        let seconds = (ms / 1000 + 20).max(tools::GUEST_SECONDS);
        cmd.env("WASI_BOOK_GUEST_SECONDS", seconds.to_string());
    }
    capture(cmd, None, PROCESS_LIMIT)
}

/// The cause in the runner's `error: FILE.wasm: CAUSE` line, if the transcript has one.
fn runner_error_cause(transcript: &str) -> Option<&str> {
    let line = transcript.lines().find(|l| l.starts_with("error: "))?;
    [".wasm: ", ".wat: "]
        .iter()
        .find_map(|m| line.split_once(m))
        .map(|(_, cause)| cause)
}

fn before_error(s: &str) -> &str {
    let cut = ["error: ", "Error: "]
        .iter()
        .filter_map(|m| s.find(m))
        .min()
        .unwrap_or(s.len());
    &s[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_module_is_matched_by_its_cause_not_by_each_runtimes_wording() {
        let runner = "error: target/x.wasm: unknown import: `m::f` has not been defined\n";
        assert_eq!(
            runner_error_cause(runner),
            Some("unknown import: `m::f` has not been defined")
        );
        assert_eq!(runner_error_cause("Error: Os { code: 2 }\n"), None);
    }

    #[test]
    fn normalising_removes_the_checkout_path_and_colour_codes() {
        let root = Path::new("/home/r/book");
        let text =
            "\x1b[1m0000008: \x1b[31merror: \x1b[0mno /home/r/book/target/x.wasm in /home/r/book";
        assert_eq!(
            normalise(root, text),
            "0000008: error: no target/x.wasm in ."
        );
    }
}
