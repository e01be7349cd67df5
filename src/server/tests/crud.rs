use serde_json::json;

use super::client::Client;
use crate::scim::urn::{ENTERPRISE_USER, GROUP, USER};
use crate::server::ServerConfig;

#[tokio::test]
async fn create_get_list_delete_round_trip() {
    let c = Client::default().await;
    let r = c
        .post("/Users", &json!({"schemas": [USER], "userName": "bjensen", "name": {"givenName": "Barbara"}, "password": "s3cret"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/scim+json"));
    let user = r.json();
    let id = user["id"].as_str().unwrap().to_string();
    assert!(user.get("password").is_none());
    assert_eq!(user["meta"]["resourceType"], "User");
    assert_eq!(user["meta"]["created"], user["meta"]["lastModified"]);
    let location = r.header("location").unwrap().to_string();
    assert!(location.ends_with(&format!("/scim/v2/Users/{id}")));
    assert_eq!(user["meta"]["location"], location);
    let etag = r.header("etag").unwrap().to_string();
    assert!(etag.starts_with("W/\""));
    assert_eq!(user["meta"]["version"], etag);

    let r = c.get(&format!("/Users/{id}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["userName"], "bjensen");

    let r = c.get("/Users?filter=userName%20eq%20%22BJENSEN%22").await;
    assert_eq!(r.status, 200);
    let list = r.json();
    assert_eq!(
        list["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    );
    assert_eq!(list["totalResults"], 1);
    assert_eq!(list["Resources"][0]["id"], id.as_str());

    let r = c.delete(&format!("/Users/{id}")).await;
    assert_eq!(r.status, 204);
    let r = c.get(&format!("/Users/{id}")).await;
    assert_eq!(r.status, 404);
    let err = r.json();
    assert_eq!(
        err["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    assert_eq!(err["status"], "404");
    c.stop().await;
}

#[tokio::test]
async fn create_errors_have_the_right_scim_type() {
    let c = Client::default().await;
    c.user("dup").await;
    let r = c
        .post("/Users", &json!({"schemas": [USER], "userName": "DUP"}))
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (409, Some("uniqueness"))
    );
    let r = c
        .post(
            "/Users",
            &json!({"schemas": [USER], "name": {"givenName": "x"}}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
    let host = c
        .server
        .base_url()
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let raw = format!("POST /scim/v2/Users HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 6\r\nConnection: close\r\n\r\n{{\"a\": ");
    let r = c.raw(&host, raw.as_bytes()).await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (400, Some("invalidSyntax"))
    );
    let r = c.get("/Nope").await;
    assert_eq!((r.status, r.json()["status"].as_str()), (404, Some("404")));
    assert_eq!(r.header("content-type"), Some("application/scim+json"));
    c.stop().await;
}

#[tokio::test]
async fn put_replaces_and_ignores_read_only() {
    let c = Client::default().await;
    let id = c.user("put-me").await;
    let r = c
        .put(&format!("/Users/{id}"), &json!({"schemas": [USER, ENTERPRISE_USER], "id": "other", "userName": "put-me", "title": "Boss",
            ENTERPRISE_USER: {"employeeNumber": "42"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let u = r.json();
    assert_eq!(u["id"], id.as_str());
    assert_eq!(u["title"], "Boss");
    assert_eq!(u[ENTERPRISE_USER]["employeeNumber"], "42");
    assert_eq!(u["schemas"], json!([USER, ENTERPRISE_USER]));
    assert_ne!(u["meta"]["created"], u["meta"]["lastModified"]);
    let r = c
        .put(
            "/Users/unknown",
            &json!({"schemas": [USER], "userName": "x"}),
        )
        .await;
    assert_eq!(r.status, 404);
    c.stop().await;
}

#[tokio::test]
async fn authentication_is_enforced_everywhere_but_discovery() {
    let c = Client::start(ServerConfig {
        token: Some("secret".into()),
        basic: Some(("admin".into(), "pw".into())),
        ..ServerConfig::default()
    })
    .await;
    for path in ["/Users", "/Groups/x", "/nowhere"] {
        let r = c
            .send("GET", path, None, &[("Authorization", "Bearer wrong")])
            .await;
        assert_eq!(r.status, 401, "{path}");
        assert_eq!(r.json()["status"], "401");
        assert!(r.header("www-authenticate").is_some());
    }
    // RFC 7643 §5: authenticationSchemes SHOULD be readable without prior authentication.
    for path in ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes/User"] {
        let r = c.send("GET", path, None, &[]).await;
        assert_eq!(r.status, 200, "{path}");
    }
    let r = c
        .send(
            "POST",
            "/Schemas",
            Some(&json!({})),
            &[("Authorization", "Bearer wrong")],
        )
        .await;
    assert_eq!(r.status, 401, "writes to discovery still need credentials");
    assert_eq!(c.get("/Users").await.status, 200);
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "admin:pw")
    );
    assert_eq!(
        c.send("GET", "/Users", None, &[("Authorization", &basic)])
            .await
            .status,
        200
    );
    let spc = c.get("/ServiceProviderConfig").await.json();
    let types: Vec<&str> = spc["authenticationSchemes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["type"].as_str())
        .collect();
    assert_eq!(types, vec!["oauthbearertoken", "httpbasic"]);
    c.stop().await;
}

#[tokio::test]
async fn groups_track_members_and_user_groups() {
    let c = Client::default().await;
    let u1 = c.user("m1").await;
    let u2 = c.user("m2").await;
    let r = c
        .post("/Groups", &json!({"schemas": [GROUP], "displayName": "Admins", "members": [{"value": u1}, {"value": u2}]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let g = r.json();
    let gid = g["id"].as_str().unwrap().to_string();
    assert_eq!(g["members"][0]["type"], "User");
    let user = c.get(&format!("/Users/{u1}")).await.json();
    assert_eq!(user["groups"][0]["value"], gid.as_str());
    assert_eq!(user["groups"][0]["display"], "Admins");
    let r = c
        .post(
            "/Groups",
            &json!({"schemas": [GROUP], "displayName": "admins"}),
        )
        .await;
    assert_eq!(r.status, 409);
    let r = c
        .post(
            "/Groups",
            &json!({"schemas": [GROUP], "displayName": "x", "members": [{"value": "ghost"}]}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
    assert_eq!(c.delete(&format!("/Users/{u1}")).await.status, 204);
    let g = c.get(&format!("/Groups/{gid}")).await.json();
    assert_eq!(g["members"].as_array().map(Vec::len), Some(1));
    assert_eq!(c.delete(&format!("/Groups/{gid}")).await.status, 204);
    let user = c.get(&format!("/Users/{u2}")).await.json();
    assert!(user.get("groups").is_none(), "{user}");
    c.stop().await;
}

#[tokio::test]
async fn etags_drive_conditional_requests() {
    let c = Client::default().await;
    let r = c
        .post("/Users", &json!({"schemas": [USER], "userName": "etag"}))
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let etag = r.header("etag").unwrap().to_string();
    let r = c
        .send(
            "GET",
            &format!("/Users/{id}"),
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 304);
    let body = json!({"schemas": [USER], "userName": "etag", "title": "t"});
    let r = c
        .send(
            "PUT",
            &format!("/Users/{id}"),
            Some(&body),
            &[("If-Match", "W/\"nope\"")],
        )
        .await;
    assert_eq!(r.status, 412);
    let r = c
        .send(
            "PUT",
            &format!("/Users/{id}"),
            Some(&body),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_ne!(r.header("etag"), Some(etag.as_str()));
    c.stop().await;
}

#[tokio::test]
async fn attributes_keep_the_order_they_were_sent_in() {
    let c = Client::default().await;
    let r = c
        .post("/Users", &json!({"schemas": [USER], "externalId": "e", "userName": "order", "active": true, "name": {"givenName": "G"}}))
        .await;
    let keys: Vec<String> = r.json().as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        vec![
            "schemas",
            "id",
            "externalId",
            "userName",
            "active",
            "name",
            "meta"
        ]
    );
    c.stop().await;
}
