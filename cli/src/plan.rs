//! `alyze plan`: one local day of the member's recovery protocol, from the saved prescription.
//!
//! The day defaults to today in `--tz` (an IANA zone name), else in the system's zone (the `TZ`
//! variable or `/etc/localtime`). The day is planned by the core
//! (`alyze_core::protocol::member::plan_days`): the workouts logged in the store around the day,
//! the day's readiness call as `alyze readiness` computes it with the member's profile (none while
//! calibrating or unscorable), the prescription and clinic settings saved with `alyze
//! prescription` (no prescription is an error that says how to set one), and the sessions logged
//! in the week so far.
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

use alyze_core::protocol::member::{self, MemberDay};
use alyze_core::protocol::{DayPlan, Dose, DroppedItem, ItemReason, TrainingGuidance};
use alyze_core::readiness::Recommendation;
use alyze_core::store::Store;
use anyhow::{Context, Result, anyhow, bail};
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use clap::Args;
use serde::Serialize;

use crate::prescription;
use crate::profile::{self, ProfileArgs};

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
    let store = prescription::open_store(data_dir)?;
    let day = plan_range(&store, data_dir, date, date, zone)?
        .pop()
        .ok_or_else(|| anyhow!("the planner returned no day for {date}"))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&Json::new(&day.plan, day.readiness))?
        )?;
    } else {
        write!(out, "{}", to_text(&day.plan, day.readiness, zone))?;
    }
    out.flush()?;
    Ok(())
}

/// The plans of `from..=to` in `zone`, with the readiness calls they were made with, for the
/// member in `data_dir` (their profile from `profile.json`).
pub fn plan_range(
    store: &Store,
    data_dir: &Path,
    from: NaiveDate,
    to: NaiveDate,
    zone: Tz,
) -> Result<Vec<MemberDay>> {
    let profile = profile::resolve(&ProfileArgs::default(), data_dir)?.profile;
    let history =
        member::readiness_settings(store).context("reading the clinic's readiness settings")?;
    member::plan_days(store, from, to, zone, &[], &profile, &history)
        .map_err(prescription::explain)
        .with_context(|| format!("planning {from} to {to}"))
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
pub fn to_text(plan: &DayPlan, call: Option<Recommendation>, zone: Tz) -> String {
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
