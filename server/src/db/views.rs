//! The clinic's views of a member's synced records (today's readiness of every member, a member's
//! trends, the week's adherence, the lab results): what both backends decide the same way from the
//! rows they read. The backends only read the rows (and write the audit rows) in one transaction;
//! turning those rows into the views lives here, once.
//!
//! The phone's bodies are kept as it sent them (a JSON object per record, `docs/sync.md`): the
//! readiness and daily summary bodies are the core's `DayReadiness` and `DailySummary`, passed on
//! as they are; a recovery session whose body is not the core's `RecoverySession` is left out of
//! the adherence and counted, rather than failing the whole view.

use alyze_core::health::RecoverySession;
use alyze_core::protocol::{Prescription, ProtocolError, WeekAdherence, week_adherence};
use chrono::{Days, NaiveDate};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{DbError, settings_of};

/// The collection of the phone's daily readiness (id: the local date).
pub const READINESS: &str = "readiness";
/// The collection of the phone's daily summaries (id: the local date).
pub const DAILY_SUMMARY: &str = "daily_summary";
/// The collection of logged recovery sessions.
pub const RECOVERY_SESSION: &str = "recovery_session";
/// The collection of the clinic's lab results.
pub const LAB_RESULT: &str = "lab_result";
/// The most days a trends request may span, both ends included.
pub const MAX_TREND_DAYS: u64 = 366;

/// The record id format of the daily collections: the member's local date.
const DATE_FORMAT: &str = "%Y-%m-%d";

/// A member's row of the clinic's "today" view, as a backend reads it.
#[derive(Debug, Clone)]
pub struct TodayRow {
    /// The member.
    pub member_id: String,
    /// Their display name.
    pub display_name: String,
    /// The body of their `readiness/<date>` record, if live.
    pub readiness: Option<String>,
    /// The greatest id of their live readiness records shaped like a date.
    pub latest: Option<String>,
}

/// A member's daily record of one of the daily collections, as a backend reads it.
#[derive(Debug, Clone)]
pub struct DailyRow {
    /// `readiness` or `daily_summary`.
    pub collection: String,
    /// Its id (the local date, when the phone wrote it right).
    pub record_id: String,
    /// Its body's JSON text.
    pub body: String,
}

/// What the adherence of a member needs, as a backend reads it.
#[derive(Debug, Clone, Default)]
pub struct AdherenceRows {
    /// The bodies of the member's live recovery sessions.
    pub sessions: Vec<String>,
    /// The body of `prescription/current`, if live.
    pub prescription: Option<String>,
    /// The body of the member's `clinic_settings/current`, if live.
    pub settings: Option<String>,
}

/// A live lab result, as a backend reads it.
#[derive(Debug, Clone)]
pub struct LabRow {
    /// Its record id.
    pub record_id: String,
    /// Its version.
    pub version: i64,
    /// Its body's JSON text (the core's `LabResult`).
    pub body: String,
}

/// The readiness of a day at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReadinessGlance {
    /// The core's `ReadinessState`: `{"kind": "scored"}`, `{"kind": "calibrating", "days_left"}`
    /// or `{"kind": "unscorable", "missing"}`.
    #[schema(value_type = Object)]
    pub state: Value,
    /// 0-100 when scored.
    pub score: Option<i64>,
    /// `recover`, `maintain` or `push` when scored.
    pub recommendation: Option<String>,
    /// The core's flags holding on the day (`category`, `code`, ...).
    #[schema(value_type = Vec<Object>)]
    pub flags: Vec<Value>,
}

/// A member with the readiness of one day.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MemberToday {
    /// The member's id.
    pub member_id: String,
    /// The name the clinic knows them by.
    pub display_name: String,
    /// The day's readiness; `null` when the phone has not sent it.
    pub readiness: Option<ReadinessGlance>,
    /// The date of the member's latest readiness record (`YYYY-MM-DD`); `null` when none.
    pub latest_readiness_date: Option<String>,
}

/// One day of a member's trends.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrendDay {
    /// The member's local date (`YYYY-MM-DD`).
    pub date: String,
    /// The core's `DayReadiness` of the day as the phone sent it; `null` when none.
    #[schema(value_type = Option<Object>)]
    pub readiness: Option<Value>,
    /// The core's `DailySummary` of the day as the phone sent it; `null` when none.
    #[schema(value_type = Option<Object>)]
    pub daily_summary: Option<Value>,
}

