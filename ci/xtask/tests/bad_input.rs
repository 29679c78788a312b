//! The book's checks against broken inputs: each test builds a small fake repository in a
//! temporary directory and asserts that the check fails, naming the listing (or page) and why.
//! Runs need the real runner and the real `hello` artifact, which `cargo xtask setup` builds;
//! the fake repository reaches them through a `target` symlink.

use std::path::{Path, PathBuf};
use xtask::checks;
use xtask::model::{Listing, Target};
use xtask::pipeline::{build, run, verify};

/// This checkout (found at run time: test binaries are shared between clones).
fn real_root() -> PathBuf {
    book_common::checkout_root()
}

/// A fake repository with one listing, `listings/ch/hello`, whose metadata table is `meta`.
fn fake_repo(test: &str, meta: &str) -> PathBuf {
    let real = real_root();
    for needed in [
        "target/release/wasi-runner",
        "target/wasm32-wasip1/debug/hello.wasm",
    ] {
        assert!(
            real.join(needed).exists(),
            "{needed} is missing: run `cargo xtask setup` first"
        );
    }
    // A fresh directory of its own (kept: the test removes it).
    let root = tempfile::Builder::new()
        .prefix(&format!("xtask-test-{test}-"))
        .tempdir()
        .unwrap()
        .keep();
    let dir = root.join("listings/ch/hello");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::os::unix::fs::symlink(real.join("target"), root.join("target")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[package.metadata.wasi-book]\n{meta}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "// ANCHOR: all\nfn main() {}\n// ANCHOR_END: all\n",
    )
    .unwrap();
    root
}

fn listing(root: &Path) -> Result<Listing, String> {
    Listing::from_manifest(root, Path::new("listings/ch/hello")).map_err(|e| format!("{e:#}"))
}

fn write(root: &Path, rel: &str, text: &str) {
    std::fs::write(root.join(rel), text).unwrap();
}

#[test]
fn output_drift_fails_with_a_diff_naming_the_listing() {
    let root = fake_repo("drift", "targets = [\"wasip1\"]");
    write(
        &root,
        "listings/ch/hello/output.wasip1.txt",
        "$ cargo run -q -p hello --target wasm32-wasip1\nHello, world!\n",
    );
    let l = listing(&root).unwrap();
    let failures = verify::check(&root, &l, &l.spec.runs[0], Target::Wasip1);
    assert_eq!(failures.len(), 1, "{failures:?}");
    let f = &failures[0];
    assert!(
        f.starts_with("listing `hello` (listings/ch/hello, wasip1): the output differs"),
        "{f}"
    );
    assert!(f.contains("-Hello, world!\n+Hello, WASI!"), "{f}");
    assert!(f.contains("cargo xtask bless hello"), "{f}");
}

#[test]
fn a_missing_transcript_is_named_with_the_command_that_records_it() {
    let root = fake_repo("missing", "targets = [\"wasip1\"]");
    let l = listing(&root).unwrap();
    let failures = verify::check(&root, &l, &l.spec.runs[0], Target::Wasip1);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("no transcript listings/ch/hello/output.wasip1.txt"),
        "{}",
        failures[0]
    );
    assert!(
        failures[0].contains("`cargo xtask bless hello`"),
        "{}",
        failures[0]
    );
}

#[test]
fn a_wrong_exit_code_is_reported() {
    let root = fake_repo("exit", "targets = [\"wasip1\"]\nexit-code = 3");
    write(
        &root,
        "listings/ch/hello/output.wasip1.txt",
        "$ cargo run -q -p hello --target wasm32-wasip1\nHello, WASI!\n",
    );
    let l = listing(&root).unwrap();
    let failures = verify::check(&root, &l, &l.spec.runs[0], Target::Wasip1);
    assert!(
        failures
            .iter()
            .any(|f| f.contains("exit code 0 but `exit-code = 3` is declared")),
        "{failures:?}"
    );
}

