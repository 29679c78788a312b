//! The pinned tools of `ci/tools.toml`, installed once per version into a cache outside the
//! checkout and always run from there (by absolute path, or with their directories first on
//! PATH and their presence checked), so whatever is on a reader's PATH never matters.
//! Crates come from crates.io (`cargo install --locked`); binaryen and wabt from npm, each with
//! a committed lockfile in `ci/npm-tools/<name>/` (`npm ci`).

mod install;
pub mod outdated;
mod programs;
#[cfg(test)]
mod tests;

pub use programs::{
    SYSTEM_PROGRAMS, WORKSPACE_PROGRAMS, pages_running, programs_in, providing, unpinned_programs,
};

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
    /// Build with this `opt-level` instead of the release profile's 3: it compiles faster
    /// (mdbook, which the first page waits for), at some cost in speed when it runs.
    opt_level: Option<u8>,
    /// From npm, not crates.io: `npm ci` with the lockfile in `ci/npm-tools/<name>/`.
    #[serde(default)]
    npm: bool,
    /// The npm package whose version is pinned, when it is not `<name>` (a scoped package).
    npm_package: Option<String>,
    /// From PyPI, not crates.io: the wheel whose SHA-256 this is, installed with
    /// `pip install --require-hashes` (a binary wheel: nothing is compiled).
    pypi_sha256: Option<String>,
    /// What `<bin> --version` prints for this version, when it is not the version itself
    /// (binaryen's wasm-opt says "version 132").
    version_text: Option<String>,
    /// `false` for a tool with no `--version` (mdbook-cmdrun): only its presence is checked.
    check_version: Option<bool>,
    /// The install's other programs that the pages run (wabt's `wasm2wat`, say): setup checks
    /// that each is there, so that a page never runs a copy from PATH instead.
    programs: Option<Vec<String>>,
    /// Only `ci/book test` runs it (no page does): setup leaves it to the tests, so that
    /// serving installs only what the pages run.
    #[serde(default)]
    tests_only: bool,
    /// How long installing it usually takes on 2 cores, alone, in seconds (what setup tells a
    /// newcomer before a long silent step; measured, see the testing appendix).
    install_seconds: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Crates,
    Npm,
    /// A PyPI wheel, pinned by its SHA-256.
    Pypi,
}

#[derive(Debug, Clone)]
pub struct Tool {
    pub krate: String,
    pub version: String,
    pub bin: String,
    pub features: Option<Vec<String>>,
    /// `opt-level` of the release build, when not cargo's default.
    pub opt_level: Option<u8>,
    /// Every program of the install that the book runs: `bin` first, then `programs`.
    pub programs: Vec<String>,
    pub source: Source,
    /// What `<bin> --version` must print; `None`: the tool has no `--version`.
    pub version_text: Option<String>,
    /// `ci/npm-tools/<name>`, for an npm tool.
    npm_dir: PathBuf,
    /// The npm package whose version is pinned (`npm-package`, else the name).
    pub npm_package: String,
    /// The wheel's SHA-256, for a PyPI tool.
    pypi_sha256: Option<String>,
    /// Only `ci/book test` runs it (`tests-only`); setup does not install it.
    pub tests_only: bool,
    /// `cache_root()/tools`.
    cache: PathBuf,
    /// The repository root, whose pages say where the tool is run (for error messages).
    root: PathBuf,
    /// How long installing it usually takes on 2 cores, alone (`install-seconds`).
    install_seconds: Option<u64>,
}

/// "30 s", "2 minutes": a duration as a person says it.
fn minutes(seconds: u64) -> String {
    match seconds {
        0..90 => format!("{seconds} s"),
        _ => format!("{} minutes", (seconds + 30) / 60),
    }
}

/// The book's cache (`book_common::cache_root`), or an error that says how to name one.
pub fn cache_root() -> Result<PathBuf> {
    book_common::cache_root().context(
        "no cache directory for the pinned tools: set HOME, XDG_CACHE_HOME or WASI_BOOK_CACHE",
    )
}

