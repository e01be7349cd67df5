//! JSON pointers as cases use them, and the key lookup under them: object keys match
//! case-insensitively (SCIM attribute names are case-insensitive, RFC 7643 §2.1) and a `*`
//! segment stands for every element of an array.

use serde_json::{Map, Value};

/// Looks up a key: exactly first, then ignoring ASCII case.
pub fn get_key<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// [`get_key`] for changing the value.
pub fn get_key_mut<'a>(object: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    if object.contains_key(key) {
        return object.get_mut(key);
    }
    let found = object.keys().find(|k| k.eq_ignore_ascii_case(key))?.clone();
    object.get_mut(&found)
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Every location the pointer names, with the value there (`None` when absent).
/// A pointer without `*` gives exactly one location.
pub fn resolve<'a>(root: &'a Value, pointer: &str) -> Vec<(String, Option<&'a Value>)> {
    let mut current: Vec<(String, Option<&'a Value>)> = vec![(String::new(), Some(root))];
    if pointer.is_empty() {
        return current;
    }
    for raw in pointer.split('/').skip(1) {
        let segment = unescape(raw);
        let mut next = Vec::new();
        for (path, value) in current {
            match (segment.as_str(), value) {
                ("*", Some(Value::Array(items))) => {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{path}/{i}"), Some(item)));
                    }
                }
                (_, Some(Value::Object(map))) => {
                    next.push((format!("{path}/{raw}"), get_key(map, &segment)));
                }
                (_, Some(Value::Array(items))) => {
                    let item = segment.parse::<usize>().ok().and_then(|i| items.get(i));
                    next.push((format!("{path}/{raw}"), item));
                }
                _ => next.push((format!("{path}/{raw}"), None)),
            }
        }
        current = next;
    }
    current
}

/// The single value a pointer names (the first, if it has `*` segments).
pub fn get<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    resolve(root, pointer)
        .into_iter()
        .next()
        .and_then(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_case_insensitively_and_with_wildcards() {
        let doc = json!({"Resources": [{"userName": "a"}, {"username": "b"}, {}]});
        let found: Vec<_> = resolve(&doc, "/resources/*/userName")
            .into_iter()
            .map(|(p, v)| (p, v.cloned()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("/resources/0/userName".to_string(), Some(json!("a"))),
                ("/resources/1/userName".to_string(), Some(json!("b"))),
                ("/resources/2/userName".to_string(), None),
            ]
        );
        assert_eq!(get(&doc, "/Resources/1/userName"), Some(&json!("b")));
        assert_eq!(get(&doc, "/missing/x"), None);
        assert_eq!(get(&doc, ""), Some(&doc));
    }

    #[test]
    fn keys_match_exactly_first_then_ignoring_case() {
        let mut obj = serde_json::Map::new();
        obj.insert("userName".into(), json!("exact"));
        obj.insert("USERNAME".into(), json!("upper"));
        obj.insert("title".into(), json!("t"));
        assert_eq!(get_key(&obj, "USERNAME"), Some(&json!("upper")));
        assert_eq!(get_key(&obj, "username"), Some(&json!("exact")));
        assert_eq!(get_key(&obj, "TITLE"), Some(&json!("t")));
        assert_eq!(get_key(&obj, "other"), None);
        if let Some(v) = get_key_mut(&mut obj, "Title") {
            *v = json!("changed");
        }
        assert_eq!(obj["title"], json!("changed"));
        assert!(get_key_mut(&mut obj, "other").is_none());
    }
}
