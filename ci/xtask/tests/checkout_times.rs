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

/// A dep-info file as cargo writes one (its `fingerprint/dep_info.rs`, version 1): a crate
/// compiled from its own `src/lib.rs` and from `named`, a path outside the package.
fn dep_info(named: &Path) -> Vec<u8> {
    let mut b = vec![1, 0, 0, 0, 0xff, 1];
    b.extend(2u32.to_le_bytes());
    for (kind, path) in [(0u8, "src/lib.rs"), (1, named.to_str().unwrap())] {
        b.push(kind);
        b.extend((path.len() as u32).to_le_bytes());
        b.extend(path.as_bytes());
        b.push(0); // no checksum
    }
    b.extend(0u32.to_le_bytes()); // no environment variables
    b
}

#[test]
fn a_checkout_that_still_exists_lends_its_times_and_what_named_its_files_names_this_ones() {
    let s = Scratch::new();
    s.first_checkout();
    // What cargo's fingerprints say besides: crates that read a file of `a` by absolute path
    // (a sibling's source, say), one that c lists and one it does not (git ignores it there);
    // one that read a file of `old`, a checkout that built here before `a`; one that read a
    // file of `ab` (a checkout that never built here, whose path starts like `a`'s); one that
    // read a file outside any checkout; and a build script's run that named a file of `a` in
    // its JSON.
    let a = s.path("a");
    let old_checkout = s.path("old");
    std::fs::write(
        s.path("build/.checkouts"),
        format!("{}\n{}\n", old_checkout.display(), a.display()),
    )
    .unwrap();
    let fingerprints = s.path("build/wasm32-wasip2/debug/.fingerprint");
    let units = [
        ("names-a", "dep-lib-x", dep_info(&a.join("lib.rs"))),
        (
            "names-a-unlisted",
            "dep-lib-x",
            dep_info(&a.join("ignored.txt")),
        ),
        (
            "names-old",
            "dep-lib-x",
            dep_info(&old_checkout.join("lib.rs")),
        ),
        ("names-ab", "dep-lib-x", dep_info(&s.path("ab/src/main.rs"))),
        (
            "names-neither",
            "dep-lib-x",
            dep_info(Path::new("/usr/include/stdio.h")),
        ),
        (
            "script-names-a",
            "run-build-script-build-script-build.json",
            format!("{{\"paths\":[\"{}\"]}}", a.join("lib.rs").display()).into_bytes(),
        ),
    ];
    for (unit, file, content) in &units {
        std::fs::create_dir_all(fingerprints.join(unit)).unwrap();
        std::fs::write(fingerprints.join(unit).join(file), content).unwrap();
        set_mtime(&fingerprints.join(unit).join(file), old());
    }
    // A file both checkouts have, which a's record lists and git ignores in c (another
    // branch's .gitignore, say): adopt gives it no time in c.
    std::fs::write(a.join("ignored.txt"), "").unwrap();
    s.times("a", "record");
    s.clone("a", "c");
    let c = s.path("c");
    std::fs::write(c.join(".git/info/exclude"), "ignored.txt\n").unwrap();
    std::fs::write(c.join("ignored.txt"), "").unwrap();
    set_mtime(&c.join("lib.rs"), old() + Duration::from_secs(7));
    s.times("c", "adopt");
    assert_eq!(mtime(&c.join("lib.rs")), old(), "the same contents");
    let kept = |unit: &str| fingerprints.join(unit).exists();
    // Pointed at c's copy, with its time kept: cargo judges it by c's file.
    let pointed = fingerprints.join("names-a/dep-lib-x");
    assert_eq!(
        std::fs::read(&pointed).unwrap(),
        dep_info(&c.join("lib.rs"))
    );
    assert_eq!(mtime(&pointed), old());
    for gone in ["names-a-unlisted", "names-old", "script-names-a"] {
        assert!(
            !kept(gone),
            "{gone}: cargo must build it again from c's copy"
        );
    }
    assert!(kept("names-ab") && kept("names-neither"));
    assert!(s.path("build/debug/.fingerprint/crate-1234").exists());
    let listed = std::fs::read_to_string(s.path("build/.checkouts")).unwrap();
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        [&old_checkout, &a, &c].map(|p| p.to_str().unwrap())
    );
    // Back in `a`, whose record c did not replace (c ran no command): untrusted, since it is
    // not c's, so what names c's files goes, and what names a's is kept.
    let names_a = s.path("build/debug/.fingerprint/names-a-again");
    std::fs::create_dir_all(&names_a).unwrap();
    std::fs::write(names_a.join("dep-lib-x"), dep_info(&a.join("lib.rs"))).unwrap();
    s.times("a", "adopt");
    assert!(!kept("names-a") && names_a.exists());
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
    // (not rustc: without it, nothing is pointed at the new checkout, and that is all)
    let tools = "bash sh git stat touch xargs awk mktemp cat rm head find mv grep dirname sort \
                 sha256sum comm tr cut";
    for tool in tools.split_whitespace() {
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

/// What `ci/book` does for one command in `checkout`: adopt, run both programs with cargo,
/// record. What they printed, and the packages cargo compiled for it.
fn book_command(s: &Scratch, checkout: &Path) -> ([String; 2], Vec<String>) {
    let adopt = Command::new(s.script())
        .current_dir(checkout)
        .env("PWD", checkout) // (as a shell that changed into it says: through the symlink)
        .args(["adopt", "target/"])
        .output()
        .unwrap();
    assert!(adopt.status.success(), "{adopt:?}");
    let mut compiled = vec![];
    let outputs = ["reader", "generated"].map(|program| {
        let out = Command::new(env!("CARGO"))
            .current_dir(checkout)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .args(["run", "--package", program])
            .output()
            .unwrap();
        assert!(out.status.success(), "{program}: {out:?}");
        let said = String::from_utf8(out.stderr).unwrap();
        compiled.extend(said.lines().filter_map(|l| {
            let name = l.trim().strip_prefix("Compiling ")?;
            Some(name.split(' ').next()?.to_string())
        }));
        String::from_utf8(out.stdout).unwrap()
    });
    let record = Command::new(s.script())
        .current_dir(checkout)
        .env("PWD", checkout)
        .args(["record", "target/"])
        .output()
        .unwrap();
    assert!(record.status.success(), "{record:?}");
    (outputs, compiled)
}

#[test]
fn with_real_cargo_each_checkout_runs_what_its_own_files_say() {
    let s = Scratch::new();
    // Each checkout is reached through a symlink, as cargo (which names the real path) is not.
    std::fs::create_dir(s.path("real")).unwrap();
    std::os::unix::fs::symlink(s.path("real"), s.path("link")).unwrap();
    let a = s.path("link/a");
    workspace(&s, &a);
    let (out, compiled) = book_command(&s, &a);
    assert_eq!(out, ["from a", "from a"]);
    assert_eq!(compiled, ["reader", "generated"]);
    // A clone of it, while `a` is still there: the same files. `reader` is reused, though its
    // fingerprint named a's copy of the file; `generated` is compiled again, since its build
    // script named the file (in JSON, which is not rewritten).
    let clone = |name: &str| {
        git(&s.path("link"), &["clone", "-q", "a", name]);
        let checkout = s.path("link").join(name);
        std::os::unix::fs::symlink(s.path("build"), checkout.join("target")).unwrap();
        checkout
    };
    let b = clone("b");
    let (out, compiled) = book_command(&s, &b);
    assert_eq!(out, ["from a", "from a"]);
    assert_eq!(compiled, ["generated"]);
    // Its own copy of the file changed, and older than anything built: cargo must still see it.
    let value = b.join("data/value.txt");
    std::fs::write(&value, "from b").unwrap();
    set_mtime(&value, old());
    assert_eq!(book_command(&s, &b).0, ["from b", "from b"]);
    // Back in `a`, whose file is unchanged.
    assert_eq!(book_command(&s, &a).0, ["from a", "from a"]);
    // A checkout where git ignores the file (another branch, say), an old copy of it different
    // from a's: adopt gives it no time, so nothing that read a's copy may stand for it.
    let c = clone("c");
    git(&c, &["rm", "-q", "--cached", "data/value.txt"]);
    std::fs::write(c.join(".git/info/exclude"), "data/value.txt\n").unwrap();
    let value = c.join("data/value.txt");
    std::fs::write(&value, "from c").unwrap();
    set_mtime(&value, old());
    assert_eq!(book_command(&s, &c).0, ["from c", "from c"]);
}
