//! `ci/checkout-times`, which lets clones share one build directory: a new checkout's files
//! that are identical to the last builder's get its file times (cargo reuses what it built from
//! them), every other file a new time (cargo rebuilds what reads it). Each test builds small git
//! checkouts and a stand-in build directory in a scratch directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// A time long before any test runs: what the builder's files say.
fn old() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

fn set_mtime(path: &Path, time: SystemTime) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(time).unwrap();
}

/// A scratch directory with a build directory `build/` in it.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("xtask-checkout-times-")
            .tempdir()
            .unwrap();
        std::fs::create_dir(dir.path().join("build")).unwrap();
        Scratch { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn script(&self) -> PathBuf {
        book_common::checkout_root()
            .unwrap()
            .join("ci/checkout-times")
    }

    /// `ci/checkout-times WHAT build/`, run from `checkout`, with `path` as PATH if given.
    fn run(&self, checkout: &str, what: &str, path: Option<&Path>) -> std::process::Output {
        let mut cmd = Command::new(self.script());
        cmd.current_dir(self.path(checkout))
            .args([what, self.path("build").to_str().unwrap()]);
        if let Some(path) = path {
            cmd.env("PATH", path);
        }
        cmd.output().unwrap()
    }

    /// `run`, which must succeed.
    fn times(&self, checkout: &str, what: &str) {
        let out = self.run(checkout, what, None);
        assert!(
            out.status.success(),
            "ci/checkout-times {what} in {checkout}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// What cargo leaves when it builds: a fingerprint newer than the sources.
    fn build(&self) {
        let fingerprint = self.path("build/debug/.fingerprint/crate-1234");
        std::fs::create_dir_all(&fingerprint).unwrap();
        std::fs::write(fingerprint.join("lib-crate"), "built").unwrap();
    }

    /// The first checkout, `a`: two committed files, adopted, given old times, built from and
    /// recorded, as `ci/book` leaves a checkout after a command.
    fn first_checkout(&self) {
        let a = self.path("a");
        std::fs::create_dir_all(&a).unwrap();
        git(&a, &["init", "-q"]);
        std::fs::write(a.join("lib.rs"), "pub fn f() {}\n").unwrap();
        std::fs::write(a.join("main.rs"), "fn main() {}\n").unwrap();
        git(&a, &["add", "-A"]);
        git(&a, &["commit", "-q", "-m", "first"]);
        self.times("a", "adopt");
        for f in ["lib.rs", "main.rs"] {
            set_mtime(&a.join(f), old());
        }
        self.build();
        self.times("a", "record");
    }

    fn clone(&self, from: &str, to: &str) {
        git(
            self.dir.path(),
            &["clone", "-q", self.path(from).to_str().unwrap(), to],
        );
    }

    fn checkout_named_last(&self) -> String {
        std::fs::read_to_string(self.path("build/.checkout"))
            .unwrap()
            .trim()
            .to_string()
    }
}

#[test]
fn files_identical_to_a_removed_checkouts_record_get_its_times_and_changed_files_new_ones() {
    let s = Scratch::new();
    s.first_checkout();
    s.clone("a", "c");
    std::fs::remove_dir_all(s.path("a")).unwrap();
    std::fs::write(s.path("c/main.rs"), "fn main() { changed() }\n").unwrap();
    // A changed file that looks older than the build: it must still get a new time.
    set_mtime(&s.path("c/main.rs"), old());
    s.times("c", "adopt");
    assert_eq!(mtime(&s.path("c/lib.rs")), old(), "the same contents");
    assert!(
        mtime(&s.path("c/main.rs")) > mtime(&s.path("build/.checkout-files")),
        "changed: newer than the build"
    );
    assert_eq!(s.checkout_named_last(), s.path("c").to_str().unwrap());
    // A later command in the same checkout leaves its times alone.
    let before = mtime(&s.path("c/main.rs"));
    s.times("c", "adopt");
    assert_eq!(mtime(&s.path("c/main.rs")), before);
}

#[test]
fn a_record_is_not_trusted_once_something_was_built_after_it() {
    let s = Scratch::new();
    s.first_checkout();
    s.clone("a", "c");
    std::fs::remove_dir_all(s.path("a")).unwrap();
    // Say a plain `cargo build` after `a`'s last command, from files the record does not know.
    std::thread::sleep(Duration::from_millis(20));
    s.build();
    let built = mtime(&s.path("build/debug/.fingerprint/crate-1234/lib-crate"));
    set_mtime(&s.path("c/lib.rs"), old());
    s.times("c", "adopt");
    assert!(
        mtime(&s.path("c/lib.rs")) >= built,
        "every file gets a new time"
    );
}

#[test]
fn a_checkout_that_still_exists_lends_its_times_but_crates_naming_its_files_are_built_again() {
    let s = Scratch::new();
    s.first_checkout();
    // What cargo's fingerprints say besides: a crate that read a file of `a` by absolute path
    // (a sibling's source, say), one that read a file of `ab` (another checkout, whose path
    // starts like `a`'s), and one that read a file outside any checkout.
    let a = s.path("a");
    let ab = s.path("ab");
    let fingerprints = [
        ("names-a", a.join("wit/greeter.wit")),
        ("names-ab", ab.join("src/main.rs")),
        ("names-neither", PathBuf::from("/usr/include/stdio.h")),
    ];
    for (name, named) in &fingerprints {
        let dir = s.path("build/wasm32-wasip2/debug/.fingerprint").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let dep_info = format!("\x01\0\0\0src/lib.rs\x02{}\0", named.display());
        std::fs::write(dir.join("dep-lib"), dep_info).unwrap();
        set_mtime(&dir.join("dep-lib"), old());
    }
    s.times("a", "record");
    s.clone("a", "c");
    set_mtime(&s.path("c/lib.rs"), old() + Duration::from_secs(7));
    s.times("c", "adopt");
    assert_eq!(mtime(&s.path("c/lib.rs")), old(), "the same contents");
    let kept = |name: &str| {
        s.path("build/wasm32-wasip2/debug/.fingerprint")
            .join(name)
            .exists()
    };
    assert!(!kept("names-a"), "cargo must build it again from c's copy");
    assert!(kept("names-ab") && kept("names-neither"));
    assert!(s.path("build/debug/.fingerprint/crate-1234").exists());
    let listed = std::fs::read_to_string(s.path("build/.checkouts")).unwrap();
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        [a.to_str().unwrap(), s.path("c").to_str().unwrap()]
    );
    // Back in `a`: now the crates that name `c`'s files are built again, and `a`'s are kept.
    let names_c = s.path("build/debug/.fingerprint/names-c");
    std::fs::create_dir_all(&names_c).unwrap();
    std::fs::write(
        names_c.join("dep-lib"),
        s.path("c/lib.rs").to_str().unwrap(),
    )
    .unwrap();
    let names_a = s.path("build/debug/.fingerprint/names-a-again");
    std::fs::create_dir_all(&names_a).unwrap();
    std::fs::write(names_a.join("dep-lib"), a.join("lib.rs").to_str().unwrap()).unwrap();
    s.times("a", "adopt");
    assert!(!names_c.exists() && names_a.exists());
}

#[test]
fn a_deleted_file_is_left_out_of_the_record_and_the_rest_still_adopted() {
    let s = Scratch::new();
    s.first_checkout();
    std::fs::remove_file(s.path("a/main.rs")).unwrap();
    s.times("a", "record");
    let record = std::fs::read_to_string(s.path("build/.checkout-files")).unwrap();
    assert!(
        record.contains("\tlib.rs\n") && !record.contains("main.rs"),
        "{record}"
    );
    s.clone("a", "c");
    std::fs::remove_dir_all(s.path("a")).unwrap();
    s.times("c", "adopt");
    assert_eq!(mtime(&s.path("c/lib.rs")), old());
    assert!(
        mtime(&s.path("c/main.rs")) > old(),
        "not in the record: a new time"
    );
}

/// A directory of links to every program the script runs but `missing`, for PATH.
fn tools_but(s: &Scratch, missing: &str) -> PathBuf {
    let bin = s.path("bin");
    std::fs::create_dir(&bin).unwrap();
    for tool in [
        "bash",
        "sh",
        "git",
        "stat",
        "touch",
        "xargs",
        "awk",
        "mktemp",
        "cat",
        "rm",
        "head",
        "find",
        "mv",
        "grep",
        "dirname",
        "sort",
        "sha256sum",
    ] {
        if tool == missing {
            continue;
        }
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .unwrap();
        let path = String::from_utf8(found.stdout).unwrap();
        std::os::unix::fs::symlink(path.trim(), bin.join(tool)).unwrap();
    }
    bin
}

#[test]
fn without_a_tool_it_needs_it_fails_rather_than_adopt_anything() {
    for missing in ["sha256sum", "dirname"] {
        let s = Scratch::new();
        s.first_checkout();
        s.clone("a", "c");
        std::fs::remove_dir_all(s.path("a")).unwrap();
        let bin = tools_but(&s, missing);
        set_mtime(&s.path("c/lib.rs"), old());
        let out = s.run("c", "adopt", Some(&bin));
        assert!(!out.status.success());
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(&format!("{missing} is missing")), "{said}");
        assert_eq!(
            mtime(&s.path("c/lib.rs")),
            old(),
            "nothing adopted (ci/book touches all)"
        );
    }
}

