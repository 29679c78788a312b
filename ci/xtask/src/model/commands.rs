//! The commands a page prints for a listing (the reader's `cargo run`, the `wasmtime run` line,
//! the build command), and the runner's arguments for the same run.

use super::{Build, FAILS_TARGET_DIR, Listing, RUSTFLAGS_TARGET_DIR, Run, Target, Toolchain};
use anyhow::Result;

impl Listing {
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

pub fn join_quoted(words: &[String]) -> String {
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}
