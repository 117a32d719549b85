//! Versioned schema migrations for SQLite. Each version runs once, in its own transaction together
//! with its row in `schema_migrations`, so a crash mid-migration leaves the previous version
//! intact. A table (rather than `PRAGMA user_version`) records the versions because PostgreSQL's
//! migrations (`db/postgres/migrations.rs`) use the same table and the same version numbers.
//! Never edit a released migration: add the next one, to both backends.

use rusqlite::{Connection, OptionalExtension};

use crate::db::DbError;

/// Version 1: who exists. Clinics, their staff (unique e-mail addresses: login is by address
/// alone), their members, the members' devices and the one-time codes that enrol them.
const V1_TENANCY: &str = "
CREATE TABLE clinics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'clinician')),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX staff_by_clinic ON staff (clinic_id);
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    display_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX members_by_clinic ON members (clinic_id);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX devices_by_member ON devices (member_id);
CREATE TABLE enrolment_codes (
    code_hash BLOB PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
";

/// Version 2: logins and the audit log. A token family is one login (a device's enrolment or a
/// staff login); each refresh adds tokens to it, and revoking it ends every one of them. The audit
/// log has no foreign keys on purpose: it must outlive what it mentions. Triggers make it
/// append-only: no code path updates or deletes it, and the database refuses if one tried.
const V2_SESSIONS_AND_AUDIT: &str = "
CREATE TABLE token_families (
    id TEXT PRIMARY KEY,
    member_id TEXT REFERENCES members (id),
    device_id TEXT REFERENCES devices (id),
    staff_id TEXT REFERENCES staff (id),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    CHECK ((member_id IS NOT NULL AND device_id IS NOT NULL AND staff_id IS NULL)
        OR (member_id IS NULL AND device_id IS NULL AND staff_id IS NOT NULL))
);
CREATE TABLE tokens (
    hash BLOB PRIMARY KEY,
    family_id TEXT NOT NULL REFERENCES token_families (id),
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX tokens_by_family ON tokens (family_id);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    staff_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    action TEXT NOT NULL
);
CREATE INDEX audit_log_by_member ON audit_log (member_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
";

/// Version 3: sync (`docs/sync.md`). A member's change counter and purge line on their row; the
/// server's epoch (random, made with the schema; `new-epoch` replaces it); each member's records
/// in their current state, every revision of them, the ops applied (with their payload hash and
/// result, written with their effect), a device's last page served below the purge line, and
/// each clinic's settings.
const V3_SYNC: &str = "
ALTER TABLE members ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN purged_through_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN pull_cursor BIGINT;
ALTER TABLE devices ADD COLUMN pull_purged_through BIGINT;
ALTER TABLE clinics ADD COLUMN settings TEXT;
CREATE TABLE server_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO server_epoch (id, epoch, created_at)
VALUES (1, lower(hex(randomblob(16))), CAST(strftime('%s', 'now') AS INTEGER) * 1000);
CREATE TABLE sync_records (
    member_id TEXT NOT NULL REFERENCES members (id),
    collection TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL,
    body TEXT,
    origin_device TEXT,
    seq BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, collection, record_id)
);
CREATE UNIQUE INDEX sync_records_by_seq ON sync_records (member_id, seq);
CREATE INDEX sync_records_tombstones ON sync_records (updated_at) WHERE deleted;
CREATE TABLE sync_revisions (
    id INTEGER PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (id),
    collection TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version BIGINT,
    base_version BIGINT,
    status TEXT NOT NULL CHECK (status IN ('applied', 'conflict')),
    deleted BOOLEAN NOT NULL,
    body TEXT,
    origin_device TEXT,
    seq BIGINT,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX sync_revisions_by_record ON sync_revisions (member_id, collection, record_id);
CREATE TABLE sync_applied_ops (
    member_id TEXT NOT NULL REFERENCES members (id),
    op_id TEXT NOT NULL,
    payload_hash BLOB NOT NULL,
    status TEXT NOT NULL,
    version BIGINT,
    applied_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, op_id)
);
";

/// Version 4: which refresh token each token was issued in exchange for (`replaces`, the spent
/// token's hash; none for a login's first pair), so that a refresh retried after a lost answer can
/// be told from a replay (`db::RefreshStep`). Tokens issued before it replace nothing known: their
/// replay revokes the login, as it did.
const V4_TOKEN_CHAIN: &str = "
ALTER TABLE tokens ADD COLUMN replaces BLOB;
CREATE INDEX tokens_by_replaces ON tokens (replaces);
";

/// Every migration, in order; the version is the position plus one.
const MIGRATIONS: &[&str] = &[V1_TENANCY, V2_SESSIONS_AND_AUDIT, V3_SYNC, V4_TOKEN_CHAIN];

/// The newest schema version this build knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the schema to `LATEST`; refuses a database written by a newer server.
pub fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    migrate_to(conn, LATEST)
}

/// The schema version of the database (0 for a new file).
fn version(conn: &Connection) -> Result<i64, DbError> {
    let exists: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), DbError> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            applied_at BIGINT NOT NULL
        )",
        [],
    )?;
    let current = version(conn)?;
    if current > LATEST {
        return Err(DbError::SchemaTooNew {
            found: current,
            supported: LATEST,
        });
    }
    for (version, sql) in (1..).zip(MIGRATIONS) {
        if version <= current || version > target {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            (version, crate::clock::now_ms()),
        )?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_exists(conn: &Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    }

    #[test]
    fn a_version_1_database_upgrades_and_keeps_its_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 1).unwrap();
        assert_eq!(version(&conn).unwrap(), 1);
        assert!(!table_exists(&conn, "audit_log"));
        conn.execute_batch(
            "INSERT INTO clinics VALUES ('c1', 'North', 1);
             INSERT INTO members VALUES ('m1', 'c1', 'Ada', 2);",
        )
        .unwrap();

        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), LATEST);
        assert!(table_exists(&conn, "audit_log"));
        assert!(table_exists(&conn, "tokens"));
        let name: String = conn
            .query_row(
                "SELECT display_name FROM members WHERE id = 'm1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(name, "Ada");
        // Version 3 gave the database its sync epoch and the member a zero counter.
        let epoch: String = conn
            .query_row("SELECT epoch FROM server_epoch", [], |r| r.get(0))
            .unwrap();
        assert_eq!(epoch.len(), 32);
        let last_seq: i64 = conn
            .query_row("SELECT last_seq FROM members WHERE id = 'm1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(last_seq, 0);
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, LATEST);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute("INSERT INTO schema_migrations VALUES (?1, 0)", [LATEST + 1])
            .unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(DbError::SchemaTooNew { found, .. }) if found == LATEST + 1
        ));
    }
}
