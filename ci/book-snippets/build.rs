//! Hands every inline Rust block of the book's `src/` to skeptic, which turns each into a test
//! that compiles and runs it (`cargo test -p book-snippets`).
//!
//! Blocks that only `{{#include}}` a listing are left out: the listing is a crate that
//! `cargo xtask test` builds and runs for its WASI targets, and skeptic (host-only, no include
//! expansion) could not. To keep line numbers (skeptic names tests after them), such a block's
//! lines are blanked in a copy of the chapter written to OUT_DIR.

use std::path::{Path, PathBuf};

fn main() {
    // Read when the script runs, not fixed when it was compiled: the compiled script is shared
    // by every clone on the machine (ci/book).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let src = Path::new(&manifest_dir).join("../../src");
    println!("cargo:rerun-if-changed={}", src.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("chapters");
    std::fs::create_dir_all(&out).unwrap();
    let mut copies = Vec::new();
    for md in skeptic::markdown_files_of_directory(src.to_str().unwrap()) {
        println!("cargo:rerun-if-changed={}", md.display());
        let text = std::fs::read_to_string(&md).unwrap();
        let rel = md
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace(['/', '\\'], "_");
        let copy = out.join(rel);
        std::fs::write(&copy, without_included_blocks(&text)).unwrap();
        copies.push(copy);
    }
    skeptic::generate_doc_tests(&copies);
}

/// Blanks the lines of every fenced block whose non-empty lines are all `{{#...include ...}}`.
fn without_included_blocks(text: &str) -> String {
    let mut out: Vec<String> = text.lines().map(str::to_string).collect();
    for fence in book_common::fences(text) {
        let only_includes = fence.body.iter().any(|l| !l.trim().is_empty())
            && fence
                .body
                .iter()
                .all(|l| l.trim().is_empty() || l.trim().starts_with("{{#"));
        if only_includes {
            // The opening fence, the body and the closing fence (`line` is 1-based).
            let first = fence.line - 1;
            let last = (first + fence.body.len() + 1).min(out.len() - 1);
            for line in &mut out[first..=last] {
                line.clear();
            }
        }
    }
    out.join("\n") + "\n"
}
