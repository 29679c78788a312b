//! Installing a pinned tool into its cache directory: `cargo install --locked`, `npm ci` from a
//! committed lockfile, or `pip install` of one wheel by its hash.

use super::{Source, Tool, minutes};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

impl Tool {
    /// Installs the tool into its cache directory unless it is there already. Quietly: setup
    /// installs tools side by side with its builds, whose progress would be garbled.
    pub fn ensure(&self, root: &Path) -> Result<()> {
        self.ensure_with(root, false)
    }

    /// `ensure` for a tool installed alone (mdbook, before the first page): cargo's own
    /// progress shows how far its build is.
    pub fn ensure_showing_progress(&self, root: &Path) -> Result<()> {
        self.ensure_with(root, true)
    }

    fn ensure_with(&self, root: &Path, progress: bool) -> Result<()> {
        if !self.installed() {
            self.install(root, progress)?;
        }
        self.verify()
    }

    fn install(&self, root: &Path, progress: bool) -> Result<()> {
        let usually = self
            .install_seconds
            .map(|s| format!("usually about {} on 2 cores; ", minutes(s)))
            .unwrap_or_default();
        eprintln!(
            "xtask: installing {} {} ({usually}once per version; cached in {})",
            self.krate,
            self.version,
            self.dir().display()
        );
        let started = std::time::Instant::now();
        // Install into a temporary sibling, then rename: an interrupted install never looks done.
        let tmp = self
            .dir()
            .with_extension(format!("tmp{}", std::process::id()));
        match self.source {
            Source::Crates => self.cargo_install(root, &tmp, progress)?,
            Source::Npm => self.npm_ci(&tmp)?,
            Source::Pypi => self.pip_install(&tmp)?,
        }
        std::fs::create_dir_all(self.dir().parent().unwrap())?;
        if let Err(e) = std::fs::rename(&tmp, self.dir()) {
            // Another run finished the same install first: theirs is as good as ours.
            if !self.path().is_file() {
                return Err(e).context("cannot move the installed tool into the cache");
            }
            let _ = std::fs::remove_dir_all(&tmp);
        }
        // The figure the testing appendix reports for a machine's first run.
        eprintln!(
            "xtask: installed {} {} in {} s",
            self.krate,
            self.version,
            started.elapsed().as_secs()
        );
        Ok(())
    }

    /// `pip install` of the one wheel whose hash `ci/tools.toml` pins, into the cache.
    fn pip_install(&self, tmp: &Path) -> Result<()> {
        std::fs::create_dir_all(tmp)?;
        let requirement = tmp.join("requirements.txt");
        std::fs::write(
            &requirement,
            format!(
                "{}=={} --hash=sha256:{}\n",
                self.krate,
                self.version,
                self.pypi_sha256.as_deref().unwrap_or_default()
            ),
        )?;
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-deps", "--only-binary=:all:", "--require-hashes"])
            .arg("--target")
            .arg(tmp)
            .arg("-r")
            .arg(&requirement)
            .status()
            .context("cannot run python3 -m pip (Python 3 and pip are needed for zizmor)")?;
        if !status.success() {
            bail!(
                "`pip install {}=={}` failed ({status}); fix that, then run the command again",
                self.krate,
                self.version
            );
        }
        Ok(())
    }

    /// `npm ci` from the committed lockfile, so every machine gets the same files.
    fn npm_ci(&self, tmp: &Path) -> Result<()> {
        std::fs::create_dir_all(tmp)?;
        for f in ["package.json", "package-lock.json"] {
            std::fs::copy(self.npm_dir.join(f), tmp.join(f))
                .with_context(|| format!("cannot copy {}", self.npm_dir.join(f).display()))?;
        }
        let status = Command::new("npm")
            .current_dir(tmp)
            .args([
                "ci",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ])
            .status()
            .context("cannot run npm (Node.js and npm are needed for binaryen and wabt)")?;
        if !status.success() {
            bail!(
                "`npm ci` for {} failed ({status}) in {}; fix that, then run the command again",
                self.describe(),
                tmp.display()
            );
        }
        Ok(())
    }

    fn cargo_install(&self, root: &Path, tmp: &Path, progress: bool) -> Result<()> {
        let status = crate::workspace::cargo(root)
            .args(["install", "--locked"])
            .args((!progress).then_some("--quiet"))
            .arg("--root")
            .arg(tmp)
            // One build directory for every tool (cargo install's documented `--target-dir`),
            // instead of a temporary one each: mdbook-cmdrun depends on the very mdbook that
            // is installed, and on most of its crates, and reuses what matches (65 s instead
            // of 99 s). Cargo keeps apart what differs (versions, features, profile).
            .arg("--target-dir")
            .arg(shared_build_dir(self))
            .args([&self.krate, "--version", &self.version])
            .args(
                self.opt_level
                    .map(|level| format!("profile.release.opt-level={level}"))
                    .map(|setting| ["--config".to_string(), setting])
                    .into_iter()
                    .flatten(),
            )
            .args(match &self.features {
                Some(f) => vec![
                    "--no-default-features".to_string(),
                    "--features".to_string(),
                    f.join(","),
                ],
                None => vec![],
            })
            .status()
            .context("cannot run cargo")?;
        if !status.success() {
            bail!(
                "`cargo install --locked {} --version {}` failed ({status}); fix that, then run the command again{}{}",
                self.krate,
                self.version,
                self.opt_level
                    .map(|level| format!(" (opt-level {level})"))
                    .unwrap_or_default(),
                self.features
                    .as_ref()
                    .map(|f| format!(" (features: {})", f.join(",")))
                    .unwrap_or_default()
            );
        }
        Ok(())
    }
}

/// The build directory every `cargo install` of a pinned tool shares, beside the tools' own
/// directories in the cache. Only a speed-up: deleting it costs the next install its reuse.
fn shared_build_dir(tool: &Tool) -> std::path::PathBuf {
    let tools = tool.dir();
    tools.parent().unwrap_or(&tools).join("cargo-install-build")
}
