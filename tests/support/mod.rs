//! Helpers shared by the integration test binaries: running the real `scimspec` binary
//! ([`binary`]), servers started by a test ([`servers`]) and the pipeline wired by hand
//! against the reference server ([`pipeline`]). Each binary uses a part of them.

#![allow(dead_code)]

pub mod binary;
pub mod pipeline;
pub mod servers;

pub use binary::{scimspec, testcase, RunExt, TempDir, UNREACHABLE};
pub use servers::{serve_router, wrong_target, Reference};
