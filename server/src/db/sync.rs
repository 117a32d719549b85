//! The sync protocol's decisions that both backends make the same way (`docs/sync.md`): which
//! collections flow which way, whether an op can ever apply, its payload hash, what an op does to
//! the record it names, and how a pull request is judged. The backends only read and write rows;
//! everything decided from those rows is decided here, once.

use std::collections::{BTreeMap, HashMap};

use alyze_core::sync::wire::{OpResult, OpStatus, PushOp};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Collections the member's phones write (`up`).
pub const UP_COLLECTIONS: &[&str] = &[
    "quantity_sample",
    "sleep_session",
    "workout",
    "heartbeat_series",
    "recovery_session",
    "check_in",
    "training_session",
    "daily_summary",
    "readiness",
];

/// Collections the clinic writes (`down`): read-only to phones.
pub const DOWN_COLLECTIONS: &[&str] = &["prescription", "clinic_settings", "lab_result"];

/// The member-edited collection: ops carry a base version and stale ones are kept as conflicts.
pub const CHECK_IN: &str = "check_in";

/// The id of the one prescription and the one settings document of a member.
pub const CURRENT_ID: &str = "current";

/// The longest record id or op id accepted, in characters.
pub const MAX_ID_CHARS: usize = 200;

/// An op that passed the checks that need no database: its collection flows up, its id and body
/// are well formed. The body is kept as its canonical JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOp {
    /// The op's id.
    pub op_id: String,
    /// The collection (an up collection).
    pub collection: String,
    /// The record's id.
    pub record_id: String,
    /// Whether it deletes the record.
    pub deleted: bool,
    /// The version a check-in edit was made on.
    pub base_version: Option<i64>,
    /// The body's canonical JSON text (`None` when deleted).
    pub body: Option<String>,
    /// SHA-256 of the payload (`payload_hash`).
    pub hash: [u8; 32],
}

/// A pushed op after the checks that need no database: refused already, or ready to apply.
#[derive(Debug, Clone)]
pub enum Checked {
    /// Refused; this is its answer.
    Rejected(OpResult),
    /// To apply.
    Valid(ValidOp),
}

/// Whether the history keeps every version of the collection's records: only the member-edited
/// check-ins (the brief: "check-ins keep every revision"). For the bulk of the data (samples) a
/// second row per write would double what a push costs, for a history nobody reads: their
/// versions are in the pushes' op log (`sync_applied_ops`) anyway.
pub fn keeps_revisions(collection: &str) -> bool {
    collection == CHECK_IN
}

/// The rejection of an op without touching the database, or the op ready to apply.
pub fn check_op(op: &PushOp) -> Result<ValidOp, OpResult> {
    let reject = |reason: &str| OpResult {
        op_id: op.op_id.clone(),
        status: OpStatus::Rejected,
        version: None,
        reason: Some(reason.to_owned()),
    };
    if !UP_COLLECTIONS.contains(&op.collection.as_str()) {
        return Err(reject(
            if DOWN_COLLECTIONS.contains(&op.collection.as_str()) {
                "read_only_collection"
            } else {
                "unknown_collection"
            },
        ));
    }
    if !id_ok(&op.id) || !id_ok(&op.op_id) {
        return Err(reject("invalid_body"));
    }
    let body = if op.deleted {
        None
    } else {
        match &op.body {
            // PostgreSQL's JSONB cannot hold U+0000: refused on both backends alike.
            Some(body @ Value::Object(_)) if !has_nul(body) => Some(canonical(body)),
            _ => return Err(reject("invalid_body")),
        }
    };
    Ok(ValidOp {
        op_id: op.op_id.clone(),
        collection: op.collection.clone(),
        record_id: op.id.clone(),
        deleted: op.deleted,
        base_version: op.base_version,
        hash: payload_hash(op),
        body,
    })
}

/// A record or op id: non-empty, at most `MAX_ID_CHARS` characters, no U+0000.
pub fn id_ok(id: &str) -> bool {
    !id.is_empty() && id.chars().count() <= MAX_ID_CHARS && !id.contains('\0')
}

