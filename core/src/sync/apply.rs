//! A pulled page into the store (`docs/sync.md`, "Pull").
//!
//! Down collections (the clinic's prescription and settings, lab results) replace or join what the
//! store holds; up collections written by the member's other device are stored like a platform
//! batch. Everything is written on a `sync:<collection>` stream, which the outbox's triggers leave
//! alone, so nothing pulled is pushed back. Applying is idempotent (the store's ingest counts a
//! replay as duplicates; documents are replaced), so a crash before the cursor is saved repeats
//! the page harmlessly. A change is not applied when:
//! - this device wrote it (it is already here);
//! - the record has a change made here that is not pushed yet (that one is newer);
//! - it is of a collection the phone derives itself (`daily_summary`, `readiness`) or does not know
//!   (a newer server);
//! - its body is not a valid record: counted as unreadable, never blocking the page.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::wire::{CHECK_IN_COLLECTION, Change};
use crate::health::{
    CheckIn, HeartbeatSeries, LabResult, QuantitySample, RecoverySession, SleepSession,
    TrainingSession, Workout,
};
use crate::protocol::{ClinicSettings, Prescription};
use crate::store::{PULLED_STREAM_PREFIX, Record, SAMPLE_COLLECTION, Store, StoreError};

/// What applying pulled changes did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Changes written to the store (including replays it counted as duplicates).
    pub applied: u32,
    /// Changes skipped: written by this device, newer here, or derived here.
    pub skipped: u32,
    /// Changes whose body is not a valid record, or of an unknown collection.
    pub unreadable: u32,
}

/// Applies `changes` in order; `own_device` is this device's id.
pub fn apply_changes(
    store: &mut Store,
    own_device: &str,
    changes: &[Change],
) -> Result<Applied, StoreError> {
    let mut applied = Applied::default();
    // The server's version of each member-edited record this device now agrees with: the base of
    // its next edit. Not of one with an edit still to push: that edit was made on the older base,
    // and the server must see it so (a conflict, kept in its history).
    let mut versions: Vec<(String, String, i64)> = Vec::new();
    for change in changes {
        let pending = store.has_unpushed_change(&change.collection, &change.id)?;
        if change.collection == CHECK_IN_COLLECTION && !pending {
            versions.push((change.collection.clone(), change.id.clone(), change.version));
        }
        let outcome = if change.origin_device.as_deref() == Some(own_device) || pending {
            Outcome::Skipped
        } else {
            apply_one(store, change)?
        };
        match outcome {
            Outcome::Applied => applied.applied += 1,
            Outcome::Skipped => applied.skipped += 1,
            Outcome::Unreadable => applied.unreadable += 1,
        }
    }
    store.note_server_versions(&versions)?;
    Ok(applied)
}

/// After a full pull (from no cursor: the first sync, or a resync), tombstones what the store
/// holds from earlier pulls that the server no longer has: records deleted on the server while
/// this device was away longer than the server keeps tombstones. `seen` lists, per collection, the
/// ids of the live records the full pull brought. Only rows on `sync:` streams are looked at: what
/// this device wrote is its own, and is pushed again instead. Returns how many were swept.
pub fn sweep_unseen(
    store: &mut Store,
    seen: &BTreeMap<String, Vec<String>>,
) -> Result<usize, StoreError> {
    let none = Vec::new();
    let ids = |collection: &str| seen.get(collection).unwrap_or(&none);
    let (from, to) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    let mut swept = store.sweep_quantities(
        &format!("{PULLED_STREAM_PREFIX}{SAMPLE_COLLECTION}"),
        ids(SAMPLE_COLLECTION),
        from,
        to,
        None,
    )?;
    swept += sweep_kind::<HeartbeatSeries>(store, "heartbeat_series", ids)?;
    swept += sweep_kind::<SleepSession>(store, "sleep_session", ids)?;
    swept += sweep_kind::<Workout>(store, "workout", ids)?;
    swept += sweep_kind::<CheckIn>(store, "check_in", ids)?;
    swept += sweep_kind::<RecoverySession>(store, "recovery_session", ids)?;
    swept += sweep_kind::<LabResult>(store, "lab_result", ids)?;
    swept += sweep_kind::<TrainingSession>(store, "training_session", ids)?;
    Ok(swept)
}

