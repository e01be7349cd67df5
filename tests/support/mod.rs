//! Helpers for integration tests: run the real `scimspec` binary and check what it printed,
//! temporary directories and the JUnit reports written there, the reference server on its
//! own runtime, and a deliberately wrong tiny SCIM target.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use scimspec::server::{self, RunningServer, ServerConfig};

/// A base URL where nothing listens.
pub const UNREACHABLE: &str = "http://127.0.0.1:9/scim/v2";

pub fn scimspec() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scimspec"));
    // Tests must not pick up a developer's environment.
    for (key, _) in std::env::vars() {
        if key.starts_with("SCIMSPEC_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "scimspec-test-{tag}-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes the file `name` here; its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        std::fs::write(&path, contents).expect("write test file");
        path
    }

    /// Where [`RunExt::junit_in`] has the report written.
    pub fn junit_path(&self) -> PathBuf {
        self.join("junit.xml")
    }

    /// The JUnit report a run wrote here.
    pub fn junit(&self) -> String {
        std::fs::read_to_string(self.junit_path()).expect("JUnit report written")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Running the binary: where its report goes, and how it must end.
pub trait RunExt {
    /// Has the JUnit report written to `dir`'s `junit.xml`.
    fn junit_in(&mut self, dir: &TempDir) -> &mut Self;
    /// Runs to the end, asserts the exit code and returns everything printed.
    fn exits(&mut self, code: i32) -> String;
}

impl RunExt for Command {
    fn junit_in(&mut self, dir: &TempDir) -> &mut Self {
        self.arg("--junit").arg(dir.junit_path())
    }

    fn exits(&mut self, code: i32) -> String {
        let output = self.output().expect("run scimspec");
        let all = text(&output);
        assert_eq!(output.status.code(), Some(code), "{all}");
        all
    }
}

/// The `<testcase>` element of `id` in a JUnit report.
pub fn testcase<'x>(xml: &'x str, id: &str) -> &'x str {
    let start = xml
        .find(&format!("<testcase name=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} in report"));
    let end = xml[start..]
        .find("</testcase>")
        .map_or(xml.len(), |e| start + e);
    &xml[start..end]
}

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
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            tx.send(addr).expect("send addr");
            axum::serve(listener, router).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    format!("http://{addr}{base_path}")
}

fn scim(status: StatusCode, body: serde_json::Value) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        "application/scim+json".parse().expect("header"),
    );
    (status, headers, body.to_string()).into_response()
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
