//! `scimspec profiles`: list the shipped profiles, or check and describe one.

use super::args::ProfilesArgs;
use super::output::out;
use super::Outcome;
use crate::exit::Exit;
use crate::profile;

pub fn profiles(args: &ProfilesArgs) -> Outcome {
    match &args.profile {
        None => {
            for name in profile::shipped_names() {
                match profile::load(name) {
                    Ok(p) => out(&format!("{name:<10} {}\n", p.file.title)),
                    Err(e) => super::output::err(&format!("error: {e}")),
                }
            }
        }
        Some(name) => out(&profile::load(name)?.describe()),
    }
    Ok(Exit::Passed)
}
