//! `ci/book new chapter SLUG "TITLE"` and `ci/book new listing CHAPTER NAME`: the
//! files a new chapter or listing starts from, following CONTRIBUTING.md's conventions, and
//! the lines to paste into the chapter. main.rs then records the listing's first transcripts.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// A chapter slug or a listing name: lowercase words joined by `-`, as every existing one is
/// (it becomes a file name, a directory and, for a listing, a Cargo package name).
fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if !ok {
        bail!("{what} `{name}`: use lowercase letters, digits and `-`, starting with a letter");
    }
    Ok(())
}

/// Writes `src/SLUG.md` from the chapter template and adds it to `src/SUMMARY.md`: at the end
/// of the part titled `part` (a `# Part` heading), or else last before the appendices (the
/// `---` rule). Returns the files it wrote.
pub fn new_chapter(
    root: &Path,
    slug: &str,
    title: &str,
    part: Option<&str>,
) -> Result<Vec<PathBuf>> {
    check_name("chapter", slug)?;
    let page = root.join("src").join(format!("{slug}.md"));
    if page.exists() {
        bail!("{} exists already", page.display());
    }
    let summary_path = root.join("src/SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .with_context(|| format!("cannot read {}", summary_path.display()))?;
    let new_summary = with_entry(&summary, &format!("- [{title}]({slug}.md)"), part)?;
    std::fs::write(&page, chapter_template(title))?;
    std::fs::write(&summary_path, &new_summary)?;
    let mut written = vec![page, summary_path];
    written.extend(renumber(root, &summary, &new_summary)?);
    Ok(written)
}

/// The chapter files of a SUMMARY.md, in sidebar order (their number is their place + 1).
fn chapters(summary: &str) -> Vec<String> {
    let entry = regex::Regex::new(r"^\s*- \[[^\]]*\]\(([^)]+)\)").expect("valid pattern");
    summary
        .lines()
        .filter_map(|l| entry.captures(l).map(|c| c[1].to_string()))
        .collect()
}

/// A new chapter moves the chapters after it down the sidebar, so their listings' numbers
/// (`Listing N-M`, in captions and wherever the prose names one) change with them. Rewrites
/// every page where a number changed; returns those pages.
fn renumber(root: &Path, old: &str, new: &str) -> Result<Vec<PathBuf>> {
    let new_chapters = chapters(new);
    let moved: std::collections::HashMap<String, String> = chapters(old)
        .iter()
        .enumerate()
        .filter_map(|(i, file)| {
            let j = new_chapters.iter().position(|f| f == file)?;
            (i != j).then(|| ((i + 1).to_string(), (j + 1).to_string()))
        })
        .collect();
    if moved.is_empty() {
        return Ok(vec![]);
    }
    let number = regex::Regex::new(r"Listing (\d+)-(\d+)").expect("valid pattern");
    let mut changed = vec![];
    for page in crate::book::pages(root)? {
        let text = number.replace_all(&page.text, |c: &regex::Captures| {
            let n = moved.get(&c[1]).map_or(&c[1], String::as_str);
            format!("Listing {n}-{}", &c[2])
        });
        if text != page.text {
            std::fs::write(&page.path, text.as_ref())?;
            changed.push(page.path);
        }
    }
    Ok(changed)
}

/// SUMMARY.md with `entry` added at the end of `part`, or before the `---` rule that starts the
/// appendices (at the end when there is none).
fn with_entry(summary: &str, entry: &str, part: Option<&str>) -> Result<String> {
    let lines: Vec<&str> = summary.lines().collect();
    // The line after which the entry goes: the last chapter line of the chosen section.
    let (start, end) = match part {
        Some(part) => {
            let heading = format!("# {part}");
            let start = lines
                .iter()
                .position(|l| l.trim() == heading)
                .with_context(|| {
                    let parts: Vec<&str> = lines
                        .iter()
                        .filter_map(|l| l.strip_prefix("# "))
                        .filter(|p| *p != "Summary")
                        .collect();
                    format!(
                        "SUMMARY.md has no part `{part}`; its parts: {}",
                        parts.join(", ")
                    )
                })?;
            let end = lines[start + 1..]
                .iter()
                .position(|l| l.starts_with("# ") || l.trim() == "---")
                .map_or(lines.len(), |p| start + 1 + p);
            (start, end)
        }
        None => (
            0,
            lines
                .iter()
                .position(|l| l.trim() == "---")
                .unwrap_or(lines.len()),
        ),
    };
    let after = lines[start..end]
        .iter()
        .rposition(|l| l.trim_start().starts_with("- ["))
        .map_or(start, |p| start + p);
    let mut out: Vec<&str> = lines[..=after].to_vec();
    out.push(entry);
    out.extend(&lines[after + 1..]);
    Ok(out.join("\n") + "\n")
}

fn chapter_template(title: &str) -> String {
    format!(
        "# {title}

What the reader will see on this page, in a sentence or two; then how to do it today. Link a
term to [Concepts](concepts.md) on its first use, and give new terms an entry there.

Add a listing with `ci/book new listing <this chapter's file name> <name>`, then paste the
lines it prints here, and say after each run what to notice.

## Summary

- One line per thing the reader now knows.

**Try it.** One change the reader can make and run. The answer is a named run of a listing
(`runs = [{{ name = \"try-it\", ... }}]` in its metadata), shown live below, so that the
suggestion is tested too.

<details>
<summary>What this page's build got</summary>

<!-- Replace this comment with the answer's run, one line for each target the run has, as in:
cmdrun --strict $WASI_BOOK show listings/CHAPTER/LISTING wasip1 try-it
cmdrun --strict $WASI_BOOK show listings/CHAPTER/LISTING wasip2 try-it
each with `<!-- ` before `cmdrun` and ` -->` after it. A run has every target of its listing
unless it says otherwise (`targets = [\"wasip1\"]` in the run). -->

What the answer shows, in a sentence.

</details>
"
    )
}

/// The files of a new listing at `listings/CHAPTER/NAME/`: a command for both WASI targets that
/// prints one line, with its `Run it:` comment and an `all` anchor. Returns its directory.
pub fn new_listing(root: &Path, chapter: &str, name: &str) -> Result<PathBuf> {
    check_name("chapter", chapter)?;
    check_name("listing", name)?;
    if !root.join("src").join(format!("{chapter}.md")).is_file() {
        bail!(
            "there is no chapter src/{chapter}.md; create it first (`ci/book new chapter {chapter} \"Its title\"`)"
        );
    }
    if let Some(other) = crate::pipeline::discover::discover(root)?
        .iter()
        .find(|l| l.name == name)
    {
        bail!(
            "a listing named `{name}` exists already ({}); package names are unique in the workspace",
            other.dir.display()
        );
    }
    let dir = root.join("listings").join(chapter).join(name);
    if dir.exists() {
        bail!("{} exists already", dir.display());
    }
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]
name = \"{name}\"
version = \"0.1.0\"
edition = \"2024\"
publish = false

# How the book builds and runs it (CONTRIBUTING.md, \"Listing metadata\").
[package.metadata.wasi-book]
targets = [\"wasip1\", \"wasip2\"]
"
        ),
    )?;
    std::fs::write(
        dir.join("src/main.rs"),
        format!(
            "// Run it: cargo run -q -p {name} --target wasm32-wasip1   (or --target wasm32-wasip2)
// ANCHOR: all
fn main() {{
    println!(\"Hello from {name}!\");
}}
// ANCHOR_END: all
"
        ),
    )?;
    Ok(dir)
}

