use serde_json::{json, Value};

use super::client::Client;
use crate::scim::urn::{BULK_REQUEST, GROUP, USER};

fn statuses(r: &Value) -> Vec<String> {
    r["Operations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o["status"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn bulk_resolves_references_in_any_order() {
    let c = Client::default().await;
    let body = json!({"schemas": [BULK_REQUEST], "Operations": [
        {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"type": "User", "value": "bulkId:u"}]}},
        {"method": "POST", "path": "/Users", "bulkId": "u", "data": {"schemas": [USER], "userName": "Alice"}},
        {"method": "PATCH", "path": "/Users/bulkId:u", "data": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "title", "value": "Guide"}]}},
        {"method": "DELETE", "path": "/Users/missing"}
    ]});
    let r = c.post("/Bulk", &body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = r.json();
    assert_eq!(
        r["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
    );
    assert_eq!(statuses(&r), vec!["201", "201", "200", "404"]);
    assert_eq!(r["Operations"][3]["response"]["status"], "404");
    let group_loc = r["Operations"][0]["location"].as_str().unwrap().to_string();
    let gid = group_loc.rsplit('/').next().unwrap();
    let g = c.get(&format!("/Groups/{gid}")).await.json();
    let uid = r["Operations"][1]["location"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(g["members"][0]["value"], uid.as_str());
    assert_eq!(
        c.get(&format!("/Users/{uid}")).await.json()["title"],
        "Guide"
    );
    c.stop().await;
}

#[tokio::test]
async fn bulk_limits_and_fail_on_errors() {
    let c = Client::default().await;
    let dup = json!({"schemas": [USER], "userName": "same"});
    let body = json!({"schemas": [BULK_REQUEST], "failOnErrors": 1, "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "a", "data": dup},
        {"method": "POST", "path": "/Users", "bulkId": "b", "data": dup},
        {"method": "POST", "path": "/Users", "bulkId": "c", "data": {"schemas": [USER], "userName": "other"}}
    ]});
    let r = c.post("/Bulk", &body).await.json();
    assert_eq!(statuses(&r), vec!["201", "409"]);
    let ops: Vec<Value> = (0..1001)
        .map(|_| json!({"method": "DELETE", "path": "/Users/x"}))
        .collect();
    let r = c
        .post(
            "/Bulk",
            &json!({"schemas": [BULK_REQUEST], "Operations": ops}),
        )
        .await;
    assert_eq!((r.status, r.json()["status"].as_str()), (413, Some("413")));
    let big = "x".repeat(1_100_000);
    let r = c
        .post(
            "/Bulk",
            &json!({"schemas": [BULK_REQUEST], "Operations": [], "pad": big}),
        )
        .await;
    assert_eq!(r.status, 413);
    assert!(r.json()["detail"]
        .as_str()
        .is_some_and(|d| d.contains("1048576")));
    let r = c.post("/Bulk", &json!({"schemas": [BULK_REQUEST], "Operations": [{"method": "POST", "path": "/Users", "bulkId": "z",
        "data": {"schemas": [GROUP], "displayName": "x", "members": [{"value": "bulkId:nowhere"}]}}]})).await;
    assert_eq!(statuses(&r.json()), vec!["400"], "{}", r.body);
    c.stop().await;
}
