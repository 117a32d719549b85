//! The daily summary: one record per member-local day that the readiness engine reads.
//!
//! [`daily_summaries`] reads the store and, for each local day (a [`NaiveDate`]) of a range, puts
//! together the night that ended that morning (sleep and HRV), the day's resting heart rate, its
//! workouts and load inputs, the check-in, the recovery sessions and the labs collected. All raw
//! rows stay in the store; where several sources recorded the same metric, one is chosen per day by
//! the member's source priority ([`Store::preferred_source`]; Apple Watch first by default, data
//! brief "Apple Health export").
//!
//! # Which local day a record belongs to
//!
//! Every record carries the UTC offset that was in force where and when it was recorded (Apple's
//! `yyyy-MM-dd HH:mm:ss +hhmm` and `HKTimeZone`, Health Connect's zone offsets). A record belongs to
//! the local date of that instant *in its own offset*, never in the offset of the phone now: a night
//! slept in Tokyo (+0900) ending at 06:30 belongs to the Tokyo date even though it ended the evening
//! before in UTC, and a night across a DST change counts its real elapsed hours (the offset at the
//! start and at the end differ; durations are taken between UTC instants). The zone name is kept for
//! display only: the offset recorded with the instant is authoritative, so no time-zone database is
//! needed.
//!
//! - **The night** of a day is the sleep that *ends* on that day's local date before
//!   [`SummarySettings::night_cutoff_hour`] (default 18:00) and lasts at least
//!   [`SummarySettings::min_night_s`] (default 3 h). A sleep ending later in the day, or a shorter
//!   one (an afternoon nap), is not the night. When the chosen source split the night into several
//!   sessions (woke up, went back to bed), they are added up: bedtime is the earliest start, wake
//!   time the latest end.
//! - **Resting HR, workouts, training sessions, recovery sessions** belong to the local date of
//!   their start; **labs** to the local date of collection; **check-ins** to the day the store files
//!   them under ([`Store::check_ins_by_day`], latest revision).
//!
//! # The night's HRV (domain brief sections 3 and 4)
//!
//! RMSSD and SDNN are never merged ("Never mix SDNN and RMSSD in one baseline"):
//! - **RMSSD** comes from beat-to-beat data when there is any: the heartbeat series that start in
//!   the night window (bedtime to wake time) from the preferred heartbeat source, turned into RR
//!   intervals with their gaps (no successive difference across a `precededByGap`) and analysed by
//!   [`crate::hrv`]. Apple records about one minute of beats every few hours, so each short series
//!   is one reading ([`crate::hrv::analyse`]) and counts when its artefact share is acceptable; a
//!   series at least one night window long (a chest strap) is cut into 5-minute windows
//!   ([`crate::hrv::analyse_night`]) and each clean window is one reading. The night's value is the
//!   mean ln RMSSD of the clean readings (HRV4Training and Plews keep baselines on the ln RMSSD
//!   scale; Oura averages short windows over the night), with the mean RMSSD beside it for display.
//!   Without beat-to-beat data, the platform's RMSSD samples of the night (Health Connect) from the
//!   preferred source are averaged the same way.
//! - **SDNN** is the mean of the night's SDNN samples (Apple's `HeartRateVariabilitySDNN`) from the
//!   preferred source.
//!
//! The store has no read of "the latest day with data", so [`latest_day_with_data`] works it out
//! from the range reads.

mod day;
mod hrv;
mod sleep;
#[cfg(test)]
mod tests;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use crate::health::{
    ActivityType, Analyte, QuantityKind, QuantitySample, Questionnaire, RangeFlag,
    RecoveryModality, Timestamp, TrainingClass,
};
use crate::hrv::{HrvSettings, NightSettings};
use crate::store::{Store, StoreError};

pub use hrv::{RmssdMethod, RmssdNight, SdnnNight};
pub use sleep::{NightSleep, StageTotals};

/// Why the summaries could not be built. Never carries a health value.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    /// The store could not be read.
    #[error("reading the store: {0}")]
    Store(#[from] StoreError),
    /// The range ends before it starts.
    #[error("the date range ends before it starts")]
    EmptyRange,
    /// A date lies outside what the calendar arithmetic can represent.
    #[error("a date of the range is out of bounds")]
    DateOutOfBounds,
    /// A setting is outside the values it can take.
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// Name of the setting.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// The product choices of the summary, each with its documented default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummarySettings {
    /// Local hour (0-24) before which a sleep must end to be the night of that day. Default 18: a
    /// night (or a night-shift sleep) ends by the afternoon; sleep that ends in the evening is a
    /// nap. Product choice.
    pub night_cutoff_hour: u32,
    /// Shortest sleep, s, that can be the night. Default 3 h (10 800 s): longer than a nap (usually
    /// under one 90-minute sleep cycle) and shorter than a bad but real night. Product choice.
    pub min_night_s: f64,
    /// Analysis of a short heartbeat series as one reading (Kubios defaults, domain brief
    /// section 3; a reading above 5 % artefacts does not count).
    pub hrv: HrvSettings,
    /// Windowed analysis of a series at least one window long (5-minute windows, Oura and Task
    /// Force 1996; see [`crate::hrv::night`]).
    pub night: NightSettings,
}

