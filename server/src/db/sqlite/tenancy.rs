//! Creating clinics, staff, members and enrolment codes: what the admin subcommands do.

use rusqlite::{Connection, OptionalExtension};

use super::{SqliteDb, conflict_or, immediate};
use crate::auth::token::SecretHash;
use crate::db::DbError;
use crate::random;
use crate::tenancy::StaffRole;

impl SqliteDb {
    pub(crate) async fn create_clinic(&self, name: String, now: i64) -> Result<String, DbError> {
        let id = random::new_id()?;
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO clinics (id, name, created_at) VALUES (?1, ?2, ?3)",
                (&id, &name, now),
            )?;
            Ok(id)
        })
        .await
    }

    pub(crate) async fn create_staff(
        &self,
        clinic_id: String,
        email: String,
        role: StaffRole,
        password_hash: String,
        now: i64,
    ) -> Result<String, DbError> {
        let id = random::new_id()?;
        self.write(move |conn| {
            let tx = immediate(conn)?;
            require(
                &tx,
                "SELECT 1 FROM clinics WHERE id = ?1",
                &clinic_id,
                "clinic",
            )?;
            tx.execute(
                "INSERT INTO staff (id, clinic_id, email, role, password_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (&id, &clinic_id, &email, role.as_str(), &password_hash, now),
            )
            .map_err(|e| conflict_or(e, "staff e-mail address"))?;
            tx.commit()?;
            Ok(id)
        })
        .await
    }

    pub(crate) async fn create_member(
        &self,
        clinic_id: String,
        display_name: String,
        now: i64,
    ) -> Result<String, DbError> {
        let id = random::new_id()?;
        self.write(move |conn| {
            let tx = immediate(conn)?;
            require(
                &tx,
                "SELECT 1 FROM clinics WHERE id = ?1",
                &clinic_id,
                "clinic",
            )?;
            tx.execute(
                "INSERT INTO members (id, clinic_id, display_name, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
                (&id, &clinic_id, &display_name, now),
            )?;
            // The clinic's settings, if it has any, are the new member's first record.
            let copied = tx.execute(
                "INSERT INTO sync_records
                 (member_id, collection, record_id, version, deleted, body, origin_device, seq,
                  updated_at)
                 SELECT ?1, 'clinic_settings', 'current', 1, FALSE, settings, NULL, 1, ?2
                 FROM clinics WHERE id = ?3 AND settings IS NOT NULL",
                (&id, now, &clinic_id),
            )?;
            if copied > 0 {
                tx.execute("UPDATE members SET last_seq = 1 WHERE id = ?1", [&id])?;
                tx.execute(
                    "INSERT INTO sync_revisions
                     (member_id, collection, record_id, version, base_version, status, deleted,
                      body, origin_device, seq, recorded_at)
                     SELECT member_id, collection, record_id, version, NULL, 'applied', deleted,
                            body, NULL, seq, updated_at
                     FROM sync_records WHERE member_id = ?1",
                    [&id],
                )?;
            }
            tx.commit()?;
            Ok(id)
        })
        .await
    }

    pub(crate) async fn create_enrolment_code(
        &self,
        member_id: String,
        code: SecretHash,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            require(
                &tx,
                "SELECT 1 FROM members WHERE id = ?1",
                &member_id,
                "member",
            )?;
            tx.execute(
                "INSERT INTO enrolment_codes (code_hash, member_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                (&code.0[..], &member_id, now, expires_at),
            )
            .map_err(|e| conflict_or(e, "enrolment code"))?;
            tx.commit()?;
            Ok(())
        })
        .await
    }
}

/// `NotFound(what)` unless `sql` (selecting by `?1 = id`) finds a row.
fn require(conn: &Connection, sql: &str, id: &str, what: &'static str) -> Result<(), DbError> {
    conn.query_row(sql, [id], |_| Ok(()))
        .optional()?
        .ok_or(DbError::NotFound(what))
}
