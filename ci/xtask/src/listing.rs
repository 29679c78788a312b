//! A listing: one crate under `listings/<chapter>/<name>/`, and how the book builds and runs it,
//! declared in its `Cargo.toml` under `[package.metadata.wasi-book]` (see CONTRIBUTING.md).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The metadata table's name: `[package.metadata.wasi-book]`.
pub const METADATA_KEY: &str = "wasi-book";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Wasip1,
    Wasip2,
    /// A native program (for example a host embedding wasmtime).
    Host,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Wasip1, Target::Wasip2, Target::Host];

    pub fn name(self) -> &'static str {
        match self {
            Target::Wasip1 => "wasip1",
            Target::Wasip2 => "wasip2",
            Target::Host => "host",
        }
    }

    /// The rustc target triple, `None` for the host.
    pub fn triple(self) -> Option<&'static str> {
        match self {
            Target::Wasip1 => Some("wasm32-wasip1"),
            Target::Wasip2 => Some("wasm32-wasip2"),
            Target::Host => None,
        }
    }

    pub fn parse(s: &str) -> Result<Target> {
        Target::ALL
            .into_iter()
            .find(|t| t.name() == s || t.triple() == Some(s))
            .with_context(|| format!("unknown target `{s}` (expected wasip1, wasip2 or host)"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Runs `_start` (WASI 0.1) or `wasi:cli/run` (WASI 0.2), once.
    #[default]
    Command,
    /// A WASI 0.1 module whose exports are called (`invoke`, then `calls`) on one instance.
    Reactor,
    /// A native program, run with `cargo run --release`.
    Host,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Build {
    #[default]
    Ok,
    /// The chapter shows the compiler's error: the build must fail, and its output is the
    /// transcript. Such a listing is listed in the workspace's `exclude`.
    Fails,
}

/// A preopened directory. `host` is relative to the listing's directory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Dir {
    pub host: String,
    pub guest: String,
    #[serde(default)]
    pub read_only: bool,
}

/// `[package.metadata.wasi-book]`. Every key but `targets` is optional; an unknown key is an
/// error, so a typo cannot silently drop a grant or an expectation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    pub targets: Vec<Target>,
    #[serde(default)]
    pub kind: Kind,
    /// argv[1..] for a command; the arguments of `invoke` for a reactor.
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// A file (relative to the listing) fed to stdin; none means stdin is empty.
    #[serde(default)]
    pub stdin: Option<String>,
    #[serde(default)]
    pub dirs: Vec<Dir>,
    /// Grant TCP/UDP and name lookup (WASI 0.2). Off: the guest is denied.
    #[serde(default)]
    pub network: bool,
    /// Reactor: the export called first (after `_initialize`), with `args`.
    #[serde(default)]
    pub invoke: Option<String>,
    /// Reactor: further calls on the same instance, each "export arg...".
    #[serde(default)]
    pub calls: Vec<String>,
    #[serde(default)]
    pub exit_code: i32,
    #[serde(default)]
    pub build: Build,
    /// Wall-clock limit for one run, in milliseconds (the runner's default otherwise).
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    /// Linear-memory cap in MiB (the runner's default otherwise).
    #[serde(default)]
    pub memory_mib: Option<u64>,
}

impl Spec {
    /// Parses and checks a metadata table, given as JSON (from `cargo metadata`) or TOML.
    pub fn from_value<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Spec, D::Error> {
        Spec::deserialize(value)
    }

    fn validate(&self) -> Result<()> {
        if self.targets.is_empty() {
            bail!("`targets` is empty: give at least one of wasip1, wasip2, host");
        }
        let host = self.targets.contains(&Target::Host);
        if host && self.targets.len() > 1 {
            bail!("`targets`: a listing is either `host` or WASI (wasip1/wasip2), not both");
        }
        match self.kind {
            Kind::Host if !host => bail!("`kind = \"host\"` needs `targets = [\"host\"]`"),
            Kind::Command | Kind::Reactor if host => bail!("`targets = [\"host\"]` needs `kind = \"host\"`"),
            Kind::Reactor if self.invoke.is_none() => bail!("`kind = \"reactor\"` needs `invoke` (the export to call)"),
            Kind::Reactor if self.targets.contains(&Target::Wasip2) => {
                bail!("`kind = \"reactor\"` is WASI 0.1 only: a wasip2 library is a component with typed exports")
            }
            Kind::Command | Kind::Host if self.invoke.is_some() || !self.calls.is_empty() => {
                bail!("`invoke` and `calls` are for `kind = \"reactor\"`")
            }
            _ => {}
        }
        if self.network && self.targets.contains(&Target::Wasip1) {
            bail!("`network = true` with wasip1: WASI 0.1 has no sockets API to grant");
        }
        if !(0..=255).contains(&self.exit_code) {
            bail!("`exit-code = {}` is outside 0..=255", self.exit_code);
        }
        Ok(())
    }
}

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
        let spec = metadata.with_context(|| format!("{}: no [package.metadata.{METADATA_KEY}] table", ctx()))?;
        spec.validate().with_context(|| format!("{}: [package.metadata.{METADATA_KEY}]", ctx()))?;
        if dir.file_name().and_then(|n| n.to_str()) != Some(name) {
            bail!("{}: the package name must equal its directory's name", ctx());
        }
        if let Some(stdin) = &spec.stdin {
            if !abs_dir.join(stdin).is_file() {
                bail!("{}: `stdin = \"{stdin}\"`: no such file in the listing", ctx());
            }
        }
        for d in &spec.dirs {
            if !abs_dir.join(&d.host).is_dir() {
                bail!("{}: `dirs`: host directory `{}` does not exist in the listing", ctx(), d.host);
            }
        }
        let artifact_stem = match (is_cdylib, lib_name) {
            (true, Some(lib)) => lib.replace('-', "_"),
            (true, None) => name.replace('-', "_"),
            (false, _) => name.to_string(),
        };
        Ok(Listing { name: name.to_string(), dir, spec, artifact_stem, is_cdylib })
    }

    /// Reads one listing straight from its `Cargo.toml` (no `cargo metadata`: this is the fast
    /// path `show` takes once per embedded output).
    pub fn from_manifest(root: &Path, dir: &Path) -> Result<Listing> {
        let manifest = root.join(dir).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
        let doc: toml::Table = toml::from_str(&text).with_context(|| format!("{} is not valid TOML", manifest.display()))?;
        let package = doc.get("package").and_then(|p| p.as_table()).context("no [package]")?;
        let name = package.get("name").and_then(|n| n.as_str()).context("no package.name")?;
        let metadata = match package.get("metadata").and_then(|m| m.get(METADATA_KEY)) {
            None => None,
            Some(v) => Some(
                Spec::from_value(v.clone())
                    .with_context(|| format!("listing `{name}` ({}): [package.metadata.{METADATA_KEY}]", manifest.display()))?,
            ),
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

    /// The expected transcript for one target: `output.<target>.txt` beside `Cargo.toml`.
    pub fn transcript_path(&self, target: Target) -> PathBuf {
        self.dir.join(format!("output.{}.txt", target.name()))
    }

    /// The built file, relative to the repository root.
    pub fn artifact(&self, target: Target) -> PathBuf {
        match target.triple() {
            Some(triple) => PathBuf::from(format!("target/{triple}/debug/{}.wasm", self.artifact_stem)),
            None => PathBuf::from(format!("target/release/{}", self.name)),
        }
    }

    /// Grants and calls as runner flags (`wasi-runner` and `ci/wasi-run` take these).
    fn runner_flags(&self) -> Vec<String> {
        let mut f = Vec::new();
        for d in &self.spec.dirs {
            f.push(if d.read_only { "--dir-ro".into() } else { "--dir".into() });
            f.push(format!("{}::{}", self.dir.join(&d.host).display(), d.guest));
        }
        for (k, v) in &self.spec.env {
            f.push("--env".into());
            f.push(format!("{k}={v}"));
        }
        if self.spec.network {
            f.extend(["-S".into(), "inherit-network".into()]);
        }
        if let Some(ms) = self.spec.deadline_ms {
            f.push(format!("--deadline-ms={ms}"));
        }
        if let Some(mib) = self.spec.memory_mib {
            f.push(format!("--memory-mib={mib}"));
        }
        if let Some(export) = &self.spec.invoke {
            f.extend(["--invoke".into(), export.clone()]);
        }
        for c in &self.spec.calls {
            f.extend(["--call".into(), c.clone()]);
        }
        f
    }

    /// The runner's full argument list for one target (wasm targets only).
    pub fn runner_args(&self, target: Target) -> Vec<String> {
        let mut a = self.runner_flags();
        a.push(self.artifact(target).display().to_string());
        a.extend(self.spec.args.iter().cloned());
        a
    }

    fn stdin_redirect(&self) -> String {
        match &self.spec.stdin {
            Some(f) => format!(" < {}", quote(&self.dir.join(f).display().to_string())),
            None => String::new(),
        }
    }

    /// The command a reader types, from the repository root, with the project's own tools.
    pub fn reader_command(&self, target: Target) -> String {
        let args = if self.spec.args.is_empty() {
            String::new()
        } else {
            format!(" -- {}", join_quoted(&self.spec.args))
        };
        let cmd = match target.triple() {
            None => format!("cargo run -q --release -p {}{args}", self.name),
            // A cdylib has nothing for `cargo run` to run: build it, then hand it to the runner.
            Some(triple) if self.is_cdylib => format!(
                "cargo build -q -p {} --target {triple} && ci/wasi-run {}",
                self.name,
                join_quoted(&self.runner_args(target))
            ),
            Some(triple) => {
                let flags = self.runner_flags();
                let env = if flags.is_empty() {
                    String::new()
                } else {
                    format!("WASI_RUNNER_FLAGS={} ", quote(&join_quoted(&flags)))
                };
                format!("{env}cargo run -q -p {} --target {triple}{args}", self.name)
            }
        };
        cmd + &self.stdin_redirect()
    }

    /// The same run with the official `wasmtime` CLI (after `cargo build`), or why there is none.
    pub fn wasmtime_command(&self, target: Target) -> Result<String, &'static str> {
        if target == Target::Host {
            return Err("a host program");
        }
        if self.spec.dirs.iter().any(|d| d.read_only) {
            // wasmtime#9608: `--dir` always grants read-write; `HOST::GUEST::ro` is silently
            // taken as read-write, so we must not suggest it.
            return Err("`wasmtime run` cannot preopen a directory read-only (wasmtime#9608)");
        }
        if !self.spec.calls.is_empty() {
            return Err("`wasmtime run --invoke` makes one call per instance");
        }
        if self.spec.deadline_ms.is_some() || self.spec.memory_mib.is_some() {
            return Err("the listing relies on the book runner's deadline or memory cap");
        }
        let mut w = vec!["wasmtime".to_string(), "run".to_string()];
        for d in &self.spec.dirs {
            w.push(format!("--dir={}::{}", self.dir.join(&d.host).display(), d.guest));
        }
        for (k, v) in &self.spec.env {
            w.push(format!("--env={k}={v}"));
        }
        if self.spec.network {
            w.extend(["-S".into(), "inherit-network".into()]);
        }
        if let Some(export) = &self.spec.invoke {
            w.extend(["--invoke".into(), export.clone()]);
        }
        w.push(self.artifact(target).display().to_string());
        w.extend(self.spec.args.iter().cloned());
        Ok(join_quoted(&w) + &self.stdin_redirect())
    }

    /// The build command the wasmtime line needs first.
    pub fn build_command(&self, target: Target) -> String {
        match target.triple() {
            Some(triple) => format!("cargo build -q -p {} --target {triple}", self.name),
            None => format!("cargo build -q --release -p {}", self.name),
        }
    }
}

