//! Deletions that arrived before what they delete (schema version 4, `pending_deletion`).
//!
//! A platform may hand the shell a deletion before the sample or record it deletes: batches
//! committed out of order, or a HealthKit deleted-object list delivered before the anchored-query
//! result that holds the sample. Ignoring the deletion of an id the store does not hold would
//! store the sample live when it comes, and the member's deletion would be lost. So a batch's
//! deletion of an unknown id is remembered here, and when a sample or record with that id arrives
//! later it is stored as a tombstone (deleted at the time the deletion was received) and its
//! entry removed, in that batch's transaction.
//!
//! An entry is keyed by the ingest path (`kind`: [`QUANTITY`] for quantity samples, whatever their
//! kind, since a deletion names only the id; a record kind's name for records, which are deleted
//! within their kind) and by [`platform_key`](super::quantity::platform_key) of the deleted id:
//! the 16-byte key quantity samples are stored under, used for both paths so that every key has
//! one small fixed size, whatever a platform's ids look like.
//!
//! Entries older than [`RETENTION_MS`] are dropped: a delivery that late is not a reordering any
//! shell produces, and the bound keeps deletions of ids that never arrive (a sample created and
//! deleted between two queries; a Health Connect deletion, which carries only the id, handed to the
//! path of another kind) from accumulating.
//!
//! The quantity path is hot (an export import stores ~170 000 rows a year, a platform batch up to
//! tens of thousands), so a batch reads its path's entries once, when it starts ([`Pending`]): with
//! none (the common case) no row looks further, and otherwise a row with a platform id is looked
//! up in memory, the table being touched ([`take`]) only for a key it holds. A row without a
//! platform id (Apple's export) never has an entry: deletions name platform ids. Measured on a
//! batch of 10 000 new samples with platform ids (release build): ~19 ms with no entry or with
//! 1 000 entries in memory, ~36 ms when every row probes the table (~1.7 µs a row), which is
//! therefore only the fallback for a path with more than [`LOADED_AT_MOST`] entries.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Transaction, params};

use super::error::{Result, StoreError};

/// The `kind` of the entries of quantity samples. No record kind has this name.
pub(super) const QUANTITY: &str = "quantity_sample";

/// How long an entry is kept, in ms: 90 days (module doc), three times the life of a Health
/// Connect changes token.
pub(super) const RETENTION_MS: i64 = 90 * 24 * 60 * 60 * 1000;

/// The most entries of one path a batch holds in memory (16 bytes each); beyond, rows probe the
/// table. Far above what 90 days of a member's deletions leave.
pub(super) const LOADED_AT_MOST: usize = 4096;

/// The pending deletions of one path as a batch sees them when it starts (module doc). Entries
/// are added only when a batch finishes, so this stays a superset of the table during the batch.
#[derive(Debug)]
pub(super) enum Pending {
    /// No entry: no row looks further.
    None,
    /// The keys of all the path's entries.
    Keys(HashSet<[u8; 16]>),
    /// More entries than [`LOADED_AT_MOST`]: every row with a platform id probes the table.
    Many,
}

impl Pending {
    /// Reads the entries of path `kind`.
    pub(super) fn load(tx: &Transaction<'_>, kind: &str) -> Result<Self> {
        let keys: HashSet<[u8; 16]> = tx
            .prepare_cached("SELECT key FROM pending_deletion WHERE kind = ?1 LIMIT ?2")
            .and_then(|mut statement| {
                // One more than the bound tells "exactly the bound" from "more".
                statement
                    .query_map(params![kind, LOADED_AT_MOST as i64 + 1], |row| row.get(0))?
                    .collect()
            })
            .map_err(|e| StoreError::sqlite("looking up pending deletions", &e))?;
        Ok(match keys.len() {
            0 => Self::None,
            n if n > LOADED_AT_MOST => Self::Many,
            _ => Self::Keys(keys),
        })
    }

    /// Whether the path has no entry at all.
    pub(super) fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }

    /// Whether the path may hold an entry for `key` ([`take`] tells for sure).
    pub(super) fn may_hold(&self, key: &[u8; 16]) -> bool {
        match self {
            Self::None => false,
            Self::Keys(keys) => keys.contains(key),
            Self::Many => true,
        }
    }
}

