//! A listing's metadata, `[package.metadata.wasi-book]` in its `Cargo.toml`: typed, unknown
//! keys refused, and checked for what a contributor can get wrong (see CONTRIBUTING.md).

use super::{Build, Kind, TRAP_EXIT_CODE, Target, Toolchain};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

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
        // A guest or a library has no runs of its own (a host listing uses it).
        let runs = if matches!(header.kind, Kind::Guest | Kind::Library) {
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
            vec![]
        } else {
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
            runs
        };
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
