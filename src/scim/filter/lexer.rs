//! Tokens of the filter and PATCH path grammars (RFC 7644 §3.4.2.2 Figure 1, §3.5.2 Figure 7).

use super::FilterError;

/// One token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    LParen,
    RParen,
    LBracket,
    RBracket,
    /// A JSON string literal, unescaped.
    Str(String),
    /// Anything else: attribute paths, operators, keywords, numbers, `true`/`false`/`null`.
    Word(String),
}

/// Splits `text` into tokens; whitespace separates words and is otherwise ignored.
pub fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let single = match c {
            b'(' => Some(TokenKind::LParen),
            b')' => Some(TokenKind::RParen),
            b'[' => Some(TokenKind::LBracket),
            b']' => Some(TokenKind::RBracket),
            _ => None,
        };
        if let Some(kind) = single {
            out.push(Token { kind, pos: i });
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'"' {
            let end = string_end(bytes, i)
                .ok_or_else(|| FilterError::syntax(i, "unterminated string"))?;
            let literal: String = serde_json::from_str(&text[i..=end])
                .map_err(|_| FilterError::syntax(i, "invalid string literal"))?;
            out.push(Token {
                kind: TokenKind::Str(literal),
                pos: i,
            });
            i = end + 1;
        } else {
            let start = i;
            while i < bytes.len() && !is_delimiter(bytes[i]) {
                i += 1;
            }
            out.push(Token {
                kind: TokenKind::Word(text[start..i].to_string()),
                pos: start,
            });
        }
    }
    Ok(out)
}

fn is_delimiter(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'(' | b')' | b'[' | b']' | b'"')
}

/// Index of the closing quote of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<TokenKind> {
        tokenize(s)
            .map(|t| t.into_iter().map(|t| t.kind).collect())
            .unwrap_or_default()
    }

    #[test]
    fn splits_words_brackets_and_strings() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"emails[type eq "wo\"rk"].value pr"#),
            vec![
                Word("emails".into()),
                LBracket,
                Word("type".into()),
                Word("eq".into()),
                Str("wo\"rk".into()),
                RBracket,
                Word(".value".into()),
                Word("pr".into()),
            ]
        );
        assert_eq!(kinds("not(a pr)").len(), 5);
    }

    #[test]
    fn reports_unterminated_strings() {
        for text in [r#"userName eq "abc"#, r#"userName eq "a\"#] {
            assert_eq!(
                tokenize(text).map(|_| ()),
                Err(FilterError::syntax(12, "unterminated string")),
                "{text}"
            );
        }
    }
}
