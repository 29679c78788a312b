//! What `cargo build` at a workspace's root builds: its `default-members`. No WebAssembly
//! listing may be one of them: a component's export names (`book:greeter/greetings#greet`) do
//! not link for the host, so `cargo build` at the root would fail, in this repository and in
//! the listings' archive a reader downloads.

use crate::model::{Listing, Target};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The WebAssembly listings that `cargo build` in the workspace at `dir` would build for the
/// host.
pub fn built_for_the_host(dir: &Path, listings: &[Listing]) -> Result<Vec<String>> {
    let meta = cargo_metadata::MetadataCommand::new()
        .manifest_path(dir.join("Cargo.toml"))
        .no_deps()
        .exec()
        .context("`cargo metadata` failed")?;
    let defaults: Vec<PathBuf> = meta
        .workspace_default_packages()
        .iter()
        .filter_map(|p| p.manifest_path.parent())
        .filter_map(|d| d.as_std_path().strip_prefix(dir).ok())
        .map(Path::to_path_buf)
        .collect();
    Ok(problems(&dir.join("Cargo.toml"), &defaults, listings))
}

/// One problem per WebAssembly listing whose directory (relative to the workspace's root) is
/// among `defaults`.
fn problems(manifest: &Path, defaults: &[PathBuf], listings: &[Listing]) -> Vec<String> {
    listings
        .iter()
        .filter(|l| !l.spec.targets.contains(&Target::Host) && defaults.contains(&l.dir))
        .map(|l| {
            format!(
                "listing `{}` is built for WebAssembly only, but `cargo build` in {} builds it for \
                 the host: its directory `{}` is one of `default-members` (or the workspace has \
                 none, and all its members are)",
                l.name,
                manifest.parent().unwrap_or(manifest).display(),
                l.dir.display()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spec;

    fn listing(dir: &str, targets: &str) -> Listing {
        let root = std::env::temp_dir().join(format!("default-members-{}", std::process::id()));
        let abs = root.join(dir);
        std::fs::create_dir_all(&abs).unwrap();
        let table: toml::Value =
            toml::from_str(&format!("targets = {targets}\nkind = \"guest\"")).unwrap();
        let spec = Spec::from_value(table).unwrap();
        let name = dir.rsplit('/').next().unwrap();
        Listing::new(
            &root,
            name,
            &abs.join("Cargo.toml"),
            Some(spec),
            true,
            Some(name),
        )
        .unwrap()
    }

    #[test]
    fn a_webassembly_listing_among_the_default_members_is_named() {
        let guest = listing("listings/c/greeter", "[\"wasip2\"]");
        let defaults = vec![
            PathBuf::from("ci/xtask"),
            PathBuf::from("listings/c/greeter"),
        ];
        let found = problems(Path::new("/w/Cargo.toml"), &defaults, &[guest]);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("listing `greeter`"), "{found:?}");
        assert!(found[0].contains("`listings/c/greeter`"), "{found:?}");
    }

    #[test]
    fn host_listings_and_the_harness_may_be_default_members() {
        let guest = listing("listings/c/greeter", "[\"wasip2\"]");
        let defaults = vec![PathBuf::from("ci/xtask")];
        assert!(problems(Path::new("/w/Cargo.toml"), &defaults, &[guest]).is_empty());
    }
}