fn sweep_kind<'a, K: Record>(
    store: &mut Store,
    collection: &str,
    ids: impl Fn(&str) -> &'a Vec<String>,
) -> Result<usize, StoreError> {
    store.sweep::<K>(
        &format!("{PULLED_STREAM_PREFIX}{collection}"),
        ids(collection),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        None,
    )
}

enum Outcome {
    Applied,
    Skipped,
    Unreadable,
}

fn apply_one(store: &mut Store, change: &Change) -> Result<Outcome, StoreError> {
    match change.collection.as_str() {
        "prescription" => match parse::<Prescription>(change) {
            // No prescription is a prescription without targets: the store keeps one document.
            Some(p) => store.save_prescription(&p).map(|()| Outcome::Applied),
            None if change.deleted => store
                .save_prescription(&Prescription::default())
                .map(|()| Outcome::Applied),
            None => Ok(Outcome::Unreadable),
        },
        "clinic_settings" => match parse::<ClinicSettings>(change) {
            Some(s) if s.validate().is_ok() => {
                store.save_clinic_settings(&s).map(|()| Outcome::Applied)
            }
            _ => Ok(Outcome::Unreadable),
        },
        SAMPLE_COLLECTION => {
            let stream = stream_of(change);
            if change.deleted {
                let report = store.ingest_quantities(
                    &stream,
                    &[],
                    std::slice::from_ref(&change.id),
                    None,
                )?;
                return Ok(counted(report.skipped.is_empty()));
            }
            match parse::<QuantitySample>(change) {
                Some(sample) => {
                    let report = store.ingest_quantities(&stream, &[sample], &[], None)?;
                    Ok(counted(report.skipped.is_empty()))
                }
                None => Ok(Outcome::Unreadable),
            }
        }
        "heartbeat_series" => record::<HeartbeatSeries>(store, change),
        "sleep_session" => record::<SleepSession>(store, change),
        "workout" => record::<Workout>(store, change),
        "check_in" => record::<CheckIn>(store, change),
        "recovery_session" => record::<RecoverySession>(store, change),
        "lab_result" => record::<LabResult>(store, change),
        "training_session" => record::<TrainingSession>(store, change),
        "daily_summary" | "readiness" => Ok(Outcome::Skipped),
        _ => Ok(Outcome::Unreadable),
    }
}

/// One record of kind `K`, or its deletion.
fn record<K: Record + DeserializeOwned>(
    store: &mut Store,
    change: &Change,
) -> Result<Outcome, StoreError> {
    let stream = stream_of(change);
    if change.deleted {
        let report = store.ingest::<K>(&stream, &[], std::slice::from_ref(&change.id), None)?;
        return Ok(counted(report.skipped.is_empty()));
    }
    match parse::<K>(change) {
        Some(record) => {
            let report = store.ingest(&stream, &[record], &[], None)?;
            Ok(counted(report.skipped.is_empty()))
        }
        None => Ok(Outcome::Unreadable),
    }
}

fn counted(stored: bool) -> Outcome {
    if stored {
        Outcome::Applied
    } else {
        Outcome::Unreadable
    }
}

fn stream_of(change: &Change) -> String {
    format!("{PULLED_STREAM_PREFIX}{}", change.collection)
}

