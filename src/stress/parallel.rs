//! Runs one async job per item, a bounded number at once, and collects what they return (in
//! no particular order): the population, the final-state check and the cleanup use it.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub async fn each<T, R, F, Fut>(items: Vec<T>, limit: usize, job: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: Future<Output = R> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut set = JoinSet::new();
    for item in items {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        let run = job(item);
        set.spawn(async move {
            let out = run.await;
            drop(permit);
            out
        });
    }
    let mut out = Vec::new();
    while let Some(done) = set.join_next().await {
        if let Ok(r) = done {
            out.push(r);
        }
    }
    out
}
