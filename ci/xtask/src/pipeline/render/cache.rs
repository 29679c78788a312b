//! The cache of outputs (`target/book-outputs/`): an embedded command's markdown, stored under a
//! key that names everything it depends on, so that saving a chapter re-runs nothing.

use super::FRESH_ENV;
use crate::model;
use crate::model::Listing;
use crate::pipeline::build;
use anyhow::Result;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The files every output depends on: the pins, the cargo configuration and the workspace.
const PINS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    "ci/nightly-toolchain.toml",
    "ci/tools.toml",
    ".cargo/config.toml",
    // What the browser test saw, which the Run buttons' notes say.
    "ci/browser-portability.toml",
];

/// Everything one embedded output depends on, as text: a file's path, size and modification
/// time per line. Two equal keys mean the command would print the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// The key of `show` for one listing: the listing's own files and those of everything its
    /// build reads (`build::input_dirs`), the pins, and the sources of the runner and of this
    /// program (all of `ci/`).
    pub fn show(root: &Path, listing: &Listing, args: &[String]) -> Key {
        let mut files = vec![];
        for dir in build::input_dirs(root, listing) {
            walk(&dir, &mut files);
        }
        Key::of(root, args, files)
    }

    /// The key of `sh`: a tool's command can read any listing's source or artifact, so every
    /// file under `listings/` and `ci/` counts (not the book's own pages: saving a chapter
    /// changes none of them).
    pub fn sh(root: &Path, args: &[String]) -> Key {
        let mut files = vec![];
        walk(&root.join("listings"), &mut files);
        walk(&root.join("ci"), &mut files);
        Key::of(root, args, files)
    }

    fn of(root: &Path, args: &[String], mut files: Vec<PathBuf>) -> Key {
        files.extend(PINS.iter().map(|p| root.join(p)));
        // The runner and this program, by their sources (under `ci/`, with `Cargo.lock` among
        // the pins), not by their binaries: `cargo test` builds the same binaries again with
        // its dev-dependencies' features, so a binary's time changes on every test run while
        // nothing it does has.
        walk(&root.join("ci"), &mut files);
        files.sort();
        files.dedup();
        let mut text = format!(
            "{}\n",
            shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "))
        );
        for f in &files {
            text.push_str(&stamp(root, f));
        }
        Key(text)
    }

    fn file_stem(&self) -> String {
        let mut h = std::hash::DefaultHasher::new();
        self.0.hash(&mut h);
        format!("{:016x}", h.finish())
    }
}

/// `path size mtime` of one file (or `path missing`).
fn stamp(root: &Path, f: &Path) -> String {
    let name = model::rel(root, f);
    match std::fs::metadata(f) {
        Ok(m) => {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            format!("{name} {} {mtime}\n", m.len())
        }
        Err(_) => format!("{name} missing\n"),
    }
}

/// Every file below `dir`, leaving out build output (`target`, `node_modules`) and transcripts
/// (`output.*.txt` are what the tests compare with, not what a run reads).
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name == "node_modules" || name.starts_with("output.") {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path(), files),
            // A link (a listing's `wit/deps/<package>`) points at files this walk reaches
            // anyway, under their own path.
            Ok(t) if t.is_symlink() => {}
            Ok(_) => files.push(e.path()),
            Err(_) => {}
        }
    }
}

fn cache_dir(root: &Path) -> PathBuf {
    root.join("target/book-outputs")
}

/// The markdown stored under `key`.
pub fn cached(root: &Path, key: &Key) -> Option<String> {
    let base = cache_dir(root).join(key.file_stem());
    let stored_key = std::fs::read_to_string(base.with_extension("key")).ok()?;
    // The file's name is a hash; the key itself is compared in full.
    if stored_key != key.0 {
        return None;
    }
    std::fs::read_to_string(base.with_extension("md")).ok()
}

/// Stores a command's markdown under `key`: the key computed after the command ran, since a
/// command may itself change what it depends on (build an artifact).
pub fn store(root: &Path, key: &Key, markdown: &str) -> Result<()> {
    let dir = cache_dir(root);
    std::fs::create_dir_all(&dir)?;
    let base = dir.join(key.file_stem());
    // The markdown first, then the key that makes it valid: a half-written entry never matches.
    let tmp = dir.join(format!(".{}.tmp", std::process::id()));
    std::fs::write(&tmp, markdown)?;
    std::fs::rename(&tmp, base.with_extension("md"))?;
    std::fs::write(&tmp, &key.0)?;
    std::fs::rename(&tmp, base.with_extension("key"))?;
    Ok(())
}

