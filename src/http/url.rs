//! Absolute URLs from the base URL, a path and a query, percent-encoded as RFC 3986 asks.
//!
//! A base URL may carry a query of its own (Entra's `https://host/scim/v2?aadOptscim062020`):
//! it is kept on every request, after the path and before the request's own query, as Entra
//! sends it (`https://host/scim/v2/Users?aadOptscim062020&filter=…`).

use crate::scim::text::{percent_encode, Percent};

/// A query component, percent-encoded (RFC 3986 unreserved characters left as they are).
pub(super) fn encode_component(s: &str) -> String {
    percent_encode(s, Percent::default())
}

/// Splits `text` at its first `?` into the part before and the query after (without the `?`;
/// an empty query is none).
fn split_query(text: &str) -> (&str, Option<&str>) {
    match text.split_once('?') {
        Some((before, query)) => (before, Some(query).filter(|q| !q.is_empty())),
        None => (text, None),
    }
}

/// The absolute URL for a path relative to `base`, with an encoded query. The base URL's own
/// query comes first, then the path's, then `query`. An absolute `path` is kept as it is (the
/// target named it, e.g. in a `Location` header), with `query` appended.
pub(super) fn join(base: &str, path: &str, query: &[(String, String)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut url = if path.starts_with("http://") || path.starts_with("https://") {
        let (path, path_query) = split_query(path);
        parts.extend(path_query.map(str::to_string));
        path.to_string()
    } else {
        let (base, base_query) = split_query(base);
        let (path, path_query) = split_query(path);
        parts.extend(base_query.map(str::to_string));
        parts.extend(path_query.map(str::to_string));
        format!("{}{path}", base.trim_end_matches('/'))
    };
    parts.extend(
        query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))),
    );
    if !parts.is_empty() {
        url.push('?');
        url.push_str(&parts.join("&"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_queries_with_percent_twenty() {
        assert_eq!(
            join(
                "http://h/scim/v2/",
                "/Users",
                &[("filter".into(), "userName eq \"a b\"".into())]
            ),
            "http://h/scim/v2/Users?filter=userName%20eq%20%22a%20b%22"
        );
        assert_eq!(
            join("http://h/", "http://o/x?a=1", &[("b".into(), "2".into())]),
            "http://o/x?a=1&b=2"
        );
    }

    #[test]
    fn keeps_the_base_query_after_the_path() {
        let base = "https://h/scim/v2?aadOptscim062020";
        assert_eq!(
            join(base, "/Users", &[]),
            "https://h/scim/v2/Users?aadOptscim062020"
        );
        assert_eq!(
            join(
                base,
                "/Users",
                &[("filter".into(), "userName eq \"a\"".into())]
            ),
            "https://h/scim/v2/Users?aadOptscim062020&filter=userName%20eq%20%22a%22"
        );
        assert_eq!(
            join("https://h/scim/v2/?aadOptscim062020", "/Users/1", &[]),
            "https://h/scim/v2/Users/1?aadOptscim062020"
        );
        assert_eq!(
            join(
                base,
                "/Users?attributes=id",
                &[("count".into(), "1".into())]
            ),
            "https://h/scim/v2/Users?aadOptscim062020&attributes=id&count=1"
        );
        assert_eq!(join(base, "", &[]), "https://h/scim/v2?aadOptscim062020");
    }

    #[test]
    fn an_empty_base_query_adds_nothing() {
        assert_eq!(
            join("https://h/scim/v2?", "/Users", &[]),
            "https://h/scim/v2/Users"
        );
    }
}
