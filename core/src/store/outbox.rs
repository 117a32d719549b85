//! The phone's side of sync in the store: the changes waiting to be pushed, the outbox of ops being
//! pushed, the server's answers, and the pull position (`docs/sync.md`; tables in `schema.rs`,
//! "Schema version 8").
//!
//! Change capture is free for a bulk import: new quantity samples are found above
//! `sync_state.sample_mark` (rowids only grow: sample rows are never deleted), and everything else
//! (new and changed records, edited and deleted samples) is noted by SQLite triggers in the
//! transaction that wrote it, so no write path can forget it and a crash cannot separate a change
//! from its note.
//!
//! [`Store::sync_ops`] hands out the outbox as it stands; only when it is empty does it move the
//! next changes into it, each with a fresh random op id, and advance the mark, in one transaction.
//! The op carries the record's state at that moment (its JSON, or a tombstone): a change made after
//! it is queued is noted again and goes in a later op. Ops keep their op ids until the server
//! answers ([`Store::settle_ops`]), so a retry after a lost answer is recognised by the server as
//! a duplicate; a crash between queueing and pushing pushes the same ops on the next run.

use chrono::Utc;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::Value;
use sha1::{Digest, Sha1};
use uuid::Uuid;

use super::Store;
use super::code::json_of;
use super::error::{Result, StoreError};
use super::ingest::load_one;
use super::ingest::sealed::Kind;
use super::quantity::{SAMPLE_COLUMNS, key_of_text_id, kind_of_number, quantity_id, read_sample};
use crate::health::{
    CheckIn, HeartbeatSeries, LabResult, QuantitySample, RecoverySession, SleepSession,
    TrainingSession, Workout,
};

/// The prefix of the streams a pull writes on (`sync:<collection>`): the outbox never queues what
/// they write, and what they write may bring a tombstone back to life.
pub const PULLED_STREAM_PREFIX: &str = "sync:";

/// Whether `stream` is one a pull writes on.
pub(crate) fn is_pulled(stream: &str) -> bool {
    stream.starts_with(PULLED_STREAM_PREFIX)
}

/// The collection of quantity samples (the record kinds' collections are their kind names).
pub const SAMPLE_COLLECTION: &str = "quantity_sample";

/// One op to push: the state of one record when it was queued.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncOp {
    /// Drawn when the op was queued, kept on every retry.
    pub op_id: String,
    /// The record's collection: [`SAMPLE_COLLECTION`] or the record kind.
    pub collection: String,
    /// The record's id in the store (platform id or content id).
    pub id: String,
    /// Whether the record is deleted (then `body` is `None`).
    pub deleted: bool,
    /// The record as the core serialises it.
    pub body: Option<Value>,
}

/// The server's answer to one op (`docs/sync.md`, "Push").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpOutcome {
    /// It took effect.
    Applied,
    /// It had taken effect before, or changed nothing.
    Duplicate,
    /// A stale revision: kept in the server's history, not current.
    Conflict,
    /// It can never apply; the reason is the server's code (`op_id_reused`, ...).
    Rejected(String),
}

/// An op the server refused for good.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedOp {
    /// The op.
    pub op: SyncOp,
    /// The server's reason code.
    pub reason: String,
}

/// Where the next pull starts: `None` before the first pull or after a reset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullPosition {
    /// The server's epoch the cursor belongs to.
    pub epoch: Option<String>,
    /// The last change applied.
    pub cursor: Option<i64>,
}