#[test]
fn an_unknown_metadata_key_or_a_bad_value_names_the_listing_and_the_key() {
    let root = fake_repo(
        "unknown-key",
        "targets = [\"wasip1\"]\nenviron = { A = \"b\" }",
    );
    let e = listing(&root).unwrap_err();
    assert!(e.contains("listing `hello`"), "{e}");
    assert!(e.contains("unknown field `environ`"), "{e}");
    let root = fake_repo(
        "bad-value",
        "targets = [\"wasip1\"]\ndirs = [{ host = \"nope\", guest = \"/d\" }]",
    );
    let e = listing(&root).unwrap_err();
    assert!(
        e.contains("listing `hello`") && e.contains("host directory `nope` does not exist"),
        "{e}"
    );
}

#[test]
fn a_listing_no_chapter_shows_and_an_include_of_a_missing_file_fail() {
    let root = fake_repo("sources", "targets = [\"wasip1\"]");
    let l = listing(&root).unwrap();
    write(
        &root,
        "src/chapter.md",
        "# C\n\n```rust\n{{#rustdoc_include ../listings/ch/hello/src/nope.rs:all}}\n```\n",
    );
    let problems = checks::sources::check_sources(&root, std::slice::from_ref(&l)).unwrap();
    let all = problems.join("\n");
    assert!(
        all.contains(
            "src/chapter.md:4: includes `../listings/ch/hello/src/nope.rs`, which does not exist"
        ),
        "{all}"
    );
    assert!(
        all.contains("listing `hello` (listings/ch/hello) is not included or shown by any chapter"),
        "{all}"
    );
}

#[test]
fn a_page_that_names_a_listing_that_does_not_exist_fails() {
    let root = fake_repo("named-path", "targets = [\"wasip1\"]");
    let l = listing(&root).unwrap();
    write(
        &root,
        "src/chapter.md",
        "# C\n\n| Claim | Proof |\n|---|---|\n| it works | `listings/ch/hello`, `listings/ch/gone` |\n\n\
         ```rust\n{{#include ../listings/ch/hello/src/main.rs:all}}\n```\n",
    );
    let all = checks::sources::check_sources(&root, std::slice::from_ref(&l))
        .unwrap()
        .join("\n");
    assert!(
        all.contains("src/chapter.md:5: names `listings/ch/gone`, which does not exist"),
        "{all}"
    );
    assert!(!all.contains("`listings/ch/hello`, which"), "{all}");
}

#[test]
fn a_run_it_comment_that_drifted_from_the_books_command_is_named() {
    let root = fake_repo("run-it", "targets = [\"wasip1\"]\nargs = [\"one\"]");
    let l = listing(&root).unwrap();
    write(
        &root,
        "listings/ch/hello/src/main.rs",
        "// Run it: cargo run -q -p hello --target wasm32-wasip1 -- two\nfn main() {}\n",
    );
    let all = checks::sources::run_it_comment(&root, &l).join("\n");
    assert!(
        all.contains("holds none of the commands the book prints"),
        "{all}"
    );
    assert!(
        all.contains("cargo run -q -p hello --target wasm32-wasip1 -- one"),
        "{all}"
    );
    write(
        &root,
        "listings/ch/hello/src/main.rs",
        "// Run it: cargo run -q -p hello --target wasm32-wasip1 -- one\nfn main() {}\n",
    );
    assert!(checks::sources::run_it_comment(&root, &l).is_empty());
    write(&root, "listings/ch/hello/src/main.rs", "fn main() {}\n");
    assert!(
        checks::sources::run_it_comment(&root, &l)
            .join("")
            .contains("no `Run it:` comment")
    );
}

