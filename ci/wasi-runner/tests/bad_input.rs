//! The runner against guests that misbehave: each test runs the real binary on a real guest
//! (`ci/misbehave`, built for both targets by `cargo xtask setup`) or on a small `.wat` module.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// This checkout (found at run time: test binaries are shared between clones).
fn root() -> PathBuf {
    book_common::checkout_root()
}

fn misbehave(target: &str) -> PathBuf {
    let p = root().join(format!("target/wasm32-{target}/debug/misbehave.wasm"));
    assert!(
        p.is_file(),
        "{} is missing: run `cargo build -p misbehave --target wasm32-{target}`",
        p.display()
    );
    p
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    run_with(args, |_| {})
}

/// The runner with `args`, after `setup` adjusts its command (an environment variable, say).
fn run_with(args: &[&str], setup: impl FnOnce(&mut Command)) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasi-runner"));
    cmd.args(args).env_remove("WASI_RUNNER_FLAGS");
    setup(&mut cmd);
    let out: Output = cmd.output().expect("run wasi-runner");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `misbehave` exits with 3 when an operation fails; on wasip2 every non-zero exit reaches the
/// host as 1 (see `exit_codes_reach_the_host_exactly_on_wasip1_and_as_1_on_wasip2`).
fn failed(target: &str) -> i32 {
    if target == "wasip1" { 3 } else { 1 }
}

fn guest(target: &str) -> String {
    misbehave(target).display().to_string()
}

