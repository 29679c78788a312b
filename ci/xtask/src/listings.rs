//! Finding, building and running the listings, and comparing each run with its transcript.

use crate::exec::{Captured, capture};
use crate::listing::{Build, Listing, METADATA_KEY, Run, Spec, Target};
use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long any one listing process may take before it is killed. The runner's own deadline
/// (10 s by default) stops a guest long before this; this also covers host programs and a
/// guest blocked in a host call (a sleep), which epoch interruption cannot reach.
const PROCESS_LIMIT: Duration = Duration::from_secs(180);

/// Every listing: workspace members under `listings/` (read with `cargo metadata`), plus
/// crates the workspace excludes because their build is meant to fail.
pub fn discover(root: &Path) -> Result<Vec<Listing>> {
    let meta = cargo_metadata::MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .context("`cargo metadata` failed")?;
    let listings_dir = root.join("listings");
    let mut found = Vec::new();
    let mut member_dirs = Vec::new();
    for pkg in meta.workspace_packages() {
        let manifest = pkg.manifest_path.as_std_path();
        if !manifest.starts_with(&listings_dir) {
            continue;
        }
        member_dirs.push(manifest.parent().unwrap().to_path_buf());
        let spec = match pkg.metadata.get(METADATA_KEY) {
            None => None,
            Some(v) => Some(Spec::from_value(v).with_context(|| {
                format!(
                    "listing `{}` ({}): [package.metadata.{METADATA_KEY}]",
                    pkg.name,
                    rel(root, manifest)
                )
            })?),
        };
        let cdylib = pkg
            .targets
            .iter()
            .find(|t| t.crate_types.iter().any(|c| c.to_string() == "cdylib"));
        let listing = Listing::new(
            root,
            &pkg.name,
            manifest,
            spec,
            cdylib.is_some(),
            cdylib.map(|t| t.name.as_str()),
        )?;
        if listing.spec.build == Build::Fails {
            bail!(
                "listing `{}`: `build = \"fails\"` but it is a workspace member, so it would break `cargo build` \
                 at the root; add `{}` to `exclude` in the root Cargo.toml",
                listing.name,
                listing.dir.display()
            );
        }
        found.push(listing);
    }
    // Crates the workspace does not build: each must be a deliberate compile-failure listing.
    for manifest in listing_manifests(&listings_dir)? {
        let dir = manifest.parent().unwrap();
        if member_dirs.iter().any(|m| m == dir) {
            continue;
        }
        let listing = Listing::from_manifest(root, dir.strip_prefix(root).unwrap_or(dir))?;
        if listing.spec.build != Build::Fails {
            bail!(
                "{} is not a workspace member (is it in `exclude`?); only listings with `build = \"fails\"` may be",
                rel(root, &manifest)
            );
        }
        found.push(listing);
    }
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    for pair in found.windows(2) {
        if pair[0].name == pair[1].name {
            bail!(
                "two listings are named `{}`: {} and {}",
                pair[0].name,
                pair[0].dir.display(),
                pair[1].dir.display()
            );
        }
    }
    Ok(found)
}

/// `listings/<chapter>/<listing>/Cargo.toml`, exactly two levels down.
fn listing_manifests(listings_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for chapter in read_dir_sorted(listings_dir)? {
        if !chapter.is_dir() {
            continue;
        }
        for listing in read_dir_sorted(&chapter)? {
            let manifest = listing.join("Cargo.toml");
            if manifest.is_file() {
                out.push(manifest);
            } else if listing.is_dir() {
                bail!(
                    "{} has no Cargo.toml: every folder under listings/<chapter>/ is one crate",
                    listing.display()
                );
            }
        }
    }
    Ok(out)
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    v.sort();
    Ok(v)
}

