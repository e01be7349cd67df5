//! Evaluates a [`Matcher`] against one value. Each failed check becomes one sentence
//! saying what was expected and what came back.

use std::cmp::Ordering;

use serde_json::Value;

use crate::load::{JsonType, Matcher, SortCheck, SortOrder};
use crate::scim::{embedded, filter, pointer, schema, text, urn};
use crate::template::{TemplateError, Vars};

/// Short rendering of a value for messages.
pub fn show(value: Option<&Value>) -> String {
    match value {
        None => "absent".to_string(),
        Some(v) => text::truncate(&v.to_string(), 200),
    }
}

/// JSON equality with numbers compared by value (1 == 1.0).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| pointer::get_key(y, k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `expected` is a subset of `actual`: objects by their given keys (case-insensitive),
/// arrays by each expected element matching some actual element, scalars by equality.
pub fn subset_match(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| pointer::get_key(a, k).is_some_and(|w| subset_match(v, w))),
        (Value::Array(e), Value::Array(a)) => {
            e.iter().all(|ev| a.iter().any(|av| subset_match(ev, av)))
        }
        _ => json_eq(expected, actual),
    }
}

fn contains(haystack: &Value, needle: &Value) -> bool {
    match (haystack, needle) {
        (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
        (Value::Array(items), n) => items.iter().any(|item| subset_match(n, item)),
        (Value::Object(_), n @ Value::Object(_)) => subset_match(n, haystack),
        _ => false,
    }
}

fn length(value: &Value) -> Option<usize> {
    match value {
        Value::Array(a) => Some(a.len()),
        Value::String(s) => Some(s.chars().count()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Evaluates every check of `matcher` on `actual`; returns the failed checks.
/// `what` names the value in messages (a pointer or a header name).
pub fn check(
    matcher: &Matcher,
    actual: Option<&Value>,
    what: &str,
    vars: &Vars,
) -> Result<Vec<String>, TemplateError> {
    let mut out = Vec::new();
    let present = actual.is_some_and(|v| !v.is_null());
    let got = show(actual);

    if let Some(want_present) = matcher.present {
        if want_present && !present {
            out.push(format!("{what}: expected a value, got {got}"));
        } else if !want_present && present {
            out.push(format!("{what}: expected absent or null, got {got}"));
        }
    }
    if matcher.absent == Some(true) && present {
        out.push(format!("{what}: expected absent, got {got}"));
    }
    if let Some(expected) = &matcher.equals {
        let expected = vars.render_value(expected)?;
        if !actual.is_some_and(|a| json_eq(&expected, a)) {
            out.push(format!("{what}: expected {expected}, got {got}"));
        }
    }
    if let Some(expected) = &matcher.equals_ci {
        let expected = vars.render_str(expected)?;
        let ok = actual
            .and_then(Value::as_str)
            .is_some_and(|a| a.to_lowercase() == expected.to_lowercase());
        if !ok {
            out.push(format!(
                "{what}: expected \"{expected}\" (ignoring case), got {got}"
            ));
        }
    }
    if let Some(unexpected) = &matcher.not_equals {
        let unexpected = vars.render_value(unexpected)?;
        if actual.is_some_and(|a| json_eq(&unexpected, a)) {
            out.push(format!(
                "{what}: expected anything but {unexpected}, got it"
            ));
        }
    }
    if let Some(options) = &matcher.one_of {
        let options: Vec<Value> = options
            .iter()
            .map(|o| vars.render_value(o))
            .collect::<Result<_, _>>()?;
        if !actual.is_some_and(|a| options.iter().any(|o| json_eq(o, a))) {
            let list: Vec<String> = options.iter().map(Value::to_string).collect();
            out.push(format!(
                "{what}: expected one of {}, got {got}",
                list.join(", ")
            ));
        }
    }
    if let Some(pattern) = &matcher.regex {
        let text = match actual {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            _ => None,
        };
        match regex::Regex::new(pattern) {
            Ok(re) => {
                if !text.is_some_and(|t| re.is_match(&t)) {
                    out.push(format!("{what}: expected to match /{pattern}/, got {got}"));
                }
            }
            Err(e) => out.push(format!("{what}: regex /{pattern}/ does not compile: {e}")),
        }
    }
    if let Some(needle) = &matcher.contains {
        let needle = vars.render_value(needle)?;
        if !actual.is_some_and(|a| contains(a, &needle)) {
            out.push(format!("{what}: expected to contain {needle}, got {got}"));
        }
    }
    if let Some(needle) = &matcher.not_contains {
        let needle = vars.render_value(needle)?;
        if actual.is_some_and(|a| contains(a, &needle)) {
            out.push(format!(
                "{what}: expected not to contain {needle}, got {got}"
            ));
        }
    }
    let len = actual.and_then(length);
    if let Some(want) = matcher.length {
        if len != Some(want) {
            out.push(format!(
                "{what}: expected length {want}, got {}",
                len_text(len, &got)
            ));
        }
    }
    if let Some(min) = matcher.min_length {
        if len.is_none_or(|l| l < min) {
            out.push(format!(
                "{what}: expected length ≥ {min}, got {}",
                len_text(len, &got)
            ));
        }
    }
    if let Some(max) = matcher.max_length {
        if len.is_none_or(|l| l > max) {
            out.push(format!(
                "{what}: expected length ≤ {max}, got {}",
                len_text(len, &got)
            ));
        }
    }
    if let Some(kind) = matcher.kind {
        if !actual.is_some_and(|a| kind.accepts(a)) {
            let got_kind = actual.map_or("absent", |a| JsonType::of(a).as_str());
            out.push(format!(
                "{what}: expected a {}, got {got_kind} {got}",
                kind.as_str()
            ));
        }
    }
    for (bound, ord_ok, word) in [
        (&matcher.gte, [Ordering::Greater, Ordering::Equal], "≥"),
        (&matcher.lte, [Ordering::Less, Ordering::Equal], "≤"),
    ] {
        if let Some(bound) = bound {
            let bound = vars.render_value(bound)?;
            let ok = actual
                .and_then(|a| compare(a, &bound))
                .is_some_and(|o| ord_ok.contains(&o));
            if !ok {
                out.push(format!("{what}: expected {word} {bound}, got {got}"));
            }
        }
    }
    if let Some(filter) = &matcher.each_matches_filter {
        let filter = vars.render_str(filter)?;
        match (filter::parse(&filter), actual) {
            (Err(e), _) => out.push(format!("{what}: case filter '{filter}' is invalid: {e}")),
            (Ok(f), Some(Value::Array(items))) => {
                for (i, item) in items.iter().enumerate() {
                    if !f.matches(item, schema_of(item)) {
                        out.push(format!(
                            "{what}/{i}: expected to satisfy filter '{filter}', got {}",
                            show(Some(item))
                        ));
                    }
                }
            }
            (Ok(_), _) => out.push(format!("{what}: expected an array of resources, got {got}")),
        }
    }
    if let Some(sort) = &matcher.sorted {
        if let Some(problem) = check_sorted(sort, actual, what) {
            out.push(problem);
        }
    }
    Ok(out)
}

/// The schema a returned resource is evaluated with: Group when it says so, User otherwise.
fn schema_of(resource: &Value) -> &'static schema::ResourceSchema {
    let is_group = resource
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|u| u.as_str() == Some(urn::GROUP)));
    if is_group {
        embedded::group()
    } else {
        embedded::user()
    }
}

fn len_text(len: Option<usize>, got: &str) -> String {
    match len {
        Some(l) => l.to_string(),
        None => got.to_string(),
    }
}

/// The value a resource sorts by: a dotted attribute path; multi-valued attributes sort by
/// their primary (or first) value (RFC 7644 §3.4.2.3).
fn sort_key(resource: &Value, by: &str) -> Option<Value> {
    let mut current = resource.clone();
    for part in by.split('.') {
        current = match current {
            Value::Object(map) => pointer::get_key(&map, part)?.clone(),
            Value::Array(items) => {
                let chosen = items
                    .iter()
                    .find(|i| i.get("primary") == Some(&Value::Bool(true)))
                    .or_else(|| items.first())?
                    .clone();
                match chosen {
                    Value::Object(map) => pointer::get_key(&map, part)?.clone(),
                    _ => return None,
                }
            }
            _ => return None,
        };
    }
    if let Value::Array(items) = &current {
        let chosen = items
            .iter()
            .find(|i| i.get("primary") == Some(&Value::Bool(true)))
            .or_else(|| items.first())?;
        return chosen
            .get("value")
            .cloned()
            .or_else(|| Some(chosen.clone()));
    }
    (!current.is_null()).then_some(current)
}

fn check_sorted(sort: &SortCheck, actual: Option<&Value>, what: &str) -> Option<String> {
    let Some(Value::Array(items)) = actual else {
        return Some(format!(
            "{what}: expected an array to be sorted, got {}",
            show(actual)
        ));
    };
    let keys: Vec<Option<Value>> = items.iter().map(|r| sort_key(r, &sort.by)).collect();
    let order = sort.order.unwrap_or_default();
    let cmp = |a: &Option<Value>, b: &Option<Value>| -> Ordering {
        // No value sorts last when ascending and first when descending (RFC 7644 §3.4.2.3).
        match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(Value::String(x)), Some(Value::String(y))) if !sort.case_exact => {
                x.to_lowercase().cmp(&y.to_lowercase())
            }
            (Some(x), Some(y)) => compare(x, y).unwrap_or(Ordering::Equal),
        }
    };
    for (i, pair) in keys.windows(2).enumerate() {
        let ord = cmp(&pair[0], &pair[1]);
        let bad = match order {
            SortOrder::Ascending => ord == Ordering::Greater,
            SortOrder::Descending => ord == Ordering::Less,
        };
        if bad {
            return Some(format!(
                "{what}: expected sorted by {} {}, but element {} ({}) comes before element {} ({})",
                sort.by,
                match order {
                    SortOrder::Ascending => "ascending",
                    SortOrder::Descending => "descending",
                },
                i,
                show(pair[0].as_ref()),
                i + 1,
                show(pair[1].as_ref())
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(yaml: &str) -> Matcher {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    fn run(matcher: &str, actual: Option<Value>) -> Vec<String> {
        let mut vars = Vars::new();
        vars.set("x", json!("Bob"));
        check(&m(matcher), actual.as_ref(), "/v", &vars).unwrap()
    }

    #[test]
    fn equality_presence_and_types() {
        assert!(run("{equals: '{{x}}'}", Some(json!("Bob"))).is_empty());
        assert_eq!(run("{equals: 2}", Some(json!(2.0))).len(), 0);
        assert_eq!(
            run("{equals: '{{x}}'}", Some(json!("bob"))),
            vec!["/v: expected \"Bob\", got \"bob\""]
        );
        assert!(run("{equals_ci: '{{x}}'}", Some(json!("bOB"))).is_empty());
        assert_eq!(
            run("{present: true}", None),
            vec!["/v: expected a value, got absent"]
        );
        assert!(run("{present: false}", Some(Value::Null)).is_empty());
        assert_eq!(run("{type: integer}", Some(json!("1"))).len(), 1);
        assert!(run("{type: number}", Some(json!(1))).is_empty());
    }

    #[test]
    fn containment_and_lengths() {
        let emails = json!([{"type": "work", "value": "a@x"}, {"type": "home", "value": "b@x"}]);
        assert!(run("{contains: {type: work}}", Some(emails.clone())).is_empty());
        assert_eq!(
            run("{contains: {type: other}}", Some(emails.clone())).len(),
            1
        );
        assert!(run("{length: 2, min_length: 1, max_length: 2}", Some(emails)).is_empty());
        assert!(run(
            "{contains: scim+json}",
            Some(json!("application/scim+json"))
        )
        .is_empty());
        assert!(run("{regex: '^W/\"'}", Some(json!("W/\"1\""))).is_empty());
    }

    #[test]
    fn sorting_puts_missing_values_last_when_ascending() {
        let list = json!([{"name": {"familyName": "a"}}, {"name": {"familyName": "B"}}, {}]);
        assert!(run("{sorted: {by: name.familyName}}", Some(list.clone())).is_empty());
        assert_eq!(
            run(
                "{sorted: {by: name.familyName, order: descending}}",
                Some(list)
            )
            .len(),
            1
        );
    }
}
