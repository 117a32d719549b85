//! `alyze`: the member app's core on the command line, for clinicians, engineers and scripts.
//!
//! Each subcommand lives in a module named for what it does; this file only parses the command
//! line and turns an error into a message and a non-zero exit.

mod demo;
mod hrv;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The alyze command line.
#[derive(Debug, Parser)]
#[command(
    name = "alyze",
    version,
    about = "alyze: recovery and readiness from your own data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Heart-rate variability of a recording of RR intervals (Kubios conventions).
    Hrv(hrv::HrvArgs),
    /// The member story on the bundled public recordings.
    Demo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Hrv(args) => hrv::run(&args),
        Command::Demo => demo::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
