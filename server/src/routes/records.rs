//! The clinic's writes to its members' synced records (the `down` collections of `docs/sync.md`):
//! a member's prescription, the clinic's settings, and lab results. Staff of the member's clinic
//! only (another clinic's member answers 404 like an unknown one; member tokens 403); each write
//! lands in the audit log in its own transaction. The records are written with no origin device
//! and the member's next seq, so the member's phones pull them.
//!
//! The bodies are the core's types (`Prescription`, `ClinicSettings`, `LabResult`), checked with
//! the core's validation; a refusal (422) names the field and the rule, never a value.

use alyze_core::health::Validate;
use alyze_core::health::labs::LabResult;
use alyze_core::protocol::{ClinicSettings, Prescription};
use alyze_core::store::record_id;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::caller::StaffCaller;
use crate::clock;
use crate::db::sync::canonical;
use crate::db::{ClinicWrite, DbError};
use crate::error::{ApiError, ApiJson, ErrorBody};

/// A record the clinic wrote.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordWritten {
    /// The record's id (`current` for a prescription; for a lab result the core's record id,
    /// derived from its LOINC code, collection instant and source).
    pub id: String,
    /// Its version now (unchanged when the body was the same as before).
    pub version: i64,
}

/// The clinic's settings, written to its members.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsWritten {
    /// How many members received them.
    pub members: i64,
}

fn written(outcome: ClinicWrite) -> Result<RecordWritten, ApiError> {
    match outcome {
        ClinicWrite::Written { record_id, version } => Ok(RecordWritten {
            id: record_id,
            version,
        }),
        ClinicWrite::NotFound => Err(ApiError::not_found()),
        ClinicWrite::Forbidden => Err(ApiError::forbidden()),
        ClinicWrite::Invalid(e) => Err(ApiError::invalid_field(e.to_string())),
    }
}

/// Sets a member's prescription.
#[utoipa::path(
    put,
    path = "/v1/clinic/members/{id}/prescription",
    tag = "clinic",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The member's id")),
    request_body(content = Object, description = "The core's `Prescription`: `targets`, `fixed`, `availability`, `quiet_hours`"),
    responses(
        (status = 200, description = "Saved as the member's `prescription/current` (audited)", body = RecordWritten),
        (status = 400, description = "Not a prescription", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic", body = ErrorBody),
        (status = 422, description = "It does not hold under the clinic's settings (the field is named)", body = ErrorBody),
    )
)]
pub async fn put_prescription(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(member_id): Path<String>,
    ApiJson(prescription): ApiJson<Prescription>,
) -> Result<Json<RecordWritten>, ApiError> {
    let outcome = state
        .db()
        .put_prescription(
            caller.staff_id,
            caller.clinic_id,
            member_id,
            prescription,
            clock::now_ms(),
        )
        .await?;
    written(outcome).map(Json)
}

/// The clinic's settings: the ones last saved, or the documented defaults before any were. Staff
/// read them to see what the members' plans and readiness follow, and an admin starts a change
/// from them (`PUT` takes every field).
#[utoipa::path(
    get,
    path = "/v1/clinic/settings",
    tag = "clinic",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The core's `ClinicSettings`, every field", body = Object),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
    )
)]
pub async fn get_settings(
    State(state): State<AppState>,
    caller: StaffCaller,
) -> Result<Json<ClinicSettings>, ApiError> {
    Ok(Json(state.db().clinic_settings(caller.clinic_id).await?))
}

/// Sets the clinic's settings, for every member of the clinic.
#[utoipa::path(
    put,
    path = "/v1/clinic/settings",
    tag = "clinic",
    security(("bearer" = [])),
    request_body(content = Object, description = "The core's `ClinicSettings`: every field but `check_in` and `readiness` (and the fields of `readiness`), which keep their defaults when left out; a key that is no setting is refused"),
    responses(
        (status = 200, description = "Saved, and written as `clinic_settings/current` of every member (each audited)", body = SettingsWritten),
        (status = 400, description = "Not clinic settings", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token, or staff who are not admins", body = ErrorBody),
        (status = 422, description = "A setting outside its range, or a key that is no setting (named)", body = ErrorBody),
    )
)]
pub async fn put_settings(
    State(state): State<AppState>,
    caller: StaffCaller,
    ApiJson(entered): ApiJson<serde_json::Value>,
) -> Result<Json<SettingsWritten>, ApiError> {
    // Serde's message could quote the body: the extractor's fixed sentence instead.
    let settings: ClinicSettings = serde_json::from_value(entered.clone()).map_err(|_| {
        ApiError::invalid_request(
            "the JSON body lacks a required field or has a field of the wrong type",
        )
    })?;
    if let Some(key) = settings.unknown_key(&entered) {
        return Err(ApiError::invalid_field(format!("unknown setting {key}")));
    }
    settings
        .validate()
        .map_err(|e| ApiError::invalid_field(e.to_string()))?;
    let outcome = state
        .db()
        .put_clinic_settings(caller.staff_id, caller.clinic_id, settings, clock::now_ms())
        .await?;
    let written = written(outcome)?;
    Ok(Json(SettingsWritten {
        members: written.version,
    }))
}

/// Adds a lab result to a member.
#[utoipa::path(
    post,
    path = "/v1/clinic/members/{id}/labs",
    tag = "clinic",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The member's id")),
    request_body(content = Object, description = "The core's `LabResult`: `loinc`, `value`, `unit`, `reference_low`, `reference_high`, `collected_at`, `source`"),
    responses(
        (status = 201, description = "Saved under a new id (audited)", body = RecordWritten),
        (status = 400, description = "Not a lab result", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic", body = ErrorBody),
        (status = 422, description = "A field that cannot be used (named)", body = ErrorBody),
    )
)]
pub async fn add_lab(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(member_id): Path<String>,
    ApiJson(lab): ApiJson<LabResult>,
) -> Result<(StatusCode, Json<RecordWritten>), ApiError> {
    lab.validate()
        .map_err(|e| ApiError::invalid_field(e.to_string()))?;
    let body = serde_json::to_value(&lab).map_err(|_| DbError::Corrupt("lab result"))?;
    // The core's record id (LOINC code, collection instant, source): the id the phone stores it
    // under, so a deletion finds it there, and posting the same result again changes nothing.
    let lab_id = record_id(&lab);
    let outcome = state
        .db()
        .add_lab_result(
            caller.staff_id,
            caller.clinic_id,
            member_id,
            lab_id,
            canonical(&body),
            clock::now_ms(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(written(outcome)?)))
}

/// Deletes a lab result of a member (a tombstone the member's phones pull).
#[utoipa::path(
    delete,
    path = "/v1/clinic/members/{id}/labs/{lab_id}",
    tag = "clinic",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The member's id"),
        ("lab_id" = String, Path, description = "The lab result's id"),
    ),
    responses(
        (status = 204, description = "Deleted (audited); also when it already was"),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic, or no such lab result", body = ErrorBody),
    )
)]
pub async fn delete_lab(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path((member_id, lab_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let outcome = state
        .db()
        .delete_lab_result(
            caller.staff_id,
            caller.clinic_id,
            member_id,
            lab_id,
            clock::now_ms(),
        )
        .await?;
    written(outcome)?;
    Ok(StatusCode::NO_CONTENT)
}
