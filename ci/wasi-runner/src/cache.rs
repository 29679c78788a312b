//! Compiled-code cache. Cranelift takes 50-100 ms to compile even a small listing; loading the
//! machine code it produced last time takes a few. Entries are keyed by the wasm's SHA-256 and by
//! the engine's compatibility hash (wasmtime version and every codegen-relevant setting), so a
//! changed module or a new wasmtime never loads stale code.

use wasmtime::Result;
use wasmtime::error::Context;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;

/// The path of the compiled form of `wasm`, compiling it with `precompile` on a miss.
pub fn compiled(
    engine: &Engine,
    dir: &Path,
    wasm: &[u8],
    precompile: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<PathBuf> {
    let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut engine_hash);
    let key = format!("{:x}-{:016x}.cwasm", Sha256::digest(wasm), engine_hash.finish());
    let path = dir.join(key);
    if path.exists() {
        return Ok(path);
    }
    let code = precompile(wasm)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create cache directory {}", dir.display()))?;
    // Write to a unique temporary name, then rename: a concurrent run never sees half a file.
    let tmp = dir.join(format!(".{}.{}.tmp", std::process::id(), path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&tmp, code).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}
