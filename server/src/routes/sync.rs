//! The sync endpoints of a member's phone (`docs/sync.md`): `POST /v1/sync/push` applies a batch of
//! ops in one transaction, each with its `sync_applied_ops` row, and answers one result per op;
//! `POST /v1/sync/pull` serves a page of the member's records changed after a cursor, or
//! `409 resync_required` with the server's epoch. Member tokens only (staff: 403); the member is
//! the token's and the origin device the token's device, never anything in the body.
//!
//! The bodies are the core's wire types (`alyze_core::sync::wire`), so the phone and the server
//! cannot drift apart; the structs here mirror them for the OpenAPI description only.

use alyze_core::sync::wire::{
    Change, ErrorBody as WireError, MAX_PULL_LIMIT, MAX_PUSH_BYTES, MAX_PUSH_OPS, PullRequest,
    PullResponse, PushRequest, PushResponse,
};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::caller::MemberCaller;
use crate::clock;
use crate::db::{DbError, StoredChange, sync};
use crate::error::{ApiError, ApiJson, ErrorBody};

/// Pushes a batch of ops.
#[utoipa::path(
    post,
    path = "/v1/sync/push",
    tag = "sync",
    security(("bearer" = [])),
    request_body = PushRequestDoc,
    responses(
        (status = 200, description = "One result per op, in order", body = PushResponseDoc),
        (status = 400, description = "Not a push request", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A staff token", body = ErrorBody),
        (status = 413, description = "More than 500 ops or 4 MiB", body = ErrorBody),
    )
)]
pub async fn push(
    State(state): State<AppState>,
    caller: MemberCaller,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PushResponse>, ApiError> {
    const TOO_LARGE: &str = "a push holds at most 500 ops and 4 MiB; send a smaller batch";
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_PUSH_BYTES as u64) {
        return Err(ApiError::payload_too_large(TOO_LARGE));
    }
    let bytes = axum::body::to_bytes(body, MAX_PUSH_BYTES)
        .await
        .map_err(|_| ApiError::payload_too_large(TOO_LARGE))?;
    // serde's message could quote the body: a fixed sentence instead.
    let request: PushRequest = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::invalid_request("the body is not a push request"))?;
    if request.ops.len() > MAX_PUSH_OPS {
        return Err(ApiError::payload_too_large(TOO_LARGE));
    }
    let ops = request
        .ops
        .iter()
        .map(|op| match sync::check_op(op) {
            Ok(valid) => sync::Checked::Valid(valid),
            Err(rejected) => sync::Checked::Rejected(rejected),
        })
        .collect();
    let results = state
        .db()
        .apply_ops(
            caller.member_id.clone(),
            caller.device_id.clone(),
            ops,
            clock::now_ms(),
        )
        .await?;
    Ok(Json(PushResponse { results }))
}

/// Pulls a page of changes.
#[utoipa::path(
    post,
    path = "/v1/sync/pull",
    tag = "sync",
    security(("bearer" = [])),
    request_body = PullRequestDoc,
    responses(
        (status = 200, description = "The member's records changed after the cursor, by seq", body = PullResponseDoc),
        (status = 400, description = "Not a pull request", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A staff token", body = ErrorBody),
        (status = 409, description = "`resync_required`: another epoch, a cursor ahead of the server, or older than the purged tombstones", body = ResyncDoc),
    )
)]
pub async fn pull(
    State(state): State<AppState>,
    caller: MemberCaller,
    ApiJson(request): ApiJson<PullRequest>,
) -> Result<Response, ApiError> {
    let limit = request.limit.clamp(1, MAX_PULL_LIMIT);
    let answer = state
        .db()
        .pull(
            caller.member_id.clone(),
            caller.device_id.clone(),
            request.epoch,
            request.cursor,
            limit,
        )
        .await?;
    let Some(page) = answer.page else {
        return Ok(resync_required(answer.epoch));
    };
    if page.more && page.cursor < page.purged_through_seq {
        // A full download below the purge line: its next page may start here.
        state
            .db()
            .record_served_cursor(
                caller.member_id,
                caller.device_id,
                page.cursor,
                page.purged_through_seq,
            )
            .await?;
    }
    let changes = page
        .changes
        .into_iter()
        .map(change)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(PullResponse {
        epoch: answer.epoch,
        changes,
        cursor: Some(page.cursor),
        more: page.more,
    })
    .into_response())
}

