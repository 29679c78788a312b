//! `serve`: the book on http://127.0.0.1:3000, first in preview, then with live output.

use super::setup::setup;
use super::{root, step, this_program};
use anyhow::{Context, Result, bail};
use std::process::Command;
use std::time::Instant;
use xtask::pipeline::render::{self};
use xtask::pipeline::{preview, run_here};
use xtask::{archive, tools};

/// Serves the book as soon as mdbook can, then builds what live outputs need.
///
/// On a first run, building the runner and the listings takes many minutes, and reading should
/// not wait for it: only mdbook is installed first, the book is served at once in preview (each
/// listing's committed transcript, checked by `ci/book test`, under a note that says so; see
/// `render`), with this program as its cmdrun preprocessor (`preview`), and setup runs beside
/// it, mdbook-cmdrun included. When setup is done, the book is rebuilt with live output by
/// mdbook-cmdrun and the open pages reload.
pub fn serve() -> Result<()> {
    let root = root();
    let mdbook = tools::find(&root, "mdbook")?;
    if !mdbook.installed() {
        // (The install says how long it usually takes, from ci/tools.toml.)
        step("installing mdbook, what the first page needs", || {
            mdbook.ensure_showing_progress(&root)
        })
        .context("installing mdbook; run `ci/book serve` again to retry")?;
    } else {
        mdbook.verify()?;
    }
    // Live output is ready when this file exists (one per serve, so a serve that was stopped
    // half-way leaves nothing that a later one would trust).
    let target = root.join("target");
    std::fs::create_dir_all(&target)?;
    for old in std::fs::read_dir(&target)?.flatten() {
        if old
            .file_name()
            .to_string_lossy()
            .starts_with(".serve-ready-")
        {
            let _ = std::fs::remove_file(old.path());
        }
    }
    let ready = target.join(format!(".serve-ready-{}", std::process::id()));
    let port = std::env::var("WASI_BOOK_PORT").unwrap_or_else(|_| "3000".into());
    // The listings' code to download, which the introduction links: mdbook copies it from src/.
    archive::write(&root, &root.join("src"))?;
    let port_number: u16 = port
        .parse()
        .with_context(|| format!("WASI_BOOK_PORT={port} is not a port number"))?;
    if let Err(e) = std::net::TcpListener::bind(("127.0.0.1", port_number)) {
        bail!(
            "cannot serve on 127.0.0.1:{port} ({e}): another program uses it; stop it, or choose \
             another port with WASI_BOOK_PORT=N"
        );
    }
    let this = this_program()?;
    let mut server = Command::new(mdbook.path());
    server
        .current_dir(&root)
        .args(["serve", "--hostname", "127.0.0.1", "--port", &port])
        .env("WASI_BOOK", &this)
        .env(render::PREVIEW_ENV, &ready);
    preview::as_cmdrun(&mut server, &this)?;
    let mut server = server.spawn().context("cannot run mdbook")?;
    // mdbook answers on its port once the preview is built (about a second); if it stops
    // instead, say so now rather than after minutes of setup.
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port_number)).is_err() {
        if let Some(status) = server.try_wait()? {
            bail!("mdbook serve stopped ({status}) before serving the book: its error is above");
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            break; // still building its first preview: setup goes on beside it
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    eprintln!(
        "xtask: serving the book on http://127.0.0.1:{port} (Ctrl-C stops it); its pages show \
         recorded output until the build below is done, then reload with live output"
    );
    // The pages' Run buttons need every command listing built for pages and the runtime.
    // The build directory is locked while setup builds, and no longer: a contributor serving
    // the book can run `check` or `bless` beside it.
    let built = crate::lock_build_dir()
        .and_then(|_lock| setup(&root).and_then(|all| run_here::assets(&root, &all)));
    if let Err(e) = built {
        let _ = server.kill();
        let _ = server.wait();
        return Err(e.context("setup failed, so the book cannot show live output; stopped serving"));
    }
    std::fs::write(&ready, "")?;
    // mdbook's watcher polls book.toml's modification time: a new one rebuilds the book.
    std::fs::File::options()
        .write(true)
        .open(root.join("book.toml"))?
        .set_modified(std::time::SystemTime::now())?;
    eprintln!(
        "xtask: the build is done; the book is rebuilding with live output (the first time, \
         every listing and the benchmark run: about a minute), and open pages reload by themselves"
    );
    let status = server.wait()?;
    if !status.success() {
        bail!("mdbook serve failed ({status})");
    }
    Ok(())
}
