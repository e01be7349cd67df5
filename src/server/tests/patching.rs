use serde_json::json;

use super::client::{patch_op, Client, ENTERPRISE, USER};

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
        .patch(&format!("/Users/{id}"), &patch_op(json!([{"op": "replace", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "7"}])))
        .await;
    assert_eq!(r.json()[ENTERPRISE]["employeeNumber"], "7");
    assert!(r.json()["schemas"]
        .as_array()
        .unwrap()
        .contains(&json!(ENTERPRISE)));
    c.stop().await;
}
