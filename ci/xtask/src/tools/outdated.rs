//! `cargo xtask outdated`: every pinned version beside the newest one available, so a bump
//! starts from facts. Informational only: it asks rustup and crates.io, and never fails the
//! tests (nothing in `ci/book test` calls it).

use crate::model::nightly_channel;
use crate::tools;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// One row: what is pinned, where, and what is newest.
pub struct Row {
    pub what: String,
    pub pinned: String,
    pub pinned_in: String,
    /// The newest release in the pinned series (same major version), if it differs.
    pub newest_in_series: Option<String>,
    pub newest: String,
}

pub fn rows(root: &Path) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    let check = rustup_check();
    let stable = toml_channel(&root.join("rust-toolchain.toml"))?;
    rows.push(Row {
        what: "Rust stable".into(),
        pinned: stable,
        pinned_in: "rust-toolchain.toml".into(),
        newest_in_series: None,
        newest: newest_from_rustup_check(&check, "stable"),
    });
    rows.push(Row {
        what: "Rust nightly".into(),
        pinned: nightly_channel(root)?,
        pinned_in: crate::model::NIGHTLY_PIN.into(),
        newest_in_series: None,
        newest: newest_from_rustup_check(&check, "nightly"),
    });
    for (krate, (version, file)) in exact_crate_pins(root)? {
        rows.push(crate_row(&krate, &version, &file));
    }
    for t in tools::pinned(root)? {
        rows.push(match t.source {
            tools::Source::Crates => crate_row(&t.krate, &t.version, "ci/tools.toml"),
            tools::Source::Npm => npm_row(&t.npm_package, &t.version),
            tools::Source::Pypi => pypi_row(&t.krate, &t.version),
        });
    }
    Ok(rows)
}

pub fn print(root: &Path) -> Result<()> {
    eprintln!("xtask: asking rustup and crates.io (informational; this never fails the tests)");
    println!("| What | Pinned | Pinned in | Newest in its series | Newest (← newer than pinned) |");
    println!("|---|---|---|---|---|");
    for r in rows(root)? {
        // A nightly's channel date and its commit date differ by a day or so: no arrow there.
        let newest_version = r.newest.split_whitespace().next().unwrap_or("");
        let mark = if newest_version == r.pinned || r.pinned.starts_with("nightly") {
            ""
        } else {
            " ←"
        };
        println!(
            "| {} | {} | `{}` | {} | {}{mark} |",
            r.what,
            r.pinned,
            r.pinned_in,
            r.newest_in_series.as_deref().unwrap_or("="),
            r.newest
        );
    }
    Ok(())
}

fn toml_channel(path: &Path) -> Result<String> {
    let doc: toml::Table = toml::from_str(&std::fs::read_to_string(path)?)?;
    doc.get("toolchain")
        .and_then(|t| t.get("channel"))
        .and_then(|c| c.as_str())
        .map(str::to_string)
        .with_context(|| format!("{}: no `[toolchain] channel`", path.display()))
}

