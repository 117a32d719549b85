//! `alyze training`: the training the member plans (`add`, `list`, `remove`), which every plan and
//! reminder of the days it touches counts, so that cold is never planned into the hours after a
//! strength session still to come (core `store/planned.rs`).
//!
//! `add --at "YYYY-MM-DD HH:MM" --minutes M --class strength|endurance|intervals|mobility|other`
//! on the member's clock in `--tz` (else the system's zone) prints the new id; `list` shows the
//! planned training from `--from` (default: today) for `--days` days (default 7); `remove ID`
//! removes one. Planned training stays in this data directory; it is not synced.

use std::io::Write;
use std::path::Path;

use alyze_core::health::{Timestamp, TrainingClass};
use alyze_core::protocol::{DayWorkout, WorkoutStatus};
use anyhow::{Context, Result, anyhow, bail};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;
use clap::{Args, Subcommand, ValueEnum};

use crate::log::parse_local;
use crate::plan::{self, parse_zone};
use crate::prescription;

/// How a planned workout loads the body, as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassArg {
    /// Resistance training aimed at strength or hypertrophy.
    Strength,
    /// Continuous aerobic work.
    Endurance,
    /// High-intensity intervals and mixed conditioning.
    Intervals,
    /// Mobility, flexibility and mind-body work.
    Mobility,
    /// Everything else.
    Other,
}

impl From<ClassArg> for TrainingClass {
    fn from(value: ClassArg) -> Self {
        match value {
            ClassArg::Strength => Self::Strength,
            ClassArg::Endurance => Self::Endurance,
            ClassArg::Intervals => Self::Intervals,
            ClassArg::Mobility => Self::Mobility,
            ClassArg::Other => Self::Other,
        }
    }
}

/// Arguments of `alyze training`.
#[derive(Debug, Args)]
pub struct TrainingArgs {
    #[command(subcommand)]
    action: Action,
    /// The member's zone, an IANA name such as Europe/Berlin. Default: the system's zone.
    #[arg(long, global = true, value_name = "ZONE", value_parser = parse_zone)]
    tz: Option<Tz>,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Plan a workout; prints its id.
    Add {
        /// When it starts, "YYYY-MM-DD HH:MM" on the member's clock in --tz.
        #[arg(long, value_name = "YYYY-MM-DD HH:MM", value_parser = parse_local)]
        at: NaiveDateTime,
        /// How long, minutes.
        #[arg(long, value_name = "M")]
        minutes: f64,
        /// How it loads the body.
        #[arg(long, value_enum)]
        class: ClassArg,
    },
    /// The planned workouts of a range of days.
    List {
        /// The first day (YYYY-MM-DD, member-local). Default: today in --tz.
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// How many days.
        #[arg(long, default_value_t = 7, value_name = "N")]
        days: u32,
    },
    /// Remove a planned workout by its id.
    Remove {
        /// The id `add` or `list` printed.
        id: String,
    },
}

/// Runs `alyze training` in `data_dir`.
pub fn run(args: &TrainingArgs, data_dir: &Path) -> Result<()> {
    let zone = plan::resolve_zone(args.tz)?;
    let mut out = std::io::stdout().lock();
    match &args.action {
        Action::Add { at, minutes, class } => {
            if !minutes.is_finite() || *minutes <= 0.0 {
                bail!("--minutes: must be a number greater than zero");
            }
            let start = local(*at, zone)?;
            let end = local(
                *at + TimeDelta::seconds((minutes * 60.0).round() as i64),
                zone,
            )?;
            let workout = DayWorkout {
                start,
                end,
                class: (*class).into(),
                status: WorkoutStatus::Planned,
            };
            let id = prescription::create_store(data_dir)?
                .add_planned_workout(&workout)
                .map_err(|e| anyhow!("not planned: {e}"))?;
            writeln!(out, "{id}")?;
        }
        Action::List { from, days } => {
            let first = from.unwrap_or_else(|| plan::today(zone));
            let start = local(first.and_time(chrono::NaiveTime::MIN), zone)?;
            let end = local(
                (first + TimeDelta::days(i64::from(*days))).and_time(chrono::NaiveTime::MIN),
                zone,
            )?;
            let store = prescription::create_store(data_dir)?;
            let planned = store.planned_workouts(start.utc(), end.utc())?;
            if planned.is_empty() {
                writeln!(out, "No training planned.")?;
            }
            for (id, w) in planned {
                writeln!(
                    out,
                    "{}-{}  {:<10} {id}",
                    w.start.local().format("%Y-%m-%d %H:%M"),
                    w.end.local().format("%H:%M"),
                    format!("{:?}", w.class).to_lowercase(),
                )?;
            }
        }
        Action::Remove { id } => {
            if !prescription::create_store(data_dir)?.remove_planned_workout(id)? {
                bail!("no planned workout has the id {id}");
            }
            writeln!(out, "Removed.")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A wall-clock time in `zone`; the earlier of two in the autumn's repeated hour.
fn local(at: NaiveDateTime, zone: Tz) -> Result<Timestamp> {
    let instant = at
        .and_local_timezone(zone)
        .earliest()
        .ok_or_else(|| anyhow!("{at} does not exist in {zone} (a DST change)"))?;
    Timestamp::from_local(instant.fixed_offset(), Some(zone.name().to_owned()))
        .context("the planned time")
}
