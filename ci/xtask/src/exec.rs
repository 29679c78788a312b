//! Running a process the way a reader's terminal shows it: stdout and stderr merged in the order
//! they were written, stdin from a file (or empty), and a time limit after which it is killed.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug)]
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

/// The most a captured command may print (stdout and stderr together). No page shows more
/// than a few kilobytes; a guest that floods its output is stopped and named instead of filling
/// the harness's memory.
pub const OUTPUT_CAP: usize = 4 << 20;

/// How long the output may stay open after the command itself has ended: a process it left
/// behind (a server started with `&`) still holds the pipe. Its group is then killed, and what
/// was printed so far is the output.
const LEFT_BEHIND_GRACE: Duration = Duration::from_secs(2);

pub fn capture(cmd: Command, stdin: Option<&Path>, limit: Duration) -> Result<Captured> {
    capture_capped(cmd, stdin, limit, OUTPUT_CAP)
}

/// `capture` with the output cap given (the tests use a small one).
pub fn capture_capped(
    mut cmd: Command,
    stdin: Option<&Path>,
    limit: Duration,
    cap: usize,
) -> Result<Captured> {
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
    // The output is read on a thread of its own, into a buffer shared with this one, so that
    // a process that never closes the pipe cannot keep this function waiting.
    let output = Arc::new(Mutex::new(Vec::new()));
    let flooded = Arc::new(AtomicBool::new(false));
    let (eof_tx, eof) = std::sync::mpsc::channel::<()>();
    {
        let (output, flooded) = (output.clone(), flooded.clone());
        std::thread::spawn(move || {
            let mut chunk = [0u8; 64 * 1024];
            while let Ok(n @ 1..) = reader.read(&mut chunk) {
                let mut out = output.lock().expect("no reader panicked");
                let room = cap.saturating_sub(out.len());
                out.extend_from_slice(&chunk[..n.min(room)]);
                if n > room {
                    flooded.store(true, Ordering::SeqCst);
                    break;
                }
            }
            let _ = eof_tx.send(());
        });
    }
    // SAFETY: killpg has no memory-safety preconditions; the group is the child's own.
    // killpg, not the `kill` program: procps-ng 4.0.2 reads `kill -KILL -PGID` as
    // `kill(-1, SIGKILL)` (seen under strace), which ends every process the user owns, the CI
    // job included. The child leads its group, so this kills it too.
    let group = child.id() as libc::pid_t;
    let kill_group = || unsafe { libc::killpg(group, libc::SIGKILL) };
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if flooded.load(Ordering::SeqCst) {
            kill_group();
            let _ = child.wait();
            bail!(
                "printed more than {} MiB and was killed (a listing that floods its output?): \
                 {what}",
                cap >> 20
            );
        }
        if start.elapsed() > limit {
            kill_group();
            let _ = child.wait();
            bail!(
                "did not end within {limit:?} and was killed, with everything it started: {what}"
            );
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    // The command has ended; what it left running may still hold the pipe.
    if eof.recv_timeout(LEFT_BEHIND_GRACE).is_err() {
        kill_group();
        let _ = eof.recv_timeout(LEFT_BEHIND_GRACE);
    }
    if flooded.load(Ordering::SeqCst) {
        bail!(
            "printed more than {} MiB (a listing that floods its output?): {what}",
            cap >> 20
        );
    }
    let output = String::from_utf8_lossy(&output.lock().expect("no reader panicked")).into_owned();
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

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    #[test]
    fn a_process_left_behind_holding_the_output_does_not_keep_the_capture_waiting() {
        let started = Instant::now();
        let run = capture(
            sh("echo started; sleep 60 &"),
            None,
            Duration::from_secs(100),
        )
        .unwrap();
        assert_eq!(run.output, "started\n");
        assert_eq!(run.code, 0);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "waited {:?} for the process left behind",
            started.elapsed()
        );
    }

    #[test]
    fn a_command_that_floods_its_output_is_stopped_and_named() {
        let started = Instant::now();
        let err = capture_capped(sh("yes flood"), None, Duration::from_secs(100), 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(err.contains("printed more than 1 MiB"), "{err}");
        assert!(err.contains("yes flood"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}
