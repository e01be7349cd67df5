use serde_json::json;

use super::client::{patch_op, Client};
use crate::scim::urn::{ADSCIM_GROUP, ENTERPRISE_USER, GROUP, USER};

#[tokio::test]
async fn patch_add_replace_remove_with_simple_paths() {
    let c = Client::default().await;
    let r = c
        .post("/Users", &json!({"schemas": [USER], "userName": "p1", "emails": [{"value": "a@x", "type": "work", "primary": true}]}))
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = c
        .patch(&format!("/Users/{id}"), &patch_op(json!([
            {"op": "add", "path": "nickName", "value": "Babs"},
            {"op": "Replace", "path": "name.familyName", "value": "Jensen"},
            {"op": "add", "path": "emails", "value": [{"value": "b@x", "type": "home", "primary": true}]},
            {"op": "replace", "value": {"title": "Dr", "active": "False"}},
            {"op": "remove", "path": "emails[type eq \"work\"]"}
        ])))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let u = r.json();
    assert_eq!(u["nickName"], "Babs");
    assert_eq!(u["name"]["familyName"], "Jensen");
    assert_eq!(u["title"], "Dr");
    assert_eq!(u["active"], false);
    assert_eq!(
        u["emails"],
        json!([{"value": "b@x", "type": "home", "primary": true}])
    );
    let r = c
        .patch(
            &format!("/Users/{id}"),
            &patch_op(json!([{"op": "remove"}])),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (400, Some("noTarget"))
    );
    let r = c
        .patch(
            &format!("/Users/{id}"),
            &patch_op(
                json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "z"}]),
            ),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (400, Some("noTarget"))
    );
    let r = c
        .patch(&format!("/Users/{id}"), &patch_op(json!([{"op": "replace", "path": format!("{ENTERPRISE_USER}:employeeNumber"), "value": "7"}])))
        .await;
    assert_eq!(r.json()[ENTERPRISE_USER]["employeeNumber"], "7");
    assert!(r.json()["schemas"]
        .as_array()
        .unwrap()
        .contains(&json!(ENTERPRISE_USER)));
    c.stop().await;
}

async fn user_with(c: &Client, body: serde_json::Value) -> String {
    let r = c.post("/Users", &body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_path_form_of_figure_8() {
    let c = Client::default().await;
    let id = user_with(&c, json!({"schemas": [USER], "userName": "paths",
        "emails": [{"value": "w@x", "type": "work", "primary": true}, {"value": "h@x", "type": "home"}],
        "addresses": [{"type": "work", "streetAddress": "1 Main"}]})).await;
    let url = format!("/Users/{id}");
    let r = c.patch(&url, &patch_op(json!([
        {"op": "replace", "path": "addresses[type eq \"work\"].streetAddress", "value": "2 Side"},
        {"op": "replace", "path": "emails[type eq \"home\"]", "value": {"value": "h2@x", "type": "home", "primary": true}},
        {"op": "remove", "path": "emails[type eq \"work\"].primary"},
        {"op": "add", "path": "emails[type eq \"other\"].value", "value": "o@x"},
        {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": {"value": "m1"}},
        {"op": "replace", "path": "name", "value": {"givenName": "P"}},
        {"op": "add", "path": "name", "value": {"familyName": "Q"}}
    ]))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let u = r.json();
    assert_eq!(
        u["addresses"],
        json!([{"type": "work", "streetAddress": "2 Side"}])
    );
    assert_eq!(
        u["emails"],
        json!([{"value": "w@x", "type": "work"}, {"value": "h2@x", "type": "home", "primary": true}, {"type": "other", "value": "o@x"}])
    );
    assert_eq!(u[ENTERPRISE_USER]["manager"], json!({"value": "m1"}));
    assert_eq!(u["name"], json!({"givenName": "P", "familyName": "Q"}));
    // Replacing a multi-valued attribute replaces all values; primary moves.
    let r = c.patch(&url, &patch_op(json!([
        {"op": "add", "path": "emails", "value": {"value": "n@x", "type": "work", "primary": true}}
    ]))).await;
    let emails = r.json()["emails"].clone();
    assert_eq!(
        emails
            .as_array()
            .map(|a| a.iter().filter(|e| e["primary"] == true).count()),
        Some(1)
    );
    assert_eq!(emails[3]["primary"], true);
    let r = c
        .patch(
            &url,
            &patch_op(json!([{"op": "replace", "path": "emails", "value": [{"value": "only@x"}]}])),
        )
        .await;
    assert_eq!(r.json()["emails"], json!([{"value": "only@x"}]));
    let r = c.patch(&url, &patch_op(json!([{"op": "remove", "path": "emails"}, {"op": "remove", "path": "name.givenName"}]))).await;
    assert!(r.json().get("emails").is_none());
    assert_eq!(r.json()["name"], json!({"familyName": "Q"}));
    c.stop().await;
}

#[tokio::test]
async fn patch_errors_and_atomicity() {
    let c = Client::default().await;
    let id = user_with(
        &c,
        json!({"schemas": [USER], "userName": "atomic", "title": "Before"}),
    )
    .await;
    let url = format!("/Users/{id}");
    let cases = [
        (
            json!([{"op": "replace", "path": "title", "value": "After"}, {"op": "replace", "path": "nosuch", "value": 1}]),
            "invalidPath",
        ),
        (
            json!([{"op": "replace", "path": "title", "value": "After"}, {"op": "replace", "path": "emails[type eq", "value": 1}]),
            "invalidPath",
        ),
        (
            json!([{"op": "replace", "path": "title", "value": "After"}, {"op": "replace", "path": "active", "value": "yes"}]),
            "invalidValue",
        ),
        (
            json!([{"op": "replace", "path": "id", "value": "x"}]),
            "mutability",
        ),
        (
            json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}]),
            "mutability",
        ),
        (json!([{"op": "remove", "path": "userName"}]), "mutability"),
        (
            json!([{"op": "replace", "path": "userName", "value": ""}]),
            "invalidValue",
        ),
        (json!([{"op": "remove"}]), "noTarget"),
        (
            json!([{"op": "replace", "path": "emails[nosuch eq \"x\"]", "value": {}}]),
            "invalidFilter",
        ),
        (json!([{"op": "move", "path": "title"}]), "invalidSyntax"),
    ];
    for (ops, scim_type) in cases {
        let r = c.patch(&url, &patch_op(ops.clone())).await;
        assert_eq!(
            (r.status, r.json()["scimType"].as_str()),
            (400, Some(scim_type)),
            "{ops}: {}",
            r.body
        );
    }
    assert_eq!(c.get(&url).await.json()["title"], "Before");
    let r = c.patch(&url, &json!({"Operations": []})).await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (400, Some("invalidSyntax"))
    );
    let other = user_with(&c, json!({"schemas": [USER], "userName": "taken"})).await;
    let r = c
        .patch(
            &format!("/Users/{other}"),
            &patch_op(json!([{"op": "replace", "path": "userName", "value": "ATOMIC"}])),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (409, Some("uniqueness"))
    );
    // A remove whose filter matches nothing changes nothing (RFC 7644 §3.5.2.2 example).
    let r = c
        .patch(
            &url,
            &patch_op(json!([{"op": "remove", "path": "emails[value eq \"none\"]"}])),
        )
        .await;
    assert_eq!(r.status, 200);
    c.stop().await;
}

