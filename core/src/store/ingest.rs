//! The one ingest path for every record kind other than quantity samples.
//!
//! Each kind (heartbeat series, sleep session, workout, check-in, recovery session, lab result,
//! training session) implements the sealed [`Record`] trait: its `kind` name, how its identity key
//! is written, the interval it covers, and how its details are saved in and loaded from its own
//! table. [`Store::ingest`] does the rest the same way for all of them, with the rules of
//! quantity ingest (see `quantity.rs`): one transaction per batch with its deletions and anchor;
//! an invalid record skipped with its position and reason; a new id inserted; the same content a
//! duplicate; other content under a stored id an update; a deleted id never resurrected.
//!
//! # Ids
//!
//! A record's id is its platform id when it has one, else a UUIDv5 (namespace
//! [`CONTENT_ID_NAMESPACE`]) of its identity key `<kind>/1;<fields>;<source>`. The key holds what
//! identifies the record in the world, not what it measured, so that a corrected record (a night
//! re-grouped with more stage samples, a workout's totals recomputed) updates its row instead of
//! adding a second one:
//! - heartbeat series, sleep session, training session: start instant;
//! - workout, recovery session: activity (modality) and start instant;
//! - lab result: LOINC code and collection instant;
//! - check-in: the member's local date (one check-in per day and app; an edit is a revision).
//!
//! Instants are written as UTC nanoseconds (seconds and nanoseconds outside 1677-2262), so the
//! offset a platform wrote them in does not matter. The source part is [`crate::health::Source`]'s stable identity,
//! which never includes the device's memory address from Apple's export (data brief).
//!
//! # Deletions
//!
//! A batch's deletions name platform ids and apply within the kind the batch is for (a Health
//! Connect deletion carries only the id; the shell hands it to each path). As for quantity samples
//! (`quantity.rs`, "Ingest"), a deletion of an id of the kind the store does not hold is
//! remembered (`pending.rs`), per kind; a record with that platform id arriving later is stored
//! whole, details included, as a tombstone deleted at the time the deletion was received, counts
//! as a duplicate, and the pending entry is removed. A batch reads its kind's pending deletions
//! once; a new record with a platform id is looked up among them in memory. Records without a
//! platform id (content ids) never have one.
//!
//! # Updates and revisions
//!
//! An updated record is replaced whole: its `record` row is deleted, which deletes its details
//! (`ON DELETE CASCADE`), and inserted again. Check-ins are the exception: a member's edit must not
//! erase what was answered before (sync keeps every revision), so a check-in with new content adds
//! a revision row and the `record` row moves to the new revision's instant; a delivery equal to
//! any stored revision is a replay and adds nothing.
//!
//! # Full re-read, reads
//!
//! [`Store::sweep`] is the mark-and-sweep of `quantity.rs` for these kinds (a Health Connect
//! sleep or exercise stream whose changes token expired). [`Store::records`] reads the live
//! records of a kind that overlap a time range, which is what a day's summary asks: the night that
//! began the evening before, the series and workouts of the day, the labs, recovery and training
//! sessions; check-ins are also read per local day (`checkin.rs`).
//!
//! Quantity samples keep their own table and columns (`quantity.rs`): they are the bulk of the
//! file (hundreds of thousands a year), one flat row each, and share only the batch frame
//! (`batch.rs`) with this path.

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::Store;
use super::batch::{Deletion, IngestReport, Outcome};
use super::content_id::content_id;
use super::error::{Result, SkipReason, StoreError};
use super::outbox::is_pulled;
use super::pending;
use super::quantity::{bound_ns, platform_key};
use super::source;
use crate::health::Timestamp;

/// The UUIDv5 namespace of the ids of records without a platform id. Fixed forever: changing it
/// would give every such stored record a new id, so the next re-import would duplicate them all.
pub const CONTENT_ID_NAMESPACE: Uuid = Uuid::from_u128(0x5c0e_2a71_9d43_4f0b_8e6c_1b7a_d2f4_9e30);

/// A record kind the store keeps through [`Store::ingest`] and reads with [`Store::records`].
/// Implemented by the store for each kind of the data model; sealed.
pub trait Record: sealed::Kind {}

