//! The book's checks that are not a listing's own runs: its sources against the listings, the
//! claims its pages make, the built pages, the workflows, the width of shown code, the external
//! links, and one build of each Wasmtime.

pub mod builds;
pub mod built;
pub mod default_members;
pub mod links;
pub mod marks;
pub mod sources;
pub mod width;
pub mod workflows;
