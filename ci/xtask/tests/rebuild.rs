//! Whether a listing must be built again is cargo's answer: here a listing that includes a file
//! from outside its own directory, which no walk over the listing's files would notice.

use std::path::Path;
use xtask::model::{Listing, Target};

#[test]
fn a_listing_is_rebuilt_when_a_file_outside_it_that_it_includes_changes() {
    let real = book_common::checkout_root();
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    let dir = root.join("listings/ch/rebuild-probe");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    // The book's toolchain, with its WASI targets, and a workspace of one listing.
    std::fs::copy(
        real.join("rust-toolchain.toml"),
        root.join("rust-toolchain.toml"),
    )
    .unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"listings/*/*\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"rebuild-probe\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [package.metadata.wasi-book]\ntargets = [\"wasip1\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "fn main() {\n    print!(\"{}\", include_str!(\"../../../../message.txt\"));\n}\n",
    )
    .unwrap();
    // As the book's commands do: `target/` reaches wherever cargo builds.
    let target = xtask::workspace::target_dir(root).unwrap();
    xtask::workspace::link_target(root, &target).unwrap();
    let built = |root: &Path| {
        let l = Listing::from_manifest(root, Path::new("listings/ch/rebuild-probe")).unwrap();
        xtask::pipeline::build::build_listing(root, &l, Target::Wasip1).unwrap();
        std::fs::read(root.join(l.artifact(Target::Wasip1))).unwrap()
    };
    let has = |wasm: &[u8], text: &str| wasm.windows(text.len()).any(|w| w == text.as_bytes());
    std::fs::write(root.join("message.txt"), "first message").unwrap();
    assert!(has(&built(root), "first message"));
    // The listing's own files are all older than its build now; only the included file changes.
    std::fs::write(root.join("message.txt"), "second message").unwrap();
    let wasm = built(root);
    assert!(
        has(&wasm, "second message"),
        "the build still has the old message"
    );
}
