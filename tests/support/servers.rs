//! Servers a test starts: the reference server on a runtime of its own, any axum router on
//! loopback, and a deliberately wrong tiny SCIM target.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use scimspec::server::{self, RunningServer, ServerConfig};

/// The reference server on a runtime of its own; stopped when dropped.
pub struct Reference {
    runtime: tokio::runtime::Runtime,
    server: Option<RunningServer>,
}

impl Reference {
    pub fn start(config: ServerConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime
            .block_on(server::spawn(config))
            .expect("reference server starts");
        Reference {
            runtime,
            server: Some(server),
        }
    }

    pub fn base_url(&self) -> &str {
        self.server.as_ref().map_or("", |s| s.base_url())
    }

    /// `totalResults` of `GET /{resource}` (`Users`, `Groups`) with the bearer `token`.
    pub fn count(&self, token: &str, resource: &str) -> u64 {
        let url = format!("{}/{resource}", self.base_url());
        self.runtime.block_on(async {
            let answer = reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("the server answers");
            let json: serde_json::Value = answer.json().await.expect("JSON");
            json["totalResults"].as_u64().expect("totalResults")
        })
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}

/// Starts a tokio runtime on its own thread and runs `router` on 127.0.0.1; returns the
/// base URL. The server lives as long as the test process.
pub fn serve_router(router: Router, base_path: &str) -> String {
    let addr = serve_router_on("127.0.0.1", router);
    format!("http://{addr}{base_path}")
}

/// [`serve_router`] on another loopback address (`127.0.0.2`: another origin); the address.
pub fn serve_router_on(ip: &str, router: Router) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    let bind = format!("{ip}:0");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind(&bind).await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            tx.send(addr).expect("send addr");
            axum::serve(listener, router).await.expect("serve");
        });
    });
    rx.recv().expect("server address")
}

/// A SCIM answer: `status` with `body` as `application/scim+json`.
pub fn scim(status: StatusCode, body: serde_json::Value) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        "application/scim+json".parse().expect("header"),
    );
    (status, headers, body.to_string()).into_response()
}

/// `/ResourceTypes` of a tiny target that serves Users only.
pub fn users_only_resource_types() -> Response {
    scim(
        StatusCode::OK,
        serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 1,
            "Resources": [{"name": "User", "endpoint": "/Users"}]
        }),
    )
}

/// A SCIM target with two classic defects: creation answers 200 instead of 201
/// (RFC 7644 §3.3) and a query with no match answers 404 instead of an empty
/// ListResponse (RFC 7644 §3.4.2). Everything else is minimal but plausible.
pub fn wrong_target() -> String {
    let users_post = |body: String| async move {
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let mut user = parsed;
        user["id"] = serde_json::json!(uuid::Uuid::new_v4().to_string());
        user["meta"] = serde_json::json!({"resourceType": "User"});
        scim(StatusCode::OK, user)
    };
    let users_get = || async {
        scim(
            StatusCode::NOT_FOUND,
            serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "404", "detail": "no users"
            }),
        )
    };
    let not_found = || async {
        scim(
            StatusCode::NOT_FOUND,
            serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "404"
            }),
        )
    };
    let router = Router::new()
        .route("/scim/Users", get(users_get).post(users_post))
        .fallback(not_found);
    serve_router(router, "/scim")
}
