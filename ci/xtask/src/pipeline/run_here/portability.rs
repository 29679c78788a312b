//! What the browser test saw per run (`ci/browser-portability.toml`), checked against the runs
//! that have a Run button, and the portability appendix's tables drawn from it.

use super::{DIR, PORTABILITY, key, module_path, why_not};
use crate::model::{Build, Kind, Listing, Target};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

/// What the browser test last saw for each run, as committed: `same`, or how it differs and
/// the digest of all it printed.
pub fn portability(root: &Path) -> Result<BTreeMap<String, (String, String)>> {
    let text = std::fs::read_to_string(root.join(PORTABILITY)).unwrap_or_default();
    parse(&text).context(PORTABILITY)
}

/// The entries of a portability file: per run, what the browser saw and its digest.
fn parse(text: &str) -> Result<BTreeMap<String, (String, String)>> {
    let table: toml::Table = toml::from_str(text)?;
    table
        .into_iter()
        .map(|(k, v)| {
            let field = |name: &str| v.get(name).and_then(|b| b.as_str()).map(str::to_string);
            match field("browser") {
                Some(b) => Ok((k, (b, field("digest").unwrap_or_default()))),
                None => bail!("[\"{k}\"] has no `browser = \"...\"`"),
            }
        })
        .collect()
}

/// Runs recorded in `ci/browser-portability.toml` that have no Run button (a stale entry the
/// portability appendix would still show), and Run buttons with no entry.
pub fn portability_problems(root: &Path, listings: &[Listing]) -> Result<Vec<String>> {
    let seen = portability(root)?;
    let mut runnable = std::collections::BTreeSet::new();
    for l in listings {
        for (run, target) in l.runs() {
            if why_not(l, run, target).is_none() {
                runnable.insert(key(l, run, target));
            }
        }
    }
    let mut problems = vec![];
    for k in seen.keys().filter(|k| !runnable.contains(*k)) {
        problems.push(format!(
            "{PORTABILITY} records [\"{k}\"], which has no Run button: remove it (or run `ci/book test`, then `cargo xtask portability --bless`)"
        ));
    }
    for k in runnable.iter().filter(|k| !seen.contains_key(*k)) {
        problems.push(format!(
            "[\"{k}\"] has a Run button but no entry in {PORTABILITY}: run `ci/book test`, then `cargo xtask portability --bless`"
        ));
    }
    Ok(problems)
}

