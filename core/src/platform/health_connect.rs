//! Health Connect (Android, `androidx.health.connect:connect-client`) identifiers mapped onto core
//! kinds.
//!
//! Sources, checked for every number below: the Jetpack client's Kotlin source in
//! `androidx/androidx`, `health/connect/connect-client/src/main/java/androidx/health/connect/client/records/`:
//! `ExerciseSessionRecord.kt` (companion constants `EXERCISE_TYPE_*`, "Next Id: 84") and
//! `SleepSessionRecord.kt` (`STAGE_TYPE_*`), as in the published reference
//! (developer.android.com/reference/kotlin/androidx/health/connect/client/records).
//!
//! Beware: the platform framework API `android.health.connect.datatypes.ExerciseSessionType`
//! (Android 14+) numbers its `EXERCISE_SESSION_TYPE_*` constants differently (there, biking is 4 and
//! HIIT 20). These tables are for the Jetpack client's values, which is what the shell uses.
//!
//! Health Connect values arrive typed, already in the core's units, so there is no unit table:
//! `HeartRateRecord.samples[].beatsPerMinute`, `RestingHeartRateRecord.beatsPerMinute` (bpm),
//! `HeartRateVariabilityRmssdRecord.heartRateVariabilityMillis` (ms),
//! `RespiratoryRateRecord.rate` (breaths/min), `Vo2MaxRecord.vo2MillilitersPerMinuteKilogram`
//! (mL/(kg·min)). Skin temperature is the exception, see [`skin_temperature_celsius`].

use crate::health::activity::ActivityType;
use crate::health::kinds::{QuantityKind, SleepStage};

use super::RecordKind;

/// Record class names (Kotlin `simpleName`) the core reads, with what they hold.
///
/// `SkinTemperatureRecord` maps to [`QuantityKind::WristTemperature`] only through
/// [`skin_temperature_celsius`], which turns its baseline and deltas into absolute wrist readings
/// or refuses them. `HeartRateVariabilityRmssdRecord` is RMSSD and stays apart from HealthKit's SDNN
/// (domain brief section 4).
pub const RECORD_TYPES: [(&str, RecordKind); 8] = [
    (
        "HeartRateRecord",
        RecordKind::Quantity(QuantityKind::HeartRate),
    ),
    (
        "RestingHeartRateRecord",
        RecordKind::Quantity(QuantityKind::RestingHeartRate),
    ),
    (
        "HeartRateVariabilityRmssdRecord",
        RecordKind::Quantity(QuantityKind::HrvRmssd),
    ),
    (
        "RespiratoryRateRecord",
        RecordKind::Quantity(QuantityKind::RespiratoryRate),
    ),
    ("Vo2MaxRecord", RecordKind::Quantity(QuantityKind::Vo2Max)),
    (
        "SkinTemperatureRecord",
        RecordKind::Quantity(QuantityKind::WristTemperature),
    ),
    ("SleepSessionRecord", RecordKind::Sleep),
    ("ExerciseSessionRecord", RecordKind::Workout),
];

/// What a Health Connect record type holds; `None` for record types the core does not read.
pub fn record_kind(record_type: &str) -> Option<RecordKind> {
    RECORD_TYPES
        .iter()
        .find(|(name, _)| *name == record_type)
        .map(|&(_, kind)| kind)
}

/// The Health Connect record type of a quantity kind; `None` for kinds Health Connect does not
/// record (`HrvSdnn`: Health Connect offers RMSSD).
pub fn record_type(kind: QuantityKind) -> Option<&'static str> {
    RECORD_TYPES
        .iter()
        .find(|(_, k)| *k == RecordKind::Quantity(kind))
        .map(|&(name, _)| name)
}

/// `SkinTemperatureRecord.MEASUREMENT_LOCATION_WRIST`.
pub const SKIN_TEMPERATURE_LOCATION_WRIST: i32 = 3;

/// An absolute wrist temperature, °C, from a `SkinTemperatureRecord` delta.
///
/// The record stores deltas, relative to an optional `baseline` (°C), and a measurement location
/// (0 unknown, 1 finger, 2 toe, 3 wrist). Only a wrist reading with a baseline is a wrist
/// temperature in the core's sense: without a baseline the delta is not a temperature, and a finger
/// or toe reading sits at another level, so mixing it into the wrist baseline would be the same
/// mistake as mixing SDNN with RMSSD. Anything else gives `None`.
pub fn skin_temperature_celsius(
    measurement_location: i32,
    baseline_celsius: Option<f64>,
    delta_celsius: f64,
) -> Option<f64> {
    if measurement_location != SKIN_TEMPERATURE_LOCATION_WRIST {
        return None;
    }
    let value = baseline_celsius? + delta_celsius;
    value.is_finite().then_some(value)
}

