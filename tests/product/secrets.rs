//! No secret ever leaves scimspec, in any encoding, and no terminal escape from a target
//! reaches the console: a hostile target reflects every request header and body into its
//! answers (JSON bodies, error `detail`s, raw text bodies with control characters, response
//! headers; percent-encoded and base64 too), and `run`, `compare`, `probe` and `provision`
//! run against it with bearer, Basic, OAuth 2 (token endpoint started here), an extra header
//! and credentials in the URL. Every byte printed or written is searched for every secret in
//! every form.

use std::path::Path;
use std::process::Output;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;

use crate::support::{scimspec, serve_router, TempDir};

const BEARER: &str = r#"tok "be\ar/er+%1 x"#;
const BASIC_USER: &str = "admin";
const BASIC_PASSWORD: &str = r#"pw "ba\si/c+%2 x"#;
const CLIENT_ID: &str = "scimspec-client";
const CLIENT_SECRET: &str = r#"cs "oa\uth/+%3 x"#;
const ACCESS_TOKEN: &str = r#"at "fe\tch/ed+%4 x"#;
const HEADER_VALUE: &str = r#"hk "he\ad/er+%5 x"#;
const URL_USER: &str = "urluser";
const URL_PASSWORD: &str = r#"up "u\rl/+%6 x"#;

/// Control characters a hostile target sends: NUL, an ANSI colour (CSI), a title (OSC), BEL.
const ESCAPES: &str = "\u{0}\u{1b}[31mred\u{1b}]0;pwned\u{7}\u{9b}2J";

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// RFC 3986 percent-encoding, every byte but the unreserved ones; written here rather than
/// taken from the library, whose redactor it checks.
fn pct(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn json_escaped(text: &str) -> String {
    let quoted = serde_json::Value::String(text.into()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// As the HTML report escapes text.
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Every form of every secret that must never appear.
fn forbidden() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for secret in [
        BEARER,
        BASIC_PASSWORD,
        CLIENT_SECRET,
        ACCESS_TOKEN,
        HEADER_VALUE,
        URL_PASSWORD,
    ] {
        out.push((format!("plain {secret}"), secret.to_string()));
        out.push((format!("JSON-escaped {secret}"), json_escaped(secret)));
        out.push((format!("percent-encoded {secret}"), pct(secret)));
        out.push((format!("base64 {secret}"), b64(secret)));
        out.push((format!("HTML-escaped {secret}"), html_escaped(secret)));
    }
    for (user, password) in [
        (BASIC_USER, BASIC_PASSWORD),
        (URL_USER, URL_PASSWORD),
        (CLIENT_ID, CLIENT_SECRET),
    ] {
        let pair = format!("{user}:{password}");
        out.push((format!("base64 {pair}"), b64(&pair)));
    }
    out
}

/// Everything a request carried, in every form the secrets may take: header lines; the
/// credential headers' values and credential parts percent-encoded and in base64, Basic
/// credentials decoded; and the body.
fn echo(headers: &HeaderMap, body: &str) -> String {
    let mut lines = Vec::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        lines.push(format!("{name}: {value}"));
        if !matches!(name.as_str(), "authorization" | "x-api-key") {
            continue;
        }
        lines.push(format!("{name} pct: {}", pct(&value)));
        lines.push(format!("{name} b64: {}", b64(&value)));
        if let Some((_, credential)) = value.split_once(' ') {
            lines.push(format!("{name} credential b64: {}", b64(credential)));
            if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credential) {
                lines.push(format!(
                    "{name} decoded: {}",
                    String::from_utf8_lossy(&decoded)
                ));
            }
        }
    }
    lines.push(format!("body: {body}"));
    lines.join("\n")
}

/// Response headers repeating the request's header values (those a header can carry).
fn echo_headers(request: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in request {
        if let Ok(n) = HeaderName::from_bytes(format!("x-echo-{name}").as_bytes()) {
            out.insert(n, value.clone());
        }
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if let Ok(v) = HeaderValue::from_str(&pct(&text)) {
            if let Ok(n) = HeaderName::from_bytes(format!("x-pct-{name}").as_bytes()) {
                out.insert(n, v);
            }
        }
    }
    out
}

