//! The HTTP side of a run: one connection-reusing client, credentials, retries on
//! 429/503 with `Retry-After`, and recorded exchanges with secrets redacted.
//! No test logic lives here.

mod client;
mod exchange;
mod redact;

pub use client::{ClientOptions, Credentials, HttpClient, HttpError, OAuth2, OutgoingRequest};
pub use exchange::{Exchange, RecordedRequest, RecordedResponse};
pub use redact::Redactor;
