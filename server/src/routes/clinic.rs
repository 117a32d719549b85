//! Staff reads of their own clinic's members: `GET /v1/clinic/members` and
//! `GET /v1/clinic/members/{id}`. A member of another clinic answers 404, exactly like one that
//! does not exist, so staff cannot learn who is a member elsewhere. Every member shown lands in the
//! audit log in the same transaction as the read. Member tokens get 403.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::caller::StaffCaller;
use crate::clock;
use crate::db::{MemberProfile, MemberSummary};
use crate::error::{ApiError, ErrorBody};

/// A clinic's members.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembersResponse {
    /// Sorted by display name.
    pub members: Vec<MemberSummary>,
}

/// The members of the caller's clinic.
#[utoipa::path(
    get,
    path = "/v1/clinic/members",
    tag = "clinic",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The clinic's members (each read is audited)", body = MembersResponse),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
    )
)]
pub async fn list_members(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<MembersResponse>, ApiError> {
    let members = state
        .db()
        .clinic_members(caller.staff_id, caller.clinic_id, clock::now_ms())
        .await?;
    Ok(Json(MembersResponse { members }))
}

/// One member of the caller's clinic.
#[utoipa::path(
    get,
    path = "/v1/clinic/members/{id}",
    tag = "clinic",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The member's id")),
    responses(
        (status = 200, description = "The member (the read is audited)", body = MemberProfile),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic", body = ErrorBody),
    )
)]
pub async fn get_member(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(member_id): Path<String>,
) -> Result<Json<MemberProfile>, ApiError> {
    state
        .db()
        .clinic_member(
            caller.staff_id,
            caller.clinic_id,
            member_id,
            clock::now_ms(),
        )
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}
