//! End-to-end tests over loopback HTTP (a minimal HTTP/1.1 client, no extra crates).

mod bulk;
mod client;
mod crud;
mod discovery;
mod faults;
mod limits;
mod lists;
mod okta_faults;
mod patching;
mod robust_faults;
