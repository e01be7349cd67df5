//! Recursive-descent parser for RFC 7644 Figure 1.
//!
//! Precedence (§3.4.2.2 Table 5 grouping): `( )` and `[ ]` bind first, then `not`, then `and`,
//! then `or`. Keywords and operators are case-insensitive (RFC 5234 literal strings).
//! Beyond Figure 1, `attr[valFilter].sub op value` is accepted (Entra matches users with
//! `emails[type eq "work"].value eq "…"`); it means `attr[valFilter and sub op value]`.

use serde_json::Number;

use super::lexer::{tokenize, Token, TokenKind};
use super::{CompValue, CompareOp, Filter, FilterError};
use crate::scim::attr_path::{is_attr_name, AttrPath};

/// Longest filter or PATCH path accepted, in bytes. The server refuses filters of more than
/// 50 attribute expressions (`tooMany`); 50 URN-qualified extension expressions with their
/// values take 5 to 7.5 KiB, and 8 KiB is also the request-line limit of common HTTP servers,
/// so no filter a SCIM client can send in a URL is refused for its length alone.
pub const MAX_LENGTH: usize = 8 * 1024;

/// Deepest syntax tree accepted, and deepest nesting of parentheses and brackets: every `and`,
/// `or`, `not` and value filter is a level, so a flat chain of n terms is n - 1 levels deep. 64 admits a chain of the 50
/// expressions the server accepts, with nesting to spare, and keeps every recursive walk of
/// the tree (evaluation, validation, printing, dropping) a few dozen frames deep.
pub const MAX_DEPTH: usize = 64;

/// Parses a filter expression (the `filter` query parameter).
pub fn parse(text: &str) -> Result<Filter, FilterError> {
    let mut p = Parser::new(text)?;
    if p.tokens.is_empty() {
        return Err(FilterError::syntax(0, "empty filter"));
    }
    let f = p.or_expr(false)?;
    p.expect_end()?;
    Ok(f.filter)
}

/// Parses a `valFilter`: the part between brackets of a value path, whose attribute names are
/// sub-attributes of the filtered value.
pub fn parse_value_filter(text: &str) -> Result<Filter, FilterError> {
    let mut p = Parser::new(text)?;
    let f = p.or_expr(true)?;
    p.expect_end()?;
    Ok(f.filter)
}

/// Splits a PATCH path into its attribute path, value filter and trailing sub-attribute.
pub(crate) fn parse_path_tokens(
    text: &str,
) -> Result<(AttrPath, Option<Filter>, Option<String>), FilterError> {
    let mut p = Parser::new(text)?;
    if p.tokens.is_empty() {
        return Err(FilterError::syntax(0, "empty path"));
    }
    let attr = p.attr_path()?;
    let mut filter = None;
    let mut sub = None;
    if matches!(p.peek().map(|t| &t.kind), Some(TokenKind::LBracket)) {
        filter = Some(p.bracketed()?.filter);
        sub = p.trailing_sub_attr()?;
    }
    p.expect_end()?;
    Ok((attr, filter, sub))
}

/// A parsed (sub-)expression and the depth of its syntax tree (a lone attribute expression is 0).
pub(crate) struct Node {
    pub(crate) filter: Filter,
    depth: usize,
}

impl Node {
    fn leaf(filter: Filter) -> Self {
        Self { filter, depth: 0 }
    }
}

pub(crate) struct Parser {
    pub(crate) tokens: Vec<Token>,
    pub(crate) at: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    pub(crate) fn new(text: &str) -> Result<Self, FilterError> {
        if text.len() > MAX_LENGTH {
            return Err(FilterError::TooLong {
                len: text.len(),
                max: MAX_LENGTH,
            });
        }
        Ok(Self {
            tokens: tokenize(text)?,
            at: 0,
            depth: 0,
            end: text.len(),
        })
    }

    pub(crate) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn pos(&self) -> usize {
        self.peek().map_or(self.end, |t| t.pos)
    }

