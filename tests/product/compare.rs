//! `scimspec compare` end to end: a config file with the embedded server in two profiles and a
//! target behind OAuth 2 client credentials (a token endpoint started by the test), run at once;
//! the matrix as Markdown and HTML, JUnit with one testsuite per target, no secret anywhere.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use base64::Engine as _;

use crate::support::{scimspec, serve_router, RunExt, TempDir};

const CLIENT_ID: &str = "compare-client";
const CLIENT_SECRET: &str = "client-secret-9f8e7d6c";
const ACCESS_TOKEN: &str = "access-token-0a1b2c3d4e";

/// A token endpoint issuing `ACCESS_TOKEN` to the client authenticated with HTTP Basic.
fn token_endpoint(calls: Arc<AtomicUsize>) -> String {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let router = Router::new().route(
        "/oauth/token",
        post(move |headers: HeaderMap, body: String| {
            let expected = expected.clone();
            let calls = Arc::clone(&calls);
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if auth != expected || !body.contains("grant_type=client_credentials") {
                    return (
                        StatusCode::UNAUTHORIZED,
                        axum::Json(serde_json::json!({"error": "invalid_client"})),
                    )
                        .into_response();
                }
                axum::Json(serde_json::json!({
                    "access_token": ACCESS_TOKEN,
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "scope": "scim"
                }))
                .into_response()
            }
        }),
    );
    serve_router(router, "/oauth/token")
}

#[test]
fn compares_targets_in_parallel_and_writes_the_matrix() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let protected = runtime
        .block_on(scimspec::server::spawn(scimspec::server::ServerConfig {
            token: Some(ACCESS_TOKEN.into()),
            ..Default::default()
        }))
        .expect("server");
    let calls = Arc::new(AtomicUsize::new(0));
    let token_url = token_endpoint(Arc::clone(&calls));
    let dir = TempDir::new("compare");
    let config = format!(
        r#"
[defaults]
timeout = 20

[targets.reference-xmatters]
profile = "xmatters"

[targets.reference-samanage]
profile = "samanage"

[targets.oauth-target]
url = "{url}"
oauth = {{ token_url = "{token_url}", client_id = "{CLIENT_ID}", client_secret = "${{COMPARE_SECRET}}", scope = "scim" }}
headers = {{ "X-Api-Key" = "api-key-55aa66bb" }}

[compare]
out = "out"
"#,
        url = protected.base_url()
    );
    std::fs::write(dir.join("scimspec.toml"), config).expect("config");
    let all = scimspec()
        .args(["compare", "--config"])
        .arg(dir.join("scimspec.toml"))
        .env("COMPARE_SECRET", CLIENT_SECRET)
        .exits(0);
    assert!(calls.load(Ordering::SeqCst) >= 1, "a token was fetched");
    assert!(
        calls.load(Ordering::SeqCst) <= 2,
        "the token is cached, not fetched per request: {}",
        calls.load(Ordering::SeqCst)
    );
    for name in ["reference-xmatters", "reference-samanage", "oauth-target"] {
        assert!(all.contains(name), "{all}");
    }
    // Each target's line has the figures of `run`'s closing line after its name.
    let line = all
        .lines()
        .find(|l| l.starts_with("reference-samanage [profile samanage]: "))
        .unwrap_or_default();
    assert!(
        line.contains(" passed, 0 failed, ")
            && line.contains(" errors; 0 known deviations; 0 leftovers; ")
            && line.contains(" cases against http://127.0.0.1:"),
        "{all}"
    );

    let md = std::fs::read_to_string(dir.join("out/compare.md")).expect("markdown");
    let html = std::fs::read_to_string(dir.join("out/compare.html")).expect("html");
    let xml = std::fs::read_to_string(dir.join("out/compare-junit.xml")).expect("junit");

    // Markdown: the targets, differences first, grouped by section, with the reasons.
    assert!(
        md.contains("| reference-xmatters | reference-samanage | oauth-target |"),
        "{md}"
    );
    let diff = md
        .find("## Cases whose outcome differs")
        .expect("differences");
    let same = md
        .find("## Same outcome on every target")
        .expect("agreements");
    assert!(diff < same);
    assert!(md[diff..same].contains("### RFC"), "grouped by section");
    assert!(
        md.contains("on **reference-xmatters** — skip: profile xmatters: attribute displayName is not supported"),
        "{md}"
    );
    assert!(
        md.contains("| **reference-samanage** |") && md.contains("basic (scimspec)"),
        "{md}"
    );
    assert!(md.contains("oauth2 client credentials"), "{md}");

    // HTML: one self-contained page.
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"));
    for external in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    assert!(
        html.split("href=\"")
            .skip(1)
            .all(|link| link.starts_with('#')),
        "links stay inside the page"
    );

    // JUnit: one testsuite per target.
    assert_eq!(xml.matches("<testsuite ").count(), 3, "{xml}");
    for name in ["reference-xmatters", "reference-samanage", "oauth-target"] {
        assert!(
            xml.contains(&format!("<testsuite name=\"{name}\"")),
            "{name}"
        );
    }
    assert!(xml.contains("<property name=\"profile\" value=\"xmatters\"/>"));

    // No secret in any output.
    for secret in [CLIENT_SECRET, ACCESS_TOKEN, "api-key-55aa66bb"] {
        for (what, content) in [
            ("console", &all),
            ("md", &md),
            ("html", &html),
            ("junit", &xml),
        ] {
            assert!(!content.contains(secret), "{secret} leaked to {what}");
        }
    }
    assert!(
        xml.contains("X-Api-Key: [REDACTED]"),
        "extra header sent, value masked"
    );
    runtime.block_on(protected.stop());
}

