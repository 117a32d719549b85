//! `alyze summary`: the member's daily summaries (the readiness engine's input) as a table or JSON.
//!
//! Reads `<data dir>/alyze.db` and never creates it: without a store there is nothing to summarise
//! and the member is told to import first. The default range is the 7 days that end on the latest
//! day with data (looking back [`LOOKBACK_DAYS`] from today), so an export imported weeks later
//! still shows its last week rather than an empty one.
//!
//! `--json` prints an array with one object per day, in date order. Its keys are a contract: add
//! keys, never rename or drop one. Per day (serialised from `alyze_core::summary::DailySummary`):
//! - `date` (`YYYY-MM-DD`, the member's local date);
//! - `sleep`: `null` or `{source, sessions, bedtime, wake_time, in_bed_s, asleep_s, efficiency,
//!   stages: {light_s, deep_s, rem_s, unspecified_s, awake_s}}`, times RFC 3339 with the local
//!   offset, durations in seconds, efficiency 0-1;
//! - `hrv_rmssd`: `null` or `{ln_rmssd, rmssd_ms, readings, method: "beat_to_beat" | "platform",
//!   source}`; `hrv_sdnn`: `null` or `{sdnn_ms, readings, source}` (never merged with RMSSD);
//! - `resting_hr`: `null` or `{bpm, source}`;
//! - `workouts`: `[{activity, training_class, start, duration_s, active_energy_kcal, avg_hr_bpm,
//!   max_hr_bpm, hr_minutes, source}]`;
//! - `load`: `{hr_minutes, session_rpe_load, training_sessions}`;
//! - `check_in`: `null` or `{at, answers: {questionnaire, ...items}, total, wellness}`;
//! - `recovery`: `[{modality, start, duration_s, temperature_c}]`;
//! - `labs`: `[{loinc, name, value, unit, flag, collected_at}]`.

use std::io::Write;
use std::path::Path;

use alyze_core::store::Store;
use alyze_core::summary::{DailySummary, RmssdMethod, SummarySettings, daily_summaries};
use anyhow::{Context, Result, anyhow, bail};
use chrono::{Days, Local, NaiveDate};
use clap::Args;

/// How far back from today the default range looks for the latest day with data: ten years, so
/// any export a member is likely to import is found.
const LOOKBACK_DAYS: u32 = 3650;

/// Days in the default range.
const DEFAULT_DAYS: u64 = 7;

/// Arguments of `alyze summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// First day (YYYY-MM-DD, local). Default: 6 days before --to.
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last day, included (YYYY-MM-DD, local). Default: the latest day with data, or 6 days after
    /// --from.
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Print a JSON array of day objects instead of the table (keys in the module doc).
    #[arg(long)]
    json: bool,
}

/// Runs `alyze summary` on the store in `data_dir`.
pub fn run(args: &SummaryArgs, data_dir: &Path) -> Result<()> {
    let database = data_dir.join("alyze.db");
    if !database.is_file() {
        bail!(
            "no data yet: run alyze import first (no store at {})",
            database.display()
        );
    }
    let store = Store::open(&database).context("opening the store")?;
    let Some((from, to)) = range(&store, args)? else {
        bail!("no data yet: run alyze import first (the store is empty)");
    };
    let days = daily_summaries(&store, from, to, &SummarySettings::default())
        .context("summarising the days")?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&days)?)?;
    } else {
        write!(out, "{}", table(&days))?;
    }
    out.flush()?;
    Ok(())
}

/// The range asked for, or the default; `None` when the store holds no day to show.
fn range(store: &Store, args: &SummaryArgs) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let back = |d: NaiveDate| d.checked_sub_days(Days::new(DEFAULT_DAYS - 1));
    let ahead = |d: NaiveDate| d.checked_add_days(Days::new(DEFAULT_DAYS - 1));
    let out_of_bounds = || anyhow!("the date range is out of bounds");
    let (from, to) = match (args.from, args.to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, ahead(from).ok_or_else(out_of_bounds)?),
        (None, Some(to)) => (back(to).ok_or_else(out_of_bounds)?, to),
        (None, None) => {
            let today = Local::now().date_naive();
            // A night abroad may carry tomorrow's date, seen from here.
            let not_after = today.succ_opt().ok_or_else(out_of_bounds)?;
            let latest = alyze_core::summary::latest_day_with_data(store, not_after, LOOKBACK_DAYS)
                .context("looking for the latest day with data")?;
            let Some(to) = latest else {
                return Ok(None);
            };
            (back(to).ok_or_else(out_of_bounds)?, to)
        }
    };
    if to < from {
        bail!("--to is before --from");
    }
    Ok(Some((from, to)))
}

/// The table, one line a day.
pub(crate) fn table(days: &[DailySummary]) -> String {
    let mut out = format!(
        "{:<10}  {:>7}  {:>4}  {:>9}  {:>16}  {:>12}  {:>4}  {:<20}  {:>7}\n",
        "date", "sleep h", "eff", "deep/REM", "RMSSD ms", "SDNN ms", "RHR", "workouts", "check-in"
    );
    let dash = || "-".to_owned();
    for day in days {
        let sleep = day.sleep.as_ref();
        let hours = sleep
            .and_then(|s| s.asleep_s.or(Some(s.in_bed_s)))
            .map_or_else(dash, |s| format!("{:.1}", s / 3600.0));
        let efficiency = sleep
            .and_then(|s| s.efficiency)
            .map_or_else(dash, |e| format!("{:.0}%", e * 100.0));
        let stages = sleep
            .filter(|s| s.stages.deep_s + s.stages.rem_s > 0.0)
            .map_or_else(dash, |s| {
                format!(
                    "{:.0}/{:.0}m",
                    s.stages.deep_s / 60.0,
                    s.stages.rem_s / 60.0
                )
            });
        let rmssd = day.hrv_rmssd.as_ref().map_or_else(dash, |r| {
            let how = match r.method {
                RmssdMethod::BeatToBeat => "beats",
                RmssdMethod::Platform => "platform",
            };
            format!("{:.0} {how} {}", r.ln_rmssd.exp(), initials(&r.source))
        });
        let sdnn = day.hrv_sdnn.as_ref().map_or_else(dash, |s| {
            format!("{:.0} {}", s.sdnn_ms, initials(&s.source))
        });
        let rhr = day
            .resting_hr
            .as_ref()
            .map_or_else(dash, |r| format!("{:.0}", r.bpm));
        let workouts = if day.workouts.is_empty() {
            dash()
        } else {
            day.workouts
                .iter()
                .map(|w| format!("{:?} {:.0}m", w.activity, w.duration_s / 60.0))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let check_in = day
            .check_in
            .as_ref()
            .map_or_else(dash, |c| format!("{:.2}", c.wellness));
        out.push_str(&format!(
            "{:<10}  {hours:>7}  {efficiency:>4}  {stages:>9}  {rmssd:>16}  {sdnn:>12}  {rhr:>4}  \
             {workouts:<20}  {check_in:>7}\n",
            day.date.to_string()
        ));
    }
    out.push_str(
        "RMSSD: geometric mean of the night's clean readings (beats: from heartbeat series; \
         platform: the platform's samples), then the source's initials. SDNN: the platform's \
         samples, never mixed with RMSSD. Check-in: wellness 0-1.\n",
    );
    out
}

/// A short tag for a source in the table: the initials of its words.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .collect()
}
