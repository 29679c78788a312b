//! The pinned tools of `ci/tools.toml`, installed once per version into a cache outside the
//! checkout and always run from there (by absolute path, or with their directories first on
//! PATH and their presence checked), so whatever is on a reader's PATH never matters.
//! Crates come from crates.io (`cargo install --locked`); binaryen and wabt from npm, each with
//! a committed lockfile in `ci/npm-tools/<name>/` (`npm ci`).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Pin {
    version: String,
    bin: Option<String>,
    /// Build with only these features (`--no-default-features --features ...`).
    features: Option<Vec<String>>,
    /// Build with this `opt-level` instead of the release profile's 3: it compiles faster
    /// (mdbook, which the first page waits for), at some cost in speed when it runs.
    opt_level: Option<u8>,
    /// From npm, not crates.io: `npm ci` with the lockfile in `ci/npm-tools/<name>/`.
    #[serde(default)]
    npm: bool,
    /// The npm package whose version is pinned, when it is not `<name>` (a scoped package).
    npm_package: Option<String>,
    /// From PyPI, not crates.io: the wheel whose SHA-256 this is, installed with
    /// `pip install --require-hashes` (a binary wheel: nothing is compiled).
    pypi_sha256: Option<String>,
    /// What `<bin> --version` prints for this version, when it is not the version itself
    /// (binaryen's wasm-opt says "version 132").
    version_text: Option<String>,
    /// `false` for a tool with no `--version` (mdbook-cmdrun): only its presence is checked.
    check_version: Option<bool>,
    /// The install's other programs that the pages run (wabt's `wasm2wat`, say): setup checks
    /// that each is there, so that a page never runs a copy from PATH instead.
    programs: Option<Vec<String>>,
    /// Only `ci/book test` runs it (no page does): setup leaves it to the tests, so that
    /// serving installs only what the pages run.
    #[serde(default)]
    tests_only: bool,
    /// How long installing it usually takes on 2 cores, alone, in seconds (what setup tells a
    /// newcomer before a long silent step; measured, see the testing appendix).
    install_seconds: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Crates,
    Npm,
    /// A PyPI wheel, pinned by its SHA-256.
    Pypi,
}

#[derive(Debug, Clone)]
pub struct Tool {
    pub krate: String,
    pub version: String,
    pub bin: String,
    pub features: Option<Vec<String>>,
    /// `opt-level` of the release build, when not cargo's default.
    pub opt_level: Option<u8>,
    /// Every program of the install that the book runs: `bin` first, then `programs`.
    pub programs: Vec<String>,
    pub source: Source,
    /// What `<bin> --version` must print; `None`: the tool has no `--version`.
    pub version_text: Option<String>,
    /// `ci/npm-tools/<name>`, for an npm tool.
    npm_dir: PathBuf,
    /// The npm package whose version is pinned (`npm-package`, else the name).
    pub npm_package: String,
    /// The wheel's SHA-256, for a PyPI tool.
    pypi_sha256: Option<String>,
    /// Only `ci/book test` runs it (`tests-only`); setup does not install it.
    pub tests_only: bool,
    /// `cache_root()/tools`.
    cache: PathBuf,
    /// The repository root, whose pages say where the tool is run (for error messages).
    root: PathBuf,
    /// How long installing it usually takes on 2 cores, alone (`install-seconds`).
    install_seconds: Option<u64>,
}

/// "30 s", "2 minutes": a duration as a person says it.
fn minutes(seconds: u64) -> String {
    match seconds {
        0..90 => format!("{seconds} s"),
        _ => format!("{} minutes", (seconds + 30) / 60),
    }
}

/// The book's cache (`book_common::cache_root`), or an error that says how to name one.
pub fn cache_root() -> Result<PathBuf> {
    book_common::cache_root().context(
        "no cache directory for the pinned tools: set HOME, XDG_CACHE_HOME or WASI_BOOK_CACHE",
    )
}

