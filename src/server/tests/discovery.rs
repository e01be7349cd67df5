use super::client::Client;

#[tokio::test]
async fn discovery_endpoints_describe_the_server() {
    let c = Client::default().await;
    let spc = c.get("/ServiceProviderConfig").await;
    assert_eq!(spc.status, 200);
    let spc = spc.json();
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(spc["etag"]["supported"], true);
    assert_eq!(spc["bulk"]["supported"], true);
    assert!(spc["filter"]["maxResults"].as_u64().is_some());
    let rts = c.get("/ResourceTypes").await.json();
    assert_eq!(rts["totalResults"], 2);
    assert_eq!(
        rts["Resources"][0]["schemaExtensions"][0]["schema"],
        crate::scim::urn::ENTERPRISE_USER
    );
    assert_eq!(
        c.get("/ResourceTypes/Group").await.json()["endpoint"],
        "/Groups"
    );
    assert_eq!(c.get("/ResourceTypes/Nope").await.status, 404);
    let schemas = c.get("/Schemas").await.json();
    assert_eq!(
        schemas["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    );
    assert_eq!(schemas["totalResults"], 6);
    let user = &schemas["Resources"][0];
    assert_eq!(
        user["schemas"][0],
        "urn:ietf:params:scim:schemas:core:2.0:Schema"
    );
    assert!(user["meta"]["location"]
        .as_str()
        .is_some_and(|l| l.starts_with("http://") && l.ends_with(":User")));
    let one = c
        .get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["attributes"][0]["required"], true);
    assert_eq!(c.get("/Schemas?filter=id%20pr").await.status, 403);
    let me = c.get("/Me").await;
    assert_eq!(
        (me.status, me.json()["status"].as_str()),
        (501, Some("501"))
    );
    let host = c
        .server
        .base_url()
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let raw = format!("GET /scim/v1/Users HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let v1 = c.raw(&host, raw.as_bytes()).await;
    assert_eq!(v1.status, 400, "{}", v1.body);
    assert_eq!(v1.json()["scimType"], "invalidVers");
    c.stop().await;
}
