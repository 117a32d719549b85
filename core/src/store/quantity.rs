//! Quantity samples: ingest from a platform stream, mark-and-sweep after a full re-read, and reads.
//!
//! # Ingest
//!
//! A platform stream (one HealthKit anchored query, one Health Connect changes token, one Apple
//! export import) hands the shell batches of samples, the ids of deleted samples and a new anchor.
//! [`Store::ingest_quantities`] stores a batch in one transaction with its anchor, so the anchor
//! never moves without its data: if the app dies before the commit, the platform re-delivers the
//! batch from the old anchor, and because the ingest is idempotent nothing is counted twice.
//!
//! Each sample is keyed by [`quantity_id`]: its platform id, or a UUIDv5 of its content key when it
//! has none (Apple's export). Then, per sample:
//! - an invalid sample is skipped with its position and reason; the rest of the batch is stored
//!   (one bad row from a third-party app must not block a night's data);
//! - a new id is inserted;
//! - an id already stored with the same content is a duplicate (a replayed batch, a re-import, or
//!   byte-identical records within one export) and changes nothing;
//! - an id stored with other content is updated: Health Connect delivers an edited record under its
//!   old id, and the latest delivery is the platform's truth;
//! - an id that was deleted stays deleted and counts as a duplicate: platforms never reuse a
//!   deleted id, so its reappearance can only be a replay of an old batch, which must not
//!   resurrect it.
//!
//! Deletions are applied after the samples: the platform's change lists put a deletion after the
//! upsert it undoes, and neither platform reuses an id after deleting it. A deletion keeps the row
//! as a tombstone (`deleted_at_ms`) so that sync can carry it and a replay cannot undo it. A
//! deletion names a platform id, whatever the sample's kind, and reaches the row keyed by
//! `platform_key` of it.
//!
//! A deletion of an id the store does not hold (yet) is remembered (`pending.rs`, schema version
//! 4): the shell may commit the batch with the deletion before the batch with the sample
//! (batches reordered, a HealthKit deleted-object list handled first). When the sample arrives, it
//! is stored as a tombstone, deleted at the time the deletion was received, so that sync can
//! carry the deletion; it counts as a duplicate, like any delivery of an id already deleted; and
//! the pending entry is removed. The final state is the one in-order delivery gives, replays of
//! either included. Such a deletion counts nothing in the report's `deleted` (no live row was
//! deleted), as its replay does not. The cost stays off the hot path: a batch reads the pending
//! deletions once (none, in the common case: one query per batch), and a sample with a platform
//! id is looked up among them in memory; a sample without one (Apple's export) never is.
//!
//! # Multi-row inserts
//!
//! A batch's valid samples go to the store [`ROWS_PER_INSERT`] to a statement: for a table of
//! small rows, a statement's own work (opening a cursor on the table and each index, stepping,
//! halting, resetting) cost as much as the row's. The statement inserts the rows whose id is new
//! and leaves the others; when it inserted every row (a first import, a new platform batch), each
//! counts as inserted, which is what one statement per sample gives. Otherwise each row is
//! settled in order against what is stored now, as one statement per sample would have done after
//! its insert found the id: a row it just inserted finds itself and counts as inserted, a
//! tombstone or the same content is a duplicate, other content is an edit and replaces it (and a
//! later row of the same id in the batch then finds the edit). What is left over at the end of a
//! slice, and a sample a pending deletion may name, goes one statement per sample, in order.
//!
//! SQLite keeps a statement journal (a copy of each page touched) for a statement of several rows
//! that may fail halfway, which a check constraint, a foreign key or a `NOT NULL` under an upsert
//! clause make possible; so the table has none of the first two (schema version 6) and the
//! statement is `INSERT OR IGNORE`. Every row is validated before it is bound, so nothing but an
//! existing id can make it ignore a row, and a row it ignored that is not stored afterwards fails
//! the batch.
//!
//! # Full re-read and sweep
//!
//! Health Connect's changes tokens expire after 30 days (a HealthKit stream restarted without its
//! anchor is the same case); the shell then reads everything again, and deletions that happened
//! meanwhile are visible only as rows that no longer come back. The protocol, with [`Store::sweep_quantities`]:
//! 1. take the new starting point first (Health Connect: `getChangesToken`), so nothing changed
//!    during the re-read is missed afterwards;
//! 2. read the whole range, ingest it in batches with no anchor, collect the [`quantity_id`] of
//!    every sample read (valid or not); a row swept because its id was left out stays deleted,
//!    since a later delivery of a deleted id counts as a replay;
//! 3. call the sweep with those ids, the range read and the new anchor: live rows of the stream
//!    whose start lies in the range and whose id was not seen become tombstones, and the anchor is
//!    saved in the same transaction.
//!
//! If the app dies before step 3 commits, the old anchor stays and the next attempt starts again
//! at step 1: nothing is swept on a partial read. A single call with the seen ids was preferred to
//! a begin/finish pair that stamps rows as they are seen: it needs no extra column or state in the
//! file, and a few hundred thousand ids (a year of samples) fit in memory.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use rusqlite::{CachedStatement, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use uuid::Uuid;

use super::Store;
use super::batch::{Deletion, IngestReport, OpenBatch, Outcome};
use super::content_id::{content_id, content_uuid};
use super::error::{Result, SkipReason, StoreError};
use super::outbox::is_pulled;
use super::pending::{self, Pending};
use super::series;
use super::source;
use crate::health::{QuantityKind, QuantitySample, Source, Timestamp, Validate};

/// The UUIDv5 namespace of content-derived quantity ids. Fixed forever: changing it would give
/// every stored export row a new id, so the next re-import would duplicate them all.
const CONTENT_ID_NAMESPACE: Uuid = Uuid::from_u128(0xd0b8_19be_c32a_49b4_ba6a_9299_72de_7580);

/// The UUIDv5 namespace of the keys of platform ids (schema version 3). Fixed forever, like
/// [`CONTENT_ID_NAMESPACE`].
const PLATFORM_KEY_NAMESPACE: Uuid = Uuid::from_u128(0x7a41_c2e9_5b0d_4e36_9f18_2c6d_b3a0_e5f7);

/// The id of `sample`: its platform id, or for a sample without one a UUIDv5 of
/// [`QuantitySample::content_key`] (the key itself holds the value and is never stored). Sweeps
/// take these ids.
pub fn quantity_id(sample: &QuantitySample) -> String {
    match &sample.platform_id {
        Some(id) => id.clone(),
        None => content_id(&CONTENT_ID_NAMESPACE, sample.content_key().as_bytes()),
    }
}

/// The 16-byte key a row is stored under (schema version 3): a UUIDv5 of the platform id, or the
/// content UUID's bytes. Keys the same length whatever the platform's id looks like keep the
/// index small, which is what an insert among a year of rows mostly pays for.
pub(super) fn platform_key(platform_id: &str) -> [u8; 16] {
    content_uuid(&PLATFORM_KEY_NAMESPACE, &[platform_id.as_bytes()])
}

/// The key of a row stored before schema version 3 under text id `id`: the platform id's key, or
/// the bytes of the content UUID the text spells. `None` for a content id that is not a UUID
/// (never written by any version).
pub(super) fn key_of_text_id(id: &str, from_platform: bool) -> Option<[u8; 16]> {
    if from_platform {
        Some(platform_key(id))
    } else {
        Uuid::parse_str(id).ok().map(Uuid::into_bytes)
    }
}

