//! `new chapter` and `new listing`: a contributor's starting points.

use super::bless::bless;
use super::root;
use anyhow::{Context, Result, bail};
use xtask::model::{self};
use xtask::{scaffold, workspace};

pub fn new_chapter(slug: &str, title: &str, part: Option<&str>) -> Result<()> {
    let root = root();
    for f in scaffold::new_chapter(&root, slug, title, part)? {
        eprintln!("wrote {}", model::rel(&root, &f));
    }
    eprintln!(
        "next: write the page, add a listing with `ci/book new listing {slug} NAME`, \
         then `ci/book serve` to read it"
    );
    Ok(())
}

/// A new listing's files, its entry in Cargo.lock, its first transcripts, and the lines to
/// paste into its chapter.
pub fn new_listing(chapter: &str, name: &str) -> Result<()> {
    let root = root();
    let dir = scaffold::new_listing(&root, chapter, name)?;
    eprintln!(
        "wrote {}/ (Cargo.toml, src/main.rs)",
        model::rel(&root, &dir)
    );
    // The new workspace member's entry in Cargo.lock (nothing else changes: no --locked).
    let status = workspace::cargo(&root)
        .args(["metadata", "-q", "--format-version", "1"])
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo metadata` failed after adding {}", dir.display());
    }
    bless(&[name.to_string()])?;
    println!(
        "\nPaste into src/{chapter}.md, and write what the listing shows in its caption:\n\n{}",
        scaffold::listing_snippet(&root, chapter, name)?
    );
    eprintln!(
        "then check it alone with `cargo xtask check {name}`, and everything with `ci/book test`"
    );
    Ok(())
}
