//! Extractors for authenticated handlers: `MemberCaller` and `StaffCaller` read the bearer token,
//! look it up, and admit only their kind. No or a bad token answers 401; a good token of the other
//! kind answers 403 (the caller is known, the endpoint is not theirs).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::auth::token::{SecretHash, bearer};
use crate::clock;
use crate::db::Principal;
use crate::error::ApiError;

/// A member's enrolled device.
#[derive(Debug, Clone)]
pub struct MemberCaller {
    /// The member.
    pub member_id: String,
    /// The device whose token this is.
    pub device_id: String,
}

/// A staff member.
#[derive(Debug, Clone)]
pub struct StaffCaller {
    /// The staff member.
    pub staff_id: String,
    /// Their clinic: the only one whose members they may read.
    pub clinic_id: String,
}

async fn principal(parts: &Parts, state: &AppState) -> Result<Principal, ApiError> {
    let token = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .ok_or_else(ApiError::unauthorized)?;
    state
        .db()
        .authenticate(SecretHash::of(token), clock::now_ms())
        .await?
        .ok_or_else(ApiError::unauthorized)
}

impl FromRequestParts<AppState> for MemberCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match principal(parts, state).await? {
            Principal::Member {
                member_id,
                device_id,
            } => Ok(Self {
                member_id,
                device_id,
            }),
            Principal::Staff { .. } => Err(ApiError::forbidden()),
        }
    }
}

impl FromRequestParts<AppState> for StaffCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match principal(parts, state).await? {
            Principal::Staff {
                staff_id,
                clinic_id,
            } => Ok(Self {
                staff_id,
                clinic_id,
            }),
            Principal::Member { .. } => Err(ApiError::forbidden()),
        }
    }
}
