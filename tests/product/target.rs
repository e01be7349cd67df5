//! Every command that talks to a target resolves it the same way: `probe` and `provision` take
//! `--config` and fill `{domain}` from `--domain` (they ignored both before), and an explicit
//! flag beats the config file even at its default value.

use scimspec::server::ServerConfig;

use crate::support::{self, scimspec, Reference, RunExt, TempDir};

/// A reference server asking for Basic `admin:pw`, and its URL with the host as `{domain}`.
fn basic_server() -> (Reference, String) {
    let server = Reference::start(ServerConfig {
        basic: Some(("admin".into(), "pw".into())),
        ..ServerConfig::default()
    });
    let url = server.base_url().replace("127.0.0.1", "{domain}");
    (server, url)
}

#[test]
fn probe_fills_the_domain_from_the_flag() {
    let (_server, url) = basic_server();
    let out = scimspec()
        .args([
            "probe",
            "--target",
            &url,
            "--basic",
            "admin:pw",
            "--domain",
            "127.0.0.1",
        ])
        .exits(0);
    assert!(out.contains("Test Connection: succeeded"), "{out}");
    assert!(
        !out.contains("admin:pw") && !out.contains("YWRtaW46cHc"),
        "{out}"
    );
}

#[test]
fn probe_and_provision_read_the_config_file() {
    let (_server, url) = basic_server();
    let dir = TempDir::new("target-config");
    let config = dir.write(
        "scimspec.toml",
        format!(
            "[targets.acme]\nurl = \"{url}\"\nbasic = {{ user = \"admin\", password = \"pw\", domain = \"127.0.0.1\" }}\n"
        ),
    );
    let config = config.display().to_string();
    let out = scimspec().args(["probe", "--config", &config]).exits(0);
    assert!(out.contains("Test Connection: succeeded"), "{out}");

    let users = dir.write(
        "users.json",
        std::fs::read_to_string("docs/examples/entra-provision.json").expect("example file"),
    );
    let out = scimspec()
        .args(["provision", "--on-demand-only", "--config", &config])
        .arg(&users)
        .arg("--junit")
        .arg(dir.join("provision.xml"))
        .exits(0);
    assert!(
        !out.contains("No --target given"),
        "the config's target is used: {out}"
    );
}

/// A SCIM endpoint answering every GET with an empty ListResponse after 1.5 s.
fn slow_target() -> String {
    use axum::routing::get;
    let slow = || async {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        (
            [("content-type", "application/scim+json")],
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}"#,
        )
    };
    support::serve_router(
        axum::Router::new()
            .route("/scim/v2/Users", get(slow))
            .route("/scim/v2/Groups", get(slow)),
        "/scim/v2",
    )
}

#[test]
fn a_flag_at_its_default_value_beats_the_config_file() {
    let url = slow_target();
    let dir = TempDir::new("target-default-flag");
    let config = dir.write(
        "scimspec.toml",
        format!("[targets.slow]\nurl = \"{url}\"\ntimeout = 1\n"),
    );
    // The file's 1 s timeout holds without a flag ...
    let out = scimspec()
        .args(["probe", "--config"])
        .arg(&config)
        .output()
        .expect("run");
    assert_ne!(
        out.status.code(),
        Some(0),
        "{}",
        support::binary::text(&out)
    );
    // ... and `--timeout 30`, the flag's default value, overrides it.
    let out = scimspec()
        .args(["probe", "--config"])
        .arg(&config)
        .args(["--timeout", "30"])
        .exits(0);
    assert!(out.contains("Test Connection: succeeded"), "{out}");
}
