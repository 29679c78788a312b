//! `build`: the book with every output live, checked, in `book/` (the hosted book's workflow);
//! also the book as `serve` first shows it (the preview), which `test` checks.

use super::setup::setup;
use super::{mdbook, root, this_program};
use anyhow::{Context, Result, bail};
use std::path::Path;
use xtask::checks;
use xtask::model::{self};
use xtask::pipeline::render::{self};
use xtask::pipeline::{preview, run_here};
use xtask::{archive, book};

/// The book in `book/`, every embedded command run live, then checked: no cmdrun error, and
/// every internal link and anchor of the built pages leads somewhere. Returns the problems.
/// `ci/book test` and `ci/book build` (the hosted book's workflow) both build it this way, after
/// `run_here::assets` (the Run buttons' code, which mdbook copies from src/run/).
/// `broken`: listings that failed their own checks, whose page commands fail at once;
/// `settings`: book.toml keys set for this build through mdBook's environment variables;
/// `fresh`: run every embedded command, instead of taking an output from the cache of
/// outputs when nothing it depends on changed since it was produced (see `render`).
pub fn build_book(
    root: &Path,
    broken: &[String],
    settings: &[(&str, String)],
    fresh: bool,
) -> Result<Vec<String>> {
    let _ = std::fs::remove_dir_all(root.join("book"));
    // The listings' code to download, linked from the introduction: written into src/ (it is
    // ignored by git), from where mdbook copies it beside the pages, as `serve` does too.
    archive::write(root, &root.join("src"))?;
    let mut build = mdbook(root, &["build"])?;
    build
        .env(render::BROKEN_ENV, broken.join(","))
        .envs(settings.iter().map(|(k, v)| (*k, v)));
    if fresh {
        build.env(render::FRESH_ENV, "1");
    }
    let status = build.status().context("cannot run mdbook")?;
    let mut problems = vec![];
    if !status.success() {
        problems.push(format!(
            "mdbook build failed ({status}): see its output above"
        ));
    }
    let html = root.join("book");
    if html.join("index.html").is_file() {
        problems.extend(checks::built::cmdrun_errors(&html)?);
        problems.extend(checks::built::broken_links(&html)?);
    } else {
        problems.push("mdbook build produced no book/index.html".into());
    }
    Ok(problems)
}

/// The book as `ci/book serve` first shows it, before setup is done: built by mdbook with this
/// program as its cmdrun preprocessor (`preview`), every listing's run as its recorded
/// transcript under a note, every tool's run as a note. Its problems, or none.
pub fn preview_book(root: &Path) -> Result<Vec<String>> {
    let out = root.join("target/preview-book");
    let _ = std::fs::remove_dir_all(&out);
    let mut build = mdbook(root, &["build", "--dest-dir"])?;
    // A file that never exists: setup is never done, so every output is a preview.
    build
        .arg(&out)
        .env(render::PREVIEW_ENV, out.join("never-ready"));
    preview::as_cmdrun(&mut build, &this_program()?)?;
    let status = build.status().context("cannot run mdbook")?;
    if !status.success() {
        return Ok(vec![format!(
            "mdbook build in preview failed ({status}): see its output above"
        )]);
    }
    // A failed command leaves cmdrun's error in its page, as mdbook-cmdrun does.
    let mut problems = checks::built::cmdrun_errors(&out)?;
    for page in book::files_with_extension(&root.join("src"), "md")? {
        let source = std::fs::read_to_string(&page)?;
        let html = out.join(page.strip_prefix(root.join("src"))?.with_extension("html"));
        let built = std::fs::read_to_string(&html).unwrap_or_default();
        let expects = [
            ("$WASI_BOOK show ", "Recorded output."),
            ("$WASI_BOOK sh ", "Live output on its way."),
        ];
        for (directive, note) in expects {
            if source.contains(directive) && !built.contains(note) {
                problems.push(format!(
                    "{}: has `{directive}…`, but its preview page does not say \"{note}\"",
                    model::rel(root, &page)
                ));
            }
        }
    }
    Ok(problems)
}

/// `build`: set everything up, then build the book with every output live into `book/` and
/// check it, as the hosted book's workflow does. On GitHub Actions the pages link their
/// repository and an "edit this page" URL (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`).
pub fn build() -> Result<()> {
    let root = root();
    let all = setup(&root)?;
    run_here::assets(&root, &all)?;
    let problems = build_book(&root, &[], &hosted_settings(), true)?;
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}\n");
        }
        bail!("the book built with {} problems (above)", problems.len());
    }
    eprintln!("xtask: the book is in book/");
    Ok(())
}

/// On GitHub Actions, the hosted book's links to its repository and its "edit this page" URL
/// (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`), as book.toml keys that mdBook reads from
/// `MDBOOK_<KEY>` variables (`__` for a dot, `_` for a dash); elsewhere none.
fn hosted_settings() -> Vec<(&'static str, String)> {
    let (Ok(server), Ok(repo)) = (
        std::env::var("GITHUB_SERVER_URL"),
        std::env::var("GITHUB_REPOSITORY"),
    ) else {
        return vec![];
    };
    let name = repo.rsplit('/').next().unwrap_or(&repo).to_string();
    vec![
        ("MDBOOK_OUTPUT__HTML__SITE_URL", format!("/{name}/")),
        (
            "MDBOOK_OUTPUT__HTML__GIT_REPOSITORY_URL",
            format!("{server}/{repo}"),
        ),
        (
            "MDBOOK_OUTPUT__HTML__EDIT_URL_TEMPLATE",
            format!("{server}/{repo}/edit/main/{{path}}"),
        ),
    ]
}