/// The store's side of [`Record`], out of reach outside the store.
pub(crate) mod sealed {
    use rusqlite::{Connection, Transaction};

    use crate::health::{Source, Timestamp, Validate};
    use crate::store::error::Result;

    /// The columns every kind keeps in its `record` row, as read back.
    #[derive(Debug, Clone)]
    pub struct Head {
        /// The stored id.
        pub id: String,
        /// Whether `id` is the platform's.
        pub from_platform: bool,
        /// Start of the interval covered.
        pub start: Timestamp,
        /// End of the interval covered.
        pub end: Timestamp,
        /// Who wrote it.
        pub source: Source,
    }

    /// The lowest and highest `record.rid` of `heads`, the range their detail rows are read in
    /// by a kind's `load_all`; `None` for no heads.
    pub fn rid_range(heads: &[(i64, Head)]) -> Option<(i64, i64)> {
        let rids = heads.iter().map(|(rid, _)| *rid);
        Some((rids.clone().min()?, rids.max()?))
    }

    /// What every kind has, borrowed from the record.
    #[derive(Debug)]
    pub struct Shared<'a> {
        /// The platform's id, when the platform gave one.
        pub platform_id: Option<&'a str>,
        /// Who wrote it.
        pub source: &'a Source,
        /// Start of the interval the record covers.
        pub start: &'a Timestamp,
        /// End of the interval, `None` when it is not representable.
        pub end: Option<Timestamp>,
    }

    /// What [`super::Store::ingest`] needs to know about a kind.
    pub trait Kind: Validate + PartialEq + Sized {
        /// The kind's name in `record.kind` and in identity keys. Fixed forever.
        const KIND: &'static str;
        /// Whether new content adds a revision rather than replacing the record (check-ins).
        const REVISIONED: bool = false;

        /// The parts every kind has.
        fn shared(&self) -> Shared<'_>;
        /// Appends the kind's identity fields to the identity key (module doc).
        fn write_identity(&self, key: &mut String);
        /// Saves the kind's details (or, for a revisioned kind, a new revision) for row `rid`.
        fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()>;
        /// Builds the record from its `record` row and its details.
        fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self>;
        /// [`Self::load`] of many rows, in their order; a kind whose details are many small rows
        /// reads them for all at once instead of once per record.
        fn load_all(conn: &Connection, heads: Vec<(i64, Head)>) -> Result<Vec<Self>> {
            heads
                .into_iter()
                .map(|(rid, head)| Self::load(conn, rid, head))
                .collect()
        }
        /// Whether row `rid` already says what `new` says.
        fn matches(conn: &Connection, rid: i64, new: &Self) -> Result<bool> {
            Ok(super::load_one::<Self>(conn, rid)?.as_ref() == Some(new))
        }
    }
}

use sealed::{Head, Kind};

