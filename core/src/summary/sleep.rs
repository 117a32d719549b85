//! The night of a day: which sleep sessions are the night (module doc of [`super`]) and their
//! totals.

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike, Utc};
use serde::Serialize;

use super::{SummaryError, SummarySettings, distinct, local_day};
use crate::health::{SleepSession, SleepStage};
use crate::store::{Metric, Store};

/// Time in each stage over the night, s.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StageTotals {
    /// Light sleep (Apple "Core"; N1 and N2).
    pub light_s: f64,
    /// Deep sleep (N3).
    pub deep_s: f64,
    /// REM sleep.
    pub rem_s: f64,
    /// Asleep with no stage (Apple before iOS 16, Health Connect "sleeping").
    pub unspecified_s: f64,
    /// Awake during the night.
    pub awake_s: f64,
}

/// The night that ended on a day's morning, from one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NightSleep {
    /// The source the night was taken from (source priority).
    pub source: String,
    /// How many of the source's sessions make up the night.
    pub sessions: usize,
    /// Start of the first session, local (its own offset).
    pub bedtime: DateTime<FixedOffset>,
    /// End of the last session, local (its own offset).
    pub wake_time: DateTime<FixedOffset>,
    /// Time in bed: the sessions' lengths added up, s (elapsed time, right across a DST change).
    pub in_bed_s: f64,
    /// Time asleep (light, deep, REM, unspecified), s; `None` when the source recorded no stage at
    /// all (only time in bed).
    pub asleep_s: Option<f64>,
    /// Asleep / in bed, 0-1; `None` when asleep is unknown.
    pub efficiency: Option<f64>,
    /// Time per stage.
    pub stages: StageTotals,
}

impl NightSleep {
    /// The night window in UTC, bedtime to wake time: where the night's HRV is read.
    pub fn window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.bedtime.with_timezone(&Utc),
            self.wake_time.with_timezone(&Utc),
        )
    }
}

/// Whether `session` can be the night of the day it ends on (module doc of [`super`]).
fn is_night(session: &SleepSession, settings: &SummarySettings) -> bool {
    session.end.local().hour() < settings.night_cutoff_hour
        && session.duration_s() >= settings.min_night_s
}

/// The night of `day` among `sessions` (any sessions; those that are not `day`'s night are
/// ignored).
pub(super) fn night_of(
    store: &Store,
    day: NaiveDate,
    sessions: &[SleepSession],
    settings: &SummarySettings,
) -> Result<Option<NightSleep>, SummaryError> {
    let candidates: Vec<&SleepSession> = sessions
        .iter()
        .filter(|s| local_day(&s.end) == day && is_night(s, settings))
        .collect();
    let sources = distinct(candidates.iter().map(|s| &s.source));
    let Some(chosen) = store.preferred_source(Metric::Sleep, &sources)? else {
        return Ok(None);
    };
    let night: Vec<&SleepSession> = candidates
        .into_iter()
        .filter(|s| &s.source == chosen)
        .collect();
    let (Some(first), Some(last)) = (
        night.iter().min_by_key(|s| s.start.utc()),
        night.iter().max_by_key(|s| s.end.utc()),
    ) else {
        return Ok(None);
    };
    let mut stages = StageTotals::default();
    let mut staged = false;
    for session in &night {
        for (stage, seconds) in session.seconds_by_stage() {
            staged |= stage != SleepStage::InBed;
            match stage {
                SleepStage::Light => stages.light_s += seconds,
                SleepStage::Deep => stages.deep_s += seconds,
                SleepStage::Rem => stages.rem_s += seconds,
                SleepStage::Asleep => stages.unspecified_s += seconds,
                SleepStage::Awake => stages.awake_s += seconds,
                // Out of bed and unknown stages are neither sleep nor wake in bed.
                SleepStage::InBed | SleepStage::OutOfBed | SleepStage::Unknown => {}
            }
        }
    }
    let in_bed_s: f64 = night.iter().map(|s| s.duration_s()).sum();
    let asleep_s = staged.then(|| night.iter().map(|s| s.asleep_s()).sum::<f64>());
    Ok(Some(NightSleep {
        source: chosen.name.clone(),
        sessions: night.len(),
        bedtime: first.start.local(),
        wake_time: last.end.local(),
        in_bed_s,
        asleep_s,
        // Sleep efficiency = time asleep / time in bed (the usual polysomnography definition).
        efficiency: asleep_s.filter(|_| in_bed_s > 0.0).map(|a| a / in_bed_s),
        stages,
    }))
}

/// The days of `from..=to` that have a night, from the sessions' times alone (see
/// [`super::nights_slept`]).
pub(super) fn days_with_a_night(
    sessions: &[SleepSession],
    from: NaiveDate,
    to: NaiveDate,
    settings: &SummarySettings,
) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = sessions
        .iter()
        .filter(|s| is_night(s, settings))
        .map(|s| local_day(&s.end))
        .filter(|day| (from..=to).contains(day))
        .collect();
    days.sort_unstable();
    days.dedup();
    days
}
