// Run it: cd listings/own-project/my-tests && cargo test -q --target wasm32-wasip1
// ANCHOR: all
/// The number of words in `text`, as `split_whitespace` counts them.
pub fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words() {
        assert_eq!(words("one two  three"), 3);
    }

    // Wrong on purpose, and left out of a plain `cargo test`:
    // `--include-ignored` runs it.
    #[test]
    #[ignore = "fails on purpose"]
    fn a_wrong_expectation() {
        assert_eq!(words("one two"), 3);
    }
}
// ANCHOR_END: all
