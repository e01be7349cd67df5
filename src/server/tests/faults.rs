//! Every fault changes something observable: the same probe gives a different answer on the
//! faultless server and on the faulty one.

use serde_json::{json, Value};

use super::client::{patch_op, Client, Reply};
use crate::scim::urn::{ADSCIM_GROUP, ENTERPRISE_USER, GROUP, USER};
use crate::server::{Fault, ServerConfig};

fn id(r: &Reply) -> String {
    r.json()["id"].as_str().unwrap_or_default().to_string()
}

async fn create(c: &Client, body: Value) -> Reply {
    c.post("/Users", &body).await
}

fn user(name: &str) -> Value {
    json!({"schemas": [USER], "userName": name})
}

async fn total(c: &Client, filter: &str) -> String {
    let q = filter.replace(' ', "%20").replace('"', "%22");
    let r = c.get(&format!("/Users?filter={q}")).await;
    format!("{} {}", r.status, r.json()["totalResults"])
}

async fn names(c: &Client, query: &str) -> String {
    let r = c.get(&format!("/Users?{query}")).await.json();
    r["Resources"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| u["userName"].to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

async fn patched(c: &Client, body: Value, ops: Value) -> Reply {
    let uid = id(&create(c, body).await);
    c.patch(&format!("/Users/{uid}"), &patch_op(ops)).await
}

async fn group_with(c: &Client, members: &[&str]) -> String {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    id(&c
        .post(
            "/Groups",
            &json!({"schemas": [GROUP], "displayName": "G", "members": members}),
        )
        .await)
}

async fn bulk_create(c: &Client) -> Reply {
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{"method": "POST", "path": "/Users", "bulkId": "u1", "data": user("a")}]});
    c.post("/Bulk", &body).await
}

/// The representation `create` answers for `body`, as text at `pointer`.
async fn created(c: &Client, body: Value, pointer: &str) -> String {
    let r = create(c, body).await;
    format!(
        "{} {}",
        r.status,
        r.json().pointer(pointer).unwrap_or(&Value::Null)
    )
}

