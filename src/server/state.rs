//! State shared by all handlers: the configuration and the store.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::rate_limit::Window;
use super::store::Store;
use super::ServerConfig;

/// Cheap-to-clone handle on the server state.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: ServerConfig,
    store: RwLock<Store>,
    rate: Window,
}

impl AppState {
    pub fn new(config: ServerConfig) -> Self {
        Self(Arc::new(Inner {
            config,
            store: RwLock::new(Store::default()),
            rate: Window::default(),
        }))
    }

    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    /// The requests counted against the rate limit.
    pub fn rate_window(&self) -> &Window {
        &self.0.rate
    }

    /// Shared access to the store. A panic elsewhere cannot leave the store half-written
    /// (writers build the new state before touching it), so a poisoned lock is still usable.
    pub fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.0.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Exclusive access to the store.
    pub fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.0.store.write().unwrap_or_else(|e| e.into_inner())
    }
}
