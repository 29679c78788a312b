//! What the pages claim about failures and versions: the then/now table's proofs, failures
//! marked before their code, and no nightly named but the pinned one.

use crate::book::{Page, cmdruns, files_with_extension, includes, pages};
use crate::model::Listing;
use anyhow::Result;
use std::path::Path;

/// The Limitations part's then/now table: in a table with a `Now` and a `Proof` column, each
/// listing path of a row's Proof cell must be shown by a chapter its Now cell links to (its
/// code included, its run `show`n, or its path in an embedded command), so the table cannot
/// point at proof that the chapter never shows. A path followed by "(fails)" must fail on
/// purpose (a `failure` in its metadata, or an `sh --exit N`/`--fails` command that runs it);
/// an unmarked listing must have a run that works.
pub fn then_now_tables(root: &Path, listings: &[Listing]) -> Result<Vec<String>> {
    let link = regex::Regex::new(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)").expect("valid pattern");
    let proof = regex::Regex::new(r"`(listings/[^`]+)`(\s*\(fails\))?").expect("valid pattern");
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let mut problems = vec![];
    for Page {
        name,
        path: file,
        text,
    } in pages(root)?
    {
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let header = cells(lines[i]);
            let (Some(now), Some(proof_col)) = (
                header.iter().position(|c| c == "Now"),
                header.iter().position(|c| c == "Proof"),
            ) else {
                i += 1;
                continue;
            };
            // The rows, after the header and its `|---|` line.
            i += 2;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                let row = cells(lines[i]);
                let at = format!("{name}:{}", i + 1);
                let chapters: Vec<(String, String)> = row
                    .get(now)
                    .map(|c| {
                        link.captures_iter(c)
                            .filter_map(|m| {
                                let page = m[1].to_string();
                                std::fs::read_to_string(file.parent()?.join(&page))
                                    .ok()
                                    .map(|t| (page, t))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                for m in proof.captures_iter(row.get(proof_col).map_or("", |c| c.as_str())) {
                    let path = m[1].trim_end_matches('/');
                    let marked = m.get(2).is_some();
                    let shows = |text: &str| {
                        text.lines().any(|l| {
                            includes(l).iter().any(|(p, _)| {
                                Path::new(p.trim_start_matches("../")).starts_with(path)
                            })
                        }) || cmdruns(text).iter().any(|(_, c)| {
                            c.split(|ch: char| ch.is_whitespace() || "'\"".contains(ch))
                                .any(|w| Path::new(w).starts_with(path))
                        })
                    };
                    if !chapters.iter().any(|(_, t)| shows(t)) {
                        let linked: Vec<&str> = chapters.iter().map(|(p, _)| p.as_str()).collect();
                        problems.push(format!(
                            "{at}: the Proof `{path}` is not shown by the chapter(s) its Now column links to ({}); \
                             link the chapter that includes or runs it",
                            if linked.is_empty() { "none".into() } else { linked.join(", ") }
                        ));
                    }
                    let listing = listings.iter().find(|l| l.dir == Path::new(path));
                    let fails = match listing {
                        Some(l) => {
                            l.spec.build == crate::model::Build::Fails
                                || l.spec.runs.iter().any(|r| r.failure.is_some())
                        }
                        // A file, such as a `.wat` the chapter runs with `sh --exit N`.
                        None => chapters.iter().any(|(_, t)| {
                            cmdruns(t).iter().any(|(_, c)| {
                                c.contains(path)
                                    && (c.contains(" sh --exit ") || c.contains(" sh --fails "))
                            })
                        }),
                    };
                    let works = match listing {
                        Some(l) => {
                            l.spec.runs.is_empty()
                                || (l.spec.build == crate::model::Build::Ok
                                    && l.spec.runs.iter().any(|r| r.failure.is_none()))
                        }
                        None => true,
                    };
                    if marked && !fails {
                        problems.push(format!(
                            "{at}: `{path}` is marked (fails), but nothing in it fails on purpose \
                             (no `failure` in its metadata, no `sh --exit N` or `--fails` that runs it)"
                        ));
                    }
                    if !marked && !works {
                        problems.push(format!(
                            "{at}: `{path}` fails on purpose in every run: mark it `(fails)` in the Proof column"
                        ));
                    }
                }
                i += 1;
            }
        }
    }
    Ok(problems)
}

/// A listing that fails on purpose (its build, or every run) is marked before its code: its
/// caption has the class `fails`, which `theme/wasi-book.css` turns into a visible mark.
pub fn unmarked_failures(src: &Path, listings: &[Listing]) -> Result<Vec<String>> {
    let caption = regex::Regex::new(r#"<span class="caption([^"]*)">(Listing [^:]+): `([^`]+)`"#)
        .expect("valid pattern");
    let mut problems = Vec::new();
    for file in files_with_extension(src, "md")? {
        let text = std::fs::read_to_string(&file)?;
        for c in caption.captures_iter(&text) {
            let Some(l) = listings
                .iter()
                .find(|l| Path::new(&c[3]).starts_with(&l.dir))
            else {
                continue;
            };
            let fails = l.spec.build == crate::model::Build::Fails
                || (!l.spec.runs.is_empty() && l.spec.runs.iter().all(|r| r.failure.is_some()));
            if fails && !c[1].split_whitespace().any(|class| class == "fails") {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                problems.push(format!(
                    "src/{name}: {} shows `{}`, which fails on purpose: mark it with <span class=\"caption fails\">",
                    &c[2], l.name
                ));
            }
        }
    }
    Ok(problems)
}

/// A nightly named in the text (`nightly-YYYY-MM-DD`) other than the pinned one: the pages and
/// the listings' comments name the pinned channel in commands, and a bump must update them all.
pub fn stale_nightlies(root: &Path, pinned: Option<&str>) -> Result<Vec<String>> {
    let re = regex::Regex::new(r"nightly-\d{4}-\d{2}-\d{2}").expect("valid pattern");
    let mut files = files_with_extension(&root.join("src"), "md")?;
    files.extend(files_with_extension(&root.join("listings"), "rs")?);
    files.extend(files_with_extension(&root.join("listings"), "toml")?);
    files.extend(["README.md", "CONTRIBUTING.md"].map(|f| root.join(f)));
    let mut problems = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            for m in re.find_iter(line).filter(|m| Some(m.as_str()) != pinned) {
                let at = file.strip_prefix(root).unwrap_or(&file).display();
                let pin = crate::model::NIGHTLY_PIN;
                problems.push(match pinned {
                    Some(p) => format!(
                        "{at}:{}: names `{}`, but the pinned nightly is `{p}` ({pin})",
                        n + 1,
                        m.as_str()
                    ),
                    None => format!(
                        "{at}:{}: names `{}`, but no nightly is pinned ({pin})",
                        n + 1,
                        m.as_str()
                    ),
                });
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_nightly_other_than_the_pinned_one() {
        // A fresh directory of its own (kept: the test removes it).
        let dir = tempfile::Builder::new()
            .prefix("stale-nightly-")
            .tempdir()
            .unwrap()
            .keep();
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("listings")).unwrap();
        std::fs::write(
            dir.join("src/a.md"),
            "cargo +nightly-2026-10-29 rustc\ncargo +nightly-2025-01-01 rustc\n",
        )
        .unwrap();
        let problems = stale_nightlies(&dir, Some("nightly-2026-10-29")).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("src/a.md:2: names `nightly-2025-01-01`"),
            "{}",
            problems[0]
        );
    }
}