#[test]
fn unsafe_book_sources_are_refused() {
    let root = fake_repo("unsafe-sources", "targets = [\"wasip1\"]");
    let l = listing(&root).unwrap();
    write(
        &root,
        "src/chapter.md",
        "```rust\n{{#rustdoc_include ../listings/ch/hello/src/main.rs:missing}}\n```\n\n\
         <!-- cmdrun $WASI_BOOK show listings/ch/hello wasip1 -->\n\n```\nno language\n```\n\n\
         ```rust,ignore\nfn main() {}\n```\n\n\
         ```rust\n{{#rustdoc_include ../listings/ch/hello/src/main.rs:all}}\n\
         {{#rustdoc_include ../listings/ch/hello/src/main.rs:all}}\n```\n",
    );
    let all = checks::sources::check_sources(&root, std::slice::from_ref(&l))
        .unwrap()
        .join("\n");
    assert!(
        all.contains("src/chapter.md:15: several `{{#rustdoc_include}}`s in one block"),
        "{all}"
    );
    assert!(all.contains("has no `// ANCHOR: missing`"), "{all}");
    assert!(all.contains("must start with --strict"), "{all}");
    assert!(
        all.contains("src/chapter.md:7: a code block without a language"),
        "{all}"
    );
    assert!(
        all.contains("src/chapter.md:11: `ignore` would leave this Rust block untested"),
        "{all}"
    );
    write(
        &root,
        "src/chapter.md",
        "```rust,compile_fail\nfn main() { let x: u32 = \"\"; }\n```\n",
    );
    let all = checks::sources::check_sources(&root, std::slice::from_ref(&l))
        .unwrap()
        .join("\n");
    assert!(all.contains("skeptic cannot check `compile_fail`"), "{all}");
}

#[test]
fn a_nightly_listing_is_built_with_the_pinned_nightly_and_a_missing_pin_is_named() {
    let root = fake_repo("nightly", "targets = [\"wasip1\"]\ntoolchain = \"nightly\"");
    let err = listing(&root).unwrap_err();
    assert!(
        err.contains("listing `hello`") && err.contains("ci/nightly-toolchain.toml"),
        "{err}"
    );
    std::fs::create_dir_all(root.join("ci")).unwrap();
    write(
        &root,
        "ci/nightly-toolchain.toml",
        "[toolchain]\nchannel = \"nightly-2000-01-01\"\n",
    );
    let l = listing(&root).unwrap();
    assert_eq!(
        l.build_command(Target::Wasip1),
        "cargo +nightly-2000-01-01 build -q -p hello --target wasm32-wasip1"
    );
    // A page that names another nightly than the pinned one is refused.
    write(
        &root,
        "src/chapter.md",
        "```sh\ncargo +nightly-2026-10-29 build\n```\n",
    );
    let all = checks::sources::check_sources(&root, std::slice::from_ref(&l))
        .unwrap()
        .join("\n");
    assert!(all.contains("src/chapter.md:2: names `nightly-2026-10-29`, but the pinned nightly is `nightly-2000-01-01`"), "{all}");
}

#[test]
fn a_listing_that_fails_on_purpose_must_be_marked_before_its_code() {
    let root = fake_repo(
        "unmarked",
        "targets = [\"wasip1\"]\nbuild = \"fails\"\nfailure = \"it does not compile\"",
    );
    let l = listing(&root).unwrap();
    let caption = |class: &str| {
        format!("<span class=\"{class}\">Listing 1-1: `listings/ch/hello/src/main.rs`, x</span>\n")
    };
    write(&root, "src/chapter.md", &caption("caption"));
    let problems =
        checks::marks::unmarked_failures(&root.join("src"), std::slice::from_ref(&l)).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("Listing 1-1 shows `hello`, which fails on purpose"),
        "{}",
        problems[0]
    );
    write(&root, "src/chapter.md", &caption("caption fails"));
    assert!(
        checks::marks::unmarked_failures(&root.join("src"), std::slice::from_ref(&l))
            .unwrap()
            .is_empty()
    );
    // And a build that fails must say why.
    let root = fake_repo(
        "no-failure-reason",
        "targets = [\"wasip1\"]\nbuild = \"fails\"",
    );
    assert!(
        listing(&root).unwrap_err().contains("say why in `failure"),
        "{}",
        listing(&root).unwrap_err()
    );
}

#[test]
fn a_link_to_a_page_or_an_anchor_that_does_not_exist_is_found() {
    let root = fake_repo("anchors", "targets = [\"wasip1\"]");
    let html = root.join("book");
    std::fs::create_dir_all(html.join("img")).unwrap();
    write(
        &root,
        "book/a.html",
        "<h2 id=\"here\">x</h2><a href=\"b.html#there\">ok</a><a href=\"b.html#gone\">bad</a><a href=\"#here\">self</a>\
         <a href=\"https://example.org/x.html#y\">web</a><a href=\"gone.html\">missing</a><img src=\"img/c.svg\">\
         <a href=\"../listings/x.rs\">outside</a>",
    );
    write(&root, "book/b.html", "<h2 id=\"there\">y</h2>");
    write(&root, "book/img/c.svg", "<svg/>");
    let problems = checks::built::broken_links(&html).unwrap();
    assert_eq!(
        problems,
        vec![
            "a.html: a link to `b.html#gone` names no anchor there".to_string(),
            "a.html: a link to `gone.html` leads to no file of the built book".to_string(),
            "a.html: a link to `../listings/x.rs` leads to no file of the built book".to_string(),
        ]
    );
}

