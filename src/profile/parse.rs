//! Parsing and checking a profile file: every problem at once, each with its file, line and
//! column.

use super::{Attr, AttributeSpec, Profile, ProfileError, ProfileFile, ProfileProblem, CORE_USER};
use crate::scim::filter::{CompValue, CompareOp, Filter};
use crate::scim::PatchPath;

/// A 1-based line and column.
type At = Option<(usize, usize)>;

/// The line and column of a byte offset.
fn at_offset(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Where a line's text starts (after its indentation).
fn at_line(index: usize, line: &str) -> (usize, usize) {
    (index + 1, line.len() - line.trim_start().len() + 1)
}

/// The n-th (0-based) `[[attribute]]` table.
fn at_attribute(text: &str, index: usize) -> At {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[attribute]]"))
        .nth(index)
        .map(|(i, l)| at_line(i, l))
}

fn at_key(text: &str, key: &str) -> At {
    text.lines()
        .enumerate()
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|(i, l)| at_line(i, l))
}

/// Parses and checks a profile; every problem is reported at once.
pub fn parse(origin: &str, text: &str) -> Result<Profile, ProfileError> {
    let problem = |at: At, problem: String| ProfileProblem {
        file: origin.to_string(),
        line: at.map(|a| a.0),
        column: at.map(|a| a.1),
        problem,
    };
    let file: ProfileFile = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| at_offset(text, s.start));
        ProfileError::Invalid(vec![problem(at, e.message().trim().to_string())])
    })?;
    let mut problems = Vec::new();
    let name_ok = file
        .name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && file
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !name_ok {
        problems.push(problem(
            at_key(text, "name"),
            format!(
                "name '{}' must be lower-case letters, digits, '-' or '_'",
                file.name
            ),
        ));
    }
    if file.auth.methods.is_empty() {
        problems.push(problem(
            at_key(text, "methods"),
            "auth.methods must list at least one of bearer, basic, oauth2".into(),
        ));
    }
    let mut attrs = Vec::new();
    for (i, spec) in file.attributes.iter().enumerate() {
        let line = at_attribute(text, i);
        match parse_attr(spec) {
            Ok(attr) => {
                if attrs.iter().any(|a: &Attr| {
                    a.matches(Some(&attr.urn), &attr.name)
                        && a.sub == attr.sub
                        && a.type_value == attr.type_value
                }) {
                    problems.push(problem(line, format!("{} is listed twice", spec.path)));
                }
                if attr.multi && attr.type_value.is_none() && !spec.path.contains("primary") {
                    problems.push(problem(
                        line,
                        format!(
                            "{}: a value filter must be [type eq \"…\"] (or [primary eq true])",
                            spec.path
                        ),
                    ));
                }
                attrs.push(attr);
            }
            Err(e) => problems.push(problem(line, e)),
        }
    }
    let listed = |path: &str| {
        let top = path.split(['.', '[']).next().unwrap_or(path);
        attrs
            .iter()
            .any(|a| a.spec.path.eq_ignore_ascii_case(path) || a.name.eq_ignore_ascii_case(top))
    };
    if !listed(&file.matching) {
        problems.push(problem(
            at_key(text, "matching"),
            format!(
                "matching attribute {} is not among the attributes",
                file.matching
            ),
        ));
    }
    for f in file.filter_attributes.iter().flatten() {
        if !listed(f) {
            problems.push(problem(
                at_key(text, "filter_attributes"),
                format!("filter attribute {f} is not among the attributes"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ProfileError::Invalid(problems));
    }
    Ok(Profile {
        file,
        attrs,
        origin: origin.to_string(),
    })
}

fn parse_attr(spec: &AttributeSpec) -> Result<Attr, String> {
    let path = PatchPath::parse(&spec.path).map_err(|e| format!("attribute {e}"))?;
    let type_value = path.filter.as_ref().and_then(type_of_filter);
    Ok(Attr {
        spec: spec.clone(),
        urn: path
            .attr
            .urn
            .clone()
            .unwrap_or_else(|| CORE_USER.to_string()),
        name: path.attr.name.clone(),
        multi: path.filter.is_some(),
        type_value,
        sub: path.sub_attr.clone(),
    })
}

pub(super) fn type_of_filter(filter: &Filter) -> Option<String> {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: CompValue::String(s),
        } if path.name.eq_ignore_ascii_case("type") => Some(s.clone()),
        _ => None,
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_file_and_line() {
        let text = "name = \"x\"\ntitle = \"X\"\n\n[[attribute]]\npath = \"userName\"\n\n[[attribute]]\npath = \"emails[bogus\"\n";
        let err = parse("my.toml", text).unwrap_err().to_string();
        assert!(err.contains("my.toml:7:"), "{err}");
        let err = parse("my.toml", "name = \"x\"\ntitle = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("my.toml:2:9:"), "{err}");
        let err = parse("my.toml", "name = \"x\"\ntitle = \"t\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("my.toml:3:1:") && err.contains("bogus"),
            "{err}"
        );
    }

    #[test]
    fn a_duplicate_key_is_refused_at_its_line_and_column() {
        let err = parse("my.toml", "name = \"x\"\ntitle = \"t\"\n  title = \"u\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("my.toml:3:3:") && err.contains("duplicate"),
            "{err}"
        );
    }
}
