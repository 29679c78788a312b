//! The cmdrun preprocessor of `ci/book serve`. mdbook runs it as `xtask cmdrun` (serve points
//! `preprocessor.cmdrun.command` here), so the first page needs only mdbook and xtask: on a new
//! machine, mdbook-cmdrun (which compiles mdbook a second time, as a library) is installed after
//! the first page is served, with the rest of setup.
//!
//! While setup is still running (`render::previewing`), this program does mdbook-cmdrun's job
//! itself: every `<!-- cmdrun … -->` runs as mdbook-cmdrun 0.7.3 runs it (`sh -c` in the
//! chapter's directory; its `cmdrun.rs` on docs.rs), and in a preview each one is a `show` or
//! `sh` of this program, which prints the recorded transcript or a note instead of running a
//! listing or a tool, or `versions`, which reads the pins. Once setup is done, every build is
//! handed to the pinned mdbook-cmdrun unchanged, as in `ci/book build` and `ci/book test`.
//! When mdbook-cmdrun is bumped, compare its `cmdrun.rs` with this file again (and run the
//! `serve` tests, which compare the two).

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Makes `mdbook` (a command about to run) call `xtask cmdrun`, the program at `this`, as its
/// cmdrun preprocessor: mdbook reads `preprocessor.cmdrun.command` from this variable
/// (`Config::update_from_env`).
pub fn as_cmdrun(mdbook: &mut Command, this: &Path) -> Result<()> {
    let quoted = shlex::try_quote(&this.to_string_lossy())
        .context("this program's path cannot be quoted for mdbook")?
        .into_owned();
    mdbook.env(
        "MDBOOK_PREPROCESSOR__CMDRUN__COMMAND",
        format!("{quoted} cmdrun"),
    );
    Ok(())
}

/// mdbook 0.4's preprocessor input, `[context, book]` on stdin, as far as this preprocessor
/// reads it; the book goes back on stdout. Fields it does not read are kept as they came
/// (`rest`), so what mdbook gets back is its own book with only the chapters' text changed.
#[derive(Deserialize)]
struct PreprocessorContext {
    root: PathBuf,
    config: Config,
}

#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    book: BookConfig,
}

#[derive(Deserialize)]
struct BookConfig {
    #[serde(default = "default_src")]
    src: PathBuf,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig { src: default_src() }
    }
}

fn default_src() -> PathBuf {
    PathBuf::from("src")
}

