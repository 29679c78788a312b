//! `bless`: record the listings' transcripts anew, and remove those of runs that no longer
//! exist.

use super::setup::setup;
use super::{root, select};
use anyhow::Result;
use xtask::pipeline::run;

pub fn bless(names: &[String]) -> Result<()> {
    let root = root();
    let all = setup(&root)?;
    for l in select(&all, names)? {
        for (run, t) in l.runs() {
            let (transcript, _) = run::run_listing(&root, l, run, t)?;
            let transcript = run::redacted(run, &transcript);
            let path = root.join(l.transcript_path(run, t));
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            if old != transcript {
                std::fs::write(&path, &transcript)?;
                eprintln!("updated {}", l.transcript_path(run, t).display());
            }
        }
        for stale in l.stale_transcripts(&root) {
            std::fs::remove_file(root.join(&stale))?;
            eprintln!(
                "removed {} (no run of the listing writes it)",
                stale.display()
            );
        }
    }
    eprintln!("review the changes with `git diff listings/`");
    Ok(())
}