pub fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// Builds every listing that should build, one cargo invocation per WebAssembly target (much
/// faster than one per listing), plus extra packages (test fixtures).
///
/// Host programs are built one invocation each, exactly as a reader's `cargo run -p NAME`
/// builds them: cargo unifies dependency features per invocation, so building them together
/// (extism adds features to crates wasmtime shares) would produce artifacts that a reader's
/// command cannot reuse, and it would compile wasmtime again.
pub fn build_all(root: &Path, listings: &[Listing], extra: &[(&str, Target)]) -> Result<()> {
    for target in Target::ALL {
        let buildable =
            |l: &&Listing| l.spec.build == Build::Ok && l.spec.targets.contains(&target);
        let alone = |l: &&Listing| l.builds_alone() || target == Target::Host;
        let mut names: Vec<&str> = listings
            .iter()
            .filter(buildable)
            .filter(|l| !alone(l))
            .map(|l| l.name.as_str())
            .collect();
        names.extend(extra.iter().filter(|(_, t)| *t == target).map(|(n, _)| *n));
        if !names.is_empty() {
            let mut cmd = Command::new("cargo");
            // Not --quiet: on a first run this is minutes, and cargo's progress says how far.
            cmd.current_dir(root).arg("build");
            match target.triple() {
                Some(triple) => cmd.args(["--target", triple]),
                None => cmd.arg("--release"),
            };
            for n in &names {
                cmd.args(["-p", n]);
            }
            let status = cmd.status().context("cannot run cargo")?;
            if !status.success() {
                bail!(
                    "building the {} listings failed (see the compiler output above): {}",
                    target.name(),
                    names.join(", ")
                );
            }
        }
        for l in listings.iter().filter(buildable).filter(alone) {
            // cargo's own output, progress and errors, straight to the terminal.
            let status = build_command(root, l, target, false)
                .status()
                .context("cannot run cargo")?;
            if !status.success() {
                bail!(
                    "{}: `{}` failed (see the compiler output above)",
                    l.name,
                    l.build_command(target)
                );
            }
        }
    }
    Ok(())
}

/// The command that builds one listing exactly as the book says to (see
/// `Listing::build_invocation`).
/// `quiet: false` drops the book's `-q`, so that cargo shows its progress.
fn build_command(root: &Path, listing: &Listing, target: Target, quiet: bool) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root).args(
        listing
            .build_invocation(target)
            .into_iter()
            .filter(|a| quiet || a != "-q"),
    );
    if let Some(flags) = listing.rustflags_env() {
        cmd.env("RUSTFLAGS", flags);
    }
    cmd
}

/// Rebuilds one listing if any file its build reads is newer than its artifact (the `show` fast
/// path: a stat of a few files instead of a cargo invocation). What its build reads: see
/// `input_dirs`.
pub fn build_if_stale(root: &Path, listing: &Listing, target: Target) -> Result<()> {
    let artifact = root.join(listing.artifact(target));
    let built = std::fs::metadata(&artifact).and_then(|m| m.modified()).ok();
    let newest_source = input_dirs(root, listing)
        .iter()
        .filter_map(|d| newest_mtime(d))
        .max();
    if let (Some(built), Some(src)) = (built, newest_source)
        && built >= src
    {
        return Ok(());
    }
    for (name, t) in &listing.spec.requires {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root).args(["build", "-q", "-p", name]);
        match t.triple() {
            Some(triple) => cmd.args(["--target", triple]),
            None => cmd.arg("--release"),
        };
        if !cmd.status().context("cannot run cargo")?.success() {
            bail!(
                "listing `{}` requires `{name}`, which does not build",
                listing.name
            );
        }
    }
    let out = build_command(root, listing, target, true)
        .output()
        .context("cannot run cargo")?;
    if !out.status.success() {
        bail!(
            "listing `{}` ({}) does not build:\n{}",
            listing.name,
            target.name(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Cargo leaves an up-to-date artifact alone (a changed comment in Cargo.toml, say); mark it
    // checked, or every later `show` would ask cargo again.
    if let Ok(file) = std::fs::File::options().write(true).open(&artifact) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    Ok(())
}

/// The directories whose files a listing's build reads: its own, the listings it `requires`,
/// its path dependencies (and theirs), and the folders of sources it builds from elsewhere
/// (`[lib] path` or `[[bin]] path`, as listings that reuse another listing's source do).
pub fn input_dirs(root: &Path, listing: &Listing) -> Vec<PathBuf> {
    let mut todo = vec![listing.abs_dir(root)];
    for (name, _) in &listing.spec.requires {
        if let Ok(chapters) = std::fs::read_dir(root.join("listings")) {
            todo.extend(
                chapters
                    .flatten()
                    .map(|c| c.path().join(name))
                    .filter(|d| d.join("Cargo.toml").is_file()),
            );
        }
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    while let Some(dir) = todo.pop() {
        let Ok(dir) = dir.canonicalize() else {
            continue;
        };
        if dirs.contains(&dir) {
            continue;
        }
        if let Ok(doc) =
            std::fs::read_to_string(dir.join("Cargo.toml")).map(|t| t.parse::<toml::Table>())
        {
            let doc = doc.unwrap_or_default();
            for deps in ["dependencies", "build-dependencies", "dev-dependencies"] {
                for spec in doc
                    .get(deps)
                    .and_then(|d| d.as_table())
                    .into_iter()
                    .flat_map(|t| t.values())
                {
                    if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                        todo.push(dir.join(path));
                    }
                }
            }
            let lib = doc.get("lib").into_iter();
            let bins = doc
                .get("bin")
                .and_then(|b| b.as_array())
                .into_iter()
                .flatten();
            for target in lib.chain(bins) {
                if let Some(parent) = target
                    .get("path")
                    .and_then(|p| p.as_str())
                    .and_then(|p| Path::new(p).parent())
                {
                    todo.push(dir.join(parent));
                }
            }
        }
        dirs.push(dir);
    }
    dirs
}

fn newest_mtime(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            let name = e.file_name();
            if name.to_string_lossy().starts_with("output.") {
                continue; // transcripts are outputs, not sources
            }
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(m) = e.metadata().and_then(|m| m.modified()) {
                newest = newest.max(Some(m));
            }
        }
    }
    newest
}