/// A lab result of a member.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LabView {
    /// Its record id (the one to delete it by).
    pub id: String,
    /// Its version.
    pub version: i64,
    /// The core's `LabResult`.
    #[schema(value_type = Object)]
    pub lab: Value,
}

/// The week's adherence of a member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdherenceView {
    /// The core's `WeekAdherence`.
    pub adherence: WeekAdherence,
    /// Recovery sessions left out because their body is not the core's `RecoverySession`.
    pub unreadable_sessions: u64,
}

/// What the adherence of a member came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Adherence {
    /// No such member in the staff member's clinic.
    NotFound,
    /// The member has no prescription to measure against.
    NoPrescription,
    /// The core refused the inputs (the date, or stored settings and prescription that no longer
    /// agree); the error names the field and the rule.
    Invalid(ProtocolError),
    /// The week's adherence.
    Week(AdherenceView),
}

/// A date as the daily collections' ids spell it: `YYYY-MM-DD`, nothing else.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, DATE_FORMAT).ok()?;
    (date.format(DATE_FORMAT).to_string() == text).then_some(date)
}

/// A date's record id.
pub fn date_id(date: NaiveDate) -> String {
    date.format(DATE_FORMAT).to_string()
}

/// The days from `from` to `to`, both included; `None` when `to` is before `from` or the range is
/// longer than `MAX_TREND_DAYS`.
pub fn trend_range(from: NaiveDate, to: NaiveDate) -> Option<Vec<NaiveDate>> {
    let span = u64::try_from((to - from).num_days()).ok()?;
    if span >= MAX_TREND_DAYS {
        return None;
    }
    (0..=span)
        .map(|d| from.checked_add_days(Days::new(d)))
        .collect()
}

fn parse(text: &str, what: &'static str) -> Result<Value, DbError> {
    serde_json::from_str(text).map_err(|_| DbError::Corrupt(what))
}

/// The readiness of a day at a glance, from its body (a field the phone left out reads `null`).
pub fn glance(body: &str) -> Result<ReadinessGlance, DbError> {
    let value = parse(body, "readiness body")?;
    Ok(ReadinessGlance {
        state: value.get("state").cloned().unwrap_or(Value::Null),
        score: value.get("score").and_then(Value::as_i64),
        recommendation: value
            .get("recommendation")
            .and_then(Value::as_str)
            .map(str::to_owned),
        flags: value
            .get("flags")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    })
}

/// The clinic's "today" view from the backend's rows, in their order.
pub fn today(rows: Vec<TodayRow>) -> Result<Vec<MemberToday>, DbError> {
    rows.into_iter()
        .map(|row| {
            Ok(MemberToday {
                member_id: row.member_id,
                display_name: row.display_name,
                readiness: row.readiness.as_deref().map(glance).transpose()?,
                latest_readiness_date: row.latest.filter(|id| parse_date(id).is_some()),
            })
        })
        .collect()
}

/// Every day of `days` with its readiness and daily summary (`null` where the phone sent none);
/// records whose id is not one of the days are ignored.
pub fn trends(days: &[NaiveDate], rows: Vec<DailyRow>) -> Result<Vec<TrendDay>, DbError> {
    let mut out: Vec<TrendDay> = days
        .iter()
        .map(|d| TrendDay {
            date: date_id(*d),
            readiness: None,
            daily_summary: None,
        })
        .collect();
    for row in rows {
        let Some(day) = out.iter_mut().find(|d| d.date == row.record_id) else {
            continue;
        };
        let body = parse(&row.body, "daily record body")?;
        match row.collection.as_str() {
            READINESS => day.readiness = Some(body),
            DAILY_SUMMARY => day.daily_summary = Some(body),
            _ => {}
        }
    }
    Ok(out)
}

/// The week's adherence around `date`, computed with the core from the member's rows (`None`: no
/// such member in the clinic).
pub fn adherence(rows: Option<AdherenceRows>, date: NaiveDate) -> Result<Adherence, DbError> {
    let Some(rows) = rows else {
        return Ok(Adherence::NotFound);
    };
    let Some(prescription) = rows.prescription else {
        return Ok(Adherence::NoPrescription);
    };
    let prescription: Prescription =
        serde_json::from_str(&prescription).map_err(|_| DbError::Corrupt("prescription"))?;
    let settings = settings_of(rows.settings.as_deref())?;
    let mut unreadable_sessions = 0_u64;
    let sessions: Vec<RecoverySession> = rows
        .sessions
        .iter()
        .filter_map(|text| {
            let session = serde_json::from_str(text).ok();
            if session.is_none() {
                unreadable_sessions += 1;
            }
            session
        })
        .collect();
    Ok(
        match week_adherence(&sessions, &prescription, date, &settings) {
            Ok(adherence) => Adherence::Week(AdherenceView {
                adherence,
                unreadable_sessions,
            }),
            Err(e) => Adherence::Invalid(e),
        },
    )
}

