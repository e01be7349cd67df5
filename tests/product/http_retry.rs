//! The client honours `Retry-After` on 429/503 a bounded number of times, and gives up with
//! the last answer when the target keeps refusing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use scimspec::http::{ClientOptions, HttpClient, OutgoingRequest};

/// Serves `/busy`, which answers `status` with `Retry-After: 0` for the first `refusals`
/// requests and 200 afterwards. Returns the base URL and the request counter.
async fn target(status: StatusCode, refusals: usize) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let router = Router::new().route(
        "/busy",
        get(move || {
            let counter = Arc::clone(&counter);
            async move {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                if n < refusals {
                    (status, [("retry-after", "0")], "busy").into_response()
                } else {
                    (StatusCode::OK, "{}").into_response()
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), hits)
}

fn client(base: &str) -> HttpClient {
    HttpClient::new(ClientOptions {
        max_retries: 3,
        max_retry_wait: Duration::from_millis(50),
        ..ClientOptions::new(base)
    })
    .expect("client")
}

#[tokio::test]
async fn retries_503_and_429_with_retry_after() {
    for status in [
        StatusCode::SERVICE_UNAVAILABLE,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let (base, hits) = target(status, 2).await;
        let exchange = client(&base)
            .send(&OutgoingRequest::get("/busy"))
            .await
            .expect("answer");
        assert_eq!(exchange.response.status, 200, "{status}");
        assert_eq!(hits.load(Ordering::SeqCst), 3, "{status}");
    }
}

#[tokio::test]
async fn gives_up_after_the_bound_with_the_last_answer() {
    let (base, hits) = target(StatusCode::SERVICE_UNAVAILABLE, usize::MAX).await;
    let exchange = client(&base)
        .send(&OutgoingRequest::get("/busy"))
        .await
        .expect("answer");
    assert_eq!(exchange.response.status, 503);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        4,
        "one request and three retries"
    );
}