impl Store {
    /// Stores a batch of records of one kind from stream `stream`, with the ids the stream reports
    /// deleted and, when given, the anchor that follows the batch, all in one transaction (module
    /// doc). Fails only when the database does; then nothing of the batch, and not the anchor, is
    /// stored.
    pub fn ingest<K: Record>(
        &mut self,
        stream: &str,
        records: &[K],
        deleted_ids: &[String],
        anchor: Option<&[u8]>,
    ) -> Result<IngestReport> {
        let mut batch = self.open_batch()?;
        let pending = batch.pending_deletions(K::KIND)?;
        batch.add(records, Ok, |tx, record: &K, sources| {
            let row = match Columns::of(stream, record) {
                Ok(row) => row,
                Err(reason) => return Ok(Err(reason)),
            };
            let source_id = source::id_of(tx, record.shared().source, sources)?;
            Ok(Ok(match stored(tx, K::KIND, &row.id)? {
                None => {
                    let rid = insert_head(tx, K::KIND, &row, source_id)?;
                    record.save_details(tx, rid)?;
                    // Only a platform id can have been deleted before it arrived (module doc,
                    // "Deletions").
                    let key = (row.from_platform && !pending.is_none())
                        .then(|| platform_key(&row.id))
                        .filter(|key| pending.may_hold(key));
                    let deleted_at_ms = match key {
                        Some(key) => pending::take(tx, K::KIND, &key)?,
                        None => None,
                    };
                    match deleted_at_ms {
                        Some(at_ms) => {
                            tombstone(tx, K::KIND, &row.id, at_ms)?;
                            Outcome::Duplicate
                        }
                        None => Outcome::Inserted,
                    }
                }
                // A tombstone is final against the platform that deleted it, but a record
                // deleted and written again on the server comes back with the pull.
                Some((rid, true)) if is_pulled(stream) => {
                    delete_row(tx, rid)?;
                    let rid = insert_head(tx, K::KIND, &row, source_id)?;
                    record.save_details(tx, rid)?;
                    Outcome::Updated
                }
                Some((_, true)) => Outcome::Duplicate,
                Some((rid, false)) if K::matches(tx, rid, record)? => Outcome::Duplicate,
                Some((rid, false)) if K::REVISIONED => {
                    update_head(tx, rid, &row, source_id)?;
                    record.save_details(tx, rid)?;
                    Outcome::Updated
                }
                Some((rid, false)) => {
                    delete_row(tx, rid)?;
                    let rid = insert_head(tx, K::KIND, &row, source_id)?;
                    record.save_details(tx, rid)?;
                    Outcome::Updated
                }
            }))
        })?;
        batch.finish(K::KIND, stream, deleted_ids, anchor, |tx, id, now_ms| {
            Ok(match tombstone(tx, K::KIND, id, now_ms)? {
                1 => Deletion::Deleted,
                _ if stored(tx, K::KIND, id)?.is_some() => Deletion::AlreadyDeleted,
                _ => Deletion::Unknown,
            })
        })
    }

    /// Ends a full re-read of stream `stream` for kind `K`, as [`Store::sweep_quantities`] does for
    /// samples: live records of the stream whose start lies in `[from, to)` and whose id is not in
    /// `seen_ids` (the [`record_id`] of every record read) become tombstones, and `anchor` is saved
    /// in the same transaction. Returns how many were swept.
    pub fn sweep<K: Record>(
        &mut self,
        stream: &str,
        seen_ids: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        anchor: Option<&[u8]>,
    ) -> Result<usize> {
        let candidates = |tx: &Transaction<'_>| {
            tx.prepare_cached(
                "SELECT id FROM record WHERE kind = ?1 AND stream = ?2 AND deleted_at_ms IS NULL \
                 AND start_ns >= ?3 AND start_ns < ?4",
            )
            .and_then(|mut statement| {
                statement
                    .query_map(
                        params![K::KIND, stream, bound_ns(from), bound_ns(to)],
                        |row| {
                            let id: String = row.get(0)?;
                            Ok((id.clone(), id))
                        },
                    )?
                    .collect()
            })
            .map_err(|e| StoreError::sqlite("finding records to sweep", &e))
        };
        self.sweep_stream(stream, seen_ids, anchor, candidates, |tx, id, now_ms| {
            tombstone(tx, K::KIND, id, now_ms)
        })
    }

    /// The live records of kind `K` that overlap `[from, to)` (an instant counts when it lies in
    /// the range), by start, then id. For check-ins, each check-in's latest revision.
    pub fn records<K: Record>(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<K>> {
        K::load_all(&self.conn, self.heads::<K>(from, to)?)
    }

    /// The `record` rows of [`Self::records`], without the kind's details: for reads that need
    /// only when and by whom.
    pub(crate) fn heads<K: Record>(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(i64, sealed::Head)>> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading records", &e);
        // Two index ranges: the records that start in the range (by start), and those that start
        // before it and end inside or after it (by end, schema version 5); one condition over
        // both would read every record of the kind stored before the range.
        let sql = format!(
            "SELECT r.rid, {HEAD_COLUMNS}, {columns} FROM record r \
             JOIN source s ON s.id = r.source_id \
             WHERE r.kind = ?1 AND r.deleted_at_ms IS NULL AND r.start_ns >= ?2 AND r.start_ns < ?3 \
             UNION ALL \
             SELECT r.rid, {HEAD_COLUMNS}, {columns} FROM record r \
             JOIN source s ON s.id = r.source_id \
             WHERE r.kind = ?1 AND r.deleted_at_ms IS NULL AND r.end_ns > ?2 AND r.start_ns < ?2 \
             ORDER BY 4, 2",
            columns = source::COLUMNS
        );
        let heads = {
            let mut statement = self.conn.prepare_cached(&sql).map_err(fail)?;
            let mut rows = statement
                .query(params![K::KIND, bound_ns(from), bound_ns(to)])
                .map_err(fail)?;
            let mut heads = Vec::new();
            while let Some(row) = rows.next().map_err(fail)? {
                heads.push((row.get::<_, i64>(0).map_err(fail)?, read_head(row, 1)?));
            }
            heads
        };
        Ok(heads)
    }
}

