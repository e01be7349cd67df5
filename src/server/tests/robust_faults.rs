//! Probes for the filter-robustness, pagination and incremental-cycle faults: each request
//! gets a different answer from the faultless and the faulty server.

use serde_json::{json, Value};

use super::client::{patch_op, Client, Reply};
use crate::scim::urn::{ENTERPRISE_USER, GROUP, USER};
use crate::server::Fault;

fn id(r: &Reply) -> String {
    r.json()["id"].as_str().unwrap_or_default().to_string()
}

/// A query value percent-encoded as RFC 3986 asks (all but unreserved characters).
fn encoded(text: &str) -> String {
    crate::scim::text::percent_encode(text, crate::scim::text::Percent::default())
}

/// The status and totalResults of `GET {endpoint}?filter=…`.
async fn filtered(c: &Client, endpoint: &str, filter: &str) -> String {
    let r = c
        .get(&format!("{endpoint}?filter={}", encoded(filter)))
        .await;
    format!("{} {}", r.status, r.json()["totalResults"])
}

async fn users(c: &Client, bodies: &[Value]) {
    for body in bodies {
        c.post("/Users", body).await;
    }
}

fn named(user_name: &str) -> Value {
    json!({"schemas": [USER], "userName": user_name})
}

/// Three users a, b, c, then the page `startIndex=3&count=2` sorted by userName: its userNames
/// and startIndex.
async fn last_page(c: &Client) -> String {
    users(c, &[named("a"), named("b"), named("c")]).await;
    let r = c
        .get("/Users?sortBy=userName&startIndex=3&count=2")
        .await
        .json();
    let names: Vec<String> = r["Resources"]
        .as_array()
        .map(|a| a.iter().map(|u| u["userName"].to_string()).collect())
        .unwrap_or_default();
    format!("{} {}", names.join(","), r["startIndex"])
}

/// What the probe for `fault` observes (empty for a fault this module does not know).
pub(super) async fn probe(c: &Client, fault: Fault) -> String {
    use Fault::*;
    match fault {
        EqPrefixMatch => {
            for name in ["app", "app-test"] {
                c.post("/Groups", &json!({"schemas": [GROUP], "displayName": name}))
                    .await;
            }
            filtered(c, "/Groups", r#"displayName eq "app""#).await
        }
        FilterDoubleUnescape => {
            users(c, &[named("a+b")]).await;
            filtered(c, "/Users", r#"userName eq "a+b""#).await
        }
        FilterEscapeIgnored => {
            users(c, &[named(r#"a"b\c"#)]).await;
            filtered(c, "/Users", r#"userName eq "a\"b\\c""#).await
        }
        ExternalIdCaseInsensitive => {
            users(
                c,
                &[json!({"schemas": [USER], "userName": "a", "externalId": "AB"})],
            )
            .await;
            filtered(c, "/Users", r#"externalId eq "ab""#).await
        }
        FilterKeywordCaseSensitive => filtered(c, "/Users", r#"userName EQ "a""#).await,
        FilterAttributeCaseSensitive => filtered(c, "/Users", r#"USERNAME eq "a""#).await,
        SwCaseSensitive => {
            users(c, &[named("Ada")]).await;
            filtered(c, "/Users", r#"userName sw "ada""#).await
        }
        StartIndexNotEchoed | LastPageRepeats | PageDropsItem => last_page(c).await,
        AddSameValueConflict => {
            let body = json!({"schemas": [USER], "userName": "a", "externalId": "x"});
            let uid = id(&c.post("/Users", &body).await);
            let ops = json!([{"op": "add", "path": "externalId", "value": "x"}]);
            c.patch(&format!("/Users/{uid}"), &patch_op(ops))
                .await
                .status
                .to_string()
        }
        RemoveDeletedMemberError => {
            let gid = id(&c
                .post("/Groups", &json!({"schemas": [GROUP], "displayName": "G"}))
                .await);
            let ops = json!([{"op": "Remove", "path": "members", "value": [{"value": "gone"}]}]);
            c.patch(&format!("/Groups/{gid}"), &patch_op(ops))
                .await
                .status
                .to_string()
        }
        CharsetContentTypeRefused => {
            let headers = [("Content-Type", "application/scim+json; charset=utf-8")];
            c.send("POST", "/Users", Some(&named("a")), &headers)
                .await
                .status
                .to_string()
        }
        FilterStringBooleanRefused => filtered(c, "/Users", r#"emails[primary eq "True"]"#).await,
        DanglingManagerRefused => {
            let body = json!({"schemas": [USER, ENTERPRISE_USER], "userName": "a",
                ENTERPRISE_USER: {"manager": {"value": "nobody"}}});
            c.post("/Users", &body).await.status.to_string()
        }
        _ => String::new(),
    }
}
