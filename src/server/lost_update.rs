//! The read-modify-write race of the `lost-member-update` and `lost-attribute-update`
//! faults: a PATCH reads the resource, waits, and then applies its operations to what it
//! read, overwriting whatever other requests stored meanwhile. The wait is long enough for
//! requests sent together to all read the same copy, so the loss shows every time.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::faults::Fault;
use super::kind::Kind;
use super::state::AppState;
use super::store::Record;

/// How long a racing PATCH waits between reading and writing.
const RACE_WINDOW: Duration = Duration::from_millis(60);

/// Under a lost-update fault, the copy of the resource a PATCH will modify, read before a
/// wait; `None` (at once) when the PATCH does not race.
pub async fn stale_copy(
    state: &AppState,
    kind: Kind,
    id: &str,
    body: &[u8],
) -> Option<Arc<Record>> {
    let cfg = state.config();
    let races = match kind {
        Kind::Group => cfg.has(Fault::LostMemberUpdate) && touches_members(body),
        Kind::User => cfg.has(Fault::LostAttributeUpdate),
    };
    if !races {
        return None;
    }
    let copy = state.read().table(kind).get(id).cloned()?;
    tokio::time::sleep(RACE_WINDOW).await;
    Some(copy)
}

/// Does a PatchOp body change `members` (a path on it, or a path-less value naming it)?
fn touches_members(body: &[u8]) -> bool {
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let is_members = |name: &str| {
        let lower = name.to_ascii_lowercase();
        lower == "members" || lower.starts_with("members[") || lower.starts_with("members.")
    };
    let operations = body
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("operations")))
        .and_then(|(_, v)| v.as_array());
    operations.into_iter().flatten().any(|op| {
        let field = |name: &str| {
            op.as_object()
                .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                .map(|(_, v)| v)
        };
        match field("path").and_then(Value::as_str) {
            Some(path) => is_members(path),
            None => field("value")
                .and_then(Value::as_object)
                .is_some_and(|v| v.keys().any(|k| is_members(k))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_changes_are_found_by_path_or_value() {
        let with_path =
            br#"{"Operations":[{"op":"add","path":"members","value":[{"value":"1"}]}]}"#;
        let filtered = br#"{"operations":[{"op":"remove","path":"members[value eq \"1\"]"}]}"#;
        let pathless = br#"{"Operations":[{"op":"add","value":{"Members":[{"value":"1"}]}}]}"#;
        let rename = br#"{"Operations":[{"op":"replace","path":"displayName","value":"x"}]}"#;
        assert!(touches_members(with_path));
        assert!(touches_members(filtered));
        assert!(touches_members(pathless));
        assert!(!touches_members(rename));
        assert!(!touches_members(b"not json"));
    }
}
