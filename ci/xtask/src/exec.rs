//! Running a process the way a reader's terminal shows it: stdout and stderr merged in the order
//! they were written, stdin from a file (or empty), and a time limit after which it is killed.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Captured {
    /// stdout and stderr, interleaved as written.
    pub output: String,
    pub code: i32,
}

/// Variables that change what a command prints but that a reader's terminal does not have set.
const OUR_ENVIRONMENT_ONLY: &[&str] = &[
    "RUST_BACKTRACE",
    "RUST_LIB_BACKTRACE",
    "WASI_RUNNER_FLAGS",
    "CARGO_INCREMENTAL",
    // Cargo turns incremental compilation off when `CI` is set (rust-lang/cargo#17220, since
    // 2026-07), and that changes the object files a linker error names (initialize-collides).
    "CI",
    "CARGO_TERM_COLOR",
    "CARGO_TERM_VERBOSE",
    "CARGO_TERM_QUIET",
    "CARGO_TERM_PROGRESS_WHEN",
];

pub fn capture(mut cmd: Command, stdin: Option<&Path>, limit: Duration) -> Result<Captured> {
    let (mut reader, writer) = std::io::pipe().context("cannot create a pipe")?;
    cmd.stdout(writer.try_clone()?).stderr(writer);
    match stdin {
        Some(path) => cmd.stdin(
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        ),
        None => cmd.stdin(Stdio::null()),
    };
    let what = format!("{cmd:?}");
    // What a reader's terminal shows does not depend on our environment's backtrace settings
    // (a Rust tool that fails would otherwise print its whole stack), and a verified run gets
    // exactly the grants its metadata declares: the runner also reads WASI_RUNNER_FLAGS, so a
    // value left in the caller's shell would add grants. A command that needs it sets it
    // itself, inline, as the book's commands do. Cargo's own output settings go too: CI machines
    // often set CARGO_INCREMENTAL=0, which changes the object files a linker error names.
    for var in OUR_ENVIRONMENT_ONLY {
        cmd.env_remove(var);
    }
    // Its own process group, so that a timeout kills everything it started (a `sh -c` that
    // runs cargo would otherwise leave cargo running, holding the build lock).
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {what}"))?;
    // The command holds the pipe's write ends; drop them so the read below sees end-of-file.
    drop(cmd);
    let drain = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = reader.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > limit {
            // killpg, not the `kill` program: procps-ng 4.0.2 reads `kill -KILL -PGID` as
            // `kill(-1, SIGKILL)` (seen under strace), which ends every process the user owns,
            // the CI job included.
            // The child leads its group, so this kills it too.
            // SAFETY: killpg has no memory-safety preconditions; the group is the child's own.
            unsafe { libc::killpg(child.id() as libc::pid_t, libc::SIGKILL) };
            let _ = child.wait();
            bail!("did not end within {limit:?} and was killed: {what}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let output = String::from_utf8_lossy(&drain.join().unwrap()).into_owned();
    // A signal has no exit code; report it as a shell would (128 + signal).
    let code = status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt;
        128 + status.signal().unwrap_or(0)
    });
    Ok(Captured { output, code })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callers_runner_flags_backtrace_and_cargo_settings_do_not_leak_into_a_run() {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("echo flags=${WASI_RUNNER_FLAGS-unset} bt=${RUST_BACKTRACE-unset} inc=${CARGO_INCREMENTAL-unset} ci=${CI-unset}");
        cmd.env("WASI_RUNNER_FLAGS", "--dir /::/host")
            .env("RUST_BACKTRACE", "1")
            .env("CARGO_INCREMENTAL", "0")
            .env("CI", "true");
        let run = capture(cmd, None, Duration::from_secs(10)).unwrap();
        assert_eq!(run.output, "flags=unset bt=unset inc=unset ci=unset\n");
        // A command that sets the flags itself still gets them.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("WASI_RUNNER_FLAGS=--env sh -c 'echo $WASI_RUNNER_FLAGS'");
        assert_eq!(
            capture(cmd, None, Duration::from_secs(10)).unwrap().output,
            "--env\n"
        );
    }
}