pub fn pinned(root: &Path) -> Result<Vec<Tool>> {
    let path = root.join("ci/tools.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let pins: BTreeMap<String, Pin> =
        toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let mut tools = vec![];
    for (krate, p) in pins {
        let bin = p.bin.unwrap_or_else(|| krate.clone());
        let tool = Tool {
            programs: std::iter::once(bin.clone())
                .chain(p.programs.unwrap_or_default())
                .collect(),
            bin,
            version_text: match p.check_version {
                Some(false) => None,
                _ => Some(p.version_text.unwrap_or_else(|| p.version.clone())),
            },
            version: p.version,
            features: p.features,
            opt_level: p.opt_level,
            source: match (p.npm, &p.pypi_sha256) {
                (true, _) => Source::Npm,
                (false, Some(_)) => Source::Pypi,
                (false, None) => Source::Crates,
            },
            pypi_sha256: p.pypi_sha256,
            tests_only: p.tests_only,
            npm_dir: root.join("ci/npm-tools").join(&krate),
            npm_package: p.npm_package.unwrap_or_else(|| krate.clone()),
            cache: cache_root()?.join("tools"),
            root: root.to_path_buf(),
            install_seconds: p.install_seconds,
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
/// the reader's PATH, or none, and the page would show that). First of all comes the pinned
/// `wasmtime` behind the guest deadline (`guest_deadline_dir`).
pub fn path_with_pinned_first(root: &Path) -> Result<std::ffi::OsString> {
    let mut paths = vec![guest_deadline_dir(root, &cli_built(root)?)?];
    for t in pinned(root)?.into_iter().filter(|t| !t.tests_only) {
        t.require_installed()?;
        paths.push(t.bin_dir());
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Ok(std::env::join_paths(paths)?)
}

/// The package of the official `wasmtime` CLI (`ci/wasmtime-cli`): the `wasmtime-cli` crate's
/// own commands, built in the workspace beside the runner so that both link one Wasmtime build
/// (a `cargo install` would compile a second one, with other features).
pub const CLI_PACKAGE: &str = "wasmtime-cli-pinned";

/// Where the CLI is built: `target/` is cargo's build directory, or a link to it.
pub fn cli_path(root: &Path) -> PathBuf {
    root.join("target/release/wasmtime")
}

/// The built CLI, or an error that says how to build it.
fn cli_built(root: &Path) -> Result<PathBuf> {
    let path = cli_path(root);
    if !path.is_file() {
        bail!(
            "the pinned `wasmtime` CLI is not built ({}); run `ci/book setup`, which builds it \
             (`cargo build --release -p {CLI_PACKAGE}`)",
            path.display()
        );
    }
    Ok(path)
}

/// Fails unless the built CLI starts and `wasmtime --version` prints the version of the
/// `wasmtime-cli` crate that the root `Cargo.toml` pins, as the official CLI prints it.
pub fn verify_cli(root: &Path) -> Result<()> {
    let path = cli_built(root)?;
    let want = format!("wasmtime {}", workspace_pin(root, "wasmtime-cli")?);
    let out = Command::new(&path)
        .arg("--version")
        .output()
        .with_context(|| {
            format!(
                "the pinned `wasmtime` CLI does not start ({})",
                path.display()
            )
        })?;
    let printed = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || printed.trim() != want {
        bail!(
            "the pinned `wasmtime` CLI at {} printed {:?} for `--version` ({}), expected {want:?}; \
             run `ci/book setup` to build it again",
            path.display(),
            printed.trim(),
            out.status
        );
    }
    Ok(())
}

/// The version the root `Cargo.toml` pins for `krate` in `[workspace.dependencies]`, without
/// its `=`.
pub fn workspace_pin(root: &Path, krate: &str) -> Result<String> {
    let path = root.join("Cargo.toml");
    let manifest: toml::Table = toml::from_str(
        &std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?,
    )
    .with_context(|| format!("{}", path.display()))?;
    manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.get(krate))
        .and_then(|d| d.get("version"))
        .and_then(|v| v.as_str())
        .map(|v| v.trim_start_matches('=').to_string())
        .with_context(|| {
            format!("the root Cargo.toml's [workspace.dependencies] pins no `{krate}`")
        })
}

/// How long the `wasmtime` CLI may run a page's guest: the runner's default deadline (10 s) and
/// time to compile and start. `WASI_BOOK_GUEST_SECONDS` gives a run more (a listing whose
/// `deadline-ms` is longer).
pub const GUEST_SECONDS: u64 = 30;

/// A directory holding `wasmtime`: the pinned CLI (`pinned`, by absolute path) run under
/// coreutils' `timeout`, so that a page's `wasmtime run` of a guest that hangs ends in
/// seconds (exit status 124) rather than at the page command's limit of minutes. The CLI has a
/// deadline of its own (`-W timeout`), but adding it would change the command the page shows,
/// and it refuses debugging options. `wasmtime serve` runs until it is stopped, so it is left
/// alone. `--foreground` keeps `timeout` in the command's process group, which the harness
/// kills at its own limit. Beside it, `gdb`: the system's gdb under the same deadline, in which
/// `wasmtime` is the pinned CLI itself (or, with no gdb installed, a sentence saying so).
pub fn guest_deadline_dir(root: &Path, pinned: &Path) -> Result<PathBuf> {
    let dir = root.join("target/guest-deadline");
    std::fs::create_dir_all(&dir)?;
    let script = format!(
        "#!/bin/sh\n\
         # Written by xtask (tools::guest_deadline_dir): the pinned wasmtime CLI, stopped after\n\
         # $WASI_BOOK_GUEST_SECONDS (default {GUEST_SECONDS}) seconds; `wasmtime serve` runs until stopped.\n\
         case \"${{1:-}}\" in serve) exec '{pinned}' \"$@\" ;; esac\n\
         exec timeout --foreground --kill-after=2 \"${{WASI_BOOK_GUEST_SECONDS:-{GUEST_SECONDS}}}\" '{pinned}' \"$@\"\n",
        pinned = pinned.display()
    );
    write_script(&dir.join("wasmtime"), &script)?;
    // gdb debugs a program, not a script: a page's `gdb --args wasmtime …` finds, through
    // `under-gdb/`, the pinned CLI itself, and the whole gdb session gets the guest's deadline.
    let under_gdb = dir.join("under-gdb");
    std::fs::create_dir_all(&under_gdb)?;
    let link = under_gdb.join("wasmtime");
    if std::fs::read_link(&link).ok().as_deref() != Some(pinned) {
        let tmp = under_gdb.join(format!(".wasmtime.{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(pinned, &tmp)?;
        std::fs::rename(&tmp, &link)?;
    }
    let system_gdb = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| *d != dir)
        .map(|d| d.join("gdb"))
        .find(|p| p.is_file());
    let gdb = match system_gdb {
        Some(gdb) => format!(
            "PATH='{}':\"$PATH\" exec timeout --foreground --kill-after=2 \
             \"${{WASI_BOOK_GUEST_SECONDS:-{GUEST_SECONDS}}}\" '{}' \"$@\"\n",
            under_gdb.display(),
            gdb.display()
        ),
        None => "echo 'gdb is not installed (on Debian: sudo apt-get install gdb)' >&2\nexit 127\n"
            .to_string(),
    };
    write_script(
        &dir.join("gdb"),
        &format!(
            "#!/bin/sh\n\
             # Written by xtask (tools::guest_deadline_dir): the system's gdb, stopped like a guest\n\
             # run; in it, `wasmtime` is the pinned CLI itself.\n{gdb}"
        ),
    )?;
    Ok(dir)
}

/// Writes an executable script unless it already says `text`; beside it first, then renamed, so
/// that commands running at the same time never see half of it.
fn write_script(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

pub fn find(root: &Path, krate: &str) -> Result<Tool> {
    pinned(root)?
        .into_iter()
        .find(|t| t.krate == krate)
        .with_context(|| format!("ci/tools.toml pins no `{krate}`"))
}

impl Tool {
    /// `<crate>-<version>`, plus the feature list when it is not the default one and the
    /// opt-level when `opt-level` is set, so a change of either is a new cache entry rather
    /// than a stale one.
    pub fn dir(&self) -> PathBuf {
        let mut name = format!("{}-{}", self.krate, self.version);
        if let Some(f) = &self.features {
            name.push_str("-only-");
            name.push_str(&f.join("+"));
        }
        if let Some(level) = self.opt_level {
            name.push_str(&format!("-opt{level}"));
        }
        self.cache.join(name)
    }

    pub fn bin_dir(&self) -> PathBuf {
        match self.source {
            Source::Crates => self.dir().join("bin"),
            Source::Npm => self.dir().join("node_modules/.bin"),
            Source::Pypi => self.dir().join("bin"),
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
        lock["packages"][format!("node_modules/{}", self.npm_package)]["version"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("{} locks no `{}`", path.display(), self.npm_package))
    }

    /// One line for error messages: `binaryen 132.0.0 (wasm-opt)`.
    pub fn describe(&self) -> String {
        format!("{} {} ({})", self.krate, self.version, self.bin)
    }

    /// Fails, naming the tool and the pages that run it, unless every program the book runs from
    /// it is installed and `<bin> --version` prints the pinned version: a cache entry that was
    /// changed by hand, or a build that does not start, is caught here rather than as a puzzling
    /// page.
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
                    "the pinned tool {} does not start ({}){}",
                    self.describe(),
                    path.display(),
                    self.run_by()
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
                 (expected {:?}); remove {} and run `ci/book setup`{}",
                self.describe(),
                path.display(),
                out.status,
                printed.trim(),
                expected,
                self.dir().display(),
                self.run_by()
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

    /// Fails, naming the tool, the missing program, the pages that run the tool and how to
    /// install it, unless each program the book runs from it is in the cache.
    fn require_installed(&self) -> Result<()> {
        if !self.installed() {
            bail!(
                "the pinned tool {} (ci/tools.toml) is not installed at {}; run `ci/book setup`{}",
                self.describe(),
                self.path().display(),
                self.run_by()
            );
        }
        for program in &self.programs {
            let path = self.bin_dir().join(program);
            if !path.is_file() {
                bail!(
                    "the pinned tool {} has no `{program}` (ci/tools.toml lists it in `programs`) at {}; \
                     remove {} and run `ci/book setup`{}",
                    self.describe(),
                    path.display(),
                    self.dir().display(),
                    self.run_by()
                );
            }
        }
        Ok(())
    }

    /// "; the book runs it in src/a.md (lines 3, 9), src/b.md (line 4)", from the pages'
    /// embedded commands; empty when no page runs it (mdbook itself, say).
    fn run_by(&self) -> String {
        let programs: Vec<&str> = self.programs.iter().map(String::as_str).collect();
        let lines = pages_running(&self.root, &programs).unwrap_or_default();
        if lines.is_empty() {
            return String::new();
        }
        let mut pages: Vec<(String, Vec<usize>)> = vec![];
        for (page, line) in lines {
            match pages.iter_mut().find(|(p, _)| *p == page) {
                Some((_, ls)) => ls.push(line),
                None => pages.push((page, vec![line])),
            }
        }
        let pages: Vec<String> = pages
            .into_iter()
            .map(|(page, lines)| {
                let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                let word = if lines.len() == 1 { "line" } else { "lines" };
                format!("{page} ({word} {})", lines.join(", "))
            })
            .collect();
        format!("; the book runs it in {}", pages.join(", "))
    }
}
