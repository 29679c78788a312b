//! Where the book's commands work: the clone's root, cargo's build directory, the one way to
//! start `cargo`, and the lock that keeps two building commands of one clone apart.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `cargo` in `dir`, the one place the book's commands start cargo. The directory matters:
/// it selects the toolchain (`rust-toolchain.toml`) and the settings (`.cargo/config.toml`), so
/// it is always given (the repository root, nearly always). It never passes on the variables
/// cargo sets for a program it runs (`set_by_cargo_for_its_program`): under `cargo test`, the
/// harness's tests would otherwise build the runner with them.
pub fn cargo(dir: &Path) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(dir);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_for_its_program) {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// What `cargo run` and `cargo test` set for the program they run (`cargo xtask` is `cargo run
/// -p xtask`): its package name, manifest, version, binaries. A cargo started with them would
/// pass them to build scripts, and one that watches them (ring's, under the `wasmtime` CLI's
/// `serve`) would run again, and its dependents compile again, whenever the same crate is next
/// built from a plain shell, as a reader builds it.
pub fn set_by_cargo_for_its_program(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || name.starts_with("CARGO_BIN_EXE_")
        || [
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
        ]
        .contains(&name)
}

/// The directory cargo builds into, as `cargo metadata` reports it: `target/` unless the
/// contributor's `CARGO_TARGET_DIR` or `build.target-dir` says otherwise (both honoured).
pub fn target_dir(root: &Path) -> Result<PathBuf> {
    let out = cargo(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot run cargo")?;
    if !out.status.success() {
        bail!("`cargo metadata` failed ({}): see above", out.status);
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("`cargo metadata` printed no JSON")?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("`cargo metadata` names no target_directory")
}

/// The book's pages name built files by the path a reader sees, `target/…`. When cargo builds
/// elsewhere, the clone's `target` becomes a symbolic link to that directory, so that those
/// paths (and a contributor typing them) reach what cargo built. A `target/` that is a real
/// directory while cargo builds elsewhere is an error that says what to do.
pub fn link_target(root: &Path, dir: &Path) -> Result<()> {
    let link = root.join("target");
    if dir == link {
        return Ok(());
    }
    match std::fs::symlink_metadata(&link) {
        Err(_) => {}
        Ok(meta) if meta.file_type().is_symlink() => {
            if std::fs::read_link(&link)? == dir {
                return Ok(());
            }
            std::fs::remove_file(&link)
                .with_context(|| format!("cannot replace the link {}", link.display()))?;
        }
        Ok(_) => bail!(
            "cargo builds in {} (CARGO_TARGET_DIR or build.target-dir), but {} is a directory \
             of its own, so the book's `target/…` paths would name old builds: remove it (or \
             unset CARGO_TARGET_DIR), then run the command again",
            dir.display(),
            link.display()
        ),
    }
    std::fs::create_dir_all(dir)?;
    std::os::unix::fs::symlink(dir, &link)
        .with_context(|| format!("cannot link {} to {}", link.display(), dir.display()))
}

/// An exclusive lock on the build directory, held until the returned file is dropped: two
/// commands that build and run listings in one clone at once (a `test` beside a `bless`) would
/// overwrite each other's files, so the second waits. The lock file is opened close-on-exec
/// (as std opens every file), so a process a command starts, a server left running by a page
/// included, never holds it.
pub fn lock(target: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(target)?;
    let path = target.join(".xtask-lock");
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    if file.try_lock().is_err() {
        eprintln!(
            "xtask: waiting for another command building in {} to finish…",
            target.display()
        );
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_never_passes_on_what_cargo_test_set_for_this_test() {
        // `cargo test` runs this test with its package's variables, as it runs xtask's
        // integration tests, which build the runner through `cargo`.
        assert!(std::env::var_os("CARGO_PKG_NAME").is_some());
        let cmd = cargo(Path::new("."));
        let removed: Vec<String> = cmd
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .filter_map(|(name, _)| name.to_str().map(str::to_string))
            .collect();
        for name in ["CARGO_PKG_NAME", "CARGO_MANIFEST_DIR"] {
            assert!(removed.iter().any(|r| r == name), "{name} is passed on");
        }
        assert!(!removed.iter().any(|r| r == "PATH"));
    }

    #[test]
    fn a_contributors_target_dir_is_honoured_and_linked_as_target() {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join(".cargo")).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"scratch\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        )
        .unwrap();
        std::fs::write(root.join("src/lib.rs"), "").unwrap();
        std::fs::write(
            root.join(".cargo/config.toml"),
            "[build]\ntarget-dir = \"elsewhere\"\n",
        )
        .unwrap();
        let dir = target_dir(root).unwrap();
        // (CARGO_TARGET_DIR, where the caller has set it, wins over the setting, as in cargo.)
        let expected = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => root.canonicalize().unwrap().join("elsewhere"),
        };
        assert_eq!(dir, expected);
        link_target(root, &dir).unwrap();
        assert_eq!(std::fs::read_link(root.join("target")).unwrap(), dir);
        // Again: nothing to do. Pointing elsewhere: the link follows.
        link_target(root, &dir).unwrap();
        let other = root.join("other");
        link_target(root, &other).unwrap();
        assert_eq!(std::fs::read_link(root.join("target")).unwrap(), other);
        // A real target/ directory is never replaced.
        std::fs::remove_file(root.join("target")).unwrap();
        std::fs::create_dir(root.join("target")).unwrap();
        let err = link_target(root, &dir).unwrap_err().to_string();
        assert!(err.contains("is a directory of its own"), "{err}");
        assert!(root.join("target").is_dir());
    }

    #[test]
    fn a_process_started_under_the_lock_does_not_hold_it() {
        let scratch = tempfile::tempdir().unwrap();
        let held = lock(scratch.path()).unwrap();
        // A daemon a command starts outlives the command: here a sleep, started while locked.
        let mut daemon = Command::new("sleep").arg("30").spawn().unwrap();
        drop(held);
        let again = std::fs::File::create(scratch.path().join(".xtask-lock")).unwrap();
        // (Another test's process being started this instant may hold a copy for a moment.)
        let free = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(10));
            again.try_lock().is_ok()
        });
        let _ = daemon.kill();
        let _ = daemon.wait();
        assert!(free, "the process started under the lock still holds it");
    }
}
