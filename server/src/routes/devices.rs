//! A member's devices for their clinic's staff: `GET /v1/clinic/members/{id}/devices` lists them,
//! and `POST /v1/clinic/members/{id}/devices/{device_id}/sign-out` ends every login of one (a lost
//! or stolen phone: its tokens stop working at once; the member enrols the new phone with a new
//! code, and nothing the old one sent is lost). Both are audited. A member of another clinic, or a
//! device that is not the member's, answers 404. Member tokens get 403.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::caller::StaffCaller;
use crate::clock;
use crate::db::MemberDevice;
use crate::error::{ApiError, ErrorBody};

/// A member's devices.
#[derive(Debug, Serialize, ToSchema)]
pub struct DevicesResponse {
    /// Oldest enrolment first.
    pub devices: Vec<MemberDevice>,
}

/// The devices of one member of the caller's clinic.
#[utoipa::path(
    get,
    path = "/v1/clinic/members/{id}/devices",
    tag = "clinic",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The member's id")),
    responses(
        (status = 200, description = "The member's devices (the read is audited)", body = DevicesResponse),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic", body = ErrorBody),
    )
)]
pub async fn list_devices(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(member_id): Path<String>,
) -> Result<Json<DevicesResponse>, ApiError> {
    state
        .db()
        .member_devices(
            caller.staff_id,
            caller.clinic_id,
            member_id,
            clock::now_ms(),
        )
        .await?
        .map(|devices| Json(DevicesResponse { devices }))
        .ok_or_else(ApiError::not_found)
}

/// Sign one of a member's devices out: every login of the device ends at once.
#[utoipa::path(
    post,
    path = "/v1/clinic/members/{id}/devices/{device_id}/sign-out",
    tag = "clinic",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The member's id"),
        ("device_id" = String, Path, description = "The device's id"),
    ),
    responses(
        (status = 200, description = "The device, signed out (audited); the same for one signed out already", body = MemberDevice),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic, or no such device of theirs", body = ErrorBody),
    )
)]
pub async fn sign_out_device(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path((member_id, device_id)): Path<(String, String)>,
) -> Result<Json<MemberDevice>, ApiError> {
    let device = state
        .db()
        .sign_out_device(
            caller.staff_id,
            caller.clinic_id,
            member_id,
            device_id,
            clock::now_ms(),
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    tracing::info!("staff signed a member's device out");
    Ok(Json(device))
}