#[test]
fn a_guest_that_loops_forever_is_stopped_at_its_deadline() {
    for t in ["wasip1", "wasip2"] {
        let r = run(&["--deadline-ms", "300", &guest(t), "loop"]);
        assert_eq!(r.code, 134, "{t}: {}", r.stderr);
        assert_eq!(r.stdout, "looping\n", "{t}");
        assert!(
            r.stderr.contains(
                "misbehave.wasm: stopped: it did not finish within its deadline of 300 ms"
            ),
            "{t}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_guest_blocked_in_a_host_call_is_stopped_soon_after_its_deadline() {
    for t in ["wasip1", "wasip2"] {
        let started = std::time::Instant::now();
        let r = run(&["--deadline-ms", "300", &guest(t), "sleep", "60000"]);
        assert_eq!(r.code, 134, "{t}: {}", r.stderr);
        assert_eq!(r.stdout, "sleeping\n", "{t}");
        assert!(
            r.stderr.contains(
                "misbehave.wasm: stopped: it did not finish within its deadline of 300 ms"
            ),
            "{t}: {}",
            r.stderr
        );
        // The deadline plus the grace, and some slack for a busy machine: far from 60 s.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{t}: took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn compiling_does_not_count_against_the_deadline() {
    // Thousands of functions: Cranelift takes far longer to compile them than the deadline,
    // while running `_start` takes microseconds. Compiled every time (--no-cache).
    let mut wat = String::from("(module\n");
    for i in 0..4000 {
        wat.push_str(&format!("  (func $f{i} (param i32) (result i32) (i32.mul (i32.add (local.get 0) (i32.const {i})) (i32.const 3)))\n"));
    }
    wat.push_str("  (func (export \"_start\"))\n  (memory (export \"memory\") 1))\n");
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().to_path_buf();
    let file = dir.join("big.wat");
    std::fs::write(&file, wat).unwrap();
    let r = run(&[
        "--no-cache",
        "--deadline-ms",
        "30",
        &file.display().to_string(),
    ]);
    assert_eq!(
        r.code, 0,
        "a correct guest trapped because compiling it took longer than its deadline: {}",
        r.stderr
    );
}

#[test]
fn a_guest_that_allocates_without_bound_hits_the_memory_cap() {
    for t in ["wasip1", "wasip2"] {
        let r = run(&["--memory-mib", "16", &guest(t), "alloc"]);
        assert_eq!(r.code, 134, "{t}: {}", r.stderr);
        // Rust's allocator reports the refused growth, then aborts (a trap).
        assert!(
            r.stderr.contains("memory allocation of"),
            "{t}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("linear memory reached the cap of 16 MiB"),
            "{t}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_trap_is_reported_with_the_file_and_the_trap() {
    for t in ["wasip1", "wasip2"] {
        let r = run(&[&guest(t), "panic"]);
        assert_eq!(r.code, 134, "{t}: {}", r.stderr);
        assert!(r.stderr.contains("asked to panic"), "{t}: {}", r.stderr);
        assert!(
            r.stderr.contains(
                "misbehave.wasm: trapped: wasm trap: wasm `unreachable` instruction executed"
            ),
            "{t}: {}",
            r.stderr
        );
    }
}

#[test]
fn exit_codes_reach_the_host_exactly_on_wasip1_and_as_1_on_wasip2() {
    assert_eq!(run(&[&guest("wasip1"), "exit", "42"]).code, 42);
    // The pinned stable Rust's wasi-libc (before wasi-libc#860) calls only
    // `wasi:cli/exit.exit(result)` on wasip2: any non-zero code becomes `err`, which the host
    // sees as 1. When a Rust release ships #860, this changes, and so must the book's chapter.
    assert_eq!(run(&[&guest("wasip2"), "exit", "42"]).code, 1);
    assert_eq!(run(&[&guest("wasip2"), "exit", "0"]).code, 0);
}

#[test]
fn an_exit_status_of_126_or_more_on_wasip1_is_an_error_named_by_wasmtime_wasi() {
    // wasmtime-wasi's `proc_exit` accepts 0..126 only; the book's metadata refuses such
    // `exit-code`s on wasip1 for that reason (see the listing checks).
    let r = run(&[&guest("wasip1"), "exit", "200"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("exit with invalid exit status outside of [0..126)"),
        "{}",
        r.stderr
    );
    assert_eq!(run(&[&guest("wasip1"), "exit", "125"]).code, 125);
}

#[test]
fn a_directory_that_was_not_granted_is_denied() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().to_path_buf();
    std::fs::write(dir.join("secret.txt"), "hidden").unwrap();
    let file = dir.join("secret.txt").display().to_string();
    for t in ["wasip1", "wasip2"] {
        let r = run(&[&guest(t), "read", &file]);
        assert_eq!(r.code, failed(t), "{t}: {} {}", r.stdout, r.stderr);
        // No preopen contains the path, so for the guest it does not exist at all.
        assert!(
            r.stdout.contains("No such file or directory"),
            "{t}: {}",
            r.stdout
        );
        // Granted, the same read works.
        let grant = format!("{}::/data", dir.display());
        let r = run(&["--dir", &grant, &guest(t), "read", "/data/secret.txt"]);
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (0, "read 6 bytes\n"),
            "{t}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_read_only_grant_refuses_writes() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().to_path_buf();
    let grant = format!("{}::/data", dir.display());
    for t in ["wasip1", "wasip2"] {
        let r = run(&["--dir-ro", &grant, &guest(t), "write", "/data/out.txt"]);
        assert_eq!(r.code, failed(t), "{t}: {} {}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("Operation not permitted") || r.stdout.contains("Read-only"),
            "{t}: {}",
            r.stdout
        );
        assert!(!dir.join("out.txt").exists(), "{t}: the write went through");
        let r = run(&["--dir", &grant, &guest(t), "write", "/data/out.txt"]);
        assert_eq!(r.code, 0, "{t}: {} {}", r.stdout, r.stderr);
        assert_eq!(
            std::fs::read_to_string(dir.join("out.txt")).unwrap(),
            "written\n"
        );
        std::fs::remove_file(dir.join("out.txt")).unwrap();
    }
}

#[test]
fn the_network_is_denied_unless_granted() {
    // A listener on loopback; the kernel completes the handshake, so nothing needs accepting.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let r = run(&[&guest("wasip2"), "connect", &addr]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Permission denied"), "{}", r.stdout);
    let r = run(&["-S", "inherit-network", &guest("wasip2"), "connect", &addr]);
    assert_eq!(
        (r.code, r.stdout.clone()),
        (0, format!("connected to {addr}\n")),
        "{}",
        r.stderr
    );
    // WASI 0.1 has no sockets at all: not even a grant helps.
    let r = run(&[&guest("wasip1"), "connect", &addr]);
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("not supported"), "{}", r.stdout);
}

const REACTOR: &str = r#"(module
  (global $base (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $base (i32.const 100)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (global.get $base) (i32.add (local.get 0) (local.get 1))))
  (func (export "bump") (global.set $base (i32.add (global.get $base) (i32.const 1))))
  (memory (export "memory") 1))"#;

#[test]
fn a_reactor_is_initialised_once_then_called_many_times_on_one_instance() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().to_path_buf();
    let wat = dir.join("reactor.wat");
    std::fs::write(&wat, REACTOR).unwrap();
    let w = wat.display().to_string();
    // 100 after `_initialize`; add(2, 3) = 105; bump: 101; add(1, 1) = 103.
    let r = run(&[
        "--invoke", "add", "--call", "bump", "--call", "add 1 1", &w, "2", "3",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "105\n103\n"),
        "{}",
        r.stderr
    );
    // Run as a command, it has no `_start`: the error says what it is instead.
    let r = run(&[&w]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("no `_start` export, so it is not a command"),
        "{}",
        r.stderr
    );
    let r = run(&["--invoke", "nope", &w]);
    assert!(
        r.stderr.contains("no function export named `nope`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_missing_file_and_a_bad_flag_are_named() {
    let r = run(&["no-such-file.wasm"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no-such-file.wasm: cannot read the file"),
        "{}",
        r.stderr
    );
    let r = run(&["--frobnicate", "x.wasm"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown option `--frobnicate`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_limit_out_of_range_is_refused_not_wrapped() {
    // 2^44 MiB would wrap to a cap of 0 bytes when shifted into bytes on 64 bits.
    for (flag, value, says) in [
        (
            "--memory-mib",
            "17592186044416",
            "--memory-mib takes a number of MiB from 1 to 4096",
        ),
        (
            "--memory-mib",
            "0",
            "--memory-mib takes a number of MiB from 1 to 4096",
        ),
        (
            "--deadline-ms",
            "0",
            "--deadline-ms takes a number of milliseconds from 1 to 180000",
        ),
    ] {
        let r = run(&[flag, value, &guest("wasip1"), "alloc"]);
        assert_eq!(r.code, 2, "{flag} {value}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{flag} {value}: {}", r.stderr);
    }
}

/// The runner with its compiled-code cache in `cache`.
fn run_cached(cache: &Path, args: &[&str]) -> Run {
    run_with(args, |cmd| {
        cmd.env("WASI_RUNNER_CACHE", cache);
    })
}

#[test]
fn a_corrupted_cache_entry_is_compiled_again_and_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().to_path_buf();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700)).unwrap();
    for t in ["wasip1", "wasip2"] {
        let first = run_cached(&cache, &[&guest(t), "exit", "0"]);
        assert_eq!(first.code, 0, "{t}: {}", first.stderr);
        // Truncate every entry, as a crash or a full disk might have left it.
        for e in std::fs::read_dir(&cache).unwrap() {
            std::fs::write(e.unwrap().path(), b"not machine code").unwrap();
        }
        let again = run_cached(&cache, &[&guest(t), "exit", "0"]);
        assert_eq!(
            again.code, 0,
            "{t}: a bad entry must be recompiled, not fail the run: {}",
            again.stderr
        );
        let sizes: Vec<u64> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .collect();
        assert!(
            sizes.iter().any(|s| *s > 1000),
            "{t}: the entry was not replaced: {sizes:?}"
        );
    }
}

#[test]
fn a_cache_directory_others_can_write_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().to_path_buf();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
    let r = run_cached(&cache, &[&guest("wasip1"), "exit", "0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("not using the compiled-code cache")
            && r.stderr.contains("writable by others"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        0,
        "nothing may be cached there"
    );
    // A new cache directory is created private.
    let fresh = cache.join("fresh");
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(run_cached(&fresh, &[&guest("wasip1"), "exit", "0"]).code, 0);
    assert_eq!(
        std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
        0o700
    );
}
