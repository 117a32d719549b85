//! The schema, its version and the migrations that bring an older file up to date.
//!
//! The version lives in SQLite's `PRAGMA user_version` (0 in a new, empty file). [`MIGRATIONS`] is
//! ordered: entry `i` takes a file from version `i` to `i + 1`. Each runs in its own transaction
//! together with the `user_version` update (the pragma is part of the file header and so commits or
//! rolls back with the transaction), so a crash mid-upgrade leaves the file at the last complete
//! version and the next open carries on from there. A migration is never edited once released:
//! a change is a new entry, and `upgrades_every_earlier_version` creates a file at each earlier
//! version and upgrades it.
//!
//! A file newer than the code is refused rather than opened: an older app writing into a schema it
//! does not know could lose or corrupt the newer app's data (an app downgrade, or a backup restored
//! onto an older install).
//!
//! # Schema version 1
//!
//! - `source`: provenance, deduplicated. `identity` is the source's stable identity, the same text
//!   the content key uses (name, bundle id, version, device without Apple's memory address; not
//!   the device kind, which importers may infer better later, so the first kind recorded is kept).
//!   `has_device` tells "no device" from "a device with nothing known about it", as the key does.
//! - `quantity_sample`: one row per sample. `id` is the platform id (HealthKit UUID, Health Connect
//!   record id; `from_platform` = 1) or, for rows without one (Apple's export), a UUIDv5 of
//!   [`crate::health::QuantitySample::content_key`] (`from_platform` = 0). `stream` names the
//!   platform stream that last delivered the row (what a full re-read sweeps). `kind` is the stored
//!   code of the kind (see `quantity.rs`), `value` is in the kind's canonical unit. Instants are UTC
//!   nanoseconds since 1970 (`*_ns`, the precision of the content key) with the member's offset in
//!   seconds (`*_offset_s`) and IANA zone (`*_zone`) when known. `deleted_at_ms` is NULL for a live
//!   row and the tombstone's time (UTC ms) once the platform deleted it: rows are kept so that sync
//!   can carry the deletion and a replayed batch cannot bring them back.
//! - `sync_anchor`: per platform stream (`healthkit:<type>`, a Health Connect changes token's
//!   name...), the opaque anchor or changes token the platform gave, and when it was saved. It is
//!   written in the transaction of the batch it covers.
//!
//! # Schema version 2
//!
//! Every record kind other than quantity samples, through one generic path (`ingest.rs`):
//! - `record`: the columns every kind shares, one row per record. `rid` is the local row key the
//!   detail tables point at; `(kind, id)` is the record's identity, `id` being the platform id
//!   (`from_platform` = 1) or a UUIDv5 of the kind's identity key (`ingest.rs`). `stream`,
//!   instants, `source_id` and `deleted_at_ms` mean what they mean in `quantity_sample`. `start`
//!   and `end` are the interval the record covers (an instant, such as a lab's collection, has
//!   `end` = `start`; a logged session's `end` is its start plus its duration), which is what range
//!   reads select on.
//! - `heartbeat_series`: the beats of a series in two blobs: `offsets` holds each beat's offset
//!   from the series start, s, as consecutive little-endian `f64` (8 bytes a beat, the exact value
//!   HealthKit gave); `gaps` is a bitmap, bit `i % 8` (least significant first) of byte `i / 8` set
//!   when beat `i` was preceded by a gap. A night of beats is ~30 000 beats: 240 kB plus 4 kB, one
//!   row, instead of 30 000 rows with their per-row overhead.
//! - `sleep_segment` and `workout_event`: the stage segments of a session and the events of a
//!   workout, `position` keeping their order; `workout` holds the workout's activity and totals.
//! - `check_in_revision`: every revision of a check-in, numbered from 1 in the order saved; the
//!   highest number is the check-in's current state. `day` is the member's local date of the
//!   check-in; `answers` is the questionnaire in its serde JSON form (the synced form).
//! - `recovery_session`, `lab_result`, `training_session`: the fields of those records.
//! - `source_priority`: the member's ordered sources per metric (`priority.rs`); a metric without
//!   rows uses the default order.
//!
//! # Schema version 3
//!
//! `quantity_sample` is rebuilt for speed, since a year of a member's data is ~170 000 samples
//! and an insert among them mostly pays for index pages:
//! - `id` is a 16-byte key instead of the text id: the content UUID's bytes for a row without a
//!   platform id, a UUIDv5 of the platform id otherwise (`quantity.rs`); `platform_id` keeps the
//!   platform's id as given (NULL for content-derived rows) and replaces `from_platform`.
//! - `kind` is a small number (`quantity.rs`, `kind_number`) instead of the kind's name.
//! - `quantity_sample_live_by_stream` is gone: every insert paid for it, while only a sweep after
//!   a full re-read (rare: a Health Connect token expires after 30 days) read it; a sweep reads
//!   `quantity_sample_live_by_kind`, one range per kind.
//!
//! The rows are copied in (kind, start) order, so the rebuilt table is laid out as reads use it.
//! The key of an existing row is computed by a function the store registers
//! (`alyze_quantity_key`), the same code that keys new rows, so a re-import after the upgrade
//! still finds every row.
//!
//! # Schema version 4
//!
//! - `pending_deletion`: a platform's deletion of an id the store did not hold when it arrived
//!   (batches committed out of order, a HealthKit deleted-object list delivered before the
//!   sample), kept so that the sample or record, when it arrives, is stored as a tombstone
//!   (`pending.rs`). `kind` is the ingest path: `quantity_sample` for quantity samples (a
//!   deletion names an id, not a quantity kind), else the record kind as in `record.kind`. `key`
//!   is the 16-byte key of the deleted platform id, as `quantity_sample.id` keys a platform row
//!   (a UUIDv5 of the id), for both paths. `stream` is the stream that reported the deletion
//!   (what it was received from; matching is by path and key alone, as for a stored row), and
//!   `deleted_at_ms` when (UTC ms): the tombstone gets that time, and entries older than the
//!   retention (`pending.rs`) are dropped. `WITHOUT ROWID`: the table is only ever reached by its
//!   key, and holds few rows.
//!
//! No existing table changes, and the table starts empty: deletions ignored before the upgrade
//! are not recovered.
//!
//! # Schema version 5
//!
//! `record_live_by_kind_end`: live records of a kind by end. A range read asks for the records that
//! overlap it; those that start before it are the ones that end inside or after it, and without
//! this index finding them meant reading every record of the kind stored before the range (three
//! years of heartbeat series for one night's summary). `ingest.rs`, `Store::records`.
//!
//! # Schema version 6
//!
//! `quantity_sample` is rebuilt without its `CHECK`s (a 16-byte id, end not before start) and
//! without the foreign key of `source_id`. Samples are stored many to a statement
//! (`quantity.rs`, "Multi-row inserts"), and SQLite guards such a statement with a statement
//! journal, a copy of every page it touches, whenever one of its rows could fail a check or a
//! foreign key halfway through: that copy cost as much as the statements saved. The rules stay,
//! enforced where the row is made: the key is a `[u8; 16]` by type, a sample whose end is before
//! its start is refused by the sample's validation before any write, and `source_id` is the id
//! the source table gave in the same transaction (`source.rs`). A test checks every stored
//! sample against them after ingest (`quantity.rs`). Rows keep their order and the index is
//! rebuilt.
//!
//! # Schema version 7
//!
//! `clinic_document`: what the clinic writes for this member, one row per `kind`
//! (`prescription`, `clinic_settings`), the core's record as JSON in `body` (the form the clinic
//! server will send it in) and when it was saved (`updated_at_ms`, UTC ms). Saving replaces the
//! row in one statement, so a crash leaves the old document or the new one. `clinic_document.rs`.
//!
//! # Schema version 8
//!
//! What sync needs on the phone (`outbox.rs`, `docs/sync.md`):
//! - `sync_state`: one row: `sample_mark`, the highest `quantity_sample` rowid already queued
//!   (new samples are found above it: rows are never deleted, so rowids only grow); the server's
//!   `epoch` and the pull `cursor`, NULL before the first pull.
//! - `sync_changed_record` (kind, id) and `sync_changed_sample` (the sample's key): what changed
//!   since it was last queued, noted by the triggers `sync_note_*` in the transaction that wrote
//!   it: every insert or update of a `record` row, every update of a sample (an edit, a
//!   tombstone). New samples have no trigger, so a bulk import pays nothing. Rows on a `sync:`
//!   stream (written by a pull) are not noted.
//! - `sync_outbox`: the ops being pushed, in `position` order, each with the op id it keeps on
//!   every retry; `body` is the record's JSON, NULL for a tombstone.
//! - `sync_rejected`: ops the server refused for good, with its reason, kept to be shown.
//!
//! Existing data starts unqueued (`sample_mark` 0 and every record noted), so the first sync
//! pushes it all.
//!
//! # Schema version 9
//!
//! `sync_document_sent`: for the documents the phone derives and pushes (a day's summary and
//! readiness, `docs/sync.md`), the SHA-1 of the JSON last queued per (collection, id), so a sync
//! queues a day again only when it changed.
//!
//! # Schema version 10
//!
//! `sync_server_version`: the server's version of each member-edited record (check-ins) as last
//! seen in a push's answer or a pull, sent as the `base_version` of the next edit so the server can
//! tell an edit made on its current version from a stale one (`docs/sync.md`, "Push").
//!
//! # Schema version 11
//!
//! `sync_state.member_id`: the clinic member whose data this store holds, bound by the first sync.
//! A sync with another member's credentials is refused before anything is sent, so a device that
//! changes hands without signing out (which erases the store) cannot send one member's data to
//! another's account, or mix theirs in.
//!
//! # Schema version 12
//!
//! `quantity_series_member`: the samples of each platform series (Health Connect's
//! `HeartRateRecord`, one record holding many samples), by the series' platform id and the
//! sample's key (`series.rs`), so that the record's deletion or edit reaches every sample of it.
//!
//! # Schema version 13
//!
//! `planned_workout`: the training the member plans, entered in the app (`planned.rs`), so that
//! the planner keeps cold away from a strength session before it happens. Kept on the device only:
//! no sync trigger notes it.

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, Transaction};