impl Store {
    /// Stores a batch from platform stream `stream` with its deletions and, when given, the anchor
    /// that follows it, all in one transaction (module doc). Fails only when the database does;
    /// then nothing of the batch, and not the anchor, is stored.
    pub fn ingest_quantities(
        &mut self,
        stream: &str,
        samples: &[QuantitySample],
        deleted_ids: &[String],
        anchor: Option<&[u8]>,
    ) -> Result<IngestReport> {
        let mut batch = self.begin_quantities(stream)?;
        batch.add(samples)?;
        batch.finish(deleted_ids, anchor)
    }

    /// Starts a batch from `stream` whose samples are added in slices ([`QuantityBatch`]): what
    /// [`Store::ingest_quantities`] does, for a caller (a bulk import) that should not hold a
    /// whole large batch in memory at once.
    pub fn begin_quantities<'s>(&'s mut self, stream: &'s str) -> Result<QuantityBatch<'s>> {
        let batch = self.open_batch()?;
        let pending = batch.pending_deletions(pending::QUANTITY)?;
        Ok(QuantityBatch {
            batch,
            stream,
            pending,
        })
    }

    /// Ends a full re-read of `stream` (module doc): live rows of the stream whose start lies in
    /// `[from, to)` and whose id is not in `seen_ids` become tombstones, and `anchor`, when given,
    /// is saved in the same transaction. Returns how many rows were swept.
    pub fn sweep_quantities(
        &mut self,
        stream: &str,
        seen_ids: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        anchor: Option<&[u8]>,
    ) -> Result<usize> {
        let candidates = |tx: &Transaction<'_>| {
            tx.prepare_cached(&sweep_sql())
                .and_then(|mut statement| {
                    statement
                        .query_map(params![stream, bound_ns(from), bound_ns(to)], |row| {
                            let key: [u8; 16] = row.get(0)?;
                            let platform_id: Option<String> = row.get(1)?;
                            let id = platform_id
                                .unwrap_or_else(|| Uuid::from_bytes(key).hyphenated().to_string());
                            Ok((id, key))
                        })?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(|e| StoreError::sqlite("finding rows to sweep", &e))?
                .into_iter()
                // A series' sample is seen when its series is (`series.rs`): the re-read
                // delivers the record, whose id is what the shell collects.
                .map(|(id, key)| Ok((series::of_member(tx, &id, &key)?.unwrap_or(id), key)))
                .collect()
        };
        self.sweep_stream(stream, seen_ids, anchor, candidates, tombstone)
    }

    /// The live samples of `kind` whose start lies in `[from, to)`, by start (then id, so that
    /// samples starting together always come in the same order).
    pub fn quantities(
        &self,
        kind: QuantityKind,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<QuantitySample>> {
        let sql = format!(
            "SELECT {} FROM quantity_sample q JOIN source s ON s.id = q.source_id \
             WHERE q.kind = ?1 AND q.deleted_at_ms IS NULL AND q.start_ns >= ?2 AND q.start_ns < ?3 \
             ORDER BY q.start_ns, q.id",
            *SAMPLE_COLUMNS
        );
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading samples", &e);
        let mut statement = self.conn.prepare_cached(&sql).map_err(fail)?;
        let mut rows = statement
            .query(params![kind_number(kind), bound_ns(from), bound_ns(to)])
            .map_err(fail)?;
        let mut samples = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            samples.push(read_sample(kind, row, 0)?);
        }
        Ok(samples)
    }

    /// Starts a write transaction that takes the write lock at once: a deferred one would take it
    /// at its first write, and fail with `SQLITE_BUSY` without waiting if another connection wrote
    /// in between.
    pub(super) fn write_transaction(&mut self) -> Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite("starting a write", &e))
    }
}

/// A batch of quantity samples being written, one transaction ([`Store::begin_quantities`]).
/// Dropped without [`QuantityBatch::finish`], it rolls back: nothing of it is stored.
pub struct QuantityBatch<'s> {
    pub(super) batch: OpenBatch<'s>,
    stream: &'s str,
    /// The pending deletions of quantity samples when the batch started (`pending.rs`).
    pub(super) pending: Pending,
}

impl QuantityBatch<'_> {
    /// Stores `samples` in the batch (module doc, "Ingest"); skips are reported at their position
    /// in the whole batch. Valid samples go to the store `ROWS_PER_INSERT` at a time (module
    /// doc, "Multi-row inserts"); the rest of a slice, and a sample a pending deletion may name,
    /// one at a time, in the order given.
    pub fn add(&mut self, samples: &[QuantitySample]) -> Result<()> {
        let mut identities = SourceIdentities::default();
        self.store_checked(
            samples
                .iter()
                .map(|sample| (sample, check(sample, &mut identities))),
        )
    }

    /// [`QuantityBatch::add`] for samples checked and keyed beforehand ([`KeyedSample`]).
    pub fn add_keyed(&mut self, samples: &[KeyedSample]) -> Result<()> {
        self.store_checked(
            samples
                .iter()
                .map(|keyed| (&keyed.sample, keyed.checked.clone())),
        )
    }

    /// Stores each sample with what checking it gave, in order ([`QuantityBatch::add`]).
    fn store_checked<'a>(
        &mut self,
        samples: impl Iterator<Item = (&'a QuantitySample, Result<Checked, SkipReason>)>,
    ) -> Result<()> {
        let (stream, pending) = (self.stream, &self.pending);
        let (tx, report, sources, added) = self.batch.parts();
        let fail = |e: rusqlite::Error| StoreError::sqlite("saving a sample", &e);
        let mut single = tx.prepare_cached(INSERT).map_err(fail)?;
        let mut multi = tx.prepare_cached(&MULTI_INSERT).map_err(fail)?;
        let mut rows: Vec<(Columns<'_>, i64)> = Vec::with_capacity(ROWS_PER_INSERT);
        for (sample, checked) in samples {
            let position = *added;
            *added += 1;
            let row = match checked {
                Ok(checked) => Columns::of(stream, sample, checked),
                Err(reason) => {
                    report.skipped.push((position, reason));
                    continue;
                }
            };
            let source_id = source::shared_id_of(tx, &sample.source, sources)?;
            // Only a platform id can have been deleted before it arrived; an export row skips the
            // look-up.
            if sample.platform_id.is_some() && pending.may_hold(&row.key) {
                // Alone, after the rows before it, so that the order given is kept.
                for (row, source_id) in rows.drain(..) {
                    count(report, store_row(tx, &mut single, &row, source_id)?);
                }
                let outcome = match pending::take(tx, pending::QUANTITY, &row.key)? {
                    Some(deleted_at_ms) => {
                        // Stored, then made the tombstone the deletion would have made of it.
                        insert_new(&mut single, &row, source_id)?;
                        tombstone(tx, &row.key, deleted_at_ms)?;
                        Outcome::Duplicate
                    }
                    None => store_row(tx, &mut single, &row, source_id)?,
                };
                count(report, outcome);
                continue;
            }
            rows.push((row, source_id));
            if rows.len() == ROWS_PER_INSERT {
                store_rows(tx, &mut multi, &rows, report)?;
                rows.clear();
            }
        }
        for (row, source_id) in &rows {
            count(report, store_row(tx, &mut single, row, *source_id)?);
        }
        Ok(())
    }

    /// Samples added so far.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether no sample was added yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Applies the batch's deletions, saves the anchor that follows it when given, and commits:
    /// everything of the batch is stored, or (on a database failure) nothing.
    pub fn finish(self, deleted_ids: &[String], anchor: Option<&[u8]>) -> Result<IngestReport> {
        self.batch.finish(
            pending::QUANTITY,
            self.stream,
            deleted_ids,
            anchor,
            |tx, id, now_ms| match delete(tx, &platform_key(id), now_ms)? {
                // Not a sample: perhaps a series of them (`series.rs`).
                Deletion::Unknown => series::delete(tx, id, now_ms),
                found => Ok(found),
            },
        )
    }
}

