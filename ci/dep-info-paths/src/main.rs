//! Run by `ci/checkout-times adopt` (which compiles this file with `rustc`, before cargo runs:
//! it needs nothing but std). Points the fingerprints that a checkout's build left in a shared
//! build directory at this checkout's copies of the files they name by absolute path.
//!
//! ```text
//! dep-info-paths FROM TO LISTED <FILES
//! ```
//!
//! FROM is the checkout that built last, TO this one, LISTED the files of this checkout that
//! `ci/checkout-times adopt` gives a time (one path relative to the checkout per line); FILES
//! is a NUL-separated list of files in `.fingerprint` directories that name a file in FROM.
//!
//! cargo names the files a crate was compiled from relative to its package (which is why a
//! shared build directory works across checkouts at all), except those outside the package (a
//! sibling listing's source or WIT file, the workspace's `Cargo.toml` for clippy), which it
//! names by absolute path. `ci/checkout-times adopt` gives each listed file the time the same
//! file had in FROM when FROM's record says its content was the same, and a new time
//! otherwise. A path into FROM replaced by the same path into TO is then judged by cargo as a
//! relative one is: up to date exactly when it was in FROM and the file is the same. A file
//! adopt does not list (one git ignores here, say) keeps whatever time it has, so a path to it
//! is never rewritten.
//!
//! Every dep-info file (cargo's encoding, `dep-*`) that names FROM, and whose paths into FROM
//! all name a listed file, is rewritten, keeping its modification time (cargo compares the
//! files' times with it). Every other file of the list (a build script's run, which names its
//! paths in JSON; a file of another format; a path to a file not listed; no path into FROM) is
//! printed, NUL-separated: the caller removes that crate's fingerprint, and cargo compiles it
//! again.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to, listed] = &args[..] else {
        eprintln!("usage: dep-info-paths FROM TO LISTED <NUL-SEPARATED-FILES");
        std::process::exit(2);
    };
    if let Err(e) = run(Path::new(from), Path::new(to), Path::new(listed)) {
        eprintln!("dep-info-paths: {e}");
        std::process::exit(1);
    }
}

fn run(from: &Path, to: &Path, listed: &Path) -> std::io::Result<()> {
    let listed: HashSet<PathBuf> = std::fs::read_to_string(listed)?
        .lines()
        .map(PathBuf::from)
        .collect();
    let mut list = Vec::new();
    std::io::stdin().read_to_end(&mut list)?;
    let mut out = std::io::stdout().lock();
    for file in list.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = Path::new(std::str::from_utf8(file).map_err(std::io::Error::other)?);
        if !retarget(file, from, to, &listed)? {
            out.write_all(file.as_os_str().as_encoded_bytes())?;
            out.write_all(b"\0")?;
        }
    }
    out.flush()
}

/// Rewrites `file` if it is a dep-info file with paths into `from`, each naming a listed file,
/// keeping its time; false if it is left as it is.
fn retarget(
    file: &Path,
    from: &Path,
    to: &Path,
    listed: &HashSet<PathBuf>,
) -> std::io::Result<bool> {
    let is_dep_info = file
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("dep-"));
    if !is_dep_info {
        return Ok(false);
    }
    let bytes = std::fs::read(file)?;
    let Some(mut info) = DepInfo::parse(&bytes) else {
        return Ok(false);
    };
    let mut rewritten = 0;
    for path in info.paths.iter_mut() {
        let Ok(inside) = path.strip_prefix(from) else {
            continue;
        };
        match same_file_in(to, inside) {
            Some(normal) if listed.contains(&normal) => *path = to.join(inside),
            _ => return Ok(false),
        }
        rewritten += 1;
    }
    if rewritten == 0 {
        return Ok(false); // (it names another checkout than `from`)
    }
    let time = std::fs::metadata(file)?.modified()?;
    let new = file.with_extension("dep-info-paths.tmp");
    std::fs::write(&new, info.serialize(&bytes))?;
    std::fs::File::options()
        .write(true)
        .open(&new)?
        .set_modified(time)?;
    std::fs::rename(&new, file)?;
    Ok(true)
}

