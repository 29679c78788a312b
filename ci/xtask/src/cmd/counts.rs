//! `counts`: figures of the teaching pages (every page but the appendices) against the house
//! style of CONTRIBUTING.md, "Write a chapter": how often a lesson speaks of the book's own
//! machinery instead of the reader's tools, paragraphs too long to read, and the rest.
//! Informational: printed, never asserted.

use super::root;
use anyhow::Result;
use regex::Regex;
use xtask::book;

/// One page's prose: code blocks and HTML comments (the embedded commands) taken out.
fn prose(text: &str) -> String {
    let fences = Regex::new(r"(?s)```.*?```").expect("valid");
    let comments = Regex::new(r"(?s)<!--.*?-->").expect("valid");
    comments
        .replace_all(&fences.replace_all(text, ""), "")
        .into_owned()
}

/// Words of a paragraph as a reader counts them: a link counts by its text.
fn words(paragraph: &str) -> usize {
    let links = Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid");
    links
        .replace_all(paragraph, "$1")
        .split_whitespace()
        .count()
}

pub fn counts() -> Result<()> {
    let root = root();
    let checks: [(&str, Regex); 5] = [
        (
            "the book's machinery (pinned, its runner, ci/ paths)",
            Regex::new(r"(?i)pinned|ci/wasi-run|book.s (?:own )?runner|\bci/[a-z]")?,
        ),
        (
            "the pinned nightly by date",
            Regex::new(r"nightly-\d{4}-\d{2}-\d{2}")?,
        ),
        (
            "Rust 1.99 or 1.100 by number",
            Regex::new(r"\b1\.(?:99|100)\b")?,
        ),
        (
            "History boxes left open (not in a collapsed block)",
            Regex::new(r"(?m)^> \*\*History\.?\*\*")?,
        ),
        (
            "History in collapsed blocks",
            Regex::new(r"<summary>History</summary>")?,
        ),
    ];
    let mut totals = vec![0usize; checks.len()];
    let (mut long, mut try_its, mut teaching_words, mut appendix_words) = (0, 0, 0, 0);
    let mut long_pages = vec![];
    for page in book::pages(&root)? {
        let file = page.name.trim_start_matches("src/");
        let text = prose(&page.text);
        let page_words = words(&text);
        if file.starts_with("appendix-") {
            if file == "appendix-testing.md" {
                appendix_words += page_words;
            }
            continue;
        }
        if file == "SUMMARY.md" {
            continue;
        }
        teaching_words += page_words;
        for (total, (_, re)) in totals.iter_mut().zip(&checks) {
            *total += re.find_iter(&text).count();
        }
        try_its += text.matches("**Try it.**").count();
        for paragraph in text.split("\n\n") {
            let first = paragraph.trim_start();
            if first.starts_with(['|', '#', '<']) {
                continue;
            }
            if words(paragraph) > 100 {
                long += 1;
                long_pages.push(file.to_string());
            }
        }
    }
    long_pages.dedup();
    println!("| Teaching pages (appendices aside) | Count |");
    println!("|---|---|");
    for (total, (what, _)) in totals.iter().zip(&checks) {
        println!("| {what} | {total} |");
    }
    println!(
        "| paragraphs over 100 words | {long}{} |",
        match long_pages.is_empty() {
            true => String::new(),
            false => format!(" ({})", long_pages.join(", ")),
        }
    );
    println!("| Try it blocks | {try_its} |");
    println!("| words | {teaching_words} |");
    println!(
        "| words of the testing appendix | {appendix_words} ({} % of the book) |",
        appendix_words * 100 / (teaching_words + appendix_words).max(1)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_leaves_out_code_and_embedded_commands_and_links_count_by_their_text() {
        let text = "One [two three](https://x/y) four.\n\n```sh\nci/wasi-run x\n```\n\
                    <!-- cmdrun ci/book -->\n";
        let p = prose(text);
        assert!(!p.contains("ci/"), "{p}");
        assert_eq!(words(&p), 4);
    }
}
