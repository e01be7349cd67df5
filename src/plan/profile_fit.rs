//! Whether a case fits a target profile: what the profile excludes counts as an unsupported
//! capability ([`restrict_capabilities`]), and a case whose requests need an attribute, value
//! type, filter or test data the profile excludes gets a skip reason ([`skip_reason`]).

use serde_json::Value;

use super::attr_uses::{body_of, is_user_path, request_uses};
use super::Capabilities;
use crate::load::{Capability, Case, Method};
use crate::profile::attr_use::{TypeInfo, UseKind};
use crate::profile::{data, Profile, Unsupported};
use crate::scim::urn::USER as CORE_USER;
use crate::template;

/// Marks what the profile excludes as unsupported: groups when they are not provisioned,
/// the Enterprise User extension when no attribute of it is listed. Done once per run, before
/// planning: the evidence is what the skip reasons and the reports show.
pub fn restrict_capabilities(profile: &Profile, capabilities: &mut Capabilities) {
    if !profile.file.groups {
        capabilities.set(
            Capability::Groups,
            false,
            format!("profile {} does not provision groups", profile.name()),
        );
    }
    if !profile.has_enterprise_user() {
        capabilities.set(
            Capability::EnterpriseUser,
            false,
            format!(
                "profile {} does not include the Enterprise User extension",
                profile.name()
            ),
        );
    }
}

/// True when an expectation of the case mentions `text` in a value (e.g. an extension URN
/// expected in `schemas`).
fn expects_text(case: &Case, text: &str) -> bool {
    case.steps.iter().any(|s| {
        s.expect.body.values().any(|m| {
            [&m.equals, &m.contains, &m.not_contains]
                .into_iter()
                .flatten()
                .any(|v| v.to_string().contains(text))
        })
    })
}

