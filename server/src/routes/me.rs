//! `GET /v1/me`: a member's own profile, as their enrolled device sees it. Staff tokens get 403.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::caller::MemberCaller;
use crate::db::MemberProfile;
use crate::error::{ApiError, ErrorBody};

/// The member's profile and the device asking.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// The member.
    #[serde(flatten)]
    pub profile: MemberProfile,
    /// The enrolled device whose token made the request.
    pub device_id: String,
}

/// The calling member's own profile.
#[utoipa::path(
    get,
    path = "/v1/me",
    tag = "member",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member's profile", body = MeResponse),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A staff token", body = ErrorBody),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    caller: MemberCaller,
) -> Result<Json<MeResponse>, ApiError> {
    let profile = state
        .db()
        .member_profile(caller.member_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(MeResponse {
        profile,
        device_id: caller.device_id,
    }))
}