#[test]
fn when_the_fingerprints_cannot_be_searched_every_one_is_removed() {
    let s = Scratch::new();
    s.first_checkout();
    s.clone("a", "c");
    // A grep that fails when it searches (exit status 2, as on an unreadable file).
    let bin = tools_but(&s, "grep");
    let real_grep = Command::new("sh")
        .args(["-c", "command -v grep"])
        .output()
        .unwrap();
    let real_grep = String::from_utf8(real_grep.stdout).unwrap();
    let fake = format!(
        "#!/bin/sh\ncase \"$1\" in -r*) echo 'grep: cannot read' >&2; exit 2 ;; esac\nexec {} \"$@\"\n",
        real_grep.trim()
    );
    std::fs::write(bin.join("grep"), fake).unwrap();
    let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(bin.join("grep"), executable).unwrap();
    let out = s.run("c", "adopt", Some(&bin));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("every crate is compiled again"), "{said}");
    assert!(!s.path("build/debug/.fingerprint").exists());
    // The checkout is listed all the same, so the next one forgets what it builds.
    let listed = std::fs::read_to_string(s.path("build/.checkouts")).unwrap();
    assert!(listed.lines().any(|l| l == s.path("c").to_str().unwrap()));
}

#[test]
fn a_checkout_that_did_not_adopt_records_nothing() {
    let s = Scratch::new();
    s.first_checkout();
    s.clone("a", "c");
    let out = s.run("c", "record", None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not in"));
    let record = std::fs::read_to_string(s.path("build/.checkout-files")).unwrap();
    assert!(record.starts_with(s.path("a").to_str().unwrap()));
}

/// A checkout of a small workspace, as `ci/book` keeps one: `target` links to the shared build
/// directory. Two programs read `data/value.txt`, which is outside their own directories, so
/// cargo names it by absolute path: `reader` includes it; `generated`'s build script copies
/// it into OUT_DIR (saying `rerun-if-changed` with its absolute path), and its program
/// includes the copy.
fn workspace(s: &Scratch, checkout: &Path) {
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"reader\", \"generated\"]\nresolver = \"3\"\n",
        ),
        (".gitignore", "/target\n"),
        ("data/value.txt", "from a"),
        (
            "reader/Cargo.toml",
            "[package]\nname = \"reader\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        ),
        (
            "reader/src/main.rs",
            "fn main() {\n    print!(\"{}\", include_str!(\"../../data/value.txt\"));\n}\n",
        ),
        (
            "generated/Cargo.toml",
            "[package]\nname = \"generated\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        ),
        (
            "generated/build.rs",
            "use std::path::PathBuf;\nfn main() {\n    \
             let here = PathBuf::from(std::env::var(\"CARGO_MANIFEST_DIR\").unwrap());\n    \
             let data = here.parent().unwrap().join(\"data/value.txt\");\n    \
             println!(\"cargo::rerun-if-changed={}\", data.display());\n    \
             let out = PathBuf::from(std::env::var(\"OUT_DIR\").unwrap()).join(\"value.txt\");\n    \
             std::fs::copy(data, out).unwrap();\n}\n",
        ),
        (
            "generated/src/main.rs",
            "fn main() {\n    print!(\"{}\", include_str!(concat!(env!(\"OUT_DIR\"), \"/value.txt\")));\n}\n",
        ),
    ];
    for (name, text) in files {
        let path = checkout.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(checkout, &["init", "-q"]);
    git(checkout, &["add", "-A"]);
    git(checkout, &["commit", "-q", "-m", "first"]);
    std::os::unix::fs::symlink(s.path("build"), checkout.join("target")).unwrap();
}

/// What `ci/book` does for one command in `checkout`: adopt, run both programs with cargo
/// (their output), record.
fn book_command(s: &Scratch, checkout: &Path) -> [String; 2] {
    let adopt = Command::new(s.script())
        .current_dir(checkout)
        .env("PWD", checkout) // (as a shell that changed into it says: through the symlink)
        .args(["adopt", "target/"])
        .output()
        .unwrap();
    assert!(adopt.status.success(), "{adopt:?}");
    let outputs = ["reader", "generated"].map(|program| {
        let out = Command::new(env!("CARGO"))
            .current_dir(checkout)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .args(["run", "--quiet", "--package", program])
            .output()
            .unwrap();
        assert!(out.status.success(), "{program}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    });
    let record = Command::new(s.script())
        .current_dir(checkout)
        .env("PWD", checkout)
        .args(["record", "target/"])
        .output()
        .unwrap();
    assert!(record.status.success(), "{record:?}");
    outputs
}

#[test]
fn with_real_cargo_a_second_checkout_reads_its_own_copy_of_a_file_named_by_absolute_path() {
    let s = Scratch::new();
    // Each checkout is reached through a symlink, as cargo (which names the real path) is not.
    std::fs::create_dir(s.path("real")).unwrap();
    std::os::unix::fs::symlink(s.path("real"), s.path("link")).unwrap();
    let a = s.path("link/a");
    workspace(&s, &a);
    assert_eq!(book_command(&s, &a), ["from a", "from a"]);
    // A clone of it, while `a` is still there, with its own copy of the file changed.
    git(&s.path("link"), &["clone", "-q", "a", "b"]);
    let b = s.path("link/b");
    std::os::unix::fs::symlink(s.path("build"), b.join("target")).unwrap();
    std::fs::write(b.join("data/value.txt"), "from b").unwrap();
    assert_eq!(book_command(&s, &b), ["from b", "from b"]);
    // And back in `a`, whose file is unchanged.
    assert_eq!(book_command(&s, &a), ["from a", "from a"]);
}
