//! A member's devices as their clinic's staff see them, and a device signed out by staff (a lost
//! or stolen phone): each in one transaction with its audit row.

use rusqlite::{Connection, OptionalExtension};

use super::members::{audit, profile};
use super::{SqliteDb, immediate};
use crate::audit::AuditAction;
use crate::clock;
use crate::db::{DbError, MemberDevice};

/// A device's row; `signed_in` as of `?2`.
const DEVICES: &str = "
SELECT d.id, d.name, d.created_at,
    EXISTS (SELECT 1 FROM token_families f JOIN tokens t ON t.family_id = f.id
            WHERE f.device_id = d.id AND f.revoked_at IS NULL AND t.kind = 'refresh'
              AND t.rotated_at IS NULL AND t.expires_at > ?2)
FROM devices d";

impl SqliteDb {
    pub(crate) async fn member_devices(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<Vec<MemberDevice>>, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            if profile(&tx, &member_id, Some(&clinic_id))?.is_none() {
                return Ok(None);
            }
            let devices = tx
                .prepare_cached(&format!(
                    "{DEVICES} WHERE d.member_id = ?1 ORDER BY d.created_at, d.id"
                ))?
                .query_map((&member_id, now), device)?
                .collect::<Result<Vec<_>, _>>()?;
            audit(&tx, &staff_id, &member_id, AuditAction::ViewDevices, now)?;
            tx.commit()?;
            Ok(Some(devices))
        })
        .await
    }

    pub(crate) async fn sign_out_device(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        device_id: String,
        now: i64,
    ) -> Result<Option<MemberDevice>, DbError> {
        self.write(move |conn| {
            let tx = immediate(conn)?;
            if profile(&tx, &member_id, Some(&clinic_id))?.is_none() {
                return Ok(None);
            }
            tx.execute(
                "UPDATE token_families SET revoked_at = ?3
                 WHERE device_id = ?1 AND member_id = ?2 AND revoked_at IS NULL",
                (&device_id, &member_id, now),
            )?;
            let Some(found) = one_device(&tx, &member_id, &device_id, now)? else {
                return Ok(None);
            };
            audit(&tx, &staff_id, &member_id, AuditAction::SignOutDevice, now)?;
            tx.commit()?;
            Ok(Some(found))
        })
        .await
    }
}

/// The member's device `device_id`, if it is theirs.
fn one_device(
    conn: &Connection,
    member_id: &str,
    device_id: &str,
    now: i64,
) -> Result<Option<MemberDevice>, DbError> {
    Ok(conn
        .query_row(
            &format!("{DEVICES} WHERE d.member_id = ?1 AND d.id = ?3"),
            (member_id, now, device_id),
            device,
        )
        .optional()?)
}

fn device(r: &rusqlite::Row<'_>) -> rusqlite::Result<MemberDevice> {
    Ok(MemberDevice {
        device_id: r.get(0)?,
        name: r.get(1)?,
        enrolled_at: clock::rfc3339(r.get(2)?),
        signed_in: r.get(3)?,
    })
}