#[test]
fn a_listing_is_stale_when_a_dependency_or_a_shared_source_changes() {
    let root = fake_repo("inputs", "targets = [\"wasip1\"]");
    let manifest = std::fs::read_to_string(root.join("listings/ch/hello/Cargo.toml")).unwrap();
    let manifest = manifest.replace(
        "[package.metadata.wasi-book]",
        "[[bin]]\nname = \"hello\"\npath = \"../shared/src/main.rs\"\n\n[dependencies]\nhelper = { path = \"../helper\" }\n\n[package.metadata.wasi-book]",
    );
    write(&root, "listings/ch/hello/Cargo.toml", &manifest);
    for dir in ["listings/ch/helper", "listings/ch/shared/src"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    write(
        &root,
        "listings/ch/helper/Cargo.toml",
        "[package]\nname = \"helper\"\n",
    );
    let l = listing(&root).unwrap();
    let dirs: Vec<String> = build::input_dirs(&root, &l)
        .iter()
        .map(|d| {
            d.strip_prefix(root.canonicalize().unwrap())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    for want in [
        "listings/ch/hello",
        "listings/ch/helper",
        "listings/ch/shared/src",
    ] {
        assert!(
            dirs.iter().any(|d| d == want),
            "{want} missing from {dirs:?}"
        );
    }
}

/// Builds the book at `root` with the pinned mdbook and mdbook-cmdrun of the real checkout
/// `real`, and returns the cmdrun errors `checks::built::cmdrun_errors` finds in its pages.
fn cmdrun_errors_of_a_real_build(real: &Path, root: &Path) -> Vec<String> {
    let path = xtask::tools::path_with_pinned_first(real).unwrap();
    let mdbook = xtask::tools::find(real, "mdbook").unwrap().path();
    assert!(
        mdbook.is_file(),
        "{} is missing: run `cargo xtask setup` first",
        mdbook.display()
    );
    let built = std::process::Command::new(mdbook)
        .arg("build")
        .current_dir(root)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    checks::built::cmdrun_errors(&root.join("book")).unwrap()
}

#[test]
fn a_failed_embedded_command_is_found_in_a_page_the_pinned_mdbook_really_built() {
    // A tiny book with one strict embedded command that fails, built by the pinned mdbook and
    // mdbook-cmdrun (installed by `cargo xtask setup`), so the detector is tested against
    // their real output rather than hand-written HTML.
    let real = real_root();
    // A fresh directory of its own (kept: the test removes it).
    let root = tempfile::Builder::new()
        .prefix("xtask-test-real-cmdrun-")
        .tempdir()
        .unwrap()
        .keep();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"t\"\n\n[preprocessor.cmdrun]\n",
    )
    .unwrap();
    std::fs::write(root.join("src/SUMMARY.md"), "# Summary\n\n- [A](a.md)\n").unwrap();
    std::fs::write(
        root.join("src/a.md"),
        "# A\n\n<!-- cmdrun --strict sh -c 'echo partial; exit 3' -->\n",
    )
    .unwrap();
    let errors = cmdrun_errors_of_a_real_build(&real, &root);
    std::fs::remove_dir_all(&root).unwrap();
    // The chapter's page (and index.html and print.html, which repeat it).
    assert!(
        errors
            .iter()
            .any(|e| e.contains("/a.html: an embedded command failed")),
        "mdbook-cmdrun's error was not found: {errors:?}"
    );
    assert!(
        errors.iter().all(|e| e.contains("returned exit code 3")),
        "{errors:?}"
    );
}

#[test]
fn a_failed_embedded_command_in_the_built_book_is_found() {
    let root = fake_repo("cmdrun-error", "targets = [\"wasip1\"]");
    let html = root.join("book");
    std::fs::create_dir_all(&html).unwrap();
    write(&root, "book/ok.html", "<p>fine</p>");
    write(
        &root,
        "book/bad.html",
        "<p><strong>cmdrun error</strong>: 'x' returned exit code 1 instead of 0.</p>",
    );
    let errors = checks::built::cmdrun_errors(&html).unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("bad.html: an embedded command failed"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_listing_whose_build_must_fail_is_checked_against_the_compiler_error() {
    let root = fake_repo(
        "build-fails",
        "targets = [\"wasip1\"]\nbuild = \"fails\"\nfailure = \"a type error\"",
    );
    write(
        &root,
        "listings/ch/hello/src/main.rs",
        "fn main() {\n    let n: u32 = \"not a number\";\n}\n",
    );
    let l = listing(&root).unwrap();
    let run = &l.spec.runs[0];
    // Record the transcript as `cargo xtask bless` would, then check against it: it passes.
    let (transcript, captured) = run::run_listing(&root, &l, run, Target::Wasip1).unwrap();
    assert_ne!(captured.code, 0);
    assert!(transcript.starts_with(
        "$ cargo build -q --manifest-path listings/ch/hello/Cargo.toml --target wasm32-wasip1 --target-dir target/build-fails\n"
    ));
    assert!(
        transcript.contains("error[E0308]: mismatched types"),
        "{transcript}"
    );
    write(&root, "listings/ch/hello/output.wasip1.txt", &transcript);
    assert_eq!(
        verify::check(&root, &l, run, Target::Wasip1),
        Vec::<String>::new()
    );
    // Fixed, it builds: that is a failure of the listing.
    write(&root, "listings/ch/hello/src/main.rs", "fn main() {}\n");
    let failures = verify::check(&root, &l, run, Target::Wasip1);
    assert!(
        failures
            .iter()
            .any(|f| f.contains("`build = \"fails\"` but it built")),
        "{failures:?}"
    );
}

#[test]
fn a_listing_that_hangs_is_killed_and_named() {
    // The runner's own deadline stops a guest (tested in the runner's tests); this is the
    // outer guard for whatever the deadline cannot reach. A shell that started a grandchild
    // (as `sh -c 'cargo run …'` does) is given 500 ms: the whole process group must die.
    let pid_file = std::env::temp_dir().join(format!("xtask-test-hang-{}.pid", std::process::id()));
    let _ = std::fs::remove_file(&pid_file);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c").arg(format!(
        "sleep 30 & echo $! > '{}'; wait",
        pid_file.display()
    ));
    let err =
        xtask::exec::capture(cmd, None, std::time::Duration::from_millis(500)).expect_err("killed");
    assert!(format!("{err:#}").contains("did not end within"), "{err:#}");
    let grandchild = std::fs::read_to_string(&pid_file)
        .expect("the shell started its child")
        .trim()
        .to_string();
    // Gone, or a zombie waiting for whoever adopted it: either way, no longer running.
    let stat = std::path::Path::new("/proc").join(&grandchild).join("stat");
    let running = (0..100).all(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::read_to_string(&stat).is_ok_and(|s| !s.contains(") Z "))
    });
    assert!(
        !running,
        "the grandchild `sleep 30` (pid {grandchild}) outlived the timeout"
    );
}

#[test]
fn the_runner_links_one_wasmtime_build_found_from_cargo() {
    // The real workspace (built by `cargo xtask setup`): the runner and a host listing share
    // one `wasmtime` 48 rlib.
    let linked =
        xtask::checks::builds::linked(&real_root(), &["wasi-runner", "reactor-host"]).unwrap();
    assert_eq!(linked.len(), 2, "{linked:?}");
    assert!(
        linked
            .iter()
            .all(|(_, v, rlib)| v.starts_with("48.") && rlib.starts_with("libwasmtime-")),
        "{linked:?}"
    );
    assert!(
        xtask::checks::builds::duplicates(&linked).is_empty(),
        "{linked:?}"
    );
}

#[test]
fn a_then_now_row_must_link_the_chapter_that_shows_its_proof_and_mark_failures() {
    let root = fake_repo("then-now", "targets = [\"wasip1\"]");
    let l = listing(&root).unwrap();
    write(
        &root,
        "src/table.md",
        "| Then | Now | Proof |\n|---|---|---|\n\
         | a | it works ([B](b.md)) | `listings/ch/hello` |\n\
         | b | it fails ([B](b.md#x)) | `listings/ch/hello` (fails) |\n",
    );
    write(&root, "src/b.md", "# B\n\nNothing shown here.\n");
    let problems = checks::marks::then_now_tables(&root, std::slice::from_ref(&l))
        .unwrap()
        .join("\n");
    assert!(
        problems.contains(
            "src/table.md:3: the Proof `listings/ch/hello` is not shown by the chapter(s) its Now column links to (b.md)"
        ),
        "{problems}"
    );
    assert!(
        problems.contains(
            "src/table.md:4: `listings/ch/hello` is marked (fails), but nothing in it fails on purpose"
        ),
        "{problems}"
    );
    // Shown by the linked chapter, the first row passes; the second still claims a failure.
    write(
        &root,
        "src/b.md",
        "<!-- cmdrun --strict $WASI_BOOK show listings/ch/hello wasip1 -->\n",
    );
    let problems = checks::marks::then_now_tables(&root, std::slice::from_ref(&l)).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("src/table.md:4:"), "{problems:?}");
    // A listing that fails in every run must be marked.
    let root = fake_repo(
        "then-now-fails",
        "targets = [\"wasip1\"]\nexit-code = 1\nfailure = \"it exits with 1\"",
    );
    let l = listing(&root).unwrap();
    write(
        &root,
        "src/table.md",
        "| Then | Now | Proof |\n|---|---|---|\n| a | b ([B](b.md)) | `listings/ch/hello` |\n",
    );
    write(
        &root,
        "src/b.md",
        "```rust\n{{#include ../listings/ch/hello/src/main.rs:all}}\n```\n",
    );
    let problems = checks::marks::then_now_tables(&root, std::slice::from_ref(&l)).unwrap();
    assert_eq!(
        problems,
        vec![
            "src/table.md:3: `listings/ch/hello` fails on purpose in every run: mark it `(fails)` in the Proof column"
                .to_string()
        ]
    );
}

