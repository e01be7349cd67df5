//! Connecting the target for a command that sends requests: discovery and calibration, its
//! secrets kept out of every later line of output, and a note on standard error when the
//! target is the embedded reference server.

use tokio::runtime::Runtime;

use super::{output, CommandError};
use crate::target::{Discover, Target, TargetOptions};

/// Connects the target described by `options`; `doing` completes the embedded server's note
/// ("running against", "sending load to").
pub(super) fn connect(
    runtime: &Runtime,
    options: &TargetOptions,
    doing: &str,
) -> Result<Target, CommandError> {
    let target = runtime.block_on(Target::connect(options, Discover::Yes))?;
    output::protect(target.redactor());
    if target.is_embedded() {
        output::err(&format!(
            "No --target given: {doing} the embedded reference server at {}",
            target.base_url()
        ));
    }
    Ok(target)
}
