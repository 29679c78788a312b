//! The Run buttons' code: every command listing built for pages, WASI 0.2 ones transpiled by jco,
//! and the page runtime bundled by esbuild, written into `src/run/`.

use super::{DIR, module_path, why_not};
use crate::model::{Listing, Run, Target};
use crate::pipeline::build;
use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

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

/// A page of one listing's Run buttons, with what they load, in `dir` (`check LISTING` gives
/// `target/run-here-check/LISTING/`): its modules built and transpiled as `assets` does, the
/// page runtime bundled, and `theme/run-here.js`, so that the browser test can press them
/// without the whole book. The pages' own `src/run/` is left alone. False when the listing has
/// no Run button.
pub fn one_listing_page(root: &Path, listing: &Listing, dir: &Path) -> Result<bool> {
    let runs: Vec<(&Run, Target)> = listing
        .runs()
        .into_iter()
        .filter(|(r, t)| why_not(listing, r, *t).is_none())
        .collect();
    let mut targets: Vec<Target> = runs.iter().map(|(_, t)| *t).collect();
    targets.dedup();
    if runs.is_empty() {
        return Ok(false);
    }
    let jco = tools::find(root, "jco")?;
    jco.ensure(root)?;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("run/p1"))?;
    let wanted: Vec<(&Listing, Target)> = targets.iter().map(|t| (listing, *t)).collect();
    for ((l, target), wasm) in wanted.iter().zip(build::build_for_pages(root, &wanted)?) {
        let at = dir.join(module_path(l, *target));
        match target {
            Target::Wasip1 => {
                std::fs::copy(&wasm, &at)
                    .with_context(|| format!("cannot copy {}", wasm.display()))?;
            }
            _ => transpile(&jco, &wasm, at.parent().context("a module's directory")?)?,
        }
    }
    bundle(root, &jco, &dir.join("run/runtime.js"))?;
    std::fs::copy(root.join("theme/run-here.js"), dir.join("run-here.js"))?;
    let mut boxes = String::new();
    for (r, t) in &runs {
        boxes.push_str(&format!(
            "<h2>{}</h2>\n",
            listing.describe(r, *t).replace('`', "")
        ));
        boxes.push_str(&super::html(root, listing, r, *t)?);
    }
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>{}: Run buttons</title><script>var path_to_root = \"\";</script></head>\n\
             <body>\n{boxes}<script src=\"run-here.js\"></script>\n</body></html>\n",
            listing.name
        ),
    )?;
    std::fs::write(
        dir.join("404.html"),
        "<!DOCTYPE html>\n<title>Not found</title>\n",
    )?;
    Ok(true)
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