impl Default for SummarySettings {
    fn default() -> Self {
        Self {
            night_cutoff_hour: 18,
            min_night_s: 3.0 * 3600.0,
            hrv: HrvSettings::default(),
            night: NightSettings::default(),
        }
    }
}

/// Everything the readiness engine needs about one local day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailySummary {
    /// The member's local date.
    pub date: NaiveDate,
    /// The night that ended this morning; `None` when no source recorded one.
    pub sleep: Option<NightSleep>,
    /// The night's RMSSD; `None` without a night or without data.
    pub hrv_rmssd: Option<RmssdNight>,
    /// The night's SDNN; `None` without a night or without samples.
    pub hrv_sdnn: Option<SdnnNight>,
    /// The platform's resting heart rate of the day.
    pub resting_hr: Option<RestingHr>,
    /// The day's workouts, by start.
    pub workouts: Vec<WorkoutSummary>,
    /// The inputs of the training-load computations.
    pub load: LoadInputs,
    /// The day's check-in (its latest revision).
    pub check_in: Option<CheckInSummary>,
    /// Recovery sessions logged that day, by start.
    pub recovery: Vec<RecoveryEntry>,
    /// Labs collected that day.
    pub labs: Vec<LabEntry>,
}

impl DailySummary {
    /// Whether any record fell on the day.
    pub fn has_data(&self) -> bool {
        self.sleep.is_some()
            || self.hrv_rmssd.is_some()
            || self.hrv_sdnn.is_some()
            || self.resting_hr.is_some()
            || !self.workouts.is_empty()
            || self.load.training_sessions > 0
            || self.check_in.is_some()
            || !self.recovery.is_empty()
            || !self.labs.is_empty()
    }
}

/// The day's resting heart rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestingHr {
    /// Mean of the preferred source's resting-HR samples of the day (platforms write one a day),
    /// bpm.
    pub bpm: f64,
    /// The source's name.
    pub source: String,
}

/// One workout of the day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkoutSummary {
    /// The activity.
    pub activity: ActivityType,
    /// How it loads the body.
    pub training_class: TrainingClass,
    /// Start, local.
    pub start: DateTime<FixedOffset>,
    /// Active duration, s.
    pub duration_s: f64,
    /// Active energy, kcal.
    pub active_energy_kcal: Option<f64>,
    /// Average heart rate, bpm.
    pub avg_hr_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Active minutes x average HR, the input of a later Banister TRIMP (domain brief section 4).
    pub hr_minutes: Option<f64>,
    /// The source's name.
    pub source: String,
}

/// Inputs of the day's training load (domain brief section 4).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LoadInputs {
    /// Sum of the workouts' active minutes x average HR (those with an average HR).
    pub hr_minutes: f64,
    /// Sum of the session-RPE loads, RPE x minutes (Foster et al. 2001).
    pub session_rpe_load: f64,
    /// How many rated training sessions the day has.
    pub training_sessions: usize,
}

/// The day's check-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckInSummary {
    /// When the member answered (latest revision), local.
    pub at: DateTime<FixedOffset>,
    /// The answers.
    pub answers: Questionnaire,
    /// The questionnaire's own total.
    pub total: u16,
    /// Wellness 0-1, 1 best ([`Questionnaire::wellness`]).
    pub wellness: f64,
}

/// A recovery session logged that day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecoveryEntry {
    /// What was done.
    pub modality: RecoveryModality,
    /// Start, local.
    pub start: DateTime<FixedOffset>,
    /// Exposure time, s.
    pub duration_s: f64,
    /// Temperature, °C, where the modality has one.
    pub temperature_c: Option<f64>,
}

/// A lab result collected that day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabEntry {
    /// LOINC code.
    pub loinc: String,
    /// The analyte's name when it is one the clinic tracks (domain brief section 5).
    pub name: Option<&'static str>,
    /// The value, in `unit`.
    pub value: f64,
    /// The unit as reported.
    pub unit: String,
    /// Against the lab's reference range.
    pub flag: Option<RangeFlag>,
    /// Collection time, local.
    pub collected_at: DateTime<FixedOffset>,
}

/// One summary for every local day of `from..=to`, days without data included (empty), in order.
pub fn daily_summaries(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    settings: &SummarySettings,
) -> Result<Vec<DailySummary>, SummaryError> {
    daily_summaries_detailed_from(store, from, to, from, settings)
}

