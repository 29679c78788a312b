//! Pipeline stage 3, run: a listing run directly (the runner, or the host program), and what a
//! reader's terminal would show of it: the transcript, with the checkout's path normalised and
//! what varies between runs redacted for comparison.

use crate::exec::{Captured, capture};
use crate::model::{Build, Listing, Run, Target};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long any one listing process may take before it is killed. The runner's own deadline
/// (10 s by default) stops a guest long before this; this also covers host programs and a
/// guest blocked in a host call (a sleep), which epoch interruption cannot reach.
pub const PROCESS_LIMIT: Duration = Duration::from_secs(180);

/// The transcript of one run, as the book shows it: the reader's command, then what the
/// terminal shows; a non-zero exit status is shown the way a shell reports it.
pub fn transcript(command: &str, run: &Captured) -> String {
    let mut t = format!("$ {command}\n{}", run.output);
    if !t.ends_with('\n') {
        t.push('\n');
    }
    if run.code != 0 {
        t.push_str(&format!("$ echo $?\n{}\n", run.code));
    }
    t
}

/// Runs a listing directly (the runner or the host program, not through cargo) and returns
/// its transcript: the fast path used by the tests and by every embedded output in the book.
pub fn run_listing(
    root: &Path,
    listing: &Listing,
    run: &Run,
    target: Target,
) -> Result<(String, Captured)> {
    let stdin = run.stdin.as_ref().map(|f| listing.abs_dir(root).join(f));
    let captured = if listing.spec.build == Build::Fails {
        let mut cmd = crate::workspace::cargo(root);
        cmd.args(&listing.cargo_toolchain)
            .args(["build", "-q", "--manifest-path"])
            .arg(listing.dir.join("Cargo.toml"));
        if let Some(triple) = target.triple() {
            cmd.args(["--target", triple]);
        }
        cmd.args(["--target-dir", crate::model::FAILS_TARGET_DIR]);
        capture(cmd, None, PROCESS_LIMIT)?
    } else {
        let mut cmd = match target {
            Target::Host => Command::new(root.join(listing.artifact(target))),
            _ => {
                let mut c = Command::new(runner_path(root));
                c.args(listing.runner_args(run, target));
                c
            }
        };
        if target == Target::Host {
            cmd.args(&run.args);
        }
        cmd.current_dir(root);
        capture(cmd, stdin.as_deref(), PROCESS_LIMIT)?
    };
    let captured = Captured {
        output: normalise(root, &captured.output),
        code: captured.code,
    };
    Ok((
        transcript(&listing.reader_command(run, target), &captured),
        captured,
    ))
}

/// The run's output with what varies (`redact`) replaced, for comparison with a transcript.
pub fn redacted(run: &Run, text: &str) -> String {
    let mut t = text.to_string();
    for r in &run.redact {
        // Validated when the listing was read.
        let re = regex::Regex::new(&r.pattern).expect("valid pattern");
        t = re.replace_all(&t, r.with.as_str()).into_owned();
    }
    t
}

/// Only what truly varies between machines: the checkout's absolute path. Terminal colour
/// codes go too: a terminal shows them as colour, not as text (wabt's npm build colours its
/// errors even into a pipe).
pub fn normalise(root: &Path, text: &str) -> String {
    let root = root.display().to_string();
    let text = text.replace(&format!("{root}/"), "").replace(&root, ".");
    static ANSI: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new("\x1b\\[[0-9;]*m").unwrap());
    ANSI.replace_all(&text, "").into_owned()
}

pub fn runner_path(root: &Path) -> PathBuf {
    root.join("target/release/wasi-runner")
}
