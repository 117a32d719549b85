//! `POST /v1/staff/login`: a staff member signs in with e-mail address and password and gets a
//! token pair. A wrong password and an unknown address answer the same 401 after the same Argon2
//! work, so neither the answer nor its timing tells which addresses belong to staff.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::password;
use crate::clock;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::token::{TokenPair, issue};
use crate::tenancy::{StaffRole, normalise_email};

/// The login request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The staff member's e-mail address (case-insensitive).
    pub email: String,
    /// Their password.
    pub password: String,
}

/// The signed-in staff member and their tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// The staff member's id.
    pub staff_id: String,
    /// Their clinic's id.
    pub clinic_id: String,
    /// Their role.
    pub role: StaffRole,
    /// The session's first tokens.
    #[serde(flatten)]
    pub tokens: TokenPair,
}

/// Sign a staff member in.
#[utoipa::path(
    post,
    path = "/v1/staff/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong e-mail address or password", body = ErrorBody),
        (status = 429, description = "Too many auth requests from this address", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let credentials = match normalise_email(&request.email) {
        Some(email) => state.db().staff_credentials(email).await?,
        None => None,
    };
    let stored_hash = credentials.as_ref().map_or_else(
        || state.decoy_password_hash().to_owned(),
        |c| c.password_hash.clone(),
    );
    let password = request.password;
    // The semaphore is never closed, so acquiring only waits; an error would be a bug, not a
    // reason to skip the check.
    let permit = state
        .password_checks()
        .acquire()
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let matches =
        tokio::task::spawn_blocking(move || password::verify(&password, &stored_hash)).await??;
    drop(permit);
    let Some(staff) = credentials.filter(|_| matches) else {
        return Err(ApiError::unauthorized());
    };
    let now = clock::now_ms();
    let (tokens, stored) = issue(state.settings(), now)?;
    state
        .db()
        .start_staff_session(staff.staff_id.clone(), stored, now)
        .await?;
    Ok(Json(LoginResponse {
        staff_id: staff.staff_id,
        clinic_id: staff.clinic_id,
        role: staff.role,
        tokens,
    }))
}