use super::error::{Result, StoreError};
use super::quantity::key_of_text_id;

/// The ordered migrations; entry `i` upgrades version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13];

/// The schema version this code writes and reads.
pub(crate) const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 0 (empty) to 1: sources, quantity samples and sync anchors.
const V1: &str = "
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bundle_id TEXT,
    version TEXT,
    has_device INTEGER NOT NULL CHECK (has_device IN (0, 1)),
    device_name TEXT,
    device_manufacturer TEXT,
    device_model TEXT,
    device_hardware_version TEXT,
    device_firmware_version TEXT,
    device_software_version TEXT,
    device_kind TEXT
) STRICT;

CREATE TABLE quantity_sample (
    id TEXT PRIMARY KEY NOT NULL,
    from_platform INTEGER NOT NULL CHECK (from_platform IN (0, 1)),
    stream TEXT NOT NULL,
    kind TEXT NOT NULL,
    value REAL NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL CHECK (end_ns >= start_ns),
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    source_id INTEGER NOT NULL REFERENCES source (id),
    deleted_at_ms INTEGER
) STRICT;

-- Reads ask for live samples of one kind by time.
CREATE INDEX quantity_sample_live_by_kind
    ON quantity_sample (kind, start_ns) WHERE deleted_at_ms IS NULL;
