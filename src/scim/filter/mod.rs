//! SCIM filters (RFC 7644 §3.4.2.2): the syntax tree, its parser and its evaluation.
//!
//! ```
//! use scimspec::scim::{embedded, filter};
//! use serde_json::json;
//! let f = filter::parse(r#"emails[type eq "work" and value co "@"] and not (active eq false)"#)?;
//! let user = json!({"userName": "bjensen", "active": true,
//!                   "emails": [{"type": "work", "value": "b@example.com"}]});
//! assert!(f.matches(&user, embedded::user()));
//! # Ok::<(), filter::FilterError>(())
//! ```

pub mod eval;
mod lexer;
mod parser;
mod validate;

use std::fmt;

use serde_json::Number;
use thiserror::Error;

use super::attr_path::AttrPath;

pub(crate) use parser::parse_path_tokens;
pub use parser::{parse, parse_value_filter, MAX_DEPTH, MAX_LENGTH};

/// A filter that cannot be used: bad syntax, too long or too deep, or an attribute/operator
/// combination that is not supported. The server answers 400 `invalidFilter` for all of them.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FilterError {
    #[error("invalid filter at offset {pos}: {reason}")]
    Syntax { pos: usize, reason: String },
    /// Longer than [`MAX_LENGTH`]: refused before it is read.
    #[error("the text is {len} bytes long; at most {max} are accepted")]
    TooLong { len: usize, max: usize },
    /// Nested or chained with `and`/`or` more than [`MAX_DEPTH`] levels deep.
    #[error(
        "the filter nests or chains expressions more than {max} levels deep (at offset {pos})"
    )]
    TooDeep { pos: usize, max: usize },
    #[error("filter names an unknown attribute \"{0}\"")]
    UnknownAttribute(String),
    #[error("filter cannot apply \"{op}\" to \"{path}\": {reason}")]
    Unsupported {
        path: String,
        op: String,
        reason: String,
    },
}

impl FilterError {
    pub(crate) fn syntax(pos: usize, reason: impl Into<String>) -> Self {
        Self::Syntax {
            pos,
            reason: reason.into(),
        }
    }
}

/// The attribute operators of RFC 7644 Table 3 (except `pr`, which is [`Filter::Present`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    /// Parses an operator keyword (case-insensitive).
    pub fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "co" => Self::Co,
            "sw" => Self::Sw,
            "ew" => Self::Ew,
            "gt" => Self::Gt,
            "ge" => Self::Ge,
            "lt" => Self::Lt,
            "le" => Self::Le,
            _ => return None,
        })
    }

    /// The operator keyword in lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }

    /// True for `gt`, `ge`, `lt`, `le`.
    pub fn is_ordering(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }

    /// True for `co`, `sw`, `ew`.
    pub fn is_substring(self) -> bool {
        matches!(self, Self::Co | Self::Sw | Self::Ew)
    }
}

/// `compValue = false / null / true / number / string` (RFC 7644 Figure 1).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => {
                let quoted = serde_json::to_string(s).map_err(|_| fmt::Error)?;
                f.write_str(&quoted)
            }
        }
    }
}

/// A parsed filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `attrPath compareOp compValue`
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: CompValue,
    },
    /// `attrPath pr`
    Present(AttrPath),
    /// `attrPath "[" valFilter "]"`: some value of `attr` satisfies `filter`, whose paths are
    /// relative to that value.
    ValuePath {
        attr: AttrPath,
        filter: Box<Filter>,
    },
}

impl Filter {
    /// The number of attribute expressions (comparisons and presence tests) in the filter.
    pub fn expression_count(&self) -> usize {
        match self {
            Self::And(a, b) | Self::Or(a, b) => a.expression_count() + b.expression_count(),
            Self::Not(f) | Self::ValuePath { filter: f, .. } => f.expression_count(),
            Self::Compare { .. } | Self::Present(_) => 1,
        }
    }

    /// Every attribute the filter reads, as absolute paths (value-path members become
    /// `attr.sub`).
    pub fn attribute_paths(&self) -> Vec<AttrPath> {
        let mut out = Vec::new();
        self.collect_paths(None, &mut out);
        out
    }