pub fn pinned(root: &Path) -> Result<Vec<Tool>> {
    let path = root.join("ci/tools.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let pins: BTreeMap<String, Pin> =
        toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let mut tools = vec![];
    for (krate, p) in pins {
        let bin = p.bin.unwrap_or_else(|| krate.clone());
        let tool = Tool {
            programs: std::iter::once(bin.clone())
                .chain(p.programs.unwrap_or_default())
                .collect(),
            bin,
            version_text: match p.check_version {
                Some(false) => None,
                _ => Some(p.version_text.unwrap_or_else(|| p.version.clone())),
            },
            version: p.version,
            features: p.features,
            opt_level: p.opt_level,
            source: match (p.npm, &p.pypi_sha256) {
                (true, _) => Source::Npm,
                (false, Some(_)) => Source::Pypi,
                (false, None) => Source::Crates,
            },
            pypi_sha256: p.pypi_sha256,
            tests_only: p.tests_only,
            npm_dir: root.join("ci/npm-tools").join(&krate),
            npm_package: p.npm_package.unwrap_or_else(|| krate.clone()),
            cache: cache_root()?.join("tools"),
            root: root.to_path_buf(),
            install_seconds: p.install_seconds,
            krate,
        };
        if tool.source == Source::Npm {
            let locked = tool.npm_locked_version()?;
            if locked != tool.version {
                bail!(
                    "ci/tools.toml pins {} {} but {}/package-lock.json locks {locked}; make them agree",
                    tool.krate,
                    tool.version,
                    tool.npm_dir.display()
                );
            }
        }
        tools.push(tool);
    }
    Ok(tools)
}

/// PATH with every pinned tool's directory first, for the book's embedded commands; fails,
/// naming the tool, if one is not installed (the command would otherwise find another copy on
/// the reader's PATH, or none, and the page would show that).
pub fn path_with_pinned_first(root: &Path) -> Result<std::ffi::OsString> {
    let mut paths = vec![];
    for t in pinned(root)?.into_iter().filter(|t| !t.tests_only) {
        t.require_installed()?;
        paths.push(t.bin_dir());
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Ok(std::env::join_paths(paths)?)
}

pub fn find(root: &Path, krate: &str) -> Result<Tool> {
    pinned(root)?
        .into_iter()
        .find(|t| t.krate == krate)
        .with_context(|| format!("ci/tools.toml pins no `{krate}`"))
}

/// Programs a page may run from the reader's PATH rather than from a pinned install: the
/// shell's own, the usual text tools, the Rust toolchain (which rustup pins) and the book's
/// runner script. Any other program a page runs must be a pinned tool's (`bin` or `programs`
/// in ci/tools.toml), or the page would show whatever copy the machine has.
pub const SYSTEM_PROGRAMS: &[&str] = &[
    "cargo",
    "rustc",
    "rustup",
    "ci/wasi-run",
    "sh",
    "cd",
    "echo",
    "printf",
    "true",
    "false",
    "exit",
    "test",
    "cat",
    "grep",
    "sed",
    "head",
    "tail",
    "wc",
    "sort",
    "uniq",
    "cut",
    "tr",
    "ls",
    "diff",
];

/// The programs a shell command runs: the first word of each simple command, past variable
/// assignments, redirections and reserved words (`do`, `then`, ...), with quotes removed. The
/// command given to `sh -c` and to `$WASI_BOOK sh` (the book's runner of tool commands, whose
/// last argument is the command) is looked into; `for` and `case` headers run nothing.
pub fn programs_in(command: &str) -> Vec<String> {
    let mut out = vec![];
    for words in simple_commands(command) {
        let mut words = words.as_slice();
        while let Some(first) = words.first() {
            let assignment = first.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            let reserved = [
                "!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until",
            ]
            .contains(&first.as_str());
            if !assignment && !reserved {
                break;
            }
            words = &words[1..];
        }
        let Some(program) = words.first() else {
            continue;
        };
        match program.as_str() {
            "for" | "case" | "esac" => continue,
            "--strict" => {
                out.extend(programs_in(&shell_join(&words[1..])));
                continue;
            }
            "$WASI_BOOK" => {
                if words.get(1).map(String::as_str) == Some("sh")
                    && let Some(inner) = words.last()
                {
                    out.extend(programs_in(inner));
                }
                continue;
            }
            "sh" | "bash" => {
                out.push(program.clone());
                if let Some(i) = words.iter().position(|w| w == "-c")
                    && let Some(inner) = words.get(i + 1)
                {
                    out.extend(programs_in(inner));
                }
                continue;
            }
            _ => out.push(program.clone()),
        }
    }
    out
}

/// Words joined back into a command line, each quoted for `sh`.
fn shell_join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A command line split into simple commands (at `|`, `&&`, `||`, `;`, `&`, parentheses and
/// newlines), each as its words with quotes removed; redirections (`2>&1`, `> FILE`) are left
/// out. Enough of sh's grammar for the one-line commands a page runs.
fn simple_commands(command: &str) -> Vec<Vec<String>> {
    let mut commands = vec![];
    let mut words: Vec<String> = vec![];
    let mut word = String::new();
    let mut in_word = false;
    // The next word is a redirection's target, not an argument.
    let mut target = false;
    let mut chars = command.chars().peekable();
    fn end_word(word: &mut String, in_word: &mut bool, words: &mut Vec<String>, target: &mut bool) {
        if *in_word {
            if !*target {
                words.push(std::mem::take(word));
            }
            word.clear();
            *target = false;
        }
        *in_word = false;
    }
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if chars.peek().is_some_and(|n| "\"\\$`".contains(*n)) => {
                            word.push(chars.next().unwrap_or('\\'))
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(n) => word.push(n),
                }
            }
            '<' | '>' => {
                // `2>`: the digits were the redirection's file descriptor, not a word.
                if in_word && !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                } else {
                    end_word(&mut word, &mut in_word, &mut words, &mut target);
                }
                while chars.peek().is_some_and(|n| "<>&|".contains(*n)) {
                    chars.next();
                }
                target = true;
            }
            '|' | '&' | ';' | '(' | ')' | '\n' => {
                end_word(&mut word, &mut in_word, &mut words, &mut target);
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut words, &mut target),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut words, &mut target);
    if !words.is_empty() {
        commands.push(words);
    }
    commands
}