/// The hostile target: every answer reflects the request. GET answers 200 with the echo in
/// a SCIM-shaped body, POST 201, PUT and PATCH 400 with the echo as the error `detail`,
/// DELETE 500 as raw text with control characters.
async fn reflect(request: Request) -> Response {
    let method = request.method().clone();
    let uri = request.uri().to_string();
    let headers = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&body).into_owned();
    let echoed = echo(&headers, &body);
    let mut answer_headers = echo_headers(&headers);
    let discovery = discovery(&uri, &echoed);
    let (status, text, kind) = match method.as_str() {
        "GET" if discovery.is_some() => (
            StatusCode::OK,
            discovery.unwrap_or_default().to_string(),
            "application/scim+json",
        ),
        "DELETE" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{ESCAPES} {uri}\n{echoed}"),
            "text/plain",
        ),
        "PUT" | "PATCH" => (
            StatusCode::BAD_REQUEST,
            serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "400",
                "detail": format!("{ESCAPES} {echoed}"),
            })
            .to_string(),
            "application/scim+json",
        ),
        _ => {
            let status = if method == "POST" {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            // The id is the credentials, so the next requests carry them in their URLs.
            let id = headers
                .get("authorization")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            let body = serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 1,
                "Resources": [{ "id": id, "userName": id }],
                "detail": format!("{ESCAPES} {echoed}"),
                "id": id,
                "userName": id,
            });
            (status, body.to_string(), "application/scim+json")
        }
    };
    if let Ok(v) = HeaderValue::from_str(kind) {
        answer_headers.insert("content-type", v);
    }
    (status, answer_headers, text).into_response()
}

/// The discovery answers (so that the cases run), each carrying the echo too.
fn discovery(uri: &str, echoed: &str) -> Option<serde_json::Value> {
    let list = |resources: serde_json::Value| {
        serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": resources.as_array().map_or(0, Vec::len),
            "Resources": resources,
            "detail": echoed,
        })
    };
    let resource_type = |name: &str, endpoint: &str, schema: &str| {
        serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": name, "name": name, "endpoint": endpoint, "schema": schema,
            "description": echoed,
        })
    };
    if uri.ends_with("/ServiceProviderConfig") {
        Some(serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": echoed,
            "patch": { "supported": true },
            "bulk": { "supported": true, "maxOperations": 10, "maxPayloadSize": 100000 },
            "filter": { "supported": true, "maxResults": 100 },
            "changePassword": { "supported": true },
            "sort": { "supported": true },
            "etag": { "supported": true },
            "authenticationSchemes": [],
        }))
    } else if uri.ends_with("/ResourceTypes") {
        Some(list(serde_json::json!([
            resource_type(
                "User",
                "/Users",
                "urn:ietf:params:scim:schemas:core:2.0:User"
            ),
            resource_type(
                "Group",
                "/Groups",
                "urn:ietf:params:scim:schemas:core:2.0:Group"
            ),
        ])))
    } else if uri.ends_with("/Schemas") {
        Some(list(serde_json::json!([])))
    } else {
        None
    }
}

/// The OAuth 2 token endpoint: the access token, whatever the client sent.
async fn token(headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    axum::Json(serde_json::json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 3600,
        "echo": echo(&headers, &body),
    }))
    .into_response()
}

fn hostile_target() -> String {
    let router = Router::new().route("/token", post(token)).fallback(reflect);
    serve_router(router, "")
}

/// The URL with the URL credentials written into it.
fn with_userinfo(base: &str) -> String {
    base.replacen(
        "http://",
        &format!("http://{URL_USER}:{}@", pct(URL_PASSWORD)),
        1,
    )
}

/// What one command printed or wrote: (stdout, stderr or a file's path, its bytes).
type Written = Vec<(String, Vec<u8>)>;