fn parse<T: DeserializeOwned>(change: &Change) -> Option<T> {
    change
        .body
        .as_ref()
        .and_then(|body| serde_json::from_value(body.clone()).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::health::time::tests::ts;
    use crate::health::{RecoveryModality, Source};
    use crate::protocol::{Dose, DoseCheck, WeeklyTarget};
    use crate::store::record_id;

    fn change(
        collection: &str,
        id: &str,
        origin: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Change {
        Change {
            seq: 1,
            collection: collection.into(),
            id: id.into(),
            version: 1,
            deleted: body.is_none(),
            origin_device: origin.map(str::to_owned),
            body,
        }
    }

    fn ferritin(value: f64) -> LabResult {
        LabResult {
            loinc: "2276-4".into(),
            value,
            unit: "ng/mL".into(),
            reference_low: Some(30.0),
            reference_high: Some(400.0),
            collected_at: ts(0),
            source: Source::named("clinic"),
        }
    }

    fn sauna(minutes: f64) -> RecoverySession {
        RecoverySession {
            modality: RecoveryModality::Sauna,
            start: ts(0),
            duration_s: minutes * 60.0,
            temperature_c: Some(90.0),
            source: Source::named("other phone"),
        }
    }

    #[test]
    fn clinic_documents_and_labs_are_stored_and_never_queued_back() {
        let mut store = Store::open_in_memory().expect("opens");
        let prescription = Prescription {
            targets: vec![WeeklyTarget {
                sessions_per_week: 3,
                check: DoseCheck::Standard,
                dose: Dose::Sauna {
                    minutes: 15.0,
                    temperature_c: 90.0,
                },
            }],
            ..Prescription::default()
        };
        let lab = ferritin(80.0);
        let changes = [
            change(
                "prescription",
                "current",
                None,
                Some(serde_json::to_value(&prescription).expect("json")),
            ),
            change(
                "lab_result",
                "L1",
                None,
                Some(serde_json::to_value(&lab).expect("json")),
            ),
            change(
                "readiness",
                "2026-03-04",
                Some("other"),
                Some(json!({"score": 70})),
            ),
            change("from_the_future", "x", None, Some(json!({}))),
            change(
                "clinic_settings",
                "current",
                None,
                Some(json!({"cold_gap_after_strength_h": "six"})),
            ),
        ];
        let applied = apply_changes(&mut store, "this phone", &changes).expect("applies");
        assert_eq!(
            applied,
            Applied {
                applied: 2,
                skipped: 1,
                unreadable: 2
            }
        );
        assert_eq!(store.prescription().expect("reads"), Some(prescription));
        let labs: Vec<LabResult> = store.records(ts(-1).utc(), ts(1).utc()).expect("reads");
        assert_eq!(labs, vec![lab]);
        assert!(store.sync_ops(10).expect("ops").is_empty());
        // A replay of the page changes nothing.
        apply_changes(&mut store, "this phone", &changes).expect("applies");
        let labs: Vec<LabResult> = store.records(ts(-1).utc(), ts(1).utc()).expect("reads");
        assert_eq!(labs.len(), 1);
    }

    #[test]
    fn a_full_pull_sweeps_what_the_server_no_longer_has_and_leaves_local_data_alone() {
        let mut store = Store::open_in_memory().expect("opens");
        let (kept, gone) = (ferritin(80.0), ferritin(90.0));
        let mut gone = gone;
        gone.collected_at = ts(3600);
        let changes = [
            change(
                "lab_result",
                "L1",
                None,
                Some(serde_json::to_value(&kept).expect("json")),
            ),
            change(
                "lab_result",
                "L2",
                None,
                Some(serde_json::to_value(&gone).expect("json")),
            ),
        ];
        apply_changes(&mut store, "this phone", &changes).expect("applies");
        // The member's own session, never pulled: not the sweep's business.
        store
            .ingest("manual:recovery", &[sauna(15.0)], &[], None)
            .expect("ingests");
        let seen = BTreeMap::from([("lab_result".to_owned(), vec![record_id(&kept)])]);
        assert_eq!(sweep_unseen(&mut store, &seen).expect("sweeps"), 1);
        let labs: Vec<LabResult> = store.records(ts(-1).utc(), ts(7200).utc()).expect("reads");
        assert_eq!(labs, vec![kept]);
        let sessions: Vec<RecoverySession> =
            store.records(ts(-1).utc(), ts(7200).utc()).expect("reads");
        assert_eq!(sessions.len(), 1);
    }

    #[test]
    fn a_record_deleted_then_written_again_on_the_server_comes_back() {
        let mut store = Store::open_in_memory().expect("opens");
        let lab = ferritin(80.0);
        let id = record_id(&lab);
        let live = change(
            "lab_result",
            &id,
            None,
            Some(serde_json::to_value(&lab).expect("json")),
        );
        let gone = change("lab_result", &id, None, None);
        apply_changes(&mut store, "this phone", &[live.clone(), gone, live]).expect("applies");
        let labs: Vec<LabResult> = store.records(ts(-1).utc(), ts(1).utc()).expect("reads");
        assert_eq!(labs, vec![lab]);
        // A sample too.
        let sample = QuantitySample {
            kind: crate::health::QuantityKind::HeartRate,
            value: 61.0,
            start: ts(0),
            end: ts(0),
            source: std::sync::Arc::new(Source::named("other phone")),
            platform_id: Some("S1".into()),
        };
        let live = change(
            SAMPLE_COLLECTION,
            "S1",
            Some("other"),
            Some(serde_json::to_value(&sample).expect("json")),
        );
        let gone = change(SAMPLE_COLLECTION, "S1", Some("other"), None);
        apply_changes(&mut store, "this phone", &[live.clone(), gone, live]).expect("applies");
        let samples = store
            .quantities(
                crate::health::QuantityKind::HeartRate,
                ts(-1).utc(),
                ts(1).utc(),
            )
            .expect("reads");
        assert_eq!(samples, vec![sample]);
        assert!(
            store.sync_ops(10).expect("ops").is_empty(),
            "nothing pulled is pushed back"
        );
    }

    #[test]
    fn own_changes_are_skipped_and_unpushed_local_edits_win() {
        let mut store = Store::open_in_memory().expect("opens");
        let mine = sauna(15.0);
        let id = record_id(&mine);
        store
            .ingest("manual:recovery", std::slice::from_ref(&mine), &[], None)
            .expect("ingests");
        // The other phone's older version of the same session, pulled before this one is pushed.
        let theirs = change(
            "recovery_session",
            &id,
            Some("other"),
            Some(serde_json::to_value(sauna(12.0)).expect("json")),
        );
        let own = change(
            "recovery_session",
            &id,
            Some("this phone"),
            Some(serde_json::to_value(sauna(10.0)).expect("json")),
        );
        let applied =
            apply_changes(&mut store, "this phone", &[theirs.clone(), own]).expect("applies");
        assert_eq!(applied.skipped, 2);
        let kept: Vec<RecoverySession> = store
            .records(ts(-1).utc(), ts(10_000).utc())
            .expect("reads");
        assert_eq!(kept, vec![mine]);
        // Once pushed, the other phone's later edit applies.
        let ops = store.sync_ops(10).expect("ops");
        store
            .settle_ops(&[(ops[0].op_id.clone(), crate::store::OpOutcome::Applied)])
            .expect("settles");
        let applied = apply_changes(&mut store, "this phone", &[theirs]).expect("applies");
        assert_eq!(applied.applied, 1);
        let kept: Vec<RecoverySession> = store
            .records(ts(-1).utc(), ts(10_000).utc())
            .expect("reads");
        assert_eq!(kept[0].duration_s, 720.0);
        assert!(
            store.sync_ops(10).expect("ops").is_empty(),
            "a pulled edit is not pushed back"
        );
        // And a pulled deletion removes it.
        let deleted = change("recovery_session", &id, Some("other"), None);
        apply_changes(&mut store, "this phone", &[deleted]).expect("applies");
        let kept: Vec<RecoverySession> = store
            .records(ts(-1).utc(), ts(10_000).utc())
            .expect("reads");
        assert!(kept.is_empty());
    }
}