/// The lab results from the backend's rows, in their order.
pub fn labs(rows: Vec<LabRow>) -> Result<Vec<LabView>, DbError> {
    rows.into_iter()
        .map(|row| {
            Ok(LabView {
                id: row.record_id,
                version: row.version,
                lab: parse(&row.body, "lab result")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap_or_default()
    }

    #[test]
    fn dates_are_only_the_canonical_spelling() {
        assert!(parse_date("2026-03-04").is_some());
        assert!(parse_date("2026-3-4").is_none());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-03-04x").is_none());
        assert!(parse_date(" 2026-03-04").is_none());
    }

    #[test]
    fn trend_ranges_hold_at_most_366_days_in_order() {
        let days = trend_range(date("2026-02-27"), date("2026-03-02")).unwrap_or_default();
        let ids: Vec<String> = days.iter().map(|d| date_id(*d)).collect();
        assert_eq!(
            ids,
            ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]
        );
        assert_eq!(
            trend_range(date("2026-03-02"), date("2026-03-02")).map(|d| d.len()),
            Some(1)
        );
        assert!(trend_range(date("2026-03-02"), date("2026-03-01")).is_none());
        assert_eq!(
            trend_range(date("2024-01-01"), date("2024-12-31")).map(|d| d.len()),
            Some(366)
        );
        assert!(trend_range(date("2025-01-01"), date("2026-01-02")).is_none());
    }

    #[test]
    fn a_glance_takes_the_four_fields_and_tolerates_missing_ones() {
        let g = glance(
            r#"{"date":"2026-03-04","state":{"kind":"scored"},"score":71,
                "recommendation":"maintain","flags":[{"code":"acwr_high"}],"components":[]}"#,
        )
        .ok();
        assert_eq!(
            g,
            Some(ReadinessGlance {
                state: serde_json::json!({"kind": "scored"}),
                score: Some(71),
                recommendation: Some("maintain".into()),
                flags: vec![serde_json::json!({"code": "acwr_high"})],
            })
        );
        let g = glance(r#"{"state":{"kind":"calibrating","days_left":3}}"#).ok();
        assert_eq!(g.map(|g| (g.score, g.flags.len())), Some((None, 0)));
    }

    #[test]
    fn trends_fill_every_day_and_ignore_other_ids() {
        let days = trend_range(date("2026-03-01"), date("2026-03-02")).unwrap_or_default();
        let row = |collection: &str, id: &str| DailyRow {
            collection: collection.into(),
            record_id: id.into(),
            body: r#"{"date":"x"}"#.into(),
        };
        let out = trends(
            &days,
            vec![
                row(READINESS, "2026-03-02"),
                row(DAILY_SUMMARY, "2026-03-02"),
                row(READINESS, "2026-03-02x"),
            ],
        )
        .unwrap_or_default();
        assert_eq!(out.len(), 2);
        assert!(out[0].readiness.is_none() && out[0].daily_summary.is_none());
        assert!(out[1].readiness.is_some() && out[1].daily_summary.is_some());
    }

    #[test]
    fn adherence_needs_a_member_and_a_prescription() {
        let day = date("2026-03-04");
        assert_eq!(adherence(None, day).ok(), Some(Adherence::NotFound));
        assert_eq!(
            adherence(Some(AdherenceRows::default()), day).ok(),
            Some(Adherence::NoPrescription)
        );
        let rows = AdherenceRows {
            sessions: vec![r#"{"modality":"sauna"}"#.into()],
            prescription: Some(
                r#"{"targets":[],"fixed":[],"availability":[],"quiet_hours":[]}"#.into(),
            ),
            settings: None,
        };
        match adherence(Some(rows), day) {
            Ok(Adherence::Week(view)) => assert_eq!(view.unreadable_sessions, 1),
            other => panic!("unexpected {other:?}"),
        }
    }
}
