//! The stages a listing goes through on its way into a page, in order: found and read
//! (`discover`), built as its page says (`build`), run (`run`), compared with its transcript and
//! its page's commands (`verify`), and printed into the page (`render`, with `preview` while a
//! first `serve` is still building, and `run_here` for the page's Run button).

pub mod build;
pub mod discover;
pub mod preview;
pub mod render;
pub mod run;
pub mod run_here;
pub mod verify;