impl Store {
    /// The next ops to push, at most `limit`, oldest first (module doc).
    pub fn sync_ops(&mut self, limit: usize) -> Result<Vec<SyncOp>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let tx = self.write_transaction()?;
        let mut ops = read_outbox(&tx, limit)?;
        if ops.is_empty() {
            ops = queue_changes(&tx, limit)?;
            tx.commit()
                .map_err(|e| StoreError::sqlite("queueing changes", &e))?;
        }
        Ok(ops)
    }

    /// Queues a document the phone derives (`collection` `daily_summary` or `readiness`, `id`
    /// the local date) when its JSON differs from the one last queued under that id; returns
    /// whether it was queued. One transaction.
    pub fn queue_document(&mut self, collection: &str, id: &str, body: &Value) -> Result<bool> {
        let text = json_of(body, "sync_outbox.body")?;
        let hash = Sha1::digest(text.as_bytes()).to_vec();
        let tx = self.write_transaction()?;
        let fail = |e: rusqlite::Error| StoreError::sqlite("queueing a document", &e);
        let sent: Option<Vec<u8>> = tx
            .prepare_cached("SELECT hash FROM sync_document_sent WHERE collection = ?1 AND id = ?2")
            .and_then(|mut s| s.query_row([collection, id], |row| row.get(0)).optional())
            .map_err(fail)?;
        if sent.as_deref() == Some(hash.as_slice()) {
            return Ok(false);
        }
        push(&tx, collection, id, Some(body.clone()))?;
        tx.prepare_cached(
            "INSERT INTO sync_document_sent (collection, id, hash) VALUES (?1, ?2, ?3) \
             ON CONFLICT (collection, id) DO UPDATE SET hash = excluded.hash",
        )
        .and_then(|mut s| s.execute(params![collection, id, hash]))
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(true)
    }

    /// Settles pushed ops by the server's answers, in one transaction: answered ops leave the
    /// outbox, rejected ones are kept in `sync_rejected` with the reason. Op ids not in the outbox
    /// (an answer settled before) are ignored.
    pub fn settle_ops(&mut self, outcomes: &[(String, OpOutcome)]) -> Result<()> {
        let tx = self.write_transaction()?;
        let now_ms = Utc::now().timestamp_millis();
        let fail = |e: rusqlite::Error| StoreError::sqlite("settling pushed ops", &e);
        for (op_id, outcome) in outcomes {
            if let OpOutcome::Rejected(reason) = outcome {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sync_rejected \
                     (op_id, collection, record_id, body, reason, rejected_at_ms) \
                     SELECT op_id, collection, record_id, body, ?2, ?3 FROM sync_outbox \
                     WHERE op_id = ?1",
                )
                .and_then(|mut s| s.execute(params![op_id, reason, now_ms]))
                .map_err(fail)?;
            }
            tx.prepare_cached("DELETE FROM sync_outbox WHERE op_id = ?1")
                .and_then(|mut s| s.execute([op_id]))
                .map_err(fail)?;
        }
        tx.commit().map_err(fail)
    }

    /// The ops the server refused for good, newest first.
    pub fn rejected_ops(&self) -> Result<Vec<RejectedOp>> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading rejected ops", &e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT op_id, collection, record_id, body, reason FROM sync_rejected \
                 ORDER BY rejected_at_ms DESC, op_id",
            )
            .map_err(fail)?;
        let mut rows = statement.query([]).map_err(fail)?;
        let mut rejected = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let body: Option<String> = row.get(3).map_err(fail)?;
            rejected.push(RejectedOp {
                op: SyncOp {
                    op_id: row.get(0).map_err(fail)?,
                    collection: row.get(1).map_err(fail)?,
                    id: row.get(2).map_err(fail)?,
                    deleted: body.is_none(),
                    body: body.map(|text| parse_body(&text)).transpose()?,
                },
                reason: row.get(4).map_err(fail)?,
            });
        }
        Ok(rejected)
    }

    /// How many records wait to be pushed: the outbox, the noted changes and the new samples.
    /// An upper bound (a record noted twice counts twice), for progress.
    pub fn sync_backlog(&self) -> Result<u64> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM sync_outbox) \
                 + (SELECT count(*) FROM sync_changed_record) \
                 + (SELECT count(*) FROM sync_changed_sample) \
                 + (SELECT count(*) FROM quantity_sample \
                    WHERE rowid > (SELECT sample_mark FROM sync_state) \
                    AND stream NOT LIKE 'sync:%')",
                [],
                |row| row.get::<_, i64>(0),
            )
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| StoreError::sqlite("counting the sync backlog", &e))
    }

    /// Whether the record `(collection, id)` has a change made here that is not pushed yet. A
    /// pulled change of it is then not applied: the local one is newer and on its way up, and the
    /// server's answer to it comes back in a later pull.
    pub fn has_unpushed_change(&self, collection: &str, id: &str) -> Result<bool> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("looking for unpushed changes", &e);
        let queued: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE collection = ?1 AND record_id = ?2) \
                 OR EXISTS (SELECT 1 FROM sync_changed_record WHERE kind = ?1 AND id = ?2)",
            )
            .and_then(|mut s| s.query_row([collection, id], |row| row.get(0)))
            .map_err(fail)?;
        if queued || collection != SAMPLE_COLLECTION {
            return Ok(queued);
        }
        // A sample's text id is its platform id or its content UUID, and a platform id may
        // itself be a UUID: both keys are tried.
        let platform = key_of_text_id(id, true);
        let content = key_of_text_id(id, false);
        self.conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM quantity_sample q WHERE q.id IN (?1, ?2) \
                 AND q.stream NOT LIKE 'sync:%' \
                 AND (q.rowid > (SELECT sample_mark FROM sync_state) \
                      OR q.id IN (SELECT id FROM sync_changed_sample)))",
            )
            .and_then(|mut s| s.query_row(params![platform, content], |row| row.get(0)))
            .map_err(fail)
    }

    /// Remembers the server's version of records (`(collection, id, version)`), as a push's
    /// answer or a pull reports it. One transaction.
    pub fn note_server_versions(&mut self, versions: &[(String, String, i64)]) -> Result<()> {
        if versions.is_empty() {
            return Ok(());
        }
        let tx = self.write_transaction()?;
        let fail = |e: rusqlite::Error| StoreError::sqlite("noting server versions", &e);
        for (collection, id, version) in versions {
            tx.prepare_cached(
                "INSERT INTO sync_server_version (collection, id, version) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (collection, id) DO UPDATE SET version = excluded.version",
            )
            .and_then(|mut s| s.execute(params![collection, id, version]))
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)
    }

    /// The server's version of `(collection, id)` as last seen, `None` before the server had it.
    pub fn server_version(&self, collection: &str, id: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached(
                "SELECT version FROM sync_server_version WHERE collection = ?1 AND id = ?2",
            )
            .and_then(|mut s| s.query_row([collection, id], |row| row.get(0)).optional())
            .map_err(|e| StoreError::sqlite("reading a server version", &e))
    }

    /// Where the next pull starts.
    pub fn pull_position(&self) -> Result<PullPosition> {
        self.conn
            .query_row("SELECT epoch, cursor FROM sync_state", [], |row| {
                Ok(PullPosition {
                    epoch: row.get(0)?,
                    cursor: row.get(1)?,
                })
            })
            .map_err(|e| StoreError::sqlite("reading the pull position", &e))
    }

    /// Saves the position after a pulled page, once the page is applied (a crash in between
    /// re-applies the page, which is idempotent; the cursor is never ahead of the data).
    pub fn save_pull_position(&mut self, epoch: &str, cursor: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE sync_state SET epoch = ?1, cursor = ?2",
                params![epoch, cursor],
            )
            .map_err(|e| StoreError::sqlite("saving the pull position", &e))?;
        Ok(())
    }

    /// Binds this store's sync to `member_id` on its first sync, or checks that it is bound to
    /// that member already; `false` (and nothing changed) when it holds another member's data.
    pub fn bind_sync_member(&mut self, member_id: &str) -> Result<bool> {
        let tx = self.write_transaction()?;
        let bound: Option<String> = tx
            .query_row("SELECT member_id FROM sync_state", [], |row| row.get(0))
            .map_err(|e| StoreError::sqlite("reading the synced member", &e))?;
        match bound {
            Some(bound) => Ok(bound == member_id),
            None => {
                tx.execute("UPDATE sync_state SET member_id = ?1", [member_id])
                    .and_then(|_| tx.commit())
                    .map_err(|e| StoreError::sqlite("binding the synced member", &e))?;
                Ok(true)
            }
        }
    }

    /// Starts sync over after the server asked for a resync (a restore, a new epoch, a cursor past
    /// the tombstone retention): the pull position is forgotten and every record written here is
    /// queued again (the server answers `duplicate` for what it still has). The outbox stays: its
    /// ops keep their ids. One transaction.
    pub fn reset_sync(&mut self) -> Result<()> {
        let tx = self.write_transaction()?;
        tx.execute_batch(
            "UPDATE sync_state SET epoch = NULL, cursor = NULL, sample_mark = 0; \
             INSERT OR IGNORE INTO sync_changed_record (kind, id) \
             SELECT kind, id FROM record WHERE stream NOT LIKE 'sync:%'; \
             DELETE FROM sync_changed_sample; DELETE FROM sync_document_sent; \
             DELETE FROM sync_server_version;",
        )
        .and_then(|()| tx.commit())
        .map_err(|e| StoreError::sqlite("resetting sync", &e))
    }
}

