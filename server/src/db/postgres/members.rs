//! Reading members: a member's own profile, and staff reads of their clinic's members, each
//! written to the audit log in the read's transaction.

use tokio_postgres::Row;

use super::{PostgresDb, Transaction, execute, query, query_opt};
use crate::audit::AuditAction;
use crate::clock;
use crate::db::{DbError, MemberProfile, MemberSummary};

impl PostgresDb {
    pub(crate) async fn member_profile(
        &self,
        member_id: String,
    ) -> Result<Option<MemberProfile>, DbError> {
        self.read(move |tx| {
            let member_id = member_id.clone();
            Box::pin(async move { profile(tx, &member_id, None).await })
        })
        .await
    }

    pub(crate) async fn clinic_members(
        &self,
        staff_id: String,
        clinic_id: String,
        now: i64,
    ) -> Result<Vec<MemberSummary>, DbError> {
        self.write(move |tx| {
            let (staff_id, clinic_id) = (staff_id.clone(), clinic_id.clone());
            Box::pin(async move {
                let rows = query(
                    tx,
                    "SELECT id, display_name, created_at FROM members
                     WHERE clinic_id = $1 ORDER BY display_name, id",
                    &[&clinic_id],
                )
                .await?;
                let members = rows
                    .iter()
                    .map(|r| {
                        Ok(MemberSummary {
                            member_id: r.try_get(0)?,
                            display_name: r.try_get(1)?,
                            created_at: clock::rfc3339(r.try_get(2)?),
                        })
                    })
                    .collect::<Result<Vec<_>, DbError>>()?;
                for m in &members {
                    audit(tx, &staff_id, &m.member_id, AuditAction::ListMembers, now).await?;
                }
                Ok(members)
            })
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
        self.write(move |tx| {
            let (staff_id, clinic_id, member_id) =
                (staff_id.clone(), clinic_id.clone(), member_id.clone());
            Box::pin(async move {
                let found = profile(tx, &member_id, Some(&clinic_id)).await?;
                if found.is_some() {
                    audit(tx, &staff_id, &member_id, AuditAction::ViewMember, now).await?;
                }
                Ok(found)
            })
        })
        .await
    }
}

/// A member's profile; with `clinic`, only if the member belongs to it.
pub(super) async fn profile(
    tx: &Transaction<'_>,
    member_id: &str,
    clinic: Option<&str>,
) -> Result<Option<MemberProfile>, DbError> {
    query_opt(
        tx,
        "SELECT m.id, m.clinic_id, c.name, m.display_name, m.created_at
         FROM members m JOIN clinics c ON c.id = m.clinic_id
         WHERE m.id = $1 AND ($2::TEXT IS NULL OR m.clinic_id = $2::TEXT)",
        &[&member_id, &clinic],
    )
    .await?
    .map(|r| to_profile(&r))
    .transpose()
}

fn to_profile(r: &Row) -> Result<MemberProfile, DbError> {
    Ok(MemberProfile {
        member_id: r.try_get(0)?,
        clinic_id: r.try_get(1)?,
        clinic_name: r.try_get(2)?,
        display_name: r.try_get(3)?,
        created_at: clock::rfc3339(r.try_get(4)?),
    })
}

pub(super) async fn audit(
    tx: &Transaction<'_>,
    staff_id: &str,
    member_id: &str,
    action: AuditAction,
    now: i64,
) -> Result<(), DbError> {
    execute(
        tx,
        "INSERT INTO audit_log (at, staff_id, member_id, action) VALUES ($1, $2, $3, $4)",
        &[&now, &staff_id, &member_id, &action.as_str()],
    )
    .await?;
    Ok(())
}
