//! Bulk operations (RFC 7644 §3.7).

use axum::http::StatusCode;

use super::error::ScimError;

/// Whether `/Bulk` is implemented (advertised as `bulk.supported`).
pub const SUPPORTED: bool = false;

/// `POST /Bulk`
pub fn not_supported() -> ScimError {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        "bulk operations are not supported",
    )
}
