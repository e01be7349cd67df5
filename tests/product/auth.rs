//! Authentication methods against a tiny SCIM endpoint and OAuth 2 token endpoint started by
//! the test: the client credentials token is fetched once, cached, fetched again when it
//! expires or is refused; Basic with an account domain; extra headers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

use crate::support::serve_router;
use scimspec::config::ConfigError;
use scimspec::http::{ClientOptions, Connection, Credentials, HttpClient, OAuth2, OutgoingRequest};

#[derive(Default)]
struct Counters {
    issued: AtomicUsize,
    /// Token number the resource server refuses once (as if revoked).
    revoked: AtomicUsize,
}

fn endpoints(counters: Arc<Counters>, expires_in: u64) -> String {
    let issue = Arc::clone(&counters);
    let check = Arc::clone(&counters);
    let router = Router::new()
        .route(
            "/token",
            post(move || {
                let c = Arc::clone(&issue);
                async move {
                    let n = c.issued.fetch_add(1, Ordering::SeqCst) + 1;
                    axum::Json(serde_json::json!({
                        "access_token": format!("tok-{n}-abcdef"),
                        "token_type": "Bearer",
                        "expires_in": expires_in
                    }))
                }
            }),
        )
        .route(
            "/scim/Users",
            get(move |headers: HeaderMap| {
                let c = Arc::clone(&check);
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let revoked = format!("Bearer tok-{}-abcdef", c.revoked.load(Ordering::SeqCst));
                    let tenant = headers.get("x-tenant").and_then(|v| v.to_str().ok());
                    if !auth.starts_with("Bearer tok-") || auth == revoked || tenant != Some("acme")
                    {
                        return StatusCode::UNAUTHORIZED.into_response();
                    }
                    (StatusCode::OK, auth).into_response()
                }
            }),
        );
    serve_router(router, "")
}

fn client(base: &str, scope: Option<&str>) -> HttpClient {
    HttpClient::new(ClientOptions {
        credentials: Credentials::OAuth2(OAuth2 {
            token_url: format!("{base}/token"),
            client_id: "id".into(),
            client_secret: "secret-value-123".into(),
            scope: scope.map(str::to_string),
        }),
        extra_headers: vec![("X-Tenant".into(), "acme".into())],
        ..ClientOptions::new(format!("{base}/scim"))
    })
    .expect("client")
}

#[test]
fn oauth_token_is_cached_and_refreshed_on_expiry_and_on_401() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let counters = Arc::new(Counters::default());
    let base = endpoints(Arc::clone(&counters), 1);
    let client = client(&base, Some("scim.write"));
    runtime.block_on(async {
        let get = OutgoingRequest::get("/Users");
        let first = client.send(&get).await.expect("send");
        assert_eq!(first.response.status, 200);
        assert_eq!(first.response.body, "Bearer tok-1-abcdef");
        let second = client.send(&get).await.expect("send");
        assert_eq!(second.response.body, "Bearer tok-1-abcdef", "cached");
        assert_eq!(counters.issued.load(Ordering::SeqCst), 1);

        // expires_in = 1: renewed before it runs out.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let third = client.send(&get).await.expect("send");
        assert_eq!(
            third.response.body, "Bearer tok-2-abcdef",
            "renewed on expiry"
        );

        // The server refuses the current token: a new one is fetched and the request resent.
        counters.revoked.store(2, Ordering::SeqCst);
        let fourth = client.send(&get).await.expect("send");
        assert_eq!(fourth.response.status, 200);
        assert_eq!(
            fourth.response.body, "Bearer tok-3-abcdef",
            "refreshed on 401"
        );
    });
    // Every token and the secret are known to the redactor.
    let r = client.redactor();
    assert_eq!(
        r.redact("tok-1-abcdef tok-3-abcdef secret-value-123"),
        "[REDACTED] [REDACTED] [REDACTED]"
    );
}

/// A load worker's own connection (`scimspec load`) sends the same token and extra header,
/// and fetches a new token when the current one is refused.
#[test]
fn a_load_workers_own_connection_sends_the_token_and_refreshes_it_on_401() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let counters = Arc::new(Counters::default());
    let base = endpoints(Arc::clone(&counters), 3600);
    let mut connection = Connection::new(Arc::new(client(&base, None)));
    assert!(connection.is_direct(), "plain HTTP on loopback");
    runtime.block_on(async {
        let get = OutgoingRequest::get("/Users");
        for _ in 0..3 {
            let answer = connection.send(&get, false).await.expect("send");
            assert_eq!(answer.status, 200);
        }
        assert_eq!(counters.issued.load(Ordering::SeqCst), 1, "cached");
        counters.revoked.store(1, Ordering::SeqCst);
        let answer = connection.send(&get, false).await.expect("send");
        assert_eq!(answer.status, 200, "refreshed on 401 and sent again");
        assert_eq!(counters.issued.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn a_refused_token_request_is_an_error_without_the_secret() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let router = Router::new().route(
        "/token",
        post(|| async {
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({"error": "invalid_client", "error_description": "bad secret-value-123"})),
            )
        }),
    );
    let base = serve_router(router, "");
    let client = client(&base, None);
    let err = runtime
        .block_on(client.send(&OutgoingRequest::get("/Users")))
        .expect_err("no token, no request");
    let shown = err.to_string();
    assert!(shown.contains("cannot get an OAuth 2 token"), "{shown}");
    assert!(shown.contains("invalid_client"), "{shown}");
    assert!(!shown.contains("secret-value-123"), "{shown}");
}

#[test]
fn basic_with_an_account_domain_fills_the_url() {
    let url = scimspec::config::with_domain(
        Some("https://{domain}.xmatters.example/api/xm/1/scim/v2"),
        Some("acme"),
    )
    .expect("domain");
    assert_eq!(
        url.as_deref(),
        Some("https://acme.xmatters.example/api/xm/1/scim/v2")
    );
    let no_place = scimspec::config::with_domain(Some("https://x.example/scim"), Some("acme"))
        .expect_err("a domain but no {domain} in the URL");
    assert!(
        matches!(no_place, ConfigError::Usage(_))
            && no_place
                .to_string()
                .contains("has no {domain} to put it in"),
        "{no_place:?}"
    );
    let no_domain = scimspec::config::with_domain(Some("https://{domain}.example/scim"), None)
        .expect_err("{domain} in the URL but no domain");
    assert!(
        matches!(no_domain, ConfigError::Usage(_))
            && no_domain.to_string().contains("needs an account domain"),
        "{no_domain:?}"
    );
}
