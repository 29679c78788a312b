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

    /// `ci/checkout-times WHAT build/`, run from `checkout`, with `path` as PATH if given.
    fn run(&self, checkout: &str, what: &str, path: Option<&Path>) -> std::process::Output {
        let script = book_common::checkout_root()
            .unwrap()
            .join("ci/checkout-times");
        let mut cmd = Command::new(script);
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

#[test]
fn without_a_tool_it_needs_it_fails_rather_than_adopt_anything() {
    let s = Scratch::new();
    s.first_checkout();
    s.clone("a", "c");
    std::fs::remove_dir_all(s.path("a")).unwrap();
    // A PATH with every program the script runs but sha256sum.
    let bin = s.path("bin");
    std::fs::create_dir(&bin).unwrap();
    for tool in [
        "bash", "sh", "git", "stat", "touch", "xargs", "awk", "mktemp", "cat", "rm", "head",
        "find", "mv", "grep", "dirname",
    ] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .unwrap();
        let path = String::from_utf8(found.stdout).unwrap();
        std::os::unix::fs::symlink(path.trim(), bin.join(tool)).unwrap();
    }
    set_mtime(&s.path("c/lib.rs"), old());
    let out = s.run("c", "adopt", Some(&bin));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sha256sum is missing"));
    assert_eq!(
        mtime(&s.path("c/lib.rs")),
        old(),
        "nothing adopted (ci/book touches all)"
    );
}
