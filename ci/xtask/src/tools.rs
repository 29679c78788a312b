//! The pinned tools of `ci/tools.toml`, installed once per version into a cache outside the
//! checkout and always run by absolute path, so whatever is on a reader's PATH never matters.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pin {
    version: String,
    bin: Option<String>,
    /// Build with only these features (`--no-default-features --features ...`).
    features: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Tool {
    pub krate: String,
    pub version: String,
    pub bin: String,
    pub features: Option<Vec<String>>,
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
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let pins: BTreeMap<String, Pin> = toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
    Ok(pins
        .into_iter()
        .map(|(krate, p)| Tool { bin: p.bin.unwrap_or_else(|| krate.clone()), krate, version: p.version, features: p.features })
        .collect())
}

pub fn find(root: &Path, krate: &str) -> Result<Tool> {
    pinned(root)?.into_iter().find(|t| t.krate == krate).with_context(|| format!("ci/tools.toml pins no `{krate}`"))
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
        cache_root().join("tools").join(name)
    }

    pub fn bin_dir(&self) -> PathBuf {
        self.dir().join("bin")
    }

    pub fn path(&self) -> PathBuf {
        self.bin_dir().join(&self.bin)
    }

    /// Installs the tool into its cache directory unless it is there already.
    pub fn ensure(&self, root: &Path) -> Result<()> {
        if self.path().is_file() {
            return Ok(());
        }
        eprintln!("xtask: installing {} {} (once per version; cached in {})", self.krate, self.version, self.dir().display());
        let started = std::time::Instant::now();
        // Install into a temporary sibling, then rename: an interrupted install never looks done.
        let tmp = self.dir().with_extension(format!("tmp{}", std::process::id()));
        let status = Command::new("cargo")
            .current_dir(root)
            .args(["install", "--locked", "--quiet", "--root"])
            .arg(&tmp)
            .args([&self.krate, "--version", &self.version])
            .args(match &self.features {
                Some(f) => vec!["--no-default-features".to_string(), "--features".to_string(), f.join(",")],
                None => vec![],
            })
            .status()
            .context("cannot run cargo")?;
        if !status.success() {
            bail!(
                "`cargo install --locked {} --version {}` failed ({status}); fix that, then run the command again{}",
                self.krate,
                self.version,
                self.features.as_ref().map(|f| format!(" (features: {})", f.join(","))).unwrap_or_default()
            );
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
        eprintln!("xtask: installed {} {} in {} s", self.krate, self.version, started.elapsed().as_secs());
        Ok(())
    }
}
