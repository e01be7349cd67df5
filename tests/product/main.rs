//! The tests that drive the product from outside: the real `scimspec` binary over loopback,
//! and the library's public API.
//!
//! One test binary for all of them, so the shared helpers (`tests/support/`) are compiled
//! and linked once and libtest runs every test of the product in one process, in parallel.
//! The fault proof is a binary of its own (`tests/faults.rs`): it is its own libtest harness.

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod cli;
mod compare;
mod entra;
mod http_retry;
mod profiles;
