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
pub fn renumbering(src: &Path) -> Result<BTreeMap<String, String>> {
    Ok(xtask::checks::sources::captions(src)?
        .into_iter()
        .filter(|c| c.has != c.wants)
        .map(|c| (c.has, c.wants))
        .collect())
}

/// `text` with every `Listing N-M` renumbered, and every number a `Listings N-M and N-M` (or
/// `, `, `or`, `to`) goes on to, all at once, so that a chain of moves (10-1 -> 11-1 while
/// 11-1 -> 12-1) never renumbers a mention twice.
pub fn renumbered(text: &str, map: &BTreeMap<String, String>) -> String {
    let mention = Regex::new(r"Listings? \d+-\d+(?:(?:, and |, | and | or | to )\d+-\d+)*")
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
}
