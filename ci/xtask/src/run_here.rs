//! Run it here: a listing's run, in the reader's browser, on a JavaScript implementation of
//! WASI, beside the transcript Wasmtime produced.
//!
//! - `assets` builds every command listing with cargo's own release settings and writes what
//!   the pages load into `src/run/` (ignored by git; mdbook copies it into the book): WASI 0.1
//!   modules as they are, WASI 0.2 components transpiled to JavaScript by jco, and
//!   `runtime.js`, the page runtime (ci/browser-run/runtime.mjs) bundled by esbuild with
//!   @bjorn3/browser_wasi_shim and @bytecodealliance/preview2-shim.
//! - `html` is what `show` prints under a run: a Run button carrying the run's grants, or the
//!   reason there is none, generated from the metadata; and, when the browser test saw the
//!   browser differ from Wasmtime, how (from `ci/browser-portability.toml`).
//! - The browser test (ci/browser-test) presses every button and compares the output and exit
//!   status with the transcript; `ci/browser-portability.toml` must say what it saw.

use crate::model::{Build, Kind, Listing, Run, Target};
use crate::{build, tools};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Where the assets go, under `src/` (mdbook copies it beside the pages as `run/`).
pub const DIR: &str = "src/run";
/// What the browser test observed, per run: `same`, or how the browser differs.
pub const PORTABILITY: &str = "ci/browser-portability.toml";

/// Why a run has no Run button, from its metadata; `None` when it has one.
pub fn why_not(listing: &Listing, run: &Run, target: Target) -> Option<String> {
    let why = match () {
        _ if target == Target::Host => {
            "it is a native program built for your machine, not WebAssembly"
        }
        _ if listing.spec.build == Build::Fails => {
            "it does not compile; its transcript is the compiler's"
        }
        _ if listing.spec.kind != Kind::Command => {
            "it is not a command, and this page's runtime runs only a command's `_start` or `wasi:cli/run`"
        }
        _ if run.invoke.is_some() || !run.calls.is_empty() => {
            "it calls exports one by one (`--call`), and this page's runtime runs only a command's `_start` or `wasi:cli/run`"
        }
        _ if run.network => {
            "it needs a network grant: browser_wasi_shim's socket functions throw, and preview2-shim's browser sockets answer `not-supported`"
        }
        _ if run.dirs.iter().any(|d| d.read_only) => {
            "it needs a read-only directory: browser_wasi_shim can make a file read-only but not a directory, preview2-shim's in-memory file system has no read-only mode, and this page does not emulate one"
        }
        _ if run.deadline_ms.is_some() || run.memory_mib.is_some() => {
            "it relies on the book runner's deadline or memory cap"
        }
        _ => return None,
    };
    Some(why.to_string())
}

/// The name of a run in `ci/browser-portability.toml` and in the browser test's report:
/// `listing target` or `listing run target`.
pub fn key(listing: &Listing, run: &Run, target: Target) -> String {
    match run.name.is_empty() {
        true => format!("{} {}", listing.name, target.name()),
        false => format!("{} {} {}", listing.name, run.name, target.name()),
    }
}

/// Where the page loads a listing's code from, relative to the book's root.
fn module_path(listing: &Listing, target: Target) -> String {
    match target {
        Target::Wasip1 => format!("run/p1/{}.wasm", listing.artifact_stem),
        _ => format!("run/p2/{0}/{0}.js", listing.artifact_stem),
    }
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

/// Every file under `dir`, by its path relative to `dir`, as base64.
fn files_of(dir: &Path) -> Result<BTreeMap<String, String>> {
    crate::book::files_under(dir)?
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
            Ok((rel, base64(&std::fs::read(&path)?)))
        })
        .collect()
}

