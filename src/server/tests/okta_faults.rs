//! The probes of the Okta faults: what Okta's Group Push, deactivation, import paging and
//! re-push observe, on the faultless and on the faulty server.

use serde_json::{json, Value};

use super::client::{patch_op, Client};
use crate::scim::urn::{GROUP, USER};
use crate::server::Fault;

async fn new_id(c: &Client, path: &str, body: Value) -> String {
    c.post(path, &body).await.json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A group holding users `a` and `b`: (group id, a's id, b's id).
async fn group_of_two(c: &Client) -> (String, String, String) {
    let a = new_id(c, "/Users", json!({"schemas": [USER], "userName": "a"})).await;
    let b = new_id(c, "/Users", json!({"schemas": [USER], "userName": "b"})).await;
    let members = json!([{"value": a}, {"value": b}]);
    let g = new_id(
        c,
        "/Groups",
        json!({"schemas": [GROUP], "displayName": "G", "members": members}),
    )
    .await;
    (g, a, b)
}

/// The group's member ids after `ops`, with the PATCH status.
async fn members_after(c: &Client, g: &str, ops: Value) -> String {
    let status = c
        .patch(&format!("/Groups/{g}"), &patch_op(ops))
        .await
        .status;
    let group = c.get(&format!("/Groups/{g}")).await.json();
    let ids: Vec<String> = group["members"]
        .as_array()
        .map(|m| m.iter().map(|v| v["value"].to_string()).collect())
        .unwrap_or_default();
    format!("{status} {}", ids.join(","))
}

/// What the probe of an Okta fault observes; `None` for other faults.
pub async fn probe(c: &Client, fault: Fault) -> Option<String> {
    use Fault::*;
    let observed = match fault {
        ReplaceMembersAppends => {
            let (g, _, b) = group_of_two(c).await;
            members_after(
                c,
                &g,
                json!([{"op": "replace", "path": "members", "value": [{"value": b}]}]),
            )
            .await
        }
        EmptyReplaceIgnored => {
            let (g, _, _) = group_of_two(c).await;
            members_after(
                c,
                &g,
                json!([{"op": "replace", "path": "members", "value": []}]),
            )
            .await
        }
        BatchMemberUnknownRejectsAll => {
            let (g, _, _) = group_of_two(c).await;
            let c2 = new_id(c, "/Users", json!({"schemas": [USER], "userName": "c"})).await;
            let value = json!([{"value": "ghost"}, {"value": c2}]);
            members_after(
                c,
                &g,
                json!([{"op": "add", "path": "members", "value": value}]),
            )
            .await
        }
        RenameWithIdRefused => {
            let g = new_id(
                c,
                "/Groups",
                json!({"schemas": [GROUP], "displayName": "G"}),
            )
            .await;
            let ops = json!([{"op": "replace", "value": {"id": g, "displayName": "H"}}]);
            let status = c
                .patch(&format!("/Groups/{g}"), &patch_op(ops))
                .await
                .status;
            let name = c.get(&format!("/Groups/{g}")).await.json()["displayName"].clone();
            format!("{status} {name}")
        }
        PathlessActiveIgnored => {
            let u = new_id(
                c,
                "/Users",
                json!({"schemas": [USER], "userName": "a", "active": true}),
            )
            .await;
            let ops = json!([{"op": "replace", "value": {"active": false}}]);
            let _ = c.patch(&format!("/Users/{u}"), &patch_op(ops)).await;
            c.get(&format!("/Users/{u}")).await.json()["active"].to_string()
        }
        PagingPastEndError => {
            let _ = new_id(c, "/Users", json!({"schemas": [USER], "userName": "a"})).await;
            let r = c.get("/Users?startIndex=101&count=100").await;
            format!("{} {}", r.status, r.json()["totalResults"])
        }
        ConflictWithoutUniqueness => {
            let body = json!({"schemas": [USER], "userName": "a"});
            let _ = c.post("/Users", &body).await;
            let r = c.post("/Users", &body).await;
            format!("{} {}", r.status, r.json()["scimType"])
        }
        _ => return None,
    };
    Some(observed)
}

#[tokio::test]
async fn unknown_new_members_are_left_out_of_a_patch_known_ones_kept() {
    let c = Client::default().await;
    let (g, a, b) = group_of_two(&c).await;
    let d = new_id(&c, "/Users", json!({"schemas": [USER], "userName": "d"})).await;
    let ops =
        json!([{"op": "add", "path": "members", "value": [{"value": "ghost"}, {"value": d}]}]);
    assert_eq!(
        members_after(&c, &g, ops).await,
        format!("200 \"{a}\",\"{b}\",\"{d}\"")
    );
    c.stop().await;
}

#[tokio::test]
async fn a_pathless_replace_may_repeat_the_own_id_but_not_change_it() {
    let c = Client::default().await;
    let g = new_id(
        &c,
        "/Groups",
        json!({"schemas": [GROUP], "displayName": "G"}),
    )
    .await;
    let same = json!([{"op": "replace", "value": {"id": g, "displayName": "H"}}]);
    let r = c.patch(&format!("/Groups/{g}"), &patch_op(same)).await;
    assert_eq!(
        (r.status, r.json()["displayName"].clone()),
        (200, json!("H"))
    );
    let other = json!([{"op": "replace", "value": {"id": "another", "displayName": "I"}}]);
    let r = c.patch(&format!("/Groups/{g}"), &patch_op(other)).await;
    assert_eq!(
        (r.status, r.json()["scimType"].clone()),
        (400, json!("mutability"))
    );
    c.stop().await;
}
