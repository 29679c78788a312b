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

mod assets;
mod portability;

pub use assets::{assets, missing_assets, one_listing_page};
pub use portability::{bless, portability, portability_problems, tables};

use crate::model::{Build, Kind, Listing, Run, Target};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

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

/// The markdown (raw HTML) under one run's transcript: its Run button, or why it has none.
/// Nothing under a native program's run or a compiler's transcript: neither is WebAssembly to
/// run, which goes without saying under every one of them.
pub fn html(root: &Path, listing: &Listing, run: &Run, target: Target) -> Result<String> {
    if target == Target::Host || listing.spec.build == Build::Fails {
        return Ok(String::new());
    }
    if let Some(why) = why_not(listing, run, target) {
        return Ok(format!(
            "\n<p class=\"run-here-none\">Not run in your browser: {}.</p>\n",
            crate::book::escape_html(&why)
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
                crate::book::escape_html(how)
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
        crate::book::escape_html(expect),
        crate::book::escape_html(digest),
        crate::book::escape_html(&spec.to_string())
    ))
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
