//! What the book's runner (`ci/wasi-runner`), its checks (`ci/xtask`) and its snippet tests
//! (`ci/book-snippets`) share, so each is written once. No dependencies but, behind the
//! `markdown` feature, pulldown-cmark (the Markdown parser mdBook itself uses).

use std::path::{Path, PathBuf};

/// The exit status the runner reports for a trap, as a shell reports a process killed by
/// SIGABRT (128 + 6), which is also what `wasmtime run` exits with.
pub const TRAP_EXIT_CODE: i32 = 134;

/// The longest deadline a run may have (the runner's `--deadline-ms`, a listing's
/// `deadline-ms`), in milliseconds: the harness kills any process after 180 s.
pub const MAX_DEADLINE_MS: u64 = 180_000;

/// The largest memory cap a run may have (the runner's `--memory-mib`, a listing's
/// `memory-mib`): 4 GiB, a 32-bit linear memory's largest size.
pub const MAX_MEMORY_MIB: usize = 4096;

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

/// The repository this workspace was built from: every crate of it (this one is in `ci/`)
/// is built per clone, so the path fixed at compile time is the clone's own. Its real path
/// (no symbolic link in it), as the programs it runs print their paths.
pub fn checkout_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("ci/book-common is two levels below the repository");
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
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
