//! `POST /v1/enrol`: a member's phone trades a one-time code from their clinic for a device id and
//! its first tokens. The code works once; an unknown, used or expired code gets the same 401.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::code;
use crate::clock;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::token::{TokenPair, issue};

/// The enrolment request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EnrolRequest {
    /// The code the clinic gave the member (`XXXX-XXXX-XXXX`; case, dashes and spaces ignored).
    pub code: String,
    /// A name for the device the member will recognise (e.g. "Ada's iPhone").
    pub device_name: String,
}

/// The enrolled device and its first tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolResponse {
    /// The member the code was made for.
    pub member_id: String,
    /// The new device's id.
    pub device_id: String,
    /// The device's first tokens.
    #[serde(flatten)]
    pub tokens: TokenPair,
}

/// Enrol a device with a one-time code.
#[utoipa::path(
    post,
    path = "/v1/enrol",
    tag = "auth",
    request_body = EnrolRequest,
    responses(
        (status = 200, description = "Enrolled; the code is spent", body = EnrolResponse),
        (status = 400, description = "Malformed body or device name", body = ErrorBody),
        (status = 401, description = "Unknown, used or expired code", body = ErrorBody),
        (status = 429, description = "Too many auth requests from this address", body = ErrorBody),
    )
)]
pub async fn enrol(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<EnrolRequest>,
) -> Result<Json<EnrolResponse>, ApiError> {
    let device_name = request.device_name.trim();
    let max = state.settings().max_device_name_chars;
    if device_name.is_empty() || device_name.chars().count() > max {
        return Err(ApiError::invalid_request(
            "device_name must be non-empty and within the server's length limit",
        ));
    }
    let code = code::hash(&request.code).ok_or_else(ApiError::invalid_code)?;
    let now = clock::now_ms();
    let (tokens, stored) = issue(state.settings(), now)?;
    let enrolled = state
        .db()
        .enrol(code, device_name.to_owned(), stored, now)
        .await?
        .ok_or_else(ApiError::invalid_code)?;
    Ok(Json(EnrolResponse {
        member_id: enrolled.member_id,
        device_id: enrolled.device_id,
        tokens,
    }))
}