/// The columns of [`read_head`], for a `record` table aliased `r`; a source's [`source::COLUMNS`]
/// follow them.
const HEAD_COLUMNS: &str = "r.id, r.from_platform, r.start_ns, r.start_offset_s, r.start_zone, \
     r.end_ns, r.end_offset_s, r.end_zone";

/// Reads a [`Head`] from [`HEAD_COLUMNS`] and the source's columns, starting at column `first`.
fn read_head(row: &Row<'_>, first: usize) -> Result<Head> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("reading records", &e);
    Ok(Head {
        id: row.get(first).map_err(fail)?,
        from_platform: row.get(first + 1).map_err(fail)?,
        start: timestamp_at(row, first + 2, "record.start")?,
        end: timestamp_at(row, first + 5, "record.end")?,
        source: source::read(row, first + 8)?,
    })
}

/// The record stored as row `rid`, live or not.
pub(crate) fn load_one<K: Kind>(conn: &Connection, rid: i64) -> Result<Option<K>> {
    let sql = format!(
        "SELECT {HEAD_COLUMNS}, {} FROM record r JOIN source s ON s.id = r.source_id \
         WHERE r.rid = ?1",
        source::COLUMNS
    );
    let fail = |e: rusqlite::Error| StoreError::sqlite("reading records", &e);
    let mut statement = conn.prepare_cached(&sql).map_err(fail)?;
    let mut rows = statement.query([rid]).map_err(fail)?;
    match rows.next().map_err(fail)? {
        Some(row) => Ok(Some(K::load(conn, rid, read_head(row, 0)?)?)),
        None => Ok(None),
    }
}

/// Runs the statement `sql` that saves one detail row (`operation` names it in an error).
pub(crate) fn save_row(
    tx: &Transaction<'_>,
    sql: &str,
    params: impl rusqlite::Params,
    operation: &'static str,
) -> Result<()> {
    tx.prepare_cached(sql)
        .and_then(|mut statement| statement.execute(params))
        .map_err(|e| StoreError::sqlite(operation, &e))?;
    Ok(())
}

/// The detail row of record `rid` that `sql` (with `?1` for the rid) selects, read by `read`.
/// Every stored record has its detail row, so a missing one means `table` is damaged.
pub(crate) fn detail_row<T>(
    conn: &Connection,
    sql: &str,
    rid: i64,
    table: &'static str,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| statement.query_row([rid], read).optional())
        .map_err(|e| StoreError::sqlite("reading record details", &e))?
        .ok_or(StoreError::Corrupt { column: table })
}

/// Reads a timestamp stored as nanoseconds, offset and zone in columns `first..first + 3`.
pub(crate) fn timestamp_at(row: &Row<'_>, first: usize, column: &'static str) -> Result<Timestamp> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("reading records", &e);
    let ns: i64 = row.get(first).map_err(fail)?;
    let offset_s: i32 = row.get(first + 1).map_err(fail)?;
    let zone: Option<String> = row.get(first + 2).map_err(fail)?;
    Timestamp::new(DateTime::from_timestamp_nanos(ns), offset_s, zone)
        .map_err(|_| StoreError::Corrupt { column })
}

/// A timestamp as its three stored columns; `None` outside the storable years.
pub(crate) fn timestamp_columns(t: &Timestamp) -> Option<(i64, i32, Option<&str>)> {
    Some((t.utc().timestamp_nanos_opt()?, t.offset_s(), t.zone()))
}

