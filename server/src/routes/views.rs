//! The clinic's views of its members, for a dashboard: `GET /v1/clinic/members/today` (every
//! member with a day's readiness), and per member `trends` (readiness and daily summaries over a
//! range of days), `adherence` (the week's, computed with the core) and `labs`. Staff of the
//! member's clinic only: another clinic's member answers 404 like an unknown one, member tokens
//! 403. Each member shown lands in the audit log in the read's own transaction.
//!
//! Dates in the query (`YYYY-MM-DD`) are neither secrets nor health values; an unreadable one is
//! refused with a fixed sentence that does not repeat it.

use alyze_core::protocol::WeekAdherence;
use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::caller::StaffCaller;
use crate::clock;
use crate::db::views::{self, Adherence, LabView, MemberToday, TrendDay, date_id, parse_date};
use crate::error::{ApiError, ApiQuery, ErrorBody};

/// The day of a view.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// The member-local date, `YYYY-MM-DD`; default: the server's UTC date.
    pub date: Option<String>,
}

/// The days of a trends view, both included.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// The first day, `YYYY-MM-DD`.
    #[param(required = true)]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`; at most 365 days after `from`.
    #[param(required = true)]
    pub to: Option<String>,
}

/// The clinic's members with one day's readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodayResponse {
    /// The day (`YYYY-MM-DD`).
    pub date: String,
    /// Every member of the clinic, sorted by display name.
    pub members: Vec<MemberToday>,
}

/// A member's readiness and daily summaries, day by day.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendsResponse {
    /// The member's id.
    pub member_id: String,
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// Every day from `from` to `to`, in order, with `null` where the phone sent nothing.
    pub days: Vec<TrendDay>,
}

/// A member's adherence to their prescription over one week.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdherenceResponse {
    /// The member's id.
    pub member_id: String,
    /// The day asked for; the week is the one holding it (from the clinic's `week_starts_on`).
    pub date: String,
    /// The core's `WeekAdherence`: `first_day`, `targets` (per weekly target: `modality`,
    /// `sessions_done`, `sessions_target`, `minutes_done`, `minutes_target`, `sessions_percent`,
    /// `minutes_percent`), `sauna_minutes`, `cold_minutes`.
    #[schema(value_type = Object)]
    pub adherence: WeekAdherence,
    /// Recovery sessions left out because their body is not the core's `RecoverySession`.
    pub unreadable_sessions: u64,
}

/// A member's lab results.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabsResponse {
    /// The member's id.
    pub member_id: String,
    /// The live (not deleted) results, in the order they were entered.
    pub labs: Vec<LabView>,
}

fn date_or_today(text: Option<&str>) -> Result<NaiveDate, ApiError> {
    match text {
        None => Ok(chrono::Utc::now().date_naive()),
        Some(text) => parse_date(text)
            .ok_or_else(|| ApiError::invalid_request("a date must be written YYYY-MM-DD")),
    }
}

/// Every member of the caller's clinic with a day's readiness.
#[utoipa::path(
    get,
    path = "/v1/clinic/members/today",
    tag = "clinic",
    security(("bearer" = [])),
    params(DateQuery),
    responses(
        (status = 200, description = "Every member with the day's readiness (`null` when the phone has not sent it) and the date of their latest; each member shown is audited", body = TodayResponse),
        (status = 400, description = "A date that is not `YYYY-MM-DD`", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
    )
)]
pub async fn today(
    State(state): State<AppState>,
    caller: StaffCaller,
    ApiQuery(query): ApiQuery<DateQuery>,
) -> Result<Json<TodayResponse>, ApiError> {
    let date = date_or_today(query.date.as_deref())?;
    let members = state
        .db()
        .clinic_today(caller.staff_id, caller.clinic_id, date, clock::now_ms())
        .await?;
    Ok(Json(TodayResponse {
        date: date_id(date),
        members,
    }))
}