-- A sweep looks at the live rows of one stream in a time range.
CREATE INDEX quantity_sample_live_by_stream
    ON quantity_sample (stream, start_ns) WHERE deleted_at_ms IS NULL;

CREATE TABLE sync_anchor (
    stream TEXT PRIMARY KEY NOT NULL,
    anchor BLOB NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;
";

/// Version 1 to 2: every other record kind, and the source priority.
const V2: &str = "
CREATE TABLE record (
    rid INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    from_platform INTEGER NOT NULL CHECK (from_platform IN (0, 1)),
    stream TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL CHECK (end_ns >= start_ns),
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    source_id INTEGER NOT NULL REFERENCES source (id),
    deleted_at_ms INTEGER,
    UNIQUE (kind, id)
) STRICT;

-- Range reads ask for live records of one kind by time.
CREATE INDEX record_live_by_kind ON record (kind, start_ns) WHERE deleted_at_ms IS NULL;

CREATE TABLE heartbeat_series (
    rid INTEGER PRIMARY KEY REFERENCES record (rid) ON DELETE CASCADE,
    beat_count INTEGER NOT NULL CHECK (beat_count >= 0),
    offsets BLOB NOT NULL,
    gaps BLOB NOT NULL
) STRICT;

CREATE TABLE sleep_segment (
    rid INTEGER NOT NULL REFERENCES record (rid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL,
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    PRIMARY KEY (rid, position)
) STRICT;

CREATE TABLE workout (
    rid INTEGER PRIMARY KEY REFERENCES record (rid) ON DELETE CASCADE,
    activity TEXT NOT NULL,
    duration_s REAL NOT NULL,
    active_energy_kcal REAL,
    avg_heart_rate_bpm REAL,
    max_heart_rate_bpm REAL,
    distance_m REAL
) STRICT;

CREATE TABLE workout_event (
    rid INTEGER NOT NULL REFERENCES record (rid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL,
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    PRIMARY KEY (rid, position)
) STRICT;

CREATE TABLE check_in_revision (
    rid INTEGER NOT NULL REFERENCES record (rid) ON DELETE CASCADE,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    day TEXT NOT NULL,
    at_ns INTEGER NOT NULL,
    at_offset_s INTEGER NOT NULL,
    at_zone TEXT,
    answers TEXT NOT NULL,
    saved_at_ms INTEGER NOT NULL,
    PRIMARY KEY (rid, revision)
) STRICT;

CREATE INDEX check_in_revision_by_day ON check_in_revision (day);

CREATE TABLE recovery_session (
    rid INTEGER PRIMARY KEY REFERENCES record (rid) ON DELETE CASCADE,
    modality TEXT NOT NULL,
    duration_s REAL NOT NULL,
    temperature_c REAL
) STRICT;

CREATE TABLE lab_result (
    rid INTEGER PRIMARY KEY REFERENCES record (rid) ON DELETE CASCADE,
    loinc TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    reference_low REAL,
    reference_high REAL
) STRICT;

CREATE TABLE training_session (
    rid INTEGER PRIMARY KEY REFERENCES record (rid) ON DELETE CASCADE,
    rpe INTEGER NOT NULL,
    duration_min REAL NOT NULL,
    activity TEXT
) STRICT;

CREATE TABLE source_priority (
    metric TEXT NOT NULL,
    rank INTEGER NOT NULL CHECK (rank >= 1),
    source_name TEXT NOT NULL,
    bundle_id TEXT,
    PRIMARY KEY (metric, rank)
) STRICT;
";

/// Version 2 to 3: quantity samples keyed by 16 bytes, their kind by a number, no stream index
/// (module doc, "Schema version 3"). `alyze_quantity_key` is [`quantity_key_function`].
const V3: &str = "
CREATE TABLE quantity_sample_v3 (
    id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    platform_id TEXT,
    stream TEXT NOT NULL,
    kind INTEGER NOT NULL,
    value REAL NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL CHECK (end_ns >= start_ns),
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    source_id INTEGER NOT NULL REFERENCES source (id),
    deleted_at_ms INTEGER
) STRICT;

INSERT INTO quantity_sample_v3 (id, platform_id, stream, kind, value, start_ns, start_offset_s,
    start_zone, end_ns, end_offset_s, end_zone, source_id, deleted_at_ms)
SELECT alyze_quantity_key(id, from_platform), CASE WHEN from_platform = 1 THEN id END, stream,
    CASE kind
        WHEN 'heart_rate' THEN 1
        WHEN 'resting_heart_rate' THEN 2
        WHEN 'hrv_sdnn' THEN 3
        WHEN 'hrv_rmssd' THEN 4
        WHEN 'respiratory_rate' THEN 5
        WHEN 'wrist_temperature' THEN 6
        WHEN 'vo2max' THEN 7
    END,
    value, start_ns, start_offset_s, start_zone, end_ns, end_offset_s, end_zone, source_id,
    deleted_at_ms
FROM quantity_sample
ORDER BY kind, start_ns;

DROP TABLE quantity_sample;
ALTER TABLE quantity_sample_v3 RENAME TO quantity_sample;

-- Reads ask for live samples of one kind by time.
CREATE INDEX quantity_sample_live_by_kind
    ON quantity_sample (kind, start_ns) WHERE deleted_at_ms IS NULL;
";

/// Version 6 to 7: the clinic's documents (module doc, "Schema version 7").
const V7: &str = "
CREATE TABLE clinic_document (
    kind TEXT PRIMARY KEY CHECK (kind IN ('prescription', 'clinic_settings')),
    body TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
";

/// Version 3 to 4: deletions that arrived before what they delete (module doc, "Schema version
/// 4").
const V4: &str = "
CREATE TABLE pending_deletion (
    kind TEXT NOT NULL,
    key BLOB NOT NULL CHECK (length(key) = 16),
    stream TEXT NOT NULL,
    deleted_at_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;
";

/// Version 4 to 5: live records by kind and end (module doc, "Schema version 5").
const V5: &str = "
CREATE INDEX record_live_by_kind_end ON record (kind, end_ns) WHERE deleted_at_ms IS NULL;
";

/// Version 5 to 6: quantity samples without table constraints a multi-row insert would pay for
/// (module doc, "Schema version 6"). Rows are copied in their stored order.
const V6: &str = "
CREATE TABLE quantity_sample_v6 (
    id BLOB NOT NULL UNIQUE,
    platform_id TEXT,
    stream TEXT NOT NULL,
    kind INTEGER NOT NULL,
    value REAL NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL,
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    source_id INTEGER NOT NULL,
    deleted_at_ms INTEGER
) STRICT;

INSERT INTO quantity_sample_v6 (id, platform_id, stream, kind, value, start_ns, start_offset_s,
    start_zone, end_ns, end_offset_s, end_zone, source_id, deleted_at_ms)
SELECT id, platform_id, stream, kind, value, start_ns, start_offset_s, start_zone, end_ns,
    end_offset_s, end_zone, source_id, deleted_at_ms
FROM quantity_sample
ORDER BY rowid;

DROP TABLE quantity_sample;
ALTER TABLE quantity_sample_v6 RENAME TO quantity_sample;

CREATE INDEX quantity_sample_live_by_kind
    ON quantity_sample (kind, start_ns) WHERE deleted_at_ms IS NULL;
";

/// Version 7 to 8: the sync outbox and its change capture (module doc, "Schema version 8").
const V8: &str = "
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sample_mark INTEGER NOT NULL,
    epoch TEXT,
    cursor INTEGER
) STRICT;
INSERT INTO sync_state (id, sample_mark) VALUES (1, 0);

CREATE TABLE sync_changed_record (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_changed_sample (
    id BLOB PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_outbox (
    position INTEGER PRIMARY KEY,
    op_id TEXT NOT NULL UNIQUE,
    collection TEXT NOT NULL,
    record_id TEXT NOT NULL,
    body TEXT
) STRICT;

CREATE TABLE sync_rejected (
    op_id TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    record_id TEXT NOT NULL,
    body TEXT,
    reason TEXT NOT NULL,
    rejected_at_ms INTEGER NOT NULL
) STRICT;

CREATE TRIGGER sync_note_new_record AFTER INSERT ON record
WHEN NEW.stream NOT LIKE 'sync:%'
BEGIN
    INSERT OR IGNORE INTO sync_changed_record (kind, id) VALUES (NEW.kind, NEW.id);
END;

CREATE TRIGGER sync_note_changed_record AFTER UPDATE ON record
WHEN NEW.stream NOT LIKE 'sync:%'
BEGIN
    INSERT OR IGNORE INTO sync_changed_record (kind, id) VALUES (NEW.kind, NEW.id);
END;

CREATE TRIGGER sync_note_changed_sample AFTER UPDATE ON quantity_sample
WHEN NEW.stream NOT LIKE 'sync:%'
BEGIN
    INSERT OR IGNORE INTO sync_changed_sample (id) VALUES (NEW.id);
END;

INSERT INTO sync_changed_record (kind, id)
SELECT kind, id FROM record WHERE stream NOT LIKE 'sync:%';
";

/// Version 8 to 9: what derived documents were last queued (module doc, "Schema version 9").
const V9: &str = "
CREATE TABLE sync_document_sent (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (collection, id)
) STRICT, WITHOUT ROWID;
";

/// Version 9 to 10: the server's versions of member-edited records (module doc, "Schema version
/// 10").
const V10: &str = "
CREATE TABLE sync_server_version (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (collection, id)
) STRICT, WITHOUT ROWID;
";

/// Version 10 to 11: the member a store's sync is bound to (module doc, "Schema version 11").
const V11: &str = "ALTER TABLE sync_state ADD COLUMN member_id TEXT;";

/// Version 11 to 12: the samples of platform series (module doc, "Schema version 12").
const V12: &str = "
CREATE TABLE quantity_series_member (
    series_id TEXT NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (series_id, key)
) STRICT, WITHOUT ROWID;
";

/// Version 12 to 13: the member's planned training (module doc, "Schema version 13").
const V13: &str = "
CREATE TABLE planned_workout (
    id TEXT PRIMARY KEY NOT NULL,
    start_ns INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    start_zone TEXT,
    end_ns INTEGER NOT NULL,
    end_offset_s INTEGER NOT NULL,
    end_zone TEXT,
    class TEXT NOT NULL
) STRICT;
CREATE INDEX planned_workout_by_start ON planned_workout (start_ns);
";

/// Registers `alyze_quantity_key(id TEXT, from_platform INTEGER) -> BLOB` on `conn`, the key a
/// quantity sample stored under text id `id` has from schema version 3 on
/// ([`key_of_text_id`]). It fails (and with it the migration, which then leaves the file at
/// version 2) for a content id that is not a UUID.
fn quantity_key_function(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "alyze_quantity_key",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            let id: String = context.get(0)?;
            let from_platform: bool = context.get(1)?;
            key_of_text_id(&id, from_platform)
                .map(Vec::from)
                .ok_or_else(|| {
                    rusqlite::Error::UserFunctionError("a stored id is not a UUID".into())
                })
        },
    )
    .map_err(|e| StoreError::sqlite("registering a migration function", &e))
}

/// The file's schema version.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| StoreError::sqlite("reading the schema version", &e))
}

/// Brings the file up to [`CURRENT_VERSION`], or refuses a file newer than the code.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, CURRENT_VERSION)
}

/// The file's schema version, refused when negative or newer than the code.
pub(crate) fn checked_version(conn: &Connection) -> Result<i64> {
    let found = version(conn)?;
    if found < 0 {
        return Err(StoreError::InvalidVersion { found });
    }
    if found > CURRENT_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: CURRENT_VERSION,
        });
    }
    Ok(found)
}