fn rustup_check() -> String {
    Command::new("rustup")
        .arg("check")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// From a `rustup check` line such as
/// `stable-x86_64-unknown-linux-gnu - update available: 1.95.0 (… ) -> 1.99.1 (58cf8f9c3 2026-10-13)`
/// or `… - up to date: 1.99.1 (…)`. rustup only reports channels that are installed.
pub fn newest_from_rustup_check(check: &str, channel: &str) -> String {
    for line in check
        .lines()
        .filter(|l| l.starts_with(&format!("{channel}-")))
    {
        let tail = line
            .rsplit_once("-> ")
            .map(|(_, t)| t)
            .or_else(|| line.split_once("up to date: ").map(|(_, t)| t));
        if let Some(t) = tail {
            return t.trim().to_string();
        }
    }
    format!(
        "unknown (`rustup check` reports only installed channels: `rustup toolchain install {channel}`)"
    )
}

/// Every crate pinned with `=` in a workspace manifest, with the first file that pins it.
fn exact_crate_pins(root: &Path) -> Result<BTreeMap<String, (String, String)>> {
    let mut manifests = vec![root.join("Cargo.toml")];
    for dir in ["ci", "listings"] {
        let tomls = crate::book::files_with_extension(&root.join(dir), "toml")?;
        manifests.extend(
            tomls
                .into_iter()
                .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.toml")),
        );
    }
    let mut pins = BTreeMap::new();
    for m in manifests {
        let doc: toml::Table = toml::from_str(&std::fs::read_to_string(&m)?)?;
        let rel = m.strip_prefix(root).unwrap_or(&m).display().to_string();
        let tables = [
            doc.get("workspace").and_then(|w| w.get("dependencies")),
            doc.get("dependencies"),
            doc.get("dev-dependencies"),
            doc.get("build-dependencies"),
        ];
        for deps in tables.into_iter().flatten().filter_map(|d| d.as_table()) {
            for (name, spec) in deps {
                let version = spec
                    .as_str()
                    .or_else(|| spec.get("version").and_then(|v| v.as_str()));
                if let Some(v) = version.and_then(|v| v.strip_prefix('=')) {
                    pins.entry(name.clone())
                        .or_insert((v.to_string(), rel.clone()));
                }
            }
        }
    }
    Ok(pins)
}

fn crate_row(krate: &str, pinned: &str, file: &str) -> Row {
    let major = pinned.split('.').next().unwrap_or(pinned);
    // `cargo info NAME@MAJOR` resolves to the newest release of that series and says
    // `version: X (latest Y)` when a newer series exists.
    let (in_series, latest) = cargo_info(&format!("{krate}@{major}"));
    let newest = latest
        .or_else(|| in_series.clone())
        .unwrap_or_else(|| "unknown (`cargo info` failed)".into());
    Row {
        what: format!("`{krate}` crate"),
        pinned: pinned.into(),
        pinned_in: file.into(),
        newest_in_series: in_series.filter(|v| v != pinned && *v != newest),
        newest,
    }
}

fn npm_row(package: &str, pinned: &str) -> Row {
    let out = Command::new("npm")
        .args(["view", package, "version"])
        .current_dir(std::env::temp_dir())
        .output();
    let newest = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown (`npm view` failed)".into());
    Row {
        what: format!("`{package}` npm package"),
        pinned: pinned.into(),
        pinned_in: format!("ci/tools.toml, ci/npm-tools/{package}"),
        newest_in_series: None,
        newest,
    }
}

fn pypi_row(package: &str, pinned: &str) -> Row {
    // `pip index versions NAME` prints "NAME (NEWEST)" first.
    let out = Command::new("python3")
        .args(["-m", "pip", "index", "versions", package])
        .current_dir(std::env::temp_dir())
        .output();
    let newest = out
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            let first = text.lines().next()?.to_string();
            Some(first.split(['(', ')']).nth(1)?.to_string())
        })
        .unwrap_or_else(|| "unknown (`pip index versions` failed)".into());
    Row {
        what: format!("`{package}` PyPI package"),
        pinned: pinned.into(),
        pinned_in: "ci/tools.toml".into(),
        newest_in_series: None,
        newest,
    }
}

/// (`version:` of `cargo info SPEC`, its `(latest …)` if any), run outside the workspace so
/// the lockfile does not answer instead of the registry.
fn cargo_info(spec: &str) -> (Option<String>, Option<String>) {
    let out = crate::workspace::cargo(&std::env::temp_dir())
        .args(["info", "--quiet", spec])
        .output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    parse_cargo_info(&text)
}

pub fn parse_cargo_info(text: &str) -> (Option<String>, Option<String>) {
    let Some(line) = text.lines().find_map(|l| l.strip_prefix("version: ")) else {
        return (None, None);
    };
    match line.split_once(" (latest ") {
        Some((v, latest)) => (
            Some(v.trim().into()),
            Some(latest.trim_end_matches(')').trim().into()),
        ),
        None => (Some(line.trim().into()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rustup_check_and_cargo_info() {
        let check = "stable-x86_64-unknown-linux-gnu - update available: 1.95.0 (59807616e 2026-04-14) -> 1.99.1 (58cf8f9c3 2026-10-13)\n\
                     nightly-x86_64-unknown-linux-gnu - up to date: 1.101.0-nightly (92b5b8c87 2026-10-29)\n";
        assert_eq!(
            newest_from_rustup_check(check, "stable"),
            "1.99.1 (58cf8f9c3 2026-10-13)"
        );
        assert_eq!(
            newest_from_rustup_check(check, "nightly"),
            "1.101.0-nightly (92b5b8c87 2026-10-29)"
        );
        assert!(newest_from_rustup_check(check, "beta").starts_with("unknown"));
        let info = "wasmtime\nHigh-level API\nversion: 48.0.8 (latest 50.0.1)\nlicense: x\n";
        assert_eq!(
            parse_cargo_info(info),
            (Some("48.0.8".into()), Some("50.0.1".into()))
        );
        assert_eq!(
            parse_cargo_info("extism\nx\nversion: 1.41.0\n"),
            (Some("1.41.0".into()), None)
        );
        assert_eq!(parse_cargo_info("error: not found"), (None, None));
    }
}
