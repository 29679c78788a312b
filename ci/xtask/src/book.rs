//! Checks of the book's sources (every listing shown, every include real, every Rust block
//! tested, every embedded command strict) and the book build itself.

use crate::model::{Listing, Target};
use anyhow::{Context, Result};
use std::collections::BTreeSet;
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
    let commands: Vec<String> = l
        .runs()
        .iter()
        .map(|(r, t)| squeeze(&l.reader_command(r, *t)))
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
    // No SUMMARY.md, no numbering to check (mdbook itself refuses a book without one).
    let Ok(summary) = std::fs::read_to_string(src.join("SUMMARY.md")) else {
        return Ok(vec![]);
    };
    let entry = regex::Regex::new(r"^\s*- \[[^\]]*\]\(([^)]+)\)").expect("valid pattern");
    let caption = regex::Regex::new(r#"<span class="caption[^"]*">Listing (\d+)-(\d+)"#)
        .expect("valid pattern");
    let mut problems = Vec::new();
    let chapters = summary
        .lines()
        .filter_map(|l| entry.captures(l).map(|c| c[1].to_string()));
    for (i, file) in chapters.enumerate() {
        let Ok(text) = std::fs::read_to_string(src.join(&file)) else {
            continue;
        };
        for (m, c) in caption.captures_iter(&text).enumerate() {
            let (n, k) = (&c[1], &c[2]);
            if n != (i + 1).to_string() || k != (m + 1).to_string() {
                problems.push(format!(
                    "src/{file}: caption `Listing {n}-{k}` should be `Listing {}-{}`",
                    i + 1,
                    m + 1
                ));
            }
        }
    }
    Ok(problems)
}

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

/// The mark a page puts before a run that fails on purpose (styled by `theme/wasi-book.css`),
/// so a reader never mistakes the failure the book shows for a broken example.
pub fn failure_banner(why: &str) -> String {
    // Raw HTML is not Markdown: escape the text, and turn its `code` spans into <code>.
    let escaped = why
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
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

    #[test]
    fn a_failure_banner_renders_code_spans() {
        assert_eq!(
            failure_banner("calling `_start` twice <traps>"),
            "<p class=\"fails-on-purpose\"><strong>Fails on purpose:</strong> calling <code>_start</code> twice &lt;traps&gt;.</p>\n\n"
        );
    }

    #[test]
    fn finds_cmdruns() {
        let c = cmdruns("x <!-- cmdrun --strict echo hi --> y\n<!-- not this -->");
        assert_eq!(c, vec![(1, "--strict echo hi".to_string())]);
    }
}

/// The GitHub Actions workflows (`.github/workflows/*.yml`) hold no logic of their own: each
/// `run:` step calls a script of this repository (`ci/…` or `.ci/run`), which `ci/book test`
/// exercises, and each `uses:` names its action by a full commit hash, which a tag cannot
/// move. The build machines cannot run the workflows; this is what can be checked here.
pub fn workflow_problems(root: &Path) -> Result<Vec<String>> {
    let dir = root.join(".github/workflows");
    let mut problems = vec![];
    let files = match dir.is_dir() {
        true => files_with_extension(&dir, "yml")?,
        false => vec![],
    };
    if files.is_empty() {
        problems.push(format!("no workflow in {}", crate::model::rel(root, &dir)));
    }
    let hash = regex::Regex::new(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}(\s+#.*)?$").expect("valid");
    for file in files {
        let name = crate::model::rel(root, &file);
        let text = std::fs::read_to_string(&file)?;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start().trim_start_matches("- ");
            if let Some(cmd) = t.strip_prefix("run:") {
                let cmd = cmd.trim();
                let ours = ["ci/", "bash ci/", "bash .ci/run", ".ci/run"];
                if !ours.iter().any(|p| cmd.starts_with(p)) || cmd.contains(['|', '&', ';']) {
                    problems.push(format!(
                        "{name}:{}: `run: {cmd}` is not one call of a script in ci/ (the \
                         workflow's logic belongs in ci/, where the tests run it)",
                        i + 1
                    ));
                }
            }
            if let Some(action) = t.strip_prefix("uses:")
                && !hash.is_match(action.trim())
            {
                problems.push(format!(
                    "{name}:{}: `uses: {}` must name a full commit hash (`owner/action@<40 \
                     hex digits> # vX`): a tag can be moved",
                    i + 1,
                    action.trim()
                ));
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod workflow_tests {
    use super::*;

    #[test]
    fn a_workflow_step_with_logic_or_an_unpinned_action_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(
            workflow_problems(root).unwrap().len(),
            1,
            "no workflow at all"
        );
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::write(
            root.join(".github/workflows/x.yml"),
            "jobs:\n  a:\n    steps:\n\
             \x20     - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n\
             \x20     - run: ci/book build\n\
             \x20     - run: bash .ci/run\n",
        )
        .unwrap();
        assert_eq!(workflow_problems(root).unwrap(), Vec::<String>::new());
        std::fs::write(
            root.join(".github/workflows/y.yml"),
            "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v7\n\
             \x20     - run: cargo build && ci/book test\n",
        )
        .unwrap();
        let problems = workflow_problems(root).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("y.yml:4") && problems[0].contains("commit hash"));
        assert!(problems[1].contains("y.yml:5") && problems[1].contains("ci/"));
    }
}
