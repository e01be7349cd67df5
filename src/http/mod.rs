//! The HTTP side of a run: one connection-reusing client, credentials, retries on
//! 429/503 with `Retry-After`, bounded response bodies, and recorded exchanges with secrets
//! redacted.
//! No test logic lives here.

mod client;
mod connection;
mod credentials;
mod deadline;
mod error;
mod exchange;
mod oauth;
mod redact;
mod request;
mod url;

pub use client::{BriefAnswer, ClientOptions, HttpClient, DEFAULT_MAX_BODY};
pub use connection::Connection;
pub use credentials::{Credentials, OAuth2};
pub use deadline::Deadline;
pub use error::HttpError;
pub use exchange::{Exchange, RecordedRequest, RecordedResponse};
pub use redact::Redactor;
pub use request::OutgoingRequest;
