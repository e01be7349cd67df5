//! Plain-text helpers for human-readable messages: cutting long text, folding it onto one
//! line, and the line number of an offset (for errors pointing into a file).
//!
//! They live here, not in `http` or a higher module, because `scim` is the bottom of the
//! one-way import order: every module may import it, the reference server included (which
//! imports nothing of the runner's side), while `http` sits above it and is off limits to the
//! server.

/// `text` cut to at most `max` characters, with `…` appended when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// `text` with every run of whitespace (line breaks included) replaced by one space, and
/// none at either end.
pub fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The 1-based line holding byte `offset` of `text` (the last line when past the end).
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_by_characters_and_marks_the_cut() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("ääää", 2), "ää…");
        assert_eq!(truncate("", 0), "");
        assert_eq!(truncate("a", 0), "…");
    }

    #[test]
    fn folds_whitespace_onto_one_line() {
        assert_eq!(single_line("  a\n\tb   c \r\n"), "a b c");
        assert_eq!(single_line(""), "");
    }

    #[test]
    fn counts_lines_up_to_the_offset() {
        let text = "one\ntwo\nthree";
        assert_eq!(line_of_offset(text, 0), 1);
        assert_eq!(line_of_offset(text, 4), 2);
        assert_eq!(line_of_offset(text, 8), 3);
        assert_eq!(line_of_offset(text, 1000), 3);
    }
}
