//! The command layer: the only code that knows clap. It parses the command line, merges flags,
//! `SCIMSPEC_*` variables and the config file into plain options ([`options`]), calls the
//! library, prints what comes back and turns the outcome into an exit code ([`crate::exit`]).

pub mod args;
mod compare;
mod connect;
mod console;
mod entra;
mod error;
mod load;
pub mod options;
mod output;
mod profiles;
mod run;
mod serve;
mod signals;
mod suite;

use std::process::ExitCode;

use clap::Parser;

pub use error::CommandError;

use crate::exit::Exit;
use args::{Cli, Command};

/// A tokio runtime for one command.
fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)
}

/// Parses the process's arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Serve(args) => serve::serve(&args),
        Command::Check(args) => suite::check(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Profiles(args) => profiles::profiles(&args),
        Command::Coverage(args) => suite::coverage(&args),
        Command::Probe(args) => entra::probe(&args),
        Command::Provision(args) => entra::provision(&args),
        Command::Load(args) => load::load(&args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            output::err(&format!("error: {e}"));
            e.exit().into()
        }
    }
}

/// The exit of a command that has already printed its outcome.
type Outcome = Result<Exit, CommandError>;
