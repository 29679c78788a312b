//! The book's tooling as a library, so its checks can be tested on deliberately broken inputs
//! (tests/bad_input.rs). The commands themselves are in main.rs.

pub mod archive;
pub mod book;
pub mod checks;
pub mod exec;
pub mod flame;
pub mod model;
pub mod passes;
pub mod pipeline;
pub mod scaffold;
pub mod sizes;
pub mod suite;
pub mod timeline;
pub mod tools;
pub mod workspace;