/// A quantity sample checked and keyed ahead of its batch ([`QuantityBatch::add_keyed`]): the
/// part of storing a sample that needs no database (its validation, its instants as stored, its
/// key and the SHA-1 in it). A bulk import does it on the thread that parses, while the store
/// writes on another (`apple_export/import.rs`, "Two threads").
#[derive(Debug)]
pub struct KeyedSample {
    sample: QuantitySample,
    checked: Result<Checked, SkipReason>,
}

impl KeyedSample {
    /// Checks and keys `sample`; `identities` keeps the identity of the last source seen, which
    /// the samples of an export share.
    pub fn new(sample: QuantitySample, identities: &mut SourceIdentities) -> Self {
        let checked = check(&sample, identities);
        Self { sample, checked }
    }
}

/// What checking a valid sample gives: its key and its instants in nanoseconds, as stored.
#[derive(Debug, Clone, Copy)]
struct Checked {
    key: [u8; 16],
    start_ns: i64,
    end_ns: i64,
}

/// Validates `sample` and computes what it is stored under.
fn check(
    sample: &QuantitySample,
    identities: &mut SourceIdentities,
) -> Result<Checked, SkipReason> {
    sample.validate().map_err(SkipReason::Invalid)?;
    let ns = |field, t: &Timestamp| {
        t.utc()
            .timestamp_nanos_opt()
            .ok_or(SkipReason::Unstorable { field })
    };
    Ok(Checked {
        start_ns: ns("start", &sample.start)?,
        end_ns: ns("end", &sample.end)?,
        key: key_of(sample, identities),
    })
}

/// The identity (`Source::write_key`) of the last source a content key was made for: the
/// samples of a batch or an export share a handful of sources, and writing the identity is most
/// of the content key's text.
#[derive(Debug, Default)]
pub struct SourceIdentities {
    last: Option<(Arc<Source>, String)>,
}

impl SourceIdentities {
    /// The identity of `source`.
    fn of(&mut self, source: &Arc<Source>) -> &str {
        if !matches!(&self.last, Some((last, _)) if Arc::ptr_eq(last, source) || **last == **source)
        {
            self.last = None;
        }
        let (_, identity) = self.last.get_or_insert_with(|| {
            let mut identity = String::new();
            source.write_key(&mut identity);
            (Arc::clone(source), identity)
        });
        identity
    }
}

/// The key of `sample` ([`quantity_id`]'s key); a content key ends with the source's identity.
fn key_of(sample: &QuantitySample, identities: &mut SourceIdentities) -> [u8; 16] {
    match &sample.platform_id {
        Some(id) => platform_key(id),
        None => {
            let mut head = String::with_capacity(96);
            sample.write_key_head(&mut head);
            let identity = identities.of(&sample.source);
            content_uuid(
                &CONTENT_ID_NAMESPACE,
                &[head.as_bytes(), identity.as_bytes()],
            )
        }
    }
}

/// Counts `outcome` in `report`.
fn count(report: &mut IngestReport, outcome: Outcome) {
    match outcome {
        Outcome::Inserted => report.inserted += 1,
        Outcome::Updated => report.updated += 1,
        Outcome::Duplicate => report.duplicates += 1,
    }
}

/// Stores one valid sample (module doc, "Ingest") with [`INSERT`] as `insert`.
fn store_row(
    tx: &Transaction<'_>,
    insert: &mut CachedStatement<'_>,
    row: &Columns<'_>,
    source_id: i64,
) -> Result<Outcome> {
    // Insert first: a new id (the bulk of an import) costs one index probe; only an id already
    // stored is read back and compared.
    if insert_new(insert, row, source_id)? {
        return Ok(Outcome::Inserted);
    }
    settle(tx, row, source_id)
}

/// What a sample whose insert changed nothing is: a duplicate of the stored row or of a
/// tombstone, or an edit, which replaces the stored content.
fn settle(tx: &Transaction<'_>, row: &Columns<'_>, source_id: i64) -> Result<Outcome> {
    Ok(match stored(tx, &row.key)? {
        None => {
            return Err(StoreError::Corrupt {
                column: "quantity_sample.id",
            });
        }
        Some(old) if !old.takes(row, source_id) => Outcome::Duplicate,
        Some(_) => {
            update(tx, row, source_id)?;
            Outcome::Updated
        }
    })
}

/// Stores [`ROWS_PER_INSERT`] valid samples with one [`MULTI_INSERT`] (module doc, "Multi-row
/// inserts"), counting them in `report` as storing them one by one would.
fn store_rows(
    tx: &Transaction<'_>,
    multi: &mut CachedStatement<'_>,
    rows: &[(Columns<'_>, i64)],
    report: &mut IngestReport,
) -> Result<()> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("saving a sample", &e);
    let mut parameter = 1;
    if let Some((first, source_id)) = rows.first() {
        multi
            .raw_bind_parameter(parameter, row_params(first, source_id)[STREAM_COLUMN])
            .map_err(fail)?;
    }
    for (row, source_id) in rows {
        for (column, value) in row_params(row, source_id).iter().enumerate() {
            if column != STREAM_COLUMN {
                parameter += 1;
                multi.raw_bind_parameter(parameter, value).map_err(fail)?;
            }
        }
    }
    let inserted = multi.raw_execute().map_err(fail)?;
    if inserted == rows.len() {
        report.inserted += inserted;
        return Ok(());
    }
    // Some ids were stored already (a re-import, a replay) or repeat within the rows. Each row
    // is settled in order against what is stored now, read in one statement: a row just
    // inserted finds itself and counts in `inserted`; an edit is applied as it would have been
    // one by one (a later row of the same id finds the earlier one's content); the rest are
    // duplicates.
    let mut stored = stored_many(tx, rows)?;
    let mut updated = 0;
    for (row, source_id) in rows {
        let old = stored.get_mut(&row.key).ok_or(StoreError::Corrupt {
            column: "quantity_sample.id",
        })?;
        if !old.takes(row, *source_id) {
            continue;
        }
        update(tx, row, *source_id)?;
        *old = Stored::of(row, *source_id);
        updated += 1;
    }
    report.inserted += inserted;
    report.updated += updated;
    report.duplicates += rows.len() - inserted - updated;
    Ok(())
}

/// The live rows of stream `?1` starting in `[?2, ?3)`. There is no index by stream (schema
/// version 3): naming every kind lets SQLite read one range of the kind index per kind instead of
/// the whole table.
fn sweep_sql() -> String {
    let kinds: Vec<String> = QuantityKind::ALL
        .iter()
        .map(|&kind| kind_number(kind).to_string())
        .collect();
    format!(
        "SELECT id, platform_id FROM quantity_sample WHERE kind IN ({}) AND deleted_at_ms IS NULL \
         AND start_ns >= ?2 AND start_ns < ?3 AND stream = ?1",
        kinds.join(", ")
    )
}

/// Commits `tx`.
pub(super) fn commit(tx: Transaction<'_>) -> Result<()> {
    tx.commit()
        .map_err(|e| StoreError::sqlite("committing a write", &e))
}

/// A sample as its `quantity_sample` columns, less the source id and the tombstone; the texts
/// are borrowed from the sample (no copy per row).
#[derive(Debug)]
struct Columns<'a> {
    key: [u8; 16],
    platform_id: Option<&'a str>,
    stream: &'a str,
    kind: i64,
    value: f64,
    start_ns: i64,
    start_offset_s: i32,
    start_zone: Option<&'a str>,
    end_ns: i64,
    end_offset_s: i32,
    end_zone: Option<&'a str>,
}

