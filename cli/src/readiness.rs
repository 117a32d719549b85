//! `alyze readiness`: the morning answer for one day (push, maintain or recover, and why), read
//! from the member's store.
//!
//! The day defaults to today in `--tz` (an IANA zone name), or in the system's local zone. The
//! engine reads the clinic's readiness settings (`member::readiness_settings`: its tuning, else
//! the documented defaults) and their look-back of history before the day, so the answer is the
//! same whatever else the store holds. A store without any data is an error that says to import
//! first; a day before the data, or without enough of it, is not an error: the engine says
//! `calibrating` or `unscorable`, and the output says what is missing.
//!
//! `--json` prints one object, `alyze_core::readiness::DayReadiness` serialised: `date`, `state`
//! (`{"kind": "calibrating", "days_left"}`, `{"kind": "scored"}` or `{"kind": "unscorable",
//! "missing"}`), `score` (0-100 or `null`), `recommendation` (`push` / `maintain` / `recover` or
//! `null`), `hrv_metric`, `load_kind`, `components` (`[{name, metric, unit, value, baseline,
//! points}]`), `reasons` (`[{code, severity, text}]`), `flags` (`[{code, category, from, to,
//! setting, threshold}]`), plus `profile` (`{sex, sex_is_default, max_hr_bpm, resting_hr_bpm,
//! age_years}`). Keys are a contract: add keys, never rename or drop one.

use std::io::Write;
use std::path::Path;

use alyze_core::protocol::member;
use alyze_core::readiness::{
    DayReadiness, FlagCode, MissingInput, ReadinessState, Recommendation, readiness_history,
};
use alyze_core::store::Store;
use alyze_core::summary::latest_day_with_data;
use anyhow::{Context, Result, anyhow, bail};
use chrono::{Local, NaiveDate, Utc};
use chrono_tz::Tz;
use clap::Args;
use serde::Serialize;

use crate::profile::{self, ProfileArgs, Resolved};

/// How far back "is there any data at all" looks: ten years, as `alyze summary` does.
const LOOKBACK_DAYS: u32 = 3650;

/// Arguments of `alyze readiness`.
#[derive(Debug, Args)]
pub struct ReadinessArgs {
    /// The day (YYYY-MM-DD, member-local). Default: today in --tz.
    #[arg(long, value_name = "DATE")]
    date: Option<NaiveDate>,
    /// The zone "today" is taken in, an IANA name such as Europe/Berlin. Default: the system's
    /// local zone.
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    tz: Option<Tz>,
    /// Print one JSON object instead of text (keys in the module doc).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    profile: ProfileArgs,
}

