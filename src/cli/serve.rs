//! `scimspec serve`: the embedded reference server in the foreground, or its fault catalogue.

use std::net::SocketAddr;

use super::args::ServeArgs;
use super::options::parse_basic;
use super::output::out;
use super::{CommandError, Outcome};
use crate::exit::Exit;
use crate::server::{self, Fault, ServerConfig, Variant};
use crate::target;

pub fn serve(args: &ServeArgs) -> Outcome {
    if args.list_faults {
        for fault in Fault::all() {
            out(&format!("{:<40} {}\n", fault.name(), fault.rule()));
        }
        return Ok(Exit::Passed);
    }
    if args.list_variants {
        for v in Variant::all() {
            out(&format!(
                "{:<24} {}\n{:<24} allowed by {}\n",
                v.name(),
                v.behaviour(),
                "",
                v.allowed_by()
            ));
        }
        return Ok(Exit::Passed);
    }
    let variants = Variant::parse_list(&args.variants)
        .map_err(|e| CommandError::Usage(format!("{e} (see scimspec serve --list-variants)")))?;
    let fault =
        match &args.fault {
            Some(name) => Some(name.parse::<Fault>().map_err(|e| {
                CommandError::Usage(format!("{e} (see scimspec serve --list-faults)"))
            })?),
            None => None,
        };
    let basic = args
        .basic
        .as_deref()
        .map(|b| parse_basic(b, "--basic"))
        .transpose()?;
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| CommandError::Usage(format!("bad --host/--port: {e}")))?;
    let profile = target::load_profile(args.profile.as_deref())?;
    if let Some(p) = profile.as_ref().filter(|p| p.uses_basic()) {
        if args.token.is_some() {
            return Err(CommandError::Usage(format!(
                "profile {} authenticates with Basic credentials: give --basic USER:PASSWORD instead of --token",
                p.name()
            )));
        }
    }
    let config = ServerConfig {
        token: args.token.clone(),
        basic,
        fault,
        strict: args.strict,
        variants,
        profile,
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)?
        .block_on(server::serve(config, addr))
        .map_err(|e| CommandError::Server(e.to_string()))?;
    Ok(Exit::Passed)
}
