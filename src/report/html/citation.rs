//! The RFC text a case rests on: a spec reference with lines (`RFC7644 §3.3 L623-627`) resolved
//! to those lines of `spec/rfc7644.txt` (or `rfc7643.txt`), page breaks dropped and the common
//! indentation removed.

use crate::report::coverage::{RFC7643, RFC7644};

/// The most lines quoted for one reference; a longer range is cut with a note.
pub const MAX_LINES: usize = 40;

/// The cited lines of an RFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// `RFC 7644`.
    pub document: &'static str,
    /// First and last line cited (1-based, as in the reference).
    pub first: usize,
    pub last: usize,
    /// The lines, page breaks dropped and dedented; cut to [`MAX_LINES`].
    pub text: String,
    /// True when the range was longer than [`MAX_LINES`].
    pub cut: bool,
}

/// `L623-627` → (623, 627); `L1302` → (1302, 1302).
fn line_range(token: &str) -> Option<(usize, usize)> {
    let range = token.strip_prefix('L')?;
    let (first, last) = range.split_once('-').unwrap_or((range, range));
    let first: usize = first.parse().ok()?;
    let last: usize = last.parse().ok()?;
    (first >= 1 && last >= first).then_some((first, last))
}

/// The RFC text a reference names, and its display name.
fn document(name: &str) -> Option<(&'static str, &'static str)> {
    match name.replace(' ', "").to_ascii_uppercase().as_str() {
        "RFC7643" => Some(("RFC 7643", RFC7643)),
        "RFC7644" => Some(("RFC 7644", RFC7644)),
        _ => None,
    }
}

/// A page break, or the running footer or header around it.
fn is_page_furniture(line: &str) -> bool {
    let line = line.trim();
    line.contains('\u{c}')
        || (line.starts_with("Hunt, et al.") && line.ends_with(']'))
        || (line.starts_with("RFC 764") && line.ends_with("2015"))
}

/// The lines `spec` cites, when it names RFC 7643 or 7644 and a line range inside the text.
pub fn cited_text(spec: &str) -> Option<Cited> {
    let (name, rest) = spec.split_once('§')?;
    let (display, text) = document(name)?;
    let (first, last) = rest.split_whitespace().find_map(line_range)?;
    let lines: Vec<&str> = text.lines().collect();
    if last > lines.len() {
        return None;
    }
    let shown_last = last.min(first + MAX_LINES - 1);
    let mut quoted: Vec<&str> = Vec::new();
    for line in &lines[first - 1..shown_last] {
        if is_page_furniture(line) {
            continue;
        }
        let line = line.trim_end();
        // Page breaks leave runs of blank lines: keep one.
        if line.is_empty() && quoted.last().is_some_and(|l| l.is_empty()) {
            continue;
        }
        quoted.push(line);
    }
    let indent = quoted
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let text = quoted
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n");
    Some(Cited {
        document: display,
        first,
        last,
        text: text.trim_matches('\n').to_string(),
        cut: last > shown_last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_range_is_quoted_dedented() {
        let cited = cited_text("RFC7644 §3.3 L623-627").expect("resolves");
        assert_eq!(cited.document, "RFC 7644");
        assert_eq!((cited.first, cited.last), (623, 627));
        assert!(cited.text.starts_with("If the service provider determines"));
        assert!(cited.text.contains("MUST return HTTP"));
        assert!(cited.text.ends_with("\"uniqueness\", as per Section 3.12."));
        assert!(!cited.cut);
    }

    #[test]
    fn one_line_and_rfc7643_resolve() {
        let cited = cited_text("RFC7643 §4.1.1 L1045").expect("resolves");
        assert_eq!(cited.document, "RFC 7643");
        assert_eq!((cited.first, cited.last), (1045, 1045));
        assert_eq!(cited.text.lines().count(), 1);
    }

    #[test]
    fn references_without_lines_or_outside_the_text_resolve_to_nothing() {
        assert_eq!(cited_text("RFC7644 §3.3"), None);
        assert_eq!(cited_text("Entra E-404"), None);
        assert_eq!(cited_text("RFC7644 §3.3 L999999-1000000"), None);
        assert_eq!(cited_text("RFC7644 §3.3 L20-10"), None);
        assert_eq!(cited_text("RFC9999 §1 L1-2"), None);
    }

    #[test]
    fn page_breaks_are_dropped_and_long_ranges_cut() {
        let rfc = RFC7644.lines().collect::<Vec<_>>();
        let feed = rfc
            .iter()
            .position(|l| l.contains('\u{c}'))
            .expect("a page break")
            + 1;
        let cited =
            cited_text(&format!("RFC7644 §1 L{}-{}", feed - 3, feed + 3)).expect("resolves");
        assert!(!cited.text.contains('\u{c}'));
        assert!(!cited.text.contains("[Page "), "{}", cited.text);
        assert!(!cited.text.contains("\n\n\n"), "{}", cited.text);
        let long = cited_text("RFC7644 §3 L600-700").expect("resolves");
        assert!(long.cut);
        assert!(long.text.lines().count() <= MAX_LINES);
    }
}
