//! The pinned tools of `ci/tools.toml`, installed once per version into a cache outside the
//! checkout and always run from there (by absolute path, or with their directories first on
//! PATH and their presence checked), so whatever is on a reader's PATH never matters.
//! Crates come from crates.io (`cargo install --locked`); binaryen and wabt from npm, each with
//! a committed lockfile in `ci/npm-tools/<name>/` (`npm ci`).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Pin {
    version: String,
    bin: Option<String>,
    /// Build with only these features (`--no-default-features --features ...`).
    features: Option<Vec<String>>,
    /// From npm, not crates.io: `npm ci` with the lockfile in `ci/npm-tools/<name>/`.
    #[serde(default)]
    npm: bool,
    /// What `<bin> --version` prints for this version, when it is not the version itself
    /// (binaryen's wasm-opt says "version 132").
    version_text: Option<String>,
    /// `false` for a tool with no `--version` (mdbook-cmdrun): only its presence is checked.
    check_version: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Crates,
    Npm,
}

#[derive(Debug, Clone)]
pub struct Tool {
    pub krate: String,
    pub version: String,
    pub bin: String,
    pub features: Option<Vec<String>>,
    pub source: Source,
    /// What `<bin> --version` must print; `None`: the tool has no `--version`.
    pub version_text: Option<String>,
    /// `ci/npm-tools/<name>`, for an npm tool.
    npm_dir: PathBuf,
    /// `cache_root()/tools`.
    cache: PathBuf,
}

/// `$WASI_BOOK_CACHE`, else `$XDG_CACHE_HOME/wasi-exploration`, else `~/.cache/wasi-exploration`.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("WASI_BOOK_CACHE") {
        return dir.into();
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("wasi-exploration")
}

