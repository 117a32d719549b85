//! The canonical kinds of workout, whatever the platform called them.
//!
//! HealthKit (`HKWorkoutActivityType`, about 80 cases) and Health Connect
//! (`ExerciseSessionRecord.EXERCISE_TYPE_*`, about 60 constants) each have their own list; the core
//! keeps one list covering the activities both platforms share and the member app cares about, and
//! [`crate::platform`] maps each platform's identifiers onto it once. Anything not listed becomes
//! [`ActivityType::Other`], never an error: a new platform type must not fail an import.
//!
//! What the protocol rules need from a workout is its [`TrainingClass`]: cold water immersion right
//! after strength or hypertrophy work blunts the adaptation (Roberts et al. 2015, J Physiol 593:4285;
//! Fyfe 2019), after endurance work it does not (Petersen & Fyfe 2021). Domain brief section 2.
//! Because of that asymmetry, borderline activities are classed on the cautious side: calling a
//! resistance session "strength" only delays a plunge, calling it anything else may blunt the
//! member's gains.

use serde::{Deserialize, Serialize};

use super::kinds::TrainingClass;

/// A kind of workout. Serialised in `snake_case` (`"traditional_strength_training"`), which is the
/// stored and synced form: renaming a variant is a data migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    // Endurance.
    /// Running, outdoors or on a treadmill.
    Running,
    /// Walking.
    Walking,
    /// Hiking.
    Hiking,
    /// Cycling outdoors (or unspecified).
    Cycling,
    /// Stationary / indoor cycling (Health Connect `BIKING_STATIONARY`; HealthKit records indoor
    /// rides as `cycling` with the indoor-workout metadata, see
    /// [`crate::platform::healthkit::refine_activity`]).
    IndoorCycling,
    /// Swimming, location not told (HealthKit keeps pool / open water in metadata, see
    /// [`crate::platform::healthkit::refine_activity`]).
    Swimming,
    /// Pool swimming (Health Connect `SWIMMING_POOL`).
    SwimmingPool,
    /// Open-water swimming (Health Connect `SWIMMING_OPEN_WATER`).
    SwimmingOpenWater,
    /// Rowing, on water or on an ergometer.
    Rowing,
    /// Elliptical trainer.
    Elliptical,
    /// Stair climbing (stair machine or stairs).
    StairClimbing,
    /// Cross-country skiing.
    CrossCountrySkiing,
    /// Paddle sports (kayak, canoe, stand-up paddle).
    Paddling,
    /// Skating (ice or inline).
    Skating,
    /// Hand cycling.
    HandCycling,
    /// Wheelchair propulsion (walk or run pace).
    Wheelchair,
    /// Dance (cardio or social dance).
    Dance,
    /// Mixed cardio (several cardio modalities in one session; HealthKit `mixedCardio`).
    MixedCardio,
    /// Multisport (triathlon-style swim, bike, run; HealthKit `swimBikeRun`).
    Multisport,

    // Strength.
    /// Traditional strength training (free weights, machines).
    TraditionalStrengthTraining,
    /// Functional strength training (kettlebells, bodyweight, medicine balls).
    FunctionalStrengthTraining,
    /// Olympic / power lifting.
    Weightlifting,
    /// Calisthenics (bodyweight resistance).
    Calisthenics,
    /// Core training.
    CoreTraining,
    /// Climbing (rock, wall, bouldering).
    Climbing,
    /// Gymnastics.
    Gymnastics,

    // Intervals and mixed conditioning.
    /// High-intensity interval training.
    Hiit,
    /// Cross training (CrossFit-style mixed conditioning, boot camp).
    CrossTraining,
    /// Jump rope.
    JumpRope,
    /// Boxing (and kickboxing).
    Boxing,
    /// Martial arts.
    MartialArts,
    /// Soccer (association football).
    Soccer,
    /// Basketball.
    Basketball,
    /// American football.
    AmericanFootball,
    /// Australian rules football.
    AustralianFootball,
    /// Rugby.
    Rugby,
    /// Volleyball (indoor or beach).
    Volleyball,
    /// Handball.
    Handball,
    /// Hockey (ice, field, roller).
    Hockey,
    /// Water polo.
    WaterPolo,
    /// Baseball.
    Baseball,
    /// Softball.
    Softball,
    /// Cricket.
    Cricket,
    /// Tennis.
    Tennis,
    /// Table tennis.
    TableTennis,
    /// Badminton.
    Badminton,
    /// Squash.
    Squash,
    /// Racquetball.
    Racquetball,
    /// Pickleball.
    Pickleball,
    /// Downhill skiing.
    DownhillSkiing,
    /// Snowboarding.
    Snowboarding,
    /// Surfing.
    Surfing,

    // Mobility and mind-body.
    /// Yoga.
    Yoga,
    /// Pilates.
    Pilates,
    /// Barre.
    Barre,
    /// Stretching and flexibility work.
    Stretching,
    /// Cooldown, preparation and recovery sessions.
    Cooldown,
    /// Mind and body (tai chi, qigong, guided breathing).
    MindAndBody,

    // Other.
    /// Golf.
    Golf,
    /// Anything else, including identifiers the core does not know.
    Other,
}