/// Prints an embedded command's markdown. It comes from the cache when nothing the output
/// depends on changed since it was last produced; otherwise `produce` runs, its
/// markdown is printed whatever happened (cmdrun shows it under its error), and stored only if
/// the command did what the page declares.
pub(super) fn embedded(
    root: &Path,
    key: impl Fn() -> Key,
    produce: impl FnOnce() -> (String, Result<()>),
) -> Result<()> {
    let fresh = std::env::var_os(FRESH_ENV).is_some();
    if let Some(md) = cached(root, &key()).filter(|_| !fresh) {
        print!("{md}");
        return Ok(());
    }
    let (md, outcome) = produce();
    print!("{md}");
    outcome?;
    store(root, &key(), &md)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch repository with one listing source, removed when the test ends.
    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("listings/ch/l/src")).unwrap();
        std::fs::create_dir_all(dir.path().join("ci")).unwrap();
        std::fs::write(
            dir.path().join("listings/ch/l/src/main.rs"),
            "fn main() {}\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn an_output_is_reused_until_a_file_it_depends_on_changes() {
        let dir = scratch();
        let root = dir.path();
        let args = vec!["sh".to_string(), "echo hi".to_string()];
        let key = Key::sh(root, &args);
        assert_eq!(cached(root, &key), None);
        store(root, &key, "hi\n").unwrap();
        assert_eq!(cached(root, &Key::sh(root, &args)).as_deref(), Some("hi\n"));
        // Another command is another entry.
        let other = vec!["sh".to_string(), "echo ho".to_string()];
        assert_eq!(cached(root, &Key::sh(root, &other)), None);
        // A changed source (its size here; its mtime in an editor) is a miss.
        std::fs::write(root.join("listings/ch/l/src/main.rs"), "fn main() { }\n").unwrap();
        assert_eq!(cached(root, &Key::sh(root, &args)), None);
    }

    #[test]
    fn a_transcript_or_a_build_output_is_not_an_input() {
        let dir = scratch();
        let root = dir.path();
        let args = vec!["sh".to_string(), "true".to_string()];
        let key = Key::sh(root, &args);
        std::fs::write(root.join("listings/ch/l/output.wasip1.txt"), "$ x\n").unwrap();
        std::fs::create_dir_all(root.join("listings/ch/l/target")).unwrap();
        std::fs::write(root.join("listings/ch/l/target/x"), "").unwrap();
        assert_eq!(Key::sh(root, &args), key);
    }

    #[test]
    fn the_harness_sources_are_inputs_of_every_output() {
        let dir = scratch();
        let root = dir.path();
        std::fs::write(
            root.join("listings/ch/l/Cargo.toml"),
            "[package]\nname = \"l\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [package.metadata.wasi-book]\ntargets = [\"wasip1\"]\n",
        )
        .unwrap();
        let listing = Listing::from_manifest(root, Path::new("listings/ch/l")).unwrap();
        let args = vec!["show".to_string(), "listings/ch/l".to_string()];
        let key = Key::show(root, &listing, &args);
        assert_eq!(Key::show(root, &listing, &args), key);
        // A change to the runner's (or xtask's) code is a miss, for `show` as for `sh`.
        std::fs::create_dir_all(root.join("ci/wasi-runner/src")).unwrap();
        std::fs::write(root.join("ci/wasi-runner/src/main.rs"), "fn main() {}\n").unwrap();
        assert_ne!(Key::show(root, &listing, &args), key);
    }

    #[test]
    fn a_link_to_a_directory_is_walked_past() {
        let dir = scratch();
        let root = dir.path();
        let args = vec!["sh".to_string(), "true".to_string()];
        let key = Key::sh(root, &args);
        // A listing's `wit/deps/<package>` links to another listing's `wit` directory.
        std::fs::create_dir_all(root.join("listings/ch/m/wit/deps")).unwrap();
        let key_with_dir = Key::sh(root, &args);
        std::os::unix::fs::symlink("../../../l/src", root.join("listings/ch/m/wit/deps/l"))
            .unwrap();
        assert_eq!(Key::sh(root, &args), key_with_dir);
        assert_eq!(key_with_dir, key);
    }
}
