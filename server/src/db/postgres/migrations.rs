//! Versioned schema migrations for PostgreSQL: the same logical schema as SQLite's
//! (`db/sqlite/migrations.rs`, same version numbers), in PostgreSQL's own types: `BYTEA` for
//! hashes, `BIGINT` for ms times, an identity column for the audit log's order. Each version runs
//! once, in its own transaction together with its row in `schema_migrations` (PostgreSQL's DDL is
//! transactional, so a crash mid-migration leaves the previous version intact). Never edit a
//! released migration: add the next one, to both backends.
//!
//! Several servers may start on one database at once (a deployment that outgrew one machine). No
//! advisory lock keeps them apart (distributed engines lack them): the version's row is inserted
//! first, so a second server migrating the same version waits on it and then fails on its primary
//! key, or is aborted as a serialization failure; either way it reads the version again and finds
//! the work done.

use tokio_postgres::error::SqlState;

use super::{PostgresDb, execute, query_opt};
use crate::clock;
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
    code_hash BYTEA PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
";

/// Version 2: logins and the audit log. A token family is one login (a device's enrolment or a
/// staff login); each refresh adds tokens to it, and revoking it ends every one of them. The audit
/// log has no foreign keys on purpose: it must outlive what it mentions. A trigger function makes
/// it append-only: no code path updates, deletes or truncates it, and the database refuses if one
/// tried (the message is the same as SQLite's).
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
    hash BYTEA PRIMARY KEY,
    family_id TEXT NOT NULL REFERENCES token_families (id),
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX tokens_by_family ON tokens (family_id);
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    staff_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    action TEXT NOT NULL
);
CREATE INDEX audit_log_by_member ON audit_log (member_id, at);
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
";

/// Version 3: sync (`docs/sync.md`). A member's change counter and purge line on their row; the
/// server's epoch (random, made with the schema; `new-epoch` replaces it); each member's records
/// in their current state, every revision of them, the ops applied (with their payload hash and
/// result, written with their effect), a device's last page served below the purge line, and
/// each clinic's settings. Bodies are JSONB.
const V3_SYNC: &str = "
ALTER TABLE members ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN purged_through_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN pull_cursor BIGINT;
ALTER TABLE devices ADD COLUMN pull_purged_through BIGINT;
ALTER TABLE clinics ADD COLUMN settings JSONB;
CREATE TABLE server_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO server_epoch (id, epoch, created_at)
VALUES (1, replace(gen_random_uuid()::TEXT, '-', ''), (extract(epoch FROM now()) * 1000)::BIGINT);
CREATE TABLE sync_records (
    member_id TEXT NOT NULL REFERENCES members (id),
    collection TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL,
    body JSONB,
    origin_device TEXT,
    seq BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, collection, record_id)
);
CREATE UNIQUE INDEX sync_records_by_seq ON sync_records (member_id, seq);
CREATE INDEX sync_records_tombstones ON sync_records (updated_at) WHERE deleted;
CREATE TABLE sync_revisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (id),
    collection TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version BIGINT,
    base_version BIGINT,
    status TEXT NOT NULL CHECK (status IN ('applied', 'conflict')),
    deleted BOOLEAN NOT NULL,
    body JSONB,
    origin_device TEXT,
    seq BIGINT,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX sync_revisions_by_record ON sync_revisions (member_id, collection, record_id);
CREATE TABLE sync_applied_ops (
    member_id TEXT NOT NULL REFERENCES members (id),
    op_id TEXT NOT NULL,
    payload_hash BYTEA NOT NULL,
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
ALTER TABLE tokens ADD COLUMN replaces BYTEA;
CREATE INDEX tokens_by_replaces ON tokens (replaces);
";

/// Every migration, in order; the version is the position plus one.
const MIGRATIONS: &[&str] = &[V1_TENANCY, V2_SESSIONS_AND_AUDIT, V3_SYNC, V4_TOKEN_CHAIN];

/// The newest schema version this build knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// How many times a migrator starts over after losing a race to another server. Each loss means
/// the other server applied a version, so this bounds nothing real unless something is wrong.
const MAX_ROUNDS: usize = 2 * MIGRATIONS.len() + 3;

/// Brings the schema to `target` (`LATEST` but in tests, which play an older server); refuses a
/// database written by a newer server.
pub async fn migrate_to(db: &PostgresDb, target: i64) -> Result<(), DbError> {
    let mut rounds = 0;
    loop {
        match step(db, target).await {
            Ok(true) => rounds = 0,
            Ok(false) => return Ok(()),
            // Another server created the table or applied this version at the same moment.
            Err(e) if lost_a_race(&e) && rounds < MAX_ROUNDS => rounds += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Applies the next version up to `target`, if any is due; whether one was applied.
async fn step(db: &PostgresDb, target: i64) -> Result<bool, DbError> {
    db.write(move |tx| {
        Box::pin(async move {
            // IF NOT EXISTS still races on the catalog between two servers (the loser fails on
            // the table's row type: "type already exists", or on the catalog's unique index);
            // `lost_a_race` covers that loss like any other.
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    applied_at BIGINT NOT NULL
                )",
            )
            .await?;
            let current: i64 = query_opt(
                tx,
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )
            .await?
            .map(|row| row.try_get(0))
            .transpose()?
            .unwrap_or(0);
            if current > LATEST {
                return Err(DbError::SchemaTooNew {
                    found: current,
                    supported: LATEST,
                });
            }
            let next = current + 1;
            let Some(sql) = usize::try_from(current)
                .ok()
                .and_then(|i| MIGRATIONS.get(i))
                .filter(|_| next <= target)
            else {
                return Ok(false);
            };
            // The row first: a concurrent migrator of the same version blocks here, not midway
            // through the DDL.
            execute(
                tx,
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[&next, &clock::now_ms()],
            )
            .await?;
            tx.batch_execute(sql).await?;
            Ok(true)
        })
    })
    .await
}

/// Whether a migration failed because another server did the same work at the same time.
fn lost_a_race(e: &DbError) -> bool {
    match e {
        DbError::Postgres(e) => matches!(
            e.code(),
            Some(c) if *c == SqlState::UNIQUE_VIOLATION
                || *c == SqlState::DUPLICATE_TABLE
                || *c == SqlState::DUPLICATE_OBJECT
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
        ),
        _ => false,
    }
}
