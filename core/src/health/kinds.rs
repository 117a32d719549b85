//! The kinds of measurement the member's devices record, as the core names them, whatever the
//! platform called them. Each platform's identifiers are mapped here once, in [`crate::platform`].

use serde::{Deserialize, Serialize};

/// A quantity measured at an instant or over an interval, in its canonical unit.
///
/// HRV is two kinds, never merged: Apple's HealthKit reports SDNN, Health Connect RMSSD, and the two
/// are different statistics on different scales (domain brief section 4: "Never mix SDNN and RMSSD
/// in one baseline").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    /// Heart rate, beats per minute.
    HeartRate,
    /// Resting heart rate, beats per minute (the platform's daily estimate).
    RestingHeartRate,
    /// HRV as SDNN, ms (HealthKit `HeartRateVariabilitySDNN`; LOINC 80404-7).
    HrvSdnn,
    /// HRV as RMSSD, ms (Health Connect `HeartRateVariabilityRmssdRecord`; no LOINC code).
    HrvRmssd,
    /// Respiratory rate, breaths per minute.
    RespiratoryRate,
    /// Wrist temperature during sleep, °C.
    WristTemperature,
    /// VO2max, mL/(kg·min).
    Vo2Max,
}

impl QuantityKind {
    /// Every kind, in a stable order.
    pub const ALL: [Self; 7] = [
        Self::HeartRate,
        Self::RestingHeartRate,
        Self::HrvSdnn,
        Self::HrvRmssd,
        Self::RespiratoryRate,
        Self::WristTemperature,
        Self::Vo2Max,
    ];

    /// The canonical unit of the kind's values.
    pub fn unit(self) -> &'static str {
        match self {
            Self::HeartRate | Self::RestingHeartRate => "bpm",
            Self::HrvSdnn | Self::HrvRmssd => "ms",
            Self::RespiratoryRate => "breaths/min",
            Self::WristTemperature => "degC",
            Self::Vo2Max => "mL/kg/min",
        }
    }
}

/// A stage of sleep. HealthKit's and Health Connect's codes are mapped onto these in
/// [`crate::platform`]; stages exist on Apple devices only since iOS 16 (older nights are
/// [`SleepStage::Asleep`] and [`SleepStage::InBed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SleepStage {
    /// In bed, sleep or wake not told apart.
    InBed,
    /// Asleep, stage not told apart.
    Asleep,
    /// Awake during the sleep session (in bed).
    Awake,
    /// Out of bed during the sleep session (Health Connect only).
    OutOfBed,
    /// Light sleep (HealthKit "Core", Health Connect "light"; N1 and N2).
    Light,
    /// Deep sleep (N3).
    Deep,
    /// REM sleep.
    Rem,
    /// A stage the device did not know (Health Connect "unknown").
    Unknown,
}

impl SleepStage {
    /// Whether the stage counts as sleep time.
    pub fn is_asleep(self) -> bool {
        matches!(self, Self::Asleep | Self::Light | Self::Deep | Self::Rem)
    }
}

/// How a workout loads the body, which the protocol rules need: cold immersion right after
/// strength or hypertrophy work blunts the adaptation (Roberts et al. 2015, J Physiol 593:4285),
/// after endurance work it does not (Petersen & Fyfe 2021). Domain brief section 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingClass {
    /// Resistance training aimed at strength or hypertrophy.
    Strength,
    /// Continuous aerobic work (running, cycling, swimming, rowing...).
    Endurance,
    /// High-intensity intervals and mixed conditioning (HIIT, CrossFit-style, team sports).
    Intervals,
    /// Mobility, flexibility and mind-body work (yoga, pilates, stretching).
    Mobility,
    /// Everything else (walking, golf, unknown).
    Other,
}