/// Runs `alyze readiness` on the store in `data_dir`.
pub fn run(args: &ReadinessArgs, data_dir: &Path) -> Result<()> {
    let today = today(args.tz);
    let date = args.date.unwrap_or(today);
    let store = open_store(data_dir)?;
    // A date after today (a night abroad, a typo) still counts as "the store has data" when
    // there is data up to it.
    let latest = latest_data(&store, date.max(today))?;
    let Some(latest) = latest else {
        bail!("no data yet: run alyze import first (the store is empty)");
    };
    let resolved = profile::resolve(&args.profile, data_dir)?;
    let day = day_readiness(&store, date, &resolved)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&Json::new(&day, &resolved))?
        )?;
    } else {
        write!(out, "{}", to_text(&day, &resolved))?;
        if date > latest && day.state != ReadinessState::Scored {
            writeln!(
                out,
                "Your latest data is from {latest}: try alyze readiness --date {latest}, or \
                 import a newer export."
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The readiness of `date` from the store.
pub fn day_readiness(store: &Store, date: NaiveDate, resolved: &Resolved) -> Result<DayReadiness> {
    let history = readiness_history(
        store,
        date,
        date,
        &resolved.profile,
        &member::readiness_settings(store).context("reading the clinic's readiness settings")?,
    )
    .with_context(|| format!("assessing {date}"))?;
    history
        .days
        .into_iter()
        .last()
        .ok_or_else(|| anyhow!("the engine returned no day for {date}"))
}

/// Opens `<data dir>/alyze.db`, never creating it: without a store there is nothing to assess.
pub fn open_store(data_dir: &Path) -> Result<Store> {
    let database = data_dir.join("alyze.db");
    if !database.is_file() {
        bail!(
            "no data yet: run alyze import first (no store at {})",
            database.display()
        );
    }
    Store::open(&database).context("opening the store")
}

/// The latest day with data on or before the day after `day`; `None` when the store has none.
pub fn latest_data(store: &Store, day: NaiveDate) -> Result<Option<NaiveDate>> {
    // A night abroad may carry tomorrow's date, seen from here.
    let not_after = day.succ_opt().unwrap_or(day);
    latest_day_with_data(store, not_after, LOOKBACK_DAYS)
        .context("looking for the latest day with data")
}

/// Today in `zone`, or in the system's local zone.
fn today(zone: Option<Tz>) -> NaiveDate {
    match zone {
        Some(zone) => Utc::now().with_timezone(&zone).date_naive(),
        None => Local::now().date_naive(),
    }
}

/// Parses an IANA zone name for clap, which puts the argument's name before the message.
fn parse_zone(text: &str) -> Result<Tz, String> {
    text.parse::<Tz>()
        .map_err(|_| format!("\"{text}\" is not an IANA time zone name (e.g. Europe/Berlin)"))
}

/// The JSON object: the day, with the profile it was assessed with.
#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    day: &'a DayReadiness,
    profile: JsonProfile,
}

#[derive(Serialize)]
struct JsonProfile {
    sex: &'static str,
    sex_is_default: bool,
    max_hr_bpm: Option<f64>,
    resting_hr_bpm: Option<f64>,
    age_years: Option<f64>,
}

impl<'a> Json<'a> {
    fn new(day: &'a DayReadiness, resolved: &Resolved) -> Self {
        let p = &resolved.profile;
        Self {
            day,
            profile: JsonProfile {
                sex: profile::sex_word(p.sex),
                sex_is_default: resolved.sex_is_default,
                max_hr_bpm: p.max_hr_bpm,
                resting_hr_bpm: p.resting_hr_bpm,
                age_years: p.age_years,
            },
        }
    }
}

/// The day in words: the call with the score, the reasons as bullets, the flags, and the profile
/// note when the sex is the default.
pub fn to_text(day: &DayReadiness, resolved: &Resolved) -> String {
    let mut out = format!("{}: {}\n", day.date, headline(day));
    if !day.reasons.is_empty() {
        out.push_str("Why:\n");
        for reason in &day.reasons {
            out.push_str(&format!("  - {}\n", reason.text));
        }
    }
    if day.flags.is_empty() {
        out.push_str("Flags: none\n");
    } else {
        out.push_str("Flags:\n");
        for flag in &day.flags {
            let since = if flag.from == flag.to {
                String::new()
            } else {
                format!(" (since {})", flag.from)
            };
            out.push_str(&format!("  ! {}{since}\n", flag_text(flag.code)));
        }
    }
    if let Some(note) = resolved.default_note() {
        out.push_str(&note);
        out.push('\n');
    }
    out
}

/// The call in words, with the score when there is one.
fn headline(day: &DayReadiness) -> String {
    match (&day.state, day.recommendation, day.score) {
        (ReadinessState::Scored, Some(call), Some(score)) => {
            let words = match call {
                Recommendation::Push => "PUSH: you are ready for a hard session",
                Recommendation::Maintain => "MAINTAIN: train as planned, but not harder",
                Recommendation::Recover => "RECOVER: make it a recovery day",
            };
            format!("{words} (readiness {score}/100)")
        }
        (ReadinessState::Calibrating { days_left }, _, _) => format!(
            "CALIBRATING: still learning your normal HRV, {days_left} more night{} with HRV to go \
             (no score yet)",
            if *days_left == 1 { "" } else { "s" }
        ),
        (ReadinessState::Unscorable { missing }, _, _) => {
            let what: Vec<&str> = missing
                .iter()
                .map(|m| match m {
                    MissingInput::Hrv => "too few nights with HRV this week",
                })
                .collect();
            format!("NOT SCORED: {} (no score today)", what.join(", "))
        }
        // The engine scores a day with both a call and a score; anything else is shown as it is.
        (ReadinessState::Scored, _, score) => format!(
            "scored {}",
            score.map_or_else(|| "without a score".to_owned(), |s| format!("{s}/100"))
        ),
    }
}

/// A flag in a sentence (the codes' meanings are documented in `alyze_core::readiness::flags`).
fn flag_text(code: FlagCode) -> &'static str {
    match code {
        FlagCode::HrvSuppressedFallingCv => {
            "HRV suppressed for several days and less variable: a sign of overreaching"
        }
        FlagCode::RestingHrElevated => "resting heart rate raised several mornings in a row",
        FlagCode::MonotonyHigh => "training monotony high: too little variation between days",
        FlagCode::AcwrHigh => {
            "acute:chronic load ratio high: load rising faster than you are used to"
        }
        FlagCode::TsbLow => "training stress balance very low: a lot of accumulated fatigue",
        FlagCode::WellnessBad => "check-ins bad for more than a week",
        FlagCode::InflammationNotResolving => "hs-CRP high at two draws in a row and not falling",
        FlagCode::IllnessSuspected => {
            "signs of illness: HRV crash or inflammation with resting HR up"
        }
    }
}
