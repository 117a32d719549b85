//! HealthKit identifiers (live queries and the Apple Health `export.xml`) mapped onto core kinds.
//!
//! Sources, checked for every number below:
//! - `HKWorkoutActivityType`: the HealthKit SDK header `HKWorkoutActivityType.h` (2026 SDK, explicit
//!   values `= 1` ... `= 84`, `Other = 3000`), cross-checked against the MacOSX 11.3 SDK's
//!   `HealthKit.framework/Headers/HKWorkout.h`, where the same cases are numbered implicitly from
//!   `AmericanFootball = 1` (Yoga = 57, Cooldown = 80); both agree. Raw 81 is unassigned;
//!   `Rest = 2998` and `Group = 2999` are `API_UNAVAILABLE` on every platform and left out.
//! - `HKCategoryValueSleepAnalysis`: Apple documentation (`inBed` 0, `asleepUnspecified` 1, renamed
//!   from `asleep` in iOS 16, `awake` 2, `asleepCore` 3 = AASM N1+N2, `asleepDeep` 4 = N3,
//!   `asleepREM` 5), as also asserted by PyObjC's HealthKit binding tests.
//! - Quantity identifiers and the export's unit strings: Apple documentation and real exports
//!   (`count/min`, `ms`, `degC`/`degF`, `mL/min·kg`); shared brief "Apple Health export".

pub mod nights;

use crate::health::activity::ActivityType;
use crate::health::kinds::{QuantityKind, SleepStage};

use super::RecordKind;

/// The category type identifier of sleep samples.
pub const SLEEP_ANALYSIS: &str = "HKCategoryTypeIdentifierSleepAnalysis";

/// The workout type identifier (`HKObjectType.workoutType()`); in the export workouts are
/// `<Workout>` elements instead, with the activity in `workoutActivityType`.
pub const WORKOUT_TYPE: &str = "HKWorkoutTypeIdentifier";

/// HealthKit quantity type identifiers the core reads, with their kind.
///
/// [`QuantityKind::HrvRmssd`] has no entry: HealthKit stores HRV only as SDNN, and the two are never
/// merged (domain brief section 4). `WalkingHeartRateAverage` and `HeartRateRecoveryOneMinute` are
/// different statistics and deliberately absent.
pub const QUANTITY_TYPES: [(&str, QuantityKind); 6] = [
    ("HKQuantityTypeIdentifierHeartRate", QuantityKind::HeartRate),
    (
        "HKQuantityTypeIdentifierRestingHeartRate",
        QuantityKind::RestingHeartRate,
    ),
    (
        "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
        QuantityKind::HrvSdnn,
    ),
    (
        "HKQuantityTypeIdentifierRespiratoryRate",
        QuantityKind::RespiratoryRate,
    ),
    (
        "HKQuantityTypeIdentifierAppleSleepingWristTemperature",
        QuantityKind::WristTemperature,
    ),
    ("HKQuantityTypeIdentifierVO2Max", QuantityKind::Vo2Max),
];

/// The quantity kind of a HealthKit quantity type identifier, `None` for types the core ignores.
pub fn quantity_kind(identifier: &str) -> Option<QuantityKind> {
    QUANTITY_TYPES
        .iter()
        .find(|(id, _)| *id == identifier)
        .map(|&(_, kind)| kind)
}

/// The HealthKit quantity type identifier of a kind, `None` for kinds HealthKit does not record.
pub fn quantity_identifier(kind: QuantityKind) -> Option<&'static str> {
    QUANTITY_TYPES
        .iter()
        .find(|(_, k)| *k == kind)
        .map(|&(id, _)| id)
}

/// What a HealthKit type identifier holds: a quantity, sleep or workouts; `None` if the core does
/// not read it.
pub fn record_kind(identifier: &str) -> Option<RecordKind> {
    match identifier {
        SLEEP_ANALYSIS => Some(RecordKind::Sleep),
        WORKOUT_TYPE => Some(RecordKind::Workout),
        other => quantity_kind(other).map(RecordKind::Quantity),
    }
}

