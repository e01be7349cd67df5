//! Microsoft Entra ID compatibility: Entra's Test Connection ([`probe`]) and a replay of
//! Entra's provisioning of users and groups from a local file ([`provision`]). The command
//! layer connects the target and prints what these return. The Entra cases themselves are
//! data, under `suites/entra/`; the readiness verdict over their results is a reporter,
//! [`crate::report::verdict`].

pub mod probe;
pub mod provision;

use thiserror::Error;

use crate::http::HttpError;
use crate::report::verdict;

/// Entra's two PATCH dialects (ENTRA.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// What Entra sends unless told otherwise: capitalised ops, string booleans, member
    /// removal by value list.
    #[default]
    Default,
    /// With `?aadOptscim062020` on the Tenant URL: lower-case ops, booleans, path-less
    /// replace with attribute-path keys, member removal by value filter.
    AadOptscim062020,
}

impl Dialect {
    pub fn label(self) -> &'static str {
        match self {
            Dialect::Default => "default",
            Dialect::AadOptscim062020 => "aadOptscim062020",
        }
    }

    /// The case tag of the dialect.
    pub fn tag(self) -> &'static str {
        match self {
            Dialect::Default => verdict::ENTRA_TAG_DEFAULT,
            Dialect::AadOptscim062020 => verdict::ENTRA_TAG_FLAG,
        }
    }
}

#[derive(Debug, Error)]
pub enum EntraError {
    #[error("{path}: {detail}")]
    Input { path: String, detail: String },
    #[error("target unreachable: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Http(HttpError),
}

impl EntraError {
    /// The target could not be reached at all.
    pub fn is_unreachable(&self) -> bool {
        match self {
            EntraError::Unreachable(_) => true,
            EntraError::Http(e) => e.is_unreachable(),
            _ => false,
        }
    }
}

impl From<HttpError> for EntraError {
    fn from(e: HttpError) -> Self {
        if e.is_unreachable() {
            EntraError::Unreachable(e.to_string())
        } else {
            EntraError::Http(e)
        }
    }
}
