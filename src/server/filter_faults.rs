//! The filter-robustness faults: each breaks one rule of RFC 7644 §3.4.2.2 by rewriting the
//! filter text, the parsed filter or the schema it is evaluated against, the way real
//! service providers get it wrong (a second URL decoding, `eq` as a prefix test, case-sensitive
//! keywords, `sw` compared case-exactly, externalId compared ignoring case).

use std::borrow::Cow;

use super::error::ScimError;
use super::faults::Fault;
use super::kind::Kind;
use super::ServerConfig;
use crate::scim::filter::{CompValue, CompareOp, Filter};
use crate::scim::schema::{AttrType, AttributeDef, ResourceSchema};

/// The operator keywords of RFC 7644 Figure 1 (attribute and logical operators).
const KEYWORDS: [&str; 13] = [
    "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "and", "or", "not",
];

/// The filter text as the faulty server reads it: decoded once more (`+` as a space, `%XX` as
/// a byte), or refused for an operator keyword not written in lower case.
pub fn text<'a>(text: &'a str, cfg: &ServerConfig) -> Result<Cow<'a, str>, ScimError> {
    if cfg.has(Fault::FilterDoubleUnescape) {
        return Ok(Cow::Owned(form_decoded(text)));
    }
    if cfg.has(Fault::FilterKeywordCaseSensitive) {
        if let Some(word) = words_outside_strings(text)
            .into_iter()
            .find(|w| KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(w) && k != w))
        {
            return Err(ScimError::invalid_filter(format!(
                "the operator '{word}' is not supported"
            )));
        }
    }
    Ok(Cow::Borrowed(text))
}

/// The parsed filter as the faulty server evaluates it.
pub fn parsed(filter: Filter, kinds: &[Kind], cfg: &ServerConfig) -> Result<Filter, ScimError> {
    if cfg.has(Fault::FilterAttributeCaseSensitive) {
        for path in filter.attribute_paths() {
            let spelled_otherwise =
                kinds
                    .iter()
                    .filter_map(|k| k.schema().resolve(&path))
                    .any(|r| {
                        r.attr.name != path.name
                            || r.sub
                                .zip(path.sub_attr.as_ref())
                                .is_some_and(|(s, n)| s.name != *n)
                    });
            if spelled_otherwise {
                return Err(ScimError::invalid_filter(format!(
                    "no attribute \"{path}\" is defined"
                )));
            }
        }
    }
    if cfg.has(Fault::FilterStringBooleanRefused) && compares_boolean_text(&filter) {
        return Err(ScimError::invalid_filter(
            "a boolean attribute is compared with true or false",
        ));
    }
    Ok(rewrite(filter, cfg))
}

/// True when some comparison's value is the string "true" or "false" (any case).
fn compares_boolean_text(f: &Filter) -> bool {
    match f {
        Filter::And(a, b) | Filter::Or(a, b) => {
            compares_boolean_text(a) || compares_boolean_text(b)
        }
        Filter::Not(inner) | Filter::ValuePath { filter: inner, .. } => {
            compares_boolean_text(inner)
        }
        Filter::Compare {
            value: CompValue::String(s),
            ..
        } => s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"),
        _ => false,
    }
}

/// `eq` on a string as `sw` (eq-prefix-match); string literals with their JSON escapes left in
/// (filter-escape-ignored).
fn rewrite(f: Filter, cfg: &ServerConfig) -> Filter {
    let again = |f: Box<Filter>| Box::new(rewrite(*f, cfg));
    match f {
        Filter::And(a, b) => Filter::And(again(a), again(b)),
        Filter::Or(a, b) => Filter::Or(again(a), again(b)),
        Filter::Not(inner) => Filter::Not(again(inner)),
        Filter::ValuePath { attr, filter } => Filter::ValuePath {
            attr,
            filter: again(filter),
        },
        Filter::Compare {
            path,
            op,
            value: CompValue::String(s),
        } => {
            let op = if op == CompareOp::Eq && cfg.has(Fault::EqPrefixMatch) {
                CompareOp::Sw
            } else {
                op
            };
            let s = if cfg.has(Fault::FilterEscapeIgnored) {
                s.replace('\\', "\\\\").replace('"', "\\\"")
            } else {
                s
            };
            Filter::Compare {
                path,
                op,
                value: CompValue::String(s),
            }
        }
        other => other,
    }
}

/// The schema `filter` is evaluated against on `kind`: externalId compared ignoring case
/// (externalid-case-insensitive); every string compared case-exactly in a filter using `sw`,
/// `ew` or `co` (sw-case-sensitive).
pub fn eval_schema<'a>(
    schema: Cow<'a, ResourceSchema>,
    filter: Option<&Filter>,
    cfg: &ServerConfig,
) -> Cow<'a, ResourceSchema> {
    let substring = filter.is_some_and(|f| {
        f.operators()
            .iter()
            .any(|op| matches!(*op, "sw" | "ew" | "co"))
    });
    let external_id = cfg.has(Fault::ExternalIdCaseInsensitive);
    let case_exact_all = cfg.has(Fault::SwCaseSensitive) && substring;
    if !external_id && !case_exact_all {
        return schema;
    }
    let mut s = schema.into_owned();
    if external_id {
        s.common
            .iter_mut()
            .filter(|a| a.name == "externalId")
            .for_each(|a| a.case_exact = false);
    }
    if case_exact_all {
        let all = s
            .common
            .iter_mut()
            .chain(s.core.attributes.iter_mut())
            .chain(
                s.extensions
                    .iter_mut()
                    .flat_map(|(e, _)| e.attributes.iter_mut()),
            );
        all.for_each(make_case_exact);
    }
    Cow::Owned(s)
}

