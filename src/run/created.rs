//! The resources a case created, read from the target's answers: any 2xx answer to a POST or
//! PUT on a resource endpoint whose body has an `id` (a string or a number), and every Bulk
//! operation that created one. The case deletes them at its end; a created resource that
//! cannot even be addressed is a [`Leftover`] at once.

use serde_json::Value;

use super::outcome::Leftover;
use crate::http::Exchange;
use crate::scim::pointer;

/// Endpoints that are not a collection of resources: nothing POSTed or PUT there is tracked.
const NOT_RESOURCE_ENDPOINTS: [&str; 6] = [
    "Bulk",
    "Me",
    "ServiceProviderConfig",
    "ResourceTypes",
    "Schemas",
    ".search",
];

/// A resource to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resource {
    /// The endpoint it was created under, e.g. `Users`.
    pub resource_type: String,
    /// Its id, or its location when created by a Bulk operation.
    pub resource: String,
    /// Where its DELETE goes (absolute; the client refuses it when off the target's origin).
    pub url: String,
}

impl Resource {
    /// This resource as left behind, for `reason`.
    pub fn left(&self, reason: String) -> Leftover {
        Leftover {
            resource_type: self.resource_type.clone(),
            resource: self.resource.clone(),
            reason,
        }
    }
}

/// Resources created so far by one case, each once, and those that cannot be addressed.
#[derive(Debug, Default)]
pub(super) struct Created {
    /// The target's base URL without a trailing `/`.
    base: String,
    resources: Vec<Resource>,
    unaddressable: Vec<Leftover>,
    /// URLs a DELETE (or a Bulk DELETE operation) answered 2xx or 404 for: already gone.
    gone: Vec<String>,
}

impl Created {
    pub fn new(base_url: &str) -> Self {
        Self {
            base: base_url.trim_end_matches('/').to_string(),
            ..Self::default()
        }
    }

    /// Reads what `exchange` created or deleted.
    pub fn track(&mut self, exchange: &Exchange) {
        let url = without_query(&exchange.request.url);
        let status = exchange.response.status;
        let success = (200..300).contains(&status);
        let method = exchange.request.method.to_ascii_uppercase();
        if method == "DELETE" {
            if success || status == 404 {
                self.forget(url);
            }
            return;
        }
        if !success || !matches!(method.as_str(), "POST" | "PUT") {
            return;
        }
        let Some(segments) = url
            .strip_prefix(&self.base)
            .map(|rest| rest.trim_matches('/').split('/').collect::<Vec<_>>())
        else {
            return;
        };
        match (method.as_str(), segments.as_slice()) {
            ("POST", ["Bulk"]) => self.bulk(exchange, url),
            ("POST", [endpoint]) | ("PUT", [endpoint, _])
                if !NOT_RESOURCE_ENDPOINTS.contains(endpoint) && !segments.contains(&".search") =>
            {
                self.resource(endpoint, exchange)
            }
            _ => {}
        }
    }

    /// A resource named by the `id` of a POST or PUT answer.
    fn resource(&mut self, endpoint: &str, exchange: &Exchange) {
        let id = match exchange.response.json.as_ref().and_then(|j| j.get("id")) {
            None | Some(Value::Null) => return,
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => {
                self.unaddressable.push(Leftover {
                    resource_type: endpoint.to_string(),
                    resource: other.to_string(),
                    reason: "its id is not a non-empty string or a number; it cannot be deleted"
                        .into(),
                });
                return;
            }
        };
        let url = format!("{}/{endpoint}/{}", self.base, encode_segment(&id));
        self.add(Resource {
            resource_type: endpoint.to_string(),
            resource: id,
            url,
        });
    }

    /// A resource deleted: no longer tracked, and already gone.
    fn forget(&mut self, url: &str) {
        self.resources.retain(|r| r.url != url);
        if !self.gone.iter().any(|g| g == url) {
            self.gone.push(url.to_string());
        }
    }

