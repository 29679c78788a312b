//! The test suite's record: every check's outcome, in order, with how long it took; failures
//! printed in full at the end. A check that cannot even run is recorded as a failure, and the
//! suite goes on: one broken thing never hides the others.

use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;

/// One check's outcome: what was checked, its problems (none: passed), how long it took.
pub type Checked = (String, Vec<String>, std::time::Duration);

/// Collects pass/fail per check and prints the failures in full at the end.
#[derive(Default)]
pub struct Report {
    passed: usize,
    failures: Vec<String>,
    /// Checks that could not run on this machine, each with the command that enables it:
    /// repeated at the end, so that a passing run never hides one.
    skipped: Vec<String>,
    /// When the previous check ended: each line says how long its check took, when that is a
    /// second or more (the figures `ci/measure-fresh-clone.sh` users look for).
    last: Option<Instant>,
}

impl Report {
    /// A report whose first check's time counts from now.
    pub fn new() -> Report {
        Report {
            last: Some(Instant::now()),
            ..Default::default()
        }
    }

    pub fn record(&mut self, name: &str, problems: Vec<String>) {
        let now = Instant::now();
        let took = self.last.map(|t| now - t).unwrap_or_default();
        self.record_took(name, problems, took);
    }

    /// `record` for a check that ran elsewhere (in parallel), which says how long it took.
    pub fn record_took(&mut self, name: &str, problems: Vec<String>, took: std::time::Duration) {
        self.last = Some(Instant::now());
        let took = match took.as_secs() {
            0 => String::new(),
            s => format!(" ({s} s)"),
        };
        if problems.is_empty() {
            self.passed += 1;
            eprintln!("ok      {name}{took}");
        } else {
            eprintln!("FAILED  {name}{took}");
            for p in &problems {
                eprintln!("        {}", p.lines().next().unwrap_or(""));
            }
            self.failures.extend(problems);
        }
    }

    /// A check that cannot run on this machine: said at once and again at the end.
    pub fn skip(&mut self, name: &str, why: &str) {
        self.last = Some(Instant::now());
        eprintln!("SKIPPED {name}\n        {why}");
        self.skipped.push(format!("{name}: {why}"));
    }

    /// Prints every failure in full, then the closing count; exits with 1 if anything failed.
    pub fn finish(self, started: Instant) -> Result<()> {
        let failed = self.failures.len();
        for s in &self.skipped {
            eprintln!("\nSKIPPED {s}");
        }
        if failed > 0 {
            eprintln!("\n---- failures ----");
            for f in &self.failures {
                eprintln!("{f}\n");
            }
        }
        eprintln!("\nfinished in {} s", started.elapsed().as_secs());
        let skipped = match self.skipped.len() {
            0 => String::new(),
            n => format!(", {n} skipped (see above)"),
        };
        println!("xtask: {} passed, {} failed{skipped}", self.passed, failed);
        if failed > 0 {
            std::process::exit(1);
        }
        Ok(())
    }

    /// Runs one check and records its outcome under `name`. A check that fails to run at all
    /// (an `Err`: a tool that does not start, a file that cannot be read) is recorded as a
    /// failure with its error, and the suite goes on.
    pub fn check(&mut self, name: &str, check: impl FnOnce() -> Result<Vec<String>>) {
        let problems = check().unwrap_or_else(|e| vec![format!("{name}: could not run: {e:#}")]);
        self.record(name, problems);
    }

    /// Runs `cargo ARGS` at the root (its output goes straight to the terminal) and records
    /// whether it succeeded under `name`.
    pub fn cargo(&mut self, root: &Path, name: &str, args: &[&str]) {
        self.check(name, || {
            let status = crate::workspace::cargo(root)
                .args(args)
                .status()
                .context("cannot run cargo")?;
            Ok(match status.success() {
                true => vec![],
                false => vec![format!(
                    "`cargo {}` failed ({status}); its output is above",
                    args.join(" ")
                )],
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_that_cannot_run_is_a_failure_and_the_suite_goes_on() {
        let mut report = Report::default();
        report.check("first", || anyhow::bail!("no such tool"));
        report.check("second", || Ok(vec![]));
        report.check("third", || Ok(vec!["third: wrong".into()]));
        assert_eq!(report.passed, 1);
        assert_eq!(
            report.failures,
            ["first: could not run: no such tool", "third: wrong"]
        );
    }
}