/// [`daily_summaries`] in full only from `detail_from` on. The days before it hold their
/// workouts and load, resting HR, check-in, recovery sessions and labs, but no night and no HRV
/// (`sleep`, `hrv_rmssd` and `hrv_sdnn` are `None`): their sleep sessions, heartbeat series and
/// HRV samples are not read. [`nights_slept`] tells which of them had a night.
///
/// Why: the nights are the expensive part of a summary (each heartbeat series is read and its
/// artefacts corrected, each night has dozens of sleep segments), and a reader such as
/// [`crate::readiness::readiness_history`] needs them for fewer days than the training (its HRV
/// and sleep baselines reach about two months back, its chronic load half a year).
pub fn daily_summaries_detailed_from(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    detail_from: NaiveDate,
    settings: &SummarySettings,
) -> Result<Vec<DailySummary>, SummaryError> {
    if to < from {
        return Err(SummaryError::EmptyRange);
    }
    if !(1..=24).contains(&settings.night_cutoff_hour) {
        return Err(SummaryError::InvalidSetting {
            name: "night_cutoff_hour",
            reason: "must be an hour from 1 to 24",
        });
    }
    if !(settings.min_night_s.is_finite() && settings.min_night_s >= 0.0) {
        return Err(SummaryError::InvalidSetting {
            name: "min_night_s",
            reason: "must be a non-negative number of seconds",
        });
    }
    day::build(store, from, to, detail_from, settings)
}

/// The days of `from..=to` that have a night (module doc: a sleep ending that day before the
/// cutoff hour, long enough), oldest first, from the sessions' times and sources alone: no
/// segment is read. For the days that [`daily_summaries_detailed_from`] gives without their night.
pub fn nights_slept(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    settings: &SummarySettings,
) -> Result<Vec<NaiveDate>, SummaryError> {
    if to < from {
        return Err(SummaryError::EmptyRange);
    }
    let (start, end) = utc_span(from, to, day::MAX_SESSION)?;
    let sessions = store.sleep_sessions_unstaged(start, end)?;
    Ok(sleep::days_with_a_night(&sessions, from, to, settings))
}

/// The latest local day on or before `not_after` on which a night, a workout, a resting HR, an HRV
/// sample or a check-in was recorded, looking back `lookback_days` days; `None` when there is none.
pub fn latest_day_with_data(
    store: &Store,
    not_after: NaiveDate,
    lookback_days: u32,
) -> Result<Option<NaiveDate>, SummaryError> {
    let from = not_after
        .checked_sub_days(chrono::Days::new(u64::from(lookback_days)))
        .ok_or(SummaryError::DateOutOfBounds)?;
    day::latest(store, from, not_after)
}

/// The local date of `at` in its own offset (module doc).
fn local_day(at: &Timestamp) -> NaiveDate {
    at.local().date_naive()
}

/// A UTC range that holds every instant whose local date, at any offset a timestamp can carry
/// (±18 h), lies in `from..=to`, widened by `before` to catch records that start earlier.
fn utc_span(
    from: NaiveDate,
    to: NaiveDate,
    before: TimeDelta,
) -> Result<(DateTime<Utc>, DateTime<Utc>), SummaryError> {
    let max_offset = TimeDelta::seconds(i64::from(crate::health::time::MAX_OFFSET_S));
    let start = from
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .and_then(|t| t.checked_sub_signed(max_offset + before))
        .ok_or(SummaryError::DateOutOfBounds)?;
    let end = to
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .and_then(|t| t.checked_add_signed(max_offset))
        .ok_or(SummaryError::DateOutOfBounds)?;
    Ok((start, end))
}

/// The name an analyte code has in the clinic's list, if any.
fn analyte_name(code: &str) -> Option<&'static str> {
    Analyte::bloodwork(code).map(|a| a.name)
}

/// The values of the samples among `samples` that start in `[from, to)`, from the preferred source
/// of `kind` among them, with that source's name.
fn preferred_quantities(
    store: &Store,
    kind: QuantityKind,
    samples: &[QuantitySample],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Option<(String, Vec<f64>)>, SummaryError> {
    let in_window: Vec<&QuantitySample> = within(samples, |s| s.start.utc(), from, to).collect();
    let sources = distinct(in_window.iter().map(|s| &*s.source));
    let Some(chosen) = store.preferred_source(crate::store::Metric::Quantity(kind), &sources)?
    else {
        return Ok(None);
    };
    let values = in_window
        .iter()
        .filter(|s| &*s.source == chosen)
        .map(|s| s.value)
        .collect();
    Ok(Some((chosen.name.clone(), values)))
}

/// The items of `sorted` (ordered by `start`, as the store's reads return them) whose start lies in
/// `[from, to)`, found by binary search: the span's records are read once and each night takes
/// its part.
fn within<T>(
    sorted: &[T],
    start: impl Fn(&T) -> DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> impl Iterator<Item = &T> {
    let first = sorted.partition_point(|item| start(item) < from);
    let end = first + sorted[first..].partition_point(|item| start(item) < to);
    sorted[first..end].iter()
}

/// The distinct sources among `sources`, in first-seen order.
fn distinct<'a>(
    sources: impl Iterator<Item = &'a crate::health::Source>,
) -> Vec<crate::health::Source> {
    let mut out: Vec<crate::health::Source> = Vec::new();
    for source in sources {
        if !out.contains(source) {
            out.push(source.clone());
        }
    }
    out
}

/// Arithmetic mean; `None` for no values.
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}
