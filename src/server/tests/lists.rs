use serde_json::{json, Value};

use super::client::Client;
use crate::scim::urn::{ENTERPRISE_USER, USER};

async fn seeded() -> Client {
    let c = Client::default().await;
    for (name, title, dept, email_type) in [
        ("alice", Some("Engineer"), "R&D", "work"),
        ("Bob", None, "Sales", "home"),
        ("carol", Some("engineer"), "R&D", "work"),
        ("dave", Some("Manager"), "Ops", "other"),
    ] {
        let mut body = json!({"schemas": [USER, ENTERPRISE_USER], "userName": name, "active": name != "dave",
            "emails": [{"value": format!("{name}@example.com"), "type": email_type}],
            ENTERPRISE_USER: {"department": dept}});
        if let Some(t) = title {
            body["title"] = json!(t);
        }
        let r = c.post("/Users", &body).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    c
}

fn names(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["userName"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn q(s: &str) -> String {
    s.replace(' ', "%20")
        .replace('"', "%22")
        .replace('[', "%5B")
        .replace(']', "%5D")
}

#[tokio::test]
async fn filters_cover_the_operator_table() {
    let c = seeded().await;
    let cases = [
        (r#"userName eq "ALICE""#, vec!["alice"]),
        (r#"userName ne "alice""#, vec!["Bob", "carol", "dave"]),
        (r#"title co "gine""#, vec!["alice", "carol"]),
        (r#"userName sw "c""#, vec!["carol"]),
        (r#"userName ew "E""#, vec!["alice", "dave"]),
        (r#"userName gt "carol""#, vec!["dave"]),
        (r#"userName le "bob""#, vec!["alice", "Bob"]),
        ("title pr", vec!["alice", "carol", "dave"]),
        (r#"title pr and not (active eq true)"#, vec!["dave"]),
        (
            r#"userName eq "bob" or title eq "manager" and active eq false"#,
            vec!["Bob", "dave"],
        ),
        (
            r#"(userName eq "bob" or title eq "manager") and active eq true"#,
            vec!["Bob"],
        ),
        (
            r#"emails[type eq "work" and value co "carol"]"#,
            vec!["carol"],
        ),
        (
            r#"emails[type eq "work"].value eq "alice@example.com""#,
            vec!["alice"],
        ),
        (
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "r&d""#,
            vec!["alice", "carol"],
        ),
        (
            r#"meta.created gt "2000-01-01T00:00:00Z""#,
            vec!["alice", "Bob", "carol", "dave"],
        ),
        (r#"userName eq "nobody""#, vec![]),
    ];
    for (filter, expected) in cases {
        let r = c
            .get(&format!("/Users?filter={}", q(filter).replace('&', "%26")))
            .await;
        assert_eq!(r.status, 200, "{filter}: {}", r.body);
        assert_eq!(names(&r.json()), expected, "{filter}");
        assert_eq!(r.json()["totalResults"], expected.len(), "{filter}");
    }
    for bad in [
        r#"userName eq"#,
        r#"nosuch eq "x""#,
        r#"active gt true"#,
        "userName eq alice",
    ] {
        let r = c.get(&format!("/Users?filter={}", q(bad))).await;
        assert_eq!(
            (r.status, r.json()["scimType"].as_str()),
            (400, Some("invalidFilter")),
            "{bad}"
        );
    }
    let r = c
        .get(&format!("/Users?filter={}", q(r#"password eq "x""#)))
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].as_str()),
        (403, Some("sensitive"))
    );
    c.stop().await;
}

#[tokio::test]
async fn sorting_and_pagination() {
    let c = seeded().await;
    let r = c.get("/Users?sortBy=userName").await.json();
    assert_eq!(names(&r), vec!["alice", "Bob", "carol", "dave"]);
    let r = c
        .get("/Users?sortBy=userName&sortOrder=descending")
        .await
        .json();
    assert_eq!(names(&r), vec!["dave", "carol", "Bob", "alice"]);
    let r = c.get("/Users?sortBy=title").await.json();
    assert_eq!(names(&r), vec!["alice", "carol", "dave", "Bob"]);
    let r = c
        .get("/Users?sortBy=title&sortOrder=descending")
        .await
        .json();
    assert_eq!(names(&r)[0], "Bob");
    let r = c
        .get("/Users?sortBy=userName&startIndex=2&count=2")
        .await
        .json();
    assert_eq!(names(&r), vec!["Bob", "carol"]);
    assert_eq!(
        (
            r["totalResults"].as_u64(),
            r["itemsPerPage"].as_u64(),
            r["startIndex"].as_u64()
        ),
        (Some(4), Some(2), Some(2))
    );
    let r = c.get("/Users?startIndex=0&count=-3").await.json();
    assert_eq!(
        (
            r["totalResults"].as_u64(),
            r["itemsPerPage"].as_u64(),
            r["startIndex"].as_u64()
        ),
        (Some(4), Some(0), Some(1))
    );
    assert_eq!(r["Resources"], json!([]));
    let r = c.get("/Users?startIndex=10").await.json();
    assert_eq!(
        (r["totalResults"].as_u64(), r["itemsPerPage"].as_u64()),
        (Some(4), Some(0))
    );
    let r = c.get("/Users?count=x").await;
    assert_eq!(r.status, 400);
    c.stop().await;
}

#[tokio::test]
async fn projection_on_lists_search_and_writes() {
    let c = seeded().await;
    let r = c
        .get("/Users?attributes=userName&filter=userName%20eq%20%22alice%22")
        .await
        .json();
    let alice = &r["Resources"][0];
    assert_eq!(
        alice
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["schemas".into(), "id".into(), "userName".into()])
    );
    let r = c
        .get("/Users?excludedAttributes=emails,meta&count=1")
        .await
        .json();
    assert!(r["Resources"][0].get("emails").is_none() && r["Resources"][0].get("meta").is_none());
    assert!(r["Resources"][0].get("id").is_some());
    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "title pr", "attributes": ["title"], "sortBy": "title", "count": 2});
    let r = c.post("/Users/.search", &search).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = r.json();
    assert_eq!(r["totalResults"], 3);
    assert_eq!(r["Resources"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["Resources"][0]["title"], "Engineer");
    assert!(r["Resources"][0].get("userName").is_none());
    let r = c.post("/.search", &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName sw \"a\""})).await;
    assert_eq!(r.json()["totalResults"], 1, "{}", r.body);
    let r = c
        .post(
            "/Users?attributes=userName",
            &json!({"schemas": [USER], "userName": "eve", "title": "x"}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert!(r.json().get("title").is_none());
    c.stop().await;
}