impl<'a> Columns<'a> {
    /// Lays out `sample`, checked as `checked`, as columns.
    fn of(stream: &'a str, sample: &'a QuantitySample, checked: Checked) -> Self {
        Self {
            key: checked.key,
            platform_id: sample.platform_id.as_deref(),
            stream,
            kind: kind_number(sample.kind),
            value: sample.value,
            start_ns: checked.start_ns,
            start_offset_s: sample.start.offset_s(),
            start_zone: sample.start.zone(),
            end_ns: checked.end_ns,
            end_offset_s: sample.end.offset_s(),
            end_zone: sample.end.zone(),
        }
    }
}

/// A row as stored: what [`Columns`] holds for comparison, its source and its tombstone.
struct Stored {
    platform_id: Option<String>,
    stream: String,
    kind: i64,
    value: f64,
    start: (i64, i32, Option<String>),
    end: (i64, i32, Option<String>),
    source_id: i64,
    deleted_at_ms: Option<i64>,
}

impl Stored {
    /// Reads [`STORED_COLUMNS`] from `row`, starting at column `first`.
    fn read(row: &Row<'_>, first: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            platform_id: row.get(first)?,
            stream: row.get(first + 1)?,
            kind: row.get(first + 2)?,
            value: row.get(first + 3)?,
            start: (
                row.get(first + 4)?,
                row.get(first + 5)?,
                row.get(first + 6)?,
            ),
            end: (
                row.get(first + 7)?,
                row.get(first + 8)?,
                row.get(first + 9)?,
            ),
            source_id: row.get(first + 10)?,
            deleted_at_ms: row.get(first + 11)?,
        })
    }

    /// What `row` from source `source_id` is once stored live.
    fn of(row: &Columns<'_>, source_id: i64) -> Self {
        Self {
            platform_id: row.platform_id.map(str::to_owned),
            stream: row.stream.to_owned(),
            kind: row.kind,
            value: row.value,
            start: (
                row.start_ns,
                row.start_offset_s,
                row.start_zone.map(str::to_owned),
            ),
            end: (
                row.end_ns,
                row.end_offset_s,
                row.end_zone.map(str::to_owned),
            ),
            source_id,
            deleted_at_ms: None,
        }
    }

    /// Whether `new` from source `source_id` replaces this row: an edit of a live row, or a
    /// pulled sample over a tombstone (a record deleted and written again on the server comes
    /// back; a platform's deletion stays final against its own redeliveries).
    fn takes(&self, new: &Columns<'_>, source_id: i64) -> bool {
        match self.deleted_at_ms {
            Some(_) => is_pulled(new.stream),
            None => !self.same_as(new, source_id),
        }
    }

    /// Whether the row says exactly what `new` from source `source_id` says. Values are compared by
    /// their bits: SQLite keeps a REAL as the same 8 bytes, and `==` would call 0.0 and -0.0 equal.
    fn same_as(&self, new: &Columns<'_>, source_id: i64) -> bool {
        self.value.to_bits() == new.value.to_bits()
            && self.platform_id.as_deref() == new.platform_id
            && self.stream == new.stream
            && self.kind == new.kind
            && (self.start.0, self.start.1, self.start.2.as_deref())
                == (new.start_ns, new.start_offset_s, new.start_zone)
            && (self.end.0, self.end.1, self.end.2.as_deref())
                == (new.end_ns, new.end_offset_s, new.end_zone)
            && self.source_id == source_id
    }
}

/// The stored row with key `key`, if any.
fn stored(tx: &Transaction<'_>, key: &[u8; 16]) -> Result<Option<Stored>> {
    tx.prepare_cached(&STORED_ONE)
        .and_then(|mut statement| {
            statement
                .query_row([key], |row| Stored::read(row, 0))
                .optional()
        })
        .map_err(|e| StoreError::sqlite("looking up a sample", &e))
}

/// The stored rows with the keys of `rows` ([`ROWS_PER_INSERT`] of them), by key.
fn stored_many(
    tx: &Transaction<'_>,
    rows: &[(Columns<'_>, i64)],
) -> Result<HashMap<[u8; 16], Stored>> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("looking up samples", &e);
    let mut statement = tx.prepare_cached(&STORED_MANY).map_err(fail)?;
    for (i, (row, _)) in rows.iter().enumerate() {
        statement.raw_bind_parameter(i + 1, row.key).map_err(fail)?;
    }
    let mut found = HashMap::with_capacity(rows.len());
    let mut result = statement.raw_query();
    while let Some(row) = result.next().map_err(fail)? {
        let key: [u8; 16] = row.get(0).map_err(fail)?;
        found.insert(key, Stored::read(row, 1).map_err(fail)?);
    }
    Ok(found)
}

/// The columns [`Stored::read`] reads, in order.
const STORED_COLUMNS: &str = "platform_id, stream, kind, value, start_ns, start_offset_s, \
     start_zone, end_ns, end_offset_s, end_zone, source_id, deleted_at_ms";

/// The row of one key: [`STORED_COLUMNS`].
static STORED_ONE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {STORED_COLUMNS} FROM quantity_sample WHERE id = ?1"));

/// The rows of [`ROWS_PER_INSERT`] keys: the key, then [`STORED_COLUMNS`].
static STORED_MANY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT id, {STORED_COLUMNS} FROM quantity_sample WHERE id IN ({})",
        vec!["?"; ROWS_PER_INSERT].join(", ")
    )
});

/// Inserts a new row; answers 1 (inserted) or 0, changing nothing, when a row with its id
/// already exists (live or a tombstone). Only the uniqueness of the id is ignored (an upsert clause,
/// not `OR IGNORE`): any other constraint still fails the statement.
const INSERT: &str = "INSERT INTO quantity_sample (id, platform_id, stream, kind, value, start_ns, \
     start_offset_s, start_zone, end_ns, end_offset_s, end_zone, source_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
     ON CONFLICT (id) DO NOTHING";

