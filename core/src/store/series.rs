//! Quantity series: one platform record that holds many samples, as Health Connect's
//! `HeartRateRecord` holds a session's heart rates. The platform edits and deletes the record as a
//! whole (a deletion names only the record's id), so the store keeps which samples belong to it
//! (`quantity_series_member`, schema version 12) and applies both to all of them:
//! - each sample is stored as any other, under the platform id `{series id}/{start epoch ms}`
//!   ([`series_sample_id`]), stable across edits that add or drop samples around it;
//! - a delivery of the series (new, or edited) replaces its members: samples the new version no
//!   longer has become tombstones;
//! - the series' deletion turns every member into a tombstone; a deletion that arrives before its
//!   series is remembered like any other (`pending.rs`), and the series, when it comes, is stored
//!   as tombstones, so a later replay of it stays deleted.
//!
//! Everything happens in the batch's one transaction, with its anchor.

use std::collections::HashSet;

use rusqlite::{Transaction, params};

use super::Store;
use super::batch::{Deletion, IngestReport};
use super::error::{Result, StoreError};
use super::pending;
use super::quantity::{platform_key, tombstone};
use crate::health::QuantitySample;

/// A platform record holding many samples: its id and its samples (their own platform ids are
/// replaced by [`series_sample_id`]).
#[derive(Debug, Clone, PartialEq)]
pub struct QuantitySeries {
    /// The platform's id of the record (Health Connect `Metadata.id`).
    pub platform_id: String,
    /// The record's samples.
    pub samples: Vec<QuantitySample>,
}

/// The platform id a sample of series `series` starting at `start_ms` (UTC epoch ms) is stored
/// under.
pub fn series_sample_id(series: &str, start_ms: i64) -> String {
    format!("{series}/{start_ms}")
}

impl Store {
    /// Stores a batch of series from stream `stream` with its deletions (of series or of single
    /// samples) and, when given, the anchor that follows it, in one transaction (module doc).
    pub fn ingest_quantity_series(
        &mut self,
        stream: &str,
        series: &[QuantitySeries],
        deleted_ids: &[String],
        anchor: Option<&[u8]>,
    ) -> Result<IngestReport> {
        let mut batch = self.begin_quantities(stream)?;
        for one in series {
            let samples: Vec<QuantitySample> = one
                .samples
                .iter()
                .map(|sample| QuantitySample {
                    platform_id: Some(series_sample_id(
                        &one.platform_id,
                        sample.start.utc().timestamp_millis(),
                    )),
                    ..sample.clone()
                })
                .collect();
            batch.add(&samples)?;
            let keys: HashSet<[u8; 16]> = samples
                .iter()
                .filter_map(|s| s.platform_id.as_deref().map(platform_key))
                .collect();
            let series_key = platform_key(&one.platform_id);
            let deleted_at = if batch.pending.may_hold(&series_key) {
                let (tx, ..) = batch.batch.parts();
                pending::take(tx, pending::QUANTITY, &series_key)?
            } else {
                None
            };
            let (tx, ..) = batch.batch.parts();
            replace_members(tx, &one.platform_id, &keys, deleted_at)?;
        }
        batch.finish(deleted_ids, anchor)
    }
}

/// Makes `keys` the members of series `series`: former members not among them become tombstones
/// (the edit dropped them); with `deleted_at` (the series' deletion came first), every member
/// does, at that time.
fn replace_members(
    tx: &Transaction<'_>,
    series: &str,
    keys: &HashSet<[u8; 16]>,
    deleted_at: Option<i64>,
) -> Result<()> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("storing a series", &e);
    let now_ms = chrono::Utc::now().timestamp_millis();
    for former in members(tx, series)? {
        if !keys.contains(&former) {
            tombstone(tx, &former, now_ms)?;
        }
    }
    tx.execute(
        "DELETE FROM quantity_series_member WHERE series_id = ?1",
        [series],
    )
    .map_err(fail)?;
    let mut insert = tx
        .prepare_cached("INSERT INTO quantity_series_member (series_id, key) VALUES (?1, ?2)")
        .map_err(fail)?;
    for key in keys {
        insert.execute(params![series, key]).map_err(fail)?;
        if let Some(at) = deleted_at {
            tombstone(tx, key, at)?;
        }
    }
    Ok(())
}

/// The series a stored sample with platform id `id` and key `key` belongs to, if any: the id's
/// part before its last `/`, when that series lists the key.
pub(super) fn of_member(tx: &Transaction<'_>, id: &str, key: &[u8; 16]) -> Result<Option<String>> {
    let Some((series, _)) = id.rsplit_once('/') else {
        return Ok(None);
    };
    let member: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM quantity_series_member WHERE series_id = ?1 AND key = ?2)",
        )
        .and_then(|mut statement| statement.query_row(params![series, key], |row| row.get(0)))
        .map_err(|e| StoreError::sqlite("reading a series", &e))?;
    Ok(member.then(|| series.to_owned()))
}

/// The keys of the members of series `series`.
fn members(tx: &Transaction<'_>, series: &str) -> Result<Vec<[u8; 16]>> {
    tx.prepare_cached("SELECT key FROM quantity_series_member WHERE series_id = ?1")
        .and_then(|mut statement| statement.query_map([series], |row| row.get(0))?.collect())
        .map_err(|e| StoreError::sqlite("reading a series", &e))
}

