//! Code the book shows must fit its code blocks: a line wider than `rustfmt.toml`'s
//! `max_width` makes the reader scroll sideways. rustfmt wraps code to that width but not
//! comments or string literals, so this check reads what each page includes.

use crate::book;
use anyhow::Result;
use std::path::Path;

/// The widest line a code block shows without scrolling, as `rustfmt.toml` says.
pub fn page_width(root: &Path) -> Result<usize> {
    let text = std::fs::read_to_string(root.join("rustfmt.toml"))?;
    let table: toml::Table = toml::from_str(&text)?;
    Ok(table
        .get("max_width")
        .and_then(|w| w.as_integer())
        .map(|w| w as usize)
        .unwrap_or(100))
}

/// The lines that a page shows (an `{{#include}}`, or the visible part of a
/// `{{#rustdoc_include}}`: its anchor) that are wider than `width`, named by page and file.
pub fn too_wide(root: &Path, width: usize) -> Result<Vec<String>> {
    let mut problems = vec![];
    for book::Page {
        name: page_name,
        path: page,
        text,
    } in book::pages(root)?
    {
        for (n, line) in text.lines().enumerate() {
            for (path, anchor) in book::includes(line) {
                let file = page.parent().unwrap_or(root).join(&path);
                let Ok(content) = std::fs::read_to_string(&file) else {
                    continue; // a missing file is the include check's to report
                };
                for (at, shown) in shown_lines(&content, anchor.as_deref()) {
                    let columns = shown.chars().count();
                    if columns > width {
                        problems.push(format!(
                            "{page_name}:{}: line {at} of {path} is {columns} columns wide; \
                             the page's code blocks show {width} (wrap the comment or string)",
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    Ok(problems)
}

/// The lines of `content` a page shows, with their line numbers: the anchor's, without the
/// anchor markers, or the whole file.
fn shown_lines<'a>(content: &'a str, anchor: Option<&str>) -> Vec<(usize, &'a str)> {
    let marker = |l: &str| l.contains("ANCHOR:") || l.contains("ANCHOR_END:");
    let lines = content.lines().enumerate().map(|(i, l)| (i + 1, l));
    match anchor {
        None => lines.filter(|(_, l)| !marker(l)).collect(),
        Some(name) => {
            let mut inside = false;
            let mut out = vec![];
            for (i, l) in lines {
                let named = |tag: &str| {
                    l.split_once(tag)
                        .is_some_and(|(_, rest)| rest.split_whitespace().next() == Some(name))
                };
                if named("ANCHOR_END:") {
                    inside = false;
                } else if named("ANCHOR:") {
                    inside = true;
                } else if inside && !marker(l) {
                    out.push((i, l));
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_anchors_lines_are_shown() {
        let content = "a very long line outside\n// ANCHOR: x\nshown\n// ANCHOR: y\nalso\n\
                       // ANCHOR_END: y\n// ANCHOR_END: x\nnot shown\n";
        let shown: Vec<&str> = shown_lines(content, Some("x"))
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(shown, vec!["shown", "also"]);
        assert_eq!(shown_lines(content, Some("y")), vec![(5, "also")]);
        assert_eq!(shown_lines(content, None).len(), 4);
    }
}
