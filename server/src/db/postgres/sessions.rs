//! Logins: enrolling a device with a one-time code, starting a staff session, rotating refresh
//! tokens with reuse detection and a grace for a retry whose answer was lost, ending a login, and
//! resolving an access token to its holder.

use std::time::Duration;

use super::{PostgresDb, Transaction, execute, query_opt};
use crate::auth::token::SecretHash;
use crate::db::{
    DbError, Enrolled, NewTokens, Principal, Refresh, RefreshRow, RefreshStep, StaffCredentials,
};
use crate::random;

impl PostgresDb {
    pub(crate) async fn enrol(
        &self,
        code: SecretHash,
        device_name: String,
        tokens: NewTokens,
        now: i64,
    ) -> Result<Option<Enrolled>, DbError> {
        let device_id = random::new_id()?;
        let family_id = random::new_id()?;
        self.write(move |tx| {
            let (device_id, family_id, device_name) =
                (device_id.clone(), family_id.clone(), device_name.clone());
            Box::pin(async move {
                // Spend the code only if it is unused and current; the returned row says whether
                // it was.
                let code: &[u8] = &code.0;
                let spent = query_opt(
                    tx,
                    "UPDATE enrolment_codes SET used_at = $2
                     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
                     RETURNING member_id",
                    &[&code, &now],
                )
                .await?;
                let Some(row) = spent else {
                    return Ok(None);
                };
                let member_id: String = row.try_get(0)?;
                execute(
                    tx,
                    "INSERT INTO devices (id, member_id, name, created_at) VALUES ($1, $2, $3, $4)",
                    &[&device_id, &member_id, &device_name, &now],
                )
                .await?;
                execute(
                    tx,
                    "INSERT INTO token_families (id, member_id, device_id, created_at)
                     VALUES ($1, $2, $3, $4)",
                    &[&family_id, &member_id, &device_id, &now],
                )
                .await?;
                insert_tokens(tx, &family_id, tokens, None, now).await?;
                Ok(Some(Enrolled {
                    member_id,
                    device_id,
                }))
            })
        })
        .await
    }

    pub(crate) async fn start_staff_session(
        &self,
        staff_id: String,
        tokens: NewTokens,
        now: i64,
    ) -> Result<(), DbError> {
        let family_id = random::new_id()?;
        self.write(move |tx| {
            let (family_id, staff_id) = (family_id.clone(), staff_id.clone());
            Box::pin(async move {
                execute(
                    tx,
                    "INSERT INTO token_families (id, staff_id, created_at) VALUES ($1, $2, $3)",
                    &[&family_id, &staff_id, &now],
                )
                .await?;
                insert_tokens(tx, &family_id, tokens, None, now).await
            })
        })
        .await
    }

    pub(crate) async fn refresh(
        &self,
        refresh: SecretHash,
        tokens: NewTokens,
        now: i64,
        retry_grace: Duration,
    ) -> Result<Refresh, DbError> {
        self.write(move |tx| {
            Box::pin(async move {
                let hash: &[u8] = &refresh.0;
                let found = query_opt(
                    tx,
                    "SELECT t.family_id, t.expires_at, t.rotated_at, f.revoked_at,
                        EXISTS (SELECT 1 FROM tokens a
                                WHERE a.replaces = t.hash AND a.kind = 'refresh'),
                        EXISTS (SELECT 1 FROM tokens a JOIN tokens b ON b.replaces = a.hash
                                WHERE a.replaces = t.hash AND a.kind = 'refresh'
                                  AND b.kind = 'refresh')
                     FROM tokens t JOIN token_families f ON f.id = t.family_id
                     WHERE t.hash = $1 AND t.kind = 'refresh'",
                    &[&hash],
                )
                .await?;
                let Some(found) = found else {
                    return Ok(Refresh::Invalid);
                };
                let family_id: String = found.try_get(0)?;
                let row = RefreshRow {
                    expires_at: found.try_get(1)?,
                    rotated_at: found.try_get(2)?,
                    revoked_at: found.try_get(3)?,
                    answered: found.try_get(4)?,
                    answer_used: found.try_get(5)?,
                };
                // SERIALIZABLE: of two concurrent refreshes of one token, one commits; the other
                // is aborted, retried, and then decides on what the first wrote, as on SQLite's
                // single writer.
                let outcome = match RefreshStep::of(row, now, retry_grace) {
                    RefreshStep::Refuse => return Ok(Refresh::Invalid),
                    RefreshStep::RevokeFamily => {
                        // A spent refresh token came back: either the client or a thief holds a
                        // copy, and the server cannot tell which. End the login for both
                        // (RFC 9700, 4.14.2).
                        execute(
                            tx,
                            "UPDATE token_families SET revoked_at = $2
                             WHERE id = $1 AND revoked_at IS NULL",
                            &[&family_id, &now],
                        )
                        .await?;
                        return Ok(Refresh::Reused);
                    }
                    RefreshStep::Reissue => {
                        // The lost answer's tokens stop working: one live refresh token per
                        // login, and one that comes back later is a replay.
                        execute(
                            tx,
                            "UPDATE tokens SET rotated_at = $2
                             WHERE replaces = $1 AND kind = 'refresh' AND rotated_at IS NULL",
                            &[&hash, &now],
                        )
                        .await?;
                        execute(
                            tx,
                            "UPDATE tokens SET expires_at = $2
                             WHERE replaces = $1 AND kind = 'access' AND expires_at > $2",
                            &[&hash, &now],
                        )
                        .await?;
                        Refresh::Reissued
                    }
                    RefreshStep::Rotate => {
                        let spent = execute(
                            tx,
                            "UPDATE tokens SET rotated_at = $2
                             WHERE hash = $1 AND rotated_at IS NULL",
                            &[&hash, &now],
                        )
                        .await?;
                        if spent != 1 {
                            return Ok(Refresh::Invalid);
                        }
                        Refresh::Rotated
                    }
                };
                insert_tokens(tx, &family_id, tokens, Some(hash), now).await?;
                Ok(outcome)
            })
        })
        .await
    }