/// Everything one command printed, and every file it wrote under `dir`.
fn everything(output: &Output, dir: &Path) -> Written {
    let mut out = vec![
        ("stdout".to_string(), output.stdout.clone()),
        ("stderr".to_string(), output.stderr.clone()),
    ];
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                out.push((path.display().to_string(), bytes));
            }
        }
    }
    out
}

/// Every secret (in any form) and raw control character found in `outputs`.
fn leaks(command: &str, outputs: &Written) -> Vec<String> {
    let mut leaks = Vec::new();
    for (name, bytes) in outputs {
        let text = String::from_utf8_lossy(bytes);
        for (form, needle) in forbidden() {
            if text.contains(&needle) {
                leaks.push(format!("{command}: {name} holds the {form}"));
            }
        }
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            leaks.push(format!(
                "{command}: {name} holds the control character {:?}",
                c
            ));
        }
    }
    leaks
}

/// Runs `cmd` with its reports in `dir`; what it printed and wrote.
fn run_in(cmd: &mut std::process::Command, dir: &TempDir) -> Written {
    let output = cmd.output().expect("run scimspec");
    let all = everything(&output, dir.path());
    assert!(
        output.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    all
}

#[test]
fn no_secret_leaves_in_any_encoding_and_no_control_character_reaches_the_output() {
    let base = hostile_target();
    let scim = format!("{base}/scim/v2");
    let header = format!("X-Api-Key: {HEADER_VALUE}");
    let mut outputs: Vec<(String, Written)> = Vec::new();

    let dir = TempDir::new("secrets-run-bearer");
    let mut cmd = scimspec();
    cmd.args(["run", "--verbose", "--target", &scim, "--token", BEARER])
        .args(["--header", &header])
        .arg("--junit")
        .arg(dir.join("junit.xml"))
        .arg("--report-html")
        .arg(dir.join("html"));
    let bearer_run = run_in(&mut cmd, &dir);
    let bearer_html = bearer_run
        .iter()
        .find(|(n, _)| n.ends_with("index.html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    outputs.push(("run (bearer)".into(), bearer_run));

    let dir = TempDir::new("secrets-run-userinfo");
    let mut cmd = scimspec();
    cmd.args(["run", "--verbose", "--target", &with_userinfo(&scim)])
        .arg("--junit")
        .arg(dir.join("junit.xml"))
        .arg("--report-html")
        .arg(dir.join("html"));
    let userinfo_run = run_in(&mut cmd, &dir);
    let userinfo_junit = userinfo_run
        .iter()
        .find(|(n, _)| n.ends_with("junit.xml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    outputs.push(("run (URL credentials)".into(), userinfo_run));

    let dir = TempDir::new("secrets-compare");
    let config = format!(
        r#"
[targets.bearer]
url = "{scim}"
token = {bearer}
headers = {{ "X-Api-Key" = {header} }}

[targets.basic]
url = "{scim}"
basic = {{ user = "{BASIC_USER}", password = {password} }}

[targets.oauth]
url = "{scim}"
oauth = {{ token_url = "{base}/token", client_id = "{CLIENT_ID}", client_secret = {secret} }}

[targets.userinfo]
url = "{userinfo}"
"#,
        bearer = toml_string(BEARER),
        header = toml_string(HEADER_VALUE),
        password = toml_string(BASIC_PASSWORD),
        secret = toml_string(CLIENT_SECRET),
        userinfo = with_userinfo(&scim),
    );
    let path = dir.write("scimspec.toml", &config);
    let mut cmd = scimspec();
    cmd.args(["compare", "--config"])
        .arg(&path)
        .arg("--out")
        .arg(dir.join("reports"));
    let mut compared = run_in(&mut cmd, &dir);
    // The config file itself holds the secrets; it is input, not output.
    compared.retain(|(name, _)| !name.ends_with("scimspec.toml"));
    let written: Vec<&str> = compared.iter().map(|(n, _)| n.as_str()).collect();
    for report in ["compare.md", "compare.html", "compare-junit.xml"] {
        assert!(
            written.iter().any(|n| n.ends_with(report)),
            "{report} written: {written:?}"
        );
    }
    outputs.push(("compare".into(), compared));

    let dir = TempDir::new("secrets-probe");
    let mut cmd = scimspec();
    cmd.args(["probe", "--verbose", "--target", &scim])
        .args(["--token-url", &format!("{base}/token")])
        .args(["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
        .args(["--header", &header]);
    outputs.push(("probe (oauth)".into(), run_in(&mut cmd, &dir)));

    let dir = TempDir::new("secrets-provision");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/entra-provision.json");
    let basic = format!("{BASIC_USER}:{BASIC_PASSWORD}");
    let mut cmd = scimspec();
    cmd.arg("provision")
        .arg(example)
        .args(["--verbose", "--target", &scim, "--basic", &basic])
        .args(["--header", &header])
        .arg("--junit")
        .arg(dir.join("provision.xml"));
    outputs.push(("provision (basic)".into(), run_in(&mut cmd, &dir)));

    let leaks: Vec<String> = outputs
        .iter()
        .flat_map(|(command, printed)| leaks(command, printed))
        .collect();
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    assert!(
        userinfo_junit.contains(&format!("value=\"{scim}\""))
            && !userinfo_junit.contains("@127.0.0.1"),
        "the URL is used without its credentials"
    );
    assert!(
        userinfo_junit.contains("Authorization: Basic [REDACTED]"),
        "URL credentials are sent as Basic credentials"
    );
    // The target's echo reached the output, masked: the test saw what it searches.
    let bearer_run = String::from_utf8_lossy(&outputs[0].1[0].1).into_owned();
    assert!(bearer_run.contains("[REDACTED]"), "{bearer_run}");
    assert!(bearer_run.contains("\\u{1b}[31m"), "{bearer_run}");
    // The HTML report holds the echo too, masked and escaped.
    assert!(
        bearer_html.contains("[REDACTED]"),
        "HTML report written with the echo"
    );
    assert!(
        bearer_html.contains("\\u{1b}[31m"),
        "control characters shown escaped"
    );
}

/// A TOML basic string holding `text`.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn config_mistakes_never_print_the_secret() {
    let dir = TempDir::new("secrets-config");
    for (body, secret) in [
        (
            format!(
                "basic = {}",
                toml_string(&format!("admin:{BASIC_PASSWORD}"))
            ),
            BASIC_PASSWORD.to_string(),
        ),
        ("token = 73914085276".to_string(), "73914085276".to_string()),
        (
            "basic = { user = \"u\", password = 66182930147 }".to_string(),
            "66182930147".to_string(),
        ),
        (
            format!("oauth = {}", toml_string(CLIENT_SECRET)),
            CLIENT_SECRET.to_string(),
        ),
        (
            format!("headers = {}", toml_string(HEADER_VALUE)),
            HEADER_VALUE.to_string(),
        ),
    ] {
        let path = dir.write(
            "bad.toml",
            format!("[targets.a]\nurl = \"http://127.0.0.1:9/scim\"\n{body}\n"),
        );
        let output = scimspec()
            .args(["run", "--config"])
            .arg(&path)
            .output()
            .expect("run scimspec");
        let all = crate::support::binary::text(&output);
        assert_eq!(output.status.code(), Some(2), "{all}");
        assert!(all.contains("bad.toml:3"), "{all}");
        for form in [secret.clone(), json_escaped(&secret)] {
            assert!(!all.contains(&form), "{body}: {all}");
        }
    }
    let output = scimspec()
        .args(["run", "--target"])
        .arg(format!("http://u:{}@127.0.0.1:9/scim", pct(URL_PASSWORD)))
        .args(["--token", BEARER])
        .output()
        .expect("run scimspec");
    let all = crate::support::binary::text(&output);
    assert_eq!(output.status.code(), Some(2), "{all}");
    assert!(all.contains("carries credentials"), "{all}");
    assert!(
        !all.contains(&pct(URL_PASSWORD)) && !all.contains(BEARER),
        "{all}"
    );
}
