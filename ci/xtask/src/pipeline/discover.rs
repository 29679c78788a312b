//! Pipeline stage 1, discover: every listing of the book, read from the workspace (`cargo
//! metadata`) and from the crates it excludes, with its metadata checked.

use crate::model::{Build, Listing, METADATA_KEY, Spec, rel};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Every listing: workspace members under `listings/` (read with `cargo metadata`), plus
/// crates the workspace excludes because their build is meant to fail.
pub fn discover(root: &Path) -> Result<Vec<Listing>> {
    let meta = cargo_metadata::MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .context("`cargo metadata` failed")?;
    let listings_dir = root.join("listings");
    let mut found = Vec::new();
    let mut member_dirs = Vec::new();
    for pkg in meta.workspace_packages() {
        let manifest = pkg.manifest_path.as_std_path();
        if !manifest.starts_with(&listings_dir) {
            continue;
        }
        member_dirs.push(manifest.parent().unwrap().to_path_buf());
        let spec = match pkg.metadata.get(METADATA_KEY) {
            None => None,
            Some(v) => Some(Spec::from_value(v).with_context(|| {
                format!(
                    "listing `{}` ({}): [package.metadata.{METADATA_KEY}]",
                    pkg.name,
                    rel(root, manifest)
                )
            })?),
        };
        let cdylib = pkg
            .targets
            .iter()
            .find(|t| t.crate_types.iter().any(|c| c.to_string() == "cdylib"));
        let listing = Listing::new(
            root,
            &pkg.name,
            manifest,
            spec,
            cdylib.is_some(),
            cdylib.map(|t| t.name.as_str()),
        )?;
        if listing.spec.build == Build::Fails {
            bail!(
                "listing `{}`: `build = \"fails\"` but it is a workspace member, so it would break `cargo build` \
                 at the root; add `{}` to `exclude` in the root Cargo.toml",
                listing.name,
                listing.dir.display()
            );
        }
        found.push(listing);
    }
    // Crates the workspace does not build: each must be a deliberate compile-failure listing.
    for manifest in listing_manifests(&listings_dir)? {
        let dir = manifest.parent().unwrap();
        if member_dirs.iter().any(|m| m == dir) {
            continue;
        }
        let listing = Listing::from_manifest(root, dir.strip_prefix(root).unwrap_or(dir))?;
        if listing.spec.build != Build::Fails {
            bail!(
                "{} is not a workspace member (is it in `exclude`?); only listings with `build = \"fails\"` may be",
                rel(root, &manifest)
            );
        }
        found.push(listing);
    }
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    for pair in found.windows(2) {
        if pair[0].name == pair[1].name {
            bail!(
                "two listings are named `{}`: {} and {}",
                pair[0].name,
                pair[0].dir.display(),
                pair[1].dir.display()
            );
        }
    }
    Ok(found)
}

/// `listings/<chapter>/<listing>/Cargo.toml`, exactly two levels down. A folder there is a
/// crate, or a Node.js project with its lockfile (a JavaScript host, which its page's commands
/// run, and which is not a listing of the harness's).
fn listing_manifests(listings_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for chapter in read_dir_sorted(listings_dir)? {
        if !chapter.is_dir() {
            continue;
        }
        for listing in read_dir_sorted(&chapter)? {
            let manifest = listing.join("Cargo.toml");
            if manifest.is_file() {
                out.push(manifest);
            } else if is_node_project(&listing) {
                continue;
            } else if listing.is_dir() {
                bail!(
                    "{} has no Cargo.toml: every folder under listings/<chapter>/ is one crate \
                     (or a Node.js project: package.json with its package-lock.json)",
                    listing.display()
                );
            }
        }
    }
    Ok(out)
}

fn is_node_project(dir: &Path) -> bool {
    dir.join("package.json").is_file() && dir.join("package-lock.json").is_file()
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_a_crate_or_a_node_project_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let listings = dir.path().join("listings");
        std::fs::create_dir_all(listings.join("ch/crate")).unwrap();
        std::fs::write(listings.join("ch/crate/Cargo.toml"), "").unwrap();
        std::fs::create_dir_all(listings.join("ch/js-host")).unwrap();
        for f in ["package.json", "package-lock.json"] {
            std::fs::write(listings.join("ch/js-host").join(f), "{}").unwrap();
        }
        let found = listing_manifests(&listings).unwrap();
        assert_eq!(found, vec![listings.join("ch/crate/Cargo.toml")]);
        // A Node.js project without its lockfile, like any other folder, is refused by name.
        std::fs::remove_file(listings.join("ch/js-host/package-lock.json")).unwrap();
        let err = format!("{:#}", listing_manifests(&listings).unwrap_err());
        assert!(err.contains("ch/js-host has no Cargo.toml"), "{err}");
    }
}
