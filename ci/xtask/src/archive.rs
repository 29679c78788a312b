//! The code of every listing as a Cargo workspace of its own, for a reader to download from the
//! hosted book: the listings' sources without the book's machinery (transcripts, `ANCHOR`
//! lines, `[package.metadata.wasi-book]`), the workspace's pins, and a `.cargo/config.toml`
//! that makes the official `wasmtime` CLI cargo's runner.

use crate::model::Target;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The archive's file name, beside the book's pages.
pub const ARCHIVE: &str = "wasi-exploration-listings.tar.gz";
/// The directory the archive unpacks to.
const TOP: &str = "wasi-exploration-listings";

/// Writes the archive into `out_dir` and returns its path.
pub fn write(root: &Path, out_dir: &Path) -> Result<PathBuf> {
    let stage = root.join("target/archive");
    let _ = std::fs::remove_dir_all(&stage);
    let top = stage.join(TOP);
    // The listings, and the empty crate their hosts name to share the CLI's features (the
    // workspace's `align-wasmtime-cli`).
    let mut files = tracked(root, "listings")?;
    files.extend(tracked(root, "ci/align-wasmtime-cli")?);
    let tracked_files = files.clone();
    for rel in files {
        let name = rel.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("output.") {
            continue; // transcripts belong to the book's tests
        }
        let path = root.join(&rel);
        let dest = top.join(&rel);
        std::fs::create_dir_all(dest.parent().unwrap())?;
        // A link (a listing's `wit/deps/<package>`) stays a link; its target is archived too.
        if std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&path)?, &dest)?;
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let bytes = match String::from_utf8(bytes) {
            Ok(text) if name == "Cargo.toml" => without_book_metadata(&text).into_bytes(),
            Ok(text) => without_anchors(&text).into_bytes(),
            Err(e) => e.into_bytes(),
        };
        std::fs::write(&dest, bytes)?;
    }
    // The workspace: the book's pins, with the listings as its only members.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    // The host programs the archive holds (a listing git does not track yet is left out).
    let host_programs: Vec<String> = crate::pipeline::discover::discover(root)?
        .iter()
        .filter(|l| l.spec.targets.contains(&Target::Host))
        .filter(|l| tracked_files.contains(&l.dir.join("Cargo.toml")))
        .map(|l| l.dir.display().to_string())
        .collect();
    std::fs::write(
        top.join("Cargo.toml"),
        archive_manifest(&manifest, &host_programs),
    )?;
    for file in ["Cargo.lock", "rust-toolchain.toml"] {
        std::fs::copy(root.join(file), top.join(file))?;
    }
    std::fs::create_dir_all(top.join(".cargo"))?;
    std::fs::write(top.join(".cargo/config.toml"), CARGO_CONFIG)?;
    std::fs::write(top.join("README.md"), README)?;
    std::fs::create_dir_all(out_dir)?;
    let archive = out_dir.join(ARCHIVE);
    // The same bytes for the same sources: names sorted, no times or owners of this machine.
    let status = Command::new("tar")
        .args([
            "--sort=name",
            "--mtime=@0",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            // gzip without the file's name and time in its header.
            "--use-compress-program=gzip -n",
            "-cf",
        ])
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg(TOP)
        .status()
        .context("cannot run tar")?;
    if !status.success() {
        bail!("tar could not write {}", archive.display());
    }
    Ok(archive)
}

/// The archive's root manifest: the book's, with the listings as the only members, and the
/// host programs as what `cargo build` builds without `-p` (a WebAssembly listing is built
/// with `--target`; a component's export names do not link for the host).
fn archive_manifest(manifest: &str, host_programs: &[String]) -> String {
    let mut workspace = String::new();
    // Comment lines wait for the line they describe: those above the harness's member lists
    // are dropped with them.
    let mut comments = String::new();
    for line in without_anchors(manifest).lines() {
        if line.starts_with('#') {
            comments.push_str(line);
            comments.push('\n');
            continue;
        }
        if line.starts_with("members = ") {
            workspace.push_str("members = [\"listings/*/*\"]\n");
        } else if line.starts_with("default-members = ") {
            let quoted: Vec<String> = host_programs.iter().map(|d| format!("{d:?}")).collect();
            workspace.push_str(
                "# What `cargo build` builds without `-p`: the host programs. A WebAssembly \
                 listing is\n# built with `-p NAME --target wasm32-wasip…`.\n",
            );
            workspace.push_str(&format!("default-members = [{}]\n", quoted.join(", ")));
        } else {
            workspace.push_str(&comments);
            workspace.push_str(line);
            workspace.push('\n');
        }
        comments.clear();
    }
    workspace.push_str(&comments);
    workspace
}

