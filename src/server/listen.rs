//! Serving HTTP/1.1 on a bound listener: the accept loop, the deadline for a request head, the
//! bound on open connections and graceful shutdown.
//!
//! `axum::serve` has none of these: a client sending a partial request head and then nothing
//! (slowloris) held its connection forever, and about a thousand of them exhausted the
//! process's file descriptors so that no other client could connect. Here every connection
//! must deliver a complete head within [`Limits::header_timeout`] (hyper's
//! `header_read_timeout`, which also bounds idle keep-alive), and at most
//! [`Limits::max_connections`] are open: a new one makes room by closing the connection first
//! in [`Connections`]' order of sacrifice, so a normal client is answered at once however many
//! slow ones are open. Running out of file descriptors is handled the same way.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{service_fn, Service};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::connections::{Connection, Connections};
use super::limits::Limits;

/// How long requests in progress may take to finish once shutdown begins.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Room kept for connections however few file descriptors the process may open.
const MIN_ROOM: usize = 64;

/// The answer to a connection that finds every slot answering a request.
const BUSY_ANSWER: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
Content-Type: application/scim+json\r\nRetry-After: 1\r\nConnection: close\r\n\
Content-Length: 132\r\n\r\n\
{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"status\":\"503\",\
\"detail\":\"every connection is answering a request; retry\"}";

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in progress finish.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let connections = Arc::new(Connections::default());
    let (stop, stopping) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    // The connections there is room for: the limit, or fewer once file descriptors ran out.
    let mut room = limits.max_connections;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if connections.len() >= room && !connections.evict_one() {
                        tasks.spawn(refuse(stream));
                        continue;
                    }
                    let conn = connections.open();
                    tasks.spawn(serve_connection(
                        stream,
                        app.clone(),
                        conn,
                        Arc::clone(&connections),
                        limits.header_timeout,
                        stopping.clone(),
                    ));
                }
                Err(e) if out_of_descriptors(&e) => {
                    // Make room below what the process can hold, so that later connections
                    // evict before they run out; let the evicted task end before accepting.
                    room = room.min(connections.len() * 3 / 4).max(MIN_ROOM);
                    connections.evict_one();
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                // A client gone before it was accepted, or a passing resource shortage.
                Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
    }
    let _ = stop.send(true);
    while tasks.join_next().await.is_some() {}
}

/// EMFILE or ENFILE: the process or the system has no file descriptor left.
fn out_of_descriptors(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24))
}

/// Answers 503 to a connection for which there is no room, and closes it.
async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY_ANSWER)).await;
}

/// Forgets the connection when its task ends, however it ends.
struct Registered(Arc<Connection>, Arc<Connections>);

impl Drop for Registered {
    fn drop(&mut self) {
        self.1.closed(&self.0);
    }
}

/// Marks a request finished when its answer is ready or the request is abandoned.
struct InProgress(Arc<Connection>);

impl Drop for InProgress {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

async fn serve_connection(
    stream: TcpStream,
    app: Router,
    conn: Arc<Connection>,
    connections: Arc<Connections>,
    header_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let _registered = Registered(Arc::clone(&conn), connections);
    let _ = stream.set_nodelay(true);
    let app = TowerToHyperService::new(app);
    let tracked = Arc::clone(&conn);
    let service = service_fn(move |mut req: hyper::Request<Incoming>| {
        tracked.request_started();
        let in_progress = InProgress(Arc::clone(&tracked));
        req.extensions_mut().insert(Arc::clone(&tracked));
        let answer = app.call(req);
        async move {
            let res = answer.await;
            drop(in_progress);
            res
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = conn.evicted() => {}
        () = async {
            let _ = stopping.wait_for(|stop| *stop).await;
        } => {
            // A request being answered may finish; a connection waiting for a head or a body
            // is closed at once.
            if conn.is_answering() {
                connection.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_has_the_length_it_announces() {
        let text = String::from_utf8_lossy(BUSY_ANSWER);
        let (_, body) = text.split_once("\r\n\r\n").unwrap_or_default();
        assert!(text.contains(&format!("Content-Length: {}\r\n", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        assert_eq!(json["status"], "503");
    }
}