#[test]
fn a_failed_tool_command_is_named_with_its_page_line_and_the_pinned_tool_it_runs() {
    // Built by the pinned mdbook and mdbook-cmdrun (installed by `cargo xtask setup`), with the
    // pinned tools first on PATH, as the book is: the pinned wasm-tools refuses a missing file.
    let real = real_root();
    // A fresh directory of its own (kept: the test removes it).
    let root = tempfile::Builder::new()
        .prefix("xtask-test-tool-cmdrun-")
        .tempdir()
        .unwrap()
        .keep();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::create_dir_all(root.join("ci")).unwrap();
    write(
        &root,
        "book.toml",
        "[book]\ntitle = \"t\"\n\n[preprocessor.cmdrun]\n",
    );
    write(
        &root,
        "src/SUMMARY.md",
        "# Summary\n\n- [Tools](tools.md)\n",
    );
    write(
        &root,
        "src/tools.md",
        "# Tools\n\nFine:\n\n<!-- cmdrun --strict sh -c 'echo fine' -->\n\n\
         <!-- cmdrun --strict sh -c 'wasm-tools validate no-such.wasm' -->\n",
    );
    write(
        &root,
        "ci/tools.toml",
        "[wasm-tools]\nversion = \"1.263.0\"\n",
    );
    let errors = cmdrun_errors_of_a_real_build(&real, &root);
    std::fs::remove_dir_all(&root).unwrap();
    let page = errors
        .iter()
        .find(|e| e.contains("/tools.html: "))
        .unwrap_or_else(|| panic!("no error on tools.html: {errors:?}"));
    assert!(
        page.contains(
            "an embedded command failed (the command of src/tools.md:7, which runs `wasm-tools` of the pinned tool wasm-tools 1.263.0)"
        ),
        "{page}"
    );
}

