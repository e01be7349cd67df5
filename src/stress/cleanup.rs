//! Deletes what the run created — groups first, then the users still there — and lists what
//! could not be deleted (a DELETE answered with anything but 2xx or 404, or not answered).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use super::ledger::Ledger;
use super::parallel;
use crate::http::{HttpClient, OutgoingRequest};

const DELETES_AT_ONCE: usize = 8;

/// A resource left on the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leftover {
    pub resource: String,
    pub id: String,
    pub why: String,
}

async fn delete(client: Arc<HttpClient>, resource: &'static str, id: String) -> Option<Leftover> {
    let mut request = OutgoingRequest::get(format!("/{resource}/{id}"));
    request.method = "DELETE".into();
    let why = match client.send(&request).await {
        Ok(a) if (200..300).contains(&a.response.status) || a.response.status == 404 => {
            return None
        }
        Ok(a) => format!("DELETE answered {}", a.response.status),
        Err(e) => format!("DELETE not answered: {e}"),
    };
    Some(Leftover {
        resource: resource.to_string(),
        id,
        why,
    })
}

/// Deletes everything in the ledger within `limit`; what is not deleted by then is a
/// leftover too.
pub async fn clean(client: Arc<HttpClient>, ledger: &Ledger, limit: Duration) -> Vec<Leftover> {
    let groups: Vec<String> = ledger.groups.keys().cloned().collect();
    let users: Vec<String> = ledger.live_users().map(|u| u.id.clone()).collect();
    // What is not known to be gone yet: a successful DELETE removes its resource.
    let pending: Arc<Mutex<BTreeSet<(&'static str, String)>>> = Arc::new(Mutex::new(
        groups
            .iter()
            .map(|g| ("Groups", g.clone()))
            .chain(users.iter().map(|u| ("Users", u.clone())))
            .collect(),
    ));
    let one = {
        let pending = Arc::clone(&pending);
        move |resource: &'static str, id: String| {
            let client = Arc::clone(&client);
            let pending = Arc::clone(&pending);
            async move {
                let left = delete(client, resource, id.clone()).await;
                if left.is_none() {
                    pending
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&(resource, id));
                }
                left
            }
        }
    };
    let work = async {
        let mut left = Vec::new();
        for (resource, ids) in [("Groups", groups), ("Users", users)] {
            let one = one.clone();
            left.extend(
                parallel::each(ids, DELETES_AT_ONCE, move |id| one(resource, id))
                    .await
                    .into_iter()
                    .flatten(),
            );
        }
        left
    };
    if let Ok(left) = tokio::time::timeout(limit, work).await {
        return left;
    }
    let unfinished = pending.lock().unwrap_or_else(|e| e.into_inner()).clone();
    unfinished
        .into_iter()
        .map(|(resource, id)| Leftover {
            resource: resource.to_string(),
            id,
            why: format!("not deleted within the cleanup's {} s", limit.as_secs()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ClientOptions;
    use crate::stress::ledger::CreatedUser;
    use axum::http::StatusCode;
    use axum::routing::delete as on_delete;

    #[tokio::test]
    async fn what_cannot_be_deleted_is_a_leftover_and_the_rest_is_gone() {
        let router = axum::Router::new().route(
            "/scim/v2/{resource}/{id}",
            on_delete(
                |axum::extract::Path((_, id)): axum::extract::Path<(String, String)>| async move {
                    match id.as_str() {
                        "stuck" => StatusCode::INTERNAL_SERVER_ERROR,
                        "gone" => StatusCode::NOT_FOUND,
                        _ => StatusCode::NO_CONTENT,
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client =
            HttpClient::new(ClientOptions::new(format!("http://{addr}/scim/v2"))).expect("client");
        let mut ledger = Ledger::default();
        for id in ["ok", "stuck", "gone"] {
            ledger.users.push(CreatedUser {
                id: id.into(),
                user_name: id.into(),
                deleted: false,
            });
        }
        ledger.users.push(CreatedUser {
            id: "deleted-by-the-run".into(),
            user_name: String::new(),
            deleted: true,
        });
        ledger.groups.insert("g1".into(), BTreeSet::new());
        let left = clean(Arc::new(client), &ledger, Duration::from_secs(10)).await;
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(
            (left[0].resource.as_str(), left[0].id.as_str()),
            ("Users", "stuck")
        );
        assert_eq!(left[0].why, "DELETE answered 500");
    }
}
