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
mod baseline;
mod cleanup;
mod cli;
mod compare;
mod console;
mod entra;
mod exits;
mod golden;
mod html_report;
mod http_retry;
mod junit_xsd;
mod limits;
mod load;
mod load_export;
mod load_html;
mod okta;
mod preflight;
mod profiles;
mod secrets;
mod serve;
mod target;
