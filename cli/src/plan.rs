//! `alyze plan`: one local day of the member's recovery protocol, from the saved prescription.
//!
//! The day defaults to today in `--tz` (an IANA zone name), else in the system's zone (the `TZ`
//! variable or `/etc/localtime`). The planner (`alyze_core::protocol::plan_day`) is given the
//! workouts logged in the store around the day (each classed by its activity), the day's readiness
//! call as `alyze readiness` computes it (no call while calibrating, unscorable, or without a
//! store), the prescription saved with `alyze prescription set` (none is an error that says how to
//! set one), and the sessions logged earlier in the week (`week_so_far`). Clinic settings:
//! `alyze prescription`'s module doc.
//!
//! Text: one line per item (local start-end, modality, dose, reason), then the dropped items with
//! their reasons, then the training guidance of a recover day. `--json` prints one object: `date`,
//! `readiness` (`push` / `maintain` / `recover` or `null`), `items` (`[{modality, start, end, dose,
//! reason, reason_text, evidence}]`, `start` and `end` as RFC 3339 local times with their offset,
//! `dose` the core's dose object tagged with `modality`, `reason` a stable code), `dropped`
//! (`[{modality, booked, reason, reason_text}]`) and `guidance` (`{max_rpe, text}` or `null`).
//! Keys are a contract: add keys, never rename or drop one.

use std::io::Write;
use std::path::Path;

use alyze_core::health::{RecoverySession, Workout};
use alyze_core::protocol::{
    ClinicSettings, DayPlan, DayWorkout, Dose, DroppedItem, ItemReason, Prescription,
    TrainingGuidance, plan_day, week_so_far,
};
use alyze_core::readiness::{ReadinessState, Recommendation};
use alyze_core::store::Store;
use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use clap::Args;
use serde::Serialize;

use crate::prescription;
use crate::profile::{self, ProfileArgs};
use crate::readiness;

/// Arguments of `alyze plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The day (YYYY-MM-DD, member-local). Default: today in --tz.
    #[arg(long, value_name = "DATE")]
    date: Option<NaiveDate>,
    /// The member's zone, an IANA name such as Europe/Berlin. Default: the system's zone.
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    tz: Option<Tz>,
    /// Print one JSON object instead of text (keys in the module doc).
    #[arg(long)]
    json: bool,
}

/// Runs `alyze plan` in `data_dir`.
pub fn run(args: &PlanArgs, data_dir: &Path) -> Result<()> {
    let zone = resolve_zone(args.tz)?;
    let date = args.date.unwrap_or_else(|| today(zone));
    let prescription = prescription::load(data_dir)?;
    let settings = prescription::load_settings(data_dir)?;
    let store = open_if_present(data_dir)?;
    let (plan, call) = day_plan(
        store.as_ref(),
        data_dir,
        date,
        zone,
        &prescription,
        &settings,
    )?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&Json::new(&plan, call))?
        )?;
    } else {
        write!(out, "{}", to_text(&plan, call, zone))?;
    }
    out.flush()?;
    Ok(())
}

/// The plan of `date` in `zone`, with the readiness call it was made with.
pub fn day_plan(
    store: Option<&Store>,
    data_dir: &Path,
    date: NaiveDate,
    zone: Tz,
    prescription: &Prescription,
    settings: &ClinicSettings,
) -> Result<(DayPlan, Option<Recommendation>)> {
    let (workouts, sessions, call) = match store {
        Some(store) => {
            // Wide enough for any offset: the evening before (a late strength session's gap
            // reaches into the morning) and the day itself; the planner ignores the rest.
            let workouts: Vec<Workout> = store
                .records(utc_midnight(date, -2)?, utc_midnight(date, 2)?)
                .with_context(|| format!("reading the workouts around {date}"))?;
            let sessions = recovery_sessions(store, date)?;
            (
                workouts.iter().map(DayWorkout::logged).collect::<Vec<_>>(),
                sessions,
                readiness_call(store, data_dir, date)?,
            )
        }
        None => (Vec::new(), Vec::new(), None),
    };
    let week = week_so_far(&sessions, date, settings)
        .with_context(|| format!("counting the week's sessions before {date}"))?;
    let plan = plan_day(date, zone, call, &workouts, prescription, &week, settings)
        .with_context(|| format!("planning {date}"))?;
    Ok((plan, call))
}

/// The recovery sessions logged in the week around `date` (eight days either side, wide enough
/// for any week start and offset; the core counts by each session's local date).
pub fn recovery_sessions(store: &Store, date: NaiveDate) -> Result<Vec<RecoverySession>> {
    store
        .records(utc_midnight(date, -8)?, utc_midnight(date, 8)?)
        .with_context(|| format!("reading the recovery sessions around {date}"))
}

/// The readiness call of `date` as `alyze readiness` computes it; `None` when the day is not
/// scored (calibrating, unscorable) or the store holds no data.
fn readiness_call(
    store: &Store,
    data_dir: &Path,
    date: NaiveDate,
) -> Result<Option<Recommendation>> {
    if readiness::latest_data(store, date)?.is_none() {
        return Ok(None);
    }
    let resolved = profile::resolve(&ProfileArgs::default(), data_dir)?;
    let day = readiness::day_readiness(store, date, &resolved)?;
    Ok(match day.state {
        ReadinessState::Scored => day.recommendation,
        _ => None,
    })
}

