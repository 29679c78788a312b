//! Nothing here: the tests are generated from the book (see build.rs).