/// A member's readiness and daily summaries over a range of days.
#[utoipa::path(
    get,
    path = "/v1/clinic/members/{id}/trends",
    tag = "clinic",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The member's id"), RangeQuery),
    responses(
        (status = 200, description = "The days in range (audited)", body = TrendsResponse),
        (status = 400, description = "`from` or `to` missing or not `YYYY-MM-DD`, `to` before `from`, or more than 366 days", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic", body = ErrorBody),
    )
)]
pub async fn trends(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(member_id): Path<String>,
    ApiQuery(query): ApiQuery<RangeQuery>,
) -> Result<Json<TrendsResponse>, ApiError> {
    const BAD_RANGE: &str = "from and to are required, written YYYY-MM-DD, with from <= to";
    let (Some(from), Some(to)) = (
        query.from.as_deref().and_then(parse_date),
        query.to.as_deref().and_then(parse_date),
    ) else {
        return Err(ApiError::invalid_request(BAD_RANGE));
    };
    if to < from {
        return Err(ApiError::invalid_request(BAD_RANGE));
    }
    let days = views::trend_range(from, to).ok_or_else(|| {
        ApiError::invalid_request("a trends range holds at most 366 days (from and to included)")
    })?;
    let days = state
        .db()
        .member_trends(
            caller.staff_id,
            caller.clinic_id,
            member_id.clone(),
            days,
            clock::now_ms(),
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(TrendsResponse {
        member_id,
        from: date_id(from),
        to: date_id(to),
        days,
    }))
}

/// A member's adherence to their prescription in the week holding a day.
#[utoipa::path(
    get,
    path = "/v1/clinic/members/{id}/adherence",
    tag = "clinic",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The member's id"), DateQuery),
    responses(
        (status = 200, description = "The week's adherence, computed with the core from the member's recovery sessions, prescription and clinic settings (audited)", body = AdherenceResponse),
        (status = 400, description = "A date that is not `YYYY-MM-DD`", body = ErrorBody),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic", body = ErrorBody),
        (status = 409, description = "`no_prescription`: the member has no prescription to measure against (the read is still audited)", body = ErrorBody),
        (status = 422, description = "The core refused the inputs (the field and the rule are named)", body = ErrorBody),
    )
)]
pub async fn adherence(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(member_id): Path<String>,
    ApiQuery(query): ApiQuery<DateQuery>,
) -> Result<Json<AdherenceResponse>, ApiError> {
    let date = date_or_today(query.date.as_deref())?;
    let outcome = state
        .db()
        .member_adherence(
            caller.staff_id,
            caller.clinic_id,
            member_id.clone(),
            date,
            clock::now_ms(),
        )
        .await?;
    match outcome {
        Adherence::NotFound => Err(ApiError::not_found()),
        Adherence::NoPrescription => Err(ApiError::no_prescription()),
        Adherence::Invalid(e) => Err(ApiError::invalid_field(e.to_string())),
        Adherence::Week(view) => Ok(Json(AdherenceResponse {
            member_id,
            date: date_id(date),
            adherence: view.adherence,
            unreadable_sessions: view.unreadable_sessions,
        })),
    }
}

/// A member's lab results.
#[utoipa::path(
    get,
    path = "/v1/clinic/members/{id}/labs",
    tag = "clinic",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The member's id")),
    responses(
        (status = 200, description = "The member's live lab results (audited)", body = LabsResponse),
        (status = 401, description = "No, invalid, expired or revoked token", body = ErrorBody),
        (status = 403, description = "A member token", body = ErrorBody),
        (status = 404, description = "No such member in the caller's clinic", body = ErrorBody),
    )
)]
pub async fn labs(
    State(state): State<AppState>,
    caller: StaffCaller,
    Path(member_id): Path<String>,
) -> Result<Json<LabsResponse>, ApiError> {
    let labs = state
        .db()
        .member_labs(
            caller.staff_id,
            caller.clinic_id,
            member_id.clone(),
            clock::now_ms(),
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(LabsResponse { member_id, labs }))
}
