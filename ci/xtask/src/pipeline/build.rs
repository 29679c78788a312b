//! Pipeline stage 2, build: every listing as the book tells a reader to build it, and one
//! listing again when a file its build reads changed (the `show` fast path).

use crate::model::{Build, Listing, Target};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds every listing that should build, one cargo invocation per WebAssembly target (much
/// faster than one per listing), plus extra packages (test fixtures).
///
/// Host programs are built one invocation each, exactly as a reader's `cargo run -p NAME`
/// builds them: cargo unifies dependency features per invocation, so building them together
/// (extism adds features to crates wasmtime shares) would produce artifacts that a reader's
/// command cannot reuse, and it would compile wasmtime again.
pub fn build_all(root: &Path, listings: &[Listing], extra: &[(&str, Target)]) -> Result<()> {
    for target in Target::ALL {
        let buildable =
            |l: &&Listing| l.spec.build == Build::Ok && l.spec.targets.contains(&target);
        let alone = |l: &&Listing| l.builds_alone() || target == Target::Host;
        let mut names: Vec<&str> = listings
            .iter()
            .filter(buildable)
            .filter(|l| !alone(l))
            .map(|l| l.name.as_str())
            .collect();
        names.extend(extra.iter().filter(|(_, t)| *t == target).map(|(n, _)| *n));
        if !names.is_empty() {
            // Not --quiet: on a first run this is minutes, and cargo's progress says how far.
            let how: &[&str] = match target.triple() {
                Some(triple) => &["--target", triple],
                None => &["--release"],
            };
            build_together(root, how, &names, target)?;
        }
        for l in listings.iter().filter(buildable).filter(alone) {
            // cargo's own output, progress and errors, straight to the terminal.
            let status = build_command(root, l, target, false)
                .status()
                .context("cannot run cargo")?;
            if !status.success() {
                bail!(
                    "{}: `{}` failed (see the compiler output above)",
                    l.name,
                    l.build_command(target)
                );
            }
        }
    }
    Ok(())
}

/// Builds WebAssembly listings as the book does, but with cargo's own release settings (the
/// workspace's `size-release` profile: `release` without the runner's line tables), for pages
/// to load; returns the built files, in the order asked. Like `build_all`, one cargo
/// invocation per target for the listings that build with the others, and one each for those
/// that build alone (their own flags, toolchain or target directory).
pub fn build_for_pages(root: &Path, wanted: &[(&Listing, Target)]) -> Result<Vec<PathBuf>> {
    for target in [Target::Wasip1, Target::Wasip2] {
        let together: Vec<&str> = wanted
            .iter()
            .filter(|(l, t)| *t == target && !l.builds_alone())
            .map(|(l, _)| l.name.as_str())
            .collect();
        if together.is_empty() {
            continue;
        }
        let triple = target.triple().context("a WebAssembly target")?;
        build_together(
            root,
            &["-q", "--profile", PAGES_PROFILE, "--target", triple],
            &together,
            target,
        )?;
    }
    let mut built = vec![];
    for (listing, target) in wanted {
        let triple = target
            .triple()
            .context("a native program is not built for pages")?;
        if listing.builds_alone() {
            let mut args = listing.build_invocation(*target);
            let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
            args.splice(at..at, ["--profile".to_string(), PAGES_PROFILE.to_string()]);
            let mut cmd = crate::workspace::cargo(root);
            cmd.args(&args);
            if let Some(flags) = listing.rustflags_env() {
                cmd.env("RUSTFLAGS", flags);
            }
            let status = cmd.status().context("cannot run cargo")?;
            if !status.success() {
                bail!(
                    "{}: `cargo {}` failed (see above)",
                    listing.name,
                    args.join(" ")
                );
            }
        }
        let dir = match listing.spec.rustflags.is_empty() {
            true => PathBuf::from("target"),
            false => PathBuf::from(crate::model::RUSTFLAGS_TARGET_DIR),
        };
        built.push(
            root.join(dir)
                .join(triple)
                .join(PAGES_PROFILE)
                .join(format!("{}.wasm", listing.artifact_stem)),
        );
    }
    Ok(built)
}

/// `cargo build ARGS -p NAME…`: several listings of one target in one invocation (cargo
/// builds them side by side), cargo's output straight to the terminal.
fn build_together(root: &Path, args: &[&str], names: &[&str], target: Target) -> Result<()> {
    let status = crate::workspace::cargo(root)
        .arg("build")
        .args(args)
        .args(names.iter().flat_map(|n| ["-p", n]))
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!(
            "`cargo build {}` of the {} listings failed (see the compiler output above): {}",
            args.join(" "),
            target.name(),
            names.join(", ")
        );
    }
    Ok(())
}

