//! Cleanup against hostile or broken targets: credentials go to the target's origin only,
//! every resource a 2xx answer created is deleted, and what cannot be deleted is reported
//! and fails the run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{any, delete, post};
use axum::Router;
use serde_json::{json, Value};

use crate::support::binary::text;
use crate::support::servers::scim;
use crate::support::{scimspec, serve_router, testcase, RunExt, TempDir};

const TOKEN: &str = "cleanup-secret-token-0123";

/// A listener answering 204 to anything and counting what reaches it.
fn counting_router(hits: &Arc<AtomicUsize>) -> Router {
    let hits = Arc::clone(hits);
    Router::new().fallback(any(move || {
        let hits = Arc::clone(&hits);
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            StatusCode::NO_CONTENT
        }
    }))
}

/// Serves `router` on 127.0.0.2 (another loopback address, so another origin); its port.
fn serve_on_second_loopback(router: Router) -> u16 {
    crate::support::servers::serve_router_on("127.0.0.2", router).port()
}

/// Runs the case file `yaml` against `base` with a bearer token, JUnit in `dir`; the exit
/// code and everything printed.
fn run(dir: &TempDir, base: &str, yaml: &str) -> (Option<i32>, String) {
    let file = dir.write("cases.yaml", yaml);
    let output = scimspec()
        .args(["run", "--target", base, "--token", TOKEN, "--suites"])
        .arg(&file)
        .junit_in(dir)
        .output()
        .expect("run scimspec");
    (output.status.code(), text(&output))
}

/// The ids DELETE requests named, per endpoint, in arrival order.
type Deletes = Arc<Mutex<Vec<String>>>;

fn record_delete(deletes: &Deletes, path: String) {
    if let Ok(mut list) = deletes.lock() {
        list.push(path);
    }
}

fn deleted(deletes: &Deletes) -> Vec<String> {
    let mut list = deletes.lock().map(|l| l.clone()).unwrap_or_default();
    list.sort();
    list
}

#[test]
fn bulk_locations_on_another_origin_get_no_request() {
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let elsewhere = serve_router(counting_router(&elsewhere_hits), "");
    let elsewhere_port = elsewhere
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .expect("port");
    let second_hits = Arc::new(AtomicUsize::new(0));
    let second_port = serve_on_second_loopback(counting_router(&second_hits));

    let other_address = format!("http://127.0.0.2:{second_port}/scim/v2/Users/abc");
    let other_name = format!("http://localhost:{elsewhere_port}/scim/v2/Users/def");
    let deletes: Deletes = Arc::default();
    let answer = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
        "Operations": [
            { "method": "POST", "bulkId": "a", "status": "201", "location": other_address },
            { "method": "POST", "bulkId": "d", "status": "201", "location": other_name },
            { "method": "POST", "bulkId": "g", "status": "201", "location": "Users/ghi" },
            { "method": "POST", "bulkId": "j", "status": "201", "location": "/scim/v2/Users/jkl" }
        ]
    });
    let recorded = Arc::clone(&deletes);
    let router = Router::new()
        .route(
            "/scim/v2/Bulk",
            post(move || {
                let answer = answer.clone();
                async move { scim(StatusCode::OK, answer) }
            }),
        )
        .route(
            "/scim/v2/Users/{id}",
            delete(move |Path(id): Path<String>| {
                let recorded = Arc::clone(&recorded);
                async move {
                    record_delete(&recorded, id);
                    StatusCode::NO_CONTENT
                }
            }),
        );
    let base = serve_router(router, "/scim/v2");

    let dir = TempDir::new("cleanup-foreign");
    let (code, all) = run(
        &dir,
        &base,
        "spec: RFC7644 §3.7\ncases:\n  - id: bulk-foreign\n    title: POST /Bulk\n    level: MUST\n    steps:\n      - request:\n          method: POST\n          path: /Bulk\n          body: { schemas: [urn:ietf:params:scim:api:messages:2.0:BulkRequest], Operations: [] }\n        expect: { status: 200 }\n",
    );
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "a request reached localhost:{elsewhere_port}"
    );
    assert_eq!(
        second_hits.load(Ordering::SeqCst),
        0,
        "a request reached 127.0.0.2:{second_port}"
    );
    assert_eq!(deleted(&deletes), ["ghi", "jkl"], "relative locations");
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("left behind on the target"), "{all}");
    assert!(all.contains(&other_address), "{all}");
    assert!(all.contains(&other_name), "{all}");
    assert!(all.contains("another origin"), "{all}");
    let xml = dir.junit();
    let case = testcase(&xml, "bulk-foreign");
    assert!(case.contains(&other_address), "{case}");
    assert!(!all.contains(TOKEN) && !xml.contains(TOKEN), "token leaked");
}