/// What the probe for one of the faults of the second catalogue part observes.
async fn probe_more(c: &Client, fault: Fault) -> String {
    use Fault::*;
    let two_names =
        json!({"schemas": [USER], "userName": "a", "name": {"givenName": "G", "familyName": "F"}});
    let two_emails = json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x", "type": "work"}, {"value": "b@x", "type": "home"}]});
    let titled = json!({"schemas": [USER], "userName": "a", "title": "t"});
    let patched_json = |body: Value, ops: Value| async move {
        let r = patched(c, body, ops).await;
        format!("{} {}", r.status, r.body)
    };
    match fault {
        SearchReturns201 => {
            let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]});
            c.post("/Users/.search", &body).await.status.to_string()
        }
        UserNameTruncated => {
            created(c, user("a-user-name-longer-than-twenty"), "/userName").await
        }
        GetReturns201 => {
            let uid = id(&create(c, user("a")).await);
            c.get(&format!("/Users/{uid}")).await.status.to_string()
        }
        MeNotFound => c.get("/Me").await.status.to_string(),
        AcceptJsonRejected => c
            .send("GET", "/Users", None, &[("Accept", "application/json")])
            .await
            .status
            .to_string(),
        NonAsciiMangled => created(c, json!({"schemas": [USER], "userName": "a", "displayName": "Zoë"}), "/displayName").await,
        StringsLowerCased => created(c, json!({"schemas": [USER], "userName": "a", "displayName": "Zoë"}), "/displayName").await,
        IfNoneMatchNotCompared => {
            let uid = id(&create(c, user("a")).await);
            c.send("GET", &format!("/Users/{uid}"), None, &[("If-None-Match", "W/\"stale\"")])
                .await
                .status
                .to_string()
        }
        VersionNotUpdated => {
            let r = create(c, user("a")).await;
            let put = c.put(&format!("/Users/{}", id(&r)), &titled).await;
            (r.json()["meta"]["version"] == put.json()["meta"]["version"]).to_string()
        }
        StartIndexDefaultZero => c.get("/Users").await.json()["startIndex"].to_string(),
        ExcludedAttributesDropsAlways | AttributesDropsSchemas => {
            let uid = id(&create(c, user("a")).await);
            let a = c.get(&format!("/Users/{uid}?excludedAttributes=id")).await.json();
            let b = c.get(&format!("/Users/{uid}?attributes=userName")).await.json();
            format!("{} {}", a.get("id").is_some(), b.get("schemas").is_some())
        }
        PatchAddAbsentNoTarget | PatchAddKeepsExisting => {
            let a = patched(c, user("a"), json!([{"op": "add", "path": "title", "value": "t"}])).await;
            let titled_b = json!({"schemas": [USER], "userName": "b", "title": "t"});
            let b = patched(c, titled_b, json!([{"op": "add", "path": "title", "value": "u"}])).await;
            format!("{} {}", a.status, b.json()["title"])
        }
        MemberReaddDuplicates => {
            let u1 = id(&create(c, user("a")).await);
            let gid = group_with(c, &[&u1]).await;
            let ops = json!([{"op": "add", "path": "members", "value": [{"value": u1}]}]);
            c.patch(&format!("/Groups/{gid}"), &patch_op(ops)).await.json()["members"].to_string()
        }
        PatchReplaceAbsentNoTarget => {
            patched_json(user("a"), json!([{"op": "replace", "path": "title", "value": "t"}])).await
        }
        PatchReplaceMultiAppends => {
            patched_json(two_emails, json!([{"op": "replace", "path": "emails", "value": [{"value": "c@x"}]}])).await
        }
        PatchReplaceComplexDropsOthers => {
            patched_json(two_names, json!([{"op": "replace", "path": "name", "value": {"givenName": "H"}}])).await
        }
        PatchSubAttributeDropsSiblings => {
            patched_json(two_names, json!([{"op": "replace", "path": "name.givenName", "value": "H"}])).await
        }
        PatchFilterReplaceAppends => {
            let ops = json!([{"op": "replace", "path": "emails[type eq \"work\"]", "value": {"value": "c@x", "type": "work"}}]);
            patched_json(two_emails, ops).await
        }
        PatchNoPathReplacesAll => {
            patched_json(titled, json!([{"op": "replace", "value": {"displayName": "d"}}])).await
        }
        PatchUnassignIgnored => {
            patched_json(titled, json!([{"op": "replace", "path": "title", "value": null}])).await
        }
        PatchRemoveUnmatchedClears => {
            patched_json(two_emails, json!([{"op": "remove", "path": "emails[type eq \"pager\"]"}])).await
        }
        PatchOpsReordered => {
            let ops = json!([{"op": "add", "path": "title", "value": "First"}, {"op": "replace", "path": "title", "value": "Second"}]);
            patched_json(titled, ops).await
        }
        PatchPathCaseSensitive => {
            patched_json(titled, json!([{"op": "replace", "path": "TITLE", "value": "u"}])).await
        }
        PatchCoreUrnPathRejected => {
            patched_json(titled, json!([{"op": "replace", "path": format!("{USER}:title"), "value": "u"}])).await
        }
        PutMerges | UpdateNotSaved | UpdateReassignsId => {
            let uid = id(&create(c, titled).await);
            let put = c.put(&format!("/Users/{uid}"), &json!({"schemas": [USER], "userName": "a", "displayName": "d"})).await;
            let got = c.get(&format!("/Users/{uid}")).await;
            format!("{} {} {}", id(&put) == uid, got.json()["title"], got.json()["displayName"])
        }
        NoOpUpdateTouchesLastModified => {
            let r = create(c, user("a")).await;
            let put = c.put(&format!("/Users/{}", id(&r)), &user("a")).await;
            (r.json()["meta"]["lastModified"] == put.json()["meta"]["lastModified"]).to_string()
        }
        DeleteGroupCascades => {
            let u1 = id(&create(c, user("a")).await);
            let gid = group_with(c, &[&u1]).await;
            c.delete(&format!("/Groups/{gid}")).await;
            c.get(&format!("/Users/{u1}")).await.status.to_string()
        }
        IdReusedAfterDelete => {
            let first = id(&create(c, user("a")).await);
            c.delete(&format!("/Users/{first}")).await;
            (id(&create(c, user("a")).await) == first).to_string()
        }
        ClientMetaKept => created(c, json!({"schemas": [USER], "userName": "a", "meta": {"created": "2001-01-01T00:00:00Z"}}), "/meta/created").await.contains("2001").to_string(),
        MetaLocationWrong | MetaResourceTypeWrong | LastModifiedUnsetOnCreate | DatetimeNotXsd => {
            let r = create(c, user("a")).await.json();
            let meta = &r["meta"];
            format!(
                "{} {} {} {}",
                meta["location"].as_str().unwrap_or_default().ends_with(&id_of(&r)),
                meta["resourceType"],
                meta.get("lastModified").is_some(),
                meta["created"].as_str().unwrap_or_default().contains('T')
            )
        }
        ExternalIdDropped | ExternalIdDefaulted => {
            let a = created(c, json!({"schemas": [USER], "userName": "a", "externalId": "x"}), "/externalId").await;
            let b = created(c, user("b"), "/externalId").await;
            format!("{a} {b}")
        }
        BooleansAsStrings => created(c, json!({"schemas": [USER], "userName": "a", "active": false}), "/active").await,
        MultiValuedUnwrapped | TypeSubAttributeDropped => {
            created(c, json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x", "type": "work"}]}), "/emails").await
        }
        DuplicateValuesKept => created(c, json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x"}, {"value": "a@x"}]}), "/emails").await,
        MultiplePrimaryAccepted => created(c, json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}]}), "/emails").await,
        ReadOnlySubAttributesStored => {
            let boss = id(&create(c, user("boss")).await);
            let body = json!({"schemas": [USER, ENTERPRISE_USER], "userName": "a", ENTERPRISE_USER: {"manager": {"value": boss, "displayName": "X"}}});
            created(c, body, &format!("/{ENTERPRISE_USER}/manager/displayName")).await
        }
        UniquenessNoneEnforced => {
            create(c, json!({"schemas": [USER], "userName": "a", "displayName": "D"})).await;
            created(c, json!({"schemas": [USER], "userName": "b", "displayName": "D"}), "/displayName").await
        }
        ExtensionFlattened | ExtensionSchemaNotListed => {
            let r = create(c, json!({"schemas": [USER, ENTERPRISE_USER], "userName": "a", ENTERPRISE_USER: {"department": "D"}})).await.json();
            format!("{} {}", r.get(ENTERPRISE_USER).is_some(), r["schemas"])
        }
        UserGroupsWritable => {
            let gid = group_with(c, &[]).await;
            create(c, json!({"schemas": [USER], "userName": "a", "groups": [{"value": gid}]})).await;
            c.get(&format!("/Groups/{gid}")).await.json()["members"].to_string()
        }
        MemberValueIsName | RefIsBareId => {
            let u1 = id(&create(c, user("a")).await);
            let gid = group_with(c, &[&u1]).await;
            let g = c.get(&format!("/Groups/{gid}")).await.json();
            format!("{} {}", g["members"][0]["value"] == u1.as_str(), g["members"][0]["$ref"].as_str().unwrap_or_default().ends_with(&format!("/Users/{u1}")))
        }
        InactiveUsersHidden => {
            let uid = id(&create(c, json!({"schemas": [USER], "userName": "a", "active": false})).await);
            c.get(&format!("/Users/{uid}")).await.status.to_string()
        }
        DiscoveryAcceptsWrites => c.post("/Schemas", &json!({})).await.status.to_string(),
        DiscoveryByIdUnsupported | DiscoverySchemasMissing | ResourceTypeSchemaNotUri => {
            let r = c.get("/ResourceTypes/User").await;
            let rt = r.json();
            format!("{} {} {}", r.status, rt.get("schemas").is_some(), rt["schema"])
        }
        DiscoveryPaginated | SchemasListsMessages => c.get("/Schemas?count=1").await.json()["Resources"].as_array().map_or(0, Vec::len).to_string(),
        ResourceTypeEndpointAbsolute => c.get("/ResourceTypes/User").await.json()["endpoint"].to_string(),
        SchemaNestedComplex => c.get(&format!("/Schemas/{GROUP}")).await.body.matches("complex").count().to_string(),
        SpcIntegersAsStrings => c.get("/ServiceProviderConfig").await.json()["bulk"]["maxOperations"].to_string(),
        BulkReturns201 | BulkReportsErrorsOnly | BulkIdUsedAsId => {
            let r = bulk_create(c).await;
            let ops = r.json()["Operations"].clone();
            format!("{} {} {}", r.status, ops.as_array().map_or(0, Vec::len), ops[0]["location"].as_str().unwrap_or_default().ends_with("/u1"))
        }
        _ => probe_claims(c, fault).await,
    }
}

