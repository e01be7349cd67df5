//! Plain-text helpers for human-readable messages: cutting long text, folding it onto one
//! line, and the line number of an offset (for errors pointing into a file); and RFC 3986
//! percent-encoding, for URLs and the forms a secret may be echoed in.
//!
//! They live here, not in `http` or a higher module, because `scim` is the bottom of the
//! one-way import order: every module may import it, the reference server included (which
//! imports nothing of the runner's side), while `http` sits above it and is off limits to the
//! server.

/// How [`percent_encode`] writes what it encodes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Percent {
    /// A space as `+` (a form value, and Entra's query encoding) rather than `%20`.
    pub space_as_plus: bool,
    /// Lower-case hex digits (`%2f`) rather than upper-case (`%2F`).
    pub lower_hex: bool,
}

/// `text` percent-encoded as RFC 3986 §2.1 asks: every byte but the unreserved characters
/// (letters, digits, `-`, `.`, `_`, `~`) as `%XX`.
pub fn percent_encode(text: &str, how: Percent) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' if how.space_as_plus => out.push('+'),
            _ if how.lower_hex => out.push_str(&format!("%{b:02x}")),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

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
    fn percent_encoding_keeps_only_unreserved_characters() {
        let text = "a-Z.0_~ b/é\"";
        assert_eq!(
            percent_encode(text, Percent::default()),
            "a-Z.0_~%20b%2F%C3%A9%22"
        );
        let form = Percent {
            space_as_plus: true,
            ..Percent::default()
        };
        assert_eq!(percent_encode(text, form), "a-Z.0_~+b%2F%C3%A9%22");
        let lower = Percent {
            lower_hex: true,
            ..Percent::default()
        };
        assert_eq!(percent_encode(text, lower), "a-Z.0_~%20b%2f%c3%a9%22");
    }

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