/// Whether a JSON value holds U+0000 in a string or a key.
pub fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// A JSON value's canonical text: serde_json's, whose maps keep their keys sorted.
pub fn canonical(value: &Value) -> String {
    value.to_string()
}

/// The payload hash: SHA-256 over the JSON array `[collection, id, deleted, base_version, body]`
/// in canonical form (a JSON array keeps the fields apart unambiguously). The text is streamed into
/// the hash as serde_json writes it, with no copy of the body: the same bytes as `canonical` of the
/// array, so hashes stored by earlier servers still match.
pub fn payload_hash(op: &PushOp) -> [u8; 32] {
    let payload = (
        op.collection.as_str(),
        op.id.as_str(),
        op.deleted,
        op.base_version,
        &op.body,
    );
    let mut hasher = Sha256::new();
    // Infallible: the hasher's writes cannot fail, and the fields are strings, numbers and a
    // `Value`, which always serialise.
    let _ = serde_json::to_writer(&mut hasher, &payload);
    hasher.finalize().into()
}

/// A record as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    /// Its version.
    pub version: i64,
    /// Whether it is a tombstone.
    pub deleted: bool,
    /// Its body's canonical JSON text.
    pub body: Option<String>,
}

/// What an op (or a clinic write) does to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing: the record already is what the op says (`duplicate`, no new seq).
    Unchanged {
        /// The record's version.
        version: i64,
    },
    /// A stale check-in edit: kept as a revision, the record stays (`conflict`).
    Conflict {
        /// The record's (unchanged) version.
        version: i64,
    },
    /// The record becomes the op's, at `version`, with a new seq (`applied`).
    Write {
        /// The record's new version.
        version: i64,
    },
}

/// What writing `(deleted, body)` on top of `current` does. `base_version` counts for check-ins
/// only: older than the current version, the edit conflicts.
pub fn effect(
    collection: &str,
    current: Option<&Current>,
    deleted: bool,
    body: Option<&str>,
    base_version: Option<i64>,
) -> Effect {
    let Some(current) = current else {
        return Effect::Write { version: 1 };
    };
    let same = current.deleted == deleted && (deleted || current.body.as_deref() == body);
    if same {
        return Effect::Unchanged {
            version: current.version,
        };
    }
    if collection == CHECK_IN && base_version.is_some_and(|base| base < current.version) {
        return Effect::Conflict {
            version: current.version,
        };
    }
    Effect::Write {
        version: current.version.saturating_add(1),
    }
}

/// The result of an op whose id was seen before: the stored result when the payload is the same
/// (as `duplicate`), else `op_id_reused`.
pub fn replayed(op: &ValidOp, stored_hash: &[u8], stored_version: Option<i64>) -> OpResult {
    if stored_hash == op.hash.as_slice() {
        OpResult {
            op_id: op.op_id.clone(),
            status: OpStatus::Duplicate,
            version: stored_version,
            reason: None,
        }
    } else {
        OpResult {
            op_id: op.op_id.clone(),
            status: OpStatus::Rejected,
            version: None,
            reason: Some("op_id_reused".to_owned()),
        }
    }
}

/// The result of an op from its effect.
pub fn result_of(op_id: &str, effect: Effect) -> OpResult {
    let (status, version) = match effect {
        Effect::Unchanged { version } => (OpStatus::Duplicate, version),
        Effect::Conflict { version } => (OpStatus::Conflict, version),
        Effect::Write { version } => (OpStatus::Applied, version),
    };
    OpResult {
        op_id: op_id.to_owned(),
        status,
        version: Some(version),
        reason: None,
    }
}

/// An op applied before, as `sync_applied_ops` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOp {
    /// Its payload hash.
    pub hash: Vec<u8>,
    /// The record's version it left.
    pub version: Option<i64>,
}

