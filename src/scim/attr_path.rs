//! Attribute paths (RFC 7644 §3.10, Figure 1 `attrPath = [URI ":"] ATTRNAME *1subAttr`).

use std::fmt;

use thiserror::Error;

/// An attribute path that is not `[URI ":"] ATTRNAME ["." ATTRNAME]`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("invalid attribute path \"{path}\": {reason}")]
pub struct AttrPathError {
    pub path: String,
    pub reason: &'static str,
}

/// `[urn ":"] name ["." sub_attr]`; names keep the case they were written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub urn: Option<String>,
    pub name: String,
    pub sub_attr: Option<String>,
}

impl AttrPath {
    /// Parses an attribute path.
    pub fn parse(text: &str) -> Result<Self, AttrPathError> {
        let err = |reason| AttrPathError {
            path: text.to_string(),
            reason,
        };
        let (urn, rest) = split_urn(text);
        if urn.is_some_and(|u| u.len() <= 4) {
            return Err(err("empty schema URN"));
        }
        let (name, sub_attr) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        if !is_attr_name(name) {
            return Err(err("attribute name must start with a letter and hold only letters, digits, '-' and '_'"));
        }
        if let Some(s) = sub_attr {
            if !is_attr_name(s) {
                return Err(err("sub-attribute name must be one attribute name"));
            }
        }
        Ok(Self {
            urn: urn.map(str::to_string),
            name: name.to_string(),
            sub_attr: sub_attr.map(str::to_string),
        })
    }

    /// A path to `name` with no URN and no sub-attribute.
    pub fn simple(name: &str) -> Self {
        Self {
            urn: None,
            name: name.to_string(),
            sub_attr: None,
        }
    }

    /// The same path with `sub` as the sub-attribute.
    pub fn with_sub(&self, sub: &str) -> Self {
        Self {
            sub_attr: Some(sub.to_string()),
            ..self.clone()
        }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(u) = &self.urn {
            write!(f, "{u}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(s) = &self.sub_attr {
            write!(f, ".{s}")?;
        }
        Ok(())
    }
}

/// Splits `urn:…:name.sub` at the last colon; paths without the `urn:` scheme have no URN.
fn split_urn(text: &str) -> (Option<&str>, &str) {
    let is_urn = text.len() > 4
        && text
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
    match text.rfind(':') {
        Some(i) if is_urn => (Some(&text[..i]), &text[i + 1..]),
        _ => (None, text),
    }
}

/// `ATTRNAME = ALPHA *(nameChar)`, plus the reserved `$ref` (RFC 7643 §2.1 and erratum 8924).
pub fn is_attr_name(s: &str) -> bool {
    if s.eq_ignore_ascii_case("$ref") {
        return true;
    }
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        let p = AttrPath::parse("userName").ok();
        assert_eq!(p, Some(AttrPath::simple("userName")));
        let p = AttrPath::parse("name.givenName").ok();
        assert_eq!(p.and_then(|p| p.sub_attr), Some("givenName".to_string()));
        let p = AttrPath::parse("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName");
        let p = p.ok();
        assert_eq!(
            p.as_ref().and_then(|p| p.urn.as_deref()),
            Some("urn:ietf:params:scim:schemas:core:2.0:User")
        );
        assert_eq!(p.as_ref().map(|p| p.name.as_str()), Some("name"));
        assert_eq!(
            p.map(|p| p.to_string()).as_deref(),
            Some("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName")
        );
        assert!(AttrPath::parse("members.$ref").is_ok());
    }

    #[test]
    fn rejects_bad_names() {
        const NAME: &str =
            "attribute name must start with a letter and hold only letters, digits, '-' and '_'";
        const SUB: &str = "sub-attribute name must be one attribute name";
        for (bad, reason) in [
            ("", NAME),
            ("1abc", NAME),
            ("a.b.c", SUB),
            ("a b", NAME),
            ("name.", SUB),
            (".x", NAME),
            ("urn:", NAME),
            ("a[b]", NAME),
            ("ab€x", NAME),
            ("é", NAME),
        ] {
            assert_eq!(
                AttrPath::parse(bad),
                Err(AttrPathError {
                    path: bad.to_string(),
                    reason
                }),
                "{bad}"
            );
        }
    }
}