    /// The operators the filter uses, each once, in lower case: the comparison operators of
    /// RFC 7644 Table 3 (`pr` included) and the logical ones of Table 4 (`and`, `or`, `not`).
    /// A value path adds nothing of its own; Entra's `attr[f].sub op v` desugars to
    /// `attr[f and sub op v]`, so it uses `and`.
    pub fn operators(&self) -> std::collections::BTreeSet<&'static str> {
        let mut out = std::collections::BTreeSet::new();
        self.collect_operators(&mut out);
        out
    }

    fn collect_operators(&self, out: &mut std::collections::BTreeSet<&'static str>) {
        match self {
            Self::And(a, b) | Self::Or(a, b) => {
                out.insert(if matches!(self, Self::And(..)) {
                    "and"
                } else {
                    "or"
                });
                a.collect_operators(out);
                b.collect_operators(out);
            }
            Self::Not(f) => {
                out.insert("not");
                f.collect_operators(out);
            }
            Self::Compare { op, .. } => {
                out.insert(op.as_str());
            }
            Self::Present(_) => {
                out.insert("pr");
            }
            Self::ValuePath { filter, .. } => filter.collect_operators(out),
        }
    }

    fn collect_paths(&self, parent: Option<&AttrPath>, out: &mut Vec<AttrPath>) {
        let absolute = |p: &AttrPath| match parent {
            Some(parent) => parent.with_sub(&p.name),
            None => p.clone(),
        };
        match self {
            Self::And(a, b) | Self::Or(a, b) => {
                a.collect_paths(parent, out);
                b.collect_paths(parent, out);
            }
            Self::Not(f) => f.collect_paths(parent, out),
            Self::Compare { path, .. } | Self::Present(path) => out.push(absolute(path)),
            Self::ValuePath { attr, filter } => {
                out.push(absolute(attr));
                filter.collect_paths(Some(attr), out);
            }
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Self::Or(..) => 1,
            Self::And(..) => 2,
            _ => 3,
        }
    }

    fn fmt_operand(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Or(a, b) => {
                a.fmt_operand(f, 1)?;
                f.write_str(" or ")?;
                b.fmt_operand(f, 2)
            }
            Self::And(a, b) => {
                a.fmt_operand(f, 2)?;
                f.write_str(" and ")?;
                b.fmt_operand(f, 3)
            }
            Self::Not(inner) => write!(f, "not ({inner})"),
            Self::Compare { path, op, value } => write!(f, "{path} {} {value}", op.as_str()),
            Self::Present(path) => write!(f, "{path} pr"),
            Self::ValuePath { attr, filter } => write!(f, "{attr}[{filter}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_round_trips_through_the_parser() {
        for text in [
            r#"userName eq "bjensen""#,
            r#"a eq 1 or b eq 2 and c eq 3"#,
            r#"(a eq 1 or b eq 2) and c eq 3"#,
            r#"not (a pr) and emails[type eq "work" and value co "@"]"#,
            r#"meta.lastModified gt "2011-05-13T04:42:34Z" or x eq null"#,
        ] {
            let f = parse(text);
            let again = f.as_ref().map(|f| parse(&f.to_string()));
            assert!(matches!(&again, Ok(Ok(_))), "{text}");
            assert_eq!(f.clone().ok(), again.ok().and_then(Result::ok), "{text}");
        }
    }

    #[test]
    fn lists_the_operators_used() {
        let ops = |text: &str| -> Vec<&'static str> {
            parse(text)
                .map(|f| f.operators().into_iter().collect())
                .unwrap_or_default()
        };
        assert_eq!(ops(r#"userName eq "a""#), vec!["eq"]);
        assert_eq!(
            ops(r#"emails[type eq "work"].value eq "a""#),
            vec!["and", "eq"]
        );
        assert_eq!(
            ops(r#"not (a pr) or b sw "x" and c gt 1"#),
            vec!["and", "gt", "not", "or", "pr", "sw"]
        );
    }

    #[test]
    fn lists_absolute_attribute_paths() {
        let f = parse(r#"emails[type eq "work"] and password pr"#);
        let paths: Vec<String> = f
            .map(|f| f.attribute_paths().iter().map(|p| p.to_string()).collect())
            .unwrap_or_default();
        assert_eq!(paths, vec!["emails", "emails.type", "password"]);
    }
}
