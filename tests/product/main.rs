//! The tests that drive the product from outside: the real `scimspec` binary over loopback,
//! the library's public API, and what the reporters write compared with golden files.
//!
//! One test binary for all of them, so the shared helpers (`tests/support/`) are compiled
//! and linked once and libtest runs every test of the product in one process, in parallel.
//! The fault proof is a binary of its own (`tests/faults.rs`): it is its own libtest harness.

#[path = "../support/mod.rs"]
mod support;

mod adapts;
mod architecture;
mod auth;
mod cleanup;
mod cli;
mod compare;
mod entra;
mod exits;
mod golden;
mod http_retry;
mod limits;
mod load;
mod load_export;
mod preflight;
mod profiles;
mod secrets;
mod serve;
mod target;
