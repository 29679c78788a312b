//! The words a listing's metadata is made of: its target, kind, build and toolchain, and the
//! pinned nightly it may be built with.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

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

/// The pinned nightly's channel, its targets and its components.
pub fn nightly_pin(root: &Path) -> Result<(String, Vec<String>, Vec<String>)> {
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
    let list = |key: &str| -> Vec<String> {
        toolchain
            .get(key)
            .and_then(|t| t.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok((channel.to_string(), list("targets"), list("components")))
}
