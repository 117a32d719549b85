//! The clinic's views of its members' synced records on SQLite: each read runs in one transaction
//! on the writer connection, since it writes its audit rows (one per member shown) in that same
//! transaction. The rows are turned into views by `db::views`.

use rusqlite::{Connection, OptionalExtension};

use super::members::audit;
use super::{SqliteDb, immediate};
use crate::audit::AuditAction;
use crate::db::DbError;
use crate::db::sync::CURRENT_ID;
use crate::db::views::{
    AdherenceRows, DAILY_SUMMARY, DailyRow, LAB_RESULT, LabRow, READINESS, RECOVERY_SESSION,
    TodayRow,
};

impl SqliteDb {
    pub(crate) async fn clinic_today(
        &self,
        staff_id: String,
        clinic_id: String,
        date: String,
        now: i64,
    ) -> Result<Vec<TodayRow>, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            let rows = {
                let mut stmt = tx.prepare_cached(
                    "SELECT m.id, m.display_name,
                        (SELECT r.body FROM sync_records r
                         WHERE r.member_id = m.id AND r.collection = ?3 AND r.record_id = ?2
                           AND NOT r.deleted),
                        (SELECT MAX(r.record_id) FROM sync_records r
                         WHERE r.member_id = m.id AND r.collection = ?3 AND NOT r.deleted
                           AND r.record_id LIKE '____-__-__')
                     FROM members m WHERE m.clinic_id = ?1 ORDER BY m.display_name, m.id",
                )?;
                let rows = stmt.query_map((&clinic_id, &date, READINESS), |r| {
                    Ok(TodayRow {
                        member_id: r.get(0)?,
                        display_name: r.get(1)?,
                        readiness: r.get(2)?,
                        latest: r.get(3)?,
                    })
                })?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            for row in &rows {
                audit(&tx, &staff_id, &row.member_id, AuditAction::ViewToday, now)?;
            }
            tx.commit()?;
            Ok(rows)
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
        self.write(move |conn| {
            let tx = immediate(conn)?;
            if !in_clinic(&tx, &member_id, &clinic_id)? {
                return Ok(None);
            }
            let rows = {
                let mut stmt = tx.prepare_cached(
                    "SELECT collection, record_id, body FROM sync_records
                     WHERE member_id = ?1 AND collection IN (?2, ?3)
                       AND record_id >= ?4 AND record_id <= ?5 AND NOT deleted
                     ORDER BY record_id, collection",
                )?;
                let rows =
                    stmt.query_map((&member_id, READINESS, DAILY_SUMMARY, &from, &to), |r| {
                        Ok(DailyRow {
                            collection: r.get(0)?,
                            record_id: r.get(1)?,
                            body: r.get(2)?,
                        })
                    })?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            audit(&tx, &staff_id, &member_id, AuditAction::ViewTrends, now)?;
            tx.commit()?;
            Ok(Some(rows))
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
        self.write(move |conn| {
            let tx = immediate(conn)?;
            if !in_clinic(&tx, &member_id, &clinic_id)? {
                return Ok(None);
            }
            let sessions = {
                let mut stmt = tx.prepare_cached(
                    "SELECT body FROM sync_records
                     WHERE member_id = ?1 AND collection = ?2 AND NOT deleted
                     ORDER BY record_id",
                )?;
                let rows = stmt.query_map((&member_id, RECOVERY_SESSION), |r| r.get(0))?;
                rows.collect::<Result<Vec<String>, _>>()?
            };
            let rows = AdherenceRows {
                sessions,
                prescription: live_body(&tx, &member_id, "prescription", CURRENT_ID)?,
                settings: live_body(&tx, &member_id, "clinic_settings", CURRENT_ID)?,
            };
            audit(&tx, &staff_id, &member_id, AuditAction::ViewAdherence, now)?;
            tx.commit()?;
            Ok(Some(rows))
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
        self.write(move |conn| {
            let tx = immediate(conn)?;
            if !in_clinic(&tx, &member_id, &clinic_id)? {
                return Ok(None);
            }
            let rows = {
                let mut stmt = tx.prepare_cached(
                    "SELECT record_id, version, body FROM sync_records
                     WHERE member_id = ?1 AND collection = ?2 AND NOT deleted ORDER BY seq",
                )?;
                let rows = stmt.query_map((&member_id, LAB_RESULT), |r| {
                    Ok(LabRow {
                        record_id: r.get(0)?,
                        version: r.get(1)?,
                        body: r.get(2)?,
                    })
                })?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            audit(&tx, &staff_id, &member_id, AuditAction::ViewLabs, now)?;
            tx.commit()?;
            Ok(Some(rows))
        })
        .await
    }
}

/// Whether the member belongs to the clinic.
fn in_clinic(conn: &Connection, member_id: &str, clinic_id: &str) -> Result<bool, DbError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM members WHERE id = ?1 AND clinic_id = ?2")?
        .query_row((member_id, clinic_id), |_| Ok(()))
        .optional()?
        .is_some())
}

/// The body of a member's live record.
fn live_body(
    conn: &Connection,
    member_id: &str,
    collection: &str,
    record_id: &str,
) -> Result<Option<String>, DbError> {
    Ok(conn
        .prepare_cached(
            "SELECT body FROM sync_records
             WHERE member_id = ?1 AND collection = ?2 AND record_id = ?3 AND NOT deleted",
        )?
        .query_row((member_id, collection, record_id), |r| r.get(0))
        .optional()?)
}