/// A value in a HealthKit unit string converted to the kind's canonical unit
/// ([`QuantityKind::unit`]).
///
/// `unit` is the export's `unit` attribute or `HKUnit.unitString`. The export writes each sample
/// in the member's preferred unit (wrist temperature is `degF` on a US-locale phone), so the
/// conversion cannot be assumed away. Returns `None` for a unit that does not fit the kind, or a
/// value that is not finite: the reader skips and counts the sample rather than store a wrong
/// number.
///
/// Wrist temperature samples are absolute temperatures (the Health app shows the deviation from
/// the member's baseline, the samples do not), so °F converts as a temperature, not a difference.
pub fn to_canonical(kind: QuantityKind, unit: &str, value: f64) -> Option<f64> {
    if !value.is_finite() {
        return None;
    }
    let unit = unit.trim();
    let converted = match kind {
        QuantityKind::HeartRate
        | QuantityKind::RestingHeartRate
        | QuantityKind::RespiratoryRate => {
            match unit {
                "count/min" => value,
                // HKUnit allows any count/time; per-second is the only other one seen in practice.
                "count/s" => value * 60.0,
                _ => return None,
            }
        }
        QuantityKind::HrvSdnn | QuantityKind::HrvRmssd => match unit {
            "ms" => value,
            "s" => value * 1000.0,
            _ => return None,
        },
        QuantityKind::WristTemperature => match unit {
            "degC" => value,
            "degF" => (value - 32.0) * 5.0 / 9.0,
            "K" => value - 273.15,
            _ => return None,
        },
        QuantityKind::Vo2Max => {
            if is_ml_per_kg_min(unit) {
                value
            } else {
                return None;
            }
        }
    };
    Some(converted)
}