impl ActivityType {
    /// Every activity, in declaration order (for tests, pickers and exhaustive tables).
    pub const ALL: [Self; 60] = [
        Self::Running,
        Self::Walking,
        Self::Hiking,
        Self::Cycling,
        Self::IndoorCycling,
        Self::Swimming,
        Self::SwimmingPool,
        Self::SwimmingOpenWater,
        Self::Rowing,
        Self::Elliptical,
        Self::StairClimbing,
        Self::CrossCountrySkiing,
        Self::Paddling,
        Self::Skating,
        Self::HandCycling,
        Self::Wheelchair,
        Self::Dance,
        Self::MixedCardio,
        Self::Multisport,
        Self::TraditionalStrengthTraining,
        Self::FunctionalStrengthTraining,
        Self::Weightlifting,
        Self::Calisthenics,
        Self::CoreTraining,
        Self::Climbing,
        Self::Gymnastics,
        Self::Hiit,
        Self::CrossTraining,
        Self::JumpRope,
        Self::Boxing,
        Self::MartialArts,
        Self::Soccer,
        Self::Basketball,
        Self::AmericanFootball,
        Self::AustralianFootball,
        Self::Rugby,
        Self::Volleyball,
        Self::Handball,
        Self::Hockey,
        Self::WaterPolo,
        Self::Baseball,
        Self::Softball,
        Self::Cricket,
        Self::Tennis,
        Self::TableTennis,
        Self::Badminton,
        Self::Squash,
        Self::Racquetball,
        Self::Pickleball,
        Self::DownhillSkiing,
        Self::Snowboarding,
        Self::Surfing,
        Self::Yoga,
        Self::Pilates,
        Self::Barre,
        Self::Stretching,
        Self::Cooldown,
        Self::MindAndBody,
        Self::Golf,
        Self::Other,
    ];

