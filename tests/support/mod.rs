//! Helpers shared by the integration test binaries: running the real `scimspec` binary
//! ([`binary`]), servers started by a test ([`servers`]), the pipeline wired by hand against
//! the reference server ([`pipeline`]), golden files ([`golden`]) and hand-built report inputs
//! ([`reports`]). The product binary includes them all, the faults binary only [`pipeline`].

#![allow(dead_code)]

pub mod binary;
pub mod golden;
pub mod pipeline;
pub mod reports;
pub mod servers;

pub use binary::{scimspec, testcase, RunExt, TempDir, UNREACHABLE};
pub use servers::{serve_router, wrong_target, Reference};
