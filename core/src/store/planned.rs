//! The training the member plans: when, and what kind (schema version 13).
//!
//! The planner keeps cold immersion out of the hours after strength work (`protocol/plan.rs`); a
//! workout the watch records is known only once it is over, by when the reminder of a plunge
//! planned into the hour after it may already have fired. So the member enters the training they
//! plan in the app, and every plan of the days it touches counts it ([`crate::protocol::member`]).
//! A planned workout stays as entered: when the watch later records the session, both count,
//! which keeps the same hours free. Planned workouts stay on the device; they are not synced.

use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::Store;
use super::code::{from_name, name_of};
use super::error::{Result, StoreError};
use super::ingest::{timestamp_at, timestamp_columns};
use super::quantity::bound_ns;
use crate::protocol::{DayWorkout, WorkoutStatus};

/// Planned workouts must be shorter than this, h: a plan of a day or more is a mistake in the entry.
pub const MAX_PLANNED_HOURS: i64 = 24;

/// Why a planned workout was refused. Names the field, never the time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlannedError {
    /// The end is not after the start, or the workout lasts [`MAX_PLANNED_HOURS`] or more.
    #[error("a planned workout must end after it starts and last less than {MAX_PLANNED_HOURS} h")]
    Span,
    /// An instant outside the years the store can hold.
    #[error("a planned workout's {0} is outside the years the store can hold")]
    Unstorable(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Saves a workout the member plans and returns its id.
    pub fn add_planned_workout(
        &mut self,
        workout: &DayWorkout,
    ) -> std::result::Result<String, PlannedError> {
        let length = workout.end.utc() - workout.start.utc();
        if length <= chrono::TimeDelta::zero() || length.num_hours() >= MAX_PLANNED_HOURS {
            return Err(PlannedError::Span);
        }
        let start = timestamp_columns(&workout.start).ok_or(PlannedError::Unstorable("start"))?;
        let end = timestamp_columns(&workout.end).ok_or(PlannedError::Unstorable("end"))?;
        let class = name_of(&workout.class, "planned_workout.class")?;
        let id = Uuid::now_v7().to_string();
        self.conn
            .execute(
                "INSERT INTO planned_workout (id, start_ns, start_offset_s, start_zone, end_ns, \
                 end_offset_s, end_zone, class) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![id, start.0, start.1, start.2, end.0, end.1, end.2, class],
            )
            .map_err(|e| StoreError::sqlite("saving a planned workout", &e))?;
        Ok(id)
    }

    /// The planned workouts that overlap `[from, to)`, by start, with their ids.
    pub fn planned_workouts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, DayWorkout)>> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading planned workouts", &e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, start_ns, start_offset_s, start_zone, end_ns, end_offset_s, end_zone, \
                 class FROM planned_workout WHERE start_ns < ?2 AND end_ns > ?1 \
                 ORDER BY start_ns, id",
            )
            .map_err(fail)?;
        let mut rows = statement
            .query(params![bound_ns(from), bound_ns(to)])
            .map_err(fail)?;
        let mut planned = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let class: String = row.get(7).map_err(fail)?;
            let workout = DayWorkout {
                start: timestamp_at(row, 1, "planned_workout.start")?,
                end: timestamp_at(row, 4, "planned_workout.end")?,
                class: from_name(class, "planned_workout.class")?,
                status: WorkoutStatus::Planned,
            };
            planned.push((row.get(0).map_err(fail)?, workout));
        }
        Ok(planned)
    }

    /// Removes planned workout `id`; whether there was one.
    pub fn remove_planned_workout(&mut self, id: &str) -> Result<bool> {
        self.conn
            .execute("DELETE FROM planned_workout WHERE id = ?1", [id])
            .map(|removed| removed > 0)
            .map_err(|e| StoreError::sqlite("removing a planned workout", &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::TrainingClass;
    use crate::health::time::tests::ts;

    fn workout(start_s: i64, end_s: i64, class: TrainingClass) -> DayWorkout {
        DayWorkout {
            start: ts(start_s),
            end: ts(end_s),
            class,
            status: WorkoutStatus::Planned,
        }
    }

    #[test]
    fn planned_workouts_are_kept_read_by_overlap_and_removed() {
        let mut store = Store::open_in_memory().unwrap();
        let lift = workout(3600, 7200, TrainingClass::Strength);
        let run = workout(86_400, 90_000, TrainingClass::Endurance);
        let lift_id = store.add_planned_workout(&lift).unwrap();
        store.add_planned_workout(&run).unwrap();
        // A range that only overlaps the lift's last minute finds it, not the run.
        let found = store
            .planned_workouts(ts(7100).utc(), ts(80_000).utc())
            .unwrap();
        assert_eq!(found, vec![(lift_id.clone(), lift)]);
        assert!(store.remove_planned_workout(&lift_id).unwrap());
        assert!(!store.remove_planned_workout(&lift_id).unwrap());
        let left = store
            .planned_workouts(ts(0).utc(), ts(100_000).utc())
            .unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].1, run);
    }

    #[test]
    fn a_workout_that_ends_before_it_starts_or_lasts_a_day_is_refused() {
        let mut store = Store::open_in_memory().unwrap();
        for bad in [
            workout(7200, 3600, TrainingClass::Strength),
            workout(0, 0, TrainingClass::Strength),
            workout(0, 24 * 3600, TrainingClass::Endurance),
        ] {
            assert_eq!(store.add_planned_workout(&bad), Err(PlannedError::Span));
        }
        assert!(
            store
                .planned_workouts(ts(-1).utc(), ts(100_000).utc())
                .unwrap()
                .is_empty()
        );
    }
}
