//! Step 3 of provision-on-demand, "Determine if user is in scope": assignment, the
//! "sync all" setting, the account state and the scoping filters, each shown as Entra's
//! View details shows it.

use super::input::{ScopeSetting, ScopingFilter, SourceUser};

/// The evaluated scope of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeResult {
    pub in_scope: bool,
    /// `Active in source system: True` and the like, in Entra's words.
    pub details: Vec<String>,
}

fn yes(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// The operators Entra's scoping filters offer that a replay can evaluate.
pub const OPERATORS: &[&str] = &[
    "EQUALS",
    "NOT EQUALS",
    "IS TRUE",
    "IS FALSE",
    "IS NULL",
    "IS NOT NULL",
    "REGEX MATCH",
    "NOT REGEX MATCH",
];

/// Checks the scoping filters once, before any request is sent.
pub fn validate(filters: &[ScopingFilter]) -> Result<(), String> {
    for (i, f) in filters.iter().enumerate() {
        let op = f.operator.to_ascii_uppercase();
        if !OPERATORS.contains(&op.as_str()) {
            return Err(format!(
                "scopingFilters[{i}]: operator '{}' is not one of {}",
                f.operator,
                OPERATORS.join(", ")
            ));
        }
        let needs_value = matches!(
            op.as_str(),
            "EQUALS" | "NOT EQUALS" | "REGEX MATCH" | "NOT REGEX MATCH"
        );
        if needs_value && f.value.is_none() {
            return Err(format!("scopingFilters[{i}]: {op} needs a value"));
        }
        if op.contains("REGEX") {
            regex::Regex::new(f.value.as_deref().unwrap_or_default())
                .map_err(|e| format!("scopingFilters[{i}]: the regex does not compile: {e}"))?;
        }
    }
    Ok(())
}

fn filter_holds(user: &SourceUser, f: &ScopingFilter) -> bool {
    let value = user
        .attributes
        .iter()
        .find_map(|(k, v)| (k.eq_ignore_ascii_case(&f.attribute) && !v.is_null()).then_some(v));
    let text = value.map(|v| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let want = f.value.clone().unwrap_or_default();
    let regex = || regex::Regex::new(&want).ok();
    match f.operator.to_ascii_uppercase().as_str() {
        "EQUALS" => text.as_deref() == Some(want.as_str()),
        "NOT EQUALS" => text.as_deref() != Some(want.as_str()),
        "IS TRUE" => text.is_some_and(|t| t.eq_ignore_ascii_case("true")),
        "IS FALSE" => text.is_some_and(|t| t.eq_ignore_ascii_case("false")),
        "IS NULL" => text.is_none(),
        "IS NOT NULL" => text.is_some(),
        "REGEX MATCH" => text.is_some_and(|t| regex().is_some_and(|r| r.is_match(&t))),
        "NOT REGEX MATCH" => !text.is_some_and(|t| regex().is_some_and(|r| r.is_match(&t))),
        _ => false,
    }
}

/// Evaluates the scope of a user.
pub fn user_scope(
    user: &SourceUser,
    setting: ScopeSetting,
    filters: &[ScopingFilter],
) -> ScopeResult {
    let active = user.enabled();
    let all = setting == ScopeSetting::All;
    let mut details = vec![
        format!("Active in source system: {}", yes(active)),
        format!("Assigned to application: {}", yes(user.assigned)),
        format!("Scope sync all: {}", yes(all)),
    ];
    let mut in_scope = active && (all || user.assigned);
    for f in filters {
        let holds = filter_holds(user, f);
        in_scope &= holds;
        details.push(format!(
            "Scoping filter: {} {} {}{}: {}",
            f.title.as_deref().unwrap_or("(untitled)"),
            f.attribute,
            f.operator.to_ascii_uppercase(),
            f.value
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            yes(holds)
        ));
    }
    ScopeResult { in_scope, details }
}

/// Evaluates the scope of a group (assignment and the sync-all setting; scoping filters in
/// a replay apply to users).
pub fn group_scope(assigned: bool, setting: ScopeSetting) -> ScopeResult {
    let all = setting == ScopeSetting::All;
    ScopeResult {
        in_scope: all || assigned,
        details: vec![
            format!("Assigned to application: {}", yes(assigned)),
            format!("Scope sync all: {}", yes(all)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entra::provision::input::parse;

    fn file(json: &str) -> crate::entra::provision::input::ProvisionFile {
        parse(json, "r").unwrap()
    }

    #[test]
    fn assignment_activity_and_filters_decide() {
        let f = file(
            r#"{"users": [
              {"userPrincipalName": "a", "department": "R&D"},
              {"userPrincipalName": "b", "assigned": false},
              {"userPrincipalName": "c", "accountEnabled": false},
              {"userPrincipalName": "d"}
            ], "scopingFilters": [{"title": "Staff", "attribute": "department", "operator": "is not null"}]}"#,
        );
        validate(&f.scoping_filters).unwrap();
        let r: Vec<ScopeResult> = f
            .users
            .iter()
            .map(|u| user_scope(u, f.scope, &f.scoping_filters))
            .collect();
        assert!(r[0].in_scope);
        assert!(r[0]
            .details
            .contains(&"Scoping filter: Staff department IS NOT NULL: True".to_string()));
        assert!(!r[1].in_scope);
        assert!(r[1]
            .details
            .contains(&"Assigned to application: False".to_string()));
        assert!(!r[2].in_scope);
        assert!(!r[3].in_scope, "the filter excludes d");
        let all = user_scope(&f.users[1], ScopeSetting::All, &[]);
        assert!(all.in_scope);
    }

    #[test]
    fn rejects_unknown_operators_and_missing_values() {
        let f = file(
            r#"{"users": [{"userPrincipalName": "a"}], "scopingFilters": [{"attribute": "x", "operator": "LIKE"}]}"#,
        );
        assert!(validate(&f.scoping_filters).unwrap_err().contains("LIKE"));
        let f = file(
            r#"{"users": [{"userPrincipalName": "a"}], "scopingFilters": [{"attribute": "x", "operator": "EQUALS"}]}"#,
        );
        assert!(validate(&f.scoping_filters)
            .unwrap_err()
            .contains("needs a value"));
    }
}
