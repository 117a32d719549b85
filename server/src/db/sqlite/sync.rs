//! Sync on SQLite: pushed ops, pulled pages, the clinic's writes to members' records, the epoch and
//! the tombstone purge. The single writer connection orders every member's changes; the member's
//! counter is still advanced with `UPDATE ... RETURNING`, as on PostgreSQL. Decisions come from
//! `db::sync`.

use alyze_core::protocol::{ClinicSettings, Prescription};
use alyze_core::sync::wire::OpResult;
use rusqlite::{Connection, OptionalExtension};

use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::{SqliteDb, immediate, lock};
use crate::audit::AuditAction;
use std::collections::{BTreeMap, HashMap};

use crate::db::sync::{self, Checked, Current, Effect, PullState, PushPlan, StoredOp, ValidOp};
use crate::db::{
    ClinicRecord, ClinicWrite, DbError, PullAnswer, PulledPage, Purged, StoredChange, invalidated,
    settings_of,
};

/// A write to one record: what, by whom, on top of which version.
struct Write<'a> {
    member_id: &'a str,
    collection: &'a str,
    record_id: &'a str,
    deleted: bool,
    body: Option<&'a str>,
    origin_device: Option<&'a str>,
    base_version: Option<i64>,
    now: i64,
}

impl SqliteDb {
    pub(crate) async fn sync_epoch(&self) -> Result<String, DbError> {
        self.read(|conn| epoch(conn)).await
    }

    pub(crate) async fn set_epoch(&self, epoch: String, now: i64) -> Result<(), DbError> {
        self.write(move |conn| {
            conn.execute(
                "UPDATE server_epoch SET epoch = ?1, created_at = ?2 WHERE id = 1",
                (&epoch, now),
            )?;
            Ok(())
        })
        .await
    }

    /// Applies a push: queued, then applied in the next group the writer commits (`PushQueue`).
    pub(crate) async fn apply_ops(
        &self,
        member_id: String,
        device_id: String,
        ops: Vec<Checked>,
        now: i64,
    ) -> Result<Vec<OpResult>, DbError> {
        let (answer, answered) = oneshot::channel();
        lock(&self.pushes.waiting).push(QueuedPush {
            member_id,
            device_id,
            ops,
            now,
            answer,
        });
        let waiting = Arc::clone(&self.pushes.waiting);
        // Whoever gets the writer first takes every push queued by then, this one included; by the
        // time this call has the writer, its push has been applied and answered.
        self.write(move |conn| {
            let group = std::mem::take(&mut *lock(&waiting));
            apply_group(conn, group);
            Ok(())
        })
        .await?;
        answered.await.map_err(|_| DbError::Task)?
    }

    pub(crate) async fn pull(
        &self,
        member_id: String,
        device_id: String,
        asked_epoch: Option<String>,
        cursor: Option<i64>,
        limit: u32,
    ) -> Result<PullAnswer, DbError> {
        self.read(move |conn| {
            // One read transaction: the counters and the page from the same snapshot.
            let tx = conn.transaction()?;
            let epoch = epoch(&tx)?;
            let state = tx
                .prepare_cached(
                    "SELECT m.last_seq, m.purged_through_seq, d.pull_cursor, d.pull_purged_through
                     FROM members m JOIN devices d ON d.member_id = m.id
                     WHERE m.id = ?1 AND d.id = ?2",
                )?
                .query_row((&member_id, &device_id), |r| {
                    Ok(PullState {
                        last_seq: r.get(0)?,
                        purged_through_seq: r.get(1)?,
                        device_cursor: r.get(2)?,
                        device_purged_through: r.get(3)?,
                    })
                })
                .optional()?
                .ok_or(DbError::NotFound("member"))?;
            if asked_epoch.as_ref().is_some_and(|e| *e != epoch) || !sync::can_serve(cursor, &state)
            {
                return Ok(PullAnswer { epoch, page: None });
            }
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            let mut changes = {
                let mut stmt = tx.prepare_cached(
                    "SELECT seq, collection, record_id, version, deleted, origin_device, body
                     FROM sync_records WHERE member_id = ?1 AND seq > ?2
                     ORDER BY seq LIMIT ?3",
                )?;
                let rows = stmt.query_map(
                    (
                        &member_id,
                        cursor.unwrap_or(0),
                        i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX),
                    ),
                    |r| {
                        Ok(StoredChange {
                            seq: r.get(0)?,
                            collection: r.get(1)?,
                            record_id: r.get(2)?,
                            version: r.get(3)?,
                            deleted: r.get(4)?,
                            origin_device: r.get(5)?,
                            body: r.get(6)?,
                        })
                    },
                )?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
            let (kept, cursor, more) = sync::page_end(&seqs, limit, state.last_seq);
            changes.truncate(kept);
            Ok(PullAnswer {
                epoch,
                page: Some(PulledPage {
                    changes,
                    cursor,
                    more,
                    purged_through_seq: state.purged_through_seq,
                }),
            })
        })
        .await
    }

