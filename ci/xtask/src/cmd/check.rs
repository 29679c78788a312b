//! `check LISTING`: what `test` checks of one listing, in seconds.

use super::setup::check_nightly;
use super::{cargo, root, select, step};
use anyhow::{Result, bail};
use std::time::Instant;
use xtask::checks;
use xtask::model::{Build, Target, Toolchain};
use xtask::pipeline::{build, discover, verify};
use xtask::suite::Report;

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
    step("building the runner, if it changed", || {
        cargo(&root, &["build", "--release", "-p", "wasi-runner"])
    })?;
    let mut report = Report::new();
    let runs: Vec<_> = l
        .runs()
        .into_iter()
        .filter(|(_, t)| target.is_none_or(|want| want == *t))
        .filter(|(r, _)| run_name.is_none_or(|want| want == r.name))
        .collect();
    if runs.is_empty() {
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
    report.finish(started)
}
