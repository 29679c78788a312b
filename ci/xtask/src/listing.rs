//! A listing: one crate under `listings/<chapter>/<name>/`, and how the book builds and runs it,
//! declared in its `Cargo.toml` under `[package.metadata.wasi-book]` (see CONTRIBUTING.md).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use book_common::TRAP_EXIT_CODE;

/// Where a `build = "fails"` listing is built: it is its own workspace, so without this cargo
/// would create a `target/` inside `listings/`.
pub const FAILS_TARGET_DIR: &str = "target/build-fails";
/// Where listings with `rustflags` are built.
pub const RUSTFLAGS_TARGET_DIR: &str = "target/rustflags";

/// The metadata table's name: `[package.metadata.wasi-book]`.
pub const METADATA_KEY: &str = "wasi-book";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Wasip1,
    Wasip2,
    /// `wasm32-unknown-unknown`: WebAssembly with no WASI at all (only for `kind = "guest"`).
    Unknown,
    /// A native program (for example a host embedding wasmtime).
    Host,
}

impl Target {
    pub const ALL: [Target; 4] = [
        Target::Wasip1,
        Target::Wasip2,
        Target::Unknown,
        Target::Host,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Wasip1 => "wasip1",
            Target::Wasip2 => "wasip2",
            Target::Unknown => "unknown",
            Target::Host => "host",
        }
    }

    /// The rustc target triple, `None` for the host.
    pub fn triple(self) -> Option<&'static str> {
        match self {
            Target::Wasip1 => Some("wasm32-wasip1"),
            Target::Wasip2 => Some("wasm32-wasip2"),
            Target::Unknown => Some("wasm32-unknown-unknown"),
            Target::Host => None,
        }
    }

    pub fn parse(s: &str) -> Result<Target> {
        Target::ALL
            .into_iter()
            .find(|t| t.name() == s || t.triple() == Some(s))
            .with_context(|| {
                format!("unknown target `{s}` (expected wasip1, wasip2, unknown or host)")
            })
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
    /// A WebAssembly module that a host listing runs (`requires`): built, never run alone.
    Guest,
    /// A native library that host listings link (a Cargo dependency): built, never run alone.
    Library,
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

/// The toolchain a listing is built with. Both are pinned and installed by `ci/book`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Toolchain {
    /// `rust-toolchain.toml`'s, as every cargo command in the repository uses by default.
    #[default]
    Stable,
    /// `ci/nightly-toolchain.toml`'s, selected with `cargo +<channel>`.
    Nightly,
}

/// The file that pins the nightly, relative to the repository root.
pub const NIGHTLY_PIN: &str = "ci/nightly-toolchain.toml";

/// The pinned nightly's channel, such as `nightly-2026-10-29`.
pub fn nightly_channel(root: &Path) -> Result<String> {
    Ok(nightly_pin(root)?.0)
}

/// The pinned nightly's channel and its targets.
pub fn nightly_pin(root: &Path) -> Result<(String, Vec<String>)> {
    let path = root.join(NIGHTLY_PIN);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("{NIGHTLY_PIN} is not valid TOML"))?;
    let toolchain = doc
        .get("toolchain")
        .with_context(|| format!("{NIGHTLY_PIN}: no `[toolchain]`"))?;
    let channel = toolchain
        .get("channel")
        .and_then(|c| c.as_str())
        .with_context(|| format!("{NIGHTLY_PIN}: no `[toolchain] channel`"))?;
    let targets = toolchain
        .get("targets")
        .and_then(|t| t.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok((channel.to_string(), targets))
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

/// `exit-code = 42`, or per target: `exit-code = { wasip1 = 42, wasip2 = 1 }` (unlisted: 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitCode {
    All(i32),
    PerTarget(BTreeMap<Target, i32>),
}

impl<'de> Deserialize<'de> for ExitCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Hand-written rather than `untagged`, so a bad value gets a message that says what
        // is expected instead of "did not match any variant".
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ExitCode;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "an exit code, or a table of them per target like { wasip1 = 42, wasip2 = 1 }",
                )
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ExitCode, E> {
                i32::try_from(v)
                    .map(ExitCode::All)
                    .map_err(|_| E::custom("exit code out of range"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ExitCode, E> {
                i32::try_from(v)
                    .map(ExitCode::All)
                    .map_err(|_| E::custom("exit code out of range"))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, a: A) -> Result<ExitCode, A::Error> {
                BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(a))
                    .map(ExitCode::PerTarget)
            }
        }
        d.deserialize_any(V)
    }
}

