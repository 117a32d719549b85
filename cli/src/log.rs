//! `alyze log`: records a recovery session the member did (sauna, cold plunge, ...).
//!
//! The session starts at `--at` ("YYYY-MM-DD HH:MM" on the member's clock in `--tz`, else the
//! system's zone; default: now) and lasts `--minutes`; `--temp` is the sauna's air or the plunge's
//! water, °C. Its dose is checked against the clinic's safe ranges
//! (`alyze_core::protocol::check_logged`) and refused with the core's message naming the field and
//! the bound, unless `--clinic-override` says the clinic prescribed it (it must still be
//! physically plausible). It is stored in `<data dir>/alyze.db` (created when needed) on the core's
//! stream for logged sessions (`member::LOGGED_STREAM`) with the source [`SOURCE_NAME`]; logging
//! the same modality at the same minute again replaces the earlier entry. Then the week's
//! adherence of that modality is shown against the saved prescription, when there is one
//! (`alyze_core::protocol::member::log_session`).
//!
//! `--json` prints one object: `session` (the core's `RecoverySession`: `modality`, `start`
//! `{utc, offset_s, zone}`, `duration_s`, `temperature_c`, `source`) and `adherence` (the
//! modality's weekly target row, `{modality, sessions_done, sessions_target, minutes_done,
//! minutes_target, sessions_percent, minutes_percent}`, or `null` without a prescription or a
//! target for it), plus `week_first_day` (or `null`).

use std::io::Write;
use std::path::Path;

use alyze_core::health::{RecoveryModality, RecoverySession, Source, Timestamp};
use alyze_core::protocol::member::{self, MemberError};
use alyze_core::protocol::{DoseCheck, TargetAdherence};
use anyhow::{Context, Result, anyhow, bail};
use chrono::{NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::plan::{self, modality_word, parse_zone};
use crate::prescription;

/// The source of sessions logged here.
pub const SOURCE_NAME: &str = "alyze command line";

/// A modality as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModalityArg {
    /// Finnish sauna.
    Sauna,
    /// Cold water immersion.
    #[value(alias = "cold_plunge", alias = "plunge")]
    ColdPlunge,
    /// Alternating sauna and plunge rounds (total minutes).
    Contrast,
    /// Red / near-infrared light.
    #[value(alias = "red_light")]
    RedLight,
    /// Pulsed electromagnetic field therapy.
    Pemf,
    /// Slow breathing.
    Breathwork,
}

impl From<ModalityArg> for RecoveryModality {
    fn from(value: ModalityArg) -> Self {
        match value {
            ModalityArg::Sauna => Self::Sauna,
            ModalityArg::ColdPlunge => Self::ColdPlunge,
            ModalityArg::Contrast => Self::Contrast,
            ModalityArg::RedLight => Self::RedLight,
            ModalityArg::Pemf => Self::Pemf,
            ModalityArg::Breathwork => Self::Breathwork,
        }
    }
}

/// Arguments of `alyze log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// What was done.
    #[arg(value_enum, value_name = "MODALITY")]
    modality: ModalityArg,
    /// How long, minutes (the exposure time: in the heat, in the water).
    #[arg(long, value_name = "M")]
    minutes: f64,
    /// Temperature, °C: the sauna's air or the plunge's water.
    #[arg(long, value_name = "C", allow_negative_numbers = true)]
    temp: Option<f64>,
    /// When it started, "YYYY-MM-DD HH:MM" on the member's clock in --tz. Default: now.
    #[arg(long, value_name = "YYYY-MM-DD HH:MM", value_parser = parse_local)]
    at: Option<NaiveDateTime>,
    /// The member's zone, an IANA name such as Europe/Berlin. Default: the system's zone.
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    tz: Option<Tz>,
    /// The clinic prescribed this dose outside the safe ranges: accept it (it must still be
    /// physically plausible).
    #[arg(long)]
    clinic_override: bool,
    /// Print one JSON object instead of text (keys in the module doc).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Json<'a> {
    session: &'a RecoverySession,
    week_first_day: Option<NaiveDate>,
    adherence: Option<&'a TargetAdherence>,
}

/// Runs `alyze log` in `data_dir`.
pub fn run(args: &LogArgs, data_dir: &Path) -> Result<()> {
    let zone = plan::resolve_zone(args.tz)?;
    let session = build_session(args, zone)?;
    let check = if args.clinic_override {
        DoseCheck::ClinicOverride
    } else {
        DoseCheck::Standard
    };
    let mut store = prescription::create_store(data_dir)?;
    let week = match member::log_session(&mut store, &session, check) {
        Ok(week) => week,
        Err(err @ MemberError::Protocol(_)) if !args.clinic_override => bail!(
            "not logged: {err}; if the clinic prescribed this dose, log it with --clinic-override"
        ),
        Err(err) => bail!("not logged: {err}"),
    };
    let row = week
        .as_ref()
        .and_then(|w| w.targets.iter().find(|t| t.modality == session.modality));

    let mut out = std::io::stdout().lock();
    if args.json {
        let json = Json {
            session: &session,
            week_first_day: week.as_ref().map(|w| w.first_day),
            adherence: row,
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        let temperature = session
            .temperature_c
            .map_or_else(String::new, |c| format!(" at {c} °C"));
        writeln!(
            out,
            "Logged {} {} min{temperature} on {}{}.",
            modality_word(session.modality),
            session.duration_s / 60.0,
            session.start.local().format("%Y-%m-%d %H:%M"),
            if args.clinic_override {
                " (clinic override)"
            } else {
                ""
            }
        )?;
        match (&week, row) {
            (Some(week), Some(row)) => writeln!(
                out,
                "This week (from {}): {} of {} {} sessions, {:.0} of {:.0} min.",
                week.first_day,
                row.sessions_done,
                row.sessions_target,
                modality_word(row.modality),
                row.minutes_done,
                row.minutes_target
            )?,
            (Some(_), None) => writeln!(
                out,
                "The prescription has no weekly target for {}.",
                modality_word(session.modality)
            )?,
            (None, _) => writeln!(
                out,
                "No prescription yet, so no adherence: set one with alyze prescription set FILE."
            )?,
        }
    }
    out.flush()?;
    Ok(())
}

/// The session the arguments describe, validated by the core.
fn build_session(args: &LogArgs, zone: Tz) -> Result<RecoverySession> {
    let start = match args.at {
        Some(local) => local
            .and_local_timezone(zone)
            .earliest()
            .ok_or_else(|| anyhow!("--at {local} does not exist in {zone} (a DST change)"))?,
        None => Utc::now().with_timezone(&zone),
    };
    let start = Timestamp::from_local(start.fixed_offset(), Some(zone.name().to_owned()))
        .context("the start time")?;
    if !args.minutes.is_finite() || args.minutes <= 0.0 {
        bail!("--minutes: must be a number greater than zero");
    }
    RecoverySession::new(
        args.modality.into(),
        start,
        args.minutes * 60.0,
        args.temp,
        Source::named(SOURCE_NAME),
    )
    .context("not logged: the session is not plausible")
}

/// Parses "YYYY-MM-DD HH:MM" for clap.
pub fn parse_local(text: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M")
        .map_err(|_| format!("expected \"YYYY-MM-DD HH:MM\", got \"{text}\""))
}