/// The portability appendix's tables (`cargo xtask portability`): every run of every command
/// listing, what the browser test saw on each JavaScript WASI implementation, and what the
/// Run buttons add to a page's weight.
pub fn tables(root: &Path, listings: &[Listing]) -> Result<String> {
    let seen = portability(root)?;
    let mut md = String::from(
        "| Listing and run | Target | Wasmtime (the transcript) | In the browser |\n|---|---|---|---|\n",
    );
    for l in listings.iter().filter(|l| l.spec.kind == Kind::Command) {
        for run in &l.spec.runs {
            for target in l.spec.targets_of(run) {
                let wasmtime = match l.spec.build {
                    Build::Fails => "does not compile".to_string(),
                    Build::Ok => format!("exit status {}", run.exit_code.for_target(target)),
                };
                let browser = match why_not(l, run, target) {
                    Some(why) => format!("cannot run: {why}"),
                    None => match seen.get(&key(l, run, target)).map(|(b, _)| b.as_str()) {
                        Some("same") => "**same**".to_string(),
                        Some(how) => format!("**differs**: {how}"),
                        None => "not yet observed".to_string(),
                    },
                };
                let run_name = match run.name.is_empty() {
                    true => String::new(),
                    false => format!(", run `{}`", run.name),
                };
                md.push_str(&format!(
                    "| `{}`{run_name} | {} | {wasmtime} | {} |\n",
                    l.name,
                    target.name(),
                    browser.replace('|', "\\|")
                ));
            }
        }
    }
    // The weight: what every page loads, and what the first press on a page loads.
    let runtime = std::fs::metadata(root.join(DIR).join("runtime.js"))
        .with_context(|| {
            format!("no {DIR}/runtime.js: the Run buttons' code is built by `ci/book build`")
        })?
        .len();
    let every_page = std::fs::metadata(root.join("theme/run-here.js"))?.len();
    md.push_str(&format!(
        "\nEvery page loads `theme/run-here.js` ({every_page} bytes). The first press of a Run \
         button loads the runtime, `run/runtime.js` ({} KiB, both JavaScript WASI \
         implementations), then the listing's own code. What a page can load, at most, if a reader \
         presses every button on it:\n\n| Page | Run buttons | Listing code | With the runtime |\n|---|---|---|---|\n",
        runtime / 1024
    ));
    for page in crate::book::pages(root)? {
        let mut modules = std::collections::BTreeSet::new();
        let mut buttons = 0;
        for (_, cmd) in crate::book::cmdruns(&page.text) {
            let words: Vec<&str> = cmd.split_whitespace().collect();
            let Some(at) = words.iter().position(|w| *w == "show") else {
                continue;
            };
            let (Some(dir), Some(target)) = (words.get(at + 1), words.get(at + 2)) else {
                continue;
            };
            let Some(l) = listings.iter().find(|l| l.dir == Path::new(dir)) else {
                continue;
            };
            let Ok(target) = Target::parse(target) else {
                continue;
            };
            let run_name = words.get(at + 3).copied().unwrap_or("");
            let Some(run) = l.spec.run(run_name) else {
                continue;
            };
            if why_not(l, run, target).is_none() {
                buttons += 1;
                modules.insert(module_path(l, target));
            }
        }
        if buttons == 0 {
            continue;
        }
        let mut bytes = 0;
        for m in &modules {
            let rel = m.trim_start_matches("run/");
            let path = root.join(DIR).join(rel);
            bytes += match m.ends_with(".js") {
                // A component: its JavaScript and every core module beside it.
                true => std::fs::read_dir(path.parent().expect("in a directory"))?
                    .map(|e| Ok(e?.metadata()?.len()))
                    .sum::<Result<u64>>()?,
                false => std::fs::metadata(&path)?.len(),
            };
        }
        let file = Path::new(&page.name);
        md.push_str(&format!(
            "| [{}]({}) | {buttons} | {} KiB | {} KiB |\n",
            file.file_stem().unwrap_or_default().to_string_lossy(),
            file.file_name().unwrap_or_default().to_string_lossy(),
            bytes / 1024,
            (bytes + runtime) / 1024
        ));
    }
    Ok(md)
}

/// `portability --bless`: what the last browser test saw (`target/browser-test/`, written by
/// `ci/book test` for every Run button, or by `check LISTING` for one listing's) recorded into
/// `ci/browser-portability.toml`: each run it saw takes what it saw, every other run keeps its
/// entry, and an entry for a run with no Run button any more is dropped. Returns the keys
/// recorded from what was seen.
pub fn bless(root: &Path, listings: &[Listing]) -> Result<Vec<String>> {
    let seen_path = root.join("target/browser-test/browser-portability.toml");
    let text = std::fs::read_to_string(&seen_path)
        .with_context(|| format!("no {}: run `ci/book test` first", seen_path.display()))?;
    let seen = parse(&text).with_context(|| seen_path.display().to_string())?;
    let mut merged = portability(root)?;
    let mut recorded = vec![];
    for (k, v) in seen {
        merged.insert(k.clone(), v);
        recorded.push(k);
    }
    let mut runnable = std::collections::BTreeSet::new();
    for l in listings {
        for (run, target) in l.runs() {
            if why_not(l, run, target).is_none() {
                runnable.insert(key(l, run, target));
            }
        }
    }
    merged.retain(|k, _| runnable.contains(k));
    let mut out = String::from(
        "# What the browser test saw when it pressed every Run button: `same` as Wasmtime's transcript\n\
         # (after the run's redactions), or how it differs, with a digest of all it printed and its\n\
         # exit status. Written by ci/browser-test; recorded with\n\
         # `cargo xtask portability --bless`; the pages and the portability appendix say what it says.\n",
    );
    for (k, (browser, digest)) in &merged {
        out.push_str(&format!(
            "\n[{}]\nbrowser = {}\n",
            toml_string(k),
            toml_string(browser)
        ));
        if !digest.is_empty() {
            out.push_str(&format!("digest = {}\n", toml_string(digest)));
        }
    }
    std::fs::write(root.join(PORTABILITY), out)?;
    Ok(recorded)
}

/// A TOML basic string, as JSON writes it (the browser test writes the file that way too).
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}