/// The transcript of one run, as the book shows it: the reader's command, then what the
/// terminal shows; a non-zero exit status is shown the way a shell reports it.
pub fn transcript(command: &str, run: &Captured) -> String {
    let mut t = format!("$ {command}\n{}", run.output);
    if !t.ends_with('\n') {
        t.push('\n');
    }
    if run.code != 0 {
        t.push_str(&format!("$ echo $?\n{}\n", run.code));
    }
    t
}

/// Runs a listing directly (the runner or the host program, not through cargo) and returns
/// its transcript: the fast path used by the tests and by every embedded output in the book.
pub fn run_listing(
    root: &Path,
    listing: &Listing,
    run: &Run,
    target: Target,
) -> Result<(String, Captured)> {
    let stdin = run.stdin.as_ref().map(|f| listing.abs_dir(root).join(f));
    let captured = if listing.spec.build == Build::Fails {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root);
        cmd.args(&listing.cargo_toolchain)
            .args(["build", "-q", "--manifest-path"])
            .arg(listing.dir.join("Cargo.toml"));
        if let Some(triple) = target.triple() {
            cmd.args(["--target", triple]);
        }
        cmd.args(["--target-dir", crate::listing::FAILS_TARGET_DIR]);
        capture(cmd, None, PROCESS_LIMIT)?
    } else {
        let mut cmd = match target {
            Target::Host => Command::new(root.join(listing.artifact(target))),
            _ => {
                let mut c = Command::new(runner_path(root));
                c.args(listing.runner_args(run, target));
                c
            }
        };
        if target == Target::Host {
            cmd.args(&run.args);
        }
        cmd.current_dir(root);
        capture(cmd, stdin.as_deref(), PROCESS_LIMIT)?
    };
    let captured = Captured {
        output: normalise(root, &captured.output),
        code: captured.code,
    };
    Ok((
        transcript(&listing.reader_command(run, target), &captured),
        captured,
    ))
}

/// The run's output with what varies (`redact`) replaced, for comparison with a transcript.
pub fn redacted(run: &Run, text: &str) -> String {
    let mut t = text.to_string();
    for r in &run.redact {
        // Validated when the listing was read.
        let re = regex::Regex::new(&r.pattern).expect("valid pattern");
        t = re.replace_all(&t, r.with.as_str()).into_owned();
    }
    t
}

/// Only what truly varies between machines: the checkout's absolute path. Terminal colour
/// codes go too: a terminal shows them as colour, not as text (wabt's npm build colours its
/// errors even into a pipe).
pub fn normalise(root: &Path, text: &str) -> String {
    let root = root.display().to_string();
    let text = text.replace(&format!("{root}/"), "").replace(&root, ".");
    static ANSI: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new("\x1b\\[[0-9;]*m").unwrap());
    ANSI.replace_all(&text, "").into_owned()
}

pub fn runner_path(root: &Path) -> PathBuf {
    root.join("target/release/wasi-runner")
}

/// A readable diff between the recorded transcript and this run.
pub fn diff(expected_name: &str, expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(expected_name, "this run")
        .to_string()
}

