//! Deletes what the run created — groups first, then the users still there — and lists what
//! could not be deleted (a DELETE answered with anything but 2xx or 404, or not answered).

use std::sync::Arc;
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
    let all: Vec<(&'static str, String)> = groups
        .iter()
        .map(|g| ("Groups", g.clone()))
        .chain(users.iter().map(|u| ("Users", u.clone())))
        .collect();
    let c = Arc::clone(&client);
    let work = async move {
        let groups_left = parallel::each(groups, DELETES_AT_ONCE, {
            let c = Arc::clone(&c);
            move |id| delete(Arc::clone(&c), "Groups", id)
        })
        .await;
        let users_left = parallel::each(users, DELETES_AT_ONCE, move |id| {
            delete(Arc::clone(&c), "Users", id)
        })
        .await;
        groups_left
            .into_iter()
            .chain(users_left)
            .flatten()
            .collect::<Vec<_>>()
    };
    match tokio::time::timeout(limit, work).await {
        Ok(left) => left,
        Err(_) => all
            .into_iter()
            .map(|(resource, id)| Leftover {
                resource: resource.to_string(),
                id,
                why: format!("cleanup not finished within {} s", limit.as_secs()),
            })
            .collect(),
    }
}