/// Whether a unit string means mL/(kg·min). Exports and HKUnit spell it several ways
/// (`mL/min·kg`, `mL/kg·min`, `ml/(kg*min)`, `mL/kg/min`): after dropping brackets and spaces and
/// reading `·` and `*` in the denominator as further divisions, all are `ml/kg/min` in some order.
fn is_ml_per_kg_min(unit: &str) -> bool {
    let normalised: String = unit
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | ' '))
        .map(|c| match c {
            '·' | '*' => '/',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    matches!(normalised.as_str(), "ml/kg/min" | "ml/min/kg")
}

/// `HKCategoryValueSleepAnalysis`: raw value, export name, core stage.
pub const SLEEP_VALUES: [(i64, &str, SleepStage); 6] = [
    (0, "HKCategoryValueSleepAnalysisInBed", SleepStage::InBed),
    (
        1,
        "HKCategoryValueSleepAnalysisAsleepUnspecified",
        SleepStage::Asleep,
    ),
    (2, "HKCategoryValueSleepAnalysisAwake", SleepStage::Awake),
    // Apple's "core" is AASM N1 + N2, which is what the core calls light sleep.
    (
        3,
        "HKCategoryValueSleepAnalysisAsleepCore",
        SleepStage::Light,
    ),
    (
        4,
        "HKCategoryValueSleepAnalysisAsleepDeep",
        SleepStage::Deep,
    ),
    (5, "HKCategoryValueSleepAnalysisAsleepREM", SleepStage::Rem),
];

/// The pre-iOS 16 export name of raw value 1 (`asleep`, renamed `asleepUnspecified`); older
/// exports and older nights inside new exports carry it.
pub const SLEEP_ASLEEP_LEGACY_NAME: &str = "HKCategoryValueSleepAnalysisAsleep";

/// The stage of a sleep sample's raw value; an unknown value is [`SleepStage::Unknown`].
pub fn sleep_stage_from_value(value: i64) -> SleepStage {
    SLEEP_VALUES
        .iter()
        .find(|(raw, _, _)| *raw == value)
        .map_or(SleepStage::Unknown, |&(_, _, stage)| stage)
}

/// The stage of a sleep sample's export value string; an unknown string is
/// [`SleepStage::Unknown`].
pub fn sleep_stage_from_name(name: &str) -> SleepStage {
    if name == SLEEP_ASLEEP_LEGACY_NAME {
        return SleepStage::Asleep;
    }
    SLEEP_VALUES
        .iter()
        .find(|(_, n, _)| *n == name)
        .map_or(SleepStage::Unknown, |&(_, _, stage)| stage)
}

/// Every `HKWorkoutActivityType` case: export name, raw value, core activity.
///
/// Complete rather than only the mapped ones, so that a raw value seen on the phone and a name seen
/// in the export can be checked against each other, and so that "maps to Other" is a visible
/// decision per case. Choices that are not one-to-one:
/// - `Dance` (deprecated), `DanceInspiredTraining` (deprecated), `CardioDance`, `SocialDance`:
///   [`ActivityType::Dance`].
/// - `MixedMetabolicCardioTraining` (deprecated, replaced by `MixedCardio`): `MixedCardio`.
/// - `Kickboxing`: [`ActivityType::Boxing`]; `Wrestling`: [`ActivityType::MartialArts`] (combat
///   sports, same class).
/// - `Flexibility`: `Stretching`; `PreparationAndRecovery` (foam rolling, self-massage) and
///   `Cooldown`: `Cooldown`; `TaiChi`: `MindAndBody`.
/// - `Stairs`, `StepTraining`: `StairClimbing` (Apple lists them as "see also" of StairClimbing).
/// - `WheelchairWalkPace`, `WheelchairRunPace`: `Wheelchair`; `SwimBikeRun`: `Multisport`.
/// - Activities with no training effect the protocol rules care about, or too mixed to class
///   (archery, bowling, curling, equestrian, fencing, fishing, hunting, lacrosse, play, sailing,
///   snow sports, track and field, water fitness, water sports, disc sports, fitness gaming,
///   transition, underwater diving): `Other`.
pub const WORKOUT_ACTIVITY_TYPES: [(&str, u32, ActivityType); 83] = [
    (
        "HKWorkoutActivityTypeAmericanFootball",
        1,
        ActivityType::AmericanFootball,
    ),
    ("HKWorkoutActivityTypeArchery", 2, ActivityType::Other),
    (
        "HKWorkoutActivityTypeAustralianFootball",
        3,
        ActivityType::AustralianFootball,
    ),
    ("HKWorkoutActivityTypeBadminton", 4, ActivityType::Badminton),
    ("HKWorkoutActivityTypeBaseball", 5, ActivityType::Baseball),
    (
        "HKWorkoutActivityTypeBasketball",
        6,
        ActivityType::Basketball,
    ),
    ("HKWorkoutActivityTypeBowling", 7, ActivityType::Other),
    ("HKWorkoutActivityTypeBoxing", 8, ActivityType::Boxing),
    ("HKWorkoutActivityTypeClimbing", 9, ActivityType::Climbing),
    ("HKWorkoutActivityTypeCricket", 10, ActivityType::Cricket),
    (
        "HKWorkoutActivityTypeCrossTraining",
        11,
        ActivityType::CrossTraining,
    ),
    ("HKWorkoutActivityTypeCurling", 12, ActivityType::Other),
    ("HKWorkoutActivityTypeCycling", 13, ActivityType::Cycling),
    ("HKWorkoutActivityTypeDance", 14, ActivityType::Dance),
    (
        "HKWorkoutActivityTypeDanceInspiredTraining",
        15,
        ActivityType::Dance,
    ),
    (
        "HKWorkoutActivityTypeElliptical",
        16,
        ActivityType::Elliptical,
    ),
    (
        "HKWorkoutActivityTypeEquestrianSports",
        17,
        ActivityType::Other,
    ),
    ("HKWorkoutActivityTypeFencing", 18, ActivityType::Other),
    ("HKWorkoutActivityTypeFishing", 19, ActivityType::Other),
    (
        "HKWorkoutActivityTypeFunctionalStrengthTraining",
        20,
        ActivityType::FunctionalStrengthTraining,
    ),
    ("HKWorkoutActivityTypeGolf", 21, ActivityType::Golf),
    (
        "HKWorkoutActivityTypeGymnastics",
        22,
        ActivityType::Gymnastics,
    ),
    ("HKWorkoutActivityTypeHandball", 23, ActivityType::Handball),
    ("HKWorkoutActivityTypeHiking", 24, ActivityType::Hiking),
    ("HKWorkoutActivityTypeHockey", 25, ActivityType::Hockey),
    ("HKWorkoutActivityTypeHunting", 26, ActivityType::Other),
    ("HKWorkoutActivityTypeLacrosse", 27, ActivityType::Other),
    (
        "HKWorkoutActivityTypeMartialArts",
        28,
        ActivityType::MartialArts,
    ),
    (
        "HKWorkoutActivityTypeMindAndBody",
        29,
        ActivityType::MindAndBody,
    ),
    (
        "HKWorkoutActivityTypeMixedMetabolicCardioTraining",
        30,
        ActivityType::MixedCardio,
    ),
    (
        "HKWorkoutActivityTypePaddleSports",
        31,
        ActivityType::Paddling,
    ),
    ("HKWorkoutActivityTypePlay", 32, ActivityType::Other),
    (
        "HKWorkoutActivityTypePreparationAndRecovery",
        33,
        ActivityType::Cooldown,
    ),
    (
        "HKWorkoutActivityTypeRacquetball",
        34,
        ActivityType::Racquetball,
    ),
    ("HKWorkoutActivityTypeRowing", 35, ActivityType::Rowing),
    ("HKWorkoutActivityTypeRugby", 36, ActivityType::Rugby),
    ("HKWorkoutActivityTypeRunning", 37, ActivityType::Running),
    ("HKWorkoutActivityTypeSailing", 38, ActivityType::Other),
    (
        "HKWorkoutActivityTypeSkatingSports",
        39,
        ActivityType::Skating,
    ),
    ("HKWorkoutActivityTypeSnowSports", 40, ActivityType::Other),
    ("HKWorkoutActivityTypeSoccer", 41, ActivityType::Soccer),
    ("HKWorkoutActivityTypeSoftball", 42, ActivityType::Softball),
    ("HKWorkoutActivityTypeSquash", 43, ActivityType::Squash),
    (
        "HKWorkoutActivityTypeStairClimbing",
        44,
        ActivityType::StairClimbing,
    ),
    (
        "HKWorkoutActivityTypeSurfingSports",
        45,
        ActivityType::Surfing,
    ),
    ("HKWorkoutActivityTypeSwimming", 46, ActivityType::Swimming),
    (
        "HKWorkoutActivityTypeTableTennis",
        47,
        ActivityType::TableTennis,
    ),
    ("HKWorkoutActivityTypeTennis", 48, ActivityType::Tennis),
    (
        "HKWorkoutActivityTypeTrackAndField",
        49,
        ActivityType::Other,
    ),
    (
        "HKWorkoutActivityTypeTraditionalStrengthTraining",
        50,
        ActivityType::TraditionalStrengthTraining,
    ),
    (
        "HKWorkoutActivityTypeVolleyball",
        51,
        ActivityType::Volleyball,
    ),
    ("HKWorkoutActivityTypeWalking", 52, ActivityType::Walking),
    ("HKWorkoutActivityTypeWaterFitness", 53, ActivityType::Other),
    (
        "HKWorkoutActivityTypeWaterPolo",
        54,
        ActivityType::WaterPolo,
    ),
    ("HKWorkoutActivityTypeWaterSports", 55, ActivityType::Other),
    (
        "HKWorkoutActivityTypeWrestling",
        56,
        ActivityType::MartialArts,
    ),
    ("HKWorkoutActivityTypeYoga", 57, ActivityType::Yoga),
    ("HKWorkoutActivityTypeBarre", 58, ActivityType::Barre),
    (
        "HKWorkoutActivityTypeCoreTraining",
        59,
        ActivityType::CoreTraining,
    ),
    (
        "HKWorkoutActivityTypeCrossCountrySkiing",
        60,
        ActivityType::CrossCountrySkiing,
    ),
    (
        "HKWorkoutActivityTypeDownhillSkiing",
        61,
        ActivityType::DownhillSkiing,
    ),
    (
        "HKWorkoutActivityTypeFlexibility",
        62,
        ActivityType::Stretching,
    ),
    (
        "HKWorkoutActivityTypeHighIntensityIntervalTraining",
        63,
        ActivityType::Hiit,
    ),
    ("HKWorkoutActivityTypeJumpRope", 64, ActivityType::JumpRope),
    ("HKWorkoutActivityTypeKickboxing", 65, ActivityType::Boxing),
    ("HKWorkoutActivityTypePilates", 66, ActivityType::Pilates),
    (
        "HKWorkoutActivityTypeSnowboarding",
        67,
        ActivityType::Snowboarding,
    ),
    (
        "HKWorkoutActivityTypeStairs",
        68,
        ActivityType::StairClimbing,
    ),
    (
        "HKWorkoutActivityTypeStepTraining",
        69,
        ActivityType::StairClimbing,
    ),
    (
        "HKWorkoutActivityTypeWheelchairWalkPace",
        70,
        ActivityType::Wheelchair,
    ),
    (
        "HKWorkoutActivityTypeWheelchairRunPace",
        71,
        ActivityType::Wheelchair,
    ),
    ("HKWorkoutActivityTypeTaiChi", 72, ActivityType::MindAndBody),
    (
        "HKWorkoutActivityTypeMixedCardio",
        73,
        ActivityType::MixedCardio,
    ),
    (
        "HKWorkoutActivityTypeHandCycling",
        74,
        ActivityType::HandCycling,
    ),
    ("HKWorkoutActivityTypeDiscSports", 75, ActivityType::Other),
    (
        "HKWorkoutActivityTypeFitnessGaming",
        76,
        ActivityType::Other,
    ),
    ("HKWorkoutActivityTypeCardioDance", 77, ActivityType::Dance),
    ("HKWorkoutActivityTypeSocialDance", 78, ActivityType::Dance),
    (
        "HKWorkoutActivityTypePickleball",
        79,
        ActivityType::Pickleball,
    ),
    ("HKWorkoutActivityTypeCooldown", 80, ActivityType::Cooldown),
    (
        "HKWorkoutActivityTypeSwimBikeRun",
        82,
        ActivityType::Multisport,
    ),
    ("HKWorkoutActivityTypeTransition", 83, ActivityType::Other),
    (
        "HKWorkoutActivityTypeUnderwaterDiving",
        84,
        ActivityType::Other,
    ),
];

/// The raw value of `HKWorkoutActivityTypeOther`, far from the rest on purpose (Apple's header).
pub const WORKOUT_ACTIVITY_OTHER_RAW: u32 = 3000;

/// The core activity of an export `workoutActivityType` name; unknown names (including
/// `HKWorkoutActivityTypeOther` and cases newer than this table) are [`ActivityType::Other`].
pub fn activity_from_name(name: &str) -> ActivityType {
    WORKOUT_ACTIVITY_TYPES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(ActivityType::Other, |&(_, _, activity)| activity)
}

/// The core activity of an `HKWorkoutActivityType` raw value (what the iOS shell reads from
/// `HKWorkout.workoutActivityType.rawValue`); unknown values are [`ActivityType::Other`].
pub fn activity_from_raw(raw: u32) -> ActivityType {
    WORKOUT_ACTIVITY_TYPES
        .iter()
        .find(|(_, r, _)| *r == raw)
        .map_or(ActivityType::Other, |&(_, _, activity)| activity)
}

/// `HKWorkoutSwimmingLocationType`: 0 unknown, 1 pool, 2 open water (HealthKit header
/// `HKMetadata.h`; PyObjC's binding tests assert the same numbers).
pub const SWIMMING_LOCATION_POOL: i64 = 1;
/// See [`SWIMMING_LOCATION_POOL`].
pub const SWIMMING_LOCATION_OPEN_WATER: i64 = 2;

/// A HealthKit activity refined with the workout metadata where HealthKit keeps what Health
/// Connect puts in the type itself, so both platforms give the same [`ActivityType`]:
/// `HKMetadataKeyIndoorWorkout` turns cycling into [`ActivityType::IndoorCycling`], and
/// `HKMetadataKeySwimmingLocationType` turns swimming into pool or open-water swimming. Other
/// activities, and missing or unknown metadata, leave the activity as it is.
pub fn refine_activity(
    activity: ActivityType,
    indoor: Option<bool>,
    swimming_location: Option<i64>,
) -> ActivityType {
    match (activity, indoor, swimming_location) {
        (ActivityType::Cycling, Some(true), _) => ActivityType::IndoorCycling,
        (ActivityType::Swimming, _, Some(SWIMMING_LOCATION_POOL)) => ActivityType::SwimmingPool,
        (ActivityType::Swimming, _, Some(SWIMMING_LOCATION_OPEN_WATER)) => {
            ActivityType::SwimmingOpenWater
        }
        (activity, _, _) => activity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn quantity_types_round_trip_and_cover_every_kind_but_rmssd() {
        for (id, kind) in QUANTITY_TYPES {
            assert_eq!(quantity_kind(id), Some(kind));
            assert_eq!(quantity_identifier(kind), Some(id));
            assert_eq!(record_kind(id), Some(RecordKind::Quantity(kind)));
        }
        for kind in QuantityKind::ALL {
            assert_eq!(
                quantity_identifier(kind).is_none(),
                kind == QuantityKind::HrvRmssd,
                "{kind:?}"
            );
        }
        assert_eq!(record_kind(SLEEP_ANALYSIS), Some(RecordKind::Sleep));
        assert_eq!(record_kind(WORKOUT_TYPE), Some(RecordKind::Workout));
    }

    #[test]
    fn unknown_quantity_types_are_none() {
        assert_eq!(quantity_kind("HKQuantityTypeIdentifierStepCount"), None);
        assert_eq!(
            quantity_kind("HKQuantityTypeIdentifierWalkingHeartRateAverage"),
            None
        );
        // Identifiers are case-sensitive, as in HealthKit.
        assert_eq!(quantity_kind("hkquantitytypeidentifierheartrate"), None);
        assert_eq!(record_kind(""), None);
    }

    #[test]
    fn units_convert_to_canonical() {
        let hr = QuantityKind::HeartRate;
        assert_eq!(to_canonical(hr, "count/min", 52.0), Some(52.0));
        assert_eq!(to_canonical(hr, "count/s", 1.0), Some(60.0));
        assert_eq!(
            to_canonical(QuantityKind::RespiratoryRate, "count/min", 14.5),
            Some(14.5)
        );
        assert_eq!(to_canonical(QuantityKind::HrvSdnn, "ms", 45.5), Some(45.5));
        assert_eq!(to_canonical(QuantityKind::HrvSdnn, "s", 0.0455), Some(45.5));
        let t = QuantityKind::WristTemperature;
        assert_eq!(to_canonical(t, "degC", 35.78), Some(35.78));
        let from_f = to_canonical(t, "degF", 98.6).unwrap_or(f64::NAN);
        assert!((from_f - 37.0).abs() < 1e-9, "{from_f}");
        let from_k = to_canonical(t, "K", 309.15).unwrap_or(f64::NAN);
        assert!((from_k - 36.0).abs() < 1e-9, "{from_k}");
        for unit in [
            "mL/min·kg",
            "mL/kg·min",
            "ml/(kg*min)",
            "mL/(kg·min)",
            "mL/kg/min",
            "mL/min/kg",
            "mL/kg*min",
        ] {
            assert_eq!(
                to_canonical(QuantityKind::Vo2Max, unit, 42.3),
                Some(42.3),
                "{unit}"
            );
        }
    }

    #[test]
    fn wrong_units_and_non_finite_values_are_refused() {
        assert_eq!(to_canonical(QuantityKind::HeartRate, "ms", 50.0), None);
        assert_eq!(to_canonical(QuantityKind::HrvSdnn, "count/min", 50.0), None);
        assert_eq!(to_canonical(QuantityKind::WristTemperature, "%", 0.5), None);
        assert_eq!(to_canonical(QuantityKind::Vo2Max, "mL/min", 40.0), None);
        assert_eq!(to_canonical(QuantityKind::Vo2Max, "L/kg/min", 40.0), None);
        assert_eq!(
            to_canonical(QuantityKind::HeartRate, "count/min", f64::NAN),
            None
        );
        assert_eq!(
            to_canonical(QuantityKind::HeartRate, "count/min", f64::INFINITY),
            None
        );
    }

    #[test]
    fn sleep_values_round_trip() {
        for (raw, name, stage) in SLEEP_VALUES {
            assert_eq!(sleep_stage_from_value(raw), stage);
            assert_eq!(sleep_stage_from_name(name), stage);
        }
        // Apple's numbers (HKCategoryValueSleepAnalysis documentation).
        assert_eq!(sleep_stage_from_value(0), SleepStage::InBed);
        assert_eq!(sleep_stage_from_value(1), SleepStage::Asleep);
        assert_eq!(sleep_stage_from_value(2), SleepStage::Awake);
        assert_eq!(sleep_stage_from_value(3), SleepStage::Light);
        assert_eq!(sleep_stage_from_value(4), SleepStage::Deep);
        assert_eq!(sleep_stage_from_value(5), SleepStage::Rem);
        // The pre-iOS 16 name is the same value as "unspecified".
        assert_eq!(
            sleep_stage_from_name(SLEEP_ASLEEP_LEGACY_NAME),
            SleepStage::Asleep
        );
    }

    #[test]
    fn unknown_sleep_values_are_unknown() {
        assert_eq!(sleep_stage_from_value(6), SleepStage::Unknown);
        assert_eq!(sleep_stage_from_value(-1), SleepStage::Unknown);
        assert_eq!(
            sleep_stage_from_name("HKCategoryValueSleepAnalysisNap"),
            SleepStage::Unknown
        );
    }

    #[test]
    fn workout_table_is_consistent() {
        let names: HashSet<_> = WORKOUT_ACTIVITY_TYPES.iter().map(|e| e.0).collect();
        let raws: HashSet<_> = WORKOUT_ACTIVITY_TYPES.iter().map(|e| e.1).collect();
        assert_eq!(names.len(), WORKOUT_ACTIVITY_TYPES.len(), "duplicate name");
        assert_eq!(
            raws.len(),
            WORKOUT_ACTIVITY_TYPES.len(),
            "duplicate raw value"
        );
        for (name, raw, activity) in WORKOUT_ACTIVITY_TYPES {
            assert!(name.starts_with("HKWorkoutActivityType"), "{name}");
            assert_eq!(activity_from_name(name), activity, "{name}");
            assert_eq!(activity_from_raw(raw), activity, "{name}");
        }
        // Apple numbers 1..=84 contiguously except 81 (unassigned in the SDK header).
        let expected: HashSet<u32> = (1..=84).filter(|&r| r != 81).collect();
        assert_eq!(raws, expected);
    }

    #[test]
    fn workout_numbers_match_apples_header() {
        // Spot checks against HKWorkoutActivityType.h (explicit values) and HKWorkout.h (MacOSX 11.3
        // SDK, implicit numbering).
        for (raw, activity) in [
            (13, ActivityType::Cycling),
            (20, ActivityType::FunctionalStrengthTraining),
            (24, ActivityType::Hiking),
            (35, ActivityType::Rowing),
            (37, ActivityType::Running),
            (46, ActivityType::Swimming),
            (50, ActivityType::TraditionalStrengthTraining),
            (52, ActivityType::Walking),
            (57, ActivityType::Yoga),
            (63, ActivityType::Hiit),
            (66, ActivityType::Pilates),
            (80, ActivityType::Cooldown),
        ] {
            assert_eq!(activity_from_raw(raw), activity, "{raw}");
        }
        assert_eq!(
            activity_from_name("HKWorkoutActivityTypeTraditionalStrengthTraining"),
            ActivityType::TraditionalStrengthTraining
        );
        assert_eq!(
            activity_from_name("HKWorkoutActivityTypeHighIntensityIntervalTraining"),
            ActivityType::Hiit
        );
    }

    #[test]
    fn unknown_workouts_are_other() {
        assert_eq!(
            activity_from_raw(WORKOUT_ACTIVITY_OTHER_RAW),
            ActivityType::Other
        );
        assert_eq!(activity_from_raw(0), ActivityType::Other);
        assert_eq!(activity_from_raw(81), ActivityType::Other);
        assert_eq!(activity_from_raw(9999), ActivityType::Other);
        assert_eq!(
            activity_from_name("HKWorkoutActivityTypeOther"),
            ActivityType::Other
        );
        assert_eq!(
            activity_from_name("HKWorkoutActivityTypeQuidditch"),
            ActivityType::Other
        );
        assert_eq!(activity_from_name("running"), ActivityType::Other);
    }

    #[test]
    fn metadata_refines_cycling_and_swimming() {
        use ActivityType::*;
        assert_eq!(refine_activity(Cycling, Some(true), None), IndoorCycling);
        assert_eq!(refine_activity(Cycling, Some(false), None), Cycling);
        assert_eq!(refine_activity(Cycling, None, None), Cycling);
        assert_eq!(refine_activity(Swimming, None, Some(1)), SwimmingPool);
        assert_eq!(refine_activity(Swimming, None, Some(2)), SwimmingOpenWater);
        assert_eq!(refine_activity(Swimming, None, Some(0)), Swimming);
        assert_eq!(refine_activity(Swimming, None, Some(7)), Swimming);
        assert_eq!(refine_activity(Running, Some(true), Some(1)), Running);
    }
}