/// What the probe for a concurrency, atomicity or advertised-capability fault observes.
async fn probe_claims(c: &Client, fault: Fault) -> String {
    use Fault::*;
    let titled = json!({"schemas": [USER], "userName": "a", "title": "t"});
    match fault {
        LostMemberUpdate => {
            let u1 = id(&create(c, user("a")).await);
            let u2 = id(&create(c, user("b")).await);
            let gid = group_with(c, &[]).await;
            let path = format!("/Groups/{gid}");
            let add = |u: &str| {
                patch_op(json!([{"op": "add", "path": "members", "value": [{"value": u}]}]))
            };
            let (add1, add2) = (add(&u1), add(&u2));
            tokio::join!(c.patch(&path, &add1), c.patch(&path, &add2));
            let members = c.get(&path).await.json()["members"].clone();
            members.as_array().map_or(0, Vec::len).to_string()
        }
        LostAttributeUpdate => {
            let uid = id(&create(c, user("a")).await);
            let path = format!("/Users/{uid}");
            let title = patch_op(json!([{"op": "replace", "path": "title", "value": "T"}]));
            let nick = patch_op(json!([{"op": "replace", "path": "nickName", "value": "N"}]));
            tokio::join!(c.patch(&path, &title), c.patch(&path, &nick));
            let r = c.get(&path).await.json();
            format!("{} {}", r["title"], r["nickName"])
        }
        UnknownOpIgnored => patched(c, titled, json!([{"op": "move", "path": "title"}]))
            .await
            .status
            .to_string(),
        RequiredRemoved => patched(c, user("a"), json!([{"op": "remove", "path": "userName"}]))
            .await
            .status
            .to_string(),
        MetaCreatedMoves => {
            let r = create(c, titled).await.json();
            let ops = json!([{"op": "replace", "path": "title", "value": "T"}]);
            let after = c
                .patch(&format!("/Users/{}", id_of(&r)), &patch_op(ops))
                .await
                .json();
            (after["meta"]["created"] == r["meta"]["created"]).to_string()
        }
        ReadOnlyIdOverwritten => {
            let uid = id(&create(c, user("a")).await);
            let body = json!({"schemas": [USER], "userName": "a", "title": "T", "id": "other"});
            let r = c.put(&format!("/Users/{uid}"), &body).await;
            format!("{} {}", r.status, id(&r) == uid)
        }
        PatchClaimedRefused => patched(
            c,
            titled,
            json!([{"op": "replace", "path": "title", "value": "T"}]),
        )
        .await
        .status
        .to_string(),
        BulkClaimedRefused => bulk_create(c).await.status.to_string(),
        ChangePasswordClaimedRefused => patched(
            c,
            user("a"),
            json!([{"op": "replace", "path": "password", "value": "Pw-1234567!"}]),
        )
        .await
        .status
        .to_string(),
        _ => match super::okta_faults::probe(c, fault).await {
            Some(seen) => seen,
            None => super::robust_faults::probe(c, fault).await,
        },
    }
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

/// What the probe for `fault` observes.
async fn probe(c: &Client, fault: Fault) -> String {
    use Fault::*;
    match fault {
        CreateReturns200 => create(c, user("a")).await.status.to_string(),
        DeleteReturns200 => {
            let uid = id(&create(c, user("a")).await);
            c.delete(&format!("/Users/{uid}")).await.status.to_string()
        }
        UnknownIdReturns400 => c.get("/Users/nope").await.status.to_string(),
        DeletedStillFound => {
            let uid = id(&create(c, user("a")).await);
            c.delete(&format!("/Users/{uid}")).await;
            c.get(&format!("/Users/{uid}")).await.status.to_string()
        }
        PutUnknownCreates => c.put("/Users/nope", &user("a")).await.status.to_string(),
        DuplicateReturns400 | UniquenessNotEnforced => {
            create(c, user("a")).await;
            create(c, user("a")).await.status.to_string()
        }
        UserNameCaseExact => {
            create(c, user("a")).await;
            create(c, user("A")).await.status.to_string()
        }
        MissingRequiredAccepted => create(c, json!({"schemas": [USER], "title": "x"}))
            .await
            .status
            .to_string(),
        MalformedJsonReturns500 => {
            let host = c
                .server
                .base_url()
                .trim_start_matches("http://")
                .split('/')
                .next()
                .unwrap_or_default()
                .to_string();
            let raw = format!("POST /scim/v2/Users HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1\r\nConnection: close\r\n\r\n{{");
            c.raw(&host, raw.as_bytes()).await.status.to_string()
        }
        NoLocationHeader => create(c, user("a"))
            .await
            .header("location")
            .is_some()
            .to_string(),
        ContentTypeJson => c
            .get("/Users")
            .await
            .header("content-type")
            .unwrap_or_default()
            .to_string(),
        NoEtagHeader => create(c, user("a"))
            .await
            .header("etag")
            .is_some()
            .to_string(),
        EtagMismatchesVersion => {
            let r = create(c, user("a")).await;
            (r.header("etag") == r.json()["meta"]["version"].as_str()).to_string()
        }
        IfMatchIgnored => {
            let uid = id(&create(c, user("a")).await);
            c.send(
                "PUT",
                &format!("/Users/{uid}"),
                Some(&user("a")),
                &[("If-Match", "W/\"stale\"")],
            )
            .await
            .status
            .to_string()
        }
        IfNoneMatchIgnored => {
            let r = create(c, user("a")).await;
            let tag = r.header("etag").unwrap_or("*").to_string();
            c.send(
                "GET",
                &format!("/Users/{}", id(&r)),
                None,
                &[("If-None-Match", &tag)],
            )
            .await
            .status
            .to_string()
        }
        ZeroResults404 => total(c, r#"userName eq "nobody""#).await,
        FilterIgnored => {
            create(c, user("a")).await;
            create(c, user("b")).await;
            total(c, r#"userName eq "a""#).await
        }
        InvalidFilterAccepted => total(c, "userName eq").await,
        TotalResultsPageOnly | CountIgnored => {
            for n in ["a", "b", "c"] {
                create(c, user(n)).await;
            }
            let r = c.get("/Users?count=1").await.json();
            format!("{} {}", r["totalResults"], r["itemsPerPage"])
        }
        ItemsPerPageRequested => {
            create(c, user("a")).await;
            create(c, user("b")).await;
            c.get("/Users?count=5").await.json()["itemsPerPage"].to_string()
        }
        UnknownAttributeFilterAll => {
            create(c, user("a")).await;
            total(c, r#"noSuchAttribute eq "a""#).await
        }
        StartIndexZeroBased => {
            create(c, user("a")).await;
            create(c, user("b")).await;
            names(c, "sortBy=userName&startIndex=1&count=1").await
        }
        EqCaseSensitive => {
            create(c, user("Abc")).await;
            total(c, r#"userName eq "abc""#).await
        }
        CoAsEq => {
            create(c, user("abcdef")).await;
            total(c, r#"userName co "cd""#).await
        }
        AndAsOr => {
            create(c, user("a")).await;
            create(c, user("b")).await;
            total(c, r#"userName eq "a" and userName eq "b""#).await
        }
        NotIgnored => {
            create(c, user("a")).await;
            create(c, user("b")).await;
            names(c, "filter=not%20(userName%20eq%20%22a%22)").await
        }
        PrMatchesUnassigned => {
            create(c, user("a")).await;
            total(c, "title pr").await
        }
        SortByIgnored => {
            create(c, user("b")).await;
            create(c, user("a")).await;
            names(c, "sortBy=userName").await
        }
        SortOrderIgnored => {
            create(c, user("a")).await;
            create(c, user("b")).await;
            names(c, "sortBy=userName&sortOrder=descending").await
        }
        ListSchemaMissing => c.get("/Users").await.json()["schemas"].to_string(),
        AttributesIgnored | AttributesDropsId => {
            let uid = id(&create(c, user("a")).await);
            let r = c
                .get(&format!("/Users/{uid}?attributes=userName"))
                .await
                .json();
            format!("{} {}", r.get("meta").is_some(), r.get("id").is_some())
        }
        ExcludedAttributesIgnored => {
            let uid = id(&create(c, user("a")).await);
            c.get(&format!("/Users/{uid}?excludedAttributes=meta"))
                .await
                .json()
                .get("meta")
                .is_some()
                .to_string()
        }
        PasswordReturned => {
            let uid = id(&create(
                c,
                json!({"schemas": [USER], "userName": "a", "password": "pw"}),
            )
            .await);
            c.get(&format!("/Users/{uid}"))
                .await
                .json()
                .get("password")
                .is_some()
                .to_string()
        }
        PatchIgnoresRemove => {
            let r = patched(
                c,
                json!({"schemas": [USER], "userName": "a", "title": "t"}),
                json!([{"op": "remove", "path": "title"}]),
            )
            .await;
            r.json()["title"].to_string()
        }
        PatchAddReplacesMulti => {
            let body = json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x"}]});
            let r = patched(
                c,
                body,
                json!([{"op": "add", "path": "emails", "value": [{"value": "b@x"}]}]),
            )
            .await;
            r.json()["emails"].to_string()
        }
        PatchReplaceFilterAll => {
            let body = json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x", "type": "work"}, {"value": "b@x", "type": "home"}]});
            let r = patched(c, body, json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "c@x"}])).await;
            r.json()["emails"].to_string()
        }
        PatchNoTargetSucceeds => {
            let r = patched(c, user("a"), json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "c@x"}])).await;
            r.status.to_string()
        }
        PatchRemoveNoPathAccepted => patched(c, user("a"), json!([{"op": "remove"}]))
            .await
            .status
            .to_string(),
        PatchNotAtomic => {
            let uid = id(&create(c, user("a")).await);
            let ops = json!([{"op": "add", "path": "title", "value": "t"}, {"op": "add", "path": "nosuch", "value": 1}]);
            c.patch(&format!("/Users/{uid}"), &patch_op(ops)).await;
            c.get(&format!("/Users/{uid}")).await.json()["title"].to_string()
        }
        PatchPrimaryNotExclusive => {
            let body = json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x", "primary": true}]});
            let r = patched(c, body, json!([{"op": "add", "path": "emails", "value": [{"value": "b@x", "primary": true}]}])).await;
            r.json()["emails"].to_string()
        }
        PatchReadOnlyAccepted => patched(
            c,
            user("a"),
            json!([{"op": "replace", "path": "id", "value": "x"}]),
        )
        .await
        .status
        .to_string(),
        PatchInvalidPathAccepted => patched(
            c,
            user("a"),
            json!([{"op": "replace", "path": "emails[", "value": "x"}]),
        )
        .await
        .status
        .to_string(),
        ClientIdAccepted => {
            id(&create(c, json!({"schemas": [USER], "userName": "a", "id": "mine"})).await)
                .eq("mine")
                .to_string()
        }
        ImmutableChangeable => {
            let u1 = id(&create(c, user("a")).await);
            let u2 = id(&create(c, user("b")).await);
            let gid = group_with(c, &[&u1]).await;
            let ops = json!([{"op": "replace", "path": format!("members[value eq \"{u1}\"].value"), "value": u2}]);
            c.patch(&format!("/Groups/{gid}"), &patch_op(ops))
                .await
                .status
                .to_string()
        }
        LastModifiedNotUpdated => {
            let r = patched(
                c,
                user("a"),
                json!([{"op": "add", "path": "title", "value": "t"}]),
            )
            .await
            .json();
            (r["meta"]["created"] == r["meta"]["lastModified"]).to_string()
        }
        UserGroupsNotDerived => {
            let u1 = id(&create(c, user("a")).await);
            group_with(c, &[&u1]).await;
            c.get(&format!("/Users/{u1}"))
                .await
                .json()
                .get("groups")
                .is_some()
                .to_string()
        }
        ErrorStatusNumber | ErrorSchemaMissing | ErrorHtml => {
            let r = c.get("/Users/nope").await;
            format!(
                "{} {}",
                r.header("content-type").unwrap_or_default(),
                r.body
            )
        }
        ErrorNoScimType => {
            create(c, user("a")).await;
            create(c, user("a")).await.json()["scimType"].to_string()
        }
        ResourceTypesMissingGroup => {
            c.get("/ResourceTypes").await.json()["totalResults"].to_string()
        }
        SchemasNotListResponse => c.get("/Schemas").await.json().is_object().to_string(),
        SpcNoAuthSchemes => c
            .get("/ServiceProviderConfig")
            .await
            .json()
            .get("authenticationSchemes")
            .is_some()
            .to_string(),
        DiscoveryFilterAccepted => c.get("/Schemas?filter=id%20pr").await.status.to_string(),
        NoAuth | Auth403 | NoWwwAuthenticate => {
            let r = c
                .send("GET", "/Users", None, &[("Authorization", "Bearer wrong")])
                .await;
            format!("{} {}", r.status, r.header("www-authenticate").is_some())
        }
        BulkIdNotResolved => {
            let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [
                {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {"schemas": [GROUP], "displayName": "G", "members": [{"value": "bulkId:u"}]}},
                {"method": "POST", "path": "/Users", "bulkId": "u", "data": user("a")}]});
            c.post("/Bulk", &body).await.json()["Operations"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| o["status"].to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default()
        }
        BulkMaxOperationsIgnored => {
            let ops: Vec<Value> = (0..1001)
                .map(|_| json!({"method": "DELETE", "path": "/Users/none"}))
                .collect();
            c.post("/Bulk", &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ops})).await.status.to_string()
        }
        PatchOpCaseSensitive => patched(
            c,
            user("a"),
            json!([{"op": "Replace", "path": "title", "value": "t"}]),
        )
        .await
        .status
        .to_string(),
        StringBooleansRejected => patched(
            c,
            user("a"),
            json!([{"op": "replace", "path": "active", "value": "False"}]),
        )
        .await
        .status
        .to_string(),
        DottedKeysRejected => patched(
            c,
            user("a"),
            json!([{"op": "replace", "value": {"name.givenName": "G"}}]),
        )
        .await
        .status
        .to_string(),
        MemberRemoveWipesAll => {
            let u1 = id(&create(c, user("a")).await);
            let u2 = id(&create(c, user("b")).await);
            let gid = group_with(c, &[&u1, &u2]).await;
            let ops = json!([{"op": "Remove", "path": "members", "value": [{"value": u1}]}]);
            c.patch(&format!("/Groups/{gid}"), &patch_op(ops))
                .await
                .json()["members"]
                .as_array()
                .map_or(0, Vec::len)
                .to_string()
        }
        MemberNullRefRejected => {
            let u1 = id(&create(c, user("a")).await);
            let gid = group_with(c, &[]).await;
            let ops =
                json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": u1}]}]);
            c.patch(&format!("/Groups/{gid}"), &patch_op(ops))
                .await
                .status
                .to_string()
        }
        ManagerStringRejected => {
            let ops = json!([{"op": "replace", "path": format!("{ENTERPRISE_USER}:manager"), "value": "boss"}]);
            patched(c, user("a"), ops).await.status.to_string()
        }
        AdscimSchemaRejected => {
            let body = json!({"schemas": [GROUP, ADSCIM_GROUP], "displayName": "G"});
            c.post("/Groups", &body).await.status.to_string()
        }
        NullAttributesRejected => create(
            c,
            json!({"schemas": [USER], "userName": "a", "title": null}),
        )
        .await
        .status
        .to_string(),
        _ => probe_more(c, fault).await,
    }
}

/// The server for probing `fault`: with it active or not, and with a token for auth faults.
fn config(fault: Fault, active: bool) -> ServerConfig {
    let auth = matches!(
        fault,
        Fault::NoAuth | Fault::Auth403 | Fault::NoWwwAuthenticate
    );
    ServerConfig {
        token: auth.then(|| "t".to_string()),
        fault: active.then_some(fault),
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn every_fault_is_observable() {
    let mut silent = Vec::new();
    for &fault in Fault::all() {
        let good = Client::start(config(fault, false)).await;
        let expected = probe(&good, fault).await;
        good.stop().await;
        let c = Client::start(config(fault, true)).await;
        let actual = probe(&c, fault).await;
        c.stop().await;
        if expected == actual {
            silent.push(format!("{}: {actual}", fault.name()));
        }
    }
    assert!(silent.is_empty(), "faults without effect: {silent:#?}");
}