fn make_case_exact(attr: &mut AttributeDef) {
    if attr.attr_type == AttrType::String {
        attr.case_exact = true;
    }
    attr.sub_attributes.iter_mut().for_each(make_case_exact);
}

/// The words of a filter outside its string literals (attribute paths, operators, literals).
fn words_outside_strings(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut start = None;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        let delimiter = c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"');
        if delimiter {
            if let Some(s) = start.take() {
                out.push(&text[s..i]);
            }
            in_string = c == '"';
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn form_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::filter;

    fn with(fault: Fault) -> ServerConfig {
        ServerConfig {
            fault: Some(fault),
            ..ServerConfig::default()
        }
    }

    #[test]
    fn a_second_decoding_turns_plus_into_space() {
        let cfg = with(Fault::FilterDoubleUnescape);
        assert_eq!(
            text(r#"userName eq "a+b%41""#, &cfg).map(Cow::into_owned),
            Ok(r#"userName eq "a bA""#.to_string())
        );
        let clean = ServerConfig::default();
        assert_eq!(
            text(r#"userName eq "a+b""#, &clean).map(Cow::into_owned),
            Ok(r#"userName eq "a+b""#.to_string())
        );
    }

    #[test]
    fn upper_case_keywords_are_refused_only_outside_strings() {
        let cfg = with(Fault::FilterKeywordCaseSensitive);
        assert!(text(r#"userName EQ "x""#, &cfg).is_err());
        assert!(text(r#"a eq "x" AND b pr"#, &cfg).is_err());
        assert!(text(r#"userName eq "EQ AND""#, &cfg).is_ok());
        assert!(text(r#"USERNAME eq "x""#, &cfg).is_ok());
    }

    #[test]
    fn attribute_names_spelled_otherwise_are_refused() {
        let cfg = with(Fault::FilterAttributeCaseSensitive);
        let f = filter::parse(r#"USERNAME eq "x""#).expect("filter");
        assert!(parsed(f, &[Kind::User], &cfg).is_err());
        let f = filter::parse(r#"name.FamilyName eq "x""#).expect("filter");
        assert!(parsed(f, &[Kind::User], &cfg).is_err());
        let f = filter::parse(r#"name.familyName eq "x""#).expect("filter");
        assert!(parsed(f, &[Kind::User], &cfg).is_ok());
    }

    #[test]
    fn string_booleans_are_refused() {
        let cfg = with(Fault::FilterStringBooleanRefused);
        let f = filter::parse(r#"emails[primary eq "True"]"#).expect("filter");
        assert!(parsed(f, &[Kind::User], &cfg).is_err());
        let f = filter::parse(r#"emails[primary eq true]"#).expect("filter");
        assert!(parsed(f, &[Kind::User], &cfg).is_ok());
    }

    #[test]
    fn eq_becomes_a_prefix_test_and_escapes_stay() {
        let f = filter::parse(r#"displayName eq "a\"b""#).expect("filter");
        let prefix = parsed(f.clone(), &[Kind::Group], &with(Fault::EqPrefixMatch));
        assert_eq!(
            prefix.map(|f| f.to_string()),
            Ok(r#"displayName sw "a\"b""#.to_string())
        );
        let raw = parsed(f, &[Kind::Group], &with(Fault::FilterEscapeIgnored));
        assert_eq!(
            raw.map(|f| f.to_string()),
            Ok(r#"displayName eq "a\\\"b""#.to_string())
        );
    }

    #[test]
    fn substring_filters_compare_case_exactly() {
        let cfg = with(Fault::SwCaseSensitive);
        let user = serde_json::json!({"userName": "Ada.Lovelace"});
        let schema = Kind::User.schema();
        let sw = filter::parse(r#"userName sw "ada""#).expect("filter");
        let exact = eval_schema(Cow::Borrowed(schema), Some(&sw), &cfg);
        assert!(!sw.matches(&user, &exact));
        assert!(sw.matches(&user, schema));
        let eq = filter::parse(r#"userName eq "ada.lovelace""#).expect("filter");
        assert!(eq.matches(&user, &eval_schema(Cow::Borrowed(schema), Some(&eq), &cfg)));
    }

    #[test]
    fn external_id_compared_ignoring_case() {
        let cfg = with(Fault::ExternalIdCaseInsensitive);
        let user = serde_json::json!({"externalId": "AB-cd"});
        let schema = Kind::User.schema();
        let f = filter::parse(r#"externalId eq "ab-CD""#).expect("filter");
        assert!(!f.matches(&user, schema));
        assert!(f.matches(&user, &eval_schema(Cow::Borrowed(schema), Some(&f), &cfg)));
    }
}
