//! Reading members: a member's own profile, and staff reads of their clinic's members, each
//! written to the audit log in the read's transaction.

use rusqlite::{Connection, OptionalExtension};

use super::{SqliteDb, immediate};
use crate::audit::AuditAction;
use crate::clock;
use crate::db::{DbError, MemberProfile, MemberSummary};

impl SqliteDb {
    pub(crate) async fn member_profile(
        &self,
        member_id: String,
    ) -> Result<Option<MemberProfile>, DbError> {
        self.read(move |conn| profile(conn, &member_id, None)).await
    }

    pub(crate) async fn clinic_members(
        &self,
        staff_id: String,
        clinic_id: String,
        now: i64,
    ) -> Result<Vec<MemberSummary>, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let members = {
                let mut stmt = tx.prepare(
                    "SELECT id, display_name, created_at FROM members
                     WHERE clinic_id = ?1 ORDER BY display_name, id",
                )?;
                let rows = stmt.query_map([&clinic_id], |r| {
                    Ok(MemberSummary {
                        member_id: r.get(0)?,
                        display_name: r.get(1)?,
                        created_at: clock::rfc3339(r.get(2)?),
                    })
                })?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            for m in &members {
                audit(&tx, &staff_id, &m.member_id, AuditAction::ListMembers, now)?;
            }
            tx.commit()?;
            Ok(members)
        })
        .await
    }

    pub(crate) async fn clinic_member(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<MemberProfile>, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let found = profile(&tx, &member_id, Some(&clinic_id))?;
            if found.is_some() {
                audit(&tx, &staff_id, &member_id, AuditAction::ViewMember, now)?;
                tx.commit()?;
            }
            Ok(found)
        })
        .await
    }
}

/// A member's profile; with `clinic`, only if the member belongs to it.
pub(super) fn profile(
    conn: &Connection,
    member_id: &str,
    clinic: Option<&str>,
) -> Result<Option<MemberProfile>, DbError> {
    Ok(conn
        .query_row(
            "SELECT m.id, m.clinic_id, c.name, m.display_name, m.created_at
             FROM members m JOIN clinics c ON c.id = m.clinic_id
             WHERE m.id = ?1 AND (?2 IS NULL OR m.clinic_id = ?2)",
            (member_id, clinic),
            |r| {
                Ok(MemberProfile {
                    member_id: r.get(0)?,
                    clinic_id: r.get(1)?,
                    clinic_name: r.get(2)?,
                    display_name: r.get(3)?,
                    created_at: clock::rfc3339(r.get(4)?),
                })
            },
        )
        .optional()?)
}

pub(super) fn audit(
    conn: &Connection,
    staff_id: &str,
    member_id: &str,
    action: AuditAction,
    now: i64,
) -> Result<(), DbError> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, staff_id, member_id, action) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((now, staff_id, member_id, action.as_str()))?;
    Ok(())
}
