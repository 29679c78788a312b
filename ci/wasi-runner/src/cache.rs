//! Compiled-code cache. Cranelift takes 50-100 ms to compile even a small listing; loading the
//! machine code it produced last time takes a few. Entries are keyed by the wasm's SHA-256 and by
//! the engine's compatibility hash (wasmtime version and every codegen-relevant setting), so a
//! changed module or a new wasmtime never loads stale code.
//!
//! Loading an entry runs its machine code, so the cache must be a directory only this user can
//! write: it is created `0700`, and a directory owned by someone else, or writable by group or
//! others, is not used (the runner warns and compiles instead). Entries are written to a
//! temporary file, synced, then renamed into place, and an entry that fails to load (a
//! truncated or corrupted file) is compiled again and replaced.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::Result;
use wasmtime::error::Context;

/// Why `dir` cannot hold the cache, or `None` when it can (creating it, private, if missing).
pub fn unusable(dir: &Path) -> Option<String> {
    if let Err(e) = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
    {
        return Some(format!("cannot create {}: {e}", dir.display()));
    }
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) => return Some(format!("cannot read {}: {e}", dir.display())),
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc_geteuid() };
    if meta.uid() != me {
        return Some(format!(
            "{} belongs to user {}, not to us ({me})",
            dir.display(),
            meta.uid()
        ));
    }
    if meta.permissions().mode() & 0o022 != 0 {
        return Some(format!(
            "{} is writable by others (mode {:o})",
            dir.display(),
            meta.permissions().mode() & 0o777
        ));
    }
    None
}

unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

/// Loads `wasm` through the cache in `dir`: `load` turns an entry's path into the loaded code
/// (it deserializes), `precompile` compiles on a miss. A bad entry is compiled again.
pub fn load<T>(
    engine: &Engine,
    dir: &Path,
    wasm: &[u8],
    precompile: impl Fn(&[u8]) -> Result<Vec<u8>>,
    load: impl Fn(&Path) -> Result<T>,
) -> Result<T> {
    let path = entry_path(engine, dir, wasm);
    // An entry that is truncated, corrupted or from an incompatible build is replaced below by
    // an atomic rename, never removed, so that a run that met the same bad entry at the same
    // time cannot remove the good one another run has just written.
    if path.exists()
        && let Ok(code) = load(&path)
    {
        return Ok(code);
    }
    write_entry(dir, &path, &precompile(wasm)?)?;
    load(&path)
}

fn entry_path(engine: &Engine, dir: &Path, wasm: &[u8]) -> PathBuf {
    let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    dir.join(format!(
        "{:x}-{:016x}.cwasm",
        Sha256::digest(wasm),
        engine_hash.finish()
    ))
}

/// Writes an entry atomically and durably: a concurrent run never sees half a file, and a crash
/// never leaves one behind under the entry's name.
fn write_entry(dir: &Path, path: &Path, code: &[u8]) -> Result<()> {
    use std::io::Write;
    // A name no other writer uses: other processes differ in id, other threads in number.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        std::process::id(),
        WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        path.file_name().unwrap().to_string_lossy()
    ));
    let mut file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    file.write_all(code)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot sync {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} into place", tmp.display()))?;
    // The rename is durable only once the directory that now names the entry is synced.
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync {}", dir.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::Module;

    #[test]
    fn runs_meeting_one_corrupted_entry_at_once_all_succeed() {
        let engine = Engine::default();
        let wasm = wat::parse_str("(module (func (export \"f\")))").unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().join("cache");
        assert_eq!(unusable(&dir), None);
        for round in 0..5 {
            std::fs::write(entry_path(&engine, &dir, &wasm), b"corrupted").unwrap();
            let barrier = std::sync::Barrier::new(4);
            std::thread::scope(|s| {
                let runs: Vec<_> = (0..4)
                    .map(|_| {
                        s.spawn(|| {
                            barrier.wait();
                            // SAFETY: entries in this test's private directory, written by
                            // `precompile_module` of this engine (or garbage, which fails to load).
                            load(
                                &engine,
                                &dir,
                                &wasm,
                                |b| engine.precompile_module(b),
                                |p| unsafe { Module::deserialize_file(&engine, p) },
                            )
                        })
                    })
                    .collect();
                for run in runs {
                    let module = run.join().unwrap();
                    assert!(module.is_ok(), "round {round}: {:?}", module.err());
                }
            });
        }
    }
}
