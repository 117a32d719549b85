//! `alyze`: the member app's core on the command line, for clinicians, engineers and scripts.
//!
//! Each subcommand lives in a module named for what it does; this file only parses the command
//! line, resolves the data directory and turns an error into a message and a non-zero exit (but
//! a closed stdout pipe into a quiet success).

mod chart;
mod data_file;
mod demo;
mod hrv;
mod import;
mod log;
mod plan;
mod prescription;
mod profile;
mod readiness;
mod reminders;
mod summary;
mod sync;
mod training;
mod trends;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::{Parser, Subcommand};

/// The alyze command line.
#[derive(Debug, Parser)]
#[command(
    name = "alyze",
    version,
    about = "alyze: recovery and readiness from your own data"
)]
struct Cli {
    /// Where the member's data lives (default: the platform's user data directory, e.g.
    /// ~/.local/share/alyze on Linux, ~/Library/Application Support/alyze on macOS).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Heart-rate variability of a recording of RR intervals (Kubios conventions).
    Hrv(hrv::HrvArgs),
    /// The member story on the bundled public recordings.
    Demo,
    /// Import an Apple Health export (export.zip or export.xml) into the member's store.
    Import(import::ImportArgs),
    /// Daily summaries: the night's sleep and HRV, resting HR, workouts and load, check-in.
    Summary(summary::SummaryArgs),
    /// Today's readiness: push, maintain or recover, the score and the reasons.
    Readiness(readiness::ReadinessArgs),
    /// A chart of readiness and its inputs over a range of days (SVG or PNG).
    Trends(trends::TrendsArgs),
    /// The clinic's prescription, entered locally until the clinic server syncs it: set, show.
    Prescription(prescription::PrescriptionArgs),
    /// A day's recovery plan: sessions with times, doses and reasons, from the prescription.
    Plan(plan::PlanArgs),
    /// The reminders of each day's plan over a range of days.
    Reminders(reminders::RemindersArgs),
    /// Log a recovery session (sauna, cold plunge, ...) and see the week's adherence.
    Log(log::LogArgs),
    /// The training the member plans, which every plan keeps cold away from: add, list, remove.
    Training(training::TrainingArgs),
    /// Enrol this data directory with the clinic's server, with the one-time code from the clinic.
    Enrol(sync::EnrolArgs),
    /// Send what is new here to the clinic's server and receive what changed there.
    Sync(sync::SyncArgs),
    /// Erase this data directory's member data and credentials (before another member enrols).
    SignOut(sync::SignOutArgs),
}

impl Cli {
    /// The data directory: the one given, else `alyze` in the platform's user data directory.
    /// Subcommands that keep data call this; it is not created here.
    fn data_dir(&self) -> Result<PathBuf> {
        match &self.data_dir {
            Some(dir) => Ok(dir.clone()),
            None => dirs::data_dir()
                .map(|d| d.join("alyze"))
                .ok_or_else(|| anyhow!("no user data directory on this platform: pass --data-dir")),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Hrv(args) => hrv::run(args),
        Command::Demo => demo::run(),
        Command::Import(args) => cli.data_dir().and_then(|dir| import::run(args, &dir)),
        Command::Summary(args) => cli.data_dir().and_then(|dir| summary::run(args, &dir)),
        Command::Readiness(args) => cli.data_dir().and_then(|dir| readiness::run(args, &dir)),
        Command::Trends(args) => cli.data_dir().and_then(|dir| trends::run(args, &dir)),
        Command::Prescription(args) => cli.data_dir().and_then(|dir| prescription::run(args, &dir)),
        Command::Plan(args) => cli.data_dir().and_then(|dir| plan::run(args, &dir)),
        Command::Reminders(args) => cli.data_dir().and_then(|dir| reminders::run(args, &dir)),
        Command::Log(args) => cli.data_dir().and_then(|dir| log::run(args, &dir)),
        Command::Training(args) => cli.data_dir().and_then(|dir| training::run(args, &dir)),
        Command::Enrol(args) => cli.data_dir().and_then(|dir| sync::enrol(args, &dir)),
        Command::Sync(args) => cli.data_dir().and_then(|dir| sync::run(args, &dir)),
        Command::SignOut(args) => cli.data_dir().and_then(|dir| sync::sign_out(args, &dir)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout has gone (`alyze summary | head -1`): stopping is what it asked
        // for, not a failure, so end quietly, as other Unix tools do.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Whether the error comes from writing to a pipe whose reader has closed it.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.root_cause()
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