/// Removes the pending deletion of `key` on path `kind`, if any, and returns when it was received
/// (UTC ms).
pub(super) fn take(tx: &Transaction<'_>, kind: &str, key: &[u8; 16]) -> Result<Option<i64>> {
    // The deletion happens at the first step, which `query_row` takes.
    tx.prepare_cached(
        "DELETE FROM pending_deletion WHERE kind = ?1 AND key = ?2 RETURNING deleted_at_ms",
    )
    .and_then(|mut statement| {
        statement
            .query_row(params![kind, key], |row| row.get(0))
            .optional()
    })
    .map_err(|e| StoreError::sqlite("applying a pending deletion", &e))
}

/// Remembers the deletion of `key` on path `kind`, reported by `stream` at `now_ms`. A replayed
/// deletion keeps the first entry and its time.
pub(super) fn remember(
    tx: &Transaction<'_>,
    kind: &str,
    key: &[u8; 16],
    stream: &str,
    now_ms: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO pending_deletion (kind, key, stream, deleted_at_ms) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (kind, key) DO NOTHING",
    )
    .and_then(|mut statement| statement.execute(params![kind, key, stream, now_ms]))
    .map_err(|e| StoreError::sqlite("remembering a deletion", &e))?;
    Ok(())
}

/// Drops the entries received more than [`RETENTION_MS`] before `now_ms`.
pub(super) fn prune(tx: &Transaction<'_>, now_ms: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM pending_deletion WHERE deleted_at_ms < ?1")
        .and_then(|mut statement| statement.execute([now_ms.saturating_sub(RETENTION_MS)]))
        .map_err(|e| StoreError::sqlite("dropping old pending deletions", &e))?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use rusqlite::OptionalExtension;

    use super::*;
    use crate::store::Store;

    /// How many deletions are pending, on every path.
    pub(crate) fn pending_count(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT count(*) FROM pending_deletion", [], |row| {
                row.get(0)
            })
            .expect("counts")
    }

    /// When the deletion of platform id `id` on path `kind` was received, if it is pending.
    pub(crate) fn pending_at(store: &Store, kind: &str, id: &str) -> Option<i64> {
        store
            .conn
            .query_row(
                "SELECT deleted_at_ms FROM pending_deletion WHERE kind = ?1 AND key = ?2",
                params![kind, super::super::quantity::platform_key(id)],
                |row| row.get(0),
            )
            .optional()
            .expect("reads")
    }

    /// One delivery in the order tests: the sample (or record) alone, its deletion alone, or a
    /// batch with both (the deletion after the sample, as platforms list them).
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(crate) enum Delivery {
        /// A batch with the sample.
        Sample,
        /// A batch with the deletion of its id.
        Deletion,
        /// A batch with the sample and the deletion of its id.
        Both,
    }

    /// Every sequence of three deliveries that holds the sample and its deletion at least once
    /// each: the deletion before the sample, after it, in its batch, and every replay of either.
    pub(crate) fn every_order() -> Vec<[Delivery; 3]> {
        let all = [Delivery::Sample, Delivery::Deletion, Delivery::Both];
        let mut orders = Vec::new();
        for a in all {
            for b in all {
                for c in all {
                    let order = [a, b, c];
                    let has = |d: Delivery| order.iter().any(|&x| x == d || x == Delivery::Both);
                    if has(Delivery::Sample) && has(Delivery::Deletion) {
                        orders.push(order);
                    }
                }
            }
        }
        orders
    }

    /// Whether the first delivery of the sample comes before any deletion, so that the sample is
    /// stored live first and the deletion then counts as one: the in-order case.
    pub(crate) fn sample_first(order: &[Delivery]) -> bool {
        order[0] != Delivery::Deletion
    }

    /// Delivers each step of `order` through `ingest` (given the step, it stores the batch and
    /// returns its report) and checks the counts every order must add up to: in order, the item
    /// is inserted once and then deleted; deletion first, every delivery of the item is a
    /// duplicate. Either way the same final state, which the caller checks.
    pub(crate) fn assert_counts(
        order: &[Delivery],
        mut ingest: impl FnMut(Delivery) -> crate::store::IngestReport,
    ) {
        let (mut inserted, mut deleted, mut duplicates) = (0, 0, 0);
        for &delivery in order {
            let report = ingest(delivery);
            inserted += report.inserted;
            deleted += report.deleted;
            duplicates += report.duplicates;
        }
        let deliveries = order.iter().filter(|&&d| d != Delivery::Deletion).count();
        let first = usize::from(sample_first(order));
        assert_eq!(
            (inserted, deleted, duplicates),
            (first, first, deliveries - first),
            "{order:?}"
        );
    }

    #[test]
    fn every_order_covers_the_deletion_first_and_the_sample_first() {
        let orders = every_order();
        assert!(orders.iter().any(|o| sample_first(o)));
        assert!(orders.iter().any(|o| !sample_first(o)));
        assert!(orders.contains(&[Delivery::Deletion, Delivery::Deletion, Delivery::Sample]));
        assert!(orders.contains(&[Delivery::Sample, Delivery::Deletion, Delivery::Sample]));
    }

    #[test]
    fn a_path_with_more_entries_than_are_loaded_probes_the_table() {
        use crate::health::source::tests::watch;
        use crate::health::time::tests::ts;
        use crate::health::{QuantityKind, QuantitySample};

        let mut store = Store::open_in_memory().expect("opens");
        let ids: Vec<String> = (0..=LOADED_AT_MOST).map(|i| format!("HK-{i}")).collect();
        store
            .ingest_quantities("s", &[], &ids, None)
            .expect("ingests");
        assert_eq!(pending_count(&store), LOADED_AT_MOST as i64 + 1);
        let tx = store.conn.transaction().expect("begins");
        assert!(matches!(
            Pending::load(&tx, QUANTITY).expect("loads"),
            Pending::Many
        ));
        assert!(Pending::load(&tx, "workout").expect("loads").is_none());
        drop(tx);
        let sample = |id: &str| QuantitySample {
            kind: QuantityKind::HeartRate,
            value: 60.0,
            start: ts(0),
            end: ts(60),
            source: watch().into(),
            platform_id: Some(id.to_owned()),
        };
        let report = store
            .ingest_quantities("s", &[sample("HK-7"), sample("HK-new")], &[], None)
            .expect("ingests");
        assert_eq!((report.inserted, report.duplicates), (1, 1));
        assert_eq!(pending_at(&store, QUANTITY, "HK-7"), None);
        assert_eq!(pending_count(&store), LOADED_AT_MOST as i64);
        let live = store
            .quantities(QuantityKind::HeartRate, ts(0).utc(), ts(60).utc())
            .expect("reads");
        assert_eq!(live, vec![sample("HK-new")]);
    }

    #[test]
    fn old_entries_are_dropped_by_the_next_batch_with_deletions() {
        let mut store = Store::open_in_memory().expect("opens");
        let now_ms = chrono::Utc::now().timestamp_millis();
        store
            .conn
            .execute(
                "INSERT INTO pending_deletion (kind, key, stream, deleted_at_ms) \
                 VALUES (?1, ?2, 's', ?3), (?1, ?4, 's', ?5)",
                params![
                    QUANTITY,
                    super::super::quantity::platform_key("HK-old"),
                    now_ms - RETENTION_MS - 60_000,
                    super::super::quantity::platform_key("HK-recent"),
                    now_ms - RETENTION_MS + 3_600_000,
                ],
            )
            .expect("inserts");
        // A batch without deletions leaves them alone.
        store
            .ingest_quantities("s", &[], &[], None)
            .expect("ingests");
        assert_eq!(pending_count(&store), 2);
        store
            .ingest_quantities("s", &[], &["HK-new".to_owned()], None)
            .expect("ingests");
        assert_eq!(pending_at(&store, QUANTITY, "HK-old"), None);
        assert!(pending_at(&store, QUANTITY, "HK-recent").is_some());
        assert!(pending_at(&store, QUANTITY, "HK-new").is_some());
    }
}
