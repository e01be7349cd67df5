//! The embedded reference SCIM 2.0 service provider (RFC 7643 / RFC 7644, plus the Entra ID
//! dialects). It is the suite's default target and, with a [`Fault`], its test oracle.
//!
//! Decisions where the RFCs leave room (each is also stated where it is implemented):
//! - Nulls and empty arrays mean "unassigned" (RFC 7643 §2.5), in strict mode too.
//! - PATCH answers 200 with the resource. `replace` through a value filter that matches
//!   nothing is 400 `noTarget` (§3.5.2.3); `remove` through one is a successful no-op (the
//!   §3.5.2.2 members example); `add` through one creates the value its `eq` terms describe
//!   (Entra's `emails[type eq "work"].value`). Replace on a complex attribute merges.
//! - A filter comparing a boolean with the string "true" or "false" (any case) reads it as the
//!   boolean (Microsoft's validator writes `primary eq "True"`); other strings are 400
//!   `invalidFilter`.
//! - `count` above `filter.maxResults` is capped; `tooMany` answers filters with more than
//!   50 expressions; `sensitive` (403) a GET filter on a never-returned attribute.
//! - Filters and PATCH paths longer than 8 KiB or deeper than 64 levels are 400
//!   `invalidFilter` / `invalidPath`; bodies over [`Limits::max_body_bytes`] (the advertised
//!   `maxPayloadSize`) are 413 on every endpoint, as §3.7.4 requires for bulk.
//! - Connections get [`Limits::header_timeout`] to send a request head, and at most
//!   [`Limits::max_connections`] are open; a new one closes the idlest (see `listen.rs`).
//! - `invalidVers` answers `/scim/v1/…` and SCIM 1.x schema URNs.
//! - Unknown attributes or schema URIs are 400 `invalidValue`; message bodies (PatchOp,
//!   SearchRequest, BulkRequest) without their schema URI are 400 `invalidSyntax`.
//! - `User.groups` is derived; a membership change gives the user a new version.
//! - `/Me` answers 501; discovery endpoints require credentials and answer 403 to `filter`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), scimspec::server::ServerError> {
//! let server = scimspec::server::spawn(Default::default()).await?;
//! println!("SCIM base URL: {}", server.base_url());
//! server.stop().await;
//! # Ok(()) }
//! ```

mod auth;
mod bulk;
mod connections;
mod discovery;
mod error;
pub mod faults;
mod filter_faults;
mod handlers;
mod input;
mod kind;
mod limits;
mod list;
mod listen;
mod lost_update;
mod members;
mod message;
mod patch;
mod projection;
mod query;
pub mod rate_limit;
mod resources;
mod respond;
mod routes;
mod state;
mod store;
pub mod variants;
mod write;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;

use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use error::{ScimError, ScimType};
pub use faults::{Fault, UnknownFault};
pub use limits::Limits;
pub use rate_limit::RateLimit;
pub use variants::{UnknownVariant, Variant};

/// The base path every SCIM endpoint lives under.
pub const BASE_PATH: &str = "/scim/v2";

/// How the reference server behaves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerConfig {
    /// Bearer token accepted; `None` (with `basic` also `None`) means no authentication.
    pub token: Option<String>,
    /// HTTP Basic user and password accepted (either credential works).
    pub basic: Option<(String, String)>,
    /// Break exactly one rule.
    pub fault: Option<Fault>,
    /// Reject non-RFC (Entra dialect) input with 400.
    pub strict: bool,
    /// RFC-allowed choices that differ from the server's defaults (the variance catalogue).
    pub variants: Vec<Variant>,
    /// Behave like a target of this profile: no Groups when it provisions none, no Enterprise
    /// User extension unless it lists its attributes, Users checked against its attributes.
    pub profile: Option<std::sync::Arc<crate::profile::Profile>>,
    /// Body size, request deadlines and open connections.
    pub limits: Limits,
}

impl ServerConfig {
    /// True when `fault` is the configured fault.
    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.fault == Some(fault)
    }

    /// True when `variant` is one of the configured variants.
    pub(crate) fn varies(&self, variant: Variant) -> bool {
        self.variants.contains(&variant)
    }

    /// True when the resource type is offered (a profile or a variant may leave out Groups).
    pub(crate) fn offers(&self, kind: kind::Kind) -> bool {
        kind != kind::Kind::Group
            || (self.profile.as_ref().is_none_or(|p| p.file.groups)
                && !self.varies(Variant::NoGroups))
    }

    /// True when the User resource type lists the Enterprise User extension.
    pub(crate) fn offers_enterprise_user(&self) -> bool {
        self.profile
            .as_ref()
            .is_none_or(|p| p.has_enterprise_user())
            && !self.varies(Variant::NoEnterpriseUser)
    }

    /// A profile's verdict on a User: what a target ignoring unsupported attributes drops is
    /// dropped; anything else wrong is a 400 listing every problem.
    pub(crate) fn check_profile(
        &self,
        kind: kind::Kind,
        attrs: &mut input::Attributes,
    ) -> Result<(), ScimError> {
        let Some(profile) = self.profile.as_ref().filter(|_| kind == kind::Kind::User) else {
            return Ok(());
        };
        if profile.file.unsupported == crate::profile::Unsupported::Ignore {
            profile.strip_unsupported(attrs);
        }
        let resource = serde_json::Value::Object(attrs.clone());
        let problems = profile.check_resource(&resource);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScimError::bad_request(
                ScimType::InvalidValue,
                format!("{} (profile {})", problems.join("; "), profile.name()),
            ))
        }
    }

    /// True when some credential is configured.
    pub(crate) fn requires_auth(&self) -> bool {
        self.token.is_some() || self.basic.is_some()
    }
}

/// The server could not start or stopped abnormally.
#[derive(Debug, Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// A server running on a background task; see [`spawn`].
#[derive(Debug)]
pub struct RunningServer {
    base_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), std::io::Error>>,
}

impl RunningServer {
    /// The SCIM base URL, e.g. `http://127.0.0.1:43117/scim/v2` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Stops accepting requests, lets in-flight requests finish and waits for the task.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// The router serving every SCIM endpoint under [`BASE_PATH`], for in-process use.
pub fn router(config: ServerConfig) -> axum::Router {
    routes::build(state::AppState::new(config))
}

/// Starts the server on an ephemeral loopback port.
pub async fn spawn(config: ServerConfig) -> Result<RunningServer, ServerError> {
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let listener = bind(addr).await?;
    let local = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let limits = config.limits.clone();
    let app = router(config);
    let task = tokio::spawn(async move {
        listen::run(listener, app, limits, async {
            let _ = rx.await;
        })
        .await;
        Ok(())
    });
    Ok(RunningServer {
        base_url: base_url(local),
        shutdown: Some(tx),
        task,
    })
}

/// Serves on `addr` in the foreground until Ctrl-C. Once it listens, `on_listening` is told
/// the base URL with the port actually bound (useful with port 0).
pub async fn serve(
    config: ServerConfig,
    addr: SocketAddr,
    on_listening: impl FnOnce(&str),
) -> Result<(), ServerError> {
    let listener = bind(addr).await?;
    on_listening(&base_url(listener.local_addr()?));
    let limits = config.limits.clone();
    listen::run(listener, router(config), limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })
}

/// `http://{addr}/scim/v2`.
fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}{BASE_PATH}")
}
