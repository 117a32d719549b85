//! A member's devices as their clinic's staff see them, and a device signed out by staff (a lost
//! or stolen phone): each in one transaction with its audit row.

use tokio_postgres::Row;

use super::members::{audit, profile};
use super::{PostgresDb, execute, query, query_opt};
use crate::audit::AuditAction;
use crate::clock;
use crate::db::{DbError, MemberDevice};

/// A device's row; `signed_in` as of `$2`.
const DEVICES: &str = "
SELECT d.id, d.name, d.created_at,
    EXISTS (SELECT 1 FROM token_families f JOIN tokens t ON t.family_id = f.id
            WHERE f.device_id = d.id AND f.revoked_at IS NULL AND t.kind = 'refresh'
              AND t.rotated_at IS NULL AND t.expires_at > $2)
FROM devices d";

impl PostgresDb {
    pub(crate) async fn member_devices(
        &self,
        staff_id: String,
        clinic_id: String,
        member_id: String,
        now: i64,
    ) -> Result<Option<Vec<MemberDevice>>, DbError> {
        self.write(move |tx| {
            let (staff_id, clinic_id, member_id) =
                (staff_id.clone(), clinic_id.clone(), member_id.clone());
            Box::pin(async move {
                if profile(tx, &member_id, Some(&clinic_id)).await?.is_none() {
                    return Ok(None);
                }
                let rows = query(
                    tx,
                    &format!("{DEVICES} WHERE d.member_id = $1 ORDER BY d.created_at, d.id"),
                    &[&member_id, &now],
                )
                .await?;
                let devices = rows.iter().map(device).collect::<Result<Vec<_>, _>>()?;
                audit(tx, &staff_id, &member_id, AuditAction::ViewDevices, now).await?;
                Ok(Some(devices))
            })
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
        self.write(move |tx| {
            let (staff_id, clinic_id, member_id, device_id) = (
                staff_id.clone(),
                clinic_id.clone(),
                member_id.clone(),
                device_id.clone(),
            );
            Box::pin(async move {
                if profile(tx, &member_id, Some(&clinic_id)).await?.is_none() {
                    return Ok(None);
                }
                execute(
                    tx,
                    "UPDATE token_families SET revoked_at = $3
                     WHERE device_id = $1 AND member_id = $2 AND revoked_at IS NULL",
                    &[&device_id, &member_id, &now],
                )
                .await?;
                let found = query_opt(
                    tx,
                    &format!("{DEVICES} WHERE d.member_id = $1 AND d.id = $3"),
                    &[&member_id, &now, &device_id],
                )
                .await?;
                let Some(found) = found.as_ref().map(device).transpose()? else {
                    return Ok(None);
                };
                audit(tx, &staff_id, &member_id, AuditAction::SignOutDevice, now).await?;
                Ok(Some(found))
            })
        })
        .await
    }
}

fn device(r: &Row) -> Result<MemberDevice, DbError> {
    Ok(MemberDevice {
        device_id: r.try_get(0)?,
        name: r.try_get(1)?,
        enrolled_at: clock::rfc3339(r.try_get(2)?),
        signed_in: r.try_get(3)?,
    })
}
