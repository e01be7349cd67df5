//! The open connections: what each one is doing, and which one to close when a new client
//! needs room — never one whose request is being answered.
//!
//! Order of sacrifice: first connections that never sent a complete request (slowloris), then
//! idle keep-alive connections (their clients reconnect), then requests still sending their
//! body (slow uploads); among equals, the one quiet for longest.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::Notify;

/// Waiting for a request head.
const IDLE: u8 = 0;
/// A request head arrived; its body is being read.
const READING_BODY: u8 = 1;
/// A request is being answered.
const ANSWERING: u8 = 2;

/// One open connection.
#[derive(Debug)]
pub struct Connection {
    id: u64,
    /// Milliseconds since the registry started, when the connection last started or finished
    /// a request (or opened).
    last_active: AtomicU64,
    requests: AtomicU64,
    state: AtomicU8,
    epoch: Instant,
    close: Notify,
}

impl Connection {
    fn touch(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.last_active.store(now, Ordering::Relaxed);
    }

    /// A request head has arrived.
    pub fn request_started(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.state.store(READING_BODY, Ordering::Relaxed);
        self.touch();
    }

    /// The request's body is in memory; the request is being answered.
    pub fn body_read(&self) {
        self.state.store(ANSWERING, Ordering::Relaxed);
    }

    /// The answer is handed to the connection for writing.
    pub fn request_finished(&self) {
        self.state.store(IDLE, Ordering::Relaxed);
        self.touch();
    }

    /// True while a request is being answered (its body is read).
    pub fn is_answering(&self) -> bool {
        self.state.load(Ordering::Relaxed) == ANSWERING
    }

    /// Resolves when the connection has been chosen to make room.
    pub async fn evicted(&self) {
        self.close.notified().await;
    }

    /// Lower is closed first; `None` is never closed.
    fn sacrifice_order(&self) -> Option<(u8, u64)> {
        let rank = match self.state.load(Ordering::Relaxed) {
            IDLE if self.requests.load(Ordering::Relaxed) == 0 => 0,
            IDLE => 1,
            READING_BODY => 2,
            _ => return None,
        };
        Some((rank, self.last_active.load(Ordering::Relaxed)))
    }
}

/// The registry of open connections.
#[derive(Debug)]
pub struct Connections {
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    epoch: Instant,
}

impl Default for Connections {
    fn default() -> Self {
        Self {
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }
}

impl Connections {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        // The map is consistent after every statement, so a poisoned lock is still usable.
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many connections are open (evicted ones no longer count).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Registers a new connection.
    pub fn open(&self) -> Arc<Connection> {
        let conn = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            last_active: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            state: AtomicU8::new(IDLE),
            epoch: self.epoch,
            close: Notify::new(),
        });
        conn.touch();
        self.lock().insert(conn.id, Arc::clone(&conn));
        conn
    }

    /// Forgets a connection that has ended.
    pub fn closed(&self, conn: &Connection) {
        self.lock().remove(&conn.id);
    }

    /// Tells the connection first in the order of sacrifice to close; false when every
    /// connection is answering a request.
    pub fn evict_one(&self) -> bool {
        let mut open = self.lock();
        let victim = open
            .values()
            .filter_map(|c| c.sacrifice_order().map(|order| (order, c.id)))
            .min()
            .map(|(_, id)| id);
        match victim.and_then(|id| open.remove(&id)) {
            Some(conn) => {
                conn.close.notify_one();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;

    use super::*;

    /// True when the connection has been told to close (the stored permit completes the
    /// first poll).
    fn evicted_now(conn: &Connection) -> bool {
        let evicted = conn.evicted();
        let mut evicted = std::pin::pin!(evicted);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        evicted.as_mut().poll(&mut cx).is_ready()
    }

    #[test]
    fn closes_silent_connections_first_and_never_busy_ones() {
        let registry = Connections::default();
        let keep_alive = registry.open();
        keep_alive.request_started();
        keep_alive.body_read();
        keep_alive.request_finished();
        let uploading = registry.open();
        uploading.request_started();
        let busy = registry.open();
        busy.request_started();
        busy.body_read();
        let silent = registry.open();
        assert_eq!(registry.len(), 4);

        assert!(registry.evict_one());
        assert!(evicted_now(&silent));
        assert!(registry.evict_one());
        assert!(evicted_now(&keep_alive));
        assert!(registry.evict_one());
        assert!(evicted_now(&uploading));
        assert!(!registry.evict_one(), "the busy connection stays");
        assert!(!evicted_now(&busy));
        assert_eq!(registry.len(), 1);
        registry.closed(&busy);
        assert_eq!(registry.len(), 0);
    }
}