    pub(crate) fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    pub(crate) fn expect_end(&self) -> Result<(), FilterError> {
        match self.peek() {
            None => Ok(()),
            Some(t) => Err(FilterError::syntax(
                t.pos,
                "unexpected text after the expression",
            )),
        }
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: TokenKind::Word(w), .. }) if w.eq_ignore_ascii_case(keyword))
    }

    /// Opens a parenthesis or bracket: the parser recurses, so its nesting is bounded too.
    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::TooDeep {
                pos: self.pos(),
                max: MAX_DEPTH,
            });
        }
        Ok(())
    }

    /// `filter`, one level above children at most `below` deep; refused when that is deeper
    /// than [`MAX_DEPTH`], so no tree the parser returns is deeper.
    fn node(&self, pos: usize, below: usize, filter: Filter) -> Result<Node, FilterError> {
        let depth = below + 1;
        if depth > MAX_DEPTH {
            return Err(FilterError::TooDeep {
                pos,
                max: MAX_DEPTH,
            });
        }
        Ok(Node { filter, depth })
    }

    fn binary(
        &self,
        pos: usize,
        left: Node,
        right: Node,
        join: fn(Box<Filter>, Box<Filter>) -> Filter,
    ) -> Result<Node, FilterError> {
        let below = left.depth.max(right.depth);
        self.node(
            pos,
            below,
            join(Box::new(left.filter), Box::new(right.filter)),
        )
    }

    pub(crate) fn or_expr(&mut self, in_value: bool) -> Result<Node, FilterError> {
        let mut left = self.and_expr(in_value)?;
        while self.peek_keyword("or") {
            let pos = self.pos();
            self.at += 1;
            let right = self.and_expr(in_value)?;
            left = self.binary(pos, left, right, Filter::Or)?;
        }
        Ok(left)
    }

    fn and_expr(&mut self, in_value: bool) -> Result<Node, FilterError> {
        let mut left = self.unary(in_value)?;
        while self.peek_keyword("and") {
            let pos = self.pos();
            self.at += 1;
            let right = self.unary(in_value)?;
            left = self.binary(pos, left, right, Filter::And)?;
        }
        Ok(left)
    }

    fn unary(&mut self, in_value: bool) -> Result<Node, FilterError> {
        let pos = self.pos();
        if self.peek_keyword("not")
            && matches!(
                self.tokens.get(self.at + 1).map(|t| &t.kind),
                Some(TokenKind::LParen)
            )
        {
            self.at += 1;
            let inner = self.group(in_value)?;
            return self.node(pos, inner.depth, Filter::Not(Box::new(inner.filter)));
        }
        match self.peek().map(|t| &t.kind) {
            Some(TokenKind::LParen) => self.group(in_value),
            Some(TokenKind::Word(_)) => self.attr_expr(in_value),
            Some(_) => Err(FilterError::syntax(
                pos,
                "expected an attribute path, \"not\" or \"(\"",
            )),
            None => Err(FilterError::syntax(pos, "expression ends early")),
        }
    }

    /// `"(" filter ")"`
    fn group(&mut self, in_value: bool) -> Result<Node, FilterError> {
        self.enter()?;
        self.at += 1; // "("
        let inner = self.or_expr(in_value)?;
        match self.next() {
            Some(Token {
                kind: TokenKind::RParen,
                ..
            }) => {}
            _ => return Err(FilterError::syntax(self.pos(), "missing \")\"")),
        }
        self.depth -= 1;
        Ok(inner)
    }

    /// `attrExp` or `valuePath`.
    fn attr_expr(&mut self, in_value: bool) -> Result<Node, FilterError> {
        let pos = self.pos();
        let path = self.attr_path()?;
        if matches!(self.peek().map(|t| &t.kind), Some(TokenKind::LBracket)) {
            if in_value {
                return Err(FilterError::syntax(pos, "value filters cannot be nested"));
            }
            if path.sub_attr.is_some() {
                return Err(FilterError::syntax(
                    pos,
                    "a value filter applies to an attribute, not a sub-attribute",
                ));
            }
            let inner = self.bracketed()?;
            // Entra form: attr[filter].sub op value  ==  attr[filter and sub op value]
            let inner = match self.trailing_sub_attr()? {
                Some(sub) => {
                    let sub_pos = self.pos();
                    let sub_expr = self.operator_and_value(AttrPath::simple(&sub))?;
                    self.binary(sub_pos, inner, Node::leaf(sub_expr), Filter::And)?
                }
                None => inner,
            };
            return self.node(
                pos,
                inner.depth,
                Filter::ValuePath {
                    attr: path,
                    filter: Box::new(inner.filter),
                },
            );
        }
        self.operator_and_value(path).map(Node::leaf)
    }

    /// `"[" valFilter "]"`
    pub(crate) fn bracketed(&mut self) -> Result<Node, FilterError> {
        self.enter()?;
        self.at += 1; // "["
        let inner = self.or_expr(true)?;
        match self.next() {
            Some(Token {
                kind: TokenKind::RBracket,
                ..
            }) => {}
            _ => return Err(FilterError::syntax(self.pos(), "missing \"]\"")),
        }
        self.depth -= 1;
        Ok(inner)
    }

    /// A `.subAttr` word directly after `]`, if present.
    pub(crate) fn trailing_sub_attr(&mut self) -> Result<Option<String>, FilterError> {
        let Some(Token {
            kind: TokenKind::Word(w),
            pos,
        }) = self.peek().cloned()
        else {
            return Ok(None);
        };
        let Some(sub) = w.strip_prefix('.') else {
            return Ok(None);
        };
        if !is_attr_name(sub) {
            return Err(FilterError::syntax(pos, "invalid sub-attribute name"));
        }
        self.at += 1;
        Ok(Some(sub.to_string()))
    }

    pub(crate) fn attr_path(&mut self) -> Result<AttrPath, FilterError> {
        let pos = self.pos();
        match self.next() {
            Some(Token {
                kind: TokenKind::Word(w),
                ..
            }) => AttrPath::parse(&w).map_err(|e| FilterError::syntax(pos, e.reason)),
            _ => Err(FilterError::syntax(pos, "expected an attribute path")),
        }
    }

    /// `SP compareOp SP compValue` or `SP "pr"`.
    fn operator_and_value(&mut self, path: AttrPath) -> Result<Filter, FilterError> {
        let pos = self.pos();
        let op = match self.next() {
            Some(Token {
                kind: TokenKind::Word(w),
                ..
            }) => w,
            _ => {
                return Err(FilterError::syntax(
                    pos,
                    "expected an operator after the attribute path",
                ))
            }
        };
        if op.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let op = CompareOp::parse(&op)
            .ok_or_else(|| FilterError::syntax(pos, format!("unknown operator \"{op}\"")))?;
        let value = self.comp_value()?;
        Ok(Filter::Compare { path, op, value })
    }

    fn comp_value(&mut self) -> Result<CompValue, FilterError> {
        let pos = self.pos();
        match self.next().map(|t| t.kind) {
            Some(TokenKind::Str(s)) => Ok(CompValue::String(s)),
            Some(TokenKind::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Ok(CompValue::Bool(true)),
                "false" => Ok(CompValue::Bool(false)),
                "null" => Ok(CompValue::Null),
                _ => serde_json::from_str::<Number>(&w)
                    .map(CompValue::Number)
                    .map_err(|_| {
                        FilterError::syntax(
                            pos,
                            format!("\"{w}\" is not a value (strings need double quotes)"),
                        )
                    }),
            },
            _ => Err(FilterError::syntax(pos, "expected a value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(path: &str, op: CompareOp, value: CompValue) -> Filter {
        Filter::Compare {
            path: AttrPath::parse(path).unwrap_or_else(|_| AttrPath::simple("x")),
            op,
            value,
        }
    }

    fn s(v: &str) -> CompValue {
        CompValue::String(v.into())
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let f = parse(r#"a eq "1" or b eq "2" and c eq "3""#);
        let expected = Filter::Or(
            Box::new(cmp("a", CompareOp::Eq, s("1"))),
            Box::new(Filter::And(
                Box::new(cmp("b", CompareOp::Eq, s("2"))),
                Box::new(cmp("c", CompareOp::Eq, s("3"))),
            )),
        );
        assert_eq!(f, Ok(expected));
    }

    #[test]
    fn parses_every_rfc_example() {
        // RFC 7644 §3.4.2.2, the example filters.
        let examples = [
            r#"userName Eq "john""#,
            r#"Username eq "john""#,
            r#"userName eq "bjensen""#,
            r#"name.familyName co "O'Malley""#,
            r#"userName sw "J""#,
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
            r#"title pr"#,
            r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
            r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
            r#"title pr and userType eq "Employee""#,
            r#"title pr or userType eq "Intern""#,
            r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
            r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            r#"userType eq "Employee" and (emails.type eq "work")"#,
            r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        ];
        for e in examples {
            assert!(parse(e).is_ok(), "{e}: {:?}", parse(e));
        }
    }

    #[test]
    fn parses_values_of_every_type() {
        assert_eq!(
            parse("a eq true"),
            Ok(cmp("a", CompareOp::Eq, CompValue::Bool(true)))
        );
        assert_eq!(
            parse("a ne NULL"),
            Ok(cmp("a", CompareOp::Ne, CompValue::Null))
        );
        let n = serde_json::from_str::<Number>("-1.5e3").map(CompValue::Number);
        assert_eq!(
            parse("a le -1.5e3").ok(),
            n.ok().map(|n| cmp("a", CompareOp::Le, n))
        );
    }

    #[test]
    fn desugars_entra_sub_attribute_after_value_filter() {
        let f = parse(r#"emails[type eq "work"].value eq "x@y""#);
        let g = parse(r#"emails[type eq "work" and value eq "x@y"]"#);
        assert!(f.is_ok());
        assert_eq!(f, g);
    }

    #[test]
    fn rejects_malformed_filters() {
        for (bad, reason) in [
            ("", "empty filter"),
            ("userName", "expected an operator after the attribute path"),
            ("userName eq", "expected a value"),
            (r#"userName xx "a""#, "unknown operator \"xx\""),
            (
                r#"userName eq bjensen"#,
                "\"bjensen\" is not a value (strings need double quotes)",
            ),
            (r#"(userName eq "a""#, "missing \")\""),
            (r#"userName eq "a")"#, "unexpected text after the expression"),
            (r#"userName eq "a" and"#, "expression ends early"),
            (r#"emails[type eq "work""#, "missing \"]\""),
            (r#"emails[type[x eq 1]]"#, "value filters cannot be nested"),
            (r#"not userName eq "a""#, "unknown operator \"userName\""),
            (r#"a eq "1" b eq "2""#, "unexpected text after the expression"),
            (
                r#"name.givenName[x eq 1]"#,
                "a value filter applies to an attribute, not a sub-attribute",
            ),
            (
                r#"1abc eq 1"#,
                "attribute name must start with a letter and hold only letters, digits, '-' and '_'",
            ),
        ] {
            match parse(bad) {
                Err(FilterError::Syntax { reason: got, .. }) => assert_eq!(got, reason, "{bad}"),
                other => panic!("{bad}: expected a syntax error, got {other:?}"),
            }
        }
    }

    fn too_deep(text: &str) -> bool {
        matches!(
            parse(text),
            Err(FilterError::TooDeep { max: MAX_DEPTH, .. })
        )
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}a pr{}", "(".repeat(2_000), ")".repeat(2_000));
        assert!(too_deep(&deep), "{:?}", parse(&deep));
        let ok = format!("{}a pr{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let nots = format!(
            "{}a pr{}",
            "not (".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(too_deep(&nots));
    }

    #[test]
    fn long_chains_are_refused_before_they_grow_deep() {
        let chain = |n: usize, op: &str| vec!["a pr"; n].join(op);
        // A chain of n terms is n - 1 levels deep.
        assert!(parse(&chain(MAX_DEPTH + 1, " or ")).is_ok());
        assert!(parse(&chain(MAX_DEPTH + 1, " and ")).is_ok());
        assert!(too_deep(&chain(MAX_DEPTH + 2, " or ")));
        assert!(too_deep(&chain(MAX_DEPTH + 2, " and ")));
        let in_brackets = format!("emails[{}]", chain(MAX_DEPTH + 1, " and "));
        assert!(too_deep(&in_brackets), "{:?}", parse(&in_brackets));
        let mixed = format!("a pr and ({})", chain(MAX_DEPTH + 1, " or "));
        assert!(too_deep(&mixed));
    }

    #[test]
    fn overlong_text_is_refused_before_it_is_read() {
        let long = vec!["a pr"; 50_000].join(" or ");
        assert_eq!(
            parse(&long),
            Err(FilterError::TooLong {
                len: long.len(),
                max: MAX_LENGTH
            })
        );
        let at_limit = format!("a eq \"{}\"", "x".repeat(MAX_LENGTH - 7));
        assert_eq!(at_limit.len(), MAX_LENGTH);
        assert!(parse(&at_limit).is_ok());
        assert!(matches!(
            parse(&format!("{at_limit} ")),
            Err(FilterError::TooLong { .. })
        ));
    }

    #[test]
    fn fifty_long_expressions_fit() {
        // The server's tooMany limit must be reachable before the length limit.
        let one = r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "0123456789""#;
        let fifty = vec![one; 50].join(" or ");
        assert!(fifty.len() <= MAX_LENGTH, "{}", fifty.len());
        assert!(parse(&fifty).is_ok_and(|f| f.expression_count() == 50));
    }
}

#[cfg(test)]
mod robustness {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use serde_json::json;

    use crate::scim::attr_path::AttrPath;
    use crate::scim::embedded;
    use crate::scim::path::PatchPath;

    const PIECES: &[&str] = &[
        "userName",
        "emails",
        "name.givenName",
        "urn:ietf:params:scim:schemas:core:2.0:User:",
        " eq ",
        " co ",
        " pr",
        " and ",
        " or ",
        "not",
        "(",
        ")",
        "[",
        "]",
        "\"",
        "\\",
        "\"x\"",
        "1e5",
        "-",
        ".",
        ":",
        "€",
        "é",
        "true",
        "null",
        " ",
        "type",
        "value",
        "$ref",
        "\u{0}",
        "]]",
        "[[",
        "ab€",
    ];

    #[test]
    fn random_input_never_panics() {
        let mut rng = StdRng::seed_from_u64(7643);
        let user = json!({"userName": "a", "emails": [{"value": "x", "type": "work"}], "name": {"givenName": "g"}});
        for _ in 0..20_000 {
            let n = rng.random_range(1..12);
            let text: String = (0..n)
                .map(|_| PIECES[rng.random_range(0..PIECES.len())])
                .collect();
            if let Ok(f) = super::parse(&text) {
                let _ = f.validate(embedded::user());
                let _ = f.matches(&user, embedded::user());
                assert_eq!(super::parse(&f.to_string()).as_ref(), Ok(&f), "{text}");
            }
            let _ = PatchPath::parse(&text);
            let _ = AttrPath::parse(&text);
        }
    }
}
