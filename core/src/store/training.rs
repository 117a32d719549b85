//! Training sessions rated with a session RPE.
//!
//! As for recovery sessions, the `record` row's end is the start plus the duration.

use rusqlite::{Connection, Transaction, params};

use super::code::{from_name, name_of};
use super::error::Result;
use super::ingest::sealed::{Head, Kind, Shared};
use super::ingest::{Record, after, detail_row, key_instant, save_row};
use crate::health::TrainingSession;

impl Record for TrainingSession {}

impl Kind for TrainingSession {
    const KIND: &'static str = "training_session";

    fn write_identity(&self, key: &mut String) {
        key_instant(key, &self.start);
    }

    fn shared(&self) -> Shared<'_> {
        Shared {
            platform_id: None,
            source: &self.source,
            start: &self.start,
            end: after(&self.start, self.duration_min * 60.0),
        }
    }

    fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()> {
        let activity = self
            .activity
            .map(|a| name_of(&a, "training_session.activity"))
            .transpose()?;
        save_row(
            tx,
            "INSERT INTO training_session (rid, rpe, duration_min, activity) \
             VALUES (?1, ?2, ?3, ?4)",
            params![rid, self.rpe, self.duration_min, activity],
            "saving a training session",
        )
    }

    fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self> {
        let (rpe, duration_min, activity): (u8, f64, Option<String>) = detail_row(
            conn,
            "SELECT rpe, duration_min, activity FROM training_session WHERE rid = ?1",
            rid,
            "training_session",
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        Ok(Self {
            start: head.start,
            rpe,
            duration_min,
            activity: activity
                .map(|a| from_name(a, "training_session.activity"))
                .transpose()?,
            source: head.source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::Source;
    use crate::health::time::tests::ts;
    use crate::health::{ActivityType, HealthError};
    use crate::store::{SkipReason, Store, record_id};

    fn session(start: i64, rpe: u8) -> TrainingSession {
        TrainingSession {
            start: ts(start),
            rpe,
            duration_min: 60.0,
            activity: Some(ActivityType::TraditionalStrengthTraining),
            source: Source::named("alyze"),
        }
    }

    #[test]
    fn sessions_are_stored_rerated_skipped_deleted_and_read_in_range() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut unknown = session(86_400, 4);
        unknown.activity = None;
        let batch = [session(0, 7), session(3600 * 3, 11), unknown];
        let report = store.ingest("member", &batch, &[], None).expect("ingests");
        assert_eq!(report.inserted, 2);
        assert_eq!(
            report.skipped,
            vec![(
                1,
                SkipReason::Invalid(HealthError::OutOfRange {
                    field: "rpe",
                    min: 0.0,
                    max: 10.0
                })
            )]
        );
        // The hour-long session runs into [30 min, 2 h).
        let read: Vec<TrainingSession> = store
            .records(ts(1800).utc(), ts(7200).utc())
            .expect("reads");
        assert_eq!(read, vec![batch[0].clone()]);
        assert_eq!(
            store
                .ingest("member", &batch, &[], None)
                .expect("ingests")
                .duplicates,
            2
        );
        let rerated = session(0, 8);
        let report = store
            .ingest(
                "member",
                std::slice::from_ref(&rerated),
                &[record_id(&batch[2])],
                None,
            )
            .expect("ingests");
        assert_eq!((report.updated, report.deleted), (1, 1));
        let all: Vec<TrainingSession> = store
            .records(ts(-86_400).utc(), ts(3 * 86_400).utc())
            .expect("reads");
        assert_eq!(all, vec![rerated]);
    }
}
