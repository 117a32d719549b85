//! `alyze reminders`: the notifications of each day's plan over a range of local days.
//!
//! Each day from `--from` to `--to` (both default to today in `--tz`, else the system's zone;
//! at most [`MAX_DAYS`] days) is planned as `alyze plan` plans it, and the plan's reminders
//! (`alyze_core::protocol::reminders`) are listed: id, local fire time, title and body. `--json`
//! prints one object: `from`, `to`, `reminders` (`[{id, fire_at, title, body}]`, `fire_at` an
//! RFC 3339 local time with its offset). Keys are a contract: add keys, never rename or drop one.

use std::io::Write;
use std::path::Path;

use alyze_core::protocol::reminders;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use chrono_tz::Tz;
use clap::Args;
use serde::Serialize;

use crate::plan::{self, parse_zone};
use crate::prescription;

/// Longest range, days: a year of reminders is already more than any phone schedules.
pub const MAX_DAYS: i64 = 366;

/// Arguments of `alyze reminders`.
#[derive(Debug, Args)]
pub struct RemindersArgs {
    /// First day (YYYY-MM-DD, member-local). Default: today in --tz.
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last day, included (YYYY-MM-DD). Default: --from.
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// The member's zone, an IANA name such as Europe/Berlin. Default: the system's zone.
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    tz: Option<Tz>,
    /// Print one JSON object instead of text (keys in the module doc).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Json {
    from: NaiveDate,
    to: NaiveDate,
    reminders: Vec<JsonReminder>,
}

#[derive(Serialize)]
struct JsonReminder {
    id: String,
    fire_at: String,
    title: String,
    body: String,
}

/// Runs `alyze reminders` in `data_dir`.
pub fn run(args: &RemindersArgs, data_dir: &Path) -> Result<()> {
    let zone = plan::resolve_zone(args.tz)?;
    let from = args.from.unwrap_or_else(|| plan::today(zone));
    let to = args.to.unwrap_or(from);
    if to < from {
        bail!("--to {to} is before --from {from}");
    }
    if (to - from).num_days() >= MAX_DAYS {
        bail!("the range {from} to {to} is longer than {MAX_DAYS} days: ask for a shorter one");
    }
    let prescription = prescription::load(data_dir)?;
    let settings = prescription::load_settings(data_dir)?;
    let store = plan::open_if_present(data_dir)?;
    let mut all = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let (day, _) = plan::day_plan(
            store.as_ref(),
            data_dir,
            date,
            zone,
            &prescription,
            &settings,
        )?;
        let day_reminders = reminders(&day, &settings)
            .with_context(|| format!("making the reminders of {date}"))?;
        all.extend(day_reminders.into_iter().map(|r| JsonReminder {
            id: r.id,
            fire_at: r.fire_at.local().to_rfc3339(),
            title: r.title,
            body: r.body,
        }));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = Json {
            from,
            to,
            reminders: all,
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    } else if all.is_empty() {
        writeln!(out, "No reminders from {from} to {to}.")?;
    } else {
        for r in &all {
            writeln!(out, "{}  {}: {}  [{}]", r.fire_at, r.title, r.body, r.id)?;
        }
    }
    out.flush()?;
    Ok(())
}