#[test]
fn a_run_button_whose_module_was_not_built_is_named() {
    let root = fake_repo("run-assets", "targets = [\"wasip1\"]");
    let l = listing(&root).unwrap();
    let problems =
        xtask::pipeline::run_here::missing_assets(&root, std::slice::from_ref(&l)).join("\n");
    assert!(
        problems.contains("src/run/runtime.js is missing"),
        "{problems}"
    );
    assert!(
        problems.contains("src/run/p1/hello.wasm (the Run button of listing `hello`"),
        "{problems}"
    );
    // Written, but not WebAssembly: still a problem; then a real module and runtime: none.
    std::fs::create_dir_all(root.join("src/run/p1")).unwrap();
    std::fs::write(root.join("src/run/runtime.js"), "export {}").unwrap();
    std::fs::write(root.join("src/run/p1/hello.wasm"), "not wasm").unwrap();
    let problems = xtask::pipeline::run_here::missing_assets(&root, std::slice::from_ref(&l));
    assert_eq!(problems.len(), 1, "{problems:?}");
    std::fs::write(root.join("src/run/p1/hello.wasm"), b"\0asm\x01\0\0\0").unwrap();
    assert!(xtask::pipeline::run_here::missing_assets(&root, &[l]).is_empty());
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_transcript_of_a_run_that_no_longer_exists_is_named() {
    let root = fake_repo("stale-transcript", "targets = [\"wasip1\"]");
    write(&root, "listings/ch/hello/output.wasip1.txt", "$ x\n");
    write(&root, "listings/ch/hello/output.try-it.wasip2.txt", "$ x\n");
    let l = listing(&root).unwrap();
    assert_eq!(
        l.stale_transcripts(&root),
        [PathBuf::from("listings/ch/hello/output.try-it.wasip2.txt")]
    );
    let all = checks::sources::check_sources(&root, std::slice::from_ref(&l))
        .unwrap()
        .join("\n");
    assert!(
        all.contains(
            "listing `hello` (listings/ch/hello): listings/ch/hello/output.try-it.wasip2.txt \
             belongs to no run it declares; `cargo xtask bless hello` removes it"
        ),
        "{all}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_page_command_running_a_listing_known_to_be_broken_fails_at_once() {
    // `ci/book test` names the listings that failed their own checks for the book build; a page
    // that runs one then fails in a moment instead of waiting for a hang's deadline.
    let started = std::time::Instant::now();
    for args in [
        vec!["sh", "wasmtime run target/wasm32-wasip1/debug/hello.wasm"],
        vec!["show", "listings/hello-wasi/hello", "wasip1"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(&args)
            .env("WASI_BOOK_BROKEN", "misbehave,hello")
            .env("WASI_BOOK_FRESH", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            err.contains("not run: listing `hello` failed its own checks"),
            "{args:?}: {err}"
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn blessing_what_the_browser_saw_keeps_other_runs_and_drops_runs_without_a_button() {
    let root = fake_repo("portability-bless", "targets = [\"wasip1\", \"wasip2\"]");
    let l = listing(&root).unwrap();
    // A build directory of its own (fake_repo links the real one), and the recorded file: one
    // run of this listing, and one of a listing that is gone.
    std::fs::remove_file(root.join("target")).unwrap();
    std::fs::create_dir_all(root.join("target/browser-test")).unwrap();
    std::fs::create_dir_all(root.join("ci")).unwrap();
    write(
        &root,
        "ci/browser-portability.toml",
        "[\"hello wasip1\"]\nbrowser = \"same\"\n\n[\"gone wasip1\"]\nbrowser = \"same\"\n",
    );
    // What `check hello` saw: only the wasip2 run, which differs.
    write(
        &root,
        "target/browser-test/browser-portability.toml",
        "[\"hello wasip2\"]\nbrowser = \"it exits with status 1, not 0\"\ndigest = \"ab12\"\n",
    );
    let recorded = xtask::pipeline::run_here::bless(&root, std::slice::from_ref(&l)).unwrap();
    assert_eq!(recorded, ["hello wasip2"]);
    let now = xtask::pipeline::run_here::portability(&root).unwrap();
    assert_eq!(now.len(), 2, "{now:?}");
    assert_eq!(now["hello wasip1"].0, "same");
    assert_eq!(
        now["hello wasip2"],
        ("it exits with status 1, not 0".into(), "ab12".into())
    );
    std::fs::remove_dir_all(&root).unwrap();
}
