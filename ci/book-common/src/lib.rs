//! What the book's runner (`ci/wasi-runner`), its checks (`ci/xtask`) and its snippet tests
//! (`ci/book-snippets`) share, so each is written once. No dependencies but, behind the
//! `markdown` feature, pulldown-cmark (the Markdown parser mdBook itself uses).

use std::path::{Path, PathBuf};

/// The exit status the runner reports for a trap, as a shell reports a process killed by
/// SIGABRT (128 + 6), which is also what `wasmtime run` exits with.
pub const TRAP_EXIT_CODE: i32 = 134;

/// The book's cache: `$WASI_BOOK_CACHE`, else `$XDG_CACHE_HOME/wasi-exploration`, else
/// `~/.cache/wasi-exploration`; `None` without any of them (never a shared place such as /tmp).
pub fn cache_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("WASI_BOOK_CACHE") {
        return Some(dir.into());
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("wasi-exploration"))
}

/// The checkout a program of this workspace works on, found when it runs, not when it was
/// built: every clone on a machine shares one build directory (`ci/book`), and reuses a
/// compiled crate whose files are identical, so a path fixed at build time
/// (`env!("CARGO_MANIFEST_DIR")`) could name another clone. The nearest directory holding
/// `ci/book` above `$CARGO_MANIFEST_DIR` (which `cargo run` and `cargo test` set for the program,
/// and the commands it starts inherit), else above the current directory.
pub fn checkout_root() -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let here = std::env::current_dir().ok();
    checkout_above([cargo, here].into_iter().flatten())
}

/// A program of this workspace that `cargo test` built for the running test: test binaries
/// are in `PROFILE/deps/`, programs in `PROFILE/`. Found at run time rather than with
/// `env!("CARGO_BIN_EXE_…")`, which names the build directory through the clone that compiled
/// the test (a path that is gone once that clone is).
pub fn program_beside_test(name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test
        .parent()
        .and_then(Path::parent)
        .expect("a test binary in PROFILE/deps/");
    profile_dir.join(name)
}

/// The nearest checkout (a directory with `ci/book` and `Cargo.toml`) at or above the first of
/// `starts` that is inside one.
fn checkout_above(starts: impl IntoIterator<Item = PathBuf>) -> Option<PathBuf> {
    starts.into_iter().find_map(|start| {
        start
            .ancestors()
            .find(|dir| dir.join("ci/book").is_file() && dir.join("Cargo.toml").is_file())
            .and_then(|dir| dir.canonicalize().ok())
    })
}

/// `p` relative to `root` (the repository), as the book and its error messages name files.
pub fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// A fenced code block: its info string, first line number (1-based) and body lines.
#[cfg(feature = "markdown")]
#[derive(Debug, PartialEq, Eq)]
pub struct Fence {
    pub info: String,
    pub line: usize,
    pub body: Vec<String>,
}

/// The fenced code blocks of a Markdown text, as mdBook's parser sees them (a fence inside a
/// longer fence, or in an HTML comment, is not a block).
#[cfg(feature = "markdown")]
pub fn fences(text: &str) -> Vec<Fence> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
    let mut out = Vec::new();
    for (event, range) in Parser::new(text).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event {
            let line = text[..range.start].matches('\n').count() + 1;
            let mut lines: Vec<&str> = text[range].lines().collect();
            // The opening fence, and the closing one unless the block runs to the end.
            lines.remove(0);
            if lines.last().is_some_and(|l| {
                let t = l.trim();
                t.len() >= 3 && (t.chars().all(|c| c == '`') || t.chars().all(|c| c == '~'))
            }) {
                lines.pop();
            }
            out.push(Fence {
                info: info.trim().to_string(),
                line,
                body: lines.into_iter().map(str::to_string).collect(),
            });
        }
    }
    out
}

/// The web links of a Markdown text (`http://` and `https://`, in links, autolinks, images and
/// inline HTML's `href`/`src`), each with its line, as mdBook's parser sees them: a URL in a
/// code block or a code span is not a link.
#[cfg(feature = "markdown")]
pub fn web_links(text: &str) -> Vec<(usize, String)> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let web = |u: &str| u.starts_with("http://") || u.starts_with("https://");
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        let line = text[..range.start].matches('\n').count() + 1;
        match event {
            Event::Start(Tag::Link(_, url, _) | Tag::Image(_, url, _)) if web(&url) => {
                out.push((line, url.to_string()))
            }
            Event::Html(html) => {
                for attr in ["href=\"", "src=\""] {
                    for (at, _) in html.match_indices(attr) {
                        let rest = &html[at + attr.len()..];
                        let url = &rest[..rest.find('"').unwrap_or(rest.len())];
                        if web(url) {
                            out.push((line, url.to_string()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(all(test, feature = "markdown"))]
mod tests {
    use super::*;

    #[test]
    fn web_links_skip_code_and_relative_links() {
        let text = "See [the spec](https://example.org/spec) and <https://a.test/x>.\n\n`https://code.test` and [local](files.md).\n\n```sh\ncurl https://in.code\n```\n\n<a href=\"https://html.test/\">x</a>\n";
        assert_eq!(
            web_links(text),
            vec![
                (1, "https://example.org/spec".to_string()),
                (1, "https://a.test/x".to_string()),
                (9, "https://html.test/".to_string()),
            ]
        );
    }

    #[test]
    fn fences_have_their_info_line_and_body() {
        let f = fences("a\n```rust\nfn main() {}\n```\n\n````md\n```\nx\n```\n````\n");
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].info, "rust");
        assert_eq!(f[0].line, 2);
        assert_eq!(f[0].body, vec!["fn main() {}"]);
        // A fence inside a longer one is the outer block's text.
        assert_eq!(f[1].info, "md");
        assert_eq!(f[1].body, vec!["```", "x", "```"]);
    }

    #[test]
    fn a_fence_in_a_list_keeps_its_indented_lines() {
        let f = fences("1. Step:\n   ```sh\n   cargo run\n   ```\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].info, "sh");
        assert_eq!(f[0].line, 2);
        assert_eq!(f[0].body, vec!["   cargo run"]);
    }
}

#[cfg(test)]
mod checkout_root_tests {
    use super::*;

    #[test]
    fn the_checkout_is_the_nearest_directory_with_ci_book_above_where_it_starts() {
        let scratch = std::env::temp_dir().join(format!("book-common-root-{}", std::process::id()));
        let crate_dir = scratch.join("clone/ci/xtask");
        std::fs::create_dir_all(&crate_dir).unwrap();
        std::fs::write(scratch.join("clone/ci/book"), "").unwrap();
        std::fs::write(scratch.join("clone/Cargo.toml"), "").unwrap();
        let clone = scratch.join("clone").canonicalize().unwrap();
        // Not inside a checkout: the next start is tried.
        let outside = scratch.join("elsewhere");
        std::fs::create_dir_all(&outside).unwrap();
        assert_eq!(checkout_above([outside.clone(), crate_dir]), Some(clone));
        assert_eq!(checkout_above([outside]), None);
        std::fs::remove_dir_all(&scratch).unwrap();
    }
}
