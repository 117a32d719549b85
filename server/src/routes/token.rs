//! `POST /v1/token/refresh`: trade a refresh token for a new pair. Refresh tokens rotate: each
//! works once. Presenting one that was already used revokes its whole login (every access and
//! refresh token of that device or staff session) and answers 401: a copy is in someone's hands.
//! `POST /v1/token/revoke`: end a login, as a device signing out does (RFC 7009).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::token::{SecretHash, Token};
use crate::clock;
use crate::db::{NewTokens, Refresh};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::random::RandomError;
use crate::settings::Settings;

/// A new access and refresh token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Trade for a new pair at `POST /v1/token/refresh`; works once.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub access_expires_in: u64,
}

/// Makes a new pair: the secrets for the client and their hashes and expiries for storage.
pub(crate) fn issue(settings: &Settings, now: i64) -> Result<(TokenPair, NewTokens), RandomError> {
    let access = Token::generate()?;
    let refresh = Token::generate()?;
    let stored = NewTokens {
        access: access.hash(),
        access_expires_at: clock::after(now, settings.access_token_ttl),
        refresh: refresh.hash(),
        refresh_expires_at: clock::after(now, settings.refresh_token_ttl),
    };
    let pair = TokenPair {
        access_token: access.into_secret(),
        refresh_token: refresh.into_secret(),
        access_expires_in: settings.access_token_ttl.as_secs(),
    };
    Ok((pair, stored))
}

/// The refresh request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The current refresh token.
    pub refresh_token: String,
}

/// Rotate a refresh token.
#[utoipa::path(
    post,
    path = "/v1/token/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "The new pair; the presented token is spent. Presented again within the retry grace, before the pair it got was used, it gets a new pair and the first one is retired", body = TokenPair),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token (reuse revokes the login)", body = ErrorBody),
        (status = 429, description = "Too many auth requests from this address", body = ErrorBody),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<axum::Json<TokenPair>, ApiError> {
    let now = clock::now_ms();
    let (pair, stored) = issue(state.settings(), now)?;
    match state
        .db()
        .refresh(
            SecretHash::of(&request.refresh_token),
            stored,
            now,
            state.settings().refresh_retry_grace,
        )
        .await?
    {
        Refresh::Rotated => Ok(axum::Json(pair)),
        Refresh::Reissued => {
            tracing::info!("a refresh was retried after its answer was lost; the pair is reissued");
            Ok(axum::Json(pair))
        }
        Refresh::Reused => {
            tracing::warn!("a rotated refresh token was reused; its login is revoked");
            Err(ApiError::unauthorized())
        }
        Refresh::Invalid => Err(ApiError::unauthorized()),
    }
}

/// End a login: the login of the presented refresh token (spent or not) is revoked, so none of
/// its tokens works again. A phone signing out calls it, so that a copy of its tokens (a backup,
/// a lost phone's keychain) is worthless. As RFC 7009 (section 2.2) asks, the answer is the same
/// for an unknown token, which tells a caller nothing about tokens it does not hold.
#[utoipa::path(
    post,
    path = "/v1/token/revoke",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "The login is ended, or the token was unknown or its login had ended already; no body"),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 429, description = "Too many auth requests from this address", body = ErrorBody),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    let ended = state
        .db()
        .end_login(SecretHash::of(&request.refresh_token), clock::now_ms())
        .await?;
    if ended {
        tracing::info!("a login was ended at its holder's request");
    }
    Ok(axum::http::StatusCode::OK)
}
