//! Workouts: what the member did, when, and its totals.
//!
//! Apple's export writes a `Workout` element with `workoutActivityType`, `duration`, `WorkoutEvent`
//! children (pause, resume, lap, segment, marker) and `WorkoutStatistics` children holding the totals
//! (energy, distance, heart rate); HealthKit's `HKWorkout` and Health Connect's
//! `ExerciseSessionRecord` (with its laps and segments) carry the same. The totals are typed optional
//! fields rather than a free map: each one feeds a specific computation (load, protocol timing) and
//! is validated against its own bound.

use serde::{Deserialize, Serialize};

use super::activity::ActivityType;
use super::error::{non_negative, platform_id};
use super::plausibility::Plausibility;
use super::source::Source;
use super::time::{Timestamp, check_interval, seconds_between};
use super::{HealthError, Validate};

/// One workout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workout {
    /// What kind of activity (the canonical list; its [`crate::health::TrainingClass`] drives the
    /// cold-exposure timing rules).
    pub activity: ActivityType,
    /// Start.
    pub start: Timestamp,
    /// End.
    pub end: Timestamp,
    /// Active duration, s: end minus start less the pauses (Apple `duration`; for Health Connect the
    /// importer subtracts the pauses itself). At most the elapsed time.
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
    pub events: Vec<WorkoutEvent>,
    /// Who wrote it.
    pub source: Source,
    /// HealthKit UUID (also present in newer Apple exports) or Health Connect record id.
    pub platform_id: Option<String>,
}

/// Something that happened during a workout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkoutEvent {
    /// What happened.
    pub kind: WorkoutEventKind,
    /// When it started.
    pub start: Timestamp,
    /// When it ended (equal to `start` for an instant such as a pause or a marker).
    pub end: Timestamp,
}

/// The kinds of workout event (HealthKit `HKWorkoutEventType`; Health Connect has laps and
/// segments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl Workout {
    /// Elapsed time from start to end, s (pauses included).
    pub fn elapsed_s(&self) -> f64 {
        seconds_between(&self.start, &self.end)
    }
}