/// What to paste into the chapter for a listing: its caption (numbered as the caption check
/// expects: the chapter's place in the sidebar, then the next number in the chapter), its
/// included code and one run per target.
pub fn listing_snippet(root: &Path, chapter: &str, name: &str) -> Result<String> {
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md"))?;
    let n = chapters(&summary)
        .iter()
        .position(|f| *f == format!("{chapter}.md"))
        .map_or("N".to_string(), |i| (i + 1).to_string());
    let text = std::fs::read_to_string(root.join("src").join(format!("{chapter}.md")))?;
    let m = text.matches("<span class=\"caption").count() + 1;
    let path = format!("listings/{chapter}/{name}");
    Ok(format!(
        "<span class=\"caption\">Listing {n}-{m}: `{path}/src/main.rs`, WHAT IT SHOWS</span>

```rust
{{{{#rustdoc_include ../{path}/src/main.rs:all}}}}
```

<!-- cmdrun --strict $WASI_BOOK show {path} wasip1 -->

<!-- cmdrun --strict $WASI_BOOK show {path} wasip2 -->
"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = "# Summary\n\n[Introduction](introduction.md)\n\n- [Hello](hello.md)\n\n# Tooling\n\n- [Cargo](tools-cargo.md)\n\n# Limits\n\n- [Then](limits.md)\n\n---\n\n- [Appendix](appendix.md)\n";

    #[test]
    fn a_chapter_goes_at_the_end_of_its_part_or_before_the_appendices() {
        let in_part = with_entry(SUMMARY, "- [New](new.md)", Some("Tooling")).unwrap();
        assert!(
            in_part.contains("- [Cargo](tools-cargo.md)\n- [New](new.md)\n\n# Limits"),
            "{in_part}"
        );
        let last = with_entry(SUMMARY, "- [New](new.md)", None).unwrap();
        assert!(
            last.contains("- [Then](limits.md)\n- [New](new.md)\n\n---"),
            "{last}"
        );
        let err = with_entry(SUMMARY, "- [New](new.md)", Some("Nope")).unwrap_err();
        assert!(
            format!("{err}").contains("its parts: Tooling, Limits"),
            "{err}"
        );
    }

    #[test]
    fn the_chapters_after_a_new_one_keep_their_listing_numbers_in_step() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/SUMMARY.md"), SUMMARY).unwrap();
        let limits =
            "<span class=\"caption\">Listing 3-1: x</span>\nAs Listing 3-1 and Listing 1-2 show.\n";
        std::fs::write(root.join("src/limits.md"), limits).unwrap();
        std::fs::write(
            root.join("src/hello.md"),
            "Listing 1-1, then Listing 3-1.\n",
        )
        .unwrap();
        new_chapter(root, "more-tools", "More tools", Some("Tooling")).unwrap();
        let read = |f: &str| std::fs::read_to_string(root.join("src").join(f)).unwrap();
        assert_eq!(
            read("limits.md"),
            "<span class=\"caption\">Listing 4-1: x</span>\nAs Listing 4-1 and Listing 1-2 show.\n"
        );
        assert_eq!(read("hello.md"), "Listing 1-1, then Listing 4-1.\n");
        assert!(
            crate::checks::sources::caption_numbers(&root.join("src"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn names_are_checked_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("listings")).unwrap();
        std::fs::write(root.join("src/SUMMARY.md"), SUMMARY).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nresolver = \"3\"\nmembers = []\n",
        )
        .unwrap();
        assert!(new_chapter(root, "Bad Name", "x", None).is_err());
        new_chapter(root, "new-one", "New one", Some("Limits")).unwrap();
        let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
        assert!(
            summary.contains("- [Then](limits.md)\n- [New one](new-one.md)\n"),
            "{summary}"
        );
        assert!(new_chapter(root, "new-one", "Again", None).is_err());
        // A listing needs its chapter, then gets a caption numbered by the sidebar.
        assert!(new_listing(root, "missing", "demo").is_err());
        let l = new_listing(root, "new-one", "demo").unwrap();
        assert!(l.join("src/main.rs").is_file());
        assert!(new_listing(root, "new-one", "demo").is_err());
        let snippet = listing_snippet(root, "new-one", "demo").unwrap();
        assert!(
            snippet.contains("Listing 4-1: `listings/new-one/demo/src/main.rs`"),
            "{snippet}"
        );
        assert!(snippet.contains("{{#rustdoc_include ../listings/new-one/demo/src/main.rs:all}}"));
    }
}