    pub(crate) async fn record_served_cursor(
        &self,
        member_id: String,
        device_id: String,
        cursor: i64,
        purged_through_seq: i64,
    ) -> Result<(), DbError> {
        self.write(move |conn| {
            conn.execute(
                "UPDATE devices SET pull_cursor = ?1, pull_purged_through = ?2
                 WHERE id = ?3 AND member_id = ?4",
                (cursor, purged_through_seq, &device_id, &member_id),
            )?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn put_prescription(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        prescription: Prescription,
        now: i64,
    ) -> Result<ClinicWrite, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let settings: Option<Option<String>> = tx
                .query_row(
                    "SELECT c.settings FROM members m JOIN clinics c ON c.id = m.clinic_id
                     WHERE m.id = ?1 AND m.clinic_id = ?2",
                    (&member_id, &clinic_id),
                    |r| r.get(0),
                )
                .optional()?;
            let Some(settings) = settings else {
                return Ok(ClinicWrite::NotFound);
            };
            if let Err(e) = prescription.validate(&settings_of(settings.as_deref())?) {
                return Ok(ClinicWrite::Invalid(e));
            }
            let body = serde_json::to_value(&prescription)
                .map_err(|_| DbError::Corrupt("prescription"))?;
            let record = ClinicRecord {
                collection: "prescription",
                record_id: sync::CURRENT_ID.to_owned(),
                body: Some(sync::canonical(&body)),
                action: AuditAction::WritePrescription,
            };
            let written = clinic_write(&tx, &staff_id, &member_id, &record, now)?;
            tx.commit()?;
            Ok(written)
        })
        .await
    }