impl Validate for Workout {
    fn validate_with(&self, bounds: &Plausibility) -> Result<(), HealthError> {
        check_interval("workout", &self.start, &self.end)?;
        let elapsed = self.elapsed_s();
        if elapsed > bounds.max_workout_s {
            return Err(HealthError::TooLong {
                field: "workout",
                max_s: bounds.max_workout_s,
            });
        }
        non_negative("duration_s", self.duration_s)?;
        if self.duration_s > elapsed + bounds.workout_duration_slack_s {
            return Err(HealthError::Outside {
                field: "duration_s",
                within: "workout",
            });
        }
        if let Some(kcal) = self.active_energy_kcal {
            bounds
                .workout_energy_kcal
                .check("active_energy_kcal", kcal)?;
        }
        if let Some(bpm) = self.avg_heart_rate_bpm {
            bounds.heart_rate_bpm.check("avg_heart_rate_bpm", bpm)?;
        }
        if let Some(bpm) = self.max_heart_rate_bpm {
            bounds.heart_rate_bpm.check("max_heart_rate_bpm", bpm)?;
        }
        // An average above the maximum cannot come from one set of beats.
        if let (Some(avg), Some(max)) = (self.avg_heart_rate_bpm, self.max_heart_rate_bpm)
            && avg > max
        {
            return Err(HealthError::Inconsistent {
                field: "avg_heart_rate_bpm",
                other: "max_heart_rate_bpm",
            });
        }
        if let Some(m) = self.distance_m {
            bounds.workout_distance_m.check("distance_m", m)?;
        }
        let mut previous_start = None;
        for (index, event) in self.events.iter().enumerate() {
            check_interval("event", &event.start, &event.end)
                .map_err(|e| e.in_item("events", index))?;
            if event.start.utc() < self.start.utc() || event.end.utc() > self.end.utc() {
                return Err(HealthError::Outside {
                    field: "event",
                    within: "workout",
                }
                .in_item("events", index));
            }
            if previous_start.is_some_and(|p| event.start.utc() < p) {
                return Err(HealthError::OutOfOrder { field: "events" });
            }
            previous_start = Some(event.start.utc());
        }
        self.source.validate()?;
        platform_id(self.platform_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;

    fn event(kind: WorkoutEventKind, start: i64, end: i64) -> WorkoutEvent {
        WorkoutEvent {
            kind,
            start: ts(start),
            end: ts(end),
        }
    }

    fn run() -> Workout {
        Workout {
            activity: ActivityType::Running,
            start: ts(0),
            end: ts(3600),
            duration_s: 3300.0,
            active_energy_kcal: Some(650.0),
            avg_heart_rate_bpm: Some(148.0),
            max_heart_rate_bpm: Some(181.0),
            distance_m: Some(10_400.0),
            events: vec![
                event(WorkoutEventKind::Segment, 0, 1800),
                event(WorkoutEventKind::Pause, 1800, 1800),
                event(WorkoutEventKind::Resume, 2100, 2100),
                event(WorkoutEventKind::Lap, 2100, 3600),
            ],
            source: watch(),
            platform_id: Some("6A2F-UUID".to_owned()),
        }
    }

    #[test]
    fn a_plain_workout_is_valid() {
        let w = run();
        assert_eq!(w.validate(), Ok(()));
        assert_eq!(w.elapsed_s(), 3600.0);
        let bare = Workout {
            active_energy_kcal: None,
            avg_heart_rate_bpm: None,
            max_heart_rate_bpm: None,
            distance_m: None,
            events: Vec::new(),
            platform_id: None,
            ..run()
        };
        assert_eq!(bare.validate(), Ok(()));
    }

    #[test]
    fn end_before_start_and_too_long() {
        let w = Workout {
            end: ts(-1),
            duration_s: 0.0,
            events: Vec::new(),
            ..run()
        };
        assert_eq!(
            w.validate(),
            Err(HealthError::EndBeforeStart { field: "workout" })
        );
        let w = Workout {
            end: ts(73 * 3600),
            ..run()
        };
        assert!(matches!(
            w.validate(),
            Err(HealthError::TooLong {
                field: "workout",
                ..
            })
        ));
    }

    #[test]
    fn duration_is_non_negative_and_within_elapsed() {
        let w = Workout {
            duration_s: -1.0,
            ..run()
        };
        assert_eq!(
            w.validate(),
            Err(HealthError::Negative {
                field: "duration_s"
            })
        );
        let w = Workout {
            duration_s: f64::NAN,
            ..run()
        };
        assert_eq!(
            w.validate(),
            Err(HealthError::NonFinite {
                field: "duration_s"
            })
        );
        // Rounding slack of 1 s is accepted, more is not.
        let w = Workout {
            duration_s: 3600.9,
            ..run()
        };
        assert_eq!(w.validate(), Ok(()));
        let w = Workout {
            duration_s: 3602.0,
            ..run()
        };
        assert!(matches!(
            w.validate(),
            Err(HealthError::Outside {
                field: "duration_s",
                ..
            })
        ));
    }

    #[test]
    fn totals_are_bounded() {
        type Case = (fn(&mut Workout), &'static str);
        let cases: [Case; 7] = [
            (|w| w.active_energy_kcal = Some(-5.0), "active_energy_kcal"),
            (
                |w| w.active_energy_kcal = Some(25_000.0),
                "active_energy_kcal",
            ),
            (|w| w.avg_heart_rate_bpm = Some(15.0), "avg_heart_rate_bpm"),
            (|w| w.max_heart_rate_bpm = Some(320.0), "max_heart_rate_bpm"),
            (|w| w.avg_heart_rate_bpm = Some(190.0), "avg_heart_rate_bpm"),
            (|w| w.distance_m = Some(-1.0), "distance_m"),
            (|w| w.distance_m = Some(f64::INFINITY), "distance_m"),
        ];
        for (change, name) in cases {
            let mut w = run();
            change(&mut w);
            let error = w.validate().expect_err(name);
            let field = match error {
                HealthError::OutOfRange { field, .. }
                | HealthError::NonFinite { field }
                | HealthError::Inconsistent { field, .. } => field,
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(field, name);
        }
    }

    #[test]
    fn events_lie_inside_and_in_order() {
        let mut w = run();
        w.events.push(event(WorkoutEventKind::Marker, 3600, 3700));
        assert_eq!(
            w.validate(),
            Err(HealthError::Outside {
                field: "event",
                within: "workout"
            }
            .in_item("events", 4))
        );
        let mut w = run();
        w.events[1] = event(WorkoutEventKind::Pause, 1800, 1700);
        assert_eq!(
            w.validate(),
            Err(HealthError::EndBeforeStart { field: "event" }.in_item("events", 1))
        );
        let mut w = run();
        w.events.swap(1, 2);
        assert_eq!(
            w.validate(),
            Err(HealthError::OutOfOrder { field: "events" })
        );
    }

    #[test]
    fn serde_round_trip() {
        let w = run();
        let json = serde_json::to_string(&w).expect("serialises");
        assert!(json.contains(r#""kind":"pause""#));
        let back: Workout = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, w);
    }
}