    /// How the activity loads the body, for the protocol rules (domain brief section 2).
    ///
    /// - [`TrainingClass::Strength`]: resistance work aimed at strength or hypertrophy, the work whose
    ///   adaptation cold immersion blunts (Roberts et al. 2015). Includes functional strength,
    ///   calisthenics, core training, climbing and gymnastics: they are resistance work, and the
    ///   cautious class only delays a plunge.
    /// - [`TrainingClass::Endurance`]: continuous aerobic work, where cold immersion does not blunt
    ///   the adaptation (Petersen & Fyfe 2021): running, cycling, swimming, rowing, elliptical,
    ///   hiking, stairs, cross-country skiing, paddling, skating, hand cycling, wheelchair, dance,
    ///   mixed cardio, multisport.
    /// - [`TrainingClass::Intervals`]: high-intensity intermittent or mixed conditioning: HIIT,
    ///   cross training, jump rope, combat sports, team sports (water polo included) and racquet
    ///   sports, downhill skiing,
    ///   snowboarding, surfing (repeated short efforts rather than a steady aerobic load).
    /// - [`TrainingClass::Mobility`]: yoga, pilates, barre, stretching, cooldown, mind and body.
    /// - [`TrainingClass::Other`]: walking and golf (too light to call training for the cold rule)
    ///   and unknown activities.
    pub fn training_class(self) -> TrainingClass {
        match self {
            Self::TraditionalStrengthTraining
            | Self::FunctionalStrengthTraining
            | Self::Weightlifting
            | Self::Calisthenics
            | Self::CoreTraining
            | Self::Climbing
            | Self::Gymnastics => TrainingClass::Strength,

            Self::Running
            | Self::Hiking
            | Self::Cycling
            | Self::IndoorCycling
            | Self::Swimming
            | Self::SwimmingPool
            | Self::SwimmingOpenWater
            | Self::Rowing
            | Self::Elliptical
            | Self::StairClimbing
            | Self::CrossCountrySkiing
            | Self::Paddling
            | Self::Skating
            | Self::HandCycling
            | Self::Wheelchair
            | Self::Dance
            | Self::MixedCardio
            | Self::Multisport => TrainingClass::Endurance,

            Self::Hiit
            | Self::CrossTraining
            | Self::JumpRope
            | Self::Boxing
            | Self::MartialArts
            | Self::Soccer
            | Self::Basketball
            | Self::AmericanFootball
            | Self::AustralianFootball
            | Self::Rugby
            | Self::Volleyball
            | Self::Handball
            | Self::Hockey
            | Self::WaterPolo
            | Self::Baseball
            | Self::Softball
            | Self::Cricket
            | Self::Tennis
            | Self::TableTennis
            | Self::Badminton
            | Self::Squash
            | Self::Racquetball
            | Self::Pickleball
            | Self::DownhillSkiing
            | Self::Snowboarding
            | Self::Surfing => TrainingClass::Intervals,

            Self::Yoga
            | Self::Pilates
            | Self::Barre
            | Self::Stretching
            | Self::Cooldown
            | Self::MindAndBody => TrainingClass::Mobility,

            Self::Walking | Self::Golf | Self::Other => TrainingClass::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_sorted_and_unique() {
        // Declaration order is the derived `Ord`, so a strictly increasing `ALL` has no duplicate and
        // follows the enum; the exhaustive `match` in `training_class` catches a missing variant only
        // at compile time, this catches a missing or doubled entry in `ALL`.
        assert!(ActivityType::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ActivityType::ALL.last(), Some(&ActivityType::Other));
    }

    #[test]
    fn serde_is_snake_case_and_round_trips() {
        for a in ActivityType::ALL {
            let json = serde_json::to_string(&a).unwrap();
            let back: ActivityType = serde_json::from_str(&json).unwrap();
            assert_eq!(back, a);
        }
        assert_eq!(
            serde_json::to_string(&ActivityType::TraditionalStrengthTraining).unwrap(),
            "\"traditional_strength_training\""
        );
        assert_eq!(
            serde_json::to_string(&ActivityType::Hiit).unwrap(),
            "\"hiit\""
        );
    }

    #[test]
    fn training_classes_of_the_rule_critical_activities() {
        use TrainingClass::*;
        for (a, c) in [
            (ActivityType::TraditionalStrengthTraining, Strength),
            (ActivityType::FunctionalStrengthTraining, Strength),
            (ActivityType::Weightlifting, Strength),
            (ActivityType::Running, Endurance),
            (ActivityType::Cycling, Endurance),
            (ActivityType::SwimmingPool, Endurance),
            (ActivityType::Rowing, Endurance),
            (ActivityType::Hiit, Intervals),
            (ActivityType::Soccer, Intervals),
            (ActivityType::Yoga, Mobility),
            (ActivityType::Walking, Other),
            (ActivityType::Other, Other),
        ] {
            assert_eq!(a.training_class(), c, "{a:?}");
        }
    }
}