/// A target answering 200 (not 201) to creates, with numeric ids, and creating by PUT.
#[test]
fn resources_created_with_200_and_numeric_ids_are_deleted() {
    let next = Arc::new(AtomicUsize::new(1));
    let created: Deletes = Arc::default();
    let deletes: Deletes = Arc::default();
    let create = |kind: &'static str| {
        let next = Arc::clone(&next);
        let created = Arc::clone(&created);
        move |body: String| {
            let next = Arc::clone(&next);
            let created = Arc::clone(&created);
            async move {
                let mut resource: Value = serde_json::from_str(&body).unwrap_or_default();
                let id = next.fetch_add(1, Ordering::SeqCst);
                resource["id"] = json!(id);
                record_delete(&created, format!("{kind}/{id}"));
                scim(StatusCode::OK, resource)
            }
        }
    };
    let put_created = Arc::clone(&created);
    let put = move |Path(id): Path<String>, body: String| {
        let created = Arc::clone(&put_created);
        async move {
            let mut resource: Value = serde_json::from_str(&body).unwrap_or_default();
            resource["id"] = json!(id);
            record_delete(&created, format!("Users/{id}"));
            scim(StatusCode::OK, resource)
        }
    };
    let remove = |kind: &'static str| {
        let deletes = Arc::clone(&deletes);
        move |Path(id): Path<String>| {
            let deletes = Arc::clone(&deletes);
            async move {
                record_delete(&deletes, format!("{kind}/{id}"));
                StatusCode::NO_CONTENT
            }
        }
    };
    let router = Router::new()
        .route("/scim/v2/Users", post(create("Users")))
        .route("/scim/v2/Groups", post(create("Groups")))
        .route("/scim/v2/Users/{id}", delete(remove("Users")).put(put))
        .route("/scim/v2/Groups/{id}", delete(remove("Groups")));
    let base = serve_router(router, "/scim/v2");

    let user =
        r#"{ schemas: [urn:ietf:params:scim:schemas:core:2.0:User], userName: "{{uid}}-{{i}}" }"#;
    let group =
        r#"{ schemas: [urn:ietf:params:scim:schemas:core:2.0:Group], displayName: "{{uid}}" }"#;
    let yaml = r#"spec: RFC7644 §3.3
cases:
  - id: creates-answered-200
    title: creates
    level: MUST
    steps:
      - repeat: 3
        request: { method: POST, path: /Users, body: USER }
        expect: { status: 2xx }
        capture: { id: /id }
      - request: { method: POST, path: /Groups, body: GROUP }
        expect: { status: 2xx }
      - request: { method: PUT, path: /Users/put-made, body: PUT_USER }
        expect: { status: 2xx }
    cleanup:
      - { method: DELETE, path: "/Users/{{id}}" }
"#
    .replace("PUT_USER", &user.replace("{{i}}", "put"))
    .replace("USER", user)
    .replace("GROUP", group);
    let dir = TempDir::new("cleanup-200");
    let (code, all) = run(&dir, &base, &yaml);
    let mut made = deleted(&created);
    made.sort();
    // 5 by the case, 2 by the calibration before it (a plain user, then the kept-attributes one).
    assert_eq!(made.len(), 7, "{made:?}");
    assert_eq!(
        deleted(&deletes),
        made,
        "each created resource deleted once"
    );
    assert_eq!(code, Some(0), "{all}");
}

#[test]
fn failed_deletes_are_listed_and_fail_the_run() {
    let next = Arc::new(AtomicUsize::new(1));
    let router = Router::new()
        .route(
            "/scim/v2/Users",
            post(move |body: String| {
                let next = Arc::clone(&next);
                async move {
                    let mut user: Value = serde_json::from_str(&body).unwrap_or_default();
                    user["id"] = json!(format!("u-{}", next.fetch_add(1, Ordering::SeqCst)));
                    scim(StatusCode::CREATED, user)
                }
            }),
        )
        .route(
            "/scim/v2/Users/{id}",
            delete(|| async {
                scim(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "500"}),
                )
            }),
        );
    let base = serve_router(router, "/scim/v2");
    let dir = TempDir::new("cleanup-failing");
    let (code, all) = run(
        &dir,
        &base,
        "spec: RFC7644 §3.3\ncases:\n  - id: creates-two\n    title: creates\n    level: MUST\n    steps:\n      - repeat: 2\n        request: { method: POST, path: /Users, body: { schemas: [urn:ietf:params:scim:schemas:core:2.0:User], userName: \"{{uid}}-{{i}}\" } }\n        expect: { status: 201 }\n",
    );
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("1 passed"), "{all}");
    assert!(all.contains("left behind on the target: 4"), "{all}");
    // u-1 and u-2 are the calibration's users; u-3 and u-4 the case's.
    for id in ["u-1", "u-2"] {
        assert!(all.contains(&format!("calibration — Users {id}")), "{all}");
    }
    for id in ["u-3", "u-4"] {
        assert!(all.contains(&format!("creates-two — Users {id}")), "{all}");
    }
    assert!(all.contains("DELETE answered 500"), "{all}");

    let xml = dir.junit();
    assert_well_formed(&xml);
    assert!(
        xml.contains(r#"<property name="leftovers" value="4"/>"#),
        "{xml}"
    );
    let case = testcase(&xml, "creates-two");
    assert!(case.contains("\nleftovers: "), "{case}");
    assert!(case.contains("<system-err>"), "{case}");
    assert!(
        case.contains("Users u-3") && case.contains("Users u-4"),
        "{case}"
    );
}

/// The report parses as XML from start to end.
fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("invalid JUnit XML: {e}\n{xml}"),
        }
    }
}
