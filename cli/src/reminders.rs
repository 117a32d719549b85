//! `alyze reminders`: the notifications of each day's plan over a range of local days.
//!
//! Each day from `--from` to `--to` (both default to today in `--tz`, else the system's zone;
//! at most `member::MAX_RANGE_DAYS` days) is planned as `alyze plan` plans it, and the plans'
//! reminders (`alyze_core::protocol::member::reminders_between`) are listed: id, local fire time,
//! title and body. `--json`
//! prints one object: `from`, `to`, `reminders` (`[{id, fire_at, title, body}]`, `fire_at` an
//! RFC 3339 local time with its offset). Keys are a contract: add keys, never rename or drop one.

use std::io::Write;
use std::path::Path;

use alyze_core::protocol::member;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use chrono_tz::Tz;
use clap::Args;
use serde::Serialize;

use crate::plan::{self, parse_zone};
use crate::prescription;
use crate::profile::{self, ProfileArgs};

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
    if (to - from).num_days() >= i64::from(member::MAX_RANGE_DAYS) {
        bail!(
            "the range {from} to {to} is longer than {} days: ask for a shorter one",
            member::MAX_RANGE_DAYS
        );
    }
    let store = prescription::open_store(data_dir)?;
    let profile = profile::resolve(&ProfileArgs::default(), data_dir)?.profile;
    let history =
        member::readiness_settings(&store).context("reading the clinic's readiness settings")?;
    let all: Vec<JsonReminder> =
        member::reminders_between(&store, from, to, zone, &[], &profile, &history)
            .map_err(prescription::explain)
            .with_context(|| format!("making the reminders of {from} to {to}"))?
            .into_iter()
            .map(|r| JsonReminder {
                id: r.id,
                fire_at: r.fire_at.local().to_rfc3339(),
                title: r.title,
                body: r.body,
            })
            .collect();
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