/// Columns bound per row by [`INSERT`] ([`row_params`]).
const COLUMNS: usize = 12;

/// The position of the stream among [`row_params`]: [`MULTI_INSERT`] binds it once, as `?1`.
const STREAM_COLUMN: usize = 2;

/// Rows per [`MULTI_INSERT`] (module doc, "Multi-row inserts"): enough that the statement's own
/// cost (opening the table's and indexes' cursors, stepping, resetting) is a small part of each
/// row, few enough that the rest of a slice, stored one at a time, stays short.
const ROWS_PER_INSERT: usize = 64;

/// [`ROWS_PER_INSERT`] rows in one statement: `?1` is the stream, then each row's other
/// [`row_params`] in order. `OR IGNORE`, not the upsert clause of [`INSERT`]: with the upsert,
/// SQLite would keep a statement journal for the `NOT NULL` columns (module doc, "Multi-row
/// inserts"); a row ignored for anything but its id is caught after the statement
/// ([`store_rows`]).
static MULTI_INSERT: LazyLock<String> = LazyLock::new(|| {
    let rows: Vec<String> = (0..ROWS_PER_INSERT)
        .map(|row| {
            let mut next = 2 + row * (COLUMNS - 1);
            let columns: Vec<String> = (0..COLUMNS)
                .map(|column| {
                    if column == STREAM_COLUMN {
                        return "?1".to_owned();
                    }
                    next += 1;
                    format!("?{}", next - 1)
                })
                .collect();
            format!("({})", columns.join(", "))
        })
        .collect();
    format!(
        "INSERT OR IGNORE INTO quantity_sample (id, platform_id, stream, kind, value, start_ns, \
         start_offset_s, start_zone, end_ns, end_offset_s, end_zone, source_id) VALUES {}",
        rows.join(", ")
    )
});

/// Runs [`INSERT`] for `row`; returns whether the row was new.
fn insert_new(insert: &mut CachedStatement<'_>, row: &Columns<'_>, source_id: i64) -> Result<bool> {
    let changed = insert
        .execute(row_params(row, &source_id).as_slice())
        .map_err(|e| StoreError::sqlite("saving a sample", &e))?;
    Ok(changed == 1)
}

/// Replaces the content of a row, live again if it was a tombstone (only a pulled sample revives
/// one: [`Stored::takes`]).
fn update(tx: &Transaction<'_>, row: &Columns<'_>, source_id: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE quantity_sample SET platform_id = ?2, stream = ?3, kind = ?4, value = ?5, \
         start_ns = ?6, start_offset_s = ?7, start_zone = ?8, end_ns = ?9, end_offset_s = ?10, \
         end_zone = ?11, source_id = ?12, deleted_at_ms = NULL WHERE id = ?1",
    )
    .and_then(|mut statement| statement.execute(row_params(row, &source_id).as_slice()))
    .map_err(|e| StoreError::sqlite("updating a sample", &e))?;
    Ok(())
}

/// The parameters `?1` to `?12` of [`insert`] and [`update`].
fn row_params<'a>(row: &'a Columns<'_>, source_id: &'a i64) -> [&'a dyn rusqlite::ToSql; COLUMNS] {
    [
        &row.key,
        &row.platform_id,
        &row.stream,
        &row.kind,
        &row.value,
        &row.start_ns,
        &row.start_offset_s,
        &row.start_zone,
        &row.end_ns,
        &row.end_offset_s,
        &row.end_zone,
        source_id,
    ]
}

/// Turns the live row with key `key` into a tombstone; returns 1 if it did, 0 for an unknown or
/// already deleted key (so a replayed deletion counts nothing).
pub(super) fn tombstone(tx: &Transaction<'_>, key: &[u8; 16], now_ms: i64) -> Result<usize> {
    tx.prepare_cached(
        "UPDATE quantity_sample SET deleted_at_ms = ?2 WHERE id = ?1 AND deleted_at_ms IS NULL",
    )
    .and_then(|mut statement| statement.execute(params![key, now_ms]))
    .map_err(|e| StoreError::sqlite("deleting a sample", &e))
}

/// Applies a batch's deletion of the row with key `key` (`batch.rs`, [`Deletion`]).
fn delete(tx: &Transaction<'_>, key: &[u8; 16], now_ms: i64) -> Result<Deletion> {
    if tombstone(tx, key, now_ms)? == 1 {
        return Ok(Deletion::Deleted);
    }
    let stored: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM quantity_sample WHERE id = ?1)")
        .and_then(|mut statement| statement.query_row([key], |row| row.get(0)))
        .map_err(|e| StoreError::sqlite("deleting a sample", &e))?;
    Ok(if stored {
        Deletion::AlreadyDeleted
    } else {
        Deletion::Unknown
    })
}

/// The columns of a sample as [`read_sample`] reads them (a `quantity_sample q` joined with its
/// `source s`).
pub(super) static SAMPLE_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "q.platform_id, q.value, q.start_ns, q.start_offset_s, q.start_zone, q.end_ns, \
         q.end_offset_s, q.end_zone, {}",
        source::COLUMNS
    )
});

/// Reads a sample of `kind` from [`SAMPLE_COLUMNS`], starting at column `first`.
pub(super) fn read_sample(
    kind: QuantityKind,
    row: &Row<'_>,
    first: usize,
) -> Result<QuantitySample> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("reading samples", &e);
    let platform_id: Option<String> = row.get(first).map_err(fail)?;
    let timestamp = |at: usize, column: &'static str| -> Result<Timestamp> {
        let ns: i64 = row.get(first + at).map_err(fail)?;
        let offset_s: i32 = row.get(first + at + 1).map_err(fail)?;
        let zone: Option<String> = row.get(first + at + 2).map_err(fail)?;
        Timestamp::new(DateTime::from_timestamp_nanos(ns), offset_s, zone)
            .map_err(|_| StoreError::Corrupt { column })
    };
    Ok(QuantitySample {
        kind,
        value: row.get(first + 1).map_err(fail)?,
        start: timestamp(2, "quantity_sample.start")?,
        end: timestamp(5, "quantity_sample.end")?,
        source: Arc::new(source::read(row, first + 8)?),
        platform_id,
    })
}

/// The kind stored as `number` ([`kind_number`]).
pub(super) fn kind_of_number(number: i64) -> Result<QuantityKind> {
    QuantityKind::ALL
        .into_iter()
        .find(|kind| kind_number(*kind) == number)
        .ok_or(StoreError::Corrupt {
            column: "quantity_sample.kind",
        })
}