/// Files git tracks under `dir` (so nothing a build left behind goes in), relative to `root`.
fn tracked(root: &Path, dir: &str) -> Result<Vec<PathBuf>> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--", dir])
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!("git ls-files {dir} failed");
    }
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .collect())
}

/// The text without its `ANCHOR:` / `ANCHOR_END:` lines (the book's excerpt markers).
fn without_anchors(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("ANCHOR:") && !l.contains("ANCHOR_END:"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A listing's manifest without the book's metadata table (and the comment that introduces it).
fn without_book_metadata(text: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in without_anchors(text).lines() {
        let header = line.trim_start().starts_with('[');
        if line.trim() == "[package.metadata.wasi-book]" {
            skipping = true;
            // The comment just above it says how the book runs the listing.
            while out.ends_with('\n') && out.lines().last().is_some_and(|l| l.starts_with('#')) {
                let cut = out[..out.len() - 1].rfind('\n').map_or(0, |i| i + 1);
                out.truncate(cut);
            }
            continue;
        }
        if header {
            skipping = false;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim_end().to_string() + "\n"
}

const CARGO_CONFIG: &str = "\
# `cargo run --target wasm32-wasip1` (or wasip2) runs the result in the official wasmtime CLI.
# A listing that needs a grant (a directory, a variable, the network) says so in its chapter:
# build it with `cargo build`, then run `wasmtime run` with the flags the chapter shows.
[target.wasm32-wasip1]
runner = [\"wasmtime\", \"run\"]

[target.wasm32-wasip2]
runner = [\"wasmtime\", \"run\"]
";

const README: &str = "\
# The listings of \"WASI exploration with Rust\"

Every listing of the book as a crate of one Cargo workspace, with the versions the book was
tested with (`rust-toolchain.toml`, `Cargo.lock`, the root `Cargo.toml`).

With rustup and the `wasmtime` CLI (48.x, as in the book's \"Tested with\" table) installed:

```sh
rustup target add wasm32-wasip1 wasm32-wasip2
cargo run -p hello --target wasm32-wasip1
cargo run -p hello --target wasm32-wasip2
```

Host programs (the chapters on calling a reactor, components, Extism and the benchmark) run
with `cargo run --release -p NAME`; `cargo build` with no `-p` builds them all. A WebAssembly
listing is built by name, with its target. Each chapter of the book shows the command for each
listing and what it prints. `ci/align-wasmtime-cli` is an empty crate the host programs name so
that they all build Wasmtime with the same features: one build instead of several.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_books_metadata_and_anchors_are_left_out() {
        let manifest = "# ANCHOR: package\n[package]\nname = \"hello\"\n# ANCHOR_END: package\n\n\
                        # How the book builds and runs this listing: see CONTRIBUTING.md.\n\
                        [package.metadata.wasi-book]\ntargets = [\"wasip1\"]\n\n\
                        [dependencies]\nx = \"1\"\n";
        assert_eq!(
            without_book_metadata(manifest),
            "[package]\nname = \"hello\"\n\n[dependencies]\nx = \"1\"\n"
        );
        let source = "// Run it: cargo run\n// ANCHOR: all\nfn main() {}\n// ANCHOR_END: all\n";
        assert_eq!(
            without_anchors(source),
            "// Run it: cargo run\nfn main() {}\n"
        );
    }

    #[test]
    fn the_archive_builds_its_host_programs_by_default() {
        let manifest = "[workspace]\n# The harness crates, then every listing.\n\
                        members = [\"ci/xtask\", \"listings/*/*\"]\n\
                        # What `cargo build` at the root builds: the harness.\n\
                        default-members = [\"ci/xtask\"]\n# Kept.\nexclude = []\n";
        let written = archive_manifest(manifest, &["listings/a/host".into()]);
        assert_eq!(
            written,
            "[workspace]\nmembers = [\"listings/*/*\"]\n\
             # What `cargo build` builds without `-p`: the host programs. A WebAssembly listing \
             is\n# built with `-p NAME --target wasm32-wasip…`.\n\
             default-members = [\"listings/a/host\"]\n# Kept.\nexclude = []\n"
        );
    }
}