    pub(crate) async fn clinic_settings(
        &self,
        clinic_id: String,
    ) -> Result<Option<String>, DbError> {
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT settings FROM clinics WHERE id = ?1",
                    [&clinic_id],
                    |r| r.get(0),
                )
                .optional()?
                .flatten())
        })
        .await
    }

    pub(crate) async fn put_clinic_settings(
        &self,
        staff_id: String,
        clinic_id: String,
        settings: ClinicSettings,
        now: i64,
    ) -> Result<ClinicWrite, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let role: Option<String> = tx
                .query_row(
                    "SELECT role FROM staff WHERE id = ?1 AND clinic_id = ?2",
                    (&staff_id, &clinic_id),
                    |r| r.get(0),
                )
                .optional()?;
            if role.as_deref() != Some("admin") {
                return Ok(ClinicWrite::Forbidden);
            }
            let prescriptions: Vec<String> = {
                let mut stmt = tx.prepare(
                    "SELECT r.body FROM sync_records r JOIN members m ON m.id = r.member_id
                     WHERE m.clinic_id = ?1 AND r.collection = 'prescription' AND NOT r.deleted
                     ORDER BY m.id",
                )?;
                let rows = stmt.query_map([&clinic_id], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            if let Some(e) = invalidated(&prescriptions, &settings)? {
                return Ok(ClinicWrite::Invalid(e));
            }
            let body =
                serde_json::to_value(&settings).map_err(|_| DbError::Corrupt("clinic settings"))?;
            let text = sync::canonical(&body);
            tx.execute(
                "UPDATE clinics SET settings = ?1 WHERE id = ?2",
                (&text, &clinic_id),
            )?;
            let members: Vec<String> = {
                let mut stmt =
                    tx.prepare("SELECT id FROM members WHERE clinic_id = ?1 ORDER BY id")?;
                let rows = stmt.query_map([&clinic_id], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            let record = ClinicRecord {
                collection: "clinic_settings",
                record_id: sync::CURRENT_ID.to_owned(),
                body: Some(text),
                action: AuditAction::WriteClinicSettings,
            };
            for member_id in &members {
                clinic_write(&tx, &staff_id, member_id, &record, now)?;
            }
            tx.commit()?;
            Ok(ClinicWrite::Written {
                record_id: sync::CURRENT_ID.to_owned(),
                version: i64::try_from(members.len()).unwrap_or(i64::MAX),
            })
        })
        .await
    }

    pub(crate) async fn clinic_record(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        record: ClinicRecord,
        now: i64,
    ) -> Result<ClinicWrite, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let found: Option<String> = tx
                .query_row(
                    "SELECT id FROM members WHERE id = ?1 AND clinic_id = ?2",
                    (&member_id, &clinic_id),
                    |r| r.get(0),
                )
                .optional()?;
            if found.is_none() {
                return Ok(ClinicWrite::NotFound);
            }
            if record.body.is_none()
                && current(&tx, &member_id, record.collection, &record.record_id)?.is_none()
            {
                return Ok(ClinicWrite::NotFound);
            }
            let written = clinic_write(&tx, &staff_id, &member_id, &record, now)?;
            tx.commit()?;
            Ok(written)
        })
        .await
    }

    pub(crate) async fn purge_tombstones(&self, before: i64) -> Result<Purged, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let lines: Vec<(String, i64, i64)> = {
                let mut stmt = tx.prepare(
                    "SELECT member_id, MAX(seq), COUNT(*) FROM sync_records
                     WHERE deleted AND updated_at < ?1 GROUP BY member_id ORDER BY member_id",
                )?;
                let rows = stmt.query_map([before], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut purged = Purged::default();
            for (member_id, through, count) in &lines {
                tx.execute(
                    "DELETE FROM sync_records WHERE member_id = ?1 AND deleted AND updated_at < ?2",
                    (member_id, before),
                )?;
                tx.execute(
                    "UPDATE members SET purged_through_seq = MAX(purged_through_seq, ?1)
                     WHERE id = ?2",
                    (through, member_id),
                )?;
                purged.members += 1;
                purged.tombstones += u64::try_from(*count).unwrap_or(0);
            }
            tx.commit()?;
            Ok(purged)
        })
        .await
    }
}

/// Pushes waiting for the writer. Group commit: a push costs a transaction's fixed price (the write
/// lock, the WAL's sync at commit) once per group instead of once per push, and the writer mutex
/// is handed over once per group instead of to each of many waiting threads in turn.
#[derive(Default)]
pub(super) struct PushQueue {
    waiting: Arc<Mutex<Vec<QueuedPush>>>,
}

/// A push waiting for the writer, and where its answer goes.
struct QueuedPush {
    member_id: String,
    device_id: String,
    ops: Vec<Checked>,
    now: i64,
    answer: oneshot::Sender<PushAnswer>,
}

/// What a push is answered: a result per op, or why it failed.
type PushAnswer = Result<Vec<OpResult>, DbError>;

/// Applies `group` in one transaction and answers each push once it is committed (never before:
/// an answer means the push is durable). Should a push fail, the group is rolled back and each of
/// its pushes applied in a transaction of its own, so that one failing push fails no other. (No
/// savepoint per push instead: SQLite copies every page a savepoint changes into a statement
/// journal, a price paid on every push for a failure that hardly ever happens.)
fn apply_group(conn: &mut Connection, group: Vec<QueuedPush>) {
    if group.is_empty() {
        return;
    }
    let together = (|| {
        let tx = immediate(conn)?;
        let answers = group
            .iter()
            .map(|push| apply_push(&tx, push))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;
        Ok(answers)
    })();
    match together {
        Ok(answers) => {
            for (push, answer) in group.into_iter().zip(answers) {
                // The phone may have gone: its push stays applied and its retry is a duplicate.
                let _ = push.answer.send(Ok(answer));
            }
        }
        Err(_) if group.len() > 1 => {
            for push in group {
                apply_group(conn, vec![push]);
            }
        }
        Err(e) => {
            // A group of one: the push's own failure.
            if let Some(push) = group.into_iter().next() {
                let _ = push.answer.send(Err(e));
            }
        }
    }
}

