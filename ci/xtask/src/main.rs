//! The book's maintenance commands. Readers and CI reach them through `ci/book` (which first
//! makes sure the pinned toolchain is installed); contributors can use `cargo xtask ...`.
//! This file only parses the command line and dispatches: each command is a file in `cmd/`,
//! and the pipeline a listing goes through is the library (`xtask::…`, see lib.rs).

mod cmd;

use anyhow::Result;
use clap::{Parser, Subcommand};
use xtask::checks;
use xtask::pipeline::render::{self, Shell};
use xtask::pipeline::{discover, preview, run_here};
use xtask::{flame, sizes, timeline, workspace};

/// The book's commands: set up, serve, test, and the tools a contributor needs.
#[derive(Parser)]
#[command(name = "ci/book", bin_name = "ci/book", disable_version_flag = true)]
#[command(
    after_help = "Also `cargo xtask COMMAND` (the same program, without the toolchain \
                        check of ci/book). CONTRIBUTING.md explains each step."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set everything up, then serve the book on http://127.0.0.1:3000 (another port:
    /// WASI_BOOK_PORT=N)
    Serve,
    /// Set everything up, then run every test (listings, book, links, snippets, browser)
    Test,
    /// Set everything up, then build the book into book/ with every output live, and check it
    /// (the hosted book's workflow runs this)
    Build,
    /// Install the pinned tools, build the runner and every listing
    Setup,
    /// Start a chapter or a listing
    #[command(subcommand)]
    New(New),
    /// Record the transcripts (output.<target>.txt) of all or some listings anew, and remove
    /// those of runs that no longer exist
    Bless { listings: Vec<String> },
    /// Check one listing, in seconds once the runner is built: build it, run it against its
    /// transcript, run the `cargo run` and `wasmtime run` lines its page prints, and compare its
    /// `Run it:` comment with them
    Check {
        listing: String,
        /// wasip1, wasip2 or host: only this target's runs
        target: Option<String>,
        /// only the run of this name
        run: Option<String>,
    },
    /// Print a listing's commands and output as markdown (used by the book's pages)
    Show {
        /// The transcript recorded in the repository, which the tests check, instead of a live
        /// run (for a run whose live output the page already shows)
        #[arg(long)]
        recorded: bool,
        dir: String,
        target: String,
        run: Option<String>,
    },
    /// Run a command from the repository root; print it and its output as markdown (used by the
    /// book's pages); fail unless it exits with the expected status
    Sh {
        /// The status the command must exit with
        #[arg(long, default_value_t = 0, conflicts_with_all = ["fails", "markdown"])]
        exit: i32,
        /// The command succeeds but shows a failure (a component that exports nothing, say): the
        /// page marks it as failing on purpose, with WHY
        #[arg(long, value_name = "WHY", conflicts_with = "markdown")]
        fails: Option<String>,
        /// The command prints markdown itself (a table, a chart)
        #[arg(long)]
        markdown: bool,
        command: String,
    },
    /// Rewrite ci/external-links.toml from the pages' external links (keeping each link's date)
    Links {
        /// Record that you opened these links today (`all`: every link)
        #[arg(long, num_args = 1..)]
        checked: Vec<String>,
    },
    /// Print the portability appendix's tables (every command listing's runs in the browser)
    Portability {
        /// Record what the last browser test (`test`, or `check LISTING`) saw into
        /// ci/browser-portability.toml
        #[arg(long)]
        bless: bool,
    },
    /// Draw src/img/wasi-timeline.svg from src/img/wasi-timeline.toml
    Timeline,
    /// Print the versions this book is tested with (used by the book)
    Versions,
    /// mdbook's cmdrun preprocessor while `serve` is still building (serve sets it up; mdbook
    /// calls it): previews, then the pinned mdbook-cmdrun
    #[command(hide = true)]
    Cmdrun {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the hello listing with each size profile, run wasm-opt and wat2wasm, and print the
    /// sizes as a table and a chart (used by the book)
    Sizes,
    /// Draw a flame graph, as inline SVG, of a profile from Wasmtime's guest profiler
    /// (`wasmtime run --profile=guest,PATH`; used by the book)
    Flame {
        /// The profile (JSON, the Firefox Profiler's processed format)
        profile: std::path::PathBuf,
    },
    /// Print timings: embedded runs, a book build, the runner's compiled-code cache
    Measure,
    /// Give every listing caption the number its chapter's place in src/SUMMARY.md calls for,
    /// and rewrite every mention of an old number (after a chapter is added or moved)
    Renumber,
    /// Print figures of the teaching pages against the house style (the book's machinery named
    /// in lessons, paragraphs over 100 words, History boxes, Try it blocks)
    Counts,
    /// Print every pinned version beside the newest available (asks rustup and crates.io;
    /// informational, never part of the tests)
    Outdated,
}

