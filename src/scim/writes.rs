//! The resources a request writes: its own body for `POST`/`PUT`, and the `data` of each
//! `POST`/`PUT` operation inside a `POST /Bulk` (RFC 7644 §3.7). Anything that completes or
//! inspects written resources (profiles, server-declared required attributes) walks them here.

use serde_json::Value;

/// Calls `visit(path, resource)` for every resource `method path` with `body` writes; `path`
/// without its query.
pub fn for_each_written(
    method: &str,
    path: &str,
    body: &mut Value,
    mut visit: impl FnMut(&str, &mut Value),
) {
    let path = path.split('?').next().unwrap_or(path);
    if !matches!(method, "POST" | "PUT") {
        return;
    }
    if method == "POST" && path == "/Bulk" {
        let ops = body.get_mut("Operations").and_then(Value::as_array_mut);
        for op in ops.into_iter().flatten() {
            let m = op
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_uppercase();
            let p = op
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if m == "POST" || m == "PUT" {
                if let Some(data) = op.get_mut("data") {
                    visit(&p, data);
                }
            }
        }
        return;
    }
    visit(path, body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_bodies_and_bulk_data() {
        let mut seen = Vec::new();
        let mut body = json!({"userName": "u"});
        for_each_written("POST", "/Users?x=1", &mut body, |p, _| {
            seen.push(p.to_string())
        });
        let mut bulk = json!({"Operations": [
            {"method": "post", "path": "/Users", "data": {}},
            {"method": "DELETE", "path": "/Users/1"},
            {"method": "PUT", "path": "/Groups/2", "data": {}}
        ]});
        for_each_written("POST", "/Bulk", &mut bulk, |p, _| seen.push(p.to_string()));
        for_each_written("PATCH", "/Users/1", &mut body, |p, _| {
            seen.push(p.to_string())
        });
        assert_eq!(seen, ["/Users", "/Users", "/Groups/2"]);
    }
}