/// `SleepSessionRecord.STAGE_TYPE_*`: code, constant name, core stage.
pub const SLEEP_STAGES: [(i32, &str, SleepStage); 8] = [
    (0, "STAGE_TYPE_UNKNOWN", SleepStage::Unknown),
    // "Awake and either known to be in bed, or it is unknown whether they are in bed" (the SDK's
    // comment), so it is the core's in-session awake.
    (1, "STAGE_TYPE_AWAKE", SleepStage::Awake),
    (2, "STAGE_TYPE_SLEEPING", SleepStage::Asleep),
    (3, "STAGE_TYPE_OUT_OF_BED", SleepStage::OutOfBed),
    (4, "STAGE_TYPE_LIGHT", SleepStage::Light),
    (5, "STAGE_TYPE_DEEP", SleepStage::Deep),
    (6, "STAGE_TYPE_REM", SleepStage::Rem),
    (7, "STAGE_TYPE_AWAKE_IN_BED", SleepStage::Awake),
];

/// The stage of a `SleepSessionRecord.Stage.stage` code; an unknown code is
/// [`SleepStage::Unknown`].
pub fn sleep_stage(code: i32) -> SleepStage {
    SLEEP_STAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(SleepStage::Unknown, |&(_, _, stage)| stage)
}

/// Every `ExerciseSessionRecord.EXERCISE_TYPE_*` constant: code, constant name, core activity.
///
/// Choices that are not one-to-one:
/// - `STRENGTH_TRAINING`: [`ActivityType::TraditionalStrengthTraining`] (the SDK folds bench press,
///   deadlift, curls and the like into it); `WEIGHTLIFTING` stays [`ActivityType::Weightlifting`].
/// - `BOOT_CAMP`: `CrossTraining`; `GUIDED_BREATHING`: `MindAndBody`.
/// - `BIKING_STATIONARY`: `IndoorCycling`; `RUNNING_TREADMILL`: `Running`; `ROWING_MACHINE`:
///   `Rowing`; `STAIR_CLIMBING_MACHINE`: `StairClimbing`; `ICE_HOCKEY`, `ROLLER_HOCKEY`: `Hockey`;
///   `ICE_SKATING`, `SKATING`: `Skating`; `ROCK_CLIMBING`: `Climbing`.
/// - `SKIING` does not say which kind: `DownhillSkiing`, the common case (both classes are non-strength,
///   so the cold rule is unaffected either way); `SNOWSHOEING`: `Hiking`.
/// - `EXERCISE_CLASS` (unspecified class), `FENCING`, `FRISBEE_DISC`, `PARAGLIDING`, `SAILING`,
///   `SCUBA_DIVING`, `OTHER_WORKOUT`: `Other`.
pub const EXERCISE_TYPES: [(i32, &str, ActivityType); 61] = [
    (0, "EXERCISE_TYPE_OTHER_WORKOUT", ActivityType::Other),
    (2, "EXERCISE_TYPE_BADMINTON", ActivityType::Badminton),
    (4, "EXERCISE_TYPE_BASEBALL", ActivityType::Baseball),
    (5, "EXERCISE_TYPE_BASKETBALL", ActivityType::Basketball),
    (8, "EXERCISE_TYPE_BIKING", ActivityType::Cycling),
    (
        9,
        "EXERCISE_TYPE_BIKING_STATIONARY",
        ActivityType::IndoorCycling,
    ),
    (10, "EXERCISE_TYPE_BOOT_CAMP", ActivityType::CrossTraining),
    (11, "EXERCISE_TYPE_BOXING", ActivityType::Boxing),
    (13, "EXERCISE_TYPE_CALISTHENICS", ActivityType::Calisthenics),
    (14, "EXERCISE_TYPE_CRICKET", ActivityType::Cricket),
    (16, "EXERCISE_TYPE_DANCING", ActivityType::Dance),
    (25, "EXERCISE_TYPE_ELLIPTICAL", ActivityType::Elliptical),
    (26, "EXERCISE_TYPE_EXERCISE_CLASS", ActivityType::Other),
    (27, "EXERCISE_TYPE_FENCING", ActivityType::Other),
    (
        28,
        "EXERCISE_TYPE_FOOTBALL_AMERICAN",
        ActivityType::AmericanFootball,
    ),
    (
        29,
        "EXERCISE_TYPE_FOOTBALL_AUSTRALIAN",
        ActivityType::AustralianFootball,
    ),
    (31, "EXERCISE_TYPE_FRISBEE_DISC", ActivityType::Other),
    (32, "EXERCISE_TYPE_GOLF", ActivityType::Golf),
    (
        33,
        "EXERCISE_TYPE_GUIDED_BREATHING",
        ActivityType::MindAndBody,
    ),
    (34, "EXERCISE_TYPE_GYMNASTICS", ActivityType::Gymnastics),
    (35, "EXERCISE_TYPE_HANDBALL", ActivityType::Handball),
    (
        36,
        "EXERCISE_TYPE_HIGH_INTENSITY_INTERVAL_TRAINING",
        ActivityType::Hiit,
    ),
    (37, "EXERCISE_TYPE_HIKING", ActivityType::Hiking),
    (38, "EXERCISE_TYPE_ICE_HOCKEY", ActivityType::Hockey),
    (39, "EXERCISE_TYPE_ICE_SKATING", ActivityType::Skating),
    (44, "EXERCISE_TYPE_MARTIAL_ARTS", ActivityType::MartialArts),
    (46, "EXERCISE_TYPE_PADDLING", ActivityType::Paddling),
    (47, "EXERCISE_TYPE_PARAGLIDING", ActivityType::Other),
    (48, "EXERCISE_TYPE_PILATES", ActivityType::Pilates),
    (50, "EXERCISE_TYPE_RACQUETBALL", ActivityType::Racquetball),
    (51, "EXERCISE_TYPE_ROCK_CLIMBING", ActivityType::Climbing),
    (52, "EXERCISE_TYPE_ROLLER_HOCKEY", ActivityType::Hockey),
    (53, "EXERCISE_TYPE_ROWING", ActivityType::Rowing),
    (54, "EXERCISE_TYPE_ROWING_MACHINE", ActivityType::Rowing),
    (55, "EXERCISE_TYPE_RUGBY", ActivityType::Rugby),
    (56, "EXERCISE_TYPE_RUNNING", ActivityType::Running),
    (57, "EXERCISE_TYPE_RUNNING_TREADMILL", ActivityType::Running),
    (58, "EXERCISE_TYPE_SAILING", ActivityType::Other),
    (59, "EXERCISE_TYPE_SCUBA_DIVING", ActivityType::Other),
    (60, "EXERCISE_TYPE_SKATING", ActivityType::Skating),
    (61, "EXERCISE_TYPE_SKIING", ActivityType::DownhillSkiing),
    (62, "EXERCISE_TYPE_SNOWBOARDING", ActivityType::Snowboarding),
    (63, "EXERCISE_TYPE_SNOWSHOEING", ActivityType::Hiking),
    (64, "EXERCISE_TYPE_SOCCER", ActivityType::Soccer),
    (65, "EXERCISE_TYPE_SOFTBALL", ActivityType::Softball),
    (66, "EXERCISE_TYPE_SQUASH", ActivityType::Squash),
    (
        68,
        "EXERCISE_TYPE_STAIR_CLIMBING",
        ActivityType::StairClimbing,
    ),
    (
        69,
        "EXERCISE_TYPE_STAIR_CLIMBING_MACHINE",
        ActivityType::StairClimbing,
    ),
    (
        70,
        "EXERCISE_TYPE_STRENGTH_TRAINING",
        ActivityType::TraditionalStrengthTraining,
    ),
    (71, "EXERCISE_TYPE_STRETCHING", ActivityType::Stretching),
    (72, "EXERCISE_TYPE_SURFING", ActivityType::Surfing),
    (
        73,
        "EXERCISE_TYPE_SWIMMING_OPEN_WATER",
        ActivityType::SwimmingOpenWater,
    ),
    (
        74,
        "EXERCISE_TYPE_SWIMMING_POOL",
        ActivityType::SwimmingPool,
    ),
    (75, "EXERCISE_TYPE_TABLE_TENNIS", ActivityType::TableTennis),
    (76, "EXERCISE_TYPE_TENNIS", ActivityType::Tennis),
    (78, "EXERCISE_TYPE_VOLLEYBALL", ActivityType::Volleyball),
    (79, "EXERCISE_TYPE_WALKING", ActivityType::Walking),
    (80, "EXERCISE_TYPE_WATER_POLO", ActivityType::WaterPolo),
    (
        81,
        "EXERCISE_TYPE_WEIGHTLIFTING",
        ActivityType::Weightlifting,
    ),
    (82, "EXERCISE_TYPE_WHEELCHAIR", ActivityType::Wheelchair),
    (83, "EXERCISE_TYPE_YOGA", ActivityType::Yoga),
];

