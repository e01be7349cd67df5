use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;

use scimspec::app::{self, AppError, RunStatus};
use scimspec::cli::{Cli, Command, CoverageArgs, ServeArgs};
use scimspec::entra::commands::{CommandOutput, CommandStatus};
use scimspec::entra::EntraError;
use scimspec::server::{self, Fault, ServerConfig};
use scimspec::{compare, profile};

const EXIT_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_UNREACHABLE: u8 = 3;

/// Writes to standard output; a closed pipe (`scimspec serve --list-faults | head`) ends the
/// output quietly instead of panicking.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

fn exit_for(error: &AppError) -> u8 {
    match error {
        AppError::Unreachable(_) => EXIT_UNREACHABLE,
        AppError::Http(e) if e.is_unreachable() => EXIT_UNREACHABLE,
        _ => EXIT_USAGE,
    }
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    if args.list_faults {
        for fault in Fault::all() {
            out(&format!("{:<40} {}\n", fault.name(), fault.rule()));
        }
        return Ok(());
    }
    let fault = match &args.fault {
        Some(name) => Some(
            name.parse::<Fault>()
                .map_err(|e| format!("{e} (see scimspec serve --list-faults)"))?,
        ),
        None => None,
    };
    let basic = match &args.basic {
        Some(b) => {
            let (u, p) = b
                .split_once(':')
                .ok_or("--basic must be USER:PASSWORD (no ':' found)")?;
            Some((u.to_string(), p.to_string()))
        }
        None => None,
    };
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| format!("bad --host/--port: {e}"))?;
    let profile = match &args.profile {
        Some(name) => Some(std::sync::Arc::new(
            profile::load(name).map_err(|e| e.to_string())?,
        )),
        None => None,
    };
    if let Some(p) = profile.as_ref().filter(|p| p.uses_basic()) {
        if args.token.is_some() {
            return Err(format!(
                "profile {} authenticates with Basic credentials: give --basic USER:PASSWORD instead of --token",
                p.name()
            ));
        }
    }
    let config = ServerConfig {
        token: args.token.clone(),
        basic,
        fault,
        strict: args.strict,
        profile,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime
        .block_on(server::serve(config, addr))
        .map_err(|e| e.to_string())
}

fn entra_exit(result: Result<CommandOutput, EntraError>) -> ExitCode {
    match result {
        Ok(output) => {
            out(&output.text);
            match output.status {
                CommandStatus::Passed => ExitCode::SUCCESS,
                CommandStatus::Failed => ExitCode::from(EXIT_FAILED),
                CommandStatus::Unreachable => ExitCode::from(EXIT_UNREACHABLE),
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(if e.is_unreachable() {
                EXIT_UNREACHABLE
            } else {
                EXIT_USAGE
            })
        }
    }
}

fn coverage(args: &CoverageArgs) -> ExitCode {
    let doc = match app::check(&[])
        .map_err(|e| e.to_string())
        .and_then(|suite| {
            scimspec::report::coverage::render(&suite.cases).map_err(|e| e.to_string())
        }) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Some(path) = &args.check {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current != doc {
            eprintln!(
                "error: {} is out of date: run scimspec coverage --out {}",
                path.display(),
                path.display()
            );
            return ExitCode::from(EXIT_FAILED);
        }
        return ExitCode::SUCCESS;
    }
    match &args.out {
        Some(path) => match std::fs::write(path, &doc) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::from(EXIT_USAGE)
            }
        },
        None => {
            out(&doc);
            ExitCode::SUCCESS
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => match app::run(&args) {
            Ok(RunStatus::Passed) | Ok(RunStatus::Listed) => ExitCode::SUCCESS,
            Ok(RunStatus::Failed) => ExitCode::from(EXIT_FAILED),
            Ok(RunStatus::NothingRan) => {
                eprintln!("error: no case ran (check the filter, --tag and --section)");
                ExitCode::from(EXIT_USAGE)
            }
            Ok(RunStatus::Unreachable) => {
                eprintln!("error: the target could not be reached by any case");
                ExitCode::from(EXIT_UNREACHABLE)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(exit_for(&e))
            }
        },
        Command::Serve(args) => match serve(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        Command::Compare(args) => match compare::compare(&args) {
            Ok(result) => {
                out(&compare::summary(&result));
                if result.clean() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(EXIT_FAILED)
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(exit_for(&e))
            }
        },
        Command::Profiles(args) => match &args.profile {
            None => {
                for name in profile::shipped_names() {
                    match profile::load(name) {
                        Ok(p) => out(&format!("{name:<10} {}\n", p.file.title)),
                        Err(e) => eprintln!("error: {e}"),
                    }
                }
                ExitCode::SUCCESS
            }
            Some(name) => match profile::load(name) {
                Ok(p) => {
                    out(&p.describe());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(EXIT_USAGE)
                }
            },
        },
        Command::Coverage(args) => coverage(&args),
        Command::Probe(args) => entra_exit(scimspec::entra::commands::probe(&args)),
        Command::Provision(args) => entra_exit(scimspec::entra::commands::provision(&args)),
        Command::Check(args) => match app::check(&args.paths) {
            Ok(suite) => {
                out(&format!("{} cases, all valid\n", suite.cases.len()));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        },
    }
}
