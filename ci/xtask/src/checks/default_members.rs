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
    // cargo reports canonical paths; compare them with a canonical root.
    let dir = &dir
        .canonicalize()
        .with_context(|| format!("no workspace at {}", dir.display()))?;
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

    /// A workspace of one WebAssembly listing and one harness crate, in a directory of its own,
    /// with `default_members` as its `default-members` line (or none).
    fn workspace(name: &str, default_members: Option<&str>) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("default-members-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (crate_dir, package) in [("listings/c/greeter", "greeter"), ("ci/tool", "tool")] {
            std::fs::create_dir_all(dir.join(crate_dir).join("src")).unwrap();
            std::fs::write(
                dir.join(crate_dir).join("Cargo.toml"),
                format!(
                    "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n"
                ),
            )
            .unwrap();
            std::fs::write(dir.join(crate_dir).join("src/lib.rs"), "").unwrap();
        }
        let defaults =
            default_members.map_or(String::new(), |d| format!("default-members = {d}\n"));
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("[workspace]\nresolver = \"3\"\nmembers = [\"ci/tool\", \"listings/c/greeter\"]\n{defaults}"),
        )
        .unwrap();
        dir
    }

    #[test]
    fn cargo_metadata_of_a_workspace_without_default_members_names_the_guest() {
        let dir = workspace("none", None);
        let guest = listing("listings/c/greeter", "[\"wasip2\"]");
        let found = built_for_the_host(&dir, &[guest]).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        let dir = workspace("harness", Some("[\"ci/tool\"]"));
        let guest = listing("listings/c/greeter", "[\"wasip2\"]");
        assert!(built_for_the_host(&dir, &[guest]).unwrap().is_empty());
    }

    #[test]
    fn host_listings_and_the_harness_may_be_default_members() {
        let guest = listing("listings/c/greeter", "[\"wasip2\"]");
        let defaults = vec![PathBuf::from("ci/xtask")];
        assert!(problems(Path::new("/w/Cargo.toml"), &defaults, &[guest]).is_empty());
    }
}
