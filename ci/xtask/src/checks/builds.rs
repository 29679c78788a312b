//! One release build of each Wasmtime. Cargo compiles a crate again, under another hash,
//! whenever its features or those of anything below it differ between two builds. In this
//! workspace that silently costs minutes per fresh clone (a `std` feature on the runner's
//! `sha2` once recompiled all of Wasmtime 48). This check asks cargo which `wasmtime` rlib
//! each release binary links and fails if one version has more than one.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// The crate whose builds are counted.
const CRATE: &str = "wasmtime";

/// One binary's `wasmtime` build: (package built, wasmtime version, rlib file name).
pub type Linked = (String, String, String);

/// Which `wasmtime` rlib each package links, from `cargo build --release --message-format=json`
/// (everything is already built by then, so this only reads cargo's fingerprints).
pub fn linked(root: &Path, packages: &[&str]) -> Result<Vec<Linked>> {
    let mut out = Vec::new();
    for p in packages {
        let o = crate::workspace::cargo(root)
            .args(["build", "-q", "--release", "--message-format=json", "-p", p])
            .output()
            .context("cannot run cargo")?;
        anyhow::ensure!(
            o.status.success(),
            "`cargo build --release -p {p}` failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        for line in String::from_utf8_lossy(&o.stdout).lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if msg["reason"] != "compiler-artifact" || msg["target"]["name"] != CRATE {
                continue;
            }
            // `registry+https://...#wasmtime@48.0.8`
            let version = msg["package_id"]
                .as_str()
                .and_then(|id| id.rsplit_once('@'))
                .map(|(_, v)| v.to_string());
            let rlib = msg["filenames"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.as_str())
                .find(|f| f.ends_with(".rlib"))
                .and_then(|f| f.rsplit('/').next())
                .map(str::to_string);
            if let (Some(version), Some(rlib)) = (version, rlib) {
                out.push((p.to_string(), version, rlib));
            }
        }
        // Every package here embeds Wasmtime: finding none means this check reads cargo wrong,
        // and would otherwise pass without looking.
        anyhow::ensure!(
            out.iter().any(|(q, ..)| q == p),
            "cargo reported no `{CRATE}` artifact for `{p}`"
        );
    }
    Ok(out)
}

/// The packages among `candidates` that link a Wasmtime (directly or through a dependency such
/// as extism), from cargo's resolved dependency graph.
pub fn embedders(root: &Path, candidates: &[&str]) -> Result<Vec<String>> {
    let meta = cargo_metadata::MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .exec()
        .context("`cargo metadata` failed")?;
    let resolve = meta
        .resolve
        .as_ref()
        .context("`cargo metadata` returned no dependency graph")?;
    let nodes: BTreeMap<_, _> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let name = |id: &cargo_metadata::PackageId| {
        meta.packages
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.to_string())
    };
    let mut found = vec![];
    for pkg in meta.workspace_packages() {
        if !candidates.contains(&pkg.name.as_str()) {
            continue;
        }
        // Walk the graph from the package until a `wasmtime` turns up.
        let mut stack = vec![&pkg.id];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            if id != &pkg.id && name(id).as_deref() == Some(CRATE) {
                found.push(pkg.name.to_string());
                break;
            }
            if let Some(node) = nodes.get(id) {
                stack.extend(node.dependencies.iter());
            }
        }
    }
    Ok(found)
}

/// A problem for each version of `wasmtime` that is built more than one way.
pub fn duplicates(linked: &[Linked]) -> Vec<String> {
    let mut by_version: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for (package, version, rlib) in linked {
        by_version
            .entry(version)
            .or_default()
            .entry(rlib)
            .or_default()
            .push(package);
    }
    by_version
        .into_iter()
        .filter(|(_, builds)| builds.len() > 1)
        .map(|(version, builds)| {
            let ways: Vec<String> = builds.iter().map(|(rlib, pkgs)| format!("{rlib} for {}", pkgs.join(", "))).collect();
            format!(
                "{CRATE} {version} is compiled {} ways in release mode: {}. Some dependency's features differ \
                 between these builds; compare `cargo tree -e features -p A` with `-p B`",
                builds.len(),
                ways.join("; ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(p: &str, v: &str, r: &str) -> Linked {
        (p.into(), v.into(), r.into())
    }

    #[test]
    fn one_build_per_version_passes_and_two_are_named() {
        let shared = [
            l("wasi-runner", "48.0.8", "libwasmtime-a.rlib"),
            l("reactor-host", "48.0.8", "libwasmtime-a.rlib"),
        ];
        assert!(
            duplicates(
                &[
                    &shared[..],
                    &[l("extism-host", "43.0.2", "libwasmtime-b.rlib")]
                ]
                .concat()
            )
            .is_empty()
        );
        let split = [
            &shared[..],
            &[l("reactor-bench", "48.0.8", "libwasmtime-c.rlib")],
        ]
        .concat();
        let problems = duplicates(&split);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("wasmtime 48.0.8 is compiled 2 ways"),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].contains("libwasmtime-c.rlib for reactor-bench"),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].contains("libwasmtime-a.rlib for wasi-runner, reactor-host"),
            "{}",
            problems[0]
        );
    }
}