/// The core activity of an `ExerciseSessionRecord.exerciseType` code; unknown codes are
/// [`ActivityType::Other`] (as the SDK itself treats unknown values as `OTHER_WORKOUT`).
pub fn activity(exercise_type: i32) -> ActivityType {
    EXERCISE_TYPES
        .iter()
        .find(|(code, _, _)| *code == exercise_type)
        .map_or(ActivityType::Other, |&(_, _, activity)| activity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn record_types_round_trip() {
        for (name, kind) in RECORD_TYPES {
            assert_eq!(record_kind(name), Some(kind));
            if let RecordKind::Quantity(q) = kind {
                assert_eq!(record_type(q), Some(name));
            }
        }
        // Every quantity kind but SDNN has a Health Connect record type.
        for kind in QuantityKind::ALL {
            assert_eq!(
                record_type(kind).is_none(),
                kind == QuantityKind::HrvSdnn,
                "{kind:?}"
            );
        }
        assert_eq!(record_kind("SleepSessionRecord"), Some(RecordKind::Sleep));
        assert_eq!(
            record_kind("ExerciseSessionRecord"),
            Some(RecordKind::Workout)
        );
    }

    #[test]
    fn unknown_record_types_are_none() {
        assert_eq!(record_kind("StepsRecord"), None);
        assert_eq!(record_kind("SleepStageRecord"), None);
        assert_eq!(record_kind("heartraterecord"), None);
        assert_eq!(record_kind(""), None);
    }

    #[test]
    fn skin_temperature_needs_wrist_and_baseline() {
        assert_eq!(skin_temperature_celsius(3, Some(34.0), -0.25), Some(33.75));
        assert_eq!(skin_temperature_celsius(3, None, -0.25), None);
        assert_eq!(skin_temperature_celsius(1, Some(34.0), 0.1), None);
        assert_eq!(skin_temperature_celsius(0, Some(34.0), 0.1), None);
        assert_eq!(skin_temperature_celsius(3, Some(34.0), f64::NAN), None);
    }

    #[test]
    fn sleep_stages_match_the_sdk() {
        for (code, name, stage) in SLEEP_STAGES {
            assert!(name.starts_with("STAGE_TYPE_"), "{name}");
            assert_eq!(sleep_stage(code), stage, "{name}");
        }
        // SleepSessionRecord.kt: UNKNOWN 0, AWAKE 1, SLEEPING 2, OUT_OF_BED 3, LIGHT 4, DEEP 5,
        // REM 6, AWAKE_IN_BED 7.
        assert_eq!(sleep_stage(0), SleepStage::Unknown);
        assert_eq!(sleep_stage(1), SleepStage::Awake);
        assert_eq!(sleep_stage(2), SleepStage::Asleep);
        assert_eq!(sleep_stage(3), SleepStage::OutOfBed);
        assert_eq!(sleep_stage(4), SleepStage::Light);
        assert_eq!(sleep_stage(5), SleepStage::Deep);
        assert_eq!(sleep_stage(6), SleepStage::Rem);
        assert_eq!(sleep_stage(7), SleepStage::Awake);
        assert_eq!(sleep_stage(8), SleepStage::Unknown);
        assert_eq!(sleep_stage(-1), SleepStage::Unknown);
    }

    #[test]
    fn exercise_table_is_consistent() {
        let codes: HashSet<_> = EXERCISE_TYPES.iter().map(|e| e.0).collect();
        let names: HashSet<_> = EXERCISE_TYPES.iter().map(|e| e.1).collect();
        assert_eq!(codes.len(), EXERCISE_TYPES.len(), "duplicate code");
        assert_eq!(names.len(), EXERCISE_TYPES.len(), "duplicate name");
        assert!(
            EXERCISE_TYPES.windows(2).all(|w| w[0].0 < w[1].0),
            "not sorted by code"
        );
        for (code, name, act) in EXERCISE_TYPES {
            assert!(name.starts_with("EXERCISE_TYPE_"), "{name}");
            assert_eq!(activity(code), act, "{name}");
        }
        // The SDK's "Next Id: 84": no code at or above it.
        assert!(codes.iter().all(|&c| (0..84).contains(&c)));
    }

    #[test]
    fn exercise_numbers_match_the_sdk() {
        // Spot checks against ExerciseSessionRecord.kt (androidx connect-client).
        for (code, act) in [
            (8, ActivityType::Cycling),
            (9, ActivityType::IndoorCycling),
            (36, ActivityType::Hiit),
            (37, ActivityType::Hiking),
            (48, ActivityType::Pilates),
            (53, ActivityType::Rowing),
            (56, ActivityType::Running),
            (57, ActivityType::Running),
            (70, ActivityType::TraditionalStrengthTraining),
            (73, ActivityType::SwimmingOpenWater),
            (74, ActivityType::SwimmingPool),
            (79, ActivityType::Walking),
            (81, ActivityType::Weightlifting),
            (83, ActivityType::Yoga),
        ] {
            assert_eq!(activity(code), act, "{code}");
        }
    }

    #[test]
    fn unknown_exercise_types_are_other() {
        assert_eq!(activity(0), ActivityType::Other);
        // Removed or never-assigned codes (1 was a historic per-exercise type, 84 is "next id").
        for code in [1, 3, 67, 77, 84, 1000, -1] {
            assert_eq!(activity(code), ActivityType::Other, "{code}");
        }
    }
}
