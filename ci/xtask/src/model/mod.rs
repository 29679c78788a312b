//! The listing model: one crate under `listings/<chapter>/<name>/`, what its metadata declares
//! (`[package.metadata.wasi-book]`), and the commands a page prints for it. Everything the
//! pipeline (`crate::pipeline`) does to a listing starts from a `Listing`.

mod commands;
mod kinds;
mod listing;
mod spec;
#[cfg(test)]
mod tests;

pub use book_common::rel;
pub use commands::{join_quoted, quote};
pub use kinds::{
    Build, FAILS_TARGET_DIR, Kind, METADATA_KEY, NIGHTLY_PIN, RUSTFLAGS_TARGET_DIR, TRAP_EXIT_CODE,
    Target, Toolchain, nightly_channel, nightly_pin,
};
pub use listing::Listing;
pub use spec::{Dir, ExitCode, Redact, Run, Spec};
