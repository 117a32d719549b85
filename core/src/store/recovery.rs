//! Logged recovery sessions (sauna, cold plunge...).
//!
//! The member logs a start and a duration; the `record` row's end is the start plus the duration
//! (to the millisecond), so a range read finds a session that runs into the range.

use rusqlite::{Connection, Transaction, params};

use super::code::{from_name, name_of};
use super::error::Result;
use super::ingest::sealed::{Head, Kind, Shared};
use super::ingest::{Record, after, detail_row, key_instant, save_row};
use crate::health::RecoverySession;
use crate::health::source::key_field;

impl Record for RecoverySession {}

impl Kind for RecoverySession {
    const KIND: &'static str = "recovery_session";

    fn write_identity(&self, key: &mut String) {
        if let Ok(name) = name_of(&self.modality, "recovery_session.modality") {
            key_field(key, &name);
        }
        key_instant(key, &self.start);
    }

    fn shared(&self) -> Shared<'_> {
        Shared {
            platform_id: None,
            source: &self.source,
            start: &self.start,
            end: after(&self.start, self.duration_s),
        }
    }

    fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()> {
        let modality = name_of(&self.modality, "recovery_session.modality")?;
        save_row(
            tx,
            "INSERT INTO recovery_session (rid, modality, duration_s, temperature_c) \
             VALUES (?1, ?2, ?3, ?4)",
            params![rid, modality, self.duration_s, self.temperature_c],
            "saving a recovery session",
        )
    }

    fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self> {
        let (modality, duration_s, temperature_c): (String, f64, Option<f64>) = detail_row(
            conn,
            "SELECT modality, duration_s, temperature_c FROM recovery_session WHERE rid = ?1",
            rid,
            "recovery_session",
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        Ok(Self {
            modality: from_name(modality, "recovery_session.modality")?,
            start: head.start,
            duration_s,
            temperature_c,
            source: head.source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::Source;
    use crate::health::time::tests::ts;
    use crate::health::{HealthError, RecoveryModality};
    use crate::store::{SkipReason, Store, record_id};

    fn plunge(start: i64, minutes: f64, celsius: f64) -> RecoverySession {
        RecoverySession {
            modality: RecoveryModality::ColdPlunge,
            start: ts(start),
            duration_s: minutes * 60.0,
            temperature_c: Some(celsius),
            source: Source::named("alyze"),
        }
    }

    #[test]
    fn sessions_are_logged_edited_skipped_deleted_and_read_by_overlap() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut no_temperature = plunge(7200, 5.0, 8.0);
        no_temperature.modality = RecoveryModality::Breathwork;
        let batch = [plunge(0, 3.0, 10.0), no_temperature];
        let report = store.ingest("member", &batch, &[], None).expect("ingests");
        assert_eq!(report.inserted, 1);
        assert_eq!(
            report.skipped,
            vec![(
                1,
                SkipReason::Invalid(HealthError::NotApplicable {
                    field: "temperature_c"
                })
            )]
        );
        // The 3-minute plunge runs into [2 min, 10 min).
        let read: Vec<RecoverySession> =
            store.records(ts(120).utc(), ts(600).utc()).expect("reads");
        assert_eq!(read, vec![batch[0].clone()]);
        let replay = store
            .ingest("member", &batch[..1], &[], None)
            .expect("ingests");
        assert_eq!(replay.duplicates, 1);
        let edited = plunge(0, 4.0, 9.5);
        let report = store
            .ingest("member", std::slice::from_ref(&edited), &[], None)
            .expect("ingests");
        assert_eq!(report.updated, 1);
        let read: Vec<RecoverySession> = store.records(ts(0).utc(), ts(600).utc()).expect("reads");
        assert_eq!(read, vec![edited.clone()]);
        let report = store
            .ingest::<RecoverySession>("member", &[], &[record_id(&edited)], None)
            .expect("ingests");
        assert_eq!(report.deleted, 1);
    }
}