/// One push inside its group's transaction: the op log and records it names read once, the plan,
/// and its writes.
fn apply_push(conn: &Connection, push: &QueuedPush) -> Result<Vec<OpResult>, DbError> {
    let member_id = push.member_id.as_str();
    let last_seq: i64 = conn
        .prepare_cached("SELECT last_seq FROM members WHERE id = ?1")?
        .query_row([member_id], |r| r.get(0))
        .optional()?
        .ok_or(DbError::NotFound("member"))?;
    let valid: Vec<&ValidOp> = push
        .ops
        .iter()
        .filter_map(|op| match op {
            Checked::Valid(op) => Some(op),
            Checked::Rejected(_) => None,
        })
        .collect();
    let stored = stored_ops(conn, member_id, &valid)?;
    let current = current_records(conn, member_id, &valid)?;
    let plan = sync::plan_push(&push.ops, &stored, current, last_seq);
    write_plan(conn, member_id, &push.device_id, &plan, push.now)?;
    Ok(plan.results)
}

/// Rows per multi-row statement: SQLite binds at most 32 766 parameters; 100 rows of nine keep a
/// statement's text and plan small while a push of 500 ops needs five.
const ROWS_PER_STATEMENT: usize = 100;

/// The earlier applications of `ops`' op ids.
fn stored_ops(
    conn: &Connection,
    member_id: &str,
    ops: &[&ValidOp],
) -> Result<HashMap<String, StoredOp>, DbError> {
    let mut stored = HashMap::new();
    for chunk in ops.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT op_id, payload_hash, version FROM sync_applied_ops \
             WHERE member_id = ?1 AND op_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&member_id];
        params.extend(chunk.iter().map(|op| &op.op_id as &dyn rusqlite::ToSql));
        let mut statement = conn.prepare_cached(&sql)?;
        let mut rows = statement.query(params.as_slice())?;
        while let Some(row) = rows.next()? {
            stored.insert(
                row.get(0)?,
                StoredOp {
                    hash: row.get(1)?,
                    version: row.get(2)?,
                },
            );
        }
    }
    Ok(stored)
}

/// The stored state of the records `ops` name.
fn current_records(
    conn: &Connection,
    member_id: &str,
    ops: &[&ValidOp],
) -> Result<HashMap<(String, String), Current>, DbError> {
    let mut by_collection: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for op in ops {
        by_collection
            .entry(op.collection.as_str())
            .or_default()
            .push(op.record_id.as_str());
    }
    let mut current = HashMap::new();
    for (collection, ids) in by_collection {
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT record_id, version, deleted, body FROM sync_records \
                 WHERE member_id = ?1 AND collection = ?2 AND record_id IN ({})",
                placeholders(3, chunk.len())
            );
            let mut params: Vec<&dyn rusqlite::ToSql> = vec![&member_id, &collection];
            params.extend(chunk.iter().map(|id| id as &dyn rusqlite::ToSql));
            let mut statement = conn.prepare_cached(&sql)?;
            let mut rows = statement.query(params.as_slice())?;
            while let Some(row) = rows.next()? {
                current.insert(
                    (collection.to_owned(), row.get::<_, String>(0)?),
                    Current {
                        version: row.get(1)?,
                        deleted: row.get(2)?,
                        body: row.get(3)?,
                    },
                );
            }
        }
    }
    Ok(current)
}

