//! Workouts with their totals and events.
//!
//! The totals sit in `workout` next to the activity (each a nullable column: a platform may not
//! know one); the events go to `workout_event` in order.

use std::collections::HashMap;

use rusqlite::{Connection, Row, Transaction, params};

use super::code::{from_name, name_of};
use super::error::{Result, StoreError};
use super::ingest::sealed::{Head, Kind, Shared, rid_range};
use super::ingest::{Record, detail_row, key_instant, save_row};
use super::parts::{self, PartTable};
use crate::health::source::key_field;
use crate::health::{Workout, WorkoutEvent};

impl Record for Workout {}

impl Kind for Workout {
    const KIND: &'static str = "workout";

    fn write_identity(&self, key: &mut String) {
        // An activity that cannot be named would leave only the start: still a stable key.
        if let Ok(name) = name_of(&self.activity, "workout.activity") {
            key_field(key, &name);
        }
        key_instant(key, &self.start);
    }

    fn shared(&self) -> Shared<'_> {
        Shared {
            platform_id: self.platform_id.as_deref(),
            source: &self.source,
            start: &self.start,
            end: Some(self.end.clone()),
        }
    }

    fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()> {
        let activity = name_of(&self.activity, "workout.activity")?;
        save_row(
            tx,
            "INSERT INTO workout (rid, activity, duration_s, active_energy_kcal, \
             avg_heart_rate_bpm, max_heart_rate_bpm, distance_m) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                rid,
                activity,
                self.duration_s,
                self.active_energy_kcal,
                self.avg_heart_rate_bpm,
                self.max_heart_rate_bpm,
                self.distance_m,
            ],
            "saving a workout",
        )?;
        let events = self
            .events
            .iter()
            .map(|e| Ok((name_of(&e.kind, "workout_event.code")?, &e.start, &e.end)))
            .collect::<Result<Vec<_>>>()?;
        parts::save(tx, PartTable::WorkoutEvent, rid, events)
    }

    fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self> {
        let totals = detail_row(
            conn,
            &format!("SELECT {TOTALS} FROM workout WHERE rid = ?1"),
            rid,
            "workout",
            |row| totals_at(row, 0),
        )?;
        workout(
            head,
            totals,
            parts::load(conn, PartTable::WorkoutEvent, rid)?,
        )
    }

    fn load_all(conn: &Connection, heads: Vec<(i64, Head)>) -> Result<Vec<Self>> {
        let Some((first, last)) = rid_range(&heads) else {
            return Ok(Vec::new());
        };
        // Two reads for the whole range instead of two per workout; the rows between belong to
        // other kinds' records or to workouts outside the range, which are left unused.
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading record details", &e);
        let mut totals: HashMap<i64, Totals> = HashMap::new();
        {
            let mut statement = conn
                .prepare_cached(&format!(
                    "SELECT rid, {TOTALS} FROM workout WHERE rid >= ?1 AND rid <= ?2"
                ))
                .map_err(fail)?;
            let mut rows = statement.query([first, last]).map_err(fail)?;
            while let Some(row) = rows.next().map_err(fail)? {
                totals.insert(row.get(0).map_err(fail)?, totals_at(row, 1).map_err(fail)?);
            }
        }
        let mut events = parts::load_rows(conn, PartTable::WorkoutEvent, first, last)?;
        heads
            .into_iter()
            .map(|(rid, head)| {
                let totals = totals
                    .remove(&rid)
                    .ok_or(StoreError::Corrupt { column: "workout" })?;
                workout(head, totals, events.remove(&rid).unwrap_or_default())
            })
            .collect()
    }
}

/// The columns of a workout's totals in `workout`, as [`totals_at`] reads them.
const TOTALS: &str =
    "activity, duration_s, active_energy_kcal, avg_heart_rate_bpm, max_heart_rate_bpm, distance_m";

/// A workout's totals: activity, duration, energy, average and maximal HR, distance.
type Totals = (
    String,
    f64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// The [`TOTALS`] columns from column `first` on.
fn totals_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Totals> {
    Ok((
        row.get(first)?,
        row.get(first + 1)?,
        row.get(first + 2)?,
        row.get(first + 3)?,
        row.get(first + 4)?,
        row.get(first + 5)?,
    ))
}

/// A workout from its `record` row, its totals and its stored events.
fn workout(head: Head, totals: Totals, events: Vec<parts::Part>) -> Result<Workout> {
    let (activity, duration_s, active_energy_kcal, avg_hr, max_hr, distance_m) = totals;
    let events = events
        .into_iter()
        .map(|(code, start, end)| {
            Ok(WorkoutEvent {
                kind: from_name(code, "workout_event.code")?,
                start,
                end,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Workout {
        activity: from_name(activity, "workout.activity")?,
        start: head.start,
        end: head.end,
        duration_s,
        active_energy_kcal,
        avg_heart_rate_bpm: avg_hr,
        max_heart_rate_bpm: max_hr,
        distance_m,
        events,
        source: head.source,
        platform_id: head.from_platform.then_some(head.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;
    use crate::health::{ActivityType, HealthError, WorkoutEventKind};
    use crate::store::{IngestReport, SkipReason, Store};

    const STREAM: &str = "healthkit:workout";

    fn run(start: i64, id: &str) -> Workout {
        Workout {
            activity: ActivityType::Running,
            start: ts(start),
            end: ts(start + 3600),
            duration_s: 3300.0,
            active_energy_kcal: Some(650.0),
            avg_heart_rate_bpm: Some(148.0),
            max_heart_rate_bpm: Some(181.0),
            distance_m: None,
            events: vec![
                WorkoutEvent {
                    kind: WorkoutEventKind::Pause,
                    start: ts(start + 1800),
                    end: ts(start + 1800),
                },
                WorkoutEvent {
                    kind: WorkoutEventKind::Resume,
                    start: ts(start + 2100),
                    end: ts(start + 2100),
                },
            ],
            source: watch(),
            platform_id: Some(id.to_owned()),
        }
    }

    fn read(store: &Store) -> Vec<Workout> {
        store
            .records(ts(-86_400).utc(), ts(86_400).utc())
            .expect("reads")
    }

    #[test]
    fn workouts_round_trip_replay_update_skip_and_delete() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut bad = run(7200, "W-2");
        bad.avg_heart_rate_bpm = Some(190.0);
        let batch = vec![run(0, "W-1"), bad];
        let report = store
            .ingest(STREAM, &batch, &[], Some(b"a1"))
            .expect("ingests");
        assert_eq!(report.inserted, 1);
        assert_eq!(
            report.skipped,
            vec![(
                1,
                SkipReason::Invalid(HealthError::Inconsistent {
                    field: "avg_heart_rate_bpm",
                    other: "max_heart_rate_bpm"
                })
            )]
        );
        assert_eq!(read(&store), vec![run(0, "W-1")]);
        let replay = store.ingest(STREAM, &batch, &[], None).expect("ingests");
        assert_eq!(replay.duplicates, 1);
        let mut edited = run(0, "W-1");
        edited.distance_m = Some(10_400.0);
        edited.events.pop();
        let report = store
            .ingest(STREAM, std::slice::from_ref(&edited), &[], None)
            .expect("ingests");
        assert_eq!(report.updated, 1);
        assert_eq!(read(&store), vec![edited]);
        let report = store
            .ingest::<Workout>(STREAM, &[], &["W-1".to_owned(), "W-9".to_owned()], None)
            .expect("ingests");
        assert_eq!(
            report,
            IngestReport {
                deleted: 1,
                ..IngestReport::default()
            }
        );
        assert!(read(&store).is_empty());
    }
}
