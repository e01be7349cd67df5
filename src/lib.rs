//! scimspec — a SCIM 2.0 (RFC 7643 / RFC 7644) and Microsoft Entra ID conformance test suite.
//!
//! The pipeline runs in one direction:
//! case files → [`load`] (validated model) → [`plan`] (selection, capabilities, skips)
//! → [`run`] (HTTP steps, captures, assertions, transcripts, cleanup) → [`report`].
//! [`server`] is the embedded reference SCIM service provider; [`scim`] holds the SCIM
//! grammar (filters, paths, schema rules) shared by the server and the runner.

pub mod load;
pub mod scim;
pub mod template;
pub mod server;
