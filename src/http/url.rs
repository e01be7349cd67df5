//! Absolute URLs from the base URL, a path and a query, percent-encoded as RFC 3986 asks.

/// Characters left as they are in a query component (RFC 3986 unreserved).
pub(super) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The absolute URL for a path relative to `base`, with an encoded query; an absolute `path`
/// is kept as it is.
pub(super) fn join(base: &str, path: &str, query: &[(String, String)]) -> String {
    let base = base.trim_end_matches('/');
    let mut url = if path.starts_with("http://") || path.starts_with("https://") {
        path.to_string()
    } else {
        format!("{base}{path}")
    };
    if !query.is_empty() {
        let q: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&q.join("&"));
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
}