    /// Every Bulk operation that answered 2xx to a POST or PUT, at its `location`; those that
    /// deleted are forgotten.
    fn bulk(&mut self, exchange: &Exchange, bulk_url: &str) {
        let answers = exchange
            .response
            .json
            .as_ref()
            .and_then(|j| pointer::get(j, "/Operations"))
            .and_then(Value::as_array);
        let requests: Vec<Value> = exchange
            .request
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str::<Value>(b).ok())
            .and_then(|j| pointer::get(&j, "/Operations").cloned())
            .and_then(|ops| ops.as_array().cloned())
            .unwrap_or_default();
        for (index, op) in answers.into_iter().flatten().enumerate() {
            let method = op.get("method").and_then(Value::as_str).unwrap_or("");
            if method.eq_ignore_ascii_case("DELETE") {
                self.bulk_delete(op, bulk_request(&requests, op, index), bulk_url);
                continue;
            }
            let creates = method.eq_ignore_ascii_case("POST");
            if !(creates || method.eq_ignore_ascii_case("PUT")) {
                continue;
            }
            if op_status(op).is_some_and(|s| !(200..300).contains(&s)) {
                continue;
            }
            let request = bulk_request(&requests, op, index);
            match op.get("location").and_then(Value::as_str) {
                Some(location) if !location.is_empty() => self.bulk_location(location, bulk_url),
                _ if creates => self.unaddressable.push(Leftover {
                    resource_type: request
                        .and_then(|r| r.get("path"))
                        .and_then(Value::as_str)
                        .map_or("Bulk".into(), endpoint_of),
                    resource: match op.get("bulkId").and_then(Value::as_str) {
                        Some(id) => format!("bulkId {id}"),
                        None => format!("Bulk operation {}", index + 1),
                    },
                    reason: "the Bulk answer gives no location for it; it cannot be deleted".into(),
                }),
                _ => {}
            }
        }
    }

    /// A Bulk DELETE operation answered 2xx or 404: its resource, at its `location` or the
    /// request's `path`, is gone.
    fn bulk_delete(&mut self, op: &Value, request: Option<&Value>, bulk_url: &str) {
        if op_status(op).is_some_and(|s| !(200..300).contains(&s) && s != 404) {
            return;
        }
        let location = op.get("location").and_then(Value::as_str);
        let path = request.and_then(|r| r.get("path")).and_then(Value::as_str);
        let url = match (location.and_then(|l| resolve(l, bulk_url)), path) {
            (Some(url), _) => url.to_string(),
            (None, Some(path)) => format!("{}/{}", self.base, path.trim_start_matches('/')),
            (None, None) => return,
        };
        self.forget(without_query(&url));
    }

    fn bulk_location(&mut self, location: &str, bulk_url: &str) {
        match reqwest::Url::parse(bulk_url).and_then(|base| base.join(location)) {
            Ok(url) => {
                let segments: Vec<&str> = url
                    .path_segments()
                    .map(|s| s.filter(|s| !s.is_empty()).collect())
                    .unwrap_or_default();
                let resource_type = match segments.as_slice() {
                    [.., endpoint, _] => endpoint.to_string(),
                    _ => "Bulk".to_string(),
                };
                self.add(Resource {
                    resource_type,
                    resource: location.to_string(),
                    url: url.to_string(),
                });
            }
            Err(e) => self.unaddressable.push(Leftover {
                resource_type: "Bulk".into(),
                resource: location.to_string(),
                reason: format!("the Bulk answer's location is not a URL ({e})"),
            }),
        }
    }

    fn add(&mut self, resource: Resource) {
        if !self.resources.iter().any(|r| r.url == resource.url) {
            self.resources.push(resource);
        }
    }

    /// Whether a DELETE of `url` would delete a tracked resource.
    pub fn tracks(&self, url: &str) -> bool {
        let url = without_query(url);
        self.resources.iter().any(|r| r.url == url)
    }

    /// Whether a DELETE of `url` already answered 2xx or 404.
    pub fn is_gone(&self, url: &str) -> bool {
        let url = without_query(url);
        self.gone.iter().any(|g| g == url)
    }

    /// The resource created last, no longer tracked.
    pub fn pop(&mut self) -> Option<Resource> {
        self.resources.pop()
    }

    /// Created resources that no request can address.
    pub fn take_unaddressable(&mut self) -> Vec<Leftover> {
        std::mem::take(&mut self.unaddressable)
    }
}