/// A stored record as a pulled change.
fn change(stored: StoredChange) -> Result<Change, ApiError> {
    let body = stored
        .body
        .filter(|_| !stored.deleted)
        .map(|text| serde_json::from_str::<Value>(&text))
        .transpose()
        .map_err(|_| DbError::Corrupt("record body"))?;
    Ok(Change {
        seq: stored.seq,
        collection: stored.collection,
        id: stored.record_id,
        version: stored.version,
        deleted: stored.deleted,
        origin_device: stored.origin_device,
        body,
    })
}

/// `409 {"error": "resync_required", "message", "epoch"}`.
fn resync_required(epoch: String) -> Response {
    let body = WireError {
        error: "resync_required".to_owned(),
        message: "the server cannot continue from this cursor; pull again from the start"
            .to_owned(),
        epoch: Some(epoch),
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

// The wire types, mirrored for the OpenAPI description only (the core's types do not derive
// `ToSchema`). The handlers use the core's.

/// One op of a push.
#[derive(ToSchema)]
#[schema(as = PushOp)]
#[allow(dead_code)]
struct PushOpDoc {
    /// A UUID drawn when the op was queued, the same on every retry.
    op_id: String,
    /// An up collection: `quantity_sample`, `sleep_session`, `workout`, `heartbeat_series`,
    /// `recovery_session`, `check_in`, `training_session`, `daily_summary`, `readiness`.
    collection: String,
    /// The record's id (1 to 200 characters).
    id: String,
    /// Whether the op deletes the record.
    deleted: bool,
    /// For check-ins: the server version the edit was made on.
    base_version: Option<i64>,
    /// The record's JSON object (null when deleted).
    #[schema(value_type = Option<Object>)]
    body: Option<Value>,
}

/// `POST /v1/sync/push`.
#[derive(ToSchema)]
#[schema(as = PushRequest)]
#[allow(dead_code)]
struct PushRequestDoc {
    /// The ops (at most 500), applied in order.
    ops: Vec<PushOpDoc>,
}

/// What became of one op.
#[derive(ToSchema)]
#[schema(as = OpResult)]
#[allow(dead_code)]
struct OpResultDoc {
    /// The op's id.
    op_id: String,
    /// `applied`, `duplicate`, `conflict` or `rejected`.
    status: String,
    /// The record's version after the op (not for `rejected`).
    version: Option<i64>,
    /// Why it was rejected: `op_id_reused`, `read_only_collection`, `unknown_collection`,
    /// `invalid_body`.
    reason: Option<String>,
}

/// The answer to a push.
#[derive(ToSchema)]
#[schema(as = PushResponse)]
#[allow(dead_code)]
struct PushResponseDoc {
    /// One result per op, in order.
    results: Vec<OpResultDoc>,
}

/// `POST /v1/sync/pull`.
#[derive(ToSchema)]
#[schema(as = PullRequest)]
#[allow(dead_code)]
struct PullRequestDoc {
    /// The epoch the cursor belongs to; null on the first pull.
    epoch: Option<String>,
    /// The last change applied; null on the first pull.
    cursor: Option<i64>,
    /// Most changes wanted (clamped to 1..=1000).
    limit: u32,
}

/// One change of a pulled page: the record's current state.
#[derive(ToSchema)]
#[schema(as = Change)]
#[allow(dead_code)]
struct ChangeDoc {
    /// The member's change counter at this change.
    seq: i64,
    /// The record's collection.
    collection: String,
    /// The record's id.
    id: String,
    /// The record's version.
    version: i64,
    /// Whether the record is deleted.
    deleted: bool,
    /// The device that wrote it; null for the clinic.
    origin_device: Option<String>,
    /// The record's JSON (null for a tombstone).
    #[schema(value_type = Option<Object>)]
    body: Option<Value>,
}

/// A pulled page.
#[derive(ToSchema)]
#[schema(as = PullResponse)]
#[allow(dead_code)]
struct PullResponseDoc {
    /// The server's epoch.
    epoch: String,
    /// The changes after the cursor, by seq.
    changes: Vec<ChangeDoc>,
    /// The cursor to save once the page is applied.
    cursor: Option<i64>,
    /// Whether more changes follow.
    more: bool,
}

/// `409 resync_required`.
#[derive(ToSchema)]
#[schema(as = ResyncRequired)]
#[allow(dead_code)]
struct ResyncDoc {
    /// `resync_required`.
    error: String,
    /// A sentence.
    message: String,
    /// The server's epoch.
    epoch: String,
}
