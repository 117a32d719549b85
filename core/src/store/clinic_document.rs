//! What the clinic writes for the member: the prescription and the clinic settings, one document
//! of each kind, kept as the core's records in JSON (schema version 7).
//!
//! The store keeps them as given; checking them (the settings' bounds, the prescription's doses
//! against the settings' safe ranges) is the protocol's job (`protocol::member`), which saves only
//! what passed. Saving replaces the document in one statement, so a crash leaves the old one or
//! the new one, never half of either.

use chrono::Utc;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Store;
use super::code::{from_json, json_of};
use super::error::{Result, StoreError};
use crate::protocol::{ClinicSettings, Prescription};

/// The `kind` of the prescription's row.
const PRESCRIPTION: &str = "prescription";

/// The `kind` of the clinic settings' row.
const CLINIC_SETTINGS: &str = "clinic_settings";

impl Store {
    /// Replaces the saved prescription with `prescription`.
    pub fn save_prescription(&mut self, prescription: &Prescription) -> Result<()> {
        self.save_document(PRESCRIPTION, prescription, "clinic_document.prescription")
    }

    /// The saved prescription, or `None` before the first is saved.
    pub fn prescription(&self) -> Result<Option<Prescription>> {
        self.document(PRESCRIPTION, "clinic_document.prescription")
    }

    /// Replaces the saved clinic settings with `settings`.
    pub fn save_clinic_settings(&mut self, settings: &ClinicSettings) -> Result<()> {
        self.save_document(CLINIC_SETTINGS, settings, "clinic_document.clinic_settings")
    }

    /// The saved clinic settings, or `None` when the clinic never sent any (the protocol then uses
    /// the documented defaults).
    pub fn clinic_settings(&self) -> Result<Option<ClinicSettings>> {
        self.document(CLINIC_SETTINGS, "clinic_document.clinic_settings")
    }

    fn save_document<T: Serialize>(
        &mut self,
        kind: &str,
        value: &T,
        column: &'static str,
    ) -> Result<()> {
        let body = json_of(value, column)?;
        self.conn
            .prepare_cached(
                "INSERT INTO clinic_document (kind, body, updated_at_ms) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (kind) DO UPDATE SET body = excluded.body, \
                 updated_at_ms = excluded.updated_at_ms",
            )
            .and_then(|mut statement| {
                statement.execute(params![kind, body, Utc::now().timestamp_millis()])
            })
            .map_err(|e| StoreError::sqlite("saving a clinic document", &e))?;
        Ok(())
    }

    fn document<T: DeserializeOwned>(&self, kind: &str, column: &'static str) -> Result<Option<T>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM clinic_document WHERE kind = ?1")
            .and_then(|mut statement| statement.query_row([kind], |row| row.get(0)).optional())
            .map_err(|e| StoreError::sqlite("reading a clinic document", &e))?;
        body.map(|text| from_json(&text, column)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Dose, DoseCheck, LocalWindow, WeeklyTarget};
    use chrono::{NaiveTime, Weekday};

    fn prescription(sessions: u8) -> Prescription {
        Prescription {
            targets: vec![WeeklyTarget {
                sessions_per_week: sessions,
                check: DoseCheck::Standard,
                dose: Dose::Sauna {
                    minutes: 15.0,
                    temperature_c: 90.0,
                },
            }],
            fixed: Vec::new(),
            availability: vec![LocalWindow::new(
                NaiveTime::from_hms_opt(7, 0, 0).expect("valid"),
                NaiveTime::from_hms_opt(21, 0, 0).expect("valid"),
            )],
            quiet_hours: Vec::new(),
        }
    }

    #[test]
    fn documents_are_absent_then_saved_replaced_and_kept_apart() {
        let mut store = Store::open_in_memory().expect("opens");
        assert_eq!(store.prescription().expect("reads"), None);
        assert_eq!(store.clinic_settings().expect("reads"), None);
        store.save_prescription(&prescription(3)).expect("saves");
        store.save_prescription(&prescription(2)).expect("saves");
        let settings = ClinicSettings {
            week_starts_on: Weekday::Sun,
            ..ClinicSettings::default()
        };
        store.save_clinic_settings(&settings).expect("saves");
        assert_eq!(store.prescription().expect("reads"), Some(prescription(2)));
        assert_eq!(store.clinic_settings().expect("reads"), Some(settings));
    }

    #[test]
    fn a_damaged_document_is_reported_by_its_column_without_its_text() {
        let store = Store::open_in_memory().expect("opens");
        store
            .conn
            .execute(
                "INSERT INTO clinic_document (kind, body, updated_at_ms) \
                 VALUES ('prescription', '{\"targets\": 3, \"secret\": 42}', 0)",
                [],
            )
            .expect("inserts");
        let err = store.prescription().expect_err("damaged");
        assert_eq!(
            err,
            StoreError::Corrupt {
                column: "clinic_document.prescription"
            }
        );
        assert!(!err.to_string().contains("42"));
    }

    #[test]
    fn documents_survive_a_reopen() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("alyze.db");
        {
            let mut store = Store::open(&path).expect("opens");
            store.save_prescription(&prescription(4)).expect("saves");
        }
        let store = Store::open(&path).expect("reopens");
        assert_eq!(store.prescription().expect("reads"), Some(prescription(4)));
    }
}
