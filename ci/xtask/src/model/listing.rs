//! One listing: its crate, its metadata, and where its files and transcripts are.

use super::{
    METADATA_KEY, RUSTFLAGS_TARGET_DIR, Run, Spec, Target, Toolchain, nightly_channel, rel,
};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// One listing, found under `listings/`.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The package name, which is also its directory's name.
    pub name: String,
    /// Its directory, relative to the repository root (`listings/hello-wasi/hello`).
    pub dir: PathBuf,
    pub spec: Spec,
    /// The file cargo builds: `<name>.wasm` for a bin, `<name_with_underscores>.wasm` for a cdylib.
    pub artifact_stem: String,
    pub is_cdylib: bool,
    /// `+nightly-…` for cargo when the listing is built with the pinned nightly.
    pub cargo_toolchain: Option<String>,
}

impl Listing {
    /// Builds a listing from its package name, manifest path and raw metadata, checking
    /// everything a contributor can get wrong; every error names the listing and the key.
    pub fn new(
        root: &Path,
        name: &str,
        manifest: &Path,
        metadata: Option<Spec>,
        is_cdylib: bool,
        lib_name: Option<&str>,
    ) -> Result<Listing> {
        let abs_dir = manifest.parent().context("manifest has no parent")?;
        let dir = abs_dir.strip_prefix(root).unwrap_or(abs_dir).to_path_buf();
        let ctx = || format!("listing `{name}` ({})", dir.join("Cargo.toml").display());
        let spec = metadata
            .with_context(|| format!("{}: no [package.metadata.{METADATA_KEY}] table", ctx()))?;
        spec.validate()
            .with_context(|| format!("{}: [package.metadata.{METADATA_KEY}]", ctx()))?;
        if dir.file_name().and_then(|n| n.to_str()) != Some(name) {
            bail!(
                "{}: the package name must equal its directory's name",
                ctx()
            );
        }
        for run in &spec.runs {
            if let Some(stdin) = &run.stdin
                && !abs_dir.join(stdin).is_file()
            {
                bail!(
                    "{}: `stdin = \"{stdin}\"`: no such file in the listing",
                    ctx()
                );
            }
            for d in &run.dirs {
                if !abs_dir.join(&d.host).is_dir() {
                    bail!(
                        "{}: `dirs`: host directory `{}` does not exist in the listing",
                        ctx(),
                        d.host
                    );
                }
            }
        }
        let artifact_stem = match (is_cdylib, lib_name) {
            (true, Some(lib)) => lib.replace('-', "_"),
            (true, None) => name.replace('-', "_"),
            (false, _) => name.to_string(),
        };
        let cargo_toolchain = match spec.toolchain {
            Toolchain::Stable => None,
            Toolchain::Nightly => Some(format!("+{}", nightly_channel(root).with_context(ctx)?)),
        };
        Ok(Listing {
            name: name.to_string(),
            dir,
            spec,
            artifact_stem,
            is_cdylib,
            cargo_toolchain,
        })
    }

    /// Reads one listing straight from its `Cargo.toml` (no `cargo metadata`: this is the fast
    /// path `show` takes once per embedded output).
    pub fn from_manifest(root: &Path, dir: &Path) -> Result<Listing> {
        let manifest = root.join(dir).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("cannot read {}", manifest.display()))?;
        let doc: toml::Table = toml::from_str(&text)
            .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
        let package = doc
            .get("package")
            .and_then(|p| p.as_table())
            .context("no [package]")?;
        let name = package
            .get("name")
            .and_then(|n| n.as_str())
            .context("no package.name")?;
        let metadata = match package.get("metadata").and_then(|m| m.get(METADATA_KEY)) {
            None => None,
            Some(v) => Some(Spec::from_value(v).with_context(|| {
                format!(
                    "listing `{name}` ({}): [package.metadata.{METADATA_KEY}]",
                    rel(root, &manifest)
                )
            })?),
        };
        let lib = doc.get("lib").and_then(|l| l.as_table());
        let is_cdylib = lib
            .and_then(|l| l.get("crate-type"))
            .and_then(|c| c.as_array())
            .is_some_and(|a| a.iter().any(|t| t.as_str() == Some("cdylib")));
        let lib_name = lib.and_then(|l| l.get("name")).and_then(|n| n.as_str());
        Listing::new(root, name, &manifest, metadata, is_cdylib, lib_name)
    }

    pub fn abs_dir(&self, root: &Path) -> PathBuf {
        root.join(&self.dir)
    }

    /// The expected transcript of one run on one target, beside `Cargo.toml`:
    /// `output.<target>.txt` for the main run, `output.<run>.<target>.txt` for a named one.
    pub fn transcript_path(&self, run: &Run, target: Target) -> PathBuf {
        if run.name.is_empty() {
            self.dir.join(format!("output.{}.txt", target.name()))
        } else {
            self.dir
                .join(format!("output.{}.{}.txt", run.name, target.name()))
        }
    }

    /// Transcripts in the listing's directory (`output.*.txt`) that belong to no run it
    /// declares: left over from a run renamed or removed, or a target dropped.
    pub fn stale_transcripts(&self, root: &Path) -> Vec<PathBuf> {
        let wanted: Vec<PathBuf> = self
            .runs()
            .into_iter()
            .map(|(r, t)| self.transcript_path(r, t))
            .collect();
        let mut stale: Vec<PathBuf> = std::fs::read_dir(self.abs_dir(root))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| self.dir.join(e.file_name()))
            .filter(|p| {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                name.starts_with("output.") && name.ends_with(".txt")
            })
            .filter(|p| !wanted.contains(p))
            .collect();
        stale.sort();
        stale
    }

    /// Every (run, target) pair the listing declares.
    pub fn runs(&self) -> Vec<(&Run, Target)> {
        self.spec
            .runs
            .iter()
            .flat_map(|r| self.spec.targets_of(r).into_iter().map(move |t| (r, t)))
            .collect()
    }

    /// "`hello` (listings/hello-wasi/hello, wasip1)", with the run's name if it has one.
    pub fn describe(&self, run: &Run, target: Target) -> String {
        let run_name = if run.name.is_empty() {
            String::new()
        } else {
            format!(", run `{}`", run.name)
        };
        format!(
            "listing `{}` ({}, {}{run_name})",
            self.name,
            self.dir.display(),
            target.name()
        )
    }

    /// The built file, relative to the repository root.
    pub fn artifact(&self, target: Target) -> PathBuf {
        match target.triple() {
            Some(triple) if !self.spec.rustflags.is_empty() => PathBuf::from(format!(
                "{RUSTFLAGS_TARGET_DIR}/{triple}/debug/{}.wasm",
                self.artifact_stem
            )),
            Some(triple) => {
                PathBuf::from(format!("target/{triple}/debug/{}.wasm", self.artifact_stem))
            }
            None => PathBuf::from(format!("target/release/{}", self.name)),
        }
    }
}
