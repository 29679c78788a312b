//! The book's sources against the listings: every listing shown, every include and anchor
//! real, every Rust block tested, every embedded command strict and its programs pinned, each
//! listing's `Run it:` comment, and the listings' caption numbers.

use super::marks::{stale_nightlies, then_now_tables, unmarked_failures};
use crate::book::{Page, cmdruns, fences, has_anchor, includes, is_rust, listing_paths, pages};
use crate::model::{Listing, Target};
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::Path;

/// Checks `src/` against the listings. Returns one message per problem.
pub fn check_sources(root: &Path, listings: &[Listing]) -> Result<Vec<String>> {
    let src = root.join("src");
    let mut problems = Vec::new();
    // (listing, run, target) pairs the book shows; (listing, "", None) for an include.
    let mut shown: BTreeSet<(String, String, Option<Target>)> = BTreeSet::new();
    for Page {
        name,
        path: file,
        text,
    } in pages(root)?
    {
        let dir = file.parent().unwrap();
        // Includes: the file must exist and hold the anchor; record which listing it shows.
        for (n, line) in text.lines().enumerate() {
            for (path, anchor) in includes(line) {
                let target = dir.join(&path);
                let at = format!("{name}:{}", n + 1);
                let Ok(content) = std::fs::read_to_string(&target) else {
                    problems.push(format!("{at}: includes `{path}`, which does not exist"));
                    continue;
                };
                if let Some(a) = &anchor {
                    if a.chars().all(|c| c.is_ascii_digit() || c == ':') {
                        problems.push(format!("{at}: `{path}:{a}` includes by line number, which breaks silently; use an ANCHOR"));
                    } else if !has_anchor(&content, a) {
                        problems.push(format!("{at}: `{path}` has no `// ANCHOR: {a}`"));
                    }
                }
                if let Ok(canon) = target.canonicalize() {
                    for l in listings {
                        if canon.starts_with(root.join(&l.dir)) {
                            shown.insert((l.name.clone(), String::new(), None));
                        }
                    }
                }
            }
        }
        // A listing path named in the prose (the Proof column of the limitations' table, a
        // caption) must exist, so a renamed or removed listing cannot leave a claim unproved.
        for (n, line) in text.lines().enumerate() {
            for path in listing_paths(line) {
                if !root.join(&path).exists() {
                    problems.push(format!(
                        "{name}:{}: names `{path}`, which does not exist",
                        n + 1
                    ));
                }
            }
        }
        // Embedded commands: strict, so a failure lands in the page as `cmdrun error` (which the
        // build check then finds) instead of a silently partial output.
        for (n, cmd) in cmdruns(&text) {
            if !cmd.starts_with("--strict") {
                problems.push(format!(
                    "{name}:{n}: `cmdrun {cmd}` must start with --strict, or a failure is silent"
                ));
            }
            // `$WASI_BOOK show [--recorded] DIR TARGET [RUN]`; a `show` inside an `sh` command is
            // the tool's. A recorded transcript counts as shown: the tests check it.
            let words: Vec<&str> = cmd
                .split_whitespace()
                .filter(|w| *w != "--recorded")
                .collect();
            if let Some(i) = words
                .windows(2)
                .position(|w| w == ["$WASI_BOOK", "show"])
                .map(|i| i + 1)
            {
                let run_name = words.get(i + 3).copied().unwrap_or("");
                match (words.get(i + 1), words.get(i + 2).map(|t| Target::parse(t))) {
                    (Some(dir), Some(Ok(t))) => {
                        match listings.iter().find(|l| l.dir == Path::new(dir)) {
                            Some(l) => match l.spec.run(run_name) {
                                Some(run) if l.spec.targets_of(run).contains(&t) => {
                                    shown.insert((l.name.clone(), run_name.to_string(), Some(t)));
                                }
                                Some(run) => problems.push(format!(
                                    "{name}:{n}: {} is not declared",
                                    l.describe(run, t)
                                )),
                                None => problems.push(format!(
                                    "{name}:{n}: listing `{}` has no run `{run_name}`",
                                    l.name
                                )),
                            },
                            None => problems.push(format!("{name}:{n}: `{dir}` is not a listing")),
                        }
                    }
                    _ => problems.push(format!(
                        "{name}:{n}: `show` takes a listing directory, a target and maybe a run"
                    )),
                }
            }
        }
        // Code blocks: every Rust block is either only includes (the listing is built and run)
        // or inline (skeptic compiles and runs it); nothing is skipped.
        for f in fences(&text) {
            let at = format!("{name}:{}", f.line);
            if f.info.is_empty() {
                problems.push(format!("{at}: a code block without a language (mdbook would test it as Rust); label it console, text, sh, ..."));
                continue;
            }
            if !is_rust(&f.info) {
                continue;
            }
            let tags: Vec<&str> = f.info.split([',', ' ']).collect();
            if tags.contains(&"ignore") {
                problems.push(format!("{at}: `ignore` would leave this Rust block untested; make it a listing or a compiled block"));
            }
            if tags.contains(&"compile_fail") {
                problems.push(format!(
                    "{at}: skeptic cannot check `compile_fail`; make the block a listing with `build = \"fails\"`, whose transcript is the compiler's error"
                ));
            }
            let include_lines = f.body.iter().filter(|l| !includes(l).is_empty()).count();
            if include_lines > 0
                && include_lines != f.body.iter().filter(|l| !l.trim().is_empty()).count()
            {
                problems.push(format!("{at}: a Rust block mixes `{{{{#include}}}}` with inline code; use one or the other"));
            }
            // `rustdoc_include` hides the rest of the file in the block; two of them would show
            // the whole file twice when the reader expands it.
            if f.body
                .iter()
                .filter(|l| l.contains("{{#rustdoc_include"))
                .count()
                > 1
            {
                problems.push(format!("{at}: several `{{{{#rustdoc_include}}}}`s in one block; use `{{{{#include}}}}` for each excerpt"));
            }
        }
    }
    problems.extend(stale_nightlies(
        root,
        crate::model::nightly_channel(root).ok().as_deref(),
    )?);
    problems.extend(caption_numbers(&src)?);
    problems.extend(unmarked_failures(&src, listings)?);
    problems.extend(then_now_tables(root, listings)?);
    // Every program an embedded command runs is a pinned tool's, or a system program.
    if root.join("ci/tools.toml").is_file() {
        problems.extend(crate::tools::unpinned_programs(
            root,
            &crate::tools::pinned(root)?,
        )?);
    }
    // No transcript outlives its run (a renamed run's old file would pass unnoticed).
    for l in listings {
        for stale in l.stale_transcripts(root) {
            problems.push(format!(
                "listing `{}` ({}): {} belongs to no run it declares; `cargo xtask bless {}` \
                 removes it",
                l.name,
                l.dir.display(),
                stale.display(),
                l.name
            ));
        }
    }
    // Every listing appears in the book: its code included, or its output shown.
    for l in listings {
        if !shown.iter().any(|(n, _, _)| n == &l.name) {
            problems.push(format!(
                "listing `{}` ({}) is not included or shown by any chapter",
                l.name,
                l.dir.display()
            ));
        }
        for (run, t) in l.runs() {
            if !shown.contains(&(l.name.clone(), run.name.clone(), Some(t))) {
                problems.push(format!(
                    "{} is declared but no chapter shows it (`<!-- cmdrun --strict $WASI_BOOK show {} {} {}-->`)",
                    l.describe(run, t),
                    l.dir.display(),
                    t.name(),
                    if run.name.is_empty() { String::new() } else { format!("{} ", run.name) }
                ));
            }
        }
        problems.extend(run_it_comment(root, l));
    }
    Ok(problems)
}

