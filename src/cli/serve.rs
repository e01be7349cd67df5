//! `scimspec serve`: the embedded reference server in the foreground, or its fault catalogue.

use std::net::SocketAddr;

use super::args::ServeArgs;
use super::options::parse_basic;
use super::output::out;
use super::{CommandError, Outcome};
use crate::exit::Exit;
use crate::server::{self, Fault, Limits, RateLimit, ServerConfig, Variant};
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
    let rate_limit = args
        .rate_limit
        .as_deref()
        .map(|r| r.parse::<RateLimit>().map_err(CommandError::Usage))
        .transpose()?;
    let config = ServerConfig {
        token: args.token.clone(),
        basic,
        fault,
        strict: args.strict,
        variants,
        profile,
        limits: Limits {
            rate_limit,
            ..Limits::default()
        },
    };
    let settings = describe(&config);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)?
        .block_on(server::serve(config, addr, |base_url| {
            out(&format!(
                "scimspec reference server listening on {base_url} (Ctrl-C stops it)\n{settings}\n"
            ))
        }))
        .map_err(|e| CommandError::Server(e.to_string()))?;
    Ok(Exit::Passed)
}

/// One line: how clients authenticate (never the secret), the fault, the profile, strict mode.
fn describe(config: &ServerConfig) -> String {
    let auth = match (&config.token, &config.basic) {
        (Some(_), Some((user, _))) => format!("bearer token or HTTP Basic as {user}"),
        (Some(_), None) => "bearer token".to_string(),
        (None, Some((user, _))) => format!("HTTP Basic as {user}"),
        (None, None) => "none (every request is accepted)".to_string(),
    };
    let mut line = format!("auth: {auth}");
    if let Some(fault) = config.fault {
        line.push_str(&format!("; fault: {} ({})", fault.name(), fault.rule()));
    }
    if let Some(profile) = &config.profile {
        line.push_str(&format!("; profile: {}", profile.name()));
    }
    if !config.variants.is_empty() {
        let names: Vec<&str> = config.variants.iter().map(|v| v.name()).collect();
        line.push_str(&format!("; variants: {}", names.join(", ")));
    }
    if let Some(limit) = config.limits.rate_limit {
        line.push_str(&format!(
            "; rate limit: {}/s, then 429 with Retry-After",
            limit.per_second
        ));
    }
    if config.strict {
        line.push_str("; strict: Entra dialect refused");
    }
    line
}