/// Applies the migrations from the file's version up to `target`, one transaction each.
fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = checked_version(conn)?;
    quantity_key_function(conn)?;
    for (next, sql) in (1_i64..).zip(MIGRATIONS) {
        if next <= found {
            continue;
        }
        if next > target {
            break;
        }
        let tx = conn
            .transaction()
            .map_err(|e| StoreError::sqlite("starting a migration", &e))?;
        apply(&tx, sql, next)?;
        tx.commit()
            .map_err(|e| StoreError::sqlite("committing a migration", &e))?;
    }
    Ok(())
}

/// Runs one migration script and records its version, inside `tx`.
fn apply(tx: &Transaction<'_>, sql: &str, version: i64) -> Result<()> {
    tx.execute_batch(sql)
        .map_err(|e| StoreError::sqlite("migrating the schema", &e))?;
    tx.pragma_update(None, "user_version", version)
        .map_err(|e| StoreError::sqlite("recording the schema version", &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut statement = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .expect("prepares");
        statement
            .query_map([], |row| row.get(0))
            .expect("queries")
            .collect::<Result<_, _>>()
            .expect("reads")
    }

    fn current_tables() -> Vec<String> {
        [
            "check_in_revision",
            "clinic_document",
            "heartbeat_series",
            "lab_result",
            "pending_deletion",
            "planned_workout",
            "quantity_sample",
            "quantity_series_member",
            "record",
            "recovery_session",
            "sleep_segment",
            "source",
            "source_priority",
            "sync_anchor",
            "sync_changed_record",
            "sync_changed_sample",
            "sync_document_sent",
            "sync_outbox",
            "sync_rejected",
            "sync_server_version",
            "sync_state",
            "training_session",
            "workout",
            "workout_event",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn a_new_file_gets_the_current_schema() {
        let mut conn = Connection::open_in_memory().expect("opens");
        assert_eq!(version(&conn).expect("reads"), 0);
        migrate(&mut conn).expect("migrates");
        assert_eq!(version(&conn).expect("reads"), CURRENT_VERSION);
        assert_eq!(tables(&conn), current_tables());
        // Migrating an up-to-date file does nothing.
        migrate(&mut conn).expect("migrates again");
        assert_eq!(version(&conn).expect("reads"), CURRENT_VERSION);
    }

    #[test]
    fn upgrades_every_earlier_version() {
        for old in 0..CURRENT_VERSION {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("old.db");
            {
                let mut conn = Connection::open(&path).expect("opens");
                migrate_to(&mut conn, old).expect("builds the old version");
                assert_eq!(version(&conn).expect("reads"), old);
            }
            let store = Store::open(&path).expect("upgrades");
            assert_eq!(
                version(&store.conn).expect("reads"),
                CURRENT_VERSION,
                "from {old}"
            );
            assert_eq!(tables(&store.conn), current_tables());
        }
    }

    #[test]
    fn a_version_1_file_with_samples_keeps_them_through_the_upgrades() {
        use crate::health::time::tests::ts;
        use crate::health::{QuantityKind, QuantitySample, SleepSession, Source};
        use crate::store::quantity_id;

        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v1.db");
        // A source as version 1 stored it: its identity and name (no app or device details).
        let watch = || Source {
            name: "Watch".to_owned(),
            bundle_id: None,
            version: None,
            device: None,
        };
        let platform = QuantitySample {
            kind: QuantityKind::HrvSdnn,
            value: 48.5,
            start: ts(0),
            end: ts(60),
            source: watch().into(),
            platform_id: Some("HK-1".to_owned()),
        };
        let exported = QuantitySample {
            kind: QuantityKind::HeartRate,
            value: 61.0,
            platform_id: None,
            ..platform.clone()
        };
        {
            // A file as version 1 of the app left it: schema 1, a HealthKit sample with its
            // anchor, an exported sample under its content id, a tombstone; written as version 1
            // wrote rows (text ids, kind names).
            let mut conn = Connection::open(&path).expect("opens");
            migrate_to(&mut conn, 1).expect("builds version 1");
            let mut identity = String::new();
            watch().write_key(&mut identity);
            conn.execute(
                "INSERT INTO source (identity, name, has_device) VALUES (?1, ?2, 0)",
                rusqlite::params![identity, watch().name],
            )
            .expect("inserts the source");
            let start_ns = ts(0).utc().timestamp_nanos_opt().expect("in range");
            let end_ns = ts(60).utc().timestamp_nanos_opt().expect("in range");
            for (id, from_platform, kind, value, deleted) in [
                ("HK-1", 1, "hrv_sdnn", 48.5, None),
                (quantity_id(&exported).as_str(), 0, "heart_rate", 61.0, None),
                ("HK-0", 1, "hrv_sdnn", 50.0, Some(1_i64)),
            ] {
                conn.execute(
                    "INSERT INTO quantity_sample (id, from_platform, stream, kind, value, \
                     start_ns, start_offset_s, start_zone, end_ns, end_offset_s, end_zone, \
                     source_id, deleted_at_ms) \
                     VALUES (?1, ?2, 's', ?3, ?4, ?5, 3600, 'Europe/Berlin', ?6, 3600, \
                     'Europe/Berlin', 1, ?7)",
                    rusqlite::params![id, from_platform, kind, value, start_ns, end_ns, deleted],
                )
                .expect("inserts a version 1 row");
            }
            conn.execute(
                "INSERT INTO sync_anchor (stream, anchor, updated_at_ms) VALUES ('s', X'6131', 0)",
                [],
            )
            .expect("inserts the anchor");
        }
        let mut store = Store::open(&path).expect("upgrades");
        assert_eq!(version(&store.conn).expect("reads"), CURRENT_VERSION);
        let read = |store: &Store, kind| {
            store
                .quantities(kind, ts(0).utc(), ts(60).utc())
                .expect("reads")
        };
        assert_eq!(read(&store, QuantityKind::HrvSdnn), vec![platform.clone()]);
        assert_eq!(
            read(&store, QuantityKind::HeartRate),
            vec![exported.clone()]
        );
        assert_eq!(store.anchor("s").expect("reads"), Some(b"a1".to_vec()));
        // The upgraded rows are found under their new keys: delivering them again changes
        // nothing, the tombstone stays, and a deletion by platform id reaches the old row.
        let again = store
            .ingest_quantities("s", &[platform.clone(), exported], &[], None)
            .expect("ingests");
        assert_eq!((again.inserted, again.duplicates), (0, 2));
        let deleted = QuantitySample {
            platform_id: Some("HK-0".to_owned()),
            value: 50.0,
            ..platform
        };
        let replay = store
            .ingest_quantities("s", &[deleted], &["HK-1".to_owned()], None)
            .expect("ingests");
        assert_eq!((replay.duplicates, replay.deleted), (1, 1));
        assert!(read(&store, QuantityKind::HrvSdnn).is_empty());
        // The new tables work in the upgraded file, sharing the old source row.
        let night = SleepSession {
            start: ts(0),
            end: ts(3600),
            segments: Vec::new(),
            source: watch(),
            platform_id: None,
        };
        let report = store
            .ingest("apple_export", std::slice::from_ref(&night), &[], None)
            .expect("ingests");
        assert_eq!(report.inserted, 1);
        let sources: i64 = store
            .conn
            .query_row("SELECT count(*) FROM source", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(sources, 1);
    }

    #[test]
    fn a_version_2_file_with_a_content_id_that_is_not_a_uuid_stays_at_version_2() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v2.db");
        {
            let mut conn = Connection::open(&path).expect("opens");
            migrate_to(&mut conn, 2).expect("builds version 2");
            conn.execute_batch(
                "INSERT INTO source (identity, name, has_device) VALUES ('w', 'Watch', 0);
                 INSERT INTO quantity_sample (id, from_platform, stream, kind, value, start_ns, \
                 start_offset_s, end_ns, end_offset_s, source_id) \
                 VALUES ('not-a-uuid', 0, 's', 'heart_rate', 60, 0, 0, 0, 0, 1);",
            )
            .expect("inserts");
        }
        let error = Store::open(&path)
            .map(|_| ())
            .expect_err("refuses the upgrade");
        assert!(!error.to_string().contains("not-a-uuid"), "{error}");
        let conn = Connection::open(&path).expect("opens");
        assert_eq!(version(&conn).expect("reads"), 2);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM quantity_sample", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_newer_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newer.db");
        {
            let conn = Connection::open(&path).expect("opens");
            conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
                .expect("sets");
        }
        let error = Store::open(&path).map(|_| ()).expect_err("refused");
        assert_eq!(
            error,
            StoreError::TooNew {
                found: CURRENT_VERSION + 1,
                supported: CURRENT_VERSION
            }
        );
        assert!(error.to_string().contains("update the app"));
        let conn = Connection::open(&path).expect("opens");
        assert_eq!(version(&conn).expect("reads"), CURRENT_VERSION + 1);
        assert!(tables(&conn).is_empty());
    }

    #[test]
    fn a_negative_version_is_refused() {
        let mut conn = Connection::open_in_memory().expect("opens");
        conn.pragma_update(None, "user_version", -3).expect("sets");
        assert_eq!(
            migrate(&mut conn),
            Err(StoreError::InvalidVersion { found: -3 })
        );
    }

    #[test]
    fn a_failed_migration_leaves_the_previous_version() {
        // A migration that fails part-way must leave neither its tables nor its version.
        let mut conn = Connection::open_in_memory().expect("opens");
        let tx = conn.transaction().expect("begins");
        let failed = apply(&tx, "CREATE TABLE half (x); SELECT * FROM missing;", 1);
        assert!(matches!(failed, Err(StoreError::Sqlite { .. })));
        drop(tx);
        assert_eq!(version(&conn).expect("reads"), 0);
        assert!(tables(&conn).is_empty());
    }
}
