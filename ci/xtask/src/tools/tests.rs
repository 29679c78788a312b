//! The pins, their cache entries and the programs the pages run, on scratch caches.

use super::*;
use std::os::unix::fs::PermissionsExt;

/// A tool "installed" in a scratch cache as a script that prints `prints`.
fn fake_tool(cache: &Path, prints: &str) -> Tool {
    let tool = Tool {
        krate: "binaryen".into(),
        version: "132.0.0".into(),
        bin: "wasm-opt".into(),
        features: None,
        opt_level: None,
        programs: vec!["wasm-opt".into()],
        source: Source::Npm,
        version_text: Some("version 132".into()),
        npm_dir: PathBuf::from("ci/npm-tools/binaryen"),
        npm_package: "binaryen".into(),
        pypi_sha256: None,
        tests_only: false,
        cache: cache.to_path_buf(),
        root: cache.to_path_buf(),
        install_seconds: None,
    };
    if !prints.is_empty() {
        std::fs::create_dir_all(tool.bin_dir()).unwrap();
        std::fs::write(tool.path(), format!("#!/bin/sh\necho '{prints}'\n")).unwrap();
        std::fs::set_permissions(tool.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    tool
}

#[test]
fn a_missing_tool_or_one_at_another_version_is_named() {
    // A fresh directory of its own (kept: the test removes it).
    let scratch = tempfile::Builder::new()
        .prefix("xtask-tools-test-")
        .tempdir()
        .unwrap()
        .keep();
    let missing = fake_tool(&scratch.join("a"), "");
    let err = format!("{:#}", missing.verify().unwrap_err());
    assert!(
        err.contains("binaryen 132.0.0 (wasm-opt)") && err.contains("not installed"),
        "{err}"
    );

    let wrong = fake_tool(&scratch.join("b"), "wasm-opt version 108");
    let err = format!("{:#}", wrong.verify().unwrap_err());
    assert!(
        err.contains("binaryen 132.0.0 (wasm-opt)") && err.contains("not that version"),
        "{err}"
    );

    let right = fake_tool(&scratch.join("c"), "wasm-opt version 132 (version_132)");
    right.verify().unwrap();
    let _ = std::fs::remove_dir_all(&scratch);
}

/// A scratch repository whose one page runs `command` on its third line.
fn page_running(root: &Path, command: &str) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/size.md"),
        format!("# Size\n\n<!-- cmdrun --strict $WASI_BOOK sh '{command}' -->\n"),
    )
    .unwrap();
}

#[test]
fn a_tool_at_another_version_names_the_pages_that_run_it() {
    // A fresh directory of its own (kept: the test removes it).
    let scratch = tempfile::Builder::new()
        .prefix("xtask-tools-pages-")
        .tempdir()
        .unwrap()
        .keep();
    let wrong = fake_tool(&scratch, "wasm-opt version 108");
    page_running(&scratch, "wasm-opt -Oz a.wasm -o b.wasm 2>&1 | sed -n 1p");
    let err = format!("{:#}", wrong.verify().unwrap_err());
    let missing = fake_tool(&scratch.join("empty"), "");
    page_running(&scratch.join("empty"), "wc -c x && wasm-opt -Oz x");
    let err_missing = format!("{:#}", missing.verify().unwrap_err());
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        err.contains("binaryen 132.0.0 (wasm-opt)")
            && err.contains("not that version")
            && err.ends_with("; the book runs it in src/size.md (line 3)"),
        "{err}"
    );
    assert!(
        err_missing.contains("not installed")
            && err_missing.ends_with("the book runs it in src/size.md (line 3)"),
        "{err_missing}"
    );
}

#[test]
fn every_program_the_book_runs_from_a_tool_must_be_in_its_pinned_install() {
    // A fresh directory of its own (kept: the test removes it).
    let scratch = tempfile::Builder::new()
        .prefix("xtask-tools-programs-")
        .tempdir()
        .unwrap()
        .keep();
    let mut binaryen = fake_tool(&scratch, "wasm-opt version 132 (version_132)");
    binaryen.programs = vec!["wasm-opt".into(), "wasm-dis".into()];
    page_running(&scratch, "wasm-dis hello.wasm");
    let err = format!("{:#}", binaryen.verify().unwrap_err());
    // Installed, it passes.
    std::fs::copy(binaryen.path(), binaryen.bin_dir().join("wasm-dis")).unwrap();
    let ok = binaryen.verify();
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        err.contains("the pinned tool binaryen 132.0.0 (wasm-opt) has no `wasm-dis`")
            && err.ends_with("the book runs it in src/size.md (line 3)"),
        "{err}"
    );
    ok.unwrap();
}