/// Writes a push's plan: the records and the op log in multi-row statements, the revisions, and
/// the member's counter once.
fn write_plan(
    conn: &Connection,
    member_id: &str,
    device_id: &str,
    plan: &PushPlan,
    now: i64,
) -> Result<(), DbError> {
    for chunk in plan.records.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO sync_records \
             (member_id, collection, record_id, version, deleted, body, origin_device, seq, \
              updated_at) VALUES {} \
             ON CONFLICT (member_id, collection, record_id) DO UPDATE SET \
                version = excluded.version, deleted = excluded.deleted, body = excluded.body, \
                origin_device = excluded.origin_device, seq = excluded.seq, \
                updated_at = excluded.updated_at",
            rows_of(9, chunk.len())
        );
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(9 * chunk.len());
        for row in chunk {
            params.extend([
                &member_id as &dyn rusqlite::ToSql,
                &row.collection,
                &row.record_id,
                &row.version,
                &row.deleted,
                &row.body,
                &device_id,
                &row.seq,
                &now,
            ]);
        }
        conn.prepare_cached(&sql)?.execute(params.as_slice())?;
    }
    for chunk in plan.applied.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO sync_applied_ops \
             (member_id, op_id, payload_hash, status, version, applied_at) VALUES {}",
            rows_of(6, chunk.len())
        );
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(6 * chunk.len());
        for row in chunk {
            params.extend([
                &member_id as &dyn rusqlite::ToSql,
                &row.op_id,
                &row.hash,
                &row.status,
                &row.version,
                &now,
            ]);
        }
        conn.prepare_cached(&sql)?.execute(params.as_slice())?;
    }
    for revision in &plan.revisions {
        conn.prepare_cached(
            "INSERT INTO sync_revisions
             (member_id, collection, record_id, version, base_version, status, deleted, body,
              origin_device, seq, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute((
            member_id,
            &revision.collection,
            &revision.record_id,
            revision.version,
            revision.base_version,
            revision.status,
            revision.deleted,
            &revision.body,
            device_id,
            revision.seq,
            now,
        ))?;
    }
    conn.prepare_cached("UPDATE members SET last_seq = ?2 WHERE id = ?1")?
        .execute((member_id, plan.last_seq))?;
    Ok(())
}

/// `?first, ?first+1, ...`: `count` numbered placeholders.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("?{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(?1, ..., ?width), (...)`: `rows` rows of `width` numbered placeholders.
fn rows_of(width: usize, rows: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(row * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn epoch(conn: &Connection) -> Result<String, DbError> {
    Ok(conn
        .prepare_cached("SELECT epoch FROM server_epoch WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}

fn current(
    conn: &Connection,
    member_id: &str,
    collection: &str,
    record_id: &str,
) -> Result<Option<Current>, DbError> {
    Ok(conn
        .prepare_cached(
            "SELECT version, deleted, body FROM sync_records
             WHERE member_id = ?1 AND collection = ?2 AND record_id = ?3",
        )?
        .query_row((member_id, collection, record_id), |r| {
            Ok(Current {
                version: r.get(0)?,
                deleted: r.get(1)?,
                body: r.get(2)?,
            })
        })
        .optional()?)
}

/// Writes a clinic record of a member with its audit row.
fn clinic_write(
    conn: &Connection,
    staff_id: &str,
    member_id: &str,
    record: &ClinicRecord,
    now: i64,
) -> Result<ClinicWrite, DbError> {
    let effect = write_record(
        conn,
        &Write {
            member_id,
            collection: record.collection,
            record_id: &record.record_id,
            deleted: record.body.is_none(),
            body: record.body.as_deref(),
            origin_device: None,
            base_version: None,
            now,
        },
    )?;
    conn.prepare_cached(
        "INSERT INTO audit_log (at, staff_id, member_id, action) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((now, staff_id, member_id, record.action.as_str()))?;
    let version = match effect {
        Effect::Unchanged { version }
        | Effect::Conflict { version }
        | Effect::Write { version } => version,
    };
    Ok(ClinicWrite::Written {
        record_id: record.record_id.clone(),
        version,
    })
}

/// Decides and writes one record change: a new version with the member's next seq and its
/// revision, a conflicting revision only, or nothing.
fn write_record(conn: &Connection, w: &Write<'_>) -> Result<Effect, DbError> {
    let current = current(conn, w.member_id, w.collection, w.record_id)?;
    let effect = sync::effect(
        w.collection,
        current.as_ref(),
        w.deleted,
        w.body,
        w.base_version,
    );
    let (status, version, seq) = match effect {
        Effect::Unchanged { .. } => return Ok(effect),
        Effect::Conflict { .. } => ("conflict", None, None),
        Effect::Write { version } => {
            let seq: i64 = conn
                .prepare_cached(
                    "UPDATE members SET last_seq = last_seq + 1 WHERE id = ?1 RETURNING last_seq",
                )?
                .query_row([w.member_id], |r| r.get(0))
                .optional()?
                .ok_or(DbError::NotFound("member"))?;
            conn.prepare_cached(
                "INSERT INTO sync_records
                 (member_id, collection, record_id, version, deleted, body, origin_device, seq,
                  updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (member_id, collection, record_id) DO UPDATE SET
                    version = excluded.version, deleted = excluded.deleted, body = excluded.body,
                    origin_device = excluded.origin_device, seq = excluded.seq,
                    updated_at = excluded.updated_at",
            )?
            .execute((
                w.member_id,
                w.collection,
                w.record_id,
                version,
                w.deleted,
                w.body,
                w.origin_device,
                seq,
                w.now,
            ))?;
            ("applied", Some(version), Some(seq))
        }
    };
    if !sync::keeps_revisions(w.collection) {
        return Ok(effect);
    }
    conn.prepare_cached(
        "INSERT INTO sync_revisions
         (member_id, collection, record_id, version, base_version, status, deleted, body,
          origin_device, seq, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute((
        w.member_id,
        w.collection,
        w.record_id,
        version,
        w.base_version,
        status,
        w.deleted,
        w.body,
        w.origin_device,
        seq,
        w.now,
    ))?;
    Ok(effect)
}

#[cfg(test)]
mod tests {
    use alyze_core::sync::wire::{OpStatus, PushOp};
    use serde_json::json;

    use super::*;

    fn push_of(member_id: &str, op_id: &str) -> (QueuedPush, oneshot::Receiver<PushAnswer>) {
        let op = PushOp {
            op_id: op_id.to_owned(),
            collection: "recovery_session".to_owned(),
            id: format!("session-{op_id}"),
            deleted: false,
            base_version: None,
            body: Some(json!({"modality": "sauna"})),
        };
        let (answer, answered) = oneshot::channel();
        let queued = QueuedPush {
            member_id: member_id.to_owned(),
            device_id: "d1".to_owned(),
            ops: vec![Checked::Valid(sync::check_op(&op).unwrap())],
            now: 1,
            answer,
        };
        (queued, answered)
    }

    /// A migrated database in memory with one clinic and `members`.
    fn database(members: &[&str]) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO clinics (id, name, created_at) VALUES ('c1', 'North', 0)",
            [],
        )
        .unwrap();
        for member in members {
            conn.execute(
                "INSERT INTO members (id, clinic_id, display_name, created_at)
                 VALUES (?1, 'c1', ?1, 0)",
                [member],
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn a_failing_push_fails_alone_and_the_rest_of_its_group_is_committed() {
        let mut conn = database(&["m1", "m2"]);
        // The middle push names a member that does not exist: its reads find no counter.
        let (first, first_answer) = push_of("m1", "op-1");
        let (failing, failing_answer) = push_of("gone", "op-2");
        let (last, last_answer) = push_of("m2", "op-3");
        apply_group(&mut conn, vec![first, failing, last]);

        let first = first_answer.blocking_recv().unwrap().unwrap();
        assert_eq!(first[0].status, OpStatus::Applied);
        assert!(matches!(
            failing_answer.blocking_recv().unwrap(),
            Err(DbError::NotFound("member"))
        ));
        let last = last_answer.blocking_recv().unwrap().unwrap();
        assert_eq!(last[0].status, OpStatus::Applied);
        let stored: Vec<(String, i64)> = conn
            .prepare("SELECT member_id, seq FROM sync_records ORDER BY member_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(stored, [("m1".to_owned(), 1), ("m2".to_owned(), 1)]);
        let ops: i64 = conn
            .query_row("SELECT COUNT(*) FROM sync_applied_ops", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ops, 2);
    }

    #[test]
    fn pushes_of_one_member_in_one_group_apply_in_order() {
        let mut conn = database(&["m1"]);
        let (first, first_answer) = push_of("m1", "op-1");
        // The same op again in the same group (a retry racing its original): applied once.
        let (again, again_answer) = push_of("m1", "op-1");
        let (next, next_answer) = push_of("m1", "op-2");
        apply_group(&mut conn, vec![first, again, next]);
        assert_eq!(
            first_answer.blocking_recv().unwrap().unwrap()[0].status,
            OpStatus::Applied
        );
        assert_eq!(
            again_answer.blocking_recv().unwrap().unwrap()[0].status,
            OpStatus::Duplicate
        );
        assert_eq!(
            next_answer.blocking_recv().unwrap().unwrap()[0].status,
            OpStatus::Applied
        );
        let last_seq: i64 = conn
            .query_row("SELECT last_seq FROM members WHERE id = 'm1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(last_seq, 2);
    }
}
