//! The book's sources as data: its pages, the files and anchors they include, their embedded
//! commands and code blocks, and the mark a page puts before a failure shown on purpose. The
//! checks of these sources are in `crate::checks`.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively), sorted.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))? {
            let p = e?.path();
            match p.is_dir() {
                true => stack.push(p),
                false => out.push(p),
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every file under `dir` (recursively) whose extension is `ext`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    Ok(files_under(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect())
}

/// One page of the book's sources: its name as the checks report it (`src/page.md`), its path
/// and its text.
pub struct Page {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// Every page under `src/`, sorted (none when there is no `src/`).
pub fn pages(root: &Path) -> Result<Vec<Page>> {
    let src = root.join("src");
    if !src.is_dir() {
        return Ok(vec![]);
    }
    files_with_extension(&src, "md")?
        .into_iter()
        .map(|path| {
            Ok(Page {
                name: crate::model::rel(root, &path),
                text: std::fs::read_to_string(&path)?,
                path,
            })
        })
        .collect()
}

pub use book_common::{Fence, fences};

/// `{{#include path}}` / `{{#rustdoc_include path:anchor}}` directives on one line.
pub fn includes(line: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{#") {
        let escaped = rest[..start].ends_with('\\'); // `\{{#include}}` is shown, not included
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        let arg = inner
            .strip_prefix("include ")
            .or_else(|| inner.strip_prefix("rustdoc_include "));
        if let (Some(arg), false) = (arg, escaped) {
            let arg = arg.trim();
            // `path:anchor`, `path:N:M` (line ranges, which this book does not use), or `path`.
            match arg.split_once(':') {
                Some((p, a)) => out.push((p.to_string(), Some(a.to_string()))),
                None => out.push((arg.to_string(), None)),
            }
        }
        rest = &after[end + 2..];
    }
    out
}

/// Whether `content` has an `ANCHOR: name` line for exactly this name (`:al` must not match
/// `ANCHOR: all`), as mdBook reads anchors.
pub fn has_anchor(content: &str, name: &str) -> bool {
    content.lines().any(|l| {
        l.split_once("ANCHOR:")
            .is_some_and(|(_, rest)| rest.split_whitespace().next() == Some(name))
    })
}

/// `<!-- cmdrun ... -->` commands in a text.
pub fn cmdruns(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("<!--") {
            let after = &rest[start + 4..];
            let Some(end) = after.find("-->") else { break };
            if let Some(cmd) = after[..end].trim().strip_prefix("cmdrun ") {
                out.push((i + 1, cmd.trim().to_string()));
            }
            rest = &after[end + 3..];
        }
    }
    out
}

/// The `listings/...` paths written in backticks on a line.
pub fn listing_paths(line: &str) -> Vec<String> {
    line.split('`')
        .skip(1)
        .step_by(2)
        // A placeholder such as `listings/<chapter>/<name>/` names no file.
        .filter(|w| {
            w.starts_with("listings/")
                && !w.contains(|c: char| c.is_whitespace() || "<*…".contains(c))
        })
        .map(str::to_string)
        .collect()
}

/// Whether a fence's info string makes it a Rust block (as mdbook and skeptic read it).
pub fn is_rust(info: &str) -> bool {
    info.split([',', ' ']).next() == Some("rust")
}

/// `text` safe inside HTML or SVG, as text or as a quoted attribute's value.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The mark a page puts before a run that fails on purpose (styled by `theme/wasi-book.css`),
/// so a reader never mistakes the failure the book shows for a broken example.
pub fn failure_banner(why: &str) -> String {
    // Raw HTML is not Markdown: escape the text, and turn its `code` spans into <code>.
    let escaped = escape_html(why);
    let mut html = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        html.push_str(&if i % 2 == 1 {
            format!("<code>{part}</code>")
        } else {
            part.to_string()
        });
    }
    format!("<p class=\"fails-on-purpose\"><strong>Fails on purpose:</strong> {html}.</p>\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_includes_and_anchors() {
        assert_eq!(
            includes("{{#rustdoc_include ../listings/a/b/src/main.rs:all}}"),
            vec![(
                "../listings/a/b/src/main.rs".to_string(),
                Some("all".to_string())
            )]
        );
        assert_eq!(
            includes("{{#include x.rs}} and {{#include y.rs:z}}").len(),
            2
        );
        assert!(includes("plain text").is_empty());
        assert!(includes(r"shown as \{{#include x.rs}}").is_empty());
    }

    #[test]
    fn anchors_match_exactly() {
        let file = "// ANCHOR: all\nfn main() {}\n// ANCHOR_END: all\n# ANCHOR: lib\n";
        assert!(has_anchor(file, "all"));
        assert!(has_anchor(file, "lib"));
        assert!(!has_anchor(file, "al"));
        assert!(!has_anchor(file, "END"));
    }

    #[test]
    fn finds_fences_with_info_and_lines() {
        let f = fences("a\n```rust\nfn main() {}\n```\n\n```\nx\n```\n");
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].info.as_str(), f[0].line, f[0].body.len()),
            ("rust", 2, 1)
        );
        assert_eq!(f[1].info, "");
    }

    #[test]
    fn finds_cmdruns() {
        let c = cmdruns("x <!-- cmdrun --strict echo hi --> y\n<!-- not this -->");
        assert_eq!(c, vec![(1, "--strict echo hi".to_string())]);
    }

    #[test]
    fn a_failure_banner_renders_code_spans() {
        assert_eq!(
            failure_banner("calling `_start` twice <traps>"),
            "<p class=\"fails-on-purpose\"><strong>Fails on purpose:</strong> calling <code>_start</code> twice &lt;traps&gt;.</p>\n\n"
        );
    }
}