/// Opens `<data dir>/alyze.db` when it exists: a member with only a prescription has no store yet.
pub fn open_if_present(data_dir: &Path) -> Result<Option<Store>> {
    let database = data_dir.join("alyze.db");
    if !database.is_file() {
        return Ok(None);
    }
    Store::open(&database)
        .context("opening the store")
        .map(Some)
}

/// Midnight UTC `days` days from `date`.
fn utc_midnight(date: NaiveDate, days: i64) -> Result<DateTime<Utc>> {
    let moved = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        .ok_or_else(|| anyhow!("{date} is outside the supported dates"))
}

/// The member's zone: the one given, else the system's.
pub fn resolve_zone(given: Option<Tz>) -> Result<Tz> {
    match given {
        Some(zone) => Ok(zone),
        None => system_zone(),
    }
}

/// The system's IANA zone: the `TZ` variable, else the target of the `/etc/localtime` link.
fn system_zone() -> Result<Tz> {
    if let Ok(name) = std::env::var("TZ") {
        let name = name.trim_start_matches(':');
        if let Ok(zone) = name.parse::<Tz>() {
            return Ok(zone);
        }
    }
    if let Ok(target) = std::fs::read_link("/etc/localtime") {
        let text = target.to_string_lossy();
        if let Some((_, name)) = text.split_once("zoneinfo/")
            && let Ok(zone) = name.parse::<Tz>()
        {
            return Ok(zone);
        }
    }
    bail!("cannot tell the system's time zone: pass --tz ZONE (an IANA name such as Europe/Berlin)")
}

/// Today in `zone`.
pub fn today(zone: Tz) -> NaiveDate {
    Utc::now().with_timezone(&zone).date_naive()
}

/// Parses an IANA zone name for clap.
pub fn parse_zone(text: &str) -> Result<Tz, String> {
    text.parse::<Tz>()
        .map_err(|_| format!("\"{text}\" is not an IANA time zone name (e.g. Europe/Berlin)"))
}

/// The JSON object (module doc).
#[derive(Serialize)]
struct Json<'a> {
    date: NaiveDate,
    readiness: Option<Recommendation>,
    items: Vec<JsonItem<'a>>,
    dropped: &'a [DroppedItem],
    guidance: Option<&'a TrainingGuidance>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    modality: alyze_core::health::RecoveryModality,
    start: String,
    end: String,
    dose: &'a Dose,
    reason: ItemReason,
    reason_text: &'static str,
    evidence: &'static str,
}

impl<'a> Json<'a> {
    fn new(plan: &'a DayPlan, call: Option<Recommendation>) -> Self {
        Self {
            date: plan.date,
            readiness: call,
            items: plan
                .items
                .iter()
                .map(|item| JsonItem {
                    modality: item.modality,
                    start: item.start.local().to_rfc3339(),
                    end: item.end.local().to_rfc3339(),
                    dose: &item.dose,
                    reason: item.reason,
                    reason_text: item.reason_text,
                    evidence: item.evidence,
                })
                .collect(),
            dropped: &plan.dropped,
            guidance: plan.guidance.as_ref(),
        }
    }
}

/// The plan in words (module doc).
fn to_text(plan: &DayPlan, call: Option<Recommendation>, zone: Tz) -> String {
    let readiness = match call {
        Some(Recommendation::Push) => "push",
        Some(Recommendation::Maintain) => "maintain",
        Some(Recommendation::Recover) => "recover",
        None => "no call",
    };
    let mut out = format!("{} ({zone}), readiness: {readiness}\n", plan.date);
    if plan.items.is_empty() {
        out.push_str("Nothing planned.\n");
    }
    for item in &plan.items {
        out.push_str(&format!(
            "  {}-{}  {}  {}\n",
            item.start.local().format("%H:%M"),
            item.end.local().format("%H:%M"),
            prescription::dose_text(&item.dose),
            item.reason_text
        ));
    }
    if !plan.dropped.is_empty() {
        out.push_str("Dropped:\n");
        for dropped in &plan.dropped {
            out.push_str(&format!(
                "  {}{}: {}\n",
                modality_word(dropped.modality),
                if dropped.booked { " (booked)" } else { "" },
                dropped.reason_text
            ));
        }
    }
    if let Some(guidance) = &plan.guidance {
        out.push_str(&format!(
            "Training: {} (session RPE at most {} of 10)\n",
            guidance.text, guidance.max_rpe
        ));
    }
    out
}

/// A modality in words.
pub fn modality_word(modality: alyze_core::health::RecoveryModality) -> &'static str {
    use alyze_core::health::RecoveryModality as M;
    match modality {
        M::Sauna => "sauna",
        M::ColdPlunge => "cold plunge",
        M::Contrast => "contrast",
        M::RedLight => "red light",
        M::Pemf => "PEMF",
        M::Breathwork => "breathwork",
    }
}
