//! The training the member plans, across the FFI: entered in the app's Plan screen, kept in the
//! store (core `store/planned.rs`) and counted by every plan and reminder of the days it touches,
//! so that a plunge is never planned into the hours after a strength session still to come.

use alyze_core::protocol::{DayWorkout, WorkoutStatus};
use alyze_core::store::PlannedError;

use crate::AlyzeError;
use crate::protocol::FfiPlannedWorkout;
use crate::samples::timestamp;
use crate::store::{AlyzeStore, instant};

/// A planned workout as the store keeps it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiStoredPlannedWorkout {
    /// Its id, for [`AlyzeStore::remove_planned_workout`].
    pub id: String,
    /// When, and what kind.
    pub workout: FfiPlannedWorkout,
}

#[uniffi::export]
impl AlyzeStore {
    /// Saves a workout the member plans (it must end after it starts and last less than a day); its
    /// id.
    pub fn add_planned_workout(&self, workout: FfiPlannedWorkout) -> Result<String, AlyzeError> {
        let workout = day_workout("workout", workout)?;
        self.lock()
            .add_planned_workout(&workout)
            .map_err(|error| match error {
                PlannedError::Store(error) => error.into(),
                other => AlyzeError::InvalidArgument {
                    name: "workout".to_owned(),
                    reason: other.to_string(),
                },
            })
    }

    /// The planned workouts that overlap `[from_ms, to_ms)` (epoch ms), by start.
    pub fn planned_workouts(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<FfiStoredPlannedWorkout>, AlyzeError> {
        let (from, to) = (instant("from_ms", from_ms)?, instant("to_ms", to_ms)?);
        Ok(self
            .lock()
            .planned_workouts(from, to)?
            .into_iter()
            .map(|(id, w)| FfiStoredPlannedWorkout {
                id,
                workout: FfiPlannedWorkout {
                    start_ms: w.start.utc().timestamp_millis(),
                    start_offset_s: w.start.offset_s(),
                    end_ms: w.end.utc().timestamp_millis(),
                    end_offset_s: w.end.offset_s(),
                    training_class: w.class,
                },
            })
            .collect())
    }

    /// Removes planned workout `id`; whether there was one.
    pub fn remove_planned_workout(&self, id: String) -> Result<bool, AlyzeError> {
        Ok(self.lock().remove_planned_workout(&id)?)
    }
}

/// A planned workout from a shell, its instants checked; errors name it `name`.
pub(crate) fn day_workout(name: &str, w: FfiPlannedWorkout) -> Result<DayWorkout, AlyzeError> {
    let at = |ms, offset_s| {
        timestamp("planned", ms, offset_s, None).map_err(|reason| AlyzeError::InvalidArgument {
            name: name.to_owned(),
            reason: reason.to_string(),
        })
    };
    Ok(DayWorkout {
        start: at(w.start_ms, w.start_offset_s)?,
        end: at(w.end_ms, w.end_offset_s)?,
        class: w.training_class,
        status: WorkoutStatus::Planned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alyze_core::health::TrainingClass;

    #[test]
    fn a_planned_workout_is_kept_listed_and_removed_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlyzeStore::open(dir.path().join("alyze.db").display().to_string()).unwrap();
        let hour = 3_600_000;
        let lift = FfiPlannedWorkout {
            start_ms: 1_000 * hour,
            start_offset_s: 3600,
            end_ms: 1_001 * hour,
            end_offset_s: 3600,
            training_class: TrainingClass::Strength,
        };
        let id = store.add_planned_workout(lift.clone()).unwrap();
        let listed = store.planned_workouts(999 * hour, 1_002 * hour).unwrap();
        assert_eq!(
            listed,
            vec![FfiStoredPlannedWorkout {
                id: id.clone(),
                workout: lift.clone()
            }]
        );
        assert!(store.remove_planned_workout(id).unwrap());
        assert!(store.planned_workouts(0, 2_000 * hour).unwrap().is_empty());

        let backwards = FfiPlannedWorkout {
            end_ms: lift.start_ms - 1,
            ..lift
        };
        assert!(matches!(
            store.add_planned_workout(backwards),
            Err(AlyzeError::InvalidArgument { name, .. }) if name == "workout"
        ));
    }
}
