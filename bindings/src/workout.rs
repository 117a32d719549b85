//! Workouts across the FFI: the record a shell fills from an `HKWorkout` or a Health Connect
//! `ExerciseSessionRecord`.
//!
//! The activity crosses as the platform's own code ([`PlatformActivity`]), not as the core's
//! activity list: the core maps each platform's codes once (`alyze_core::platform`, shared with
//! the export importer), so neither shell carries a copy of the table. Instants cross as in
//! [`crate::samples`]: epoch milliseconds plus offsets.

use std::sync::Arc;

use alyze_core::health::{Workout, WorkoutEvent, WorkoutEventKind};
use alyze_core::platform::{health_connect, healthkit};
use alyze_core::store::SkipReason;

use crate::samples::{IntoCore, Shared, timestamp};

/// The kind of workout, as the platform gave it.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum PlatformActivity {
    /// HealthKit: `HKWorkout.workoutActivityType.rawValue`, with the metadata that refines it.
    HealthKit {
        /// The activity type's raw value.
        raw: u32,
        /// `HKMetadataKeyIndoorWorkout`, when present (indoor cycling).
        indoor: Option<bool>,
        /// `HKMetadataKeySwimmingLocationType`, when present (pool or open water).
        swimming_location: Option<i64>,
    },
    /// Health Connect: `ExerciseSessionRecord.exerciseType`.
    HealthConnect {
        /// The exercise type code.
        exercise_type: i32,
    },
}

/// The kinds of workout event.
#[uniffi::remote(Enum)]
pub enum WorkoutEventKind {
    /// The member paused the workout.
    Pause,
    /// The member resumed it.
    Resume,
    /// The device paused it automatically (no motion).
    MotionPaused,
    /// The device resumed it automatically.
    MotionResumed,
    /// A lap.
    Lap,
    /// A segment (an interval, a set, a mile split).
    Segment,
    /// A marker the member set.
    Marker,
}

/// Something that happened during a workout.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiWorkoutEvent {
    /// What happened.
    pub kind: WorkoutEventKind,
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, epoch milliseconds (equal to the start for an instant).
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
}

/// One workout from one source.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiWorkout {
    /// The kind of workout.
    pub activity: PlatformActivity,
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, epoch milliseconds.
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
    /// The IANA zone, when the platform names it (its position in the call's `zones`); applies
    /// to the workout and its events.
    pub zone: Option<u32>,
    /// Active duration, s (end minus start less the pauses).
    pub duration_s: f64,
    /// Active energy, kcal.
    pub active_energy_kcal: Option<f64>,
    /// Average heart rate, bpm.
    pub avg_heart_rate_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_heart_rate_bpm: Option<f64>,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Pauses, resumes, laps, segments and markers, in order of start.
    pub events: Vec<FfiWorkoutEvent>,
    /// Which of the call's `sources` wrote the record (its position in that list).
    pub source: u32,
    /// HealthKit UUID or Health Connect record id.
    pub platform_id: Option<String>,
}

impl IntoCore for FfiWorkout {
    type Core = Workout;

    fn into_core(self, shared: &Shared) -> Result<Workout, SkipReason> {
        let zone = shared.zone(self.zone)?;
        let events = self
            .events
            .into_iter()
            .map(|e| {
                Ok(WorkoutEvent {
                    kind: e.kind,
                    start: timestamp("start", e.start_ms, e.start_offset_s, zone.clone())?,
                    end: timestamp("end", e.end_ms, e.end_offset_s, zone.clone())?,
                })
            })
            .collect::<Result<_, SkipReason>>()?;
        let activity = match self.activity {
            PlatformActivity::HealthKit {
                raw,
                indoor,
                swimming_location,
            } => healthkit::refine_activity(
                healthkit::activity_from_raw(raw),
                indoor,
                swimming_location,
            ),
            PlatformActivity::HealthConnect { exercise_type } => {
                health_connect::activity(exercise_type)
            }
        };
        Ok(Workout {
            activity,
            start: timestamp("start", self.start_ms, self.start_offset_s, zone.clone())?,
            end: timestamp("end", self.end_ms, self.end_offset_s, zone)?,
            duration_s: self.duration_s,
            active_energy_kcal: self.active_energy_kcal,
            avg_heart_rate_bpm: self.avg_heart_rate_bpm,
            max_heart_rate_bpm: self.max_heart_rate_bpm,
            distance_m: self.distance_m,
            events,
            source: Arc::unwrap_or_clone(shared.source(self.source)?),
            platform_id: self.platform_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use alyze_core::health::ActivityType;

    use super::*;
    use crate::samples::tests::shared;

    fn workout(activity: PlatformActivity) -> FfiWorkout {
        FfiWorkout {
            activity,
            start_ms: 0,
            start_offset_s: 0,
            end_ms: 3_600_000,
            end_offset_s: 0,
            zone: None,
            duration_s: 3000.0,
            active_energy_kcal: Some(450.0),
            avg_heart_rate_bpm: Some(140.0),
            max_heart_rate_bpm: Some(172.0),
            distance_m: None,
            events: vec![FfiWorkoutEvent {
                kind: WorkoutEventKind::Pause,
                start_ms: 600_000,
                start_offset_s: 0,
                end_ms: 600_000,
                end_offset_s: 0,
            }],
            source: 1,
            platform_id: None,
        }
    }

    #[test]
    fn both_platforms_codes_map_through_the_core_tables() {
        let cycling_raw = 13; // HKWorkoutActivityType.cycling
        let indoor = workout(PlatformActivity::HealthKit {
            raw: cycling_raw,
            indoor: Some(true),
            swimming_location: None,
        })
        .into_core(&shared())
        .expect("converts");
        assert_eq!(indoor.activity, ActivityType::IndoorCycling);
        assert_eq!(indoor.events[0].kind, WorkoutEventKind::Pause);
        let yoga = workout(PlatformActivity::HealthConnect { exercise_type: 83 })
            .into_core(&shared())
            .expect("converts");
        assert_eq!(yoga.activity, ActivityType::Yoga);
    }
}