/// A row of `sync_records` a push writes: a record's new current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    /// The collection.
    pub collection: String,
    /// The record's id.
    pub record_id: String,
    /// Its new version.
    pub version: i64,
    /// Whether it is now a tombstone.
    pub deleted: bool,
    /// Its body's canonical JSON text.
    pub body: Option<String>,
    /// The member's seq of the change.
    pub seq: i64,
}

/// A row of `sync_revisions` a push writes (check-ins only: [`keeps_revisions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    /// The collection.
    pub collection: String,
    /// The record's id.
    pub record_id: String,
    /// The version it became (`None` for a conflict, which did not become current).
    pub version: Option<i64>,
    /// The version the edit was made on.
    pub base_version: Option<i64>,
    /// `applied` or `conflict`.
    pub status: &'static str,
    /// Whether it deletes the record.
    pub deleted: bool,
    /// The body's canonical JSON text.
    pub body: Option<String>,
    /// The member's seq (`None` for a conflict).
    pub seq: Option<i64>,
}

/// A row of `sync_applied_ops` a push writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    /// The op's id.
    pub op_id: String,
    /// Its payload hash.
    pub hash: [u8; 32],
    /// What became of it.
    pub status: &'static str,
    /// The record's version it left.
    pub version: Option<i64>,
}

/// Everything a push writes, decided in memory from what the database held before it, so each
/// backend reads once and writes once per table instead of a round of statements per op.
#[derive(Debug, Clone, PartialEq)]
pub struct PushPlan {
    /// One answer per op, in order.
    pub results: Vec<OpResult>,
    /// The records' final states (a record written twice in one push is written once).
    pub records: Vec<RecordRow>,
    /// The revisions, in order.
    pub revisions: Vec<RevisionRow>,
    /// The applied ops' rows, in order.
    pub applied: Vec<AppliedRow>,
    /// The member's counter after the push.
    pub last_seq: i64,
}

/// Decides a push (`docs/sync.md`, "Push"): `stored` holds the earlier applications of the
/// push's op ids, `current` the stored state of the records it names (by collection and id),
/// `last_seq` the member's counter. Ops apply in order, each seeing the ones before it.
pub fn plan_push(
    ops: &[Checked],
    stored: &HashMap<String, StoredOp>,
    mut current: HashMap<(String, String), Current>,
    last_seq: i64,
) -> PushPlan {
    let mut seq = last_seq;
    let mut now_applied: HashMap<&str, StoredOp> = HashMap::new();
    let mut records: BTreeMap<(String, String), RecordRow> = BTreeMap::new();
    let mut plan = PushPlan {
        results: Vec::with_capacity(ops.len()),
        records: Vec::new(),
        revisions: Vec::new(),
        applied: Vec::new(),
        last_seq,
    };
    for op in ops {
        let op = match op {
            Checked::Rejected(result) => {
                plan.results.push(result.clone());
                continue;
            }
            Checked::Valid(op) => op,
        };
        if let Some(seen) = stored
            .get(&op.op_id)
            .or_else(|| now_applied.get(op.op_id.as_str()))
        {
            plan.results.push(replayed(op, &seen.hash, seen.version));
            continue;
        }
        let key = (op.collection.clone(), op.record_id.clone());
        let effect = effect(
            &op.collection,
            current.get(&key),
            op.deleted,
            op.body.as_deref(),
            op.base_version,
        );
        let revision = |version, status, seq| RevisionRow {
            collection: op.collection.clone(),
            record_id: op.record_id.clone(),
            version,
            base_version: op.base_version,
            status,
            deleted: op.deleted,
            body: op.body.clone(),
            seq,
        };
        match effect {
            Effect::Unchanged { .. } => {}
            Effect::Conflict { .. } => {
                if keeps_revisions(&op.collection) {
                    plan.revisions.push(revision(None, "conflict", None));
                }
            }
            Effect::Write { version } => {
                seq += 1;
                current.insert(
                    key.clone(),
                    Current {
                        version,
                        deleted: op.deleted,
                        body: op.body.clone(),
                    },
                );
                if keeps_revisions(&op.collection) {
                    plan.revisions
                        .push(revision(Some(version), "applied", Some(seq)));
                }
                records.insert(
                    key,
                    RecordRow {
                        collection: op.collection.clone(),
                        record_id: op.record_id.clone(),
                        version,
                        deleted: op.deleted,
                        body: op.body.clone(),
                        seq,
                    },
                );
            }
        }
        let result = result_of(&op.op_id, effect);
        plan.applied.push(AppliedRow {
            op_id: op.op_id.clone(),
            hash: op.hash,
            status: status_str(result.status),
            version: result.version,
        });
        now_applied.insert(
            &op.op_id,
            StoredOp {
                hash: op.hash.to_vec(),
                version: result.version,
            },
        );
        plan.results.push(result);
    }
    plan.records = records.into_values().collect();
    plan.last_seq = seq;
    plan
}