    pub(crate) async fn end_login(&self, refresh: SecretHash, now: i64) -> Result<bool, DbError> {
        self.write(move |tx| {
            Box::pin(async move {
                let hash: &[u8] = &refresh.0;
                let ended = execute(
                    tx,
                    "UPDATE token_families SET revoked_at = $2
                     WHERE id = (SELECT family_id FROM tokens WHERE hash = $1 AND kind = 'refresh')
                       AND revoked_at IS NULL",
                    &[&hash, &now],
                )
                .await?;
                Ok(ended == 1)
            })
        })
        .await
    }

    pub(crate) async fn staff_credentials(
        &self,
        email: String,
    ) -> Result<Option<StaffCredentials>, DbError> {
        self.read(move |tx| {
            let email = email.clone();
            Box::pin(async move {
                let Some(row) = query_opt(
                    tx,
                    "SELECT id, clinic_id, role, password_hash FROM staff WHERE email = $1",
                    &[&email],
                )
                .await?
                else {
                    return Ok(None);
                };
                let role: String = row.try_get(2)?;
                Ok(StaffCredentials::from_row(
                    row.try_get(0)?,
                    row.try_get(1)?,
                    &role,
                    row.try_get(3)?,
                ))
            })
        })
        .await
    }

    pub(crate) async fn authenticate(
        &self,
        access: SecretHash,
        now: i64,
    ) -> Result<Option<Principal>, DbError> {
        self.read(move |tx| {
            Box::pin(async move {
                // One statement: the token, its family and, for staff, their clinic.
                let hash: &[u8] = &access.0;
                let Some(row) = query_opt(
                    tx,
                    "SELECT f.member_id, f.device_id, f.staff_id, s.clinic_id
                     FROM tokens t
                     JOIN token_families f ON f.id = t.family_id
                     LEFT JOIN staff s ON s.id = f.staff_id
                     WHERE t.hash = $1 AND t.kind = 'access' AND t.expires_at > $2
                       AND f.revoked_at IS NULL",
                    &[&hash, &now],
                )
                .await?
                else {
                    return Ok(None);
                };
                Ok(Principal::of_family(
                    row.try_get(0)?,
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                ))
            })
        })
        .await
    }
}

async fn insert_tokens(
    tx: &Transaction<'_>,
    family_id: &str,
    tokens: NewTokens,
    replaces: Option<&[u8]>,
    now: i64,
) -> Result<(), DbError> {
    let sql = "INSERT INTO tokens (hash, family_id, kind, issued_at, expires_at, replaces)
               VALUES ($1, $2, $3, $4, $5, $6)";
    let access: &[u8] = &tokens.access.0;
    let refresh: &[u8] = &tokens.refresh.0;
    for (hash, kind, expires_at) in [
        (access, "access", tokens.access_expires_at),
        (refresh, "refresh", tokens.refresh_expires_at),
    ] {
        execute(
            tx,
            sql,
            &[&hash, &family_id, &kind, &now, &expires_at, &replaces],
        )
        .await?;
    }
    Ok(())
}