/// A runnable listing's "Run it:" comment (first lines of its `src/main.rs`, `src/lib.rs` or
/// `Cargo.toml`) holds a command the book prints for it, so the two cannot drift apart.
pub fn run_it_comment(root: &Path, l: &Listing) -> Vec<String> {
    if l.spec.runs.is_empty() {
        return vec![]; // a guest or a library: its host's comment says how to run it
    }
    let found = ["src/main.rs", "src/lib.rs", "Cargo.toml"]
        .iter()
        .find_map(|f| {
            std::fs::read_to_string(root.join(&l.dir).join(f))
                .ok()
                .and_then(|t| run_it_text(&t))
        });
    let Some(comment) = found else {
        return vec![format!(
            "listing `{}` ({}): no `Run it:` comment at the top of src/main.rs, src/lib.rs or Cargo.toml",
            l.name,
            l.dir.display()
        )];
    };
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let comment = squeeze(&comment);
    // The runner's command, or the build and `wasmtime run` lines the page shows instead.
    let commands: Vec<String> = l
        .runs()
        .iter()
        .flat_map(|(r, t)| {
            let wasmtime = l
                .wasmtime_command(r, *t)
                .ok()
                .map(|w| squeeze(&format!("{} && {w}", l.build_command(*t))));
            std::iter::once(squeeze(&l.reader_command(r, *t))).chain(wasmtime)
        })
        .collect();
    if commands.iter().any(|c| comment.contains(c.as_str())) {
        return vec![];
    }
    vec![format!(
        "listing `{}` ({}): its `Run it:` comment ({comment}) holds none of the commands the book prints for it; \
         the main one is: {}",
        l.name,
        l.dir.display(),
        commands[0]
    )]
}