/// Every embedded command of the pages (`src/**/*.md`) that runs one of `programs`, as
/// (`src/page.md`, line).
pub fn pages_running(root: &Path, programs: &[&str]) -> Result<Vec<(String, usize)>> {
    let mut out = vec![];
    for crate::book::Page {
        name: page, text, ..
    } in crate::book::pages(root)?
    {
        for (line, cmd) in crate::book::cmdruns(&text) {
            if programs_in(&cmd)
                .iter()
                .any(|p| programs.contains(&p.as_str()))
            {
                out.push((page.clone(), line));
            }
        }
    }
    Ok(out)
}

/// The pinned tool a page's program comes from.
pub fn providing<'a>(tools: &'a [Tool], program: &str) -> Option<&'a Tool> {
    tools
        .iter()
        .find(|t| t.programs.iter().any(|p| p == program))
}

/// Programs the pages run that neither a pinned tool provides nor `SYSTEM_PROGRAMS` allows:
/// the command would run whatever copy a machine has on its PATH, or fail there.
pub fn unpinned_programs(root: &Path, tools: &[Tool]) -> Result<Vec<String>> {
    let mut problems = vec![];
    for crate::book::Page {
        name: page, text, ..
    } in crate::book::pages(root)?
    {
        for (line, cmd) in crate::book::cmdruns(&text) {
            for program in programs_in(&cmd) {
                if providing(tools, &program).is_none()
                    && !SYSTEM_PROGRAMS.contains(&program.as_str())
                {
                    problems.push(format!(
                        "{page}:{line}: runs `{program}`, which no pinned tool provides: add it to the \
                         `programs` of its tool in ci/tools.toml (setup then checks that the pinned \
                         install has it), or, if it is a system program, to tools::SYSTEM_PROGRAMS"
                    ));
                }
            }
        }
    }
    Ok(problems)
}

impl Tool {
    /// `<crate>-<version>`, plus the feature list when it is not the default one and the
    /// opt-level when `opt-level` is set, so a change of either is a new cache entry rather
    /// than a stale one.
    pub fn dir(&self) -> PathBuf {
        let mut name = format!("{}-{}", self.krate, self.version);
        if let Some(f) = &self.features {
            name.push_str("-only-");
            name.push_str(&f.join("+"));
        }
        if let Some(level) = self.opt_level {
            name.push_str(&format!("-opt{level}"));
        }
        self.cache.join(name)
    }