/// Why `case` cannot run against a target of this profile, if it cannot: an attribute, value
/// type or filter the target does not support, the removal of an attribute it requires, or
/// test data the profile cannot provide.
pub fn skip_reason(profile: &Profile, case: &Case) -> Option<String> {
    let vars = data::static_vars(Some(profile));
    let prefix = format!("profile {}", profile.name());

    // Test data the profile cannot provide.
    let mut referenced = Vec::new();
    for request in case.steps.iter().map(|s| &s.request) {
        if let Ok(names) = template::variables(&request.path) {
            referenced.extend(names.into_iter().map(str::to_string));
        }
        if let Some(body) = &request.body {
            let _ = template::variables_in_value(body, &mut referenced);
        }
        for v in request.query.values() {
            let _ = template::variables_in_value(v, &mut referenced);
        }
    }
    for value in case.vars.values() {
        let _ = template::variables_in_value(value, &mut referenced);
    }
    for name in &referenced {
        if let Some((_, None)) = vars.iter().find(|(n, _)| n == name) {
            return Some(format!(
                "{prefix} has no {} ({{{{{name}}}}})",
                data::describe(name)
            ));
        }
    }

    let mut uses = Vec::new();
    for step in &case.steps {
        request_uses(&step.request, &vars, &mut uses);
    }
    // Whether the case looks at an attribute (or one sub-attribute of it): filters or sorts
    // on it, asks for it, or checks it in a response.
    let looks_at = |urn: Option<&str>, name: &str, sub: Option<&str>| {
        let same_sub = |other: Option<&str>| match (sub, other) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => true,
        };
        uses.iter().any(|u| {
            matches!(u.kind, UseKind::Filter | UseKind::Read)
                && u.name.eq_ignore_ascii_case(name)
                && same_sub(u.sub.as_deref())
                && u.urn
                    .as_deref()
                    .unwrap_or(CORE_USER)
                    .eq_ignore_ascii_case(urn.unwrap_or(CORE_USER))
        }) || urn.is_some_and(|u| !u.eq_ignore_ascii_case(CORE_USER) && expects_text(case, u))
            || case.steps.iter().any(|s| {
                s.expect.body.keys().any(|p| {
                    let segs: Vec<&str> = p.split('/').collect();
                    segs.iter().enumerate().any(|(i, seg)| {
                        (seg.eq_ignore_ascii_case(name) && same_sub(segs.get(i + 1).copied()))
                            || urn.is_some_and(|u| seg.eq_ignore_ascii_case(u))
                                && segs
                                    .get(i + 1)
                                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    })
                })
            })
    };
    let mut reasons: Vec<String> = Vec::new();
    // A target without groups has no /Groups endpoint.
    if !profile.file.groups
        && case
            .steps
            .iter()
            .any(|s| s.request.path.starts_with("/Groups"))
    {
        reasons.push("groups are not provisioned".into());
    }
    // What the case modifies with PUT or PATCH: on a target that ignores an attribute, such a
    // modification changes nothing (no new version, no lastModified, no schema added).
    let mut modified = Vec::new();
    for step in &case.steps {
        if matches!(step.request.method, Method::Put | Method::Patch) {
            request_uses(&step.request, &vars, &mut modified);
        }
    }
    for u in &uses {
        if let Err(why) = profile.check_use(u) {
            // A target that ignores what it does not support only defeats a case that looks
            // at what it dropped, or that modifies it.
            let ignored = profile.file.unsupported == Unsupported::Ignore
                && matches!(u.kind, UseKind::Write | UseKind::Remove)
                && !modified.contains(u);
            if !ignored || looks_at(u.urn.as_deref(), &u.name, None) {
                reasons.push(why);
            }
        }
        if u.kind == UseKind::Remove {
            let required = profile.required().find(|a| {
                a.matches(u.urn.as_deref(), &u.name)
                    && (u.sub.is_none()
                        || a.sub.is_none()
                        || a.sub.as_deref().map(str::to_ascii_lowercase)
                            == u.sub.as_deref().map(str::to_ascii_lowercase)
                        || a.multi)
                    && match (&u.type_value, &a.type_value) {
                        (TypeInfo::Typed(t), Some(at)) => t.eq_ignore_ascii_case(at),
                        _ => true,
                    }
            });
            if let Some(a) = required {
                reasons.push(format!("the case clears {}, which is required", a.path()));
            }
        }
    }
    // A User created without a required attribute gets one from the runner; a case that
    // looks at that attribute (filters on it, asks for it, checks it) would see the addition.
    let mut bodies: Vec<Value> = Vec::new();
    for step in &case.steps {
        let r = &step.request;
        let Some(body) = body_of(r, &vars) else {
            continue;
        };
        // The runner sends a raw body as written: it cannot add required attributes to it.
        if r.body.is_none()
            && matches!(r.method, Method::Post | Method::Put)
            && is_user_path(&r.path)
        {
            for attr in profile.required() {
                if data::would_add(&body, attr) {
                    reasons.push(format!(
                        "the case sends a User as raw text without {}, which is required",
                        attr.path()
                    ));
                }
            }
        }
        match r.method {
            Method::Post | Method::Put
                if is_user_path(&r.path) && !r.path.ends_with("/.search") =>
            {
                bodies.push(body)
            }
            Method::Post if r.path == "/Bulk" => {
                for op in body
                    .get("Operations")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let m = op.get("method").and_then(Value::as_str).unwrap_or("");
                    let p = op.get("path").and_then(Value::as_str).unwrap_or("");
                    if (m.eq_ignore_ascii_case("POST") || m.eq_ignore_ascii_case("PUT"))
                        && is_user_path(p)
                    {
                        bodies.push(op.get("data").cloned().unwrap_or_default());
                    }
                }
            }
            _ => {}
        }
    }
    // Values a case sends that do not fit the profile's formats (a phone number that is not
    // E.164): the target refuses them, so the case cannot run there.
    for body in &bodies {
        for problem in data::format_problems(profile, body) {
            reasons.push(format!(
                "the case sends a value that does not fit: {problem}"
            ));
        }
    }
    for attr in profile.required() {
        // A case sending some values of a multi-valued attribute, but not the required one:
        // the runner leaves values a case sends alone, so the target refuses the User.
        if attr.multi
            && bodies.iter().any(|b| {
                !data::would_add(b, attr) && data::is_user_resource(b) && !data::has_value(b, attr)
            })
        {
            reasons.push(format!(
                "the case sends {} without {}, which is required",
                attr.name,
                attr.path()
            ));
        }
        if !bodies.iter().any(|b| data::would_add(b, attr)) {
            continue;
        }
        let sub = if attr.multi {
            None
        } else {
            attr.sub.as_deref()
        };
        if looks_at(Some(&attr.urn), &attr.name, sub) {
            reasons.push(format!(
                "the case creates a User without {}, which is required (scimspec adds one), and looks at {}",
                attr.path(),
                attr.name
            ));
        }
    }
    reasons.dedup();
    if reasons.is_empty() {
        None
    } else {
        let mut unique: Vec<String> = Vec::new();
        for r in reasons {
            if !unique.contains(&r) {
                unique.push(r);
            }
        }
        Some(format!("{prefix}: {}", unique.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::load;

    fn case(steps: &str) -> Case {
        let text = format!(
            "spec: RFC7644 §3.3\ncases:\n  - id: c\n    title: t\n    level: MUST\n    steps:\n{steps}"
        );
        crate::load::load_sources([("x.yaml".to_string(), text)])
            .unwrap_or_else(|e| panic!("{e}"))
            .cases
            .remove(0)
    }

    const POST_WORK_EMAIL: &str = "      - request:\n          method: POST\n          path: /Users\n          body: { schemas: [urn:ietf:params:scim:schemas:core:2.0:User], userName: \"{{uid}}\", emails: [{ type: work, value: \"a@b.io\" }] }\n";

    #[test]
    fn unsupported_types_skip_on_a_rejecting_target() {
        let reason = skip_reason(&load("xmatters").unwrap(), &case(POST_WORK_EMAIL));
        assert_eq!(
            reason.as_deref(),
            Some("profile xmatters: emails of type \"work\" is not supported (types: \"Work Email\", \"Home Email\")")
        );
    }

    #[test]
    fn profile_types_fit() {
        let steps = POST_WORK_EMAIL.replace("type: work", "type: \"{{profile.work_email_type}}\"");
        assert_eq!(skip_reason(&load("xmatters").unwrap(), &case(&steps)), None);
    }

    #[test]
    fn ignoring_targets_skip_only_what_the_case_looks_at() {
        let alexis = load("alexishr").unwrap();
        let sends = POST_WORK_EMAIL.replace(
            "userName: \"{{uid}}\"",
            "userName: \"{{uid}}\", nickName: n",
        );
        // The nickName is dropped, nothing looks at it; the work email is required and sent.
        assert_eq!(skip_reason(&alexis, &case(&sends)), None);
        let looks =
            format!("{sends}        expect: {{ body: {{ /nickName: {{ equals: n }} }} }}\n");
        let reason = skip_reason(&alexis, &case(&looks)).unwrap_or_default();
        assert!(
            reason.contains("attribute nickName is not supported"),
            "{reason}"
        );
    }

    #[test]
    fn filters_removals_and_missing_test_data() {
        let alexis = load("alexishr").unwrap();
        let filter =
            "      - request: { method: GET, path: /Users, query: { filter: 'title eq \"{{uid}}\"' } }\n";
        let reason = skip_reason(&alexis, &case(filter)).unwrap_or_default();
        assert!(
            reason.contains("filtering on title is not supported (only userName)"),
            "{reason}"
        );
        let remove = "      - request: { method: PATCH, path: /Users/1, body: { schemas: [urn:ietf:params:scim:api:messages:2.0:PatchOp], Operations: [{ op: remove, path: active }] } }\n";
        let reason = skip_reason(&alexis, &case(remove)).unwrap_or_default();
        assert!(
            reason.contains("clears active, which is required"),
            "{reason}"
        );
        let home = POST_WORK_EMAIL.replace("type: work", "type: \"{{profile.home_email_type}}\"");
        let reason = skip_reason(&alexis, &case(&home)).unwrap_or_default();
        assert_eq!(
            reason,
            "profile alexishr has no home email type ({{profile.home_email_type}})"
        );
        let phone = POST_WORK_EMAIL.replace(
            "emails: [{ type: work, value: \"a@b.io\" }]",
            "emails: [{ type: work, value: \"a@b.io\" }], phoneNumbers: [{ type: work, value: \"555-0100\" }]",
        );
        let reason = skip_reason(&alexis, &case(&phone)).unwrap_or_default();
        assert!(reason.contains("must be in e164 format"), "{reason}");
    }
}