#[test]
fn the_programs_of_a_command_are_found_past_quotes_pipes_and_assignments() {
    let p = |c: &str| programs_in(c);
    assert_eq!(
        p(r#"--strict $WASI_BOOK sh --fails 'why' 'wasm-opt -Oz a.wasm 2>&1 | sed -n "1p;\$p"'"#),
        ["wasm-opt", "sed"]
    );
    assert_eq!(
        p("--strict $WASI_BOOK sh 'X=1 Y=2 wasmtime run a.wasm && wc -c a.wasm > target/n'"),
        ["wasmtime", "wc"]
    );
    assert_eq!(
        p(r#"--strict $WASI_BOOK sh 'for n in 1 2; do ci/wasi-run --call "add $n" a.wasm; done'"#),
        ["ci/wasi-run"]
    );
    assert_eq!(
        p(r#"--strict $WASI_BOOK sh 'sort -t "|" -k 3 -n | tail -n 1 || true'"#),
        ["sort", "tail", "true"]
    );
    assert_eq!(
        p(r"--strict $WASI_BOOK sh 'wasmtime run --invoke '\''greet(1)'\'' a.wasm'"),
        ["wasmtime"]
    );
    assert_eq!(
        p("--strict sh -c 'wasm-tools validate x; exit 3'"),
        ["sh", "wasm-tools", "exit"]
    );
    assert!(p("--strict $WASI_BOOK show listings/a/b wasip1").is_empty());
}

#[test]
fn every_program_the_pages_run_is_pinned_or_a_system_program() {
    let root = book_common::checkout_root();
    let tools = pinned(&root).unwrap();
    let problems = unpinned_programs(&root, &tools).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
    // A fresh directory of its own (kept: the test removes it).
    let scratch = tempfile::Builder::new()
        .prefix("xtask-tools-unpinned-")
        .tempdir()
        .unwrap()
        .keep();
    page_running(&scratch, "wasm-metadce -f graph.json a.wasm | wasm-opt -Oz");
    let problems = unpinned_programs(&scratch, &tools).unwrap();
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0]
            .starts_with("src/size.md:3: runs `wasm-metadce`, which no pinned tool provides"),
        "{}",
        problems[0]
    );
}

#[test]
fn npm_pins_agree_with_their_lockfiles() {
    let root = book_common::checkout_root();
    let npm: Vec<Tool> = pinned(&root)
        .unwrap()
        .into_iter()
        .filter(|t| t.source == Source::Npm)
        .collect();
    assert!(!npm.is_empty());
    for t in npm {
        assert_eq!(t.npm_locked_version().unwrap(), t.version);
    }
}

#[test]
fn the_wasmtime_cli_of_the_pages_stops_a_guest_that_hangs_and_serves_unbounded() {
    let scratch = tempfile::tempdir().unwrap();
    // A stand-in for the pinned CLI: `run` hangs, anything else says what it was given.
    let pinned = scratch.path().join("pinned-wasmtime");
    std::fs::write(
        &pinned,
        "#!/bin/sh\n[ \"$1\" = run ] && exec sleep 60\necho \"given: $*\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&pinned, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = guest_deadline_dir(scratch.path(), &pinned).unwrap();
    let wrapper = dir.join("wasmtime");
    let started = std::time::Instant::now();
    let mut cmd = Command::new(&wrapper);
    cmd.args(["run", "hangs.wasm"])
        .env("WASI_BOOK_GUEST_SECONDS", "1");
    let run = crate::exec::capture(cmd, None, std::time::Duration::from_secs(50)).unwrap();
    assert_eq!(run.code, 124, "{}", run.output);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let mut cmd = Command::new(&wrapper);
    cmd.args(["serve", "proxy.wasm"]);
    let run = crate::exec::capture(cmd, None, std::time::Duration::from_secs(50)).unwrap();
    assert_eq!(run.output, "given: serve proxy.wasm\n");
}

#[test]
fn gdb_of_the_pages_debugs_the_pinned_cli_itself_or_says_it_is_missing() {
    let scratch = tempfile::tempdir().unwrap();
    let pinned = scratch.path().join("pinned-wasmtime");
    std::fs::write(&pinned, "#!/bin/sh\necho pinned\n").unwrap();
    std::fs::set_permissions(&pinned, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = guest_deadline_dir(scratch.path(), &pinned).unwrap();
    assert_eq!(
        std::fs::read_link(dir.join("under-gdb/wasmtime")).unwrap(),
        pinned
    );
    let mut cmd = Command::new(dir.join("gdb"));
    cmd.args(["-q", "-batch", "-ex", "shell command -v wasmtime"]);
    let run = crate::exec::capture(cmd, None, std::time::Duration::from_secs(50)).unwrap();
    let has_gdb = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|d| d.join("gdb").is_file());
    if has_gdb {
        assert_eq!(run.code, 0, "{}", run.output);
        assert_eq!(
            run.output.trim(),
            dir.join("under-gdb/wasmtime").display().to_string()
        );
    } else {
        assert_eq!(run.code, 127, "{}", run.output);
        assert!(
            run.output.contains("gdb is not installed"),
            "{}",
            run.output
        );
    }
}