pub fn pinned(root: &Path) -> Result<Vec<Tool>> {
    let path = root.join("ci/tools.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let pins: BTreeMap<String, Pin> =
        toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let mut tools = vec![];
    for (krate, p) in pins {
        let tool = Tool {
            bin: p.bin.unwrap_or_else(|| krate.clone()),
            version_text: match p.check_version {
                Some(false) => None,
                _ => Some(p.version_text.unwrap_or_else(|| p.version.clone())),
            },
            version: p.version,
            features: p.features,
            source: if p.npm { Source::Npm } else { Source::Crates },
            npm_dir: root.join("ci/npm-tools").join(&krate),
            cache: cache_root().join("tools"),
            krate,
        };
        if tool.source == Source::Npm {
            let locked = tool.npm_locked_version()?;
            if locked != tool.version {
                bail!(
                    "ci/tools.toml pins {} {} but {}/package-lock.json locks {locked}; make them agree",
                    tool.krate,
                    tool.version,
                    tool.npm_dir.display()
                );
            }
        }
        tools.push(tool);
    }
    Ok(tools)
}

/// PATH with every pinned tool's directory first, for the book's embedded commands; fails,
/// naming the tool, if one is not installed (the command would otherwise find another copy on
/// the reader's PATH, or none, and the page would show that).
pub fn path_with_pinned_first(root: &Path) -> Result<std::ffi::OsString> {
    let mut paths = vec![];
    for t in pinned(root)? {
        t.require_installed()?;
        paths.push(t.bin_dir());
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Ok(std::env::join_paths(paths)?)
}

pub fn find(root: &Path, krate: &str) -> Result<Tool> {
    pinned(root)?
        .into_iter()
        .find(|t| t.krate == krate)
        .with_context(|| format!("ci/tools.toml pins no `{krate}`"))
}

impl Tool {
    /// `<crate>-<version>`, plus the feature list when it is not the default one, so a change
    /// of features is a new cache entry rather than a stale one.
    pub fn dir(&self) -> PathBuf {
        let mut name = format!("{}-{}", self.krate, self.version);
        if let Some(f) = &self.features {
            name.push_str("-only-");
            name.push_str(&f.join("+"));
        }
        self.cache.join(name)
    }

    pub fn bin_dir(&self) -> PathBuf {
        match self.source {
            Source::Crates => self.dir().join("bin"),
            Source::Npm => self.dir().join("node_modules/.bin"),
        }
    }

    /// The version of the package that `ci/npm-tools/<name>/package-lock.json` locks.
    fn npm_locked_version(&self) -> Result<String> {
        let path = self.npm_dir.join("package-lock.json");
        let lock: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        )
        .with_context(|| format!("{}", path.display()))?;
        lock["packages"][format!("node_modules/{}", self.krate)]["version"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("{} locks no `{}`", path.display(), self.krate))
    }

    /// One line for error messages: `binaryen 132.0.0 (wasm-opt)`.
    pub fn describe(&self) -> String {
        format!("{} {} ({})", self.krate, self.version, self.bin)
    }

    /// Fails, naming the tool, unless it is installed and `<bin> --version` prints the pinned
    /// version: a cache entry that was changed by hand, or a build that does not start, is
    /// caught here rather than as a puzzling page.
    pub fn verify(&self) -> Result<()> {
        self.require_installed()?;
        let path = self.path();
        let Some(expected) = &self.version_text else {
            return Ok(());
        };
        let out = Command::new(&path)
            .arg("--version")
            .output()
            .with_context(|| {
                format!(
                    "the pinned tool {} does not start ({})",
                    self.describe(),
                    path.display()
                )
            })?;
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.status.success() || !printed.contains(expected.as_str()) {
            bail!(
                "the pinned tool {} at {} is broken or not that version: `--version` {} and printed {:?} \
                 (expected {:?}); remove {} and run `ci/book setup`",
                self.describe(),
                path.display(),
                out.status,
                printed.trim(),
                expected,
                self.dir().display()
            );
        }
        Ok(())
    }

    pub fn path(&self) -> PathBuf {
        self.bin_dir().join(&self.bin)
    }

    pub fn installed(&self) -> bool {
        self.path().is_file()
    }

    /// Fails, naming the tool and how to install it, unless it is in the cache.
    fn require_installed(&self) -> Result<()> {
        if !self.installed() {
            bail!(
                "the pinned tool {} (ci/tools.toml) is not installed at {}; run `ci/book setup`",
                self.describe(),
                self.path().display()
            );
        }
        Ok(())
    }

    /// Installs the tool into its cache directory unless it is there already.
    pub fn ensure(&self, root: &Path) -> Result<()> {
        if !self.installed() {
            self.install(root)?;
        }
        self.verify()
    }

    fn install(&self, root: &Path) -> Result<()> {
        eprintln!(
            "xtask: installing {} {} (once per version; cached in {})",
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
            Source::Crates => self.cargo_install(root, &tmp)?,
            Source::Npm => self.npm_ci(&tmp)?,
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

    fn cargo_install(&self, root: &Path, tmp: &Path) -> Result<()> {
        let status = Command::new("cargo")
            .current_dir(root)
            .args(["install", "--locked", "--quiet", "--root"])
            .arg(tmp)
            .args([&self.krate, "--version", &self.version])
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
                "`cargo install --locked {} --version {}` failed ({status}); fix that, then run the command again{}",
                self.krate,
                self.version,
                self.features
                    .as_ref()
                    .map(|f| format!(" (features: {})", f.join(",")))
                    .unwrap_or_default()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A tool "installed" in a scratch cache as a script that prints `prints`.
    fn fake_tool(cache: &Path, prints: &str) -> Tool {
        let tool = Tool {
            krate: "binaryen".into(),
            version: "132.0.0".into(),
            bin: "wasm-opt".into(),
            features: None,
            source: Source::Npm,
            version_text: Some("version 132".into()),
            npm_dir: PathBuf::from("ci/npm-tools/binaryen"),
            cache: cache.to_path_buf(),
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
        let scratch = std::env::temp_dir().join(format!("xtask-tools-test-{}", std::process::id()));
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

    #[test]
    fn npm_pins_agree_with_their_lockfiles() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
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
}