#[tokio::test]
async fn entra_default_dialect_and_strict_mode() {
    for strict in [false, true] {
        let c = Client::start(crate::server::ServerConfig {
            strict,
            ..Default::default()
        })
        .await;
        let id = user_with(
            &c,
            json!({"schemas": [USER, ENTERPRISE_USER], "userName": "entra", "active": true,
            "addresses": null, "roles": []}),
        )
        .await;
        let boss = user_with(&c, json!({"schemas": [USER], "userName": "boss"})).await;
        let url = format!("/Users/{id}");
        let entra = [
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
            json!([{"op": "replace", "value": {"name.givenName": "G", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "9"}}]),
            json!([{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": [{"$ref": null, "value": boss}]}]),
            json!([{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": boss}]),
        ];
        for ops in entra {
            let r = c.patch(&url, &patch_op(ops.clone())).await;
            if strict {
                assert_eq!(r.status, 400, "strict {ops}");
            } else {
                assert_eq!(r.status, 200, "{ops}: {}", r.body);
            }
        }
        if !strict {
            let u = c.get(&url).await.json();
            assert_eq!(u["active"], false);
            assert_eq!(u["name"]["givenName"], "G");
            assert_eq!(u[ENTERPRISE_USER]["employeeNumber"], "9");
            assert_eq!(u[ENTERPRISE_USER]["manager"]["value"], boss.as_str());
        }
        // The RFC forms work in both modes.
        let r = c
            .patch(
                &url,
                &patch_op(
                    json!([{"op": "replace", "value": {"active": true, "name": {"familyName": "F"},
            ENTERPRISE_USER: {"employeeNumber": "10"}}}]),
                ),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()[ENTERPRISE_USER]["employeeNumber"], "10");
        c.stop().await;
    }
}

#[tokio::test]
async fn entra_group_membership_dialects() {
    let c = Client::default().await;
    let u1 = c.user("g1").await;
    let u2 = c.user("g2").await;
    let u3 = c.user("g3").await;
    let r = c
        .post(
            "/Groups",
            &json!({"schemas": [GROUP, ADSCIM_GROUP],
        "displayName": "Team", "members": []}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let url = format!("/Groups/{}", r.json()["id"].as_str().unwrap());
    let r = c.patch(&url, &patch_op(json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": u1}, {"value": u2}, {"value": u3}]}]))).await;
    assert_eq!(
        r.json()["members"].as_array().map(Vec::len),
        Some(3),
        "{}",
        r.body
    );
    let r = c
        .patch(
            &url,
            &patch_op(json!([{"op": "Remove", "path": "members", "value": [{"value": u1}]}])),
        )
        .await;
    assert_eq!(
        r.json()["members"].as_array().map(Vec::len),
        Some(2),
        "{}",
        r.body
    );
    let r = c
        .patch(
            &url,
            &patch_op(json!([{"op": "remove", "path": format!("members[value eq \"{u2}\"]")}])),
        )
        .await;
    assert_eq!(r.json()["members"][0]["value"], u3.as_str());
    let r = c
        .patch(
            &url,
            &patch_op(json!([{"op": "Replace", "path": "displayName", "value": "Team 2"}])),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        c.get(&format!("/Users/{u3}")).await.json()["groups"][0]["display"],
        "Team 2"
    );
    assert!(c
        .get(&format!("/Users/{u1}"))
        .await
        .json()
        .get("groups")
        .is_none());
    let r = c.patch(&url, &patch_op(json!([{"op": "replace", "path": format!("members[value eq \"{u3}\"].value"), "value": u1}]))).await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (400, Some("mutability")),
        "{}",
        r.body
    );
    let r = c
        .patch(
            &url,
            &patch_op(json!([{"op": "add", "path": "members", "value": [{"value": "ghost"}]}])),
        )
        .await;
    // An unknown new member is left out of a PATCH (Okta pushes many at once), not refused.
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("ghost"), "{}", r.body);
    let r = c
        .get(&format!("{url}?excludedAttributes=members"))
        .await
        .json();
    assert!(r.get("members").is_none() && r["displayName"] == "Team 2");
    c.stop().await;
}
