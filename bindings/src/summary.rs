//! The daily summary across the FFI: one thin record per member-local day with the fields the
//! shells show and the readiness screen needs (the night, its HRV, resting HR, workouts, load,
//! check-in wellness), typed, so that no shell parses JSON.
//!
//! Left out on purpose, to keep the surface small until a screen needs them: the check-in's
//! individual answers, the recovery sessions and labs (counted only) and the workouts' activity
//! type (its training class is kept; the activity list is long and still growing in the core).
//! Local times cross as epoch milliseconds plus the offset they were recorded in, like the samples.

use alyze_core::health::TrainingClass;
use alyze_core::summary::{
    DailySummary, NightSleep, RmssdMethod, RmssdNight, SdnnNight, WorkoutSummary,
};
use chrono::{DateTime, FixedOffset};

use crate::hrv::ffi_count;

/// How a workout loads the body.
#[uniffi::remote(Enum)]
pub enum TrainingClass {
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

/// Where a night's RMSSD came from.
#[uniffi::remote(Enum)]
pub enum RmssdMethod {
    /// Computed from heartbeat series.
    BeatToBeat,
    /// The platform's own RMSSD samples (Health Connect).
    Platform,
}

/// An instant on the member's clock: epoch milliseconds and the offset it was recorded in.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LocalTime {
    /// Milliseconds since 1970-01-01 UTC.
    pub epoch_ms: i64,
    /// Local time minus UTC, s.
    pub offset_s: i32,
}

/// The night that ended on a day's morning.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiNightSleep {
    /// The source chosen by the member's priority.
    pub source: String,
    /// Sessions making up the night.
    pub sessions: u32,
    /// Start of the first session.
    pub bedtime: LocalTime,
    /// End of the last session.
    pub wake_time: LocalTime,
    /// Time in bed, s.
    pub in_bed_s: f64,
    /// Time asleep, s; absent when the source recorded no stage.
    pub asleep_s: Option<f64>,
    /// Asleep / in bed, 0-1.
    pub efficiency: Option<f64>,
    /// Light sleep, s.
    pub light_s: f64,
    /// Deep sleep, s.
    pub deep_s: f64,
    /// REM sleep, s.
    pub rem_s: f64,
    /// Asleep without a stage, s.
    pub unspecified_s: f64,
    /// Awake during the night, s.
    pub awake_s: f64,
}

/// The night's RMSSD.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiRmssdNight {
    /// Mean ln RMSSD of the clean readings (the baseline scale).
    pub ln_rmssd: f64,
    /// Mean RMSSD, ms, for display.
    pub rmssd_ms: f64,
    /// Clean readings averaged.
    pub readings: u32,
    /// How the value was obtained.
    pub method: RmssdMethod,
    /// The source's name.
    pub source: String,
}

/// The night's SDNN.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiSdnnNight {
    /// Mean of the night's SDNN samples, ms.
    pub sdnn_ms: f64,
    /// Samples averaged.
    pub readings: u32,
    /// The source's name.
    pub source: String,
}

/// One workout of the day.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiWorkoutSummary {
    /// How it loads the body.
    pub training_class: TrainingClass,
    /// Start.
    pub start: LocalTime,
    /// Active duration, s.
    pub duration_s: f64,
    /// Active energy, kcal.
    pub active_energy_kcal: Option<f64>,
    /// Average heart rate, bpm.
    pub avg_hr_bpm: Option<f64>,
    /// The source's name.
    pub source: String,
}

/// The main fields of one local day's summary.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiDailySummary {
    /// The member's local date, `YYYY-MM-DD`.
    pub date: String,
    /// Whether any record fell on the day.
    pub has_data: bool,
    /// The night that ended this morning.
    pub sleep: Option<FfiNightSleep>,
    /// The night's RMSSD.
    pub hrv_rmssd: Option<FfiRmssdNight>,
    /// The night's SDNN.
    pub hrv_sdnn: Option<FfiSdnnNight>,
    /// The day's resting heart rate, bpm, from the preferred source.
    pub resting_hr_bpm: Option<f64>,
    /// The day's workouts, by start.
    pub workouts: Vec<FfiWorkoutSummary>,
    /// Sum of the workouts' active minutes x average HR.
    pub hr_minutes: f64,
    /// Sum of the session-RPE loads.
    pub session_rpe_load: f64,
    /// Rated training sessions.
    pub training_sessions: u32,
    /// The check-in's wellness, 0-1 (1 best), when the member checked in.
    pub check_in_wellness: Option<f64>,
    /// Recovery sessions logged that day.
    pub recovery_sessions: u32,
    /// Lab results collected that day.
    pub lab_results: u32,
}

fn local(t: DateTime<FixedOffset>) -> LocalTime {
    LocalTime {
        epoch_ms: t.timestamp_millis(),
        offset_s: t.offset().local_minus_utc(),
    }
}

impl From<DailySummary> for FfiDailySummary {
    fn from(day: DailySummary) -> Self {
        Self {
            date: day.date.format("%Y-%m-%d").to_string(),
            has_data: day.has_data(),
            sleep: day.sleep.map(FfiNightSleep::from),
            hrv_rmssd: day.hrv_rmssd.map(FfiRmssdNight::from),
            hrv_sdnn: day.hrv_sdnn.map(FfiSdnnNight::from),
            resting_hr_bpm: day.resting_hr.map(|r| r.bpm),
            workouts: day.workouts.into_iter().map(Into::into).collect(),
            hr_minutes: day.load.hr_minutes,
            session_rpe_load: day.load.session_rpe_load,
            training_sessions: ffi_count(day.load.training_sessions),
            check_in_wellness: day.check_in.map(|c| c.wellness),
            recovery_sessions: ffi_count(day.recovery.len()),
            lab_results: ffi_count(day.labs.len()),
        }
    }
}

impl From<NightSleep> for FfiNightSleep {
    fn from(night: NightSleep) -> Self {
        Self {
            source: night.source,
            sessions: ffi_count(night.sessions),
            bedtime: local(night.bedtime),
            wake_time: local(night.wake_time),
            in_bed_s: night.in_bed_s,
            asleep_s: night.asleep_s,
            efficiency: night.efficiency,
            light_s: night.stages.light_s,
            deep_s: night.stages.deep_s,
            rem_s: night.stages.rem_s,
            unspecified_s: night.stages.unspecified_s,
            awake_s: night.stages.awake_s,
        }
    }
}

impl From<RmssdNight> for FfiRmssdNight {
    fn from(night: RmssdNight) -> Self {
        Self {
            ln_rmssd: night.ln_rmssd,
            rmssd_ms: night.rmssd_ms,
            readings: ffi_count(night.readings),
            method: night.method,
            source: night.source,
        }
    }
}

impl From<SdnnNight> for FfiSdnnNight {
    fn from(night: SdnnNight) -> Self {
        Self {
            sdnn_ms: night.sdnn_ms,
            readings: ffi_count(night.readings),
            source: night.source,
        }
    }
}

impl From<WorkoutSummary> for FfiWorkoutSummary {
    fn from(workout: WorkoutSummary) -> Self {
        Self {
            training_class: workout.training_class,
            start: local(workout.start),
            duration_s: workout.duration_s,
            active_energy_kcal: workout.active_energy_kcal,
            avg_hr_bpm: workout.avg_hr_bpm,
            source: workout.source,
        }
    }
}
