//! `alyze enrol` and `alyze sync`: this data directory as a member's device of a clinic server.
//!
//! `enrol --server URL --code CODE` enrols with the one-time code the clinic gave the member and
//! keeps the server URL, the member and device ids and the tokens in `<data dir>/credentials.json`,
//! created readable by its owner only (mode 0600) and replaced atomically whenever the server
//! rotates the tokens. A directory already enrolled is refused unless `--replace` is given.
//!
//! `sync` runs the protocol (`alyze_core::sync::sync`, `docs/sync.md`): everything stored here
//! that the server does not have yet is pushed, with the last two weeks' daily summaries and
//! readiness (today in `--tz`, else the system's zone; the profile of `profile.json`) when they
//! changed, then what changed on the server (the clinic's
//! prescription and settings, lab results, the member's other device) is pulled into the store.
//! Text: the counts; `--json`: the core's report (`pushed`, `duplicates`, `conflicts`, `rejected`,
//! `pulled`, `skipped`, `unreadable`, `swept`, `resynced`). An interrupted sync loses nothing: the next one
//! carries on.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use alyze_core::protocol::member;
use alyze_core::sync::{
    CredentialError, CredentialStore, Credentials, DerivedDays, ServerClient, SyncReport,
    SyncSettings, end_login, sync,
};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::json;

use crate::data_file;
use crate::prescription;
use crate::profile::{self, ProfileArgs};

/// The credentials' file name in the data directory.
pub const CREDENTIALS_FILE: &str = "credentials.json";

/// Arguments of `alyze enrol`.
#[derive(Debug, Args)]
pub struct EnrolArgs {
    /// The clinic server's URL, e.g. `https://clinic.example`.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The one-time enrolment code from the clinic.
    #[arg(long, value_name = "CODE")]
    code: String,
    /// How this device shows in the clinic's list of the member's devices.
    #[arg(long, value_name = "NAME", default_value = "alyze command line")]
    device_name: String,
    /// Enrol again although this data directory is already enrolled.
    #[arg(long)]
    replace: bool,
}

/// Arguments of `alyze sign-out`.
#[derive(Debug, Args)]
pub struct SignOutArgs {
    /// Sign out although changes made here have not reached the clinic yet (they are lost).
    #[arg(long)]
    discard_unsynced: bool,
}

/// Arguments of `alyze sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The member's zone, an IANA name such as Europe/Berlin, for "today". Default: the system's.
    #[arg(long, value_name = "ZONE", value_parser = crate::plan::parse_zone)]
    tz: Option<chrono_tz::Tz>,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

/// The credentials in a private file of the data directory.
pub struct CredentialsFile {
    path: PathBuf,
}

impl CredentialsFile {
    /// The credentials file of `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(CREDENTIALS_FILE),
        }
    }
}

impl CredentialStore for CredentialsFile {
    fn load(&self) -> Result<Option<Credentials>, CredentialError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(CredentialError {
                    reason: format!("reading {CREDENTIALS_FILE}: {}", e.kind()),
                });
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| CredentialError {
                reason: format!("{CREDENTIALS_FILE} is damaged: enrol again with --replace"),
            })
    }

    fn save(&mut self, credentials: &Credentials) -> Result<(), CredentialError> {
        let text = serde_json::to_string_pretty(credentials).map_err(|_| CredentialError {
            reason: "laying out the credentials".into(),
        })?;
        data_file::write_private(&self.path, &text).map_err(|e| CredentialError {
            reason: format!("saving {CREDENTIALS_FILE}: {}", e.root_cause()),
        })
    }
}