/// A query bound in nanoseconds, clamped to what an `i64` holds (every stored instant does).
pub(super) fn bound_ns(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// The number a quantity kind is stored as in `quantity_sample.kind` (schema version 3: a small
/// integer keeps the kind index small). Spelled out, and never reused, so that renaming or
/// reordering variants never changes what the file says.
pub(super) fn kind_number(kind: QuantityKind) -> i64 {
    match kind {
        QuantityKind::HeartRate => 1,
        QuantityKind::RestingHeartRate => 2,
        QuantityKind::HrvSdnn => 3,
        QuantityKind::HrvRmssd => 4,
        QuantityKind::RespiratoryRate => 5,
        QuantityKind::WristTemperature => 6,
        QuantityKind::Vo2Max => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;
    use crate::health::{HealthError, Source};
    use crate::store::pending::tests::{
        Delivery, assert_counts, every_order, pending_at, pending_count,
    };

    const HR: &str = "healthkit:heart_rate";

    fn sample(kind: QuantityKind, value: f64, start_s: i64, id: Option<&str>) -> QuantitySample {
        QuantitySample {
            kind,
            value,
            start: ts(start_s),
            end: ts(start_s + 60),
            source: watch().into(),
            platform_id: id.map(str::to_owned),
        }
    }

    fn heart_rate(value: f64, start_s: i64, id: &str) -> QuantitySample {
        sample(QuantityKind::HeartRate, value, start_s, Some(id))
    }

    /// All instants the tests use lie within a day of `ts(0)`.
    fn all_heart_rate(store: &Store) -> Vec<QuantitySample> {
        store
            .quantities(QuantityKind::HeartRate, ts(-86_400).utc(), ts(86_400).utc())
            .expect("reads")
    }

    fn rmssd(value: f64, start_s: i64) -> QuantitySample {
        QuantitySample {
            source: Source::named("Health Connect app").into(),
            ..sample(QuantityKind::HrvRmssd, value, start_s, Some("HC-7"))
        }
    }

    fn row_count(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT count(*) FROM quantity_sample", [], |row| row.get(0))
            .expect("counts")
    }

    fn ids(samples: &[QuantitySample]) -> Vec<&str> {
        samples
            .iter()
            .filter_map(|s| s.platform_id.as_deref())
            .collect()
    }

    /// What the table's checks and foreign key enforced before schema version 6 holds for every
    /// row a batch stores, several to a statement and one at a time, from two sources.
    #[test]
    fn stored_rows_keep_the_rules_the_table_no_longer_checks() {
        let mut store = Store::open_in_memory().expect("opens");
        // Every other sample has a platform id; every third comes from a second source.
        let samples: Vec<QuantitySample> = (0..200)
            .map(|i| {
                let id = format!("HK-{i}");
                let sample = sample(QuantityKind::HeartRate, 60.0, i * 60, Some(&id));
                QuantitySample {
                    platform_id: sample.platform_id.filter(|_| i % 2 == 0),
                    source: if i % 3 == 0 {
                        Source::named("Other app").into()
                    } else {
                        watch().into()
                    },
                    ..sample
                }
            })
            .collect();
        let report = store
            .ingest_quantities(HR, &samples, &[], None)
            .expect("stores");
        assert_eq!(report.inserted, 200);
        let broken: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM quantity_sample q LEFT JOIN source s ON s.id = q.source_id \
                 WHERE s.id IS NULL OR length(q.id) != 16 OR q.end_ns < q.start_ns",
                [],
                |row| row.get(0),
            )
            .expect("counts");
        assert_eq!(broken, 0);
        assert_eq!(row_count(&store), 200);
    }

    /// The content id of `sample(HeartRate, 60.0, 0, None)`; see the test below.
    const PINNED_CONTENT_ID: &str = "b47f5ec7-f9d9-588d-8443-417cfb6d8b1b";

    #[test]
    fn ids_are_the_platform_id_or_a_stable_content_uuid() {
        assert_eq!(quantity_id(&heart_rate(60.0, 0, "HK-1")), "HK-1");
        let export = sample(QuantityKind::HeartRate, 60.0, 0, None);
        let id = quantity_id(&export);
        let parsed = Uuid::parse_str(&id).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 5);
        // Pinned: this id is what every stored export row is keyed by. If it changes, the content
        // key or the namespace changed, and the next re-import would duplicate every export row.
        assert_eq!(id, PINNED_CONTENT_ID);
        let mut other = export.clone();
        other.value = 61.0;
        assert_ne!(quantity_id(&other), id);
        // The store keys the row by the same UUID (it builds it from the source identity it
        // keeps), and a platform row by its id's key, keeping the id as given.
        let mut store = Store::open_in_memory().expect("opens");
        store
            .ingest_quantities(HR, &[export, heart_rate(60.0, 0, "HK-1")], &[], None)
            .expect("ingests");
        let keys: Vec<([u8; 16], Option<String>)> = store
            .conn
            .prepare("SELECT id, platform_id FROM quantity_sample ORDER BY platform_id")
            .expect("prepares")
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("reads")
            .collect::<std::result::Result<_, _>>()
            .expect("reads");
        assert_eq!(
            keys,
            [
                (*parsed.as_bytes(), None),
                (platform_key("HK-1"), Some("HK-1".to_owned()))
            ]
        );
        assert_eq!(key_of_text_id(&id, false), Some(*parsed.as_bytes()));
        assert_eq!(key_of_text_id("HK-1", true), Some(platform_key("HK-1")));
        assert_eq!(key_of_text_id("HK-1", false), None);
    }

    #[test]
    fn kind_numbers_are_pinned() {
        // Stored in every row: changing one would make the rows of that kind unreadable.
        let numbers: Vec<i64> = QuantityKind::ALL.into_iter().map(kind_number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn samples_read_back_as_stored_and_survive_a_reopen() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("alyze.db");
        let batch = vec![
            heart_rate(58.0, 120, "HK-2"),
            heart_rate(61.5, 0, "HK-1"),
            sample(QuantityKind::HeartRate, 64.0, 60, None),
            rmssd(42.0, 30),
        ];
        {
            let mut store = Store::open(&path).expect("opens");
            let report = store
                .ingest_quantities(HR, &batch, &[], Some(b"anchor-1"))
                .expect("ingests");
            assert_eq!(report.inserted, 4);
        }
        let store = Store::open(&path).expect("reopens");
        // By start, HRV apart, and equal to what went in (offset, zone, source, platform id).
        assert_eq!(
            all_heart_rate(&store),
            vec![batch[1].clone(), batch[2].clone(), batch[0].clone()]
        );
        let hrv = store
            .quantities(QuantityKind::HrvRmssd, ts(0).utc(), ts(60).utc())
            .expect("reads");
        assert_eq!(hrv, vec![batch[3].clone()]);
        assert_eq!(store.anchor(HR).expect("reads"), Some(b"anchor-1".to_vec()));
    }

    #[test]
    fn the_time_range_is_start_inclusive_end_exclusive() {
        let mut store = Store::open_in_memory().expect("opens");
        let batch = [0, 60, 120].map(|s| heart_rate(60.0, s, &format!("HK-{s}")));
        store
            .ingest_quantities(HR, &batch, &[], None)
            .expect("ingests");
        let read = store
            .quantities(QuantityKind::HeartRate, ts(0).utc(), ts(120).utc())
            .expect("reads");
        assert_eq!(ids(&read), ["HK-0", "HK-60"]);
        // Bounds outside what nanoseconds cover are clamped, not refused.
        let read = store
            .quantities(
                QuantityKind::HeartRate,
                DateTime::<Utc>::MIN_UTC,
                DateTime::<Utc>::MAX_UTC,
            )
            .expect("reads");
        assert_eq!(read.len(), 3);
    }

    #[test]
    fn replaying_a_batch_adds_nothing() {
        let mut store = Store::open_in_memory().expect("opens");
        let export_row = sample(QuantityKind::HeartRate, 70.0, 300, None);
        // Apple's export holds byte-identical duplicates: they collapse within one batch too.
        let batch = vec![
            heart_rate(60.0, 0, "HK-1"),
            heart_rate(62.0, 60, "HK-2"),
            export_row.clone(),
            export_row,
        ];
        let deletions = ["HK-2".to_owned()];
        let first = store
            .ingest_quantities(HR, &batch, &deletions, Some(b"a1"))
            .expect("ingests");
        assert_eq!(
            first,
            IngestReport {
                inserted: 3,
                duplicates: 1,
                deleted: 1,
                ..IngestReport::default()
            }
        );
        let again = store
            .ingest_quantities(HR, &batch, &deletions, Some(b"a1"))
            .expect("ingests");
        assert_eq!(
            again,
            IngestReport {
                duplicates: 4,
                ..IngestReport::default()
            }
        );
        assert_eq!(row_count(&store), 3);
        // The replayed sample of a deleted id did not bring it back.
        let live = all_heart_rate(&store);
        assert_eq!(live.len(), 2);
        assert_eq!(ids(&live), ["HK-1"]);
        assert_eq!(live[1].platform_id, None);
    }

    #[test]
    fn an_invalid_sample_is_skipped_and_the_rest_stored() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut reversed = heart_rate(60.0, 120, "HK-3");
        reversed.end = ts(0);
        let far_future = QuantitySample {
            end: Timestamp::at_utc(DateTime::<Utc>::MAX_UTC),
            ..heart_rate(60.0, 180, "HK-4")
        };
        let batch = vec![
            heart_rate(60.0, 0, "HK-1"),
            heart_rate(999.0, 60, "HK-2"),
            reversed,
            far_future,
            heart_rate(65.0, 240, "HK-5"),
        ];
        let report = store
            .ingest_quantities(HR, &batch, &[], Some(b"a1"))
            .expect("ingests");
        assert_eq!(report.inserted, 2);
        assert_eq!(
            report.skipped,
            vec![
                (
                    1,
                    SkipReason::Invalid(HealthError::OutOfRange {
                        field: "value",
                        min: 20.0,
                        max: 300.0
                    })
                ),
                (
                    2,
                    SkipReason::Invalid(HealthError::EndBeforeStart { field: "interval" })
                ),
                (3, SkipReason::Unstorable { field: "end" }),
            ]
        );
        assert!(!report.skipped[0].1.to_string().contains("999"));
        assert_eq!(ids(&all_heart_rate(&store)), ["HK-1", "HK-5"]);
        assert_eq!(store.anchor(HR).expect("reads"), Some(b"a1".to_vec()));
    }

    #[test]
    fn a_sweep_reads_the_kind_index() {
        let store = Store::open_in_memory().expect("opens");
        let plan: Vec<String> = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", sweep_sql()))
            .expect("prepares")
            .query_map(params!["s", 0, 1], |row| row.get(3))
            .expect("plans")
            .collect::<std::result::Result<_, _>>()
            .expect("reads");
        assert_eq!(plan.len(), 1, "{plan:?}");
        assert!(
            plan[0].contains(
                "USING INDEX quantity_sample_live_by_kind (kind=? AND start_ns>? AND start_ns<?)"
            ),
            "{plan:?}"
        );
    }

    #[test]
    fn a_batch_added_in_slices_is_one_batch() {
        let mut store = Store::open_in_memory().expect("opens");
        let whole = [
            heart_rate(60.0, 0, "HK-1"),
            heart_rate(61.0, 60, "HK-2"),
            heart_rate(999.0, 120, "HK-3"),
            heart_rate(62.0, 180, "HK-4"),
        ];
        let mut in_one = Store::open_in_memory().expect("opens");
        let expected = in_one
            .ingest_quantities(HR, &whole, &["HK-1".to_owned()], Some(b"a1"))
            .expect("ingests");
        let mut batch = store.begin_quantities(HR).expect("begins");
        batch.add(&whole[..2]).expect("adds");
        batch.add(&whole[2..]).expect("adds");
        assert_eq!(batch.len(), 4);
        let report = batch
            .finish(&["HK-1".to_owned()], Some(b"a1"))
            .expect("commits");
        // The skip is at its position in the whole batch, not in its slice.
        assert_eq!(report.skipped[0].0, 2);
        assert_eq!(report, expected);
        assert_eq!(ids(&all_heart_rate(&store)), ["HK-2", "HK-4"]);
        assert_eq!(store.anchor(HR).expect("reads"), Some(b"a1".to_vec()));
    }

    #[test]
    fn a_batch_dropped_unfinished_stores_nothing() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut batch = store.begin_quantities(HR).expect("begins");
        batch.add(&[heart_rate(60.0, 0, "HK-1")]).expect("adds");
        drop(batch);
        assert!(all_heart_rate(&store).is_empty());
        assert_eq!(row_count(&store), 0);
    }

    #[test]
    fn an_edited_record_replaces_the_stored_one() {
        let mut store = Store::open_in_memory().expect("opens");
        store
            .ingest_quantities(HR, &[heart_rate(60.0, 0, "HC-1")], &[], None)
            .expect("ingests");
        let edited = heart_rate(62.0, 0, "HC-1");
        let report = store
            .ingest_quantities(HR, std::slice::from_ref(&edited), &[], None)
            .expect("ingests");
        assert_eq!(
            report,
            IngestReport {
                updated: 1,
                ..IngestReport::default()
            }
        );
        assert_eq!(all_heart_rate(&store), vec![edited]);
    }

    #[test]
    fn deletions_keep_a_tombstone_and_remember_unknown_ids() {
        let mut store = Store::open_in_memory().expect("opens");
        let batch = [heart_rate(60.0, 0, "HK-1"), heart_rate(61.0, 60, "HK-2")];
        store
            .ingest_quantities(HR, &batch, &[], None)
            .expect("ingests");
        let report = store
            .ingest_quantities(
                HR,
                &[],
                &["HK-1".to_owned(), "never-seen".to_owned()],
                Some(b"a2"),
            )
            .expect("ingests");
        assert_eq!(report.deleted, 1);
        assert_eq!(ids(&all_heart_rate(&store)), ["HK-2"]);
        // The row is kept, marked, for sync to carry the deletion.
        let deleted_at: Option<i64> = store
            .conn
            .query_row(
                "SELECT deleted_at_ms FROM quantity_sample WHERE platform_id = 'HK-1'",
                [],
                |row| row.get(0),
            )
            .expect("reads");
        assert!(deleted_at.is_some());
        assert_eq!(row_count(&store), 2);
        // The unknown id counts nothing, and is remembered in case its sample comes later.
        assert!(pending_at(&store, pending::QUANTITY, "never-seen").is_some());
        assert_eq!(pending_at(&store, pending::QUANTITY, "HK-1"), None);
        assert_eq!(pending_count(&store), 1);
    }

    /// The `deleted_at_ms` of the row of platform id `id`; `None` for a live row, a panic for none.
    fn deleted_at(store: &Store, id: &str) -> Option<i64> {
        store
            .conn
            .query_row(
                "SELECT deleted_at_ms FROM quantity_sample WHERE id = ?1",
                [platform_key(id)],
                |row| row.get(0),
            )
            .expect("reads")
    }

    #[test]
    fn a_deletion_before_its_sample_stores_the_sample_as_a_tombstone() {
        let mut store = Store::open_in_memory().expect("opens");
        store
            .ingest_quantities(HR, &[heart_rate(58.0, 0, "HK-1")], &[], Some(b"a1"))
            .expect("ingests");
        // The deletion comes first: nothing to delete yet, so it is remembered.
        let deletion = store
            .ingest_quantities(HR, &[], &["HK-9".to_owned()], Some(b"a3"))
            .expect("ingests");
        assert_eq!(deletion, IngestReport::default());
        let received = pending_at(&store, pending::QUANTITY, "HK-9").expect("remembered");
        // Then the batch with the sample (and another, new one).
        let late = store
            .ingest_quantities(
                "healthkit:other",
                &[heart_rate(66.0, 60, "HK-9"), heart_rate(61.0, 120, "HK-2")],
                &[],
                Some(b"a2"),
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
        assert_eq!(ids(&all_heart_rate(&store)), ["HK-1", "HK-2"]);
        // The sample is kept as a tombstone deleted when the deletion was received, for sync.
        assert_eq!(row_count(&store), 3);
        assert_eq!(deleted_at(&store, "HK-9"), Some(received));
        assert_eq!(pending_count(&store), 0);
        // A sweep of the stream finds only live rows: the tombstone is not counted again.
        let seen = ["HK-1".to_owned()];
        let swept = store
            .sweep_quantities(HR, &seen, ts(0).utc(), ts(600).utc(), Some(b"a4"))
            .expect("sweeps");
        assert_eq!(swept, 0);
        let swept = store
            .sweep_quantities(
                "healthkit:other",
                &[],
                ts(0).utc(),
                ts(600).utc(),
                Some(b"o2"),
            )
            .expect("sweeps");
        assert_eq!(swept, 1, "HK-2 only");
        assert_eq!(deleted_at(&store, "HK-9"), Some(received));
    }

    #[test]
    fn a_sample_and_its_deletion_end_deleted_in_every_order_and_replay() {
        for order in every_order() {
            let mut store = Store::open_in_memory().expect("opens");
            let sample = [heart_rate(66.0, 60, "HK-9")];
            let deletion = ["HK-9".to_owned()];
            assert_counts(&order, |delivery| {
                let (samples, deleted): (&[QuantitySample], &[String]) = match delivery {
                    Delivery::Sample => (&sample, &[]),
                    Delivery::Deletion => (&[], &deletion),
                    Delivery::Both => (&sample, &deletion),
                };
                store
                    .ingest_quantities(HR, samples, deleted, None)
                    .expect("ingests")
            });
            assert!(all_heart_rate(&store).is_empty(), "{order:?}");
            assert_eq!(row_count(&store), 1, "{order:?}");
            assert!(deleted_at(&store, "HK-9").is_some(), "{order:?}");
            assert_eq!(pending_count(&store), 0, "{order:?}");
        }
    }

    #[test]
    fn a_pending_deletion_touches_only_its_id_and_export_rows_never_look() {
        let mut store = Store::open_in_memory().expect("opens");
        store
            .ingest_quantities(HR, &[], &["HK-9".to_owned()], None)
            .expect("ingests");
        let export_row = sample(QuantityKind::HeartRate, 70.0, 300, None);
        let report = store
            .ingest_quantities(
                HR,
                &[heart_rate(60.0, 0, "HK-1"), export_row.clone()],
                &[],
                None,
            )
            .expect("ingests");
        assert_eq!(report.inserted, 2);
        assert_eq!(all_heart_rate(&store).len(), 2);
        assert!(pending_at(&store, pending::QUANTITY, "HK-9").is_some());
        // A record kind's deletion of the same id is another path's: the sample is not touched.
        store
            .ingest::<crate::health::Workout>("w", &[], &["HK-1".to_owned()], None)
            .expect("ingests");
        assert_eq!(deleted_at(&store, "HK-1"), None);
        assert_eq!(pending_count(&store), 2);
    }

    #[test]
    fn a_sweep_deletes_what_a_full_re_read_did_not_see() {
        let mut store = Store::open_in_memory().expect("opens");
        let hc = "health_connect:heart_rate";
        let batch: Vec<_> = [0, 60, 120, 180]
            .into_iter()
            .map(|s| heart_rate(60.0, s, &format!("HC-{s}")))
            .collect();
        store
            .ingest_quantities(hc, &batch, &[], Some(b"token-old"))
            .expect("ingests");
        // Another stream's row in the same range is not this sweep's business.
        store
            .ingest_quantities(HR, &[heart_rate(60.0, 90, "HK-90")], &[], None)
            .expect("ingests");
        // The re-read covered [60, 180): HC-120 is gone, HC-0 and HC-180 lie outside the range.
        let seen = ["HC-60".to_owned()];
        let swept = store
            .sweep_quantities(hc, &seen, ts(60).utc(), ts(180).utc(), Some(b"token-new"))
            .expect("sweeps");
        assert_eq!(swept, 1);
        assert_eq!(
            ids(&all_heart_rate(&store)),
            ["HC-0", "HC-60", "HK-90", "HC-180"]
        );
        assert_eq!(
            store.anchor(hc).expect("reads"),
            Some(b"token-new".to_vec())
        );
        // Sweeping again finds nothing more.
        let again = store
            .sweep_quantities(hc, &seen, ts(60).utc(), ts(180).utc(), None)
            .expect("sweeps");
        assert_eq!(again, 0);
    }

    /// Makes every insert of a heart rate of exactly `value` fail, as a full disk or a damaged page
    /// would part-way through a batch. A temporary trigger lives only on this connection.
    fn fail_inserts_of(store: &Store, value: f64) {
        store
            .conn
            .execute_batch(&format!(
                "CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON main.quantity_sample \
                 WHEN NEW.value = {value:?} BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
            ))
            .expect("creates the trigger");
    }

    #[test]
    fn a_failed_batch_moves_neither_samples_nor_the_anchor() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("alyze.db");
        let mut store = Store::open(&path).expect("opens");
        store
            .ingest_quantities(HR, &[heart_rate(60.0, 0, "HK-1")], &[], Some(b"a1"))
            .expect("ingests");
        fail_inserts_of(&store, 77.0);
        let batch = [
            heart_rate(61.0, 60, "HK-2"),
            heart_rate(62.0, 120, "HK-3"),
            heart_rate(77.0, 180, "HK-4"),
            heart_rate(63.0, 240, "HK-5"),
        ];
        let error = store
            .ingest_quantities(HR, &batch, &["HK-1".to_owned()], Some(b"a2"))
            .expect_err("the fault stops the batch");
        assert!(matches!(
            error,
            StoreError::Sqlite {
                operation: "saving a sample",
                ..
            }
        ));
        assert!(!error.to_string().contains("77"), "{error}");
        drop(store);
        // Nothing of the batch, not its deletion, and not its anchor, reached the file.
        let store = Store::open(&path).expect("reopens");
        assert_eq!(ids(&all_heart_rate(&store)), ["HK-1"]);
        assert_eq!(store.anchor(HR).expect("reads"), Some(b"a1".to_vec()));
    }
}
