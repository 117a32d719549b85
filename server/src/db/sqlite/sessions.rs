//! Logins: enrolling a device with a one-time code, starting a staff session, rotating refresh
//! tokens with reuse detection and a grace for a retry whose answer was lost, ending a login, and
//! resolving an access token to its holder.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{SqliteDb, immediate};
use crate::auth::token::SecretHash;
use crate::db::{
    DbError, Enrolled, NewTokens, Principal, Refresh, RefreshRow, RefreshStep, StaffCredentials,
};
use crate::random;

impl SqliteDb {
    pub(crate) async fn enrol(
        &self,
        code: SecretHash,
        device_name: String,
        tokens: NewTokens,
        now: i64,
    ) -> Result<Option<Enrolled>, DbError> {
        let device_id = random::new_id()?;
        let family_id = random::new_id()?;
        self.write(move |conn| {
            let tx = immediate(conn)?;
            // Spend the code only if it is unused and current; the row count says whether it was.
            let member_id: Option<String> = tx
                .query_row(
                    "UPDATE enrolment_codes SET used_at = ?2
                     WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2
                     RETURNING member_id",
                    (&code.0[..], now),
                    |r| r.get(0),
                )
                .optional()?;
            let Some(member_id) = member_id else {
                return Ok(None);
            };
            tx.execute(
                "INSERT INTO devices (id, member_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                (&device_id, &member_id, &device_name, now),
            )?;
            tx.execute(
                "INSERT INTO token_families (id, member_id, device_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
                (&family_id, &member_id, &device_id, now),
            )?;
            insert_tokens(&tx, &family_id, tokens, None, now)?;
            tx.commit()?;
            Ok(Some(Enrolled {
                member_id,
                device_id,
            }))
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
        self.write(move |conn| {
            let tx = immediate(conn)?;
            tx.execute(
                "INSERT INTO token_families (id, staff_id, created_at) VALUES (?1, ?2, ?3)",
                (&family_id, &staff_id, now),
            )?;
            insert_tokens(&tx, &family_id, tokens, None, now)?;
            tx.commit()?;
            Ok(())
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
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let hash = &refresh.0[..];
            let found = tx
                .query_row(
                    "SELECT t.family_id, t.expires_at, t.rotated_at, f.revoked_at,
                        EXISTS (SELECT 1 FROM tokens a
                                WHERE a.replaces = t.hash AND a.kind = 'refresh'),
                        EXISTS (SELECT 1 FROM tokens a JOIN tokens b ON b.replaces = a.hash
                                WHERE a.replaces = t.hash AND a.kind = 'refresh'
                                  AND b.kind = 'refresh')
                     FROM tokens t JOIN token_families f ON f.id = t.family_id
                     WHERE t.hash = ?1 AND t.kind = 'refresh'",
                    [hash],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            RefreshRow {
                                expires_at: r.get(1)?,
                                rotated_at: r.get(2)?,
                                revoked_at: r.get(3)?,
                                answered: r.get(4)?,
                                answer_used: r.get(5)?,
                            },
                        ))
                    },
                )
                .optional()?;
            let Some((family_id, row)) = found else {
                return Ok(Refresh::Invalid);
            };
            let outcome = match RefreshStep::of(row, now, retry_grace) {
                RefreshStep::Refuse => return Ok(Refresh::Invalid),
                RefreshStep::RevokeFamily => {
                    // A spent refresh token came back: either the client or a thief holds a
                    // copy, and the server cannot tell which. End the login for both (RFC 9700,
                    // 4.14.2).
                    tx.execute(
                        "UPDATE token_families SET revoked_at = ?2
                         WHERE id = ?1 AND revoked_at IS NULL",
                        (&family_id, now),
                    )?;
                    tx.commit()?;
                    return Ok(Refresh::Reused);
                }
                RefreshStep::Reissue => {
                    // The lost answer's tokens stop working: one live refresh token per login,
                    // and one that comes back later is a replay.
                    tx.execute(
                        "UPDATE tokens SET rotated_at = ?2
                         WHERE replaces = ?1 AND kind = 'refresh' AND rotated_at IS NULL",
                        (hash, now),
                    )?;
                    tx.execute(
                        "UPDATE tokens SET expires_at = ?2
                         WHERE replaces = ?1 AND kind = 'access' AND expires_at > ?2",
                        (hash, now),
                    )?;
                    Refresh::Reissued
                }
                RefreshStep::Rotate => {
                    // Conditional on `rotated_at IS NULL` so that, on an engine without a single
                    // writer, two concurrent refreshes cannot both succeed.
                    let spent = tx.execute(
                        "UPDATE tokens SET rotated_at = ?2 WHERE hash = ?1 AND rotated_at IS NULL",
                        (hash, now),
                    )?;
                    if spent != 1 {
                        return Ok(Refresh::Invalid);
                    }
                    Refresh::Rotated
                }
            };
            insert_tokens(&tx, &family_id, tokens, Some(hash), now)?;
            tx.commit()?;
            Ok(outcome)
        })
        .await
    }

    pub(crate) async fn end_login(&self, refresh: SecretHash, now: i64) -> Result<bool, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let ended = tx.execute(
                "UPDATE token_families SET revoked_at = ?2
                 WHERE id = (SELECT family_id FROM tokens WHERE hash = ?1 AND kind = 'refresh')
                   AND revoked_at IS NULL",
                (&refresh.0[..], now),
            )?;
            tx.commit()?;
            Ok(ended == 1)
        })
        .await
    }

    pub(crate) async fn staff_credentials(
        &self,
        email: String,
    ) -> Result<Option<StaffCredentials>, DbError> {
        self.read(move |conn| {
            let row = conn
                .query_row(
                    "SELECT id, clinic_id, role, password_hash FROM staff WHERE email = ?1",
                    [&email],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                        ))
                    },
                )
                .optional()?;
            Ok(row.and_then(|(staff_id, clinic_id, role, password_hash)| {
                StaffCredentials::from_row(staff_id, clinic_id, &role, password_hash)
            }))
        })
        .await
    }

    pub(crate) async fn authenticate(
        &self,
        access: SecretHash,
        now: i64,
    ) -> Result<Option<Principal>, DbError> {
        self.read(move |conn| {
            let family: Option<String> = conn
                .query_row(
                    "SELECT t.family_id
                     FROM tokens t JOIN token_families f ON f.id = t.family_id
                     WHERE t.hash = ?1 AND t.kind = 'access' AND t.expires_at > ?2
                       AND f.revoked_at IS NULL",
                    (&access.0[..], now),
                    |r| r.get(0),
                )
                .optional()?;
            match family {
                Some(family_id) => principal_of_family(conn, &family_id),
                None => Ok(None),
            }
        })
        .await
    }
}

fn insert_tokens(
    tx: &Transaction<'_>,
    family_id: &str,
    tokens: NewTokens,
    replaces: Option<&[u8]>,
    now: i64,
) -> Result<(), DbError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO tokens (hash, family_id, kind, issued_at, expires_at, replaces)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (hash, kind, expires_at) in [
        (&tokens.access.0[..], "access", tokens.access_expires_at),
        (&tokens.refresh.0[..], "refresh", tokens.refresh_expires_at),
    ] {
        insert.execute((hash, family_id, kind, now, expires_at, replaces))?;
    }
    Ok(())
}

/// The member device or staff member a token family belongs to.
fn principal_of_family(conn: &Connection, family_id: &str) -> Result<Option<Principal>, DbError> {
    let row = conn
        .query_row(
            "SELECT f.member_id, f.device_id, f.staff_id, s.clinic_id
             FROM token_families f LEFT JOIN staff s ON s.id = f.staff_id
             WHERE f.id = ?1",
            [family_id],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            },
        )
        .optional()?;
    Ok(row.and_then(|(member_id, device_id, staff_id, clinic_id)| {
        Principal::of_family(member_id, device_id, staff_id, clinic_id)
    }))
}
