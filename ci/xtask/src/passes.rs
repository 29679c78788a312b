//! A check's last pass in this clone: when every file the check reads is as it was at its last
//! pass, that pass stands and the check is not run again. A new clone (as in CI) has no passes,
//! so there every check runs; so does any check whose inputs changed.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Where one check's last pass is kept, and what its inputs are now.
pub struct LastPass {
    file: PathBuf,
    inputs: String,
}

impl LastPass {
    /// The pass of the check `name`, whose inputs are the files under `paths` (a file counts
    /// by its path and content) and `also` (what else decides, such as a browser's version).
    pub fn of(root: &Path, name: &str, paths: &[&Path], also: &str) -> Result<LastPass> {
        Ok(LastPass {
            file: root.join("target/passes").join(name),
            inputs: format!("{}\n{also}", digest(paths)?),
        })
    }

    /// Whether the last pass was with these very inputs.
    pub fn stands(&self) -> bool {
        std::fs::read_to_string(&self.file).is_ok_and(|d| d == self.inputs)
    }

    /// Forgets the last pass (before running again: a failed run must not leave it standing).
    pub fn forget(&self) {
        let _ = std::fs::remove_file(&self.file);
    }

    /// Records a pass with these inputs.
    pub fn record(&self) -> Result<()> {
        std::fs::create_dir_all(self.file.parent().unwrap_or(Path::new(".")))?;
        std::fs::write(&self.file, &self.inputs)
            .with_context(|| format!("cannot write {}", self.file.display()))
    }
}

/// A digest of every file under each of `paths` (a file counts by its path and content).
/// Directories named `node_modules` below a path count by their path only: an install is fixed
/// by its version, which its path names. (Only below: a path may itself be under `target/`.)
pub fn digest(paths: &[&Path]) -> Result<String> {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for path in paths {
        let mut files = vec![];
        if path.is_dir() {
            files = crate::book::files_under(path)?;
            files.retain(|f| {
                !f.strip_prefix(path)
                    .unwrap_or(f)
                    .components()
                    .any(|c| c.as_os_str() == "node_modules")
            });
        } else if path.exists() {
            files.push(path.to_path_buf());
        }
        path.hash(&mut h);
        for f in files {
            f.hash(&mut h);
            std::fs::read(&f)
                .with_context(|| format!("cannot read {}", f.display()))?
                .hash(&mut h);
        }
    }
    Ok(format!("{:016x}", h.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_stands_until_an_input_changes_and_a_new_clone_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.rs"), "fn a() {}").unwrap();
        let pass = || LastPass::of(root, "check", &[&root.join("src")], "v1").unwrap();
        assert!(!pass().stands(), "nothing has passed yet");
        pass().record().unwrap();
        assert!(pass().stands());
        // What else decides counts too.
        assert!(
            !LastPass::of(root, "check", &[&root.join("src")], "v2")
                .unwrap()
                .stands()
        );
        std::fs::write(root.join("src/a.rs"), "fn a() { }").unwrap();
        assert!(!pass().stands(), "a changed input");
        pass().record().unwrap();
        pass().forget();
        assert!(!pass().stands(), "a forgotten pass");
    }

    #[test]
    fn files_count_even_when_the_checked_directory_is_under_target() {
        // `cargo xtask check` presses a listing's Run buttons on a page built in target/.
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("target/run-here-check/l");
        std::fs::create_dir_all(page.join("node_modules/x")).unwrap();
        std::fs::write(page.join("index.html"), "one").unwrap();
        let before = digest(&[&page]).unwrap();
        std::fs::write(page.join("node_modules/x/a.js"), "installed").unwrap();
        assert_eq!(
            digest(&[&page]).unwrap(),
            before,
            "an install counts by its path"
        );
        std::fs::write(page.join("index.html"), "two").unwrap();
        assert_ne!(
            digest(&[&page]).unwrap(),
            before,
            "a changed page is a changed input"
        );
    }
}