/// The profile of what pages run in the browser (Cargo.toml: cargo's own release settings).
pub const PAGES_PROFILE: &str = "size-release";

/// The command that builds one listing exactly as the book says to (see
/// `Listing::build_invocation`).
/// `quiet: false` drops the book's `-q`, so that cargo shows its progress.
fn build_command(root: &Path, listing: &Listing, target: Target, quiet: bool) -> Command {
    let mut cmd = crate::workspace::cargo(root);
    cmd.args(
        listing
            .build_invocation(target)
            .into_iter()
            .filter(|a| quiet || a != "-q"),
    );
    if let Some(flags) = listing.rustflags_env() {
        cmd.env("RUSTFLAGS", flags);
    }
    cmd
}

/// Builds one listing (and the listings it `requires` first) with cargo, which decides what is
/// up to date: a no-op build takes a fraction of a second, and it knows every input (the
/// sources, `Cargo.lock`, the root manifest, the toolchain, a file included from elsewhere).
/// Its output is shown only when the build fails.
pub fn build_listing(root: &Path, listing: &Listing, target: Target) -> Result<()> {
    for (name, t) in &listing.spec.requires {
        let mut cmd = crate::workspace::cargo(root);
        cmd.args(["build", "-q", "-p", name]);
        match t.triple() {
            Some(triple) => cmd.args(["--target", triple]),
            None => cmd.arg("--release"),
        };
        if !cmd.status().context("cannot run cargo")?.success() {
            bail!(
                "listing `{}` requires `{name}`, which does not build",
                listing.name
            );
        }
    }
    let out = build_command(root, listing, target, true)
        .output()
        .context("cannot run cargo")?;
    if !out.status.success() {
        bail!(
            "listing `{}` ({}) does not build:\n{}",
            listing.name,
            target.name(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// The directories whose files a listing's build reads: its own, the listings it `requires`,
/// its path dependencies (and theirs), and the folders of sources it builds from elsewhere
/// (`[lib] path` or `[[bin]] path`, as listings that reuse another listing's source do).
pub fn input_dirs(root: &Path, listing: &Listing) -> Vec<PathBuf> {
    let mut todo = vec![listing.abs_dir(root)];
    for (name, _) in &listing.spec.requires {
        if let Ok(chapters) = std::fs::read_dir(root.join("listings")) {
            todo.extend(
                chapters
                    .flatten()
                    .map(|c| c.path().join(name))
                    .filter(|d| d.join("Cargo.toml").is_file()),
            );
        }
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    while let Some(dir) = todo.pop() {
        let Ok(dir) = dir.canonicalize() else {
            continue;
        };
        if dirs.contains(&dir) {
            continue;
        }
        if let Ok(doc) =
            std::fs::read_to_string(dir.join("Cargo.toml")).map(|t| t.parse::<toml::Table>())
        {
            let doc = doc.unwrap_or_default();
            for deps in ["dependencies", "build-dependencies", "dev-dependencies"] {
                for spec in doc
                    .get(deps)
                    .and_then(|d| d.as_table())
                    .into_iter()
                    .flat_map(|t| t.values())
                {
                    if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                        todo.push(dir.join(path));
                    }
                }
            }
            let lib = doc.get("lib").into_iter();
            let bins = doc
                .get("bin")
                .and_then(|b| b.as_array())
                .into_iter()
                .flatten();
            for target in lib.chain(bins) {
                if let Some(parent) = target
                    .get("path")
                    .and_then(|p| p.as_str())
                    .and_then(|p| Path::new(p).parent())
                {
                    todo.push(dir.join(parent));
                }
            }
        }
        dirs.push(dir);
    }
    dirs
}