impl Default for ExitCode {
    fn default() -> Self {
        ExitCode::All(0)
    }
}

impl ExitCode {
    pub fn for_target(&self, t: Target) -> i32 {
        match self {
            ExitCode::All(c) => *c,
            ExitCode::PerTarget(m) => m.get(&t).copied().unwrap_or(0),
        }
    }
}

/// Output that varies from run to run (a time, a random number) is replaced by a fixed text
/// before it is compared; the book still shows the real output. Whatever property makes the
/// output right (a clock that never goes back, a length) the listing checks and prints itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redact {
    pub pattern: String,
    pub with: String,
}

impl PartialEq for Redact {
    fn eq(&self, o: &Self) -> bool {
        (&self.pattern, &self.with) == (&o.pattern, &o.with)
    }
}
impl Eq for Redact {}

/// One way of running a listing: the listing's top-level keys are its main run; `runs` adds
/// named ones (the same program with other grants, say), each recorded in its own transcript.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Run {
    /// Empty for the main run; a named run's transcript is `output.<name>.<target>.txt`.
    pub name: String,
    /// Only these of the listing's targets (default: all of them).
    pub targets: Option<Vec<Target>>,
    /// argv[1..] for a command; the arguments of `invoke` when an export is called.
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// A file (relative to the listing) fed to stdin; none means stdin is empty.
    pub stdin: Option<String>,
    pub dirs: Vec<Dir>,
    /// Grant TCP/UDP and name lookup (WASI 0.2). Off: the guest is denied.
    pub network: bool,
    /// Call this export (after `_initialize`, if exported) instead of running `_start`.
    pub invoke: Option<String>,
    /// Further calls on the same instance, each "export arg...".
    pub calls: Vec<String>,
    pub exit_code: ExitCode,
    pub redact: Vec<Redact>,
    /// Wall-clock limit for one run, in milliseconds (the runner's default otherwise).
    pub deadline_ms: Option<u64>,
    /// Linear-memory cap in MiB (the runner's default otherwise).
    pub memory_mib: Option<u64>,
    /// This run fails on purpose, and why, in a few words ("the second call traps"). The page
    /// marks the run with it, before its command. Required for a trap and a failing build.
    pub failure: Option<String>,
}

/// The keys that describe the listing as a whole; everything else at the top level is its
/// main run.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Header {
    targets: Vec<Target>,
    #[serde(default)]
    kind: Kind,
    #[serde(default)]
    build: Build,
    #[serde(default)]
    rustc_args: Vec<String>,
    #[serde(default)]
    rustflags: Vec<String>,
    #[serde(default)]
    toolchain: Toolchain,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    runs: Vec<serde_json::Value>,
}
const HEADER_KEYS: [&str; 8] = [
    "targets",
    "kind",
    "build",
    "rustc-args",
    "rustflags",
    "toolchain",
    "requires",
    "runs",
];

/// `[package.metadata.wasi-book]`. An unknown key is an error, so a typo cannot silently drop
/// a grant or an expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub targets: Vec<Target>,
    pub kind: Kind,
    pub build: Build,
    /// Extra rustc arguments: the listing is built with `cargo rustc ... -- ARGS` on its own.
    pub rustc_args: Vec<String>,
    /// `RUSTFLAGS` for the whole build, dependencies included (a `--cfg` such as
    /// `tokio_unstable` that a dependency reads): the listing is built on its own, into
    /// `RUSTFLAGS_TARGET_DIR`, so its dependencies never overwrite the other listings' builds.
    pub rustflags: Vec<String>,
    /// Which pinned toolchain builds it: stable (`rust-toolchain.toml`) or the pinned nightly
    /// (`ci/nightly-toolchain.toml`), for the flags only nightly accepts.
    pub toolchain: Toolchain,
    /// Listings to build first, as `name:target` (a host program's guests).
    pub requires: Vec<(String, Target)>,
    /// The main run first, then the named ones.
    pub runs: Vec<Run>,
}