/// One run of a listing on one target, checked three ways. Returns the failures (empty: all
/// passed).
pub fn check(root: &Path, listing: &Listing, run: &Run, target: Target) -> Vec<String> {
    let who = listing.describe(run, target);
    let mut failures = Vec::new();
    let path = listing.transcript_path(run, target);
    let expected = match std::fs::read_to_string(root.join(&path)) {
        Ok(t) => t,
        Err(_) => {
            return vec![format!(
                "{who}: no transcript {}; record it with `cargo xtask bless {}`",
                path.display(),
                listing.name
            )];
        }
    };
    let declared = run.exit_code.for_target(target);
    // 1. The runner, directly: exactly the recorded transcript, and the declared exit code.
    match run_listing(root, listing, run, target) {
        Err(e) => failures.push(format!("{who}: {e:#}")),
        Ok((actual, captured)) => {
            let actual = redacted(run, &actual);
            if actual != expected {
                failures.push(format!(
                    "{who}: the output differs from {} (if the change is intended: `cargo xtask bless {}`)\n{}",
                    path.display(),
                    listing.name,
                    diff(&path.display().to_string(), &expected, &actual)
                ));
            }
            let want = if listing.spec.build == Build::Fails {
                None
            } else {
                Some(declared)
            };
            match want {
                Some(code) if captured.code != code => failures.push(format!(
                    "{who}: exit code {} but `exit-code = {code}` is declared",
                    captured.code
                )),
                None if captured.code == 0 => {
                    failures.push(format!("{who}: `build = \"fails\"` but it built"))
                }
                _ => {}
            }
        }
    }
    if !failures.is_empty() || listing.spec.build == Build::Fails {
        return failures;
    }
    // 2. The command the book tells the reader to type, literally, through a shell.
    let body = expected.split_once('\n').map(|(_, b)| b).unwrap_or("");
    let literal = listing.reader_command(run, target);
    if let Some(f) = check_literal(root, &who, run, &literal, body, declared) {
        failures.push(f);
    }
    // 3. The same with the official wasmtime CLI, where the book shows one, after the build
    // command the book gives with it.
    if let Ok(wasmtime) = listing.wasmtime_command(run, target) {
        let line = format!("{} && {wasmtime}", listing.build_command(target));
        if let Some(f) = check_literal(root, &who, run, &line, body, declared) {
            failures.push(f);
        }
    }
    failures
}

/// Runs `line` with `sh -c` from the repo root, with the pinned tools (the `wasmtime` CLI among
/// them) first on PATH, and compares what a terminal would show.
fn check_literal(
    root: &Path,
    who: &str,
    run: &Run,
    line: &str,
    body: &str,
    code: i32,
) -> Option<String> {
    let path = match tools::path_with_pinned_first(root) {
        Ok(p) => p,
        Err(e) => return Some(format!("{who}: {e:#}")),
    };
    let mut cmd = Command::new("sh");
    cmd.current_dir(root).arg("-c").arg(line).env("PATH", path);
    let captured = match capture(cmd, None, PROCESS_LIMIT) {
        Ok(r) => r,
        Err(e) => return Some(format!("{who}: `{line}`: {e:#}")),
    };
    let expected_output = match body.rfind("$ echo $?\n") {
        Some(i) if code != 0 => &body[..i],
        _ => body,
    };
    let output = redacted(run, &normalise(root, &captured.output));
    // A trap is reported in each runtime's own words; there only the guest's own output (what
    // came before the runtime's error line) and the exit code must agree.
    let (a, b) = if code == crate::listing::TRAP_EXIT_CODE {
        (before_error(expected_output), before_error(&output))
    } else {
        (expected_output, output.as_str())
    };
    // A module the host refuses (an import it cannot link) is reported in each runtime's own
    // words too: the runner's one `error: FILE: CAUSE` line, the CLI's `Caused by:` chain. The
    // guest's output before it, the exit code, and the cause itself must agree.
    let same_refusal = code != 0
        && before_error(a) == before_error(b)
        && runner_error_cause(a).is_some_and(|cause| b.contains(cause));
    if (a != b && !same_refusal) || captured.code != code {
        return Some(format!(
            "{who}: the book's command `{line}` does not reproduce the transcript (exit code {} vs {code})\n{}",
            captured.code,
            diff("transcript", a, b)
        ));
    }
    None
}

/// The cause in the runner's `error: FILE.wasm: CAUSE` line, if the transcript has one.
fn runner_error_cause(transcript: &str) -> Option<&str> {
    let line = transcript.lines().find(|l| l.starts_with("error: "))?;
    [".wasm: ", ".wat: "]
        .iter()
        .find_map(|m| line.split_once(m))
        .map(|(_, cause)| cause)
}

fn before_error(s: &str) -> &str {
    let cut = ["error: ", "Error: "]
        .iter()
        .filter_map(|m| s.find(m))
        .min()
        .unwrap_or(s.len());
    &s[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_module_is_matched_by_its_cause_not_by_each_runtimes_wording() {
        let runner = "error: target/x.wasm: unknown import: `m::f` has not been defined\n";
        assert_eq!(
            runner_error_cause(runner),
            Some("unknown import: `m::f` has not been defined")
        );
        assert_eq!(runner_error_cause("Error: Os { code: 2 }\n"), None);
    }

    #[test]
    fn normalising_removes_the_checkout_path_and_colour_codes() {
        let root = Path::new("/home/r/book");
        let text =
            "\x1b[1m0000008: \x1b[31merror: \x1b[0mno /home/r/book/target/x.wasm in /home/r/book";
        assert_eq!(
            normalise(root, text),
            "0000008: error: no target/x.wasm in ."
        );
    }
}