#[derive(Serialize, Deserialize)]
struct Book {
    sections: Vec<BookItem>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
enum BookItem {
    Chapter(Chapter),
    Separator,
    PartTitle(String),
}

#[derive(Serialize, Deserialize)]
struct Chapter {
    content: String,
    /// None for a draft chapter, which has no file.
    path: Option<PathBuf>,
    sub_items: Vec<BookItem>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

/// `xtask cmdrun [supports RENDERER]`, as mdbook calls a preprocessor.
pub fn cmdrun(root: &Path, args: &[String]) -> Result<()> {
    if !crate::pipeline::render::previewing() {
        let real = crate::tools::find(root, "mdbook-cmdrun")?;
        if !real.installed() {
            bail!("setup is done but mdbook-cmdrun is not installed: run `ci/book setup`");
        }
        // stdin, stdout and the exit status pass through: mdbook talks to mdbook-cmdrun.
        let status = Command::new(real.path())
            .args(args)
            .status()
            .context("cannot run mdbook-cmdrun")?;
        std::process::exit(status.code().unwrap_or(1));
    }
    if let [supports, renderer] = args
        && supports == "supports"
    {
        // mdbook-cmdrun supports the html renderer only.
        std::process::exit(if renderer == "html" { 0 } else { 1 });
    }
    let (context, mut book): (PreprocessorContext, Book) =
        serde_json::from_reader(std::io::stdin().lock()).context("mdbook's preprocessor input")?;
    let src = context.root.join(&context.config.book.src);
    for_each_chapter(&mut book.sections, &mut |chapter| {
        let Some(path) = &chapter.path else {
            return Ok(());
        };
        let dir = src.join(path).parent().unwrap_or(&src).to_path_buf();
        chapter.content =
            expand(&chapter.content, &dir).with_context(|| format!("in {}", path.display()))?;
        Ok(())
    })?;
    serde_json::to_writer(std::io::stdout().lock(), &book)?;
    Ok(())
}

/// Calls `f` on every chapter, sub-chapters included.
fn for_each_chapter(
    items: &mut [BookItem],
    f: &mut dyn FnMut(&mut Chapter) -> Result<()>,
) -> Result<()> {
    for item in items {
        if let BookItem::Chapter(chapter) = item {
            f(chapter)?;
            for_each_chapter(&mut chapter.sub_items, f)?;
        }
    }
    Ok(())
}

/// `content` with each `<!-- cmdrun --strict COMMAND -->` replaced by what COMMAND prints,
/// matched as mdbook-cmdrun 0.7.3 matches them (its patterns `<!--[ ]*cmdrun (.*?)-->\r?\n`,
/// then `<!--[ ]*cmdrun (.*?)-->`, read here without a regex engine): a directive that ends its
/// line first (its line end goes too), then inline ones (their output's trailing whitespace is
/// cut). A directive never spans lines. A failed command leaves cmdrun's error text in the
/// page, as mdbook-cmdrun does.
pub fn expand(content: &str, dir: &Path) -> Result<String> {
    let ending = replace_directives(content, true, &mut |c| run(c, dir, false))?;
    replace_directives(&ending, false, &mut |c| run(c, dir, true))
}

/// `text` with each directive replaced by `f(COMMAND)`; with `ending`, only those that end
/// their line, the line end included.
fn replace_directives(
    text: &str,
    ending: bool,
    f: &mut dyn FnMut(&str) -> Result<String>,
) -> Result<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        let after_open = &rest[open + 4..];
        let command_at = after_open.trim_start_matches(' ');
        let start = open + 4 + (after_open.len() - command_at.len());
        let line = command_at.split('\n').next().unwrap_or_default();
        let found = command_at.strip_prefix("cmdrun ").and_then(|_| {
            // The first `-->` on the line; for a directive that ends its line, the first one
            // followed by the line's end (as the pattern's lazy `.*?` finds it).
            line.match_indices("-->").find_map(|(close, _)| {
                let after = &command_at[close + 3..];
                match ending {
                    false => Some((close, close + 3)),
                    true if after.starts_with('\n') => Some((close, close + 4)),
                    true if after.starts_with("\r\n") => Some((close, close + 5)),
                    true => None,
                }
            })
        });
        match found {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&f(&command_at["cmdrun ".len()..close])?);
                rest = &rest[start + end..];
            }
            None => {
                out.push_str(&rest[..open + 4]);
                rest = &rest[open + 4..];
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// One directive's output, as mdbook-cmdrun 0.7.3 makes it (`run_cmdrun`): with `--strict`, a
/// command that fails does not fail the build but writes cmdrun's `**cmdrun error**` text into
/// the page, which `ci/book test` finds (`checks::built::cmdrun_errors`). The book uses `--strict` only
/// (`ci/book test` checks that every directive has it), so another option is an error here
/// rather than a guess.
fn run(directive: &str, dir: &Path, inline: bool) -> Result<String> {
    let Some(command) = directive.trim().strip_prefix("--strict ") else {
        bail!("`cmdrun {directive}`: the book's directives start with --strict");
    };
    // mdbook-cmdrun drops `--strict` by splitting the command at whitespace and joining the
    // words with one space; so does this.
    let command = command.split_whitespace().collect::<Vec<_>>().join(" ");
    let out = Command::new("sh")
        .arg("-c")
        .arg(&command)
        .current_dir(dir)
        .output()
        .with_context(|| format!("cannot run `{command}`"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    Ok(match out.status.code() {
        None => {
            format!("**cmdrun error**: Command was ended before completing in 'cmdrun {command}'")
        }
        Some(0) if inline => stdout.trim_end().to_string(),
        Some(0) => stdout.into_owned(),
        Some(code) => format!(
            "**cmdrun error**: '{command}' returned exit code {code} instead of 0.\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_as_cmdrun_does() {
        let dir = std::env::temp_dir();
        let md = "a\n<!-- cmdrun --strict echo one -->\nb <!-- cmdrun --strict printf 'two  \\n' --> c\n";
        assert_eq!(expand(md, &dir).unwrap(), "a\none\nb two c\n");
        // A comment that is not a directive, and a directive whose `-->` is on another line.
        let md = "<!-- a note -->\n<!-- cmdrun --strict echo x\n-->\n";
        assert_eq!(expand(md, &dir).unwrap(), md);
        // CRLF line ends go with a directive, as `\r?\n` takes them.
        let md = "<!--   cmdrun --strict echo y -->\r\nz";
        assert_eq!(expand(md, &dir).unwrap(), "y\nz");
    }

    #[test]
    fn a_failing_command_leaves_cmdrun_s_error_and_a_directive_without_strict_is_refused() {
        let dir = std::env::temp_dir();
        let page = expand("<!-- cmdrun --strict echo out; exit 3 -->\n", &dir).unwrap();
        assert_eq!(
            page,
            "**cmdrun error**: 'echo out; exit 3' returned exit code 3 instead of 0.\nout\n\n"
        );
        let e = expand("<!-- cmdrun echo x -->\n", &dir).unwrap_err();
        assert!(format!("{e:#}").contains("--strict"), "{e:#}");
    }
}