impl Spec {
    /// Parses a metadata table, given as JSON (from `cargo metadata`) or as TOML.
    pub fn from_value(value: impl serde::Serialize) -> Result<Spec> {
        let value = serde_json::to_value(value)?;
        let serde_json::Value::Object(mut table) = value else {
            bail!("is not a table")
        };
        let header_table: serde_json::Map<String, serde_json::Value> = HEADER_KEYS
            .iter()
            .filter_map(|k| table.remove(*k).map(|v| (k.to_string(), v)))
            .collect();
        // serde_path_to_error puts the offending key in front of the message.
        let header: Header =
            serde_path_to_error::deserialize(serde_json::Value::from(header_table))?;
        if table.contains_key("name") {
            bail!("`name` is only for the entries of `runs`");
        }
        if matches!(header.kind, Kind::Guest | Kind::Library) {
            if let Some(key) = table
                .keys()
                .next()
                .cloned()
                .or(header.runs.first().map(|_| "runs".to_string()))
            {
                bail!(
                    "`{key}`: a `kind = \"guest\"` or `\"library\"` listing has no runs of its own (a host listing uses it)"
                );
            }
            return Ok(Spec {
                targets: header.targets,
                kind: header.kind,
                build: header.build,
                rustc_args: header.rustc_args,
                rustflags: header.rustflags,
                toolchain: header.toolchain,
                requires: vec![],
                runs: vec![],
            });
        }
        let mut runs = vec![serde_path_to_error::deserialize::<_, Run>(
            serde_json::Value::from(table),
        )?];
        for (i, r) in header.runs.into_iter().enumerate() {
            let run: Run =
                serde_path_to_error::deserialize(r).with_context(|| format!("runs[{i}]"))?;
            if run.name.is_empty()
                || !run
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                bail!("runs[{i}]: needs a `name` of letters, digits and dashes");
            }
            if runs.iter().any(|r| r.name == run.name) {
                bail!("runs[{i}]: two runs are named `{}`", run.name);
            }
            runs.push(run);
        }
        let requires = header
            .requires
            .iter()
            .map(|r| match r.split_once(':') {
                Some((name, t)) => Ok((name.to_string(), Target::parse(t)?)),
                None => bail!("`requires`: `{r}` is not `listing:target`"),
            })
            .collect::<Result<_>>()?;
        Ok(Spec {
            targets: header.targets,
            kind: header.kind,
            build: header.build,
            rustc_args: header.rustc_args,
            rustflags: header.rustflags,
            toolchain: header.toolchain,
            requires,
            runs,
        })
    }

    pub fn validate(&self) -> Result<()> {
        if self.targets.is_empty() {
            bail!("`targets` is empty: give at least one of wasip1, wasip2, host");
        }
        let host = self.targets.contains(&Target::Host);
        if host && self.targets.len() > 1 {
            bail!("`targets`: a listing is either `host` or WASI (wasip1/wasip2), not both");
        }
        if self.targets.contains(&Target::Unknown) && self.kind != Kind::Guest {
            bail!(
                "`targets`: wasm32-unknown-unknown has no WASI to run with; only a `kind = \"guest\"` listing may use it"
            );
        }
        match self.kind {
            Kind::Host if !host => bail!("`kind = \"host\"` needs `targets = [\"host\"]`"),
            Kind::Library if !host => bail!(
                "`kind = \"library\"` needs `targets = [\"host\"]` (a WebAssembly library is a `guest`)"
            ),
            Kind::Command | Kind::Reactor | Kind::Guest if host => {
                bail!("`targets = [\"host\"]` needs `kind = \"host\"`")
            }
            Kind::Reactor if self.targets.contains(&Target::Wasip2) => {
                bail!(
                    "`kind = \"reactor\"` is WASI 0.1 only: a wasip2 library is a component with typed exports"
                )
            }
            _ => {}
        }
        for run in &self.runs {
            let at = if run.name.is_empty() {
                String::new()
            } else {
                format!("run `{}`: ", run.name)
            };
            let targets = self.targets_of(run);
            if let Some(ts) = &run.targets
                && let Some(t) = ts.iter().find(|t| !self.targets.contains(t))
            {
                bail!(
                    "{at}`targets` names {}, which the listing is not built for",
                    t.name()
                );
            }
            match self.kind {
                Kind::Reactor if run.invoke.is_none() => {
                    bail!("{at}`kind = \"reactor\"` needs `invoke` (the export to call)")
                }
                Kind::Host if run.invoke.is_some() => {
                    bail!("{at}`invoke` and `calls` are for WebAssembly listings")
                }
                _ => {}
            }
            if !run.calls.is_empty() && run.invoke.is_none() {
                bail!("{at}`calls` needs `invoke` first");
            }
            if run.network && targets.contains(&Target::Wasip1) {
                bail!(
                    "{at}`network = true` with wasip1: WASI 0.1 has no sockets API to grant (limit the run with `targets`)"
                );
            }
            if let Some(ms) = run.deadline_ms
                && !(1..=book_common::MAX_DEADLINE_MS).contains(&ms)
            {
                bail!(
                    "{at}`deadline-ms = {ms}` is outside 1..={}",
                    book_common::MAX_DEADLINE_MS
                );
            }
            if let Some(mib) = run.memory_mib
                && !(1..=book_common::MAX_MEMORY_MIB as u64).contains(&mib)
            {
                bail!(
                    "{at}`memory-mib = {mib}` is outside 1..={} (a 32-bit linear memory's largest size)",
                    book_common::MAX_MEMORY_MIB
                );
            }
            for d in &run.dirs {
                let inside = !Path::new(&d.host).is_absolute()
                    && Path::new(&d.host).components().all(|c| {
                        matches!(
                            c,
                            std::path::Component::Normal(_) | std::path::Component::CurDir
                        )
                    });
                if !inside {
                    bail!(
                        "{at}`dirs`: `host = \"{}\"` is not a directory inside the listing: a run may \
                         only be granted its own files (write a relative path such as \"data\")",
                        d.host
                    );
                }
            }
            for t in &targets {
                let c = run.exit_code.for_target(*t);
                if !(0..=255).contains(&c) {
                    bail!("{at}`exit-code = {c}` is outside 0..=255");
                }
                // wasmtime-wasi refuses `proc_exit(n)` for n >= 126 with an error (exit status 1),
                // so a WASI 0.1 run can end with 0..=125, or the runner's trap status.
                if *t == Target::Wasip1 && c >= 126 && c != TRAP_EXIT_CODE {
                    bail!(
                        "{at}`exit-code = {c}` cannot happen on wasip1: wasmtime-wasi turns `proc_exit({c})` into an \
                         error (\"exit with invalid exit status outside of [0..126)\"), which exits with 1"
                    );
                }
            }
            let traps = targets
                .iter()
                .any(|t| run.exit_code.for_target(*t) == TRAP_EXIT_CODE);
            if run.failure.is_none() && (traps || self.build == Build::Fails) {
                let what = if traps {
                    "traps"
                } else {
                    "is a build that fails"
                };
                bail!(
                    "{at}this run {what}: say why in `failure = \"...\"`, so the page marks it as a failure on purpose"
                );
            }
            for r in &run.redact {
                regex::Regex::new(&r.pattern)
                    .with_context(|| format!("{at}`redact`: bad pattern `{}`", r.pattern))?;
            }
        }
        Ok(())
    }

    /// The targets a run applies to.
    pub fn targets_of(&self, run: &Run) -> Vec<Target> {
        match &run.targets {
            Some(ts) => ts.clone(),
            None => self.targets.clone(),
        }
    }

    pub fn run(&self, name: &str) -> Option<&Run> {
        self.runs.iter().find(|r| r.name == name)
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

    /// Grants and calls as runner flags (`wasi-runner` and `ci/wasi-run` take these).
    fn runner_flags(&self, run: &Run) -> Vec<String> {
        let mut f = Vec::new();
        for d in &run.dirs {
            f.push(if d.read_only {
                "--dir-ro".into()
            } else {
                "--dir".into()
            });
            f.push(format!("{}::{}", self.dir.join(&d.host).display(), d.guest));
        }
        for (k, v) in &run.env {
            f.push("--env".into());
            f.push(format!("{k}={v}"));
        }
        if run.network {
            f.extend(["-S".into(), "inherit-network".into()]);
        }
        if let Some(ms) = run.deadline_ms {
            f.push(format!("--deadline-ms={ms}"));
        }
        if let Some(mib) = run.memory_mib {
            f.push(format!("--memory-mib={mib}"));
        }
        // Every call as its own `--call 'NAME ARG...'`, the first included, so the command line
        // reads as the sequence of calls it makes.
        if let Some(export) = &run.invoke {
            let first = std::iter::once(export.clone())
                .chain(run.args.iter().cloned())
                .collect::<Vec<_>>();
            f.extend(["--call".into(), join_quoted(&first)]);
        }
        for c in &run.calls {
            f.extend(["--call".into(), c.clone()]);
        }
        f
    }

    /// The runner's full argument list for one target (wasm targets only).
    pub fn runner_args(&self, run: &Run, target: Target) -> Vec<String> {
        let mut a = self.runner_flags(run);
        a.push(self.artifact(target).display().to_string());
        if run.invoke.is_none() {
            a.extend(run.args.iter().cloned());
        }
        a
    }

    fn stdin_redirect(&self, run: &Run) -> String {
        match &run.stdin {
            Some(f) => format!(" < {}", quote(&self.dir.join(f).display().to_string())),
            None => String::new(),
        }
    }

    /// The command a reader types, from the repository root, with the project's own tools.
    pub fn reader_command(&self, run: &Run, target: Target) -> String {
        if self.spec.build == Build::Fails {
            let triple = target
                .triple()
                .map(|t| format!(" --target {t}"))
                .unwrap_or_default();
            return format!(
                "cargo {}build -q --manifest-path {}{triple} --target-dir {FAILS_TARGET_DIR}",
                self.toolchain_prefix(),
                self.dir.join("Cargo.toml").display()
            );
        }
        // With `invoke`, the arguments are the first call's, inside its `--call`.
        let args = if run.args.is_empty() || run.invoke.is_some() {
            String::new()
        } else {
            format!(" -- {}", join_quoted(&run.args))
        };
        let cmd = match target.triple() {
            None => format!(
                "{}cargo run -q --release -p {}{args}",
                self.requires_prefix(),
                self.name
            ),
            // A cdylib has nothing for `cargo run` to run, and `cargo run` would not pass
            // `rustc-args`: build it as declared, then hand it to the runner.
            Some(_) if self.is_cdylib || self.builds_alone() => {
                format!(
                    "{} && ci/wasi-run {}",
                    self.build_command(target),
                    join_quoted(&self.runner_args(run, target))
                )
            }
            Some(triple) => {
                let flags = self.runner_flags(run);
                let env = if flags.is_empty() {
                    String::new()
                } else {
                    format!("WASI_RUNNER_FLAGS={} ", quote(&join_quoted(&flags)))
                };
                format!("{env}cargo run -q -p {} --target {triple}{args}", self.name)
            }
        };
        cmd + &self.stdin_redirect(run)
    }

    /// The same run with the official `wasmtime` CLI (after `cargo build`), or why there is none.
    pub fn wasmtime_command(&self, run: &Run, target: Target) -> Result<String, &'static str> {
        if target == Target::Host || self.spec.build == Build::Fails {
            return Err("not a WebAssembly run");
        }
        if run.dirs.iter().any(|d| d.read_only) {
            // wasmtime#9608: `--dir` always grants read-write; `HOST::GUEST::ro` is silently
            // taken as read-write, so we must not suggest it.
            return Err("`wasmtime run` cannot preopen a directory read-only (wasmtime#9608)");
        }
        if !run.calls.is_empty() {
            return Err("`wasmtime run --invoke` makes one call per instance");
        }
        if run.deadline_ms.is_some() || run.memory_mib.is_some() {
            return Err("the listing relies on the book runner's deadline or memory cap");
        }
        let mut w = vec!["wasmtime".to_string(), "run".to_string()];
        for d in &run.dirs {
            w.push(format!(
                "--dir={}::{}",
                self.dir.join(&d.host).display(),
                d.guest
            ));
        }
        for (k, v) in &run.env {
            w.push(format!("--env={k}={v}"));
        }
        if run.network {
            w.extend(["-S".into(), "inherit-network".into()]);
        }
        if let Some(export) = &run.invoke {
            w.extend(["--invoke".into(), export.clone()]);
        }
        w.push(self.artifact(target).display().to_string());
        w.extend(run.args.iter().cloned());
        Ok(join_quoted(&w) + &self.stdin_redirect(run))
    }

    /// How this listing is built for `target`: cargo's arguments (the first may be a
    /// `+toolchain`). Everything that builds a listing (the tests, `show`, the commands in the
    /// book) goes through here.
    pub fn build_invocation(&self, target: Target) -> Vec<String> {
        let sub = if self.spec.rustc_args.is_empty() {
            "build"
        } else {
            "rustc"
        };
        let mut args: Vec<String> = self.cargo_toolchain.iter().cloned().collect();
        args.extend([sub.into(), "-q".into(), "-p".into(), self.name.clone()]);
        match target.triple() {
            Some(triple) => args.extend(["--target".into(), triple.into()]),
            None => args.push("--release".into()),
        }
        if !self.spec.rustflags.is_empty() {
            args.extend(["--target-dir".into(), RUSTFLAGS_TARGET_DIR.into()]);
        }
        if !self.spec.rustc_args.is_empty() {
            args.push("--".into());
            args.extend(self.spec.rustc_args.iter().cloned());
        }
        args
    }

    /// `+nightly-… ` before a cargo subcommand, or nothing.
    pub fn toolchain_prefix(&self) -> String {
        self.cargo_toolchain
            .as_ref()
            .map(|t| format!("{t} "))
            .unwrap_or_default()
    }

    /// The build command as a reader types it, after the builds of what it requires.
    pub fn build_command(&self, target: Target) -> String {
        let env = self
            .rustflags_env()
            .map(|v| format!("RUSTFLAGS={} ", quote(&v)))
            .unwrap_or_default();
        format!(
            "{}{env}cargo {}",
            self.requires_prefix(),
            join_quoted(&self.build_invocation(target))
        )
    }

    /// The `RUSTFLAGS` value its build needs, if any.
    pub fn rustflags_env(&self) -> Option<String> {
        (!self.spec.rustflags.is_empty()).then(|| self.spec.rustflags.join(" "))
    }

    /// `cargo build ... && ` for each required listing, or nothing.
    fn requires_prefix(&self) -> String {
        self.spec
            .requires
            .iter()
            .map(|(name, t)| match t.triple() {
                Some(triple) => format!("cargo build -q -p {name} --target {triple} && "),
                None => format!("cargo build -q --release -p {name} && "),
            })
            .collect()
    }

    /// Built by its own command rather than with the other listings of its target.
    pub fn builds_alone(&self) -> bool {
        !self.spec.rustc_args.is_empty()
            || !self.spec.rustflags.is_empty()
            || self.spec.toolchain == Toolchain::Nightly
    }
}

