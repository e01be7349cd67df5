//! scimspec — a SCIM 2.0 (RFC 7643 / RFC 7644) and Microsoft Entra ID conformance test suite.
//!
//! Imports flow one way, from the command line down:
//!
//! - [`cli`] — the command layer, the only code that knows clap: flags, environment and
//!   [`config`] file merged into plain options; exit codes from [`exit`].
//! - features: [`compare`] (several targets at once), [`entra`] (Test Connection, provisioning
//!   replay), [`harness`] (the suite as a vendor's `cargo test`), [`stress`] (`scimspec load`:
//!   a provisioning client's traffic at a rate, its figures and verdict).
//! - [`target`] — one target, connected: embedded server or URL, credentials, client,
//!   discovery, profile applied once.
//! - the stages: [`load`] (case files → validated model) → [`plan`] (discovery, selection,
//!   profile fit, skips) → [`run`] (HTTP steps, captures, assertions, transcripts, cleanup)
//!   → [`report`] (console, JUnit, comparison matrix, Entra and Okta verdicts); [`baseline`] compares a
//!   run with its known deviations, a value the reporters read.
//! - below them: [`profile`] (target profiles), [`template`], [`http`] (the client side of the
//!   wire), [`scim`] (the SCIM grammar shared by the server and the runner).
//! - apart: [`server`], the embedded reference SCIM service provider, which depends on
//!   [`scim`] and [`profile`] only.

pub mod baseline;
pub mod cli;
pub mod compare;
pub mod config;
pub mod entra;
pub mod exit;
pub mod harness;
pub mod http;
pub mod load;
pub mod plan;
pub mod profile;
pub mod report;
pub mod run;
pub mod scim;
pub mod server;
pub mod stress;
pub mod target;
pub mod template;