    pub fn bin_dir(&self) -> PathBuf {
        match self.source {
            Source::Crates => self.dir().join("bin"),
            Source::Npm => self.dir().join("node_modules/.bin"),
            Source::Pypi => self.dir().join("bin"),
        }
    }

    /// The version of the package that `ci/npm-tools/<name>/package-lock.json` locks.
    fn npm_locked_version(&self) -> Result<String> {
        let path = self.npm_dir.join("package-lock.json");
        let lock: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        )
        .with_context(|| format!("{}", path.display()))?;
        lock["packages"][format!("node_modules/{}", self.npm_package)]["version"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("{} locks no `{}`", path.display(), self.npm_package))
    }

    /// One line for error messages: `binaryen 132.0.0 (wasm-opt)`.
    pub fn describe(&self) -> String {
        format!("{} {} ({})", self.krate, self.version, self.bin)
    }

    /// Fails, naming the tool and the pages that run it, unless every program the book runs from
    /// it is installed and `<bin> --version` prints the pinned version: a cache entry that was
    /// changed by hand, or a build that does not start, is caught here rather than as a puzzling
    /// page.
    pub fn verify(&self) -> Result<()> {
        self.require_installed()?;
        let path = self.path();
        let Some(expected) = &self.version_text else {
            return Ok(());
        };
        let out = Command::new(&path)
            .arg("--version")
            .output()
            .with_context(|| {
                format!(
                    "the pinned tool {} does not start ({}){}",
                    self.describe(),
                    path.display(),
                    self.run_by()
                )
            })?;
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.status.success() || !printed.contains(expected.as_str()) {
            bail!(
                "the pinned tool {} at {} is broken or not that version: `--version` {} and printed {:?} \
                 (expected {:?}); remove {} and run `ci/book setup`{}",
                self.describe(),
                path.display(),
                out.status,
                printed.trim(),
                expected,
                self.dir().display(),
                self.run_by()
            );
        }
        Ok(())
    }

    pub fn path(&self) -> PathBuf {
        self.bin_dir().join(&self.bin)
    }

    pub fn installed(&self) -> bool {
        self.path().is_file()
    }

    /// Fails, naming the tool, the missing program, the pages that run the tool and how to
    /// install it, unless each program the book runs from it is in the cache.
    fn require_installed(&self) -> Result<()> {
        if !self.installed() {
            bail!(
                "the pinned tool {} (ci/tools.toml) is not installed at {}; run `ci/book setup`{}",
                self.describe(),
                self.path().display(),
                self.run_by()
            );
        }
        for program in &self.programs {
            let path = self.bin_dir().join(program);
            if !path.is_file() {
                bail!(
                    "the pinned tool {} has no `{program}` (ci/tools.toml lists it in `programs`) at {}; \
                     remove {} and run `ci/book setup`{}",
                    self.describe(),
                    path.display(),
                    self.dir().display(),
                    self.run_by()
                );
            }
        }
        Ok(())
    }

    /// "; the book runs it in src/a.md (lines 3, 9), src/b.md (line 4)", from the pages'
    /// embedded commands; empty when no page runs it (mdbook itself, say).
    fn run_by(&self) -> String {
        let programs: Vec<&str> = self.programs.iter().map(String::as_str).collect();
        let lines = pages_running(&self.root, &programs).unwrap_or_default();
        if lines.is_empty() {
            return String::new();
        }
        let mut pages: Vec<(String, Vec<usize>)> = vec![];
        for (page, line) in lines {
            match pages.iter_mut().find(|(p, _)| *p == page) {
                Some((_, ls)) => ls.push(line),
                None => pages.push((page, vec![line])),
            }
        }
        let pages: Vec<String> = pages
            .into_iter()
            .map(|(page, lines)| {
                let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                let word = if lines.len() == 1 { "line" } else { "lines" };
                format!("{page} ({word} {})", lines.join(", "))
            })
            .collect();
        format!("; the book runs it in {}", pages.join(", "))
    }

    /// Installs the tool into its cache directory unless it is there already. Quietly: setup
    /// installs tools side by side with its builds, whose progress would be garbled.
    pub fn ensure(&self, root: &Path) -> Result<()> {
        self.ensure_with(root, false)
    }

    /// `ensure` for a tool installed alone (mdbook, before the first page): cargo's own
    /// progress shows how far its build is.
    pub fn ensure_showing_progress(&self, root: &Path) -> Result<()> {
        self.ensure_with(root, true)
    }

    fn ensure_with(&self, root: &Path, progress: bool) -> Result<()> {
        if !self.installed() {
            self.install(root, progress)?;
        }
        self.verify()
    }

    fn install(&self, root: &Path, progress: bool) -> Result<()> {
        let usually = self
            .install_seconds
            .map(|s| format!("usually about {} on 2 cores; ", minutes(s)))
            .unwrap_or_default();
        eprintln!(
            "xtask: installing {} {} ({usually}once per version; cached in {})",
            self.krate,
            self.version,
            self.dir().display()
        );
        let started = std::time::Instant::now();
        // Install into a temporary sibling, then rename: an interrupted install never looks done.
        let tmp = self
            .dir()
            .with_extension(format!("tmp{}", std::process::id()));
        match self.source {
            Source::Crates => self.cargo_install(root, &tmp, progress)?,
            Source::Npm => self.npm_ci(&tmp)?,
            Source::Pypi => self.pip_install(&tmp)?,
        }
        std::fs::create_dir_all(self.dir().parent().unwrap())?;
        if let Err(e) = std::fs::rename(&tmp, self.dir()) {
            // Another run finished the same install first: theirs is as good as ours.
            if !self.path().is_file() {
                return Err(e).context("cannot move the installed tool into the cache");
            }
            let _ = std::fs::remove_dir_all(&tmp);
        }
        // The figure the testing appendix reports for a machine's first run.
        eprintln!(
            "xtask: installed {} {} in {} s",
            self.krate,
            self.version,
            started.elapsed().as_secs()
        );
        Ok(())
    }

    /// `pip install` of the one wheel whose hash `ci/tools.toml` pins, into the cache.
    fn pip_install(&self, tmp: &Path) -> Result<()> {
        std::fs::create_dir_all(tmp)?;
        let requirement = tmp.join("requirements.txt");
        std::fs::write(
            &requirement,
            format!(
                "{}=={} --hash=sha256:{}\n",
                self.krate,
                self.version,
                self.pypi_sha256.as_deref().unwrap_or_default()
            ),
        )?;
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-deps", "--only-binary=:all:", "--require-hashes"])
            .arg("--target")
            .arg(tmp)
            .arg("-r")
            .arg(&requirement)
            .status()
            .context("cannot run python3 -m pip (Python 3 and pip are needed for zizmor)")?;
        if !status.success() {
            bail!(
                "`pip install {}=={}` failed ({status}); fix that, then run the command again",
                self.krate,
                self.version
            );
        }
        Ok(())
    }

    /// `npm ci` from the committed lockfile, so every machine gets the same files.
    fn npm_ci(&self, tmp: &Path) -> Result<()> {
        std::fs::create_dir_all(tmp)?;
        for f in ["package.json", "package-lock.json"] {
            std::fs::copy(self.npm_dir.join(f), tmp.join(f))
                .with_context(|| format!("cannot copy {}", self.npm_dir.join(f).display()))?;
        }
        let status = Command::new("npm")
            .current_dir(tmp)
            .args([
                "ci",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ])
            .status()
            .context("cannot run npm (Node.js and npm are needed for binaryen and wabt)")?;
        if !status.success() {
            bail!(
                "`npm ci` for {} failed ({status}) in {}; fix that, then run the command again",
                self.describe(),
                tmp.display()
            );
        }
        Ok(())
    }

    fn cargo_install(&self, root: &Path, tmp: &Path, progress: bool) -> Result<()> {
        let status = crate::workspace::cargo(root)
            .args(["install", "--locked"])
            .args((!progress).then_some("--quiet"))
            .arg("--root")
            .arg(tmp)
            .args([&self.krate, "--version", &self.version])
            .args(
                self.opt_level
                    .map(|level| format!("profile.release.opt-level={level}"))
                    .map(|setting| ["--config".to_string(), setting])
                    .into_iter()
                    .flatten(),
            )
            .args(match &self.features {
                Some(f) => vec![
                    "--no-default-features".to_string(),
                    "--features".to_string(),
                    f.join(","),
                ],
                None => vec![],
            })
            .status()
            .context("cannot run cargo")?;
        if !status.success() {
            bail!(
                "`cargo install --locked {} --version {}` failed ({status}); fix that, then run the command again{}{}",
                self.krate,
                self.version,
                self.opt_level
                    .map(|level| format!(" (opt-level {level})"))
                    .unwrap_or_default(),
                self.features
                    .as_ref()
                    .map(|f| format!(" (features: {})", f.join(",")))
                    .unwrap_or_default()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A tool "installed" in a scratch cache as a script that prints `prints`.
    fn fake_tool(cache: &Path, prints: &str) -> Tool {
        let tool = Tool {
            krate: "binaryen".into(),
            version: "132.0.0".into(),
            bin: "wasm-opt".into(),
            features: None,
            opt_level: None,
            programs: vec!["wasm-opt".into()],
            source: Source::Npm,
            version_text: Some("version 132".into()),
            npm_dir: PathBuf::from("ci/npm-tools/binaryen"),
            npm_package: "binaryen".into(),
            pypi_sha256: None,
            tests_only: false,
            cache: cache.to_path_buf(),
            root: cache.to_path_buf(),
            install_seconds: None,
        };
        if !prints.is_empty() {
            std::fs::create_dir_all(tool.bin_dir()).unwrap();
            std::fs::write(tool.path(), format!("#!/bin/sh\necho '{prints}'\n")).unwrap();
            std::fs::set_permissions(tool.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        tool
    }

    #[test]
    fn a_missing_tool_or_one_at_another_version_is_named() {
        // A fresh directory of its own (kept: the test removes it).
        let scratch = tempfile::Builder::new()
            .prefix("xtask-tools-test-")
            .tempdir()
            .unwrap()
            .keep();
        let missing = fake_tool(&scratch.join("a"), "");
        let err = format!("{:#}", missing.verify().unwrap_err());
        assert!(
            err.contains("binaryen 132.0.0 (wasm-opt)") && err.contains("not installed"),
            "{err}"
        );

        let wrong = fake_tool(&scratch.join("b"), "wasm-opt version 108");
        let err = format!("{:#}", wrong.verify().unwrap_err());
        assert!(
            err.contains("binaryen 132.0.0 (wasm-opt)") && err.contains("not that version"),
            "{err}"
        );

        let right = fake_tool(&scratch.join("c"), "wasm-opt version 132 (version_132)");
        right.verify().unwrap();
        let _ = std::fs::remove_dir_all(&scratch);
    }

    /// A scratch repository whose one page runs `command` on its third line.
    fn page_running(root: &Path, command: &str) {
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(
            root.join("src/size.md"),
            format!("# Size\n\n<!-- cmdrun --strict $WASI_BOOK sh '{command}' -->\n"),
        )
        .unwrap();
    }

    #[test]
    fn a_tool_at_another_version_names_the_pages_that_run_it() {
        // A fresh directory of its own (kept: the test removes it).
        let scratch = tempfile::Builder::new()
            .prefix("xtask-tools-pages-")
            .tempdir()
            .unwrap()
            .keep();
        let wrong = fake_tool(&scratch, "wasm-opt version 108");
        page_running(&scratch, "wasm-opt -Oz a.wasm -o b.wasm 2>&1 | sed -n 1p");
        let err = format!("{:#}", wrong.verify().unwrap_err());
        let missing = fake_tool(&scratch.join("empty"), "");
        page_running(&scratch.join("empty"), "wc -c x && wasm-opt -Oz x");
        let err_missing = format!("{:#}", missing.verify().unwrap_err());
        let _ = std::fs::remove_dir_all(&scratch);
        assert!(
            err.contains("binaryen 132.0.0 (wasm-opt)")
                && err.contains("not that version")
                && err.ends_with("; the book runs it in src/size.md (line 3)"),
            "{err}"
        );
        assert!(
            err_missing.contains("not installed")
                && err_missing.ends_with("the book runs it in src/size.md (line 3)"),
            "{err_missing}"
        );
    }

    #[test]
    fn every_program_the_book_runs_from_a_tool_must_be_in_its_pinned_install() {
        // A fresh directory of its own (kept: the test removes it).
        let scratch = tempfile::Builder::new()
            .prefix("xtask-tools-programs-")
            .tempdir()
            .unwrap()
            .keep();
        let mut binaryen = fake_tool(&scratch, "wasm-opt version 132 (version_132)");
        binaryen.programs = vec!["wasm-opt".into(), "wasm-dis".into()];
        page_running(&scratch, "wasm-dis hello.wasm");
        let err = format!("{:#}", binaryen.verify().unwrap_err());
        // Installed, it passes.
        std::fs::copy(binaryen.path(), binaryen.bin_dir().join("wasm-dis")).unwrap();
        let ok = binaryen.verify();
        let _ = std::fs::remove_dir_all(&scratch);
        assert!(
            err.contains("the pinned tool binaryen 132.0.0 (wasm-opt) has no `wasm-dis`")
                && err.ends_with("the book runs it in src/size.md (line 3)"),
            "{err}"
        );
        ok.unwrap();
    }

    #[test]
    fn the_programs_of_a_command_are_found_past_quotes_pipes_and_assignments() {
        let p = |c: &str| programs_in(c);
        assert_eq!(
            p(
                r#"--strict $WASI_BOOK sh --fails 'why' 'wasm-opt -Oz a.wasm 2>&1 | sed -n "1p;\$p"'"#
            ),
            ["wasm-opt", "sed"]
        );
        assert_eq!(
            p("--strict $WASI_BOOK sh 'X=1 Y=2 wasmtime run a.wasm && wc -c a.wasm > target/n'"),
            ["wasmtime", "wc"]
        );
        assert_eq!(
            p(
                r#"--strict $WASI_BOOK sh 'for n in 1 2; do ci/wasi-run --call "add $n" a.wasm; done'"#
            ),
            ["ci/wasi-run"]
        );
        assert_eq!(
            p(r#"--strict $WASI_BOOK sh 'sort -t "|" -k 3 -n | tail -n 1 || true'"#),
            ["sort", "tail", "true"]
        );
        assert_eq!(
            p(r"--strict $WASI_BOOK sh 'wasmtime run --invoke '\''greet(1)'\'' a.wasm'"),
            ["wasmtime"]
        );
        assert_eq!(
            p("--strict sh -c 'wasm-tools validate x; exit 3'"),
            ["sh", "wasm-tools", "exit"]
        );
        assert!(p("--strict $WASI_BOOK show listings/a/b wasip1").is_empty());
    }

    #[test]
    fn every_program_the_pages_run_is_pinned_or_a_system_program() {
        let root = book_common::checkout_root();
        let tools = pinned(&root).unwrap();
        let problems = unpinned_programs(&root, &tools).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
        // A fresh directory of its own (kept: the test removes it).
        let scratch = tempfile::Builder::new()
            .prefix("xtask-tools-unpinned-")
            .tempdir()
            .unwrap()
            .keep();
        page_running(&scratch, "wasm-metadce -f graph.json a.wasm | wasm-opt -Oz");
        let problems = unpinned_programs(&scratch, &tools).unwrap();
        let _ = std::fs::remove_dir_all(&scratch);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0]
                .starts_with("src/size.md:3: runs `wasm-metadce`, which no pinned tool provides"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn npm_pins_agree_with_their_lockfiles() {
        let root = book_common::checkout_root();
        let npm: Vec<Tool> = pinned(&root)
            .unwrap()
            .into_iter()
            .filter(|t| t.source == Source::Npm)
            .collect();
        assert!(!npm.is_empty());
        for t in npm {
            assert_eq!(t.npm_locked_version().unwrap(), t.version);
        }
    }
}
