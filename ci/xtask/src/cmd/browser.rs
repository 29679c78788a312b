//! The browser test (ci/browser-test): headless Chromium, driven by the pinned playwright-core,
//! on the built book (`test`) or on one listing's Run buttons (`check`).

use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::passes::LastPass;
use xtask::tools;

/// Where the browser test's Chromium is: Debian's `chromium` (`WASI_BOOK_CHROMIUM` names
/// another). Without it: why, and the command that installs it, unless `WASI_BOOK_BROWSER` is
/// `required` (`.ci/run` sets it), where a missing Chromium is an error, never a skip.
pub fn chromium() -> std::result::Result<PathBuf, String> {
    let path = std::env::var_os("WASI_BOOK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Ok(path);
    }
    let why = format!(
        "no Chromium at {}; to run the browser test, install Debian's: \
         `sudo apt-get install chromium` (or set WASI_BOOK_CHROMIUM to a Chromium)",
        path.display()
    );
    if std::env::var("WASI_BOOK_BROWSER").as_deref() == Ok("required") {
        eprintln!("error: {why}");
        std::process::exit(1);
    }
    Err(why)
}

/// ci/browser-test on the built book, with the pinned playwright-core driving `chromium`:
/// its `problem:` lines, or none. Screenshots go to target/browser-test/.
/// `book`: the directory to serve; `run_buttons_only`: press only the Run buttons (a page that
/// is not the whole book).
pub fn browser_test(
    root: &Path,
    chromium: &Path,
    book: &Path,
    run_buttons_only: bool,
) -> Result<Vec<String>> {
    let driver = tools::find(root, "playwright-core")?;
    driver.ensure(root)?;
    let shots = root.join("target/browser-test");
    // What this test would see is fixed by what it is given: the pages and their code, the
    // test, the browser and its driver. When all of them are as they were at its last pass
    // in this clone, that pass stands (a new clone, as in CI, always runs it).
    let version = Command::new(chromium)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let pass = LastPass::of(
        root,
        if run_buttons_only {
            "browser-buttons"
        } else {
            "browser-book"
        },
        &[book, &root.join("ci/browser-test"), &driver.dir()],
        &version,
    )?;
    if pass.stands() {
        eprintln!(
            "        not run again: the pages, the test and the browser are as at its last pass"
        );
        return Ok(vec![]);
    }
    pass.forget();
    let mut cmd = Command::new("node");
    cmd.current_dir(root)
        .arg("ci/browser-test/browser-test.cjs")
        .arg(book)
        .arg(&shots)
        .env(
            "WASI_BOOK_PLAYWRIGHT",
            driver.dir().join("node_modules/playwright-core"),
        )
        .env("WASI_BOOK_CHROMIUM", chromium);
    if run_buttons_only {
        cmd.env("WASI_BOOK_BROWSER_ONLY", "run-buttons");
    }
    let run = xtask::exec::capture(cmd, None, std::time::Duration::from_secs(600))?;
    for line in run
        .output
        .lines()
        .filter(|l| l.starts_with("checked: ") || l.starts_with("FAILED: "))
    {
        eprintln!("        {line}");
    }
    let mut problems: Vec<String> = run
        .output
        .lines()
        .filter_map(|l| l.strip_prefix("problem: "))
        .map(str::to_string)
        .collect();
    if run.code != 0 && problems.is_empty() {
        problems.push(format!(
            "ci/browser-test exited with {} and named no problem:\n{}",
            run.code, run.output
        ));
    }
    if problems.is_empty() {
        pass.record()?;
    }
    Ok(problems)
}
