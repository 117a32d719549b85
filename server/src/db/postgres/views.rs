//! The clinic's views of its members' synced records on PostgreSQL: each read is one SERIALIZABLE
//! read-write transaction (retried on a serialization failure like every write), since it writes
//! its audit rows (one per member shown) in that same transaction. Bodies are JSONB, read back as
//! text. The rows are turned into views by `db::views`.

use super::members::audit;
use super::{PostgresDb, Transaction, query, query_opt};
use crate::audit::AuditAction;
use crate::db::DbError;
use crate::db::sync::CURRENT_ID;
use crate::db::views::{
    AdherenceRows, DAILY_SUMMARY, DailyRow, LAB_RESULT, LabRow, READINESS, RECOVERY_SESSION,
    TodayRow,
};

impl PostgresDb {
    pub(crate) async fn clinic_today(
        &self,
        staff_id: String,
        clinic_id: String,
        date: String,
        now: i64,
    ) -> Result<Vec<TodayRow>, DbError> {
        self.write(move |tx| {
            let (staff_id, clinic_id, date) = (staff_id.clone(), clinic_id.clone(), date.clone());
            Box::pin(async move {
                let rows = query(
                    tx,
                    "SELECT m.id, m.display_name,
                        (SELECT r.body::TEXT FROM sync_records r
                         WHERE r.member_id = m.id AND r.collection = $3 AND r.record_id = $2
                           AND NOT r.deleted),
                        (SELECT MAX(r.record_id) FROM sync_records r
                         WHERE r.member_id = m.id AND r.collection = $3 AND NOT r.deleted
                           AND r.record_id LIKE '____-__-__')
                     FROM members m WHERE m.clinic_id = $1 ORDER BY m.display_name, m.id",
                    &[&clinic_id, &date, &READINESS],
                )
                .await?;
                let rows = rows
                    .iter()
                    .map(|r| {
                        Ok(TodayRow {
                            member_id: r.try_get(0)?,
                            display_name: r.try_get(1)?,
                            readiness: r.try_get(2)?,
                            latest: r.try_get(3)?,
                        })
                    })
                    .collect::<Result<Vec<_>, DbError>>()?;
                for row in &rows {
                    audit(tx, &staff_id, &row.member_id, AuditAction::ViewToday, now).await?;
                }
                Ok(rows)
            })
        })
        .await
    }

    pub(crate) async fn member_daily(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        from: String,
        to: String,
        now: i64,
    ) -> Result<Option<Vec<DailyRow>>, DbError> {
        self.write(move |tx| {
            let (staff_id, clinic_id, member_id, from, to) = (
                staff_id.clone(),
                clinic_id.clone(),
                member_id.clone(),
                from.clone(),
                to.clone(),
            );
            Box::pin(async move {
                if !in_clinic(tx, &member_id, &clinic_id).await? {
                    return Ok(None);
                }
                let rows = query(
                    tx,
                    "SELECT collection, record_id, body::TEXT FROM sync_records
                     WHERE member_id = $1 AND collection IN ($2, $3)
                       AND record_id >= $4 AND record_id <= $5 AND NOT deleted
                     ORDER BY record_id, collection",
                    &[&member_id, &READINESS, &DAILY_SUMMARY, &from, &to],
                )
                .await?;
                let rows = rows
                    .iter()
                    .map(|r| {
                        Ok(DailyRow {
                            collection: r.try_get(0)?,
                            record_id: r.try_get(1)?,
                            body: r.try_get(2)?,
                        })
                    })
                    .collect::<Result<Vec<_>, DbError>>()?;
                audit(tx, &staff_id, &member_id, AuditAction::ViewTrends, now).await?;
                Ok(Some(rows))
            })
        })
        .await
    }

    pub(crate) async fn member_adherence_rows(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<AdherenceRows>, DbError> {
        self.write(move |tx| {
            let (staff_id, clinic_id, member_id) =
                (staff_id.clone(), clinic_id.clone(), member_id.clone());
            Box::pin(async move {
                if !in_clinic(tx, &member_id, &clinic_id).await? {
                    return Ok(None);
                }
                let sessions = query(
                    tx,
                    "SELECT body::TEXT FROM sync_records
                     WHERE member_id = $1 AND collection = $2 AND NOT deleted
                     ORDER BY record_id",
                    &[&member_id, &RECOVERY_SESSION],
                )
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<Vec<String>, _>>()?;
                let rows = AdherenceRows {
                    sessions,
                    prescription: live_body(tx, &member_id, "prescription", CURRENT_ID).await?,
                    settings: live_body(tx, &member_id, "clinic_settings", CURRENT_ID).await?,
                };
                audit(tx, &staff_id, &member_id, AuditAction::ViewAdherence, now).await?;
                Ok(Some(rows))
            })
        })
        .await
    }

    pub(crate) async fn member_labs(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<Vec<LabRow>>, DbError> {
        self.write(move |tx| {
            let (staff_id, clinic_id, member_id) =
                (staff_id.clone(), clinic_id.clone(), member_id.clone());
            Box::pin(async move {
                if !in_clinic(tx, &member_id, &clinic_id).await? {
                    return Ok(None);
                }
                let rows = query(
                    tx,
                    "SELECT record_id, version, body::TEXT FROM sync_records
                     WHERE member_id = $1 AND collection = $2 AND NOT deleted ORDER BY seq",
                    &[&member_id, &LAB_RESULT],
                )
                .await?
                .iter()
                .map(|r| {
                    Ok(LabRow {
                        record_id: r.try_get(0)?,
                        version: r.try_get(1)?,
                        body: r.try_get(2)?,
                    })
                })
                .collect::<Result<Vec<_>, DbError>>()?;
                audit(tx, &staff_id, &member_id, AuditAction::ViewLabs, now).await?;
                Ok(Some(rows))
            })
        })
        .await
    }
}

/// Whether the member belongs to the clinic.
async fn in_clinic(
    tx: &Transaction<'_>,
    member_id: &str,
    clinic_id: &str,
) -> Result<bool, DbError> {
    Ok(query_opt(
        tx,
        "SELECT 1 FROM members WHERE id = $1 AND clinic_id = $2",
        &[&member_id, &clinic_id],
    )
    .await?
    .is_some())
}

/// The body of a member's live record, as text.
async fn live_body(
    tx: &Transaction<'_>,
    member_id: &str,
    collection: &str,
    record_id: &str,
) -> Result<Option<String>, DbError> {
    query_opt(
        tx,
        "SELECT body::TEXT FROM sync_records
         WHERE member_id = $1 AND collection = $2 AND record_id = $3 AND NOT deleted",
        &[&member_id, &collection, &record_id],
    )
    .await?
    .map(|r| r.try_get(0))
    .transpose()
    .map_err(DbError::from)
}