/// Quotes a word for a POSIX shell only when it needs it, so commands stay readable.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

pub fn join_quoted(words: &[String]) -> String {
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml_text: &str) -> Result<Spec> {
        let v: toml::Value = toml::from_str(toml_text)?;
        let s = Spec::from_value(v)?;
        s.validate()?;
        Ok(s)
    }

    #[test]
    fn unknown_key_is_named() {
        let err = spec("targets = [\"wasip1\"]\nargz = [\"x\"]").unwrap_err().to_string();
        assert!(err.contains("unknown field `argz`"), "{err}");
    }

    #[test]
    fn bad_value_is_named() {
        let err = spec("targets = [\"wasip3\"]").unwrap_err().to_string();
        assert!(err.contains("wasip3"), "{err}");
        let err = spec("targets = [\"wasip1\"]\nexit-code = \"x\"").unwrap_err().to_string();
        assert!(err.contains("invalid type"), "{err}");
    }

    #[test]
    fn inconsistent_specs_are_refused() {
        for (toml, needle) in [
            ("targets = []", "`targets` is empty"),
            ("targets = [\"wasip1\"]\nkind = \"reactor\"", "needs `invoke`"),
            ("targets = [\"wasip1\"]\nnetwork = true", "WASI 0.1 has no sockets"),
            ("targets = [\"host\", \"wasip1\"]\nkind = \"host\"", "not both"),
            ("targets = [\"wasip1\"]\ninvoke = \"f\"", "for `kind = \"reactor\"`"),
        ] {
            let err = format!("{:#}", spec(toml).unwrap_err());
            assert!(err.contains(needle), "{toml}: {err}");
        }
    }

    #[test]
    fn commands_render_grants() {
        let s = spec(
            "targets = [\"wasip1\"]\nargs = [\"a b\"]\nenv = { GREETING = \"hi\" }\n\
             dirs = [{ host = \"data\", guest = \"/data\" }]",
        )
        .unwrap();
        let l = Listing {
            name: "files".into(),
            dir: "listings/ch/files".into(),
            spec: s,
            artifact_stem: "files".into(),
            is_cdylib: false,
        };
        assert_eq!(
            l.reader_command(Target::Wasip1),
            "WASI_RUNNER_FLAGS='--dir listings/ch/files/data::/data --env GREETING=hi' \
             cargo run -q -p files --target wasm32-wasip1 -- 'a b'"
        );
        assert_eq!(
            l.wasmtime_command(Target::Wasip1).unwrap(),
            "wasmtime run --dir=listings/ch/files/data::/data --env=GREETING=hi \
             target/wasm32-wasip1/debug/files.wasm 'a b'"
        );
    }
}