/// The text of a "Run it" comment: its line, and the comment lines after it while the command
/// goes on (a line ending in `:`, `\` or `&&`), without the comment markers and `\`.
pub fn run_it_text(source: &str) -> Option<String> {
    let mut lines = source
        .lines()
        .take(12)
        .skip_while(|l| !l.contains("Run it"));
    let first = lines.next()?;
    let strip = |l: &str| {
        l.trim_start()
            .trim_start_matches("//")
            .trim_start_matches('#')
            .trim()
            .to_string()
    };
    let mut text = strip(first);
    let after = text
        .split_once(':')
        .map(|(_, rest)| rest.trim().to_string())
        .unwrap_or_default();
    text = after;
    let mut more = text.is_empty() || text.ends_with('\\') || text.ends_with("&&");
    for l in lines {
        let t = l.trim_start();
        if !more || !(t.starts_with("//") || t.starts_with('#')) || t.contains("ANCHOR") {
            break;
        }
        let part = strip(l);
        text = format!("{} {part}", text.trim_end_matches('\\').trim_end());
        more = part.ends_with('\\') || part.ends_with("&&");
    }
    Some(text.trim_end_matches('\\').trim().to_string())
}

/// Listing captions are numbered `Listing N-M`: `N` is the chapter's number in the sidebar
/// (the order of `- [..](..)` entries in SUMMARY.md), `M` counts up from 1 in each chapter.
pub fn caption_numbers(src: &Path) -> Result<Vec<String>> {
    Ok(captions(src)?
        .into_iter()
        .filter(|c| c.has != c.wants)
        .map(|c| {
            format!(
                "src/{}: caption `Listing {}` should be `Listing {}`",
                c.page, c.has, c.wants
            )
        })
        .collect())
}

/// One listing caption: its page, the number it has, and the number its place calls for.
pub struct Caption {
    pub page: String,
    pub has: String,
    pub wants: String,
}

/// Every listing caption of the chapters, in `SUMMARY.md`'s order (none without a
/// `SUMMARY.md`: mdbook itself refuses a book without one).
pub fn captions(src: &Path) -> Result<Vec<Caption>> {
    let Ok(summary) = std::fs::read_to_string(src.join("SUMMARY.md")) else {
        return Ok(vec![]);
    };
    let entry = regex::Regex::new(r"^\s*- \[[^\]]*\]\(([^)]+)\)").expect("valid pattern");
    let caption = regex::Regex::new(r#"<span class="caption[^"]*">Listing (\d+-\d+)"#)
        .expect("valid pattern");
    let mut found = vec![];
    let chapters = summary
        .lines()
        .filter_map(|l| entry.captures(l).map(|c| c[1].to_string()));
    for (i, file) in chapters.enumerate() {
        let Ok(text) = std::fs::read_to_string(src.join(&file)) else {
            continue;
        };
        for (m, c) in caption.captures_iter(&text).enumerate() {
            found.push(Caption {
                page: file.clone(),
                has: c[1].to_string(),
                wants: format!("{}-{}", i + 1, m + 1),
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_it_comment_is_read_across_its_continuation_lines() {
        let src = "// Run it (from the repository root):\n//   cargo build -q -p a &&\n//   cargo run -q -p b\nuse x;\n";
        assert_eq!(
            run_it_text(src).as_deref(),
            Some("cargo build -q -p a && cargo run -q -p b")
        );
        let src = "// Run it: X=1 cargo run -q -p c \\\n//   -- one\n// ANCHOR: all\n";
        assert_eq!(
            run_it_text(src).as_deref(),
            Some("X=1 cargo run -q -p c -- one")
        );
        let toml = "[package]\n# Run it: cargo build -q --manifest-path p/Cargo.toml \\\n#   --target wasm32-wasip2\n\n";
        assert_eq!(
            run_it_text(toml).as_deref(),
            Some("cargo build -q --manifest-path p/Cargo.toml --target wasm32-wasip2")
        );
        assert_eq!(run_it_text("fn main() {}\n"), None);
    }

    #[test]
    fn caption_numbers_follow_the_sidebar() {
        // A fresh directory of its own (kept: the test removes it).
        let dir = tempfile::Builder::new()
            .prefix("captions-")
            .tempdir()
            .unwrap()
            .keep();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("SUMMARY.md"),
            "[Intro](intro.md)\n\n- [A](a.md)\n\n# Part\n\n- [B](b.md)\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("a.md"),
            "<span class=\"caption\">Listing 1-1: x</span>\n",
        )
        .unwrap();
        std::fs::write(dir.join("b.md"), "<span class=\"caption\">Listing 2-1: x</span>\n<span class=\"caption\">Listing 3-2: y</span>\n").unwrap();
        let problems = caption_numbers(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            problems,
            vec!["src/b.md: caption `Listing 3-2` should be `Listing 2-2`".to_string()]
        );
    }
}