/// Appends an instant to an identity key (module doc).
pub(crate) fn key_instant(key: &mut String, t: &Timestamp) {
    let utc = t.utc();
    match utc.timestamp_nanos_opt() {
        Some(n) => key.push_str(&format!("{n};")),
        None => key.push_str(&format!(
            "{}s{};",
            utc.timestamp(),
            utc.timestamp_subsec_nanos()
        )),
    }
}

/// `start` plus `seconds`, rounded to the millisecond; `None` when not representable.
pub(crate) fn after(start: &Timestamp, seconds: f64) -> Option<Timestamp> {
    let ms = (seconds * 1000.0).round();
    // `as` saturates; the check keeps a saturated value from passing as a real duration.
    if !ms.is_finite() || ms.abs() >= 9.0e15 {
        return None;
    }
    start.plus(TimeDelta::try_milliseconds(ms as i64)?)
}

/// The id under which `record` is stored (module doc).
pub fn record_id<K: Record>(record: &K) -> String {
    let shared = record.shared();
    match shared.platform_id {
        Some(id) => id.to_owned(),
        None => {
            let mut key = format!("{}/1;", K::KIND);
            record.write_identity(&mut key);
            shared.source.write_key(&mut key);
            content_id(&CONTENT_ID_NAMESPACE, key.as_bytes())
        }
    }
}

/// A record's `record` columns, less the source id and the tombstone.
struct Columns<'a> {
    id: String,
    from_platform: bool,
    stream: &'a str,
    start: (i64, i32, Option<&'a str>),
    end_offset_s: i32,
    end_zone: Option<String>,
    end_ns: i64,
}

impl<'a> Columns<'a> {
    /// Validates `record` and lays it out as columns.
    fn of<K: Record>(stream: &'a str, record: &'a K) -> Result<Self, SkipReason> {
        record.validate().map_err(SkipReason::Invalid)?;
        let shared = record.shared();
        let start =
            timestamp_columns(shared.start).ok_or(SkipReason::Unstorable { field: "start" })?;
        let end = shared.end.ok_or(SkipReason::Unstorable { field: "end" })?;
        let end_ns = end
            .utc()
            .timestamp_nanos_opt()
            .ok_or(SkipReason::Unstorable { field: "end" })?;
        Ok(Self {
            id: record_id(record),
            from_platform: shared.platform_id.is_some(),
            stream,
            start,
            end_offset_s: end.offset_s(),
            end_zone: end.zone().map(str::to_owned),
            end_ns,
        })
    }
}

