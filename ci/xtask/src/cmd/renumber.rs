//! `renumber`: after a chapter is added, moved or removed, give every listing caption the number
//! its place in `src/SUMMARY.md` calls for (the check in `checks::sources::caption_numbers`),
//! and rewrite every mention of an old number, in the pages and in the listings' own comments,
//! to the new one.

use super::root;
use anyhow::Result;
use regex::Regex;
use std::collections::BTreeMap;
use std::path::Path;

/// Old caption number (`10-1`) -> new one (`11-1`), for every caption whose number changes.
/// Refuses when two captions carry the same number (a new page written with numbers another
/// page already uses): a mention of that number could mean either, so no rewrite is safe.
pub fn renumbering(src: &Path) -> Result<BTreeMap<String, String>> {
    let captions = xtask::checks::sources::captions(src)?;
    let mut pages: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &captions {
        pages.entry(&c.has).or_default().push(&c.page);
    }
    if let Some((number, on)) = pages.iter().find(|(_, on)| on.len() > 1) {
        anyhow::bail!(
            "Listing {number} is the caption of more than one listing (in {}): give the new \
             page's captions numbers no other page uses (99-1, 99-2, …, say), \
             then run `cargo xtask renumber` again",
            on.join(", ")
        );
    }
    Ok(captions
        .into_iter()
        .filter(|c| c.has != c.wants)
        .map(|c| (c.has, c.wants))
        .collect())
}

/// `text` with every `Listing N-M` renumbered, and every number a `Listings N-M and N-M` (or
/// `, `, `or`, `to`) goes on to, all at once, so that a chain of moves (10-1 -> 11-1 while
/// 11-1 -> 12-1) never renumbers a mention twice.
pub fn renumbered(text: &str, map: &BTreeMap<String, String>) -> String {
    // `\s+`, not a space: a mention may be broken over two lines of a paragraph.
    let mention = Regex::new(
        r"Listings?\s+\d+-\d+(?:(?:,\s+and\s+|,\s+|\s+and\s+|\s+or\s+|\s+to\s+)\d+-\d+)*",
    )
    .expect("valid pattern");
    let number = Regex::new(r"\d+-\d+").expect("valid pattern");
    mention
        .replace_all(text, |c: &regex::Captures| {
            number
                .replace_all(&c[0], |n: &regex::Captures| {
                    map.get(&n[0]).cloned().unwrap_or_else(|| n[0].to_string())
                })
                .into_owned()
        })
        .into_owned()
}

pub fn renumber() -> Result<()> {
    let root = root();
    let map = renumbering(&root.join("src"))?;
    if map.is_empty() {
        eprintln!("every caption already has its number");
        return Ok(());
    }
    let mut files = xtask::book::files_with_extension(&root.join("src"), "md")?;
    for file in xtask::book::files_under(&root.join("listings"))? {
        let text_file = ["rs", "toml", "witx", "wit"]
            .iter()
            .any(|e| file.extension().is_some_and(|x| x == *e));
        if text_file && !file.components().any(|c| c.as_os_str() == "target") {
            files.push(file);
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let new = renumbered(&text, &map);
        if new != text {
            std::fs::write(&file, new)?;
            eprintln!("renumbered {}", xtask::model::rel(&root, &file));
        }
    }
    for (old, new) in &map {
        eprintln!("Listing {old} -> Listing {new}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_on_two_captions_is_refused() {
        let src = tempfile::tempdir().unwrap();
        let caption = |n: &str| format!("<span class=\"caption\">Listing {n}: x</span>\n");
        std::fs::write(
            src.path().join("SUMMARY.md"),
            "- [A](a.md)\n- [B](b.md)\n- [C](c.md)\n",
        )
        .unwrap();
        std::fs::write(src.path().join("a.md"), caption("1-1")).unwrap();
        // b.md is new, and was given the number that c.md has until it moves down.
        std::fs::write(src.path().join("b.md"), caption("2-1")).unwrap();
        std::fs::write(src.path().join("c.md"), caption("2-1")).unwrap();
        let err = renumbering(src.path()).unwrap_err().to_string();
        assert!(err.contains("Listing 2-1"), "{err}");
        assert!(err.contains("b.md") && err.contains("c.md"), "{err}");

        std::fs::write(src.path().join("b.md"), caption("9-1")).unwrap();
        let map = renumbering(src.path()).unwrap();
        assert_eq!(
            map,
            BTreeMap::from([
                ("9-1".to_string(), "2-1".to_string()),
                ("2-1".to_string(), "3-1".to_string())
            ])
        );
    }

    #[test]
    fn a_chain_of_moves_renumbers_each_mention_once() {
        let map = BTreeMap::from([
            ("10-1".to_string(), "11-1".to_string()),
            ("11-1".to_string(), "12-1".to_string()),
        ]);
        assert_eq!(
            renumbered(
                "Listing 10-1, Listings 11-1 and 10-1, Listing 1-1, 10-1",
                &map
            ),
            "Listing 11-1, Listings 12-1 and 11-1, Listing 1-1, 11-1"
        );
    }

    #[test]
    fn a_mention_broken_over_two_lines_is_renumbered() {
        let map = BTreeMap::from([("36-2".to_string(), "37-2".to_string())]);
        assert_eq!(
            renumbered("what is left says how much. Listing\n36-2 does that", &map),
            "what is left says how much. Listing\n37-2 does that"
        );
        assert_eq!(
            renumbered("Listings 36-2 and\n36-2", &map),
            "Listings 37-2 and\n37-2"
        );
    }
}
