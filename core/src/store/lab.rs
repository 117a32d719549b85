//! Lab results: clinic-authored, one row per analyte and collection.

use rusqlite::{Connection, Transaction, params};

use super::error::Result;
use super::ingest::sealed::{Head, Kind, Shared};
use super::ingest::{Record, detail_row, key_instant, save_row};
use crate::health::LabResult;
use crate::health::source::key_field;

impl Record for LabResult {}

impl Kind for LabResult {
    const KIND: &'static str = "lab_result";

    fn write_identity(&self, key: &mut String) {
        key_field(key, &self.loinc);
        key_instant(key, &self.collected_at);
    }

    fn shared(&self) -> Shared<'_> {
        Shared {
            platform_id: None,
            source: &self.source,
            start: &self.collected_at,
            end: Some(self.collected_at.clone()),
        }
    }

    fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()> {
        save_row(
            tx,
            "INSERT INTO lab_result (rid, loinc, value, unit, reference_low, reference_high) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                rid,
                self.loinc,
                self.value,
                self.unit,
                self.reference_low,
                self.reference_high
            ],
            "saving a lab result",
        )
    }

    fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self> {
        type Columns = (String, f64, String, Option<f64>, Option<f64>);
        let (loinc, value, unit, reference_low, reference_high): Columns = detail_row(
            conn,
            "SELECT loinc, value, unit, reference_low, reference_high FROM lab_result \
                 WHERE rid = ?1",
            rid,
            "lab_result",
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )?;
        Ok(Self {
            loinc,
            value,
            unit,
            reference_low,
            reference_high,
            collected_at: head.start,
            source: head.source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::HealthError;
    use crate::health::time::tests::ts;
    use crate::health::{Source, Timestamp};
    use crate::store::{SkipReason, Store, record_id};

    /// Ferritin (LOINC 2276-4).
    fn ferritin(at: i64, value: f64) -> LabResult {
        LabResult {
            loinc: "2276-4".to_owned(),
            value,
            unit: "ng/mL".to_owned(),
            reference_low: Some(30.0),
            reference_high: Some(400.0),
            collected_at: ts(at),
            source: Source::named("Clinic lab"),
        }
    }

    #[test]
    fn results_are_stored_corrected_skipped_deleted_and_read_in_range() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut bad = ferritin(3600, 80.0);
        bad.loinc = "2276-5".to_owned();
        let batch = [ferritin(0, 80.0), bad, ferritin(86_400, 95.0)];
        let far = LabResult {
            collected_at: Timestamp::at_utc(chrono::DateTime::<chrono::Utc>::MAX_UTC),
            ..ferritin(0, 80.0)
        };
        let mut with_far = batch.to_vec();
        with_far.push(far);
        let report = store
            .ingest("clinic", &with_far, &[], None)
            .expect("ingests");
        assert_eq!(report.inserted, 2);
        assert_eq!(
            report.skipped,
            vec![
                (
                    1,
                    SkipReason::Invalid(HealthError::Malformed { field: "loinc" })
                ),
                (3, SkipReason::Unstorable { field: "start" })
            ]
        );
        let day: Vec<LabResult> = store.records(ts(0).utc(), ts(86_400).utc()).expect("reads");
        assert_eq!(day, vec![batch[0].clone()]);
        let replay = store.ingest("clinic", &batch, &[], None).expect("ingests");
        assert_eq!(replay.duplicates, 2);
        // The lab corrects a value: same analyte and collection, so an update.
        let corrected = ferritin(0, 82.0);
        let report = store
            .ingest("clinic", std::slice::from_ref(&corrected), &[], None)
            .expect("ingests");
        assert_eq!(report.updated, 1);
        let report = store
            .ingest::<LabResult>("clinic", &[], &[record_id(&batch[2])], None)
            .expect("ingests");
        assert_eq!(report.deleted, 1);
        let all: Vec<LabResult> = store
            .records(ts(-86_400).utc(), ts(3 * 86_400).utc())
            .expect("reads");
        assert_eq!(all, vec![corrected]);
    }
}