#[test]
fn run_takes_one_target_of_the_config_and_flags_override_it() {
    let dir = TempDir::new("config-run");
    let config = "[targets.xm]\nprofile = \"xmatters\"\njunit = \"from-config.xml\"\n\n[targets.sm]\nprofile = \"samanage\"\n";
    std::fs::write(dir.join("c.toml"), config).expect("config");
    let all = scimspec()
        .args(["run", "--config"])
        .arg(dir.join("c.toml"))
        .exits(2);
    assert!(all.contains("several targets (xm, sm)"), "{all}");

    scimspec()
        .args(["run", "profile-round-trip", "--target", "xm", "--config"])
        .arg(dir.join("c.toml"))
        .exits(0);
    let xml = std::fs::read_to_string(dir.join("from-config.xml")).expect("junit path from config");
    assert!(xml.contains("<property name=\"config.target\" value=\"xm\"/>"));
    assert!(xml.contains("<property name=\"profile\" value=\"xmatters\"/>"));

    // A flag wins over the file.
    scimspec()
        .args([
            "run",
            "profile-round-trip",
            "--target",
            "xm",
            "--profile",
            "samanage",
        ])
        .args(["--junit"])
        .arg(dir.join("flag.xml"))
        .arg("--config")
        .arg(dir.join("c.toml"))
        .exits(0);
    let xml = std::fs::read_to_string(dir.join("flag.xml")).expect("junit path from flag");
    assert!(xml.contains("<property name=\"profile\" value=\"samanage\"/>"));

    let all = scimspec()
        .args(["run", "--target", "nope", "--config"])
        .arg(dir.join("c.toml"))
        .exits(2);
    assert!(all.contains("neither a URL nor a target"), "{all}");
}

#[test]
fn a_broken_config_names_the_file_and_line() {
    let dir = TempDir::new("config-bad");
    std::fs::write(
        dir.join("c.toml"),
        "[targets.a]\nurl = \"http://x\"\ntokn = \"t\"\n",
    )
    .expect("config");
    let all = scimspec()
        .args(["compare", "--config"])
        .arg(dir.join("c.toml"))
        .exits(2);
    assert!(all.contains("c.toml:3:") && all.contains("tokn"), "{all}");

    std::fs::write(
        dir.join("c.toml"),
        "[targets.a]\ntoken = \"${SCIMSPEC_UNSET_VAR_X}\"\n",
    )
    .expect("config");
    let all = scimspec()
        .args(["compare", "--config"])
        .arg(dir.join("c.toml"))
        .exits(2);
    assert!(all.contains("SCIMSPEC_UNSET_VAR_X is not set"), "{all}");
}