/// A Bulk `location` made absolute against the Bulk endpoint (RFC 3986 §5 resolution).
fn resolve(location: &str, bulk_url: &str) -> Option<reqwest::Url> {
    reqwest::Url::parse(bulk_url)
        .and_then(|base| base.join(location))
        .ok()
}

fn without_query(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url[..end].trim_end_matches('/')
}

/// A Bulk operation's status: `"201"`, `201` or `{ "code": "201" }` (RFC 7644 §3.7 shows both).
fn op_status(op: &Value) -> Option<u16> {
    fn code(v: &Value) -> Option<u16> {
        match v {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::Object(o) => o.get("code").and_then(code),
            _ => None,
        }
    }
    op.get("status").and_then(code)
}

/// The request operation an answer operation belongs to: the same `bulkId`, else the same
/// position.
fn bulk_request<'r>(requests: &'r [Value], answer: &Value, index: usize) -> Option<&'r Value> {
    match answer.get("bulkId").and_then(Value::as_str) {
        Some(id) => requests
            .iter()
            .find(|r| r.get("bulkId").and_then(Value::as_str) == Some(id)),
        None => requests.get(index),
    }
}

/// `Users` for `/Users` or `/Users/1`.
fn endpoint_of(path: &str) -> String {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// An id made one path segment: everything but RFC 3986 unreserved characters is
/// percent-encoded, so an id cannot reach another path.
fn encode_segment(id: &str) -> String {
    let out = crate::scim::text::percent_encode(id, crate::scim::text::Percent::default());
    match out.as_str() {
        // "." and ".." are dot segments: they would name the endpoint or the base.
        "." | ".." => out.replace('.', "%2E"),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{RecordedRequest, RecordedResponse};
    use serde_json::json;
    use std::time::Duration;

    const BASE: &str = "http://h:1/scim/v2";

    fn exchange(method: &str, path: &str, status: u16, body: Value) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: method.into(),
                url: format!("{BASE}{path}"),
                headers: Vec::new(),
                body: Some(
                    json!({"Operations": [{"method": "POST", "path": "/Groups", "bulkId": "g"}]})
                        .to_string(),
                ),
            },
            response: RecordedResponse {
                status,
                headers: Vec::new(),
                body: body.to_string(),
                json: Some(body),
            },
            elapsed: Duration::ZERO,
        }
    }

    fn urls(created: &mut Created) -> Vec<String> {
        let mut urls = Vec::new();
        while let Some(r) = created.pop() {
            urls.push(r.url);
        }
        urls.reverse();
        urls
    }

    #[test]
    fn any_2xx_with_an_id_is_a_creation() {
        let mut created = Created::new(&format!("{BASE}/"));
        created.track(&exchange("POST", "/Users", 201, json!({"id": "a"})));
        created.track(&exchange("POST", "/Users", 200, json!({"id": 7})));
        created.track(&exchange("PUT", "/Groups/g1", 200, json!({"id": "g1"})));
        created.track(&exchange("PUT", "/Groups/g1", 200, json!({"id": "g1"})));
        created.track(&exchange(
            "POST",
            "/Users?x=1",
            204,
            json!({"id": "b/../c"}),
        ));
        assert_eq!(
            urls(&mut created),
            [
                "http://h:1/scim/v2/Users/a",
                "http://h:1/scim/v2/Users/7",
                "http://h:1/scim/v2/Groups/g1",
                "http://h:1/scim/v2/Users/b%2F..%2Fc",
            ]
        );
    }

    #[test]
    fn refusals_searches_and_discovery_are_not_creations() {
        let mut created = Created::new(BASE);
        created.track(&exchange("POST", "/Users", 409, json!({"id": "a"})));
        created.track(&exchange("POST", "/Users/.search", 200, json!({"id": "a"})));
        created.track(&exchange("POST", "/Schemas", 200, json!({"id": "urn:x"})));
        created.track(&exchange("POST", "/Me", 201, json!({"id": "me"})));
        created.track(&exchange("PATCH", "/Users/a", 200, json!({"id": "a"})));
        created.track(&exchange("POST", "/Users", 201, json!({"id": null})));
        assert!(urls(&mut created).is_empty());
        assert!(created.take_unaddressable().is_empty());
    }

    #[test]
    fn a_delete_answered_2xx_or_404_forgets_the_resource() {
        let mut created = Created::new(BASE);
        created.track(&exchange("POST", "/Users", 201, json!({"id": "a"})));
        created.track(&exchange("POST", "/Users", 201, json!({"id": "b"})));
        created.track(&exchange("POST", "/Users", 201, json!({"id": "c"})));
        assert!(created.tracks(&format!("{BASE}/Users/a?x=1")));
        created.track(&exchange("DELETE", "/Users/a", 204, Value::Null));
        created.track(&exchange("DELETE", "/Users/b", 404, Value::Null));
        created.track(&exchange("DELETE", "/Users/c", 500, Value::Null));
        assert_eq!(urls(&mut created), ["http://h:1/scim/v2/Users/c"]);
        assert!(created.is_gone(&format!("{BASE}/Users/a")));
        assert!(created.is_gone(&format!("{BASE}/Users/b")));
        assert!(!created.is_gone(&format!("{BASE}/Users/c")));
    }

    #[test]
    fn a_bulk_delete_forgets_the_resource() {
        let mut created = Created::new(BASE);
        created.track(&exchange("POST", "/Users", 201, json!({"id": "a"})));
        let mut bulk = exchange(
            "POST",
            "/Bulk",
            200,
            json!({"Operations": [{"method": "DELETE", "status": "204"}]}),
        );
        bulk.request.body =
            Some(json!({"Operations": [{"method": "DELETE", "path": "/Users/a"}]}).to_string());
        created.track(&bulk);
        assert!(urls(&mut created).is_empty());
        assert!(created.is_gone(&format!("{BASE}/Users/a")));
    }

    #[test]
    fn bulk_creations_are_tracked_at_their_location() {
        let mut created = Created::new(BASE);
        let answer = json!({"Operations": [
            {"method": "POST", "bulkId": "1", "status": "201", "location": "http://h:1/scim/v2/Users/1"},
            {"method": "POST", "bulkId": "2", "status": {"code": 201}, "location": "Users/2"},
            {"method": "POST", "bulkId": "3", "status": 201, "location": "/scim/v2/Groups/3"},
            {"method": "POST", "bulkId": "4", "status": "409", "location": "Users/4"},
            {"method": "PATCH", "status": "200", "location": "Users/5"},
            {"method": "POST", "bulkId": "6", "location": "http://elsewhere:2/Users/6"},
            {"method": "POST", "bulkId": "g", "status": "201"},
            {"method": "POST", "status": "201", "location": {"no": "url"}}
        ]});
        created.track(&exchange("POST", "/Bulk", 200, answer));
        let leftovers = created.take_unaddressable();
        assert_eq!(
            leftovers.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
            [
                "Groups bulkId g: the Bulk answer gives no location for it; it cannot be deleted",
                "Bulk Bulk operation 8: the Bulk answer gives no location for it; it cannot be deleted",
            ]
        );
        let mut types = Vec::new();
        let mut all = Vec::new();
        while let Some(r) = created.pop() {
            types.push(r.resource_type);
            all.push(r.url);
        }
        all.reverse();
        types.reverse();
        assert_eq!(
            all,
            [
                "http://h:1/scim/v2/Users/1",
                "http://h:1/scim/v2/Users/2",
                "http://h:1/scim/v2/Groups/3",
                "http://elsewhere:2/Users/6",
            ]
        );
        assert_eq!(types, ["Users", "Users", "Groups", "Users"]);
    }

    #[test]
    fn unusable_ids_are_left_behind_at_once() {
        let mut created = Created::new(BASE);
        created.track(&exchange("POST", "/Users", 201, json!({"id": ""})));
        created.track(&exchange("POST", "/Users", 201, json!({"id": {"a": 1}})));
        assert!(urls(&mut created).is_empty());
        assert_eq!(created.take_unaddressable().len(), 2);
    }

    #[test]
    fn ids_stay_one_segment() {
        assert_eq!(encode_segment("2819c223-7f76"), "2819c223-7f76");
        assert_eq!(encode_segment("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(encode_segment(".."), "%2E%2E");
    }
}
