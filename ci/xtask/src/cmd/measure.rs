//! `measure`: timings, printed, never asserted.

use super::setup::setup;
use super::{mdbook, root};
use anyhow::{Result, bail};
use std::process::Command;
use std::time::Instant;
use xtask::model::{Build, Target};
use xtask::pipeline::render::{self};
use xtask::pipeline::run;

/// Prints timings (never asserted): the cost of one embedded listing run, of a whole book build,
/// and of the runner with and without its compiled-code cache.
pub fn measure() -> Result<()> {
    let root = root();
    let all = setup(&root)?;
    let exe = std::env::current_exe()?;
    let time = |f: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        let t = Instant::now();
        f()?;
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    };
    println!("measure: one `show` (xtask + runner, warm cache), mean of 10 runs:");
    for l in all.iter().filter(|l| l.spec.build == Build::Ok) {
        for (r, t) in l.runs() {
            let dir = l.dir.display().to_string();
            let mut run = || -> Result<()> {
                let out = Command::new(&exe)
                    .args(["show", &dir, t.name(), &r.name])
                    .env(render::FRESH_ENV, "1")
                    .output()?;
                if !out.status.success() {
                    bail!("show {dir} {} failed", t.name());
                }
                Ok(())
            };
            run()?; // warm the cache
            let mut total = 0.0;
            for _ in 0..10 {
                total += time(&mut run)?;
            }
            let name = if r.name.is_empty() {
                l.name.clone()
            } else {
                format!("{} {}", l.name, r.name)
            };
            println!(
                "  {:<40} {:>6.1} ms",
                format!("{name} ({})", t.name()),
                total / 10.0
            );
        }
    }
    if let Some(l) = all
        .iter()
        .find(|l| l.spec.targets.contains(&Target::Wasip1))
    {
        let wasm = root.join(l.artifact(Target::Wasip1));
        let runner = run::runner_path(&root);
        for (label, extra) in [
            ("runner, compiled-code cache", None),
            (
                "runner, --no-cache (Cranelift every run)",
                Some("--no-cache"),
            ),
        ] {
            let mut run = || -> Result<()> {
                let mut c = Command::new(&runner);
                c.args(extra).arg(&wasm).stdout(std::process::Stdio::null());
                c.status()?;
                Ok(())
            };
            run()?;
            let mut total = 0.0;
            for _ in 0..10 {
                total += time(&mut run)?;
            }
            println!(
                "measure: {label}: {:.1} ms per run ({})",
                total / 10.0,
                l.name
            );
        }
    }
    // A full build runs every embedded command; a second one, as when a chapter is saved while
    // serving, takes every output from the cache of outputs (see `render`).
    let _ = std::fs::remove_dir_all(root.join("target/book-outputs"));
    for label in [
        "first `mdbook build`, every output run live",
        "`mdbook build` again, nothing changed (a chapter saved while serving)",
    ] {
        let build = time(&mut || {
            mdbook(&root, &["build"])?.status()?;
            Ok(())
        })?;
        println!("measure: {label}: {:.2} s", build / 1000.0);
    }
    Ok(())
}
