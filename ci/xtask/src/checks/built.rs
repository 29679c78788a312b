//! The built book: no link or anchor that leads nowhere, no embedded command that failed.

use crate::book::{cmdruns, files_with_extension};
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Links in the built book that lead nowhere: a relative `href` or `src` to a file the build
/// did not produce, or an `#anchor` that names no element of its page. (Links to other sites
/// are not followed: the build machines reach none.)
pub fn broken_links(html_dir: &Path) -> Result<Vec<String>> {
    let link = regex::Regex::new(r#"\b(?:href|src)="([^"]*)""#).expect("valid pattern");
    let id = regex::Regex::new(r#"\bid="([^"]+)""#).expect("valid pattern");
    let mut ids: std::collections::BTreeMap<PathBuf, BTreeSet<String>> = Default::default();
    let pages = files_with_extension(html_dir, "html")?;
    for page in &pages {
        let text = std::fs::read_to_string(page)?;
        ids.insert(
            page.clone(),
            id.captures_iter(&text).map(|c| c[1].to_string()).collect(),
        );
    }
    let mut problems = Vec::new();
    for page in &pages {
        // The print page and the 404 page repeat other pages' links.
        let name = page
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if name == "print.html" || name == "404.html" {
            continue;
        }
        let text = std::fs::read_to_string(page)?;
        for c in link.captures_iter(&text) {
            let url = &c[1];
            // Another site (`https:`, `mailto:`, `//host`), or mdbook's own placeholder.
            if url.is_empty()
                || url.starts_with("//")
                || url.split('/').next().is_some_and(|s| s.contains(':'))
            {
                continue;
            }
            let (file, anchor) = match url.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (url, None),
            };
            let file = file.split('?').next().unwrap_or("");
            let target = if file.is_empty() {
                page.clone()
            } else {
                normalize(&page.parent().unwrap().join(file))
            };
            if !target.starts_with(html_dir) || !target.exists() {
                problems.push(format!(
                    "{name}: a link to `{url}` leads to no file of the built book"
                ));
                continue;
            }
            if let (Some(anchor), Some(known)) = (anchor, ids.get(&target))
                && !known.contains(anchor)
            {
                problems.push(format!("{name}: a link to `{url}` names no anchor there"));
            }
        }
    }
    Ok(problems)
}

/// `a/b/../c` as `a/c`, without asking the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Pages of the built book that carry a failed embedded command. Each is named with the
/// command's page and line in `src/` and, when the command runs a pinned tool, with that tool
/// (the book is built into `<root>/book`, so the root is `html_dir`'s parent).
pub fn cmdrun_errors(html_dir: &Path) -> Result<Vec<String>> {
    let root = html_dir.parent().unwrap_or(html_dir);
    // The source lines of every embedded command, and the pinned tools, to name them.
    let mut sources: Vec<(String, usize, String)> = vec![];
    if root.join("src").is_dir() {
        for file in files_with_extension(&root.join("src"), "md")? {
            let page = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string();
            for (line, cmd) in cmdruns(&std::fs::read_to_string(&file)?) {
                sources.push((page.clone(), line, cmd));
            }
        }
    }
    let tools = match root.join("ci/tools.toml").is_file() {
        true => crate::tools::pinned(root)?,
        false => vec![],
    };
    let mut out = Vec::new();
    for page in files_with_extension(html_dir, "html")? {
        let text = std::fs::read_to_string(&page)?;
        // cmdrun writes `**cmdrun error**: ...`, which renders as below.
        if let Some(i) = text.find("<strong>cmdrun error</strong>") {
            let snippet: String = text[i..].chars().take(400).collect();
            // The command, as the page's source writes it (after `--strict`, which cmdrun
            // reads), compared by its letters and digits only: Markdown rendering drops the
            // backslash of `\$` and may turn `*` and `_` into emphasis. The page goes on after
            // the error, and later commands are printed there too: the failed one is the first.
            let letters =
                |t: &str| -> String { t.chars().filter(|c| c.is_ascii_alphanumeric()).collect() };
            let error = letters(&unescape_html(
                &text[i..].chars().take(4000).collect::<String>(),
            ));
            let failed = sources
                .iter()
                .filter_map(|s| {
                    let cmd = letters(s.2.trim_start_matches("--strict"));
                    error
                        .find(&cmd)
                        .filter(|_| !cmd.is_empty())
                        .map(|at| (at, s))
                })
                .min_by_key(|(at, _)| *at)
                .map(|(_, s)| s);
            let mut what = String::new();
            if let Some((src, line, cmd)) = failed {
                what.push_str(&format!(" (the command of {src}:{line}"));
                let mut named: Vec<String> = vec![];
                for program in crate::tools::programs_in(cmd) {
                    if let Some(t) = crate::tools::providing(&tools, &program) {
                        let it =
                            format!("`{program}` of the pinned tool {} {}", t.krate, t.version);
                        if !named.contains(&it) {
                            named.push(it);
                        }
                    }
                }
                if !named.is_empty() {
                    what.push_str(&format!(", which runs {}", named.join(" and ")));
                }
                what.push(')');
            }
            out.push(format!(
                "{}: an embedded command failed{what}: {snippet}",
                page.display()
            ));
        }
    }
    Ok(out)
}

/// A page's text without its tags, and with the few entities mdbook writes decoded.
fn unescape_html(text: &str) -> String {
    let tag = regex::Regex::new(r"<[^>]*>").expect("valid pattern");
    tag.replace_all(text, "")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
