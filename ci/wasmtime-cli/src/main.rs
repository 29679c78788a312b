//! The `wasmtime` command: the official CLI's commands (`wasmtime_cli::commands`), behind the
//! same command line as its own `src/bin/wasmtime.rs` at the pinned version, with only the
//! subcommands the book uses: `run` (also when no subcommand is given), `compile` and `serve`.

use clap::Parser;
use wasmtime_cli::commands::{CompileCommand, RunCommand, ServeCommand};

/// Wasmtime WebAssembly Runtime
#[derive(Parser)]
#[command(
    name = "wasmtime",
    version = wasmtime_environ::VERSION,
    // As upstream: without a subcommand, the arguments are `run`'s.
    args_conflicts_with_subcommands = true
)]
struct Wasmtime {
    #[command(subcommand)]
    subcommand: Option<Subcommand>,
    #[command(flatten)]
    run: RunCommand,
}

#[derive(Parser)]
enum Subcommand {
    /// Runs a WebAssembly module
    Run(RunCommand),
    /// Compiles a WebAssembly module.
    Compile(CompileCommand),
    /// Serves requests from a wasi-http proxy component.
    Serve(ServeCommand),
}

fn main() -> wasmtime::Result<()> {
    let cli = Wasmtime::parse();
    match cli.subcommand {
        Some(Subcommand::Run(c)) => c.execute(),
        Some(Subcommand::Compile(c)) => c.execute(),
        Some(Subcommand::Serve(c)) => c.execute(),
        None => cli.run.execute(),
    }
}
