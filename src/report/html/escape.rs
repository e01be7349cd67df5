//! HTML escaping: text made safe for element content and for quoted attribute values.

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by their character references, so it can
/// stand in element content and in a single- or double-quoted attribute value.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            esc(r#"<script>alert("x" + 'y')</script> & co"#),
            "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; co"
        );
    }

    #[test]
    fn an_escaped_text_is_escaped_again() {
        assert_eq!(esc("&amp;"), "&amp;amp;");
        assert_eq!(esc("plain § text — ok"), "plain § text — ok");
    }
}