/// The deletion of `id` when it names no sample: the deletion of every member of series `id`, or
/// [`Deletion::Unknown`] (remembered as pending) when no series has that id.
pub(super) fn delete(tx: &Transaction<'_>, id: &str, now_ms: i64) -> Result<Deletion> {
    let members = members(tx, id)?;
    if members.is_empty() {
        return Ok(Deletion::Unknown);
    }
    let mut deleted = 0;
    for key in &members {
        deleted += tombstone(tx, key, now_ms)?;
    }
    Ok(if deleted > 0 {
        Deletion::Deleted
    } else {
        Deletion::AlreadyDeleted
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::health::time::tests::ts;
    use crate::health::{QuantityKind, Source};

    const STREAM: &str = "health_connect:heart_rate";

    /// Series `id` of one heart rate a minute from `first_s`, one per value.
    fn series(id: &str, first_s: i64, values: &[f64]) -> QuantitySeries {
        let source = Arc::new(Source::named("watch"));
        QuantitySeries {
            platform_id: id.to_owned(),
            samples: (0_i64..)
                .zip(values)
                .map(|(i, &value)| QuantitySample {
                    kind: QuantityKind::HeartRate,
                    value,
                    start: ts(first_s + 60 * i),
                    end: ts(first_s + 60 * i),
                    source: Arc::clone(&source),
                    platform_id: None,
                })
                .collect(),
        }
    }

    /// The stored id of the sample of series `id` at `at_s` ([`ts`] seconds).
    fn member(id: &str, at_s: i64) -> String {
        series_sample_id(id, ts(at_s).utc().timestamp_millis())
    }

    fn live(store: &Store) -> Vec<(String, f64)> {
        store
            .quantities(QuantityKind::HeartRate, ts(-86_400).utc(), ts(86_400).utc())
            .expect("reads")
            .into_iter()
            .map(|s| (s.platform_id.expect("an id"), s.value))
            .collect()
    }

    fn ingest(store: &mut Store, batch: &[QuantitySeries], deleted: &[&str]) -> IngestReport {
        let deleted: Vec<String> = deleted.iter().map(|s| (*s).to_owned()).collect();
        store
            .ingest_quantity_series(STREAM, batch, &deleted, None)
            .expect("ingests")
    }

    #[test]
    fn a_series_is_stored_as_samples_and_an_edit_replaces_them() {
        let mut store = Store::open_in_memory().expect("opens");
        let report = ingest(&mut store, &[series("R1", 0, &[60.0, 62.0, 64.0])], &[]);
        assert_eq!(report.inserted, 3);
        assert_eq!(
            live(&store),
            [
                (member("R1", 0), 60.0),
                (member("R1", 60), 62.0),
                (member("R1", 120), 64.0)
            ]
        );
        // The edit drops the last sample and changes the first: the last becomes a tombstone.
        let report = ingest(&mut store, &[series("R1", 0, &[61.0, 62.0])], &[]);
        assert_eq!((report.updated, report.duplicates), (1, 1));
        assert_eq!(
            live(&store),
            [(member("R1", 0), 61.0), (member("R1", 60), 62.0)]
        );
        // A replay of the edit changes nothing.
        let report = ingest(&mut store, &[series("R1", 0, &[61.0, 62.0])], &[]);
        assert_eq!(report.duplicates, 2);
        assert_eq!(live(&store).len(), 2);
    }

    #[test]
    fn deleting_the_record_deletes_every_sample_and_a_replay_brings_none_back() {
        let mut store = Store::open_in_memory().expect("opens");
        ingest(
            &mut store,
            &[series("R1", 0, &[60.0, 62.0]), series("R2", 600, &[70.0])],
            &[],
        );
        let report = ingest(&mut store, &[], &["R1"]);
        assert_eq!(report.deleted, 1);
        assert_eq!(live(&store), [(member("R2", 600), 70.0)]);
        assert_eq!(ingest(&mut store, &[], &["R1"]).deleted, 0);
        let replay = ingest(&mut store, &[series("R1", 0, &[60.0, 62.0])], &[]);
        assert_eq!(replay.duplicates, 2);
        assert_eq!(live(&store), [(member("R2", 600), 70.0)]);
    }

    #[test]
    fn a_full_re_read_sees_a_series_by_its_record_id() {
        let mut store = Store::open_in_memory().expect("opens");
        ingest(
            &mut store,
            &[series("R1", 0, &[60.0, 62.0]), series("R2", 600, &[70.0])],
            &[],
        );
        // The re-read delivers R2 only: R1 was deleted while the stream was not followed.
        let swept = store
            .sweep_quantities(
                STREAM,
                &["R2".to_owned()],
                ts(-3600).utc(),
                ts(3600).utc(),
                None,
            )
            .expect("sweeps");
        assert_eq!(swept, 2);
        assert_eq!(live(&store), [(member("R2", 600), 70.0)]);
    }

    #[test]
    fn a_deletion_before_its_series_leaves_the_series_deleted() {
        let mut store = Store::open_in_memory().expect("opens");
        ingest(&mut store, &[], &["R1"]);
        ingest(&mut store, &[series("R1", 0, &[60.0, 62.0])], &[]);
        assert!(live(&store).is_empty());
        // And a later replay of the series stays deleted too.
        ingest(&mut store, &[series("R1", 0, &[60.0, 62.0])], &[]);
        assert!(live(&store).is_empty());
        // The samples went to the store as tombstones, which sync carries.
        let ops = store.sync_ops(10).expect("ops");
        let ids: HashSet<&str> = ops.iter().map(|op| op.id.as_str()).collect();
        assert_eq!(
            ids,
            HashSet::from([member("R1", 0).as_str(), member("R1", 60).as_str()])
        );
        assert!(ops.iter().all(|op| op.deleted));
    }
}