/// The stored spelling of a status (`sync_applied_ops.status`).
pub fn status_str(status: OpStatus) -> &'static str {
    match status {
        OpStatus::Applied => "applied",
        OpStatus::Duplicate => "duplicate",
        OpStatus::Conflict => "conflict",
        OpStatus::Rejected => "rejected",
    }
}

/// A member's sync counters, and this device's last page served below the purge line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullState {
    /// The member's change counter.
    pub last_seq: i64,
    /// The highest seq of a purged tombstone.
    pub purged_through_seq: i64,
    /// The cursor last served to this device by a page that ended below the purge line.
    pub device_cursor: Option<i64>,
    /// The member's purge line when that page was served.
    pub device_purged_through: Option<i64>,
}

/// Whether the server can serve a pull from `cursor` (`docs/sync.md`, "Pull"): not ahead of the
/// member's counter, and not older than their purged tombstones, unless this very device was
/// served that cursor by a page below the purge line since the last purge (it is paging through
/// a full download, which misses nothing a purge removed).
pub fn can_serve(cursor: Option<i64>, state: &PullState) -> bool {
    let Some(cursor) = cursor else {
        return true;
    };
    if cursor < 0 || cursor > state.last_seq {
        return false;
    }
    cursor >= state.purged_through_seq
        || (state.device_cursor == Some(cursor)
            && state.device_purged_through == Some(state.purged_through_seq))
}

