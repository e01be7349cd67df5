//! PATCH paths (RFC 7644 §3.5.2, Figure 7: `PATH = attrPath / valuePath [subAttr]`).

use std::fmt;

use thiserror::Error;

use super::attr_path::AttrPath;
use super::filter::parse_path_tokens;
use super::filter::Filter;

/// A PATCH path that does not follow Figure 7, or is longer or deeper than a filter may be
/// ([`super::filter::MAX_LENGTH`], [`super::filter::MAX_DEPTH`]); answered with 400
/// `invalidPath`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("invalid path \"{path}\": {reason}")]
pub struct PathError {
    /// The path as given, cut after [`ECHOED_PATH_CHARS`] characters (an error message must not
    /// repeat a megabyte of input).
    pub path: String,
    pub reason: String,
}

/// How much of a refused path its error repeats.
pub const ECHOED_PATH_CHARS: usize = 100;

impl PathError {
    fn new(text: &str, reason: impl Into<String>) -> Self {
        let path = match text.char_indices().nth(ECHOED_PATH_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_string(),
        };
        Self {
            path,
            reason: reason.into(),
        }
    }
}

/// A parsed PATCH path: `attr` (URN and name, no sub-attribute), an optional value filter and
/// an optional sub-attribute (`name.givenName`, `emails[type eq "work"].value`).
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    pub sub_attr: Option<String>,
}

impl PatchPath {
    /// Parses a PATCH `path` value.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let (mut attr, filter, trailing) =
            parse_path_tokens(text).map_err(|e| PathError::new(text, e.to_string()))?;
        let sub_attr = match (attr.sub_attr.take(), trailing) {
            (Some(_), _) if filter.is_some() => {
                return Err(PathError::new(
                    text,
                    "a sub-attribute cannot be followed by a value filter",
                ))
            }
            (a, b) => a.or(b),
        };
        Ok(Self {
            attr,
            filter,
            sub_attr,
        })
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(s) = &self.sub_attr {
            write!(f, ".{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_figure_8_form() {
        let p = PatchPath::parse("members").ok();
        assert_eq!(
            p.map(|p| (p.attr.name, p.filter.is_none(), p.sub_attr)),
            Some(("members".into(), true, None))
        );
        let p = PatchPath::parse("name.familyName").ok();
        assert_eq!(p.and_then(|p| p.sub_attr), Some("familyName".into()));
        let p = PatchPath::parse(r#"addresses[type eq "work"]"#).ok();
        assert!(p.is_some_and(|p| p.filter.is_some() && p.sub_attr.is_none()));
        let p = PatchPath::parse(
            r#"members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName"#,
        )
        .ok();
        assert_eq!(p.and_then(|p| p.sub_attr), Some("displayName".into()));
        let p =
            PatchPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
                .ok();
        assert!(p.is_some_and(|p| p.attr.urn.is_some() && p.attr.name == "manager"));
        let text = r#"emails[type eq "work" and value co "@"].display"#;
        assert_eq!(
            PatchPath::parse(text)
                .map(|p| p.to_string())
                .ok()
                .as_deref(),
            Some(text)
        );
    }

    #[test]
    fn rejects_malformed_paths() {
        for (bad, reason) in [
            ("", "empty path"),
            ("a b", "unexpected text after the expression"),
            ("emails[", "expression ends early"),
            ("emails[type eq]", "expected a value"),
            (
                "emails[type eq \"w\"]x",
                "unexpected text after the expression",
            ),
            ("emails[type eq \"w\"].", "invalid sub-attribute name"),
            (
                "name.givenName.x",
                "sub-attribute name must be one attribute name",
            ),
            (
                "name.givenName[type eq \"w\"]",
                "a sub-attribute cannot be followed by a value filter",
            ),
            (
                "emails[type eq \"w\"][value pr]",
                "unexpected text after the expression",
            ),
            ("1x", "attribute name must start with a letter"),
        ] {
            let err = PatchPath::parse(bad).expect_err(bad);
            assert_eq!(err.path, bad);
            assert!(err.reason.contains(reason), "{bad}: {err}");
        }
    }

    #[test]
    fn refuses_long_or_deep_paths_without_repeating_them() {
        let terms = vec![r#"type eq "work""#; 40_000].join(" and ");
        let long = format!("emails[{terms}]");
        let err = PatchPath::parse(&long).expect_err("40,000 terms");
        assert!(err.reason.contains("bytes long; at most 8192"), "{err}");
        assert_eq!(err.path.chars().count(), ECHOED_PATH_CHARS + 1);
        let deep = format!(
            "emails[{}]",
            vec![r#"type eq "w""#; crate::scim::filter::MAX_DEPTH + 2].join(" and ")
        );
        assert!(deep.len() < crate::scim::filter::MAX_LENGTH);
        let err = PatchPath::parse(&deep).expect_err("too deep");
        assert!(err.reason.contains("levels deep"), "{err}");
    }
}