/// Quotes a word for a POSIX shell only when it needs it, so commands stay readable.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

pub use book_common::rel;

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
    fn named_runs_and_per_target_exit_codes() {
        let s = spec(
            "targets = [\"wasip1\", \"wasip2\"]\nexit-code = { wasip1 = 42, wasip2 = 1 }\n\
             runs = [{ name = \"denied\", targets = [\"wasip2\"], args = [\"x\"] }]",
        )
        .unwrap();
        assert_eq!(s.runs.len(), 2);
        assert_eq!(s.runs[0].exit_code.for_target(Target::Wasip1), 42);
        assert_eq!(s.runs[0].exit_code.for_target(Target::Wasip2), 1);
        assert_eq!(s.targets_of(&s.runs[1]), vec![Target::Wasip2]);
        let err = format!(
            "{:#}",
            spec("targets = [\"wasip1\"]\nruns = [{ name = \"a\", argz = [] }]").unwrap_err()
        );
        assert!(
            err.contains("runs[0]") && err.contains("unknown field `argz`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let err = spec("targets = [\"wasip1\"]\nargz = [\"x\"]")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `argz`"), "{err}");
    }

    #[test]
    fn bad_value_is_named() {
        for (toml, expected) in [
            (
                "dirs = [{ host = \"/\", guest = \"/\" }]",
                "`dirs`: `host = \"/\"` is not a directory inside the listing",
            ),
            (
                "dirs = [{ host = \"data/../..\", guest = \"/d\" }]",
                "`host = \"data/../..\"` is not a directory inside the listing",
            ),
            ("deadline-ms = 0", "`deadline-ms = 0` is outside 1..=180000"),
            (
                "memory-mib = 99999",
                "`memory-mib = 99999` is outside 1..=4096",
            ),
        ] {
            let err = spec(&format!("targets = [\"wasip1\"]\n{toml}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{toml}: {err}");
        }
        let err = spec("targets = [\"wasip3\"]").unwrap_err().to_string();
        assert!(err.contains("wasip3"), "{err}");
        let err = spec("targets = [\"wasip1\"]\nexit-code = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("exit-code: invalid type: string \"x\", expected an exit code"),
            "{err}"
        );
    }

    #[test]
    fn inconsistent_specs_are_refused() {
        for (toml, needle) in [
            ("targets = []", "`targets` is empty"),
            (
                "targets = [\"wasip1\"]\nkind = \"reactor\"",
                "needs `invoke`",
            ),
            (
                "targets = [\"wasip1\"]\nnetwork = true",
                "WASI 0.1 has no sockets",
            ),
            (
                "targets = [\"host\", \"wasip1\"]\nkind = \"host\"",
                "not both",
            ),
            (
                "targets = [\"wasip1\"]\ncalls = [\"f\"]",
                "`calls` needs `invoke` first",
            ),
            (
                "targets = [\"wasip1\"]\nkind = \"library\"",
                "a WebAssembly library is a `guest`",
            ),
            (
                "targets = [\"wasip1\", \"wasip2\"]\nexit-code = 200",
                "cannot happen on wasip1",
            ),
            (
                "targets = [\"host\"]\nkind = \"library\"\nargs = [\"x\"]",
                "has no runs of its own",
            ),
        ] {
            let err = format!("{:#}", spec(toml).unwrap_err());
            assert!(err.contains(needle), "{toml}: {err}");
        }
    }

    #[test]
    fn a_nightly_listing_is_built_with_cargo_plus_the_pinned_channel() {
        let s = spec("targets = [\"wasip1\"]\nkind = \"reactor\"\ntoolchain = \"nightly\"\nrustc-args = [\"-Z\", \"wasi-exec-model=reactor\"]\ninvoke = \"add\"").unwrap();
        assert_eq!(s.toolchain, Toolchain::Nightly);
        let l = Listing {
            name: "exec-model-bin".into(),
            dir: "listings/ch/exec-model-bin".into(),
            spec: s,
            artifact_stem: "exec-model-bin".into(),
            is_cdylib: false,
            cargo_toolchain: Some("+nightly-2026-10-29".into()),
        };
        assert!(l.builds_alone());
        assert_eq!(
            l.build_command(Target::Wasip1),
            "cargo +nightly-2026-10-29 rustc -q -p exec-model-bin --target wasm32-wasip1 -- -Z wasi-exec-model=reactor"
        );
        let err = spec("targets = [\"wasip1\"]\ntoolchain = \"beta\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("toolchain") && err.contains("beta"), "{err}");
    }

    #[test]
    fn a_listing_with_rustflags_is_built_alone_with_them_into_its_own_target_dir() {
        let s = spec(
            "targets = [\"wasip2\"]\nrustflags = [\"--cfg\", \"tokio_unstable\"]\nnetwork = true",
        )
        .unwrap();
        let l = Listing {
            name: "tokio-unstable".into(),
            dir: "listings/ch/tokio-unstable".into(),
            spec: s,
            artifact_stem: "tokio-unstable".into(),
            is_cdylib: false,
            cargo_toolchain: None,
        };
        assert!(l.builds_alone());
        assert_eq!(
            l.artifact(Target::Wasip2),
            PathBuf::from("target/rustflags/wasm32-wasip2/debug/tokio-unstable.wasm")
        );
        assert_eq!(
            l.reader_command(&l.spec.runs[0], Target::Wasip2),
            "RUSTFLAGS='--cfg tokio_unstable' cargo build -q -p tokio-unstable --target wasm32-wasip2 --target-dir \
             target/rustflags && ci/wasi-run -S inherit-network target/rustflags/wasm32-wasip2/debug/tokio-unstable.wasm"
        );
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
            cargo_toolchain: None,
        };
        let run = &l.spec.runs[0];
        assert_eq!(
            l.reader_command(run, Target::Wasip1),
            "WASI_RUNNER_FLAGS='--dir listings/ch/files/data::/data --env GREETING=hi' \
             cargo run -q -p files --target wasm32-wasip1 -- 'a b'"
        );
        assert_eq!(
            l.wasmtime_command(run, Target::Wasip1).unwrap(),
            "wasmtime run --dir=listings/ch/files/data::/data --env=GREETING=hi \
             target/wasm32-wasip1/debug/files.wasm 'a b'"
        );
    }
}