/// Runs `alyze enrol` in `data_dir`. With `--replace`, the new login is saved first and the
/// replaced one is then ended on its server (best effort, as at sign-out), so its tokens are
/// worthless; a damaged credentials file is simply replaced.
pub fn enrol(args: &EnrolArgs, data_dir: &Path) -> Result<()> {
    let mut file = CredentialsFile::new(data_dir);
    let existing = match file.load() {
        Ok(existing) => existing,
        // Damaged: `--replace` is the way out its error names; there is no login to end.
        Err(_) if args.replace => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(existing) = &existing
        && !args.replace
    {
        bail!(
            "this data directory is already enrolled with {} (member {}): pass --replace to enrol again",
            existing.server_url,
            existing.member_id
        );
    }
    let client = ServerClient::new(&args.server, &SyncSettings::default())?;
    let credentials = runtime()?.block_on(client.enrol(&args.code, &args.device_name))?;
    file.save(&credentials)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Enrolled with {} as member {} (device {}). Run alyze sync to send and receive data.",
        credentials.server_url, credentials.member_id, credentials.device_id
    )?;
    if let Some(replaced) = existing {
        if runtime()?
            .block_on(end_login(&replaced, &SyncSettings::default()))
            .is_ok()
        {
            writeln!(out, "The replaced login was ended on its server.")?;
        } else {
            writeln!(
                out,
                "The replaced login's server could not be reached: that login ends by itself once \
                 unused for the server's refresh-token lifetime (30 days by default)."
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Runs `alyze sign-out` in `data_dir`: the member's data leaves this data directory. The server
/// ends this device's login first (`alyze_core::sync::end_login`, waiting a few seconds at most), so
/// that a copy of its tokens is worthless; unreached, the sign-out goes on and says so. Then the
/// store is erased (core `Store::erase`: one transaction, freed pages overwritten), then the
/// member profile and the credentials are deleted; the directory can then be enrolled for another
/// member. Refused while changes wait to be sent, unless `--discard-unsynced`: the clinic would
/// never get them.
pub fn sign_out(args: &SignOutArgs, data_dir: &Path) -> Result<()> {
    let mut store = prescription::create_store(data_dir)?;
    let waiting = store.sync_backlog()?;
    if waiting > 0 && !args.discard_unsynced {
        bail!(
            "{waiting} changes made here have not reached the clinic: run alyze sync first, or \
             pass --discard-unsynced to lose them"
        );
    }
    // Whether the server ended the login; `None` when this directory was never enrolled.
    let login = match CredentialsFile::new(data_dir).load()? {
        Some(credentials) => Some(
            runtime()?
                .block_on(end_login(&credentials, &SyncSettings::default()))
                .is_ok(),
        ),
        None => None,
    };
    store.erase().context("erasing this device's data")?;
    // The credentials go last: a sign-out stopped before them can be run again.
    for file in [crate::profile::FILE_NAME, CREDENTIALS_FILE] {
        match fs::remove_file(data_dir.join(file)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("deleting {file}"));
            }
            _ => {}
        }
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Signed out: this device's data is erased{}.",
        if waiting > 0 {
            format!(", with {waiting} changes the clinic never received")
        } else {
            String::new()
        }
    )?;
    match login {
        Some(true) => writeln!(out, "The clinic's server ended this device's login.")?,
        Some(false) => writeln!(
            out,
            "The clinic's server could not be reached: this device's login there ends by itself \
             once unused for the server's refresh-token lifetime (30 days by default)."
        )?,
        None => {}
    }
    out.flush()?;
    Ok(())
}

/// Runs `alyze sync` in `data_dir`.
pub fn run(args: &SyncArgs, data_dir: &Path) -> Result<()> {
    let mut file = CredentialsFile::new(data_dir);
    let credentials = file.load()?.ok_or_else(|| {
        anyhow::anyhow!("not enrolled: run alyze enrol --server URL --code CODE first")
    })?;
    let settings = SyncSettings::default();
    let client = ServerClient::new(&credentials.server_url, &settings)?;
    let store = prescription::create_store(data_dir)?;
    let zone = crate::plan::resolve_zone(args.tz)?;
    // The clinic's settings as the store holds them; settings this sync pulls judge the days again
    // before it ends (`DerivedDays::history`).
    let derived = DerivedDays {
        profile: profile::resolve(&ProfileArgs::default(), data_dir)?.profile,
        history: member::readiness_settings(&store)
            .context("reading the clinic's readiness settings")?,
        through: crate::plan::today(zone),
    };
    let store = std::sync::Mutex::new(store);
    let report = runtime()?
        .block_on(sync(
            &store,
            &client,
            &mut file,
            &settings,
            Some(&derived),
            &mut |_| {},
        ))
        .context("sync stopped")?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&to_json(&report))?)?;
    } else {
        writeln!(out, "{}", to_text(&report))?;
    }
    out.flush()?;
    Ok(())
}

/// A runtime for one command: the client's requests run on this thread.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the network runtime")
}

fn to_json(report: &SyncReport) -> serde_json::Value {
    json!({
        "pushed": report.pushed,
        "duplicates": report.duplicates,
        "conflicts": report.conflicts,
        "rejected": report.rejected,
        "pulled": report.pulled,
        "skipped": report.skipped,
        "unreadable": report.unreadable,
        "swept": report.swept,
        "resynced": report.resynced,
    })
}

fn to_text(report: &SyncReport) -> String {
    let mut text = format!(
        "Sent {} change{} ({} already on the server), received {}.",
        report.pushed + report.duplicates + report.conflicts,
        if report.pushed + report.duplicates + report.conflicts == 1 {
            ""
        } else {
            "s"
        },
        report.duplicates,
        report.pulled
    );
    if report.rejected > 0 {
        text.push_str(&format!(
            " The server refused {} change{} for good.",
            report.rejected,
            if report.rejected == 1 { "" } else { "s" }
        ));
    }
    if report.unreadable > 0 {
        text.push_str(&format!(
            " {} received change{} could not be read (a newer app may be needed).",
            report.unreadable,
            if report.unreadable == 1 { "" } else { "s" }
        ));
    }
    if report.resynced {
        text.push_str(" The server asked for a full resync, which is done.");
    }
    text
}
