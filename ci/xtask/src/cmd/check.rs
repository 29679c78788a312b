//! `check LISTING`: what `test` checks of one listing, in seconds: its runs three ways, every
//! check of the book's sources that names it, and its Run buttons pressed in a browser on a page
//! of their own.

use super::browser::{browser_test, chromium};
use super::setup::check_nightly;
use super::{cargo, root, select, step};
use anyhow::{Result, bail};
use std::time::Instant;
use xtask::checks;
use xtask::model::{Build, Listing, Target, Toolchain};
use xtask::pipeline::{build, discover, run_here, verify};
use xtask::suite::Report;
use xtask::tools;

/// `check LISTING [TARGET [RUN]]`: what `ci/book test` checks of one listing, without the
/// rest of the suite (no tool installs, no other listing built).
pub fn check(name: &str, target: Option<&str>, run_name: Option<&str>) -> Result<()> {
    let root = root();
    let started = Instant::now();
    let all = discover::discover(&root)?;
    let l = select(&all, &[name.to_string()])?[0];
    let target = target.map(Target::parse).transpose()?;
    if l.spec.toolchain == Toolchain::Nightly {
        check_nightly(&root)?;
    }
    step(
        "building the runner and the `wasmtime` CLI, if they changed",
        || {
            cargo(
                &root,
                &[
                    "build",
                    "--release",
                    "-p",
                    "wasi-runner",
                    "-p",
                    tools::CLI_PACKAGE,
                ],
            )
        },
    )?;
    let mut report = Report::new();
    let runs: Vec<_> = l
        .runs()
        .into_iter()
        .filter(|(_, t)| target.is_none_or(|want| want == *t))
        .filter(|(r, _)| run_name.is_none_or(|want| want == r.name))
        .collect();
    // A guest or a library has no runs of its own; its other checks still apply.
    if runs.is_empty() && (target.is_some() || run_name.is_some()) {
        bail!(
            "listing `{}` has no run for target {} and name {}",
            l.name,
            target.map_or("(any)", |t| t.name()),
            run_name.unwrap_or("(any)")
        );
    }
    for (run, t) in runs {
        if l.spec.build == Build::Ok {
            build::build_listing(&root, l, t)?;
        }
        report.record(&l.describe(run, t), verify::check(&root, l, run, t));
    }
    report.record(
        &format!("listing `{}`: its Run it comment", l.name),
        checks::sources::run_it_comment(&root, l),
    );
    // The suite's checks of the whole book, kept to what they say about this listing.
    let about = |problems: Vec<String>| -> Vec<String> {
        problems.into_iter().filter(|p| names(p, l)).collect()
    };
    report.check(
        &format!(
            "listing `{}`: the pages that show it, its transcripts, failure marks",
            l.name
        ),
        || Ok(about(checks::sources::check_sources(&root, &all)?)),
    );
    report.check(
        &format!("listing `{}`: its shown code fits the page", l.name),
        || {
            let width = checks::width::page_width(&root)?;
            Ok(about(checks::width::too_wide(&root, width)?))
        },
    );
    // Its Run buttons, pressed in headless Chromium on a page of their own: what the browser
    // saw, against what ci/browser-portability.toml says (`portability --bless` records it).
    let buttons = format!("listing `{}`: its Run buttons in headless Chromium", l.name);
    match chromium() {
        Ok(chromium) => report.check(&buttons, || {
            let page = root.join("target/run-here-check").join(&l.name);
            if !run_here::one_listing_page(&root, l, &page)? {
                return Ok(vec![]);
            }
            browser_test(&root, &chromium, &page, true)
        }),
        Err(why) => report.skip(&buttons, &why),
    }
    eprintln!(
        "not checked here: the rest of the book (its other pages, links, the browser test of \
         every page): `ci/book test`"
    );
    report.finish(started)
}

/// Whether a problem is about this listing: it names the listing (`listing \`NAME\``) or a
/// path inside its directory.
fn names(problem: &str, l: &Listing) -> bool {
    let dir = l.dir.display().to_string();
    problem.contains(&format!("listing `{}`", l.name))
        || problem.match_indices(&dir).any(|(at, _)| {
            matches!(
                problem[at + dir.len()..].chars().next(),
                None | Some('/' | ')' | '`' | ' ' | ':' | ',')
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_about_a_listing_when_it_names_it_or_a_path_inside_it() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("listings/ch/hello");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [package.metadata.wasi-book]\ntargets = [\"wasip1\"]\n",
        )
        .unwrap();
        let l =
            Listing::from_manifest(root.path(), std::path::Path::new("listings/ch/hello")).unwrap();
        assert!(names("listing `hello` (x) is not shown", &l));
        assert!(names(
            "src/a.md:3: line 9 of ../listings/ch/hello/src/main.rs is 90 wide",
            &l
        ));
        assert!(names("a (listings/ch/hello)", &l));
        assert!(!names(
            "listing `hello-p2` (listings/ch/hello-p2) is not shown",
            &l
        ));
        assert!(!names(
            "src/a.md:3: ../listings/ch/hello-p2/src/main.rs",
            &l
        ));
    }
}