/// The run's grants as the page runtime takes them (ci/browser-run/runtime.mjs), with what
/// the browser test compares against: the transcript and its redactions.
pub fn spec(
    root: &Path,
    listing: &Listing,
    run: &Run,
    target: Target,
) -> Result<serde_json::Value> {
    let mut args = vec![format!("{}.wasm", listing.artifact_stem)];
    args.extend(run.args.iter().cloned());
    let stdin = match &run.stdin {
        Some(f) => Some(base64(&std::fs::read(listing.abs_dir(root).join(f))?)),
        None => None,
    };
    let dirs = run
        .dirs
        .iter()
        .map(|d| {
            Ok(serde_json::json!({
                "guest": d.guest,
                "files": files_of(&listing.abs_dir(root).join(&d.host))?,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    let redact: Vec<[&str; 2]> = run
        .redact
        .iter()
        .map(|r| [r.pattern.as_str(), r.with.as_str()])
        .collect();
    Ok(serde_json::json!({
        "key": key(listing, run, target),
        "target": target.name(),
        "module": module_path(listing, target),
        "args": args,
        "env": run.env,
        "stdin": stdin,
        "dirs": dirs,
        "transcript": listing.transcript_path(run, target).display().to_string(),
        "redact": redact,
    }))
}

/// What the browser test last saw for each run, as committed: `same`, or how it differs and
/// the digest of all it printed.
pub fn portability(root: &Path) -> Result<BTreeMap<String, (String, String)>> {
    let path = root.join(PORTABILITY);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).with_context(|| PORTABILITY.to_string())?;
    table
        .into_iter()
        .map(|(k, v)| {
            let field = |name: &str| v.get(name).and_then(|b| b.as_str()).map(str::to_string);
            match field("browser") {
                Some(b) => Ok((k, (b, field("digest").unwrap_or_default()))),
                None => bail!("{PORTABILITY}: [\"{k}\"] has no `browser = \"...\"`"),
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The markdown (raw HTML) under one run's transcript: its Run button, or why it has none.
pub fn html(root: &Path, listing: &Listing, run: &Run, target: Target) -> Result<String> {
    if let Some(why) = why_not(listing, run, target) {
        return Ok(format!(
            "\n<p class=\"run-here-none\">Not run in your browser: {}.</p>\n",
            escape(&why)
        ));
    }
    let spec = spec(root, listing, run, target)?;
    let seen = portability(root)?;
    let k = key(listing, run, target);
    // data-expect: what the browser test must see again, as recorded.
    let digest = seen.get(&k).map_or("", |(_, d)| d.as_str());
    let (expect, note) = match seen.get(&k).map(|(b, _)| b.as_str()) {
        Some("same") => ("same", String::new()),
        Some(how) => (
            how,
            format!(
                "<p class=\"run-here-differs\">In the browser this run differs from Wasmtime's: {}.</p>",
                escape(how)
            ),
        ),
        None => ("unknown", String::new()),
    };
    let shim = match target {
        Target::Wasip1 => "@bjorn3/browser_wasi_shim, a JavaScript implementation of WASI 0.1",
        _ => "jco's translation to JavaScript, on @bytecodealliance/preview2-shim (WASI 0.2)",
    };
    Ok(format!(
        "\n<div class=\"run-here\" data-expect=\"{}\" data-expect-digest=\"{}\" data-run=\"{}\">\
         <button class=\"run-here-button\" type=\"button\">Run it here</button> \
         <span class=\"run-here-what\">in your browser, on {shim}</span>{note}\
         <pre class=\"run-here-output\" hidden></pre></div>\n",
        escape(expect),
        escape(digest),
        escape(&spec.to_string())
    ))
}

/// Builds every command listing for the pages and writes `src/run/`: the WASI 0.1 modules,
/// the WASI 0.2 components as JavaScript, and the page runtime.
pub fn assets(root: &Path, listings: &[Listing]) -> Result<()> {
    let jco = tools::find(root, "jco")?;
    jco.ensure(root)?;
    let out = root.join(DIR);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(out.join("p1"))?;
    let mut wanted = vec![];
    for l in listings {
        for target in [Target::Wasip1, Target::Wasip2] {
            let runnable = l.spec.targets.contains(&target)
                && l.runs()
                    .iter()
                    .any(|(r, t)| *t == target && why_not(l, r, target).is_none());
            if runnable {
                wanted.push((l, target));
            }
        }
    }
    let built = build::build_for_pages(root, &wanted)?;
    let mut components = vec![];
    for ((l, target), wasm) in wanted.iter().zip(built) {
        match target {
            Target::Wasip1 => {
                std::fs::copy(
                    &wasm,
                    out.join(module_path(l, *target).trim_start_matches("run/")),
                )
                .with_context(|| format!("cannot copy {}", wasm.display()))?;
            }
            _ => components.push((wasm, out.join("p2").join(&l.artifact_stem))),
        }
    }
    // jco is a Node.js program that mostly starts up and waits: two at a time. (The lock is
    // taken and released inside `take`, not held while a worker transpiles.)
    let next = std::sync::Mutex::new(components.iter());
    let take = || next.lock().expect("no worker panicked").next();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    while let Some((wasm, dir)) = take() {
                        transpile(&jco, wasm, dir)?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .map_err(|_| anyhow::anyhow!("a jco worker panicked"))?
        })
    })?;
    bundle(root, &jco, &out.join("runtime.js"))
}

/// What `assets` must have written for the pages: the runtime, and for every run with a Run
/// button its module (a WebAssembly file) or its transpiled component (an ES module). Each
/// file missing or empty is a problem.
pub fn missing_assets(root: &Path, listings: &[Listing]) -> Vec<String> {
    let src = root.join("src");
    let mut expected = vec![(
        DIR.trim_start_matches("src/").to_string() + "/runtime.js",
        None,
    )];
    for l in listings {
        for (r, t) in l.runs() {
            if why_not(l, r, t).is_none() {
                expected.push((module_path(l, t), Some(l.describe(r, t))));
            }
        }
    }
    expected.sort();
    expected.dedup_by(|a, b| a.0 == b.0);
    let mut problems = vec![];
    for (file, run) in expected {
        let path = src.join(&file);
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let wasm_ok =
            !file.ends_with(".wasm") || std::fs::read(&path).is_ok_and(|b| b.starts_with(b"\0asm"));
        if len == 0 || !wasm_ok {
            let whose = run
                .map(|r| format!(" (the Run button of {r})"))
                .unwrap_or_default();
            problems.push(format!(
                "src/{file}{whose} is missing, empty or not WebAssembly after building the Run \
                 buttons' code"
            ));
        }
    }
    problems
}

/// jco: a component as an ES module (`instantiate(getCoreModule, imports)`, no imports of
/// its own) and its core modules; minified, no TypeScript.
fn transpile(jco: &tools::Tool, wasm: &Path, out: &Path) -> Result<()> {
    let status = Command::new(jco.path())
        .arg("transpile")
        .arg(wasm)
        .arg("-o")
        .arg(out)
        .args([
            "--instantiation",
            "async",
            "--no-typescript",
            "--no-nodejs-compat",
            "--minify",
            "--quiet",
        ])
        .status()
        .context("cannot run jco")?;
    if !status.success() {
        bail!("`jco transpile {}` failed ({status})", wasm.display());
    }
    // jco writes type declarations even with --no-typescript in some versions: pages need none.
    let _ = std::fs::remove_dir_all(out.join("interfaces"));
    for e in std::fs::read_dir(out)? {
        let p = e?.path();
        if p.to_string_lossy().ends_with(".d.ts") {
            std::fs::remove_file(p)?;
        }
    }
    Ok(())
}

/// esbuild: ci/browser-run/runtime.mjs and the two WASI implementations, as one module.
fn bundle(root: &Path, jco: &tools::Tool, out: &Path) -> Result<()> {
    let status = Command::new(jco.bin_dir().join("esbuild"))
        .current_dir(root)
        .arg("ci/browser-run/runtime.mjs")
        .args([
            "--bundle",
            "--format=esm",
            "--minify",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", out.display()))
        // The packages come from the pinned install, not from anything beside the sources.
        .env("NODE_PATH", jco.dir().join("node_modules"))
        .status()
        .context("cannot run esbuild")?;
    if !status.success() {
        bail!("esbuild could not bundle ci/browser-run/runtime.mjs ({status})");
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }
}