/// The outbox, oldest first.
fn read_outbox(tx: &Transaction<'_>, limit: i64) -> Result<Vec<SyncOp>> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("reading the outbox", &e);
    let mut statement = tx
        .prepare_cached(
            "SELECT op_id, collection, record_id, body FROM sync_outbox \
             ORDER BY position LIMIT ?1",
        )
        .map_err(fail)?;
    let mut rows = statement.query([limit]).map_err(fail)?;
    let mut ops = Vec::new();
    while let Some(row) = rows.next().map_err(fail)? {
        let body: Option<String> = row.get(3).map_err(fail)?;
        ops.push(SyncOp {
            op_id: row.get(0).map_err(fail)?,
            collection: row.get(1).map_err(fail)?,
            id: row.get(2).map_err(fail)?,
            deleted: body.is_none(),
            body: body.map(|text| parse_body(&text)).transpose()?,
        });
    }
    Ok(ops)
}

/// Moves up to `limit` changes into the outbox: noted records, then noted samples, then new
/// samples above the mark.
fn queue_changes(tx: &Transaction<'_>, limit: i64) -> Result<Vec<SyncOp>> {
    let mut queued = Vec::new();
    let fail = |e: rusqlite::Error| StoreError::sqlite("queueing changes", &e);

    let noted: Vec<(String, String)> = tx
        .prepare_cached("SELECT kind, id FROM sync_changed_record ORDER BY kind, id LIMIT ?1")
        .and_then(|mut s| {
            s.query_map([limit], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        })
        .map_err(fail)?;
    for (kind, id) in noted {
        let row: Option<(i64, Option<i64>)> = tx
            .prepare_cached("SELECT rid, deleted_at_ms FROM record WHERE kind = ?1 AND id = ?2")
            .and_then(|mut s| {
                s.query_row([&kind, &id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(fail)?;
        // A noted record is always there (rows are replaced inside one transaction, never
        // removed); if not, there is nothing to say about it.
        if let Some((rid, deleted_at_ms)) = row {
            match (deleted_at_ms, record_body(tx, &kind, rid)?) {
                (Some(_), _) => queued.push(push(tx, &kind, &id, None)?),
                (None, Some(body)) => queued.push(push(tx, &kind, &id, Some(body))?),
                // A kind this code does not know (written by a newer app): that app pushes it.
                (None, None) => {}
            }
        }
        tx.prepare_cached("DELETE FROM sync_changed_record WHERE kind = ?1 AND id = ?2")
            .and_then(|mut s| s.execute([&kind, &id]))
            .map_err(fail)?;
    }

    let left = limit - i64::try_from(queued.len()).unwrap_or(limit);
    let sample_sql = format!(
        "SELECT q.rowid, q.id, q.kind, q.deleted_at_ms, {} \
         FROM quantity_sample q JOIN source s ON s.id = q.source_id",
        *SAMPLE_COLUMNS
    );
    let noted_samples: Vec<Vec<u8>> = tx
        .prepare_cached("SELECT id FROM sync_changed_sample ORDER BY id LIMIT ?1")
        .and_then(|mut s| s.query_map([left], |row| row.get(0))?.collect())
        .map_err(fail)?;
    for key in noted_samples {
        let sql = format!("{sample_sql} WHERE q.id = ?1");
        if let Some((_, sample, deleted)) = read_queued_samples(tx, &sql, params![key])?.pop() {
            queued.push(push_sample(tx, &sample, deleted)?);
        }
        tx.prepare_cached("DELETE FROM sync_changed_sample WHERE id = ?1")
            .and_then(|mut s| s.execute([&key]))
            .map_err(fail)?;
    }

    let left = limit - i64::try_from(queued.len()).unwrap_or(limit);
    if left > 0 {
        let sql = format!(
            "{sample_sql} WHERE q.rowid > (SELECT sample_mark FROM sync_state) \
             AND q.stream NOT LIKE 'sync:%' ORDER BY q.rowid LIMIT ?1"
        );
        let fresh = read_queued_samples(tx, &sql, params![left])?;
        for (_, sample, deleted) in &fresh {
            queued.push(push_sample(tx, sample, *deleted)?);
        }
        if let Some((rowid, _, _)) = fresh.last() {
            // The op carries the sample as it is now; an older note of it says nothing more.
            tx.execute_batch(&format!(
                "DELETE FROM sync_changed_sample WHERE id IN \
                 (SELECT id FROM quantity_sample WHERE rowid <= {rowid} \
                  AND rowid > (SELECT sample_mark FROM sync_state)); \
                 UPDATE sync_state SET sample_mark = {rowid};"
            ))
            .map_err(fail)?;
        }
    }
    Ok(queued)
}

/// Rows of the sample query `sql`: rowid, the sample and whether it is a tombstone.
fn read_queued_samples(
    tx: &Transaction<'_>,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<(i64, QuantitySample, bool)>> {
    let fail = |e: rusqlite::Error| StoreError::sqlite("reading samples to push", &e);
    let mut statement = tx.prepare_cached(sql).map_err(fail)?;
    let mut rows = statement.query(params).map_err(fail)?;
    let mut samples = Vec::new();
    while let Some(row) = rows.next().map_err(fail)? {
        let rowid: i64 = row.get(0).map_err(fail)?;
        let kind = kind_of_number(row.get(2).map_err(fail)?)?;
        let deleted_at_ms: Option<i64> = row.get(3).map_err(fail)?;
        samples.push((rowid, read_sample(kind, row, 4)?, deleted_at_ms.is_some()));
    }
    Ok(samples)
}

fn push_sample(tx: &Transaction<'_>, sample: &QuantitySample, deleted: bool) -> Result<SyncOp> {
    let body = if deleted {
        None
    } else {
        Some(
            serde_json::to_value(sample).map_err(|_| StoreError::Encoding {
                column: "sync_outbox.body",
            })?,
        )
    };
    push(tx, SAMPLE_COLLECTION, &quantity_id(sample), body)
}

/// Adds one op to the outbox with a fresh op id: a UUIDv7 (RFC 9562), whose leading timestamp
/// makes a phone's op ids ascend, so the server's op log (keyed by member and op id) grows at its
/// end instead of touching a random page of its index per op.
fn push(tx: &Transaction<'_>, collection: &str, id: &str, body: Option<Value>) -> Result<SyncOp> {
    let op_id = Uuid::now_v7().to_string();
    let text = body
        .as_ref()
        .map(|value| json_of(value, "sync_outbox.body"))
        .transpose()?;
    tx.prepare_cached(
        "INSERT INTO sync_outbox (op_id, collection, record_id, body) VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| s.execute(params![op_id, collection, id, text]))
    .map_err(|e| StoreError::sqlite("queueing an op", &e))?;
    Ok(SyncOp {
        op_id,
        collection: collection.to_owned(),
        id: id.to_owned(),
        deleted: body.is_none(),
        body,
    })
}

/// The JSON of the record `rid` of kind `kind`; `None` for a kind this code does not know.
fn record_body(tx: &Transaction<'_>, kind: &str, rid: i64) -> Result<Option<Value>> {
    fn json<K: Kind + Serialize>(tx: &Transaction<'_>, rid: i64) -> Result<Option<Value>> {
        load_one::<K>(tx, rid)?
            .map(|record| {
                serde_json::to_value(record).map_err(|_| StoreError::Encoding {
                    column: "sync_outbox.body",
                })
            })
            .transpose()
    }
    match kind {
        HeartbeatSeries::KIND => json::<HeartbeatSeries>(tx, rid),
        SleepSession::KIND => json::<SleepSession>(tx, rid),
        Workout::KIND => json::<Workout>(tx, rid),
        CheckIn::KIND => json::<CheckIn>(tx, rid),
        RecoverySession::KIND => json::<RecoverySession>(tx, rid),
        LabResult::KIND => json::<LabResult>(tx, rid),
        TrainingSession::KIND => json::<TrainingSession>(tx, rid),
        _ => Ok(None),
    }
}

fn parse_body(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt {
        column: "sync_outbox.body",
    })
}

#[cfg(test)]
mod tests;
