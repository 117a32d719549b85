//! Creating clinics, staff, members and enrolment codes: what the admin subcommands do.

use tokio_postgres::types::ToSql;

use super::{PostgresDb, Transaction, conflict_or, execute, query_opt};
use crate::auth::token::SecretHash;
use crate::db::DbError;
use crate::random;
use crate::tenancy::StaffRole;

impl PostgresDb {
    pub(crate) async fn create_clinic(&self, name: String, now: i64) -> Result<String, DbError> {
        let id = random::new_id()?;
        self.write(move |tx| {
            let (id, name) = (id.clone(), name.clone());
            Box::pin(async move {
                execute(
                    tx,
                    "INSERT INTO clinics (id, name, created_at) VALUES ($1, $2, $3)",
                    &[&id, &name, &now],
                )
                .await?;
                Ok(id)
            })
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
        self.write(move |tx| {
            let (id, clinic_id, email, password_hash) = (
                id.clone(),
                clinic_id.clone(),
                email.clone(),
                password_hash.clone(),
            );
            Box::pin(async move {
                require(
                    tx,
                    "SELECT 1 FROM clinics WHERE id = $1",
                    &clinic_id,
                    "clinic",
                )
                .await?;
                execute(
                    tx,
                    "INSERT INTO staff (id, clinic_id, email, role, password_hash, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &id,
                        &clinic_id,
                        &email,
                        &role.as_str(),
                        &password_hash,
                        &now,
                    ],
                )
                .await
                .map_err(|e| conflict_or(e, "staff e-mail address"))?;
                Ok(id)
            })
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
        self.write(move |tx| {
            let (id, clinic_id, display_name) =
                (id.clone(), clinic_id.clone(), display_name.clone());
            Box::pin(async move {
                // FOR SHARE: a concurrent change of the clinic's settings (which writes them to
                // every member it sees) waits for this member, or this waits for it and is
                // retried with the new settings.
                require(
                    tx,
                    "SELECT 1 FROM clinics WHERE id = $1 FOR SHARE",
                    &clinic_id,
                    "clinic",
                )
                .await?;
                execute(
                    tx,
                    "INSERT INTO members (id, clinic_id, display_name, created_at)
                     VALUES ($1, $2, $3, $4)",
                    &[&id, &clinic_id, &display_name, &now],
                )
                .await?;
                // The clinic's settings, if it has any, are the new member's first record.
                let copied = execute(
                    tx,
                    "INSERT INTO sync_records
                     (member_id, collection, record_id, version, deleted, body, origin_device,
                      seq, updated_at)
                     SELECT $1, 'clinic_settings', 'current', 1, FALSE, settings, NULL, 1, $2
                     FROM clinics WHERE id = $3 AND settings IS NOT NULL",
                    &[&id, &now, &clinic_id],
                )
                .await?;
                if copied > 0 {
                    execute(tx, "UPDATE members SET last_seq = 1 WHERE id = $1", &[&id]).await?;
                    execute(
                        tx,
                        "INSERT INTO sync_revisions
                         (member_id, collection, record_id, version, base_version, status,
                          deleted, body, origin_device, seq, recorded_at)
                         SELECT member_id, collection, record_id, version, NULL, 'applied',
                                deleted, body, NULL, seq, updated_at
                         FROM sync_records WHERE member_id = $1",
                        &[&id],
                    )
                    .await?;
                }
                Ok(id)
            })
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
        self.write(move |tx| {
            let member_id = member_id.clone();
            Box::pin(async move {
                require(
                    tx,
                    "SELECT 1 FROM members WHERE id = $1",
                    &member_id,
                    "member",
                )
                .await?;
                let hash: &[u8] = &code.0;
                execute(
                    tx,
                    "INSERT INTO enrolment_codes (code_hash, member_id, created_at, expires_at)
                     VALUES ($1, $2, $3, $4)",
                    &[&hash, &member_id, &now, &expires_at],
                )
                .await
                .map_err(|e| conflict_or(e, "enrolment code"))?;
                Ok(())
            })
        })
        .await
    }
}

/// `NotFound(what)` unless `sql` (selecting by `$1 = id`) finds a row.
async fn require(
    tx: &Transaction<'_>,
    sql: &str,
    id: &(dyn ToSql + Sync),
    what: &'static str,
) -> Result<(), DbError> {
    query_opt(tx, sql, &[id])
        .await?
        .map(|_| ())
        .ok_or(DbError::NotFound(what))
}