#[derive(Subcommand)]
enum New {
    /// src/SLUG.md from the template, and its SUMMARY.md entry (at the end of PART, or last
    /// before the appendices)
    Chapter {
        slug: String,
        title: String,
        part: Option<String>,
    },
    /// listings/CHAPTER/NAME (a command for both WASI targets), its first transcripts, and the
    /// lines to paste into src/CHAPTER.md
    Listing { chapter: String, name: String },
}

/// Runs xtask again without the variables `cargo run` set for it
/// (`workspace::set_by_cargo_for_its_program`), as if started from the shell; returns only when
/// there were none.
fn restart_without_cargo_run_env() {
    use std::os::unix::process::CommandExt;
    let set: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| xtask::workspace::set_by_cargo_for_its_program(k))
        .collect();
    if set.is_empty() {
        return;
    }
    let Ok(me) = std::env::current_exe() else {
        return;
    };
    let mut cmd = std::process::Command::new(me);
    cmd.args(std::env::args_os().skip(1));
    for k in &set {
        cmd.env_remove(k);
    }
    let error = cmd.exec();
    eprintln!("xtask: cannot start again without cargo run's variables: {error}");
    std::process::exit(1);
}

fn main() {
    restart_without_cargo_run_env();
    // The raw arguments name an embedded output in the cache of outputs (`render`).
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let cli = Cli::parse();
    // The commands that build: cargo's build directory (honoured wherever it is, and reachable
    // as `target/`, the path the pages name), locked for this command. `show` and `sh` run
    // inside them.
    // (`serve` locks it only while it builds: see `cmd::serve`.)
    let prepared = match cli.command {
        Command::Test
        | Command::Build
        | Command::Setup
        | Command::Bless { .. }
        | Command::Check { .. }
        | Command::Measure
        | Command::New(_) => lock_build_dir().map(Some),
        Command::Serve => build_dir().map(|_| None),
        _ => Ok(None),
    };
    let _lock = prepared.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    });
    if let Err(e) = dispatch(cli.command, &raw) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// cargo's build directory, reachable as `target/` (see `workspace::link_target`).
fn build_dir() -> Result<std::path::PathBuf> {
    let root = cmd::root();
    let dir = workspace::target_dir(&root)?;
    workspace::link_target(&root, &dir)?;
    Ok(dir)
}

/// The build directory, locked until the returned file is dropped.
pub(crate) fn lock_build_dir() -> Result<std::fs::File> {
    workspace::lock(&build_dir()?)
}

fn dispatch(command: Command, raw: &[String]) -> Result<()> {
    let root = cmd::root();
    match command {
        Command::Serve => cmd::serve::serve(),
        Command::Test => cmd::test::test(),
        Command::Build => cmd::build::build(),
        Command::Setup => cmd::setup::setup(&root).map(|_| ()),
        Command::New(New::Chapter { slug, title, part }) => {
            cmd::new::new_chapter(&slug, &title, part.as_deref())
        }
        Command::New(New::Listing { chapter, name }) => cmd::new::new_listing(&chapter, &name),
        Command::Bless { listings } => cmd::bless::bless(&listings),
        Command::Check {
            listing,
            target,
            run,
        } => cmd::check::check(&listing, target.as_deref(), run.as_deref()),
        // The cache key is the command line as `show DIR TARGET [RUN]`, --recorded or not.
        Command::Show { recorded, .. } => {
            let args: Vec<String> = raw.iter().filter(|a| *a != "--recorded").cloned().collect();
            render::show(&root, &args, recorded)
        }
        Command::Sh {
            exit,
            fails,
            markdown,
            command,
        } => {
            let form = match (&fails, markdown) {
                (Some(why), _) => Shell::Fails(why),
                (None, true) => Shell::Markdown,
                (None, false) => Shell::Exits(exit),
            };
            render::shell(&root, raw, &command, form)
        }
        Command::Links { checked } => checks::links::updated(&root, &checked).and_then(|list| {
            Ok(std::fs::write(
                root.join(checks::links::FILE),
                checks::links::render(&list),
            )?)
        }),
        Command::Portability { bless: false } => discover::discover(&root)
            .and_then(|all| run_here::tables(&root, &all))
            .map(|md| print!("{md}")),
        Command::Portability { bless: true } => {
            let recorded = run_here::bless(&root, &discover::discover(&root)?)?;
            eprintln!(
                "recorded what the browser saw for {} runs into {}; review it with `git diff`",
                recorded.len(),
                run_here::PORTABILITY
            );
            Ok(())
        }
        Command::Timeline => timeline::write(&root),
        Command::Versions => cmd::versions::versions(),
        Command::Cmdrun { args } => preview::cmdrun(&root, &args),
        Command::Sizes => sizes::print(&root),
        Command::Flame { profile } => flame::print(&root.join(profile)),
        Command::Measure => cmd::measure::measure(),
        Command::Counts => cmd::counts::counts(),
        Command::Renumber => cmd::renumber::renumber(),
        Command::Outdated => xtask::tools::outdated::print(&root),
    }
}