/// A pulled page's cursor and whether more follow, from the seqs read (at most `limit + 1`).
/// The last page's cursor is the member's counter: everything up to it has been seen, including
/// purged tombstones above the last record.
pub fn page_end(seqs: &[i64], limit: usize, last_seq: i64) -> (usize, i64, bool) {
    if seqs.len() > limit {
        let kept = limit;
        let cursor = seqs
            .get(kept.saturating_sub(1))
            .copied()
            .unwrap_or(last_seq);
        (kept, cursor, true)
    } else {
        (seqs.len(), last_seq, false)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn op(collection: &str, body: Option<Value>) -> PushOp {
        PushOp {
            op_id: "op-1".into(),
            collection: collection.into(),
            id: "r1".into(),
            deleted: body.is_none(),
            base_version: None,
            body,
        }
    }

    fn reason(r: Result<ValidOp, OpResult>) -> String {
        r.err().and_then(|r| r.reason).unwrap_or_default()
    }

    fn checked(op_id: &str, collection: &str, id: &str, body: Option<Value>) -> Checked {
        let mut push = op(collection, body);
        push.op_id = op_id.into();
        push.id = id.into();
        match check_op(&push) {
            Ok(valid) => Checked::Valid(valid),
            Err(rejected) => Checked::Rejected(rejected),
        }
    }

    #[test]
    fn a_push_plan_applies_ops_in_order_and_writes_each_record_once() {
        let ops = [
            checked("a", "workout", "w1", Some(json!({"v": 1}))),
            checked("b", "workout", "w1", Some(json!({"v": 2}))),
            // The same op id again in the same push: its first answer.
            checked("a", "workout", "w1", Some(json!({"v": 1}))),
            checked("c", "prescription", "current", Some(json!({}))),
            // Equal to what is stored: nothing written, no seq.
            checked("d", "workout", "w2", Some(json!({"v": 9}))),
            // An op applied in an earlier push, sent again with another payload.
            checked("e", "workout", "w3", Some(json!({"v": 3}))),
        ];
        let stored = HashMap::from([(
            "e".to_owned(),
            StoredOp {
                hash: vec![0; 32],
                version: Some(1),
            },
        )]);
        let current = HashMap::from([(
            ("workout".to_owned(), "w2".to_owned()),
            Current {
                version: 4,
                deleted: false,
                body: Some(canonical(&json!({"v": 9}))),
            },
        )]);
        let plan = plan_push(&ops, &stored, current, 10);
        let statuses: Vec<(OpStatus, Option<i64>)> =
            plan.results.iter().map(|r| (r.status, r.version)).collect();
        assert_eq!(
            statuses,
            [
                (OpStatus::Applied, Some(1)),
                (OpStatus::Applied, Some(2)),
                (OpStatus::Duplicate, Some(1)),
                (OpStatus::Rejected, None),
                (OpStatus::Duplicate, Some(4)),
                (OpStatus::Rejected, None),
            ]
        );
        assert_eq!(plan.results[5].reason.as_deref(), Some("op_id_reused"));
        // w1 written once, in its final state, with the push's last seq.
        assert_eq!(plan.records.len(), 1);
        assert_eq!(plan.records[0].version, 2);
        assert_eq!(plan.records[0].seq, 12);
        assert_eq!(plan.last_seq, 12);
        // One op-log row per op that reached the records (a, b, d), none for replays or refusals.
        let logged: Vec<&str> = plan.applied.iter().map(|a| a.op_id.as_str()).collect();
        assert_eq!(logged, ["a", "b", "d"]);
        assert!(plan.revisions.is_empty(), "workouts keep no history");
    }

    #[test]
    fn a_push_plan_keeps_every_check_in_revision_and_the_stale_one_as_a_conflict() {
        let mut stale = op("check_in", Some(json!({"mood": 2})));
        stale.op_id = "stale".into();
        stale.base_version = Some(1);
        let ops = [
            checked("new", "check_in", "r1", Some(json!({"mood": 4}))),
            Checked::Valid(check_op(&stale).expect("valid")),
        ];
        let current = HashMap::from([(
            ("check_in".to_owned(), "r1".to_owned()),
            Current {
                version: 1,
                deleted: false,
                body: Some(canonical(&json!({"mood": 3}))),
            },
        )]);
        let plan = plan_push(&ops, &HashMap::new(), current, 0);
        assert_eq!(plan.results[0].status, OpStatus::Applied);
        assert_eq!(plan.results[1].status, OpStatus::Conflict);
        let revisions: Vec<(&str, Option<i64>, Option<i64>)> = plan
            .revisions
            .iter()
            .map(|r| (r.status, r.version, r.seq))
            .collect();
        assert_eq!(
            revisions,
            [("applied", Some(2), Some(1)), ("conflict", None, None)]
        );
        assert_eq!(plan.records.len(), 1);
        assert_eq!(plan.last_seq, 1);
    }

    #[test]
    fn collections_ids_and_bodies_are_checked() {
        assert!(check_op(&op("recovery_session", Some(json!({"a": 1})))).is_ok());
        assert!(check_op(&op("quantity_sample", None)).is_ok());
        assert_eq!(
            reason(check_op(&op("prescription", Some(json!({}))))),
            "read_only_collection"
        );
        assert_eq!(
            reason(check_op(&op("photos", Some(json!({}))))),
            "unknown_collection"
        );
        assert_eq!(
            reason(check_op(&op("workout", Some(json!([1]))))),
            "invalid_body"
        );
        assert_eq!(
            reason(check_op(&op("workout", Some(json!({"a": "x\u{0}"}))))),
            "invalid_body"
        );
        let mut long = op("workout", Some(json!({})));
        long.id = "x".repeat(201);
        assert_eq!(reason(check_op(&long)), "invalid_body");
        long.id = "x".repeat(200);
        assert!(check_op(&long).is_ok());
        long.id = String::new();
        assert_eq!(reason(check_op(&long)), "invalid_body");
    }

    #[test]
    fn the_hash_covers_every_field_and_ignores_key_order() {
        let a = op("workout", Some(json!({"a": 1, "b": 2})));
        let b: PushOp = serde_json::from_str(
            r#"{"op_id":"op-1","collection":"workout","id":"r1","deleted":false,
                "body":{"b":2,"a":1}}"#,
        )
        .unwrap();
        assert_eq!(payload_hash(&a), payload_hash(&b));
        let mut c = a.clone();
        c.base_version = Some(1);
        assert_ne!(payload_hash(&a), payload_hash(&c));
        let mut d = a.clone();
        d.id = "r2".into();
        assert_ne!(payload_hash(&a), payload_hash(&d));
    }

    #[test]
    fn the_hash_is_that_of_the_canonical_array_text() {
        // The definition stored hashes were made with: a change here would refuse every retry of
        // an op applied before the upgrade as `op_id_reused`.
        for op in [
            op(
                "workout",
                Some(json!({"b": [1, "x\"y"], "a": {"z": null, "é": 2.5}})),
            ),
            PushOp {
                deleted: true,
                base_version: Some(3),
                body: None,
                ..op("check_in", None)
            },
        ] {
            let array = Value::Array(vec![
                Value::from(op.collection.as_str()),
                Value::from(op.id.as_str()),
                Value::from(op.deleted),
                op.base_version.map_or(Value::Null, Value::from),
                op.body.clone().unwrap_or(Value::Null),
            ]);
            let expected: [u8; 32] = Sha256::digest(canonical(&array).as_bytes()).into();
            assert_eq!(payload_hash(&op), expected);
        }
    }

    #[test]
    fn effects() {
        let cur = Current {
            version: 3,
            deleted: false,
            body: Some("{\"a\":1}".into()),
        };
        assert_eq!(
            effect("workout", None, false, Some("{}"), None),
            Effect::Write { version: 1 }
        );
        assert_eq!(
            effect("workout", Some(&cur), false, Some("{\"a\":1}"), None),
            Effect::Unchanged { version: 3 }
        );
        assert_eq!(
            effect("workout", Some(&cur), true, None, None),
            Effect::Write { version: 4 }
        );
        assert_eq!(
            effect(CHECK_IN, Some(&cur), false, Some("{}"), Some(2)),
            Effect::Conflict { version: 3 }
        );
        assert_eq!(
            effect(CHECK_IN, Some(&cur), false, Some("{}"), Some(3)),
            Effect::Write { version: 4 }
        );
        // Only check-ins conflict.
        assert_eq!(
            effect("workout", Some(&cur), false, Some("{}"), Some(1)),
            Effect::Write { version: 4 }
        );
    }

    #[test]
    fn cursors() {
        let state = PullState {
            last_seq: 10,
            purged_through_seq: 4,
            device_cursor: None,
            device_purged_through: None,
        };
        assert!(can_serve(None, &state));
        assert!(can_serve(Some(4), &state));
        assert!(can_serve(Some(10), &state));
        assert!(!can_serve(Some(11), &state));
        assert!(!can_serve(Some(3), &state));
        let paging = PullState {
            device_cursor: Some(3),
            device_purged_through: Some(4),
            ..state
        };
        assert!(can_serve(Some(3), &paging));
        assert!(!can_serve(Some(2), &paging));
        let purged_since = PullState {
            device_purged_through: Some(2),
            ..paging
        };
        assert!(!can_serve(Some(3), &purged_since));
        assert_eq!(page_end(&[5, 6, 7], 2, 9), (2, 6, true));
        assert_eq!(page_end(&[5, 6], 2, 9), (2, 9, false));
        assert_eq!(page_end(&[], 2, 9), (0, 9, false));
    }
}