/// `inside` (a path inside a checkout, perhaps with `..` in it, as rustc was given it) as the
/// plain path of the file it names in `checkout`, if that file exists and no symlink makes the
/// two differ.
fn same_file_in(checkout: &Path, inside: &Path) -> Option<PathBuf> {
    let mut normal = PathBuf::new();
    for part in inside.components() {
        match part {
            Component::Normal(p) => normal.push(p),
            Component::ParentDir => {
                if !normal.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let real = checkout.join(inside).canonicalize().ok()?;
    (real == checkout.canonicalize().ok()?.join(&normal)).then_some(normal)
}

/// cargo's encoded dep-info, version 1 (cargo's `fingerprint/dep_info.rs`): a marker, the
/// version, the files (a type, the path, an optional size and checksum), then the environment
/// variables. Only the paths are kept apart; everything else is copied as it was.
#[derive(Debug, PartialEq)]
struct DepInfo {
    paths: Vec<PathBuf>,
    /// Per path: where its bytes are in the file (start, end of the length and the bytes).
    spans: Vec<(usize, usize)>,
}

const MARKER: [u8; 6] = [1, 0, 0, 0, 0xff, 1];

impl DepInfo {
    fn parse(bytes: &[u8]) -> Option<DepInfo> {
        let mut at = MARKER.len();
        if bytes.get(..at)? != MARKER {
            return None;
        }
        let read_u32 = |at: &mut usize| -> Option<usize> {
            let n = u32::from_le_bytes(bytes.get(*at..*at + 4)?.try_into().ok()?);
            *at += 4;
            Some(n as usize)
        };
        let files = read_u32(&mut at)?;
        let (mut paths, mut spans) = (Vec::new(), Vec::new());
        for _ in 0..files {
            let kind = *bytes.get(at)?;
            at += 1;
            let start = at;
            let len = read_u32(&mut at)?;
            let path = std::str::from_utf8(bytes.get(at..at + len)?).ok()?;
            at += len;
            // Only absolute paths (type 1, "build root relative", holds both) are rewritten.
            if kind > 1 {
                return None;
            }
            paths.push(PathBuf::from(path));
            spans.push((start, at));
            match *bytes.get(at)? {
                0 => at += 1,
                1 => {
                    at += 1 + 8;
                    let len = read_u32(&mut at)?;
                    at += len;
                }
                _ => return None,
            }
        }
        // The environment variables: checked for well-formedness only.
        let vars = read_u32(&mut at)?;
        for _ in 0..vars {
            let len = read_u32(&mut at)?;
            at += len;
            match *bytes.get(at)? {
                0 => at += 1,
                1 => {
                    at += 1;
                    let len = read_u32(&mut at)?;
                    at += len;
                }
                _ => return None,
            }
        }
        (at == bytes.len()).then_some(DepInfo { paths, spans })
    }

    /// `original` with each path replaced by this one's.
    fn serialize(&self, original: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(original.len());
        let mut copied = 0;
        for (path, &(start, end)) in self.paths.iter().zip(&self.spans) {
            out.extend_from_slice(&original[copied..start]);
            let bytes = path.as_os_str().as_encoded_bytes();
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(bytes);
            copied = end;
        }
        out.extend_from_slice(&original[copied..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file as a dep-info file lists it: its type, path, and optional size and checksum.
    type Listed<'a> = (u8, &'a str, Option<(u64, &'a str)>);

    /// A dep-info file in cargo's encoding: the files, then the environment variables and
    /// their optional values.
    fn encode(files: &[Listed], env: &[(&str, Option<&str>)]) -> Vec<u8> {
        let mut b = MARKER.to_vec();
        let bytes = |b: &mut Vec<u8>, text: &str| {
            b.extend((text.len() as u32).to_le_bytes());
            b.extend(text.as_bytes());
        };
        b.extend((files.len() as u32).to_le_bytes());
        for &(kind, path, checksum) in files {
            b.push(kind);
            bytes(&mut b, path);
            b.push(u8::from(checksum.is_some()));
            if let Some((size, sum)) = checksum {
                b.extend(size.to_le_bytes());
                bytes(&mut b, sum);
            }
        }
        b.extend((env.len() as u32).to_le_bytes());
        for &(key, value) in env {
            bytes(&mut b, key);
            b.push(u8::from(value.is_some()));
            if let Some(value) = value {
                bytes(&mut b, value);
            }
        }
        b
    }

    /// As cargo 1.99 writes one for a crate that includes a sibling's file: a package-relative
    /// path, an absolute one, no checksums, one environment variable.
    fn sample(absolute: &str) -> Vec<u8> {
        encode(
            &[(0, "src/lib.rs", None), (1, absolute, None)],
            &[("NAME", Some("v"))],
        )
    }

    #[test]
    fn a_path_is_replaced_and_everything_else_kept() {
        let old = sample("/a/wit/greeter.wit");
        let mut info = DepInfo::parse(&old).unwrap();
        assert_eq!(info.paths[1], Path::new("/a/wit/greeter.wit"));
        info.paths[1] = PathBuf::from("/checkout-b/wit/greeter.wit");
        assert_eq!(info.serialize(&old), sample("/checkout-b/wit/greeter.wit"));
    }

    #[test]
    fn a_path_with_a_checksum_is_replaced_and_its_checksum_kept() {
        let with_checksum = |path| encode(&[(1, path, Some((42, "abc")))], &[]);
        let old = with_checksum("/a/x.rs");
        let mut info = DepInfo::parse(&old).unwrap();
        info.paths[0] = PathBuf::from("/bb/x.rs");
        assert_eq!(info.serialize(&old), with_checksum("/bb/x.rs"));
    }

    #[test]
    fn anything_but_the_known_format_is_not_parsed() {
        let good = sample("/a/x");
        assert!(
            DepInfo::parse(&good[..good.len() - 1]).is_none(),
            "cut short"
        );
        let mut longer = good.clone();
        longer.push(0);
        assert!(DepInfo::parse(&longer).is_none(), "bytes after the end");
        let mut version = good.clone();
        version[5] = 2;
        assert!(DepInfo::parse(&version).is_none(), "another version");
    }

    #[test]
    fn a_path_with_parent_steps_is_the_file_it_names() {
        let dir = std::env::temp_dir().join(format!("dep-info-paths-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a/src")).unwrap();
        std::fs::create_dir_all(dir.join("b")).unwrap();
        std::fs::write(dir.join("a/src/main.rs"), "").unwrap();
        let found = same_file_in(&dir, Path::new("b/../a/src/main.rs"));
        assert_eq!(found, Some(PathBuf::from("a/src/main.rs")));
        assert_eq!(same_file_in(&dir, Path::new("../x")), None, "outside");
        assert_eq!(same_file_in(&dir, Path::new("a/none.rs")), None, "missing");
        // Through a symlink, `..` means the link target's parent: not the plain path.
        std::os::unix::fs::symlink(dir.join("a/src"), dir.join("b/link")).unwrap();
        std::fs::create_dir_all(dir.join("b/src")).unwrap();
        std::fs::write(dir.join("b/src/main.rs"), "").unwrap();
        assert_eq!(same_file_in(&dir, Path::new("b/link/../src/main.rs")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