/// The row and tombstone state of the record `(kind, id)`, if stored.
pub(super) fn stored(conn: &Connection, kind: &str, id: &str) -> Result<Option<(i64, bool)>> {
    conn.prepare_cached(
        "SELECT rid, deleted_at_ms IS NOT NULL FROM record WHERE kind = ?1 AND id = ?2",
    )
    .and_then(|mut statement| {
        statement
            .query_row([kind, id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()
    })
    .map_err(|e| StoreError::sqlite("looking up a record", &e))
}

/// Inserts a `record` row and returns its `rid`.
fn insert_head(tx: &Transaction<'_>, kind: &str, row: &Columns<'_>, source_id: i64) -> Result<i64> {
    let (start_ns, start_offset_s, start_zone) = row.start;
    tx.prepare_cached(
        "INSERT INTO record (kind, id, from_platform, stream, start_ns, start_offset_s, \
         start_zone, end_ns, end_offset_s, end_zone, source_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut statement| {
        statement.execute(params![
            kind,
            row.id,
            row.from_platform,
            row.stream,
            start_ns,
            start_offset_s,
            start_zone,
            row.end_ns,
            row.end_offset_s,
            row.end_zone,
            source_id
        ])
    })
    .map_err(|e| StoreError::sqlite("saving a record", &e))?;
    Ok(tx.last_insert_rowid())
}

/// Moves the `record` row `rid` to a new revision's stream, interval and source.
fn update_head(tx: &Transaction<'_>, rid: i64, row: &Columns<'_>, source_id: i64) -> Result<()> {
    let (start_ns, start_offset_s, start_zone) = row.start;
    tx.prepare_cached(
        "UPDATE record SET stream = ?2, start_ns = ?3, start_offset_s = ?4, start_zone = ?5, \
         end_ns = ?6, end_offset_s = ?7, end_zone = ?8, source_id = ?9 WHERE rid = ?1",
    )
    .and_then(|mut statement| {
        statement.execute(params![
            rid,
            row.stream,
            start_ns,
            start_offset_s,
            start_zone,
            row.end_ns,
            row.end_offset_s,
            row.end_zone,
            source_id
        ])
    })
    .map_err(|e| StoreError::sqlite("updating a record", &e))?;
    Ok(())
}

/// Deletes row `rid` and, by cascade, its details (an update replaces them).
fn delete_row(tx: &Transaction<'_>, rid: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM record WHERE rid = ?1")
        .and_then(|mut statement| statement.execute([rid]))
        .map_err(|e| StoreError::sqlite("replacing a record", &e))?;
    Ok(())
}

/// Turns the live record `(kind, id)` into a tombstone; 1 if it did, 0 for an unknown or already
/// deleted id.
fn tombstone(tx: &Transaction<'_>, kind: &str, id: &str, now_ms: i64) -> Result<usize> {
    tx.prepare_cached(
        "UPDATE record SET deleted_at_ms = ?3 \
         WHERE kind = ?1 AND id = ?2 AND deleted_at_ms IS NULL",
    )
    .and_then(|mut statement| statement.execute(params![kind, id, now_ms]))
    .map_err(|e| StoreError::sqlite("deleting a record", &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;
    use crate::health::{ActivityType, DeviceInfo, Source, Workout};
    use crate::store::pending::tests::{
        Delivery, assert_counts, every_order, pending_at, pending_count,
    };

    const STREAM: &str = "healthkit:workout";

    fn walk(start: i64, id: Option<&str>, kcal: f64) -> Workout {
        Workout {
            activity: ActivityType::Walking,
            start: ts(start),
            end: ts(start + 1800),
            duration_s: 1800.0,
            active_energy_kcal: Some(kcal),
            avg_heart_rate_bpm: None,
            max_heart_rate_bpm: None,
            distance_m: None,
            events: Vec::new(),
            source: watch(),
            platform_id: id.map(str::to_owned),
        }
    }

    fn all(store: &Store) -> Vec<Workout> {
        store
            .records(ts(-86_400).utc(), ts(86_400).utc())
            .expect("reads")
    }

    /// The id of `walk(0, None, _)`; see the test below.
    const PINNED_WORKOUT_ID: &str = "32f2d715-2a1d-554f-9180-464fbfabac2d";

    #[test]
    fn content_ids_are_stable_and_ignore_measurements_and_device_details_outside_the_key() {
        let export = walk(0, None, 120.0);
        let id = record_id(&export);
        assert_eq!(Uuid::parse_str(&id).map(|u| u.get_version_num()), Ok(5));
        // Pinned: every stored export workout is keyed by this. If it changes, the key or the
        // namespace changed, and the next re-import would duplicate every workout.
        assert_eq!(id, PINNED_WORKOUT_ID);
        // A recomputed total is the same workout; another start or source is another.
        assert_eq!(record_id(&walk(0, None, 135.0)), id);
        assert_ne!(record_id(&walk(1, None, 120.0)), id);
        let mut phone = export.clone();
        phone.source = Source {
            device: Some(DeviceInfo::default()),
            ..Source::named("iPhone")
        };
        assert_ne!(record_id(&phone), id);
        // The device kind is inferred by importers and stays out of the key.
        let mut inferred = export.clone();
        if let Some(device) = inferred.source.device.as_mut() {
            device.kind = None;
        }
        assert_eq!(record_id(&inferred), id);
        assert_eq!(record_id(&walk(0, Some("HK-W"), 120.0)), "HK-W");
    }

    #[test]
    fn a_failed_batch_moves_neither_records_nor_the_anchor() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("alyze.db");
        let mut store = Store::open(&path).expect("opens");
        store
            .ingest(STREAM, &[walk(0, Some("W-1"), 100.0)], &[], Some(b"a1"))
            .expect("ingests");
        // A fault in a detail table, after the batch's `record` rows were written.
        store
            .conn
            .execute_batch(
                "CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON main.workout \
                 WHEN NEW.active_energy_kcal = 777.0 \
                 BEGIN SELECT RAISE(ABORT, 'injected fault'); END;",
            )
            .expect("creates the trigger");
        let batch = [
            walk(3600, Some("W-2"), 100.0),
            walk(7200, Some("W-3"), 777.0),
            walk(10_800, Some("W-4"), 100.0),
        ];
        let error = store
            .ingest(STREAM, &batch, &["W-1".to_owned()], Some(b"a2"))
            .map(|_| ())
            .expect_err("the fault stops the batch");
        assert!(matches!(
            error,
            StoreError::Sqlite {
                operation: "saving a workout",
                ..
            }
        ));
        assert!(!error.to_string().contains("777"), "{error}");
        drop(store);
        let store = Store::open(&path).expect("reopens");
        assert_eq!(all(&store), vec![walk(0, Some("W-1"), 100.0)]);
        assert_eq!(store.anchor(STREAM).expect("reads"), Some(b"a1".to_vec()));
        let rows: i64 = store
            .conn
            .query_row("SELECT count(*) FROM record", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_deleted_record_is_not_resurrected_and_a_replayed_deletion_counts_nothing() {
        let mut store = Store::open_in_memory().expect("opens");
        let w = walk(0, Some("W-1"), 100.0);
        store
            .ingest(STREAM, std::slice::from_ref(&w), &[], None)
            .expect("ingests");
        let deletion = ["W-1".to_owned()];
        let first = store
            .ingest::<Workout>(STREAM, &[], &deletion, None)
            .expect("ingests");
        assert_eq!(first.deleted, 1);
        let replay = store
            .ingest(STREAM, std::slice::from_ref(&w), &deletion, None)
            .expect("ingests");
        assert_eq!(
            replay,
            IngestReport {
                duplicates: 1,
                ..IngestReport::default()
            }
        );
        assert!(all(&store).is_empty());
    }

    /// The `deleted_at_ms` of the workout `id` and whether its details are kept; a panic for none.
    fn workout_row(store: &Store, id: &str) -> (Option<i64>, bool) {
        store
            .conn
            .query_row(
                "SELECT r.deleted_at_ms, w.rid IS NOT NULL FROM record r \
                 LEFT JOIN workout w ON w.rid = r.rid WHERE r.kind = 'workout' AND r.id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("reads")
    }

    #[test]
    fn a_range_read_uses_an_index_range_on_both_sides() {
        let store = Store::open_in_memory().expect("opens");
        // The head query of `records`, as prepared there.
        let sql = "EXPLAIN QUERY PLAN SELECT r.rid FROM record r \
             WHERE r.kind = ?1 AND r.deleted_at_ms IS NULL AND r.start_ns >= ?2 AND r.start_ns < ?3 \
             UNION ALL SELECT r.rid FROM record r \
             WHERE r.kind = ?1 AND r.deleted_at_ms IS NULL AND r.end_ns > ?2 AND r.start_ns < ?2";
        let plan: Vec<String> = store
            .conn
            .prepare(sql)
            .expect("prepares")
            .query_map(params!["workout", 0, 1], |row| row.get(3))
            .expect("plans")
            .collect::<std::result::Result<_, _>>()
            .expect("reads");
        let text = plan.join("\n");
        assert!(
            text.contains("record_live_by_kind (kind=? AND start_ns>? AND start_ns<?)"),
            "{text}"
        );
        assert!(
            text.contains("record_live_by_kind_end (kind=? AND end_ns>?)"),
            "{text}"
        );
    }

    #[test]
    fn records_that_start_before_a_range_and_end_in_it_are_read_once() {
        let mut store = Store::open_in_memory().expect("opens");
        let workout = |start_s: i64, end_s: i64, id: &str| Workout {
            activity: ActivityType::Running,
            start: ts(start_s),
            end: ts(end_s),
            duration_s: (end_s - start_s) as f64,
            active_energy_kcal: None,
            avg_heart_rate_bpm: None,
            max_heart_rate_bpm: None,
            distance_m: None,
            events: Vec::new(),
            source: watch(),
            platform_id: Some(id.to_owned()),
        };
        let batch = [
            workout(0, 100, "before"),
            workout(50, 250, "across"),
            workout(200, 300, "inside"),
            workout(150, 200, "ends-at-start"),
            workout(400, 500, "after"),
        ];
        store.ingest("s", &batch, &[], None).expect("ingests");
        let read: Vec<Workout> = store.records(ts(200).utc(), ts(400).utc()).expect("reads");
        let ids: Vec<&str> = read
            .iter()
            .filter_map(|w| w.platform_id.as_deref())
            .collect();
        assert_eq!(ids, ["across", "inside"]);
    }

    #[test]
    fn a_deletion_before_its_record_stores_the_record_as_a_tombstone() {
        let mut store = Store::open_in_memory().expect("opens");
        let deletion = store
            .ingest::<Workout>(STREAM, &[], &["W-9".to_owned()], Some(b"a2"))
            .expect("ingests");
        assert_eq!(deletion, IngestReport::default());
        let received = pending_at(&store, Workout::KIND, "W-9").expect("remembered");
        // A sleep session with that id is another kind: the deletion is not its.
        let night = crate::health::SleepSession {
            start: ts(0),
            end: ts(3600),
            segments: Vec::new(),
            source: watch(),
            platform_id: Some("W-9".to_owned()),
        };
        let other_kind = store
            .ingest("healthkit:sleep", std::slice::from_ref(&night), &[], None)
            .expect("ingests");
        assert_eq!(other_kind.inserted, 1);
        // The workout's batch comes after its deletion.
        let late = store
            .ingest(
                STREAM,
                &[walk(0, Some("W-9"), 100.0), walk(3600, Some("W-1"), 90.0)],
                &[],
                Some(b"a1"),
            )
            .expect("ingests");
        assert_eq!(
            late,
            IngestReport {
                inserted: 1,
                duplicates: 1,
                ..IngestReport::default()
            }
        );
        assert_eq!(all(&store), vec![walk(3600, Some("W-1"), 90.0)]);
        // Kept whole as a tombstone, deleted when the deletion was received, for sync.
        assert_eq!(workout_row(&store, "W-9"), (Some(received), true));
        assert_eq!(pending_count(&store), 0);
        // A sweep counts live records only.
        let swept = store
            .sweep::<Workout>(
                STREAM,
                &["W-1".to_owned()],
                ts(-60).utc(),
                ts(7200).utc(),
                None,
            )
            .expect("sweeps");
        assert_eq!(swept, 0);
        assert_eq!(workout_row(&store, "W-9"), (Some(received), true));
    }

    #[test]
    fn a_record_and_its_deletion_end_deleted_in_every_order_and_replay() {
        for order in every_order() {
            let mut store = Store::open_in_memory().expect("opens");
            let record = [walk(0, Some("W-9"), 100.0)];
            let deletion = ["W-9".to_owned()];
            assert_counts(&order, |delivery| {
                let (records, deleted): (&[Workout], &[String]) = match delivery {
                    Delivery::Sample => (&record, &[]),
                    Delivery::Deletion => (&[], &deletion),
                    Delivery::Both => (&record, &deletion),
                };
                store
                    .ingest(STREAM, records, deleted, None)
                    .expect("ingests")
            });
            assert!(all(&store).is_empty(), "{order:?}");
            assert!(workout_row(&store, "W-9").0.is_some(), "{order:?}");
            assert_eq!(pending_count(&store), 0, "{order:?}");
        }
    }

    #[test]
    fn timed_ends_round_to_the_millisecond_and_refuse_the_unrepresentable() {
        assert_eq!(after(&ts(0), 1.0004).map(|t| t.utc()), Some(ts(1).utc()));
        assert_eq!(after(&ts(0), f64::INFINITY), None);
        assert_eq!(after(&ts(0), 1e300), None);
    }
}
