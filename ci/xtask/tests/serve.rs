//! What `ci/book serve` shows: a preview while it is still building (the committed transcript
//! under a note, never a command's output that nothing checked) and, once built, outputs from
//! the cache until something they depend on changes. Runs the real `xtask` binary on the
//! book's own listings, as mdbook-cmdrun does.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// This checkout (found at run time: test binaries are shared between clones).
fn root() -> PathBuf {
    book_common::checkout_root()
}

/// `xtask ARGS` with only the variables given here of the book's own (as mdbook passes them).
fn xtask(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args)
        .env_remove("WASI_BOOK_PREVIEW")
        .env_remove("WASI_BOOK_FRESH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_preview_shows_the_committed_transcript_under_a_note_and_runs_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let not_ready = dir.join("ready");
    let out = stdout(&xtask(
        &["show", "listings/hello-wasi/hello", "wasip1"],
        &[("WASI_BOOK_PREVIEW", &not_ready)],
    ));
    let recorded =
        std::fs::read_to_string(root().join("listings/hello-wasi/hello/output.wasip1.txt"))
            .unwrap();
    assert!(out.contains("**Recorded output.**"), "{out}");
    assert!(out.contains(&recorded), "{out}");
    // A tool's command has no committed transcript: the preview says its output is coming, and
    // does not run it.
    let witness = dir.join("ran");
    let command = format!("touch {}", witness.display());
    let out = stdout(&xtask(
        &["sh", &command],
        &[("WASI_BOOK_PREVIEW", &not_ready)],
    ));
    assert!(out.contains("**Live output on its way.**"), "{out}");
    assert!(out.contains(&command), "{out}");
    assert!(!witness.exists(), "a preview ran the command");
    // Once the build is done, the same command runs.
    std::fs::write(&not_ready, "").unwrap();
    let out = stdout(&xtask(
        &["sh", &command],
        &[("WASI_BOOK_PREVIEW", &not_ready), ("WASI_BOOK_FRESH", dir)],
    ));
    assert!(!out.contains("Live output on its way"), "{out}");
    assert!(
        witness.exists(),
        "the command did not run once the build was done"
    );
}

#[test]
fn an_output_comes_from_the_cache_until_fresh_is_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let counter = dir.join("runs");
    // Each run appends a line and prints how many there are: a cached output repeats the count.
    let command = format!("echo run >> {0}; wc -l < {0}", counter.display());
    let first = stdout(&xtask(&["sh", &command], &[]));
    let second = stdout(&xtask(&["sh", &command], &[]));
    assert_eq!(first, second, "the second build ran the command again");
    assert_eq!(
        std::fs::read_to_string(&counter).unwrap().lines().count(),
        1
    );
    let fresh = stdout(&xtask(&["sh", &command], &[("WASI_BOOK_FRESH", dir)]));
    assert_ne!(fresh, first, "WASI_BOOK_FRESH did not run the command");
    assert_eq!(
        std::fs::read_to_string(&counter).unwrap().lines().count(),
        2
    );
}

#[test]
fn a_failed_command_is_never_cached() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let counter = dir.join("runs");
    let command = format!("echo run >> {0}; exit 3", counter.display());
    for _ in 0..2 {
        let out = xtask(&["sh", &command], &[]);
        assert!(!out.status.success());
    }
    assert_eq!(
        std::fs::read_to_string(&counter).unwrap().lines().count(),
        2
    );
}

/// mdbook's input to a preprocessor: the context and a book of one chapter, `src/c.md`.
fn preprocessor_input(root: &Path, content: &str) -> String {
    serde_json::json!([
        {
            "root": root,
            "config": { "book": { "src": "src", "title": "t" } },
            "renderer": "html",
            "mdbook_version": "0.4.52"
        },
        {
            "sections": [{ "Chapter": {
                "name": "c", "content": content, "number": null, "sub_items": [],
                "path": "c.md", "source_path": "c.md", "parent_names": []
            } }],
            "__non_exhaustive": null
        }
    ])
    .to_string()
}

/// `xtask cmdrun` as mdbook runs it, on one chapter: the chapter's content after it.
fn cmdrun(root: &Path, content: &str, ready: &Path) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("cmdrun")
        .env("WASI_BOOK_PREVIEW", ready)
        .env("WASI_BOOK", env!("CARGO_BIN_EXE_xtask"))
        .env_remove("WASI_BOOK_FRESH")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(preprocessor_input(root, content).as_bytes())
        .unwrap();
    let book: serde_json::Value =
        serde_json::from_str(&stdout(&child.wait_with_output().unwrap())).unwrap();
    book["sections"][0]["Chapter"]["content"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn serve_s_preprocessor_previews_then_hands_over_to_mdbook_cmdrun() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("src")).unwrap();
    let ready = dir.join("ready");
    // Before setup is done: a listing's run is its recorded transcript, under the note.
    let page = "a\n<!-- cmdrun --strict $WASI_BOOK show listings/hello-wasi/hello wasip1 -->\nb\n";
    let previewed = cmdrun(&root(), page, &ready);
    assert!(
        previewed.starts_with("a\n> **Recorded output.**"),
        "{previewed}"
    );
    assert!(previewed.contains("Hello, WASI!"), "{previewed}");
    // The preview expands directives as mdbook-cmdrun does: the same text from both, for a
    // directive on its own line (its newline goes too) and an inline one (trailing whitespace cut).
    // A failing command leaves cmdrun's error text in the page in both.
    let forms = "x\n<!-- cmdrun --strict printf 'one\\n' -->\ny <!-- cmdrun --strict printf 'two  \\n' --> z\n\
                 <!-- cmdrun --strict echo out; echo err >&2; exit 3 -->\n";
    let preview = cmdrun(dir, forms, &ready);
    std::fs::write(&ready, "").unwrap();
    let live = cmdrun(dir, forms, &ready);
    assert!(preview.starts_with("x\none\ny two z\n**cmdrun error**: 'echo out; echo err >&2; exit 3' returned exit code 3"), "{preview}");
    assert_eq!(
        preview, live,
        "the preview and mdbook-cmdrun expand differently"
    );
}
