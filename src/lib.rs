//! scimspec — a SCIM 2.0 (RFC 7643 / RFC 7644) and Microsoft Entra ID conformance test suite.
//!
//! The pipeline runs in one direction:
//! case files → [`load`] (validated model) → [`plan`] (selection, capabilities, skips)
//! → [`run`] (HTTP steps, captures, assertions, transcripts, cleanup) → [`report`].
//! [`http`] is the client side of the wire; [`server`] is the embedded reference SCIM
//! service provider; [`scim`] holds the SCIM grammar (filters, paths, schema rules) shared
//! by the server and the runner; [`app`] wires the stages for the command line; [`entra`]
//! holds Microsoft Entra ID's Test Connection, provisioning replay and readiness verdict.

pub mod app;
pub mod baseline;
pub mod cli;
pub mod compare;
pub mod config;
pub mod entra;
pub mod harness;
pub mod http;
pub mod load;
pub mod plan;
pub mod profile;
pub mod report;
pub mod run;
pub mod scim;
pub mod server;
pub mod template;
