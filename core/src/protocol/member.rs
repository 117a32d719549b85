//! A member's protocol read from and written to their store: the one place the pure planner,
//! reminders and adherence meet the data, so the command line and the phones (through the FFI)
//! plan, remind and count the same way.
//!
//! - The clinic's documents: [`set_prescription`] and [`set_clinic_settings`] check before they
//!   save (a prescription against the settings' safe ranges, settings against the prescription
//!   already saved), so the store never holds a pair the planner would refuse; [`clinic_settings`]
//!   falls back to the documented defaults.
//! - Days: [`plan_days`] plans each local day of a range from the workouts logged around it, the
//!   training the member planned in the store and the calendar's planned workouts the caller
//!   passes, the day's readiness call and the sessions logged in its week so far, that day's
//!   included; [`reminders_between`] turns those plans into the phone's schedule.
//! - Sessions: [`log_session`] checks a session's dose, stores it on [`LOGGED_STREAM`] and answers
//!   with its week's adherence; [`adherence_of_week`] counts a week.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{
    ClinicSettings, DayPlan, DayWorkout, DoseCheck, Prescription, ProtocolError, Reminder,
    WeekAdherence, check_logged, plan_day, reminders, week_adherence, week_so_far,
};
use crate::health::{RecoverySession, Workout};
use crate::readiness::{
    HistoryError, HistorySettings, MemberProfile, ReadinessState, Recommendation, readiness_history,
};
use crate::store::{Store, StoreError};

/// The store stream of the recovery sessions the member logs by hand (in the app or on the
/// command line), as opposed to those a platform delivers.
pub const LOGGED_STREAM: &str = "manual:recovery";

/// Longest range of days planned in one call: a year, already more reminders than any phone
/// schedules (iOS keeps 64 pending notifications per app).
pub const MAX_RANGE_DAYS: u32 = 366;

/// Why a member's protocol could not be read, planned or saved. Never carries a health value.
#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    /// No prescription has been saved yet: there is nothing to plan or count against.
    #[error(
        "no prescription yet: the clinic's prescription has not been entered or synced to this device"
    )]
    NoPrescription,
    /// The range of days is empty or longer than [`MAX_RANGE_DAYS`].
    #[error("the range of days must run forward and span at most {MAX_RANGE_DAYS} days")]
    Range,
    /// A date is outside the calendar the store and the planner support.
    #[error("a date is outside the supported calendar")]
    OutOfRange,
    /// The store refused to save the session: it is not a valid record.
    #[error("the session was not stored: {0}")]
    NotStored(String),
    /// A dose, the prescription, the settings or a planner input cannot be used.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The day's readiness could not be assessed.
    #[error(transparent)]
    Readiness(#[from] HistoryError),
}

/// A planned day with the readiness call it was planned with (`None`: not scored that day).
#[derive(Debug, Clone, PartialEq)]
pub struct MemberDay {
    /// The plan.
    pub plan: DayPlan,
    /// The readiness call the plan followed.
    pub readiness: Option<Recommendation>,
}

/// The clinic settings saved in `store`, or the documented defaults when none were saved.
pub fn clinic_settings(store: &Store) -> Result<ClinicSettings, MemberError> {
    Ok(store.clinic_settings()?.unwrap_or_default())
}

/// The readiness settings of the member's clinic: the clinic settings' `readiness` laid onto the
/// documented defaults ([`crate::readiness::ReadinessTuning::history`]), or the defaults when the
/// clinic sent none. Every readiness the member sees or sends should be assessed with these.
pub fn readiness_settings(store: &Store) -> Result<HistorySettings, MemberError> {
    let tuning = clinic_settings(store)?.readiness;
    Ok(tuning.history().map_err(ProtocolError::from)?)
}

/// The saved prescription, or [`MemberError::NoPrescription`].
pub fn prescription(store: &Store) -> Result<Prescription, MemberError> {
    store.prescription()?.ok_or(MemberError::NoPrescription)
}

/// Checks `prescription` against the saved clinic settings and saves it in place of the last one.
/// A prescription that cannot be used is refused with the field and item named, and nothing is
/// saved.
pub fn set_prescription(store: &mut Store, prescription: &Prescription) -> Result<(), MemberError> {
    let settings = clinic_settings(store)?;
    prescription.validate(&settings)?;
    store.save_prescription(prescription)?;
    Ok(())
}

/// Checks `settings` and saves them in place of the last ones. Settings under which the saved
/// prescription would no longer be valid (a dose leaving a narrowed safe range without its
/// override) are refused, naming the prescription's field: the clinic changes both together.
pub fn set_clinic_settings(
    store: &mut Store,
    settings: &ClinicSettings,
) -> Result<(), MemberError> {
    settings.validate()?;
    if let Some(prescription) = store.prescription()? {
        prescription.validate(settings)?;
    }
    store.save_clinic_settings(settings)?;
    Ok(())
}

/// Plans each local day of `from..=to` in `zone` from the saved prescription and settings.
///
/// Each day is planned with the workouts the store holds around it, logged and planned
/// (`store/planned.rs`), and the `planned` workouts of the member's calendar the caller passes
/// (the planner looks only at those that touch the day or the evening before), the day's readiness call (assessed with `profile` and `readiness`; none on a day that
/// is not scored, such as a future one), and the sessions logged in its week up to and including
/// the day ([`week_so_far`]).
pub fn plan_days(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    zone: Tz,
    planned: &[DayWorkout],
    profile: &MemberProfile,
    readiness: &HistorySettings,
) -> Result<Vec<MemberDay>, MemberError> {
    check_range(from, to)?;
    let prescription = prescription(store)?;
    let settings = clinic_settings(store)?;
    // Midnight UTC two days either side covers every offset (at most 14 h) and the evening
    // before the first day, whose late strength session's gap reaches into the morning.
    let (around_from, around_to) = (utc_midnight(from, -2)?, utc_midnight(to, 2)?);
    let logged: Vec<Workout> = store.records(around_from, around_to)?;
    let mut workouts: Vec<DayWorkout> = logged.iter().map(DayWorkout::logged).collect();
    workouts.extend(
        store
            .planned_workouts(around_from, around_to)?
            .into_iter()
            .map(|(_, workout)| workout),
    );
    workouts.extend_from_slice(planned);
    let sessions = sessions_around(store, from, to)?;
    let calls = readiness_calls(store, from, to, profile, readiness)?;
    from.iter_days()
        .take_while(|date| *date <= to)
        .map(|date| {
            let call = calls.get(&date).copied().flatten();
            let week = week_so_far(&sessions, date, &settings)?;
            let plan = plan_day(date, zone, call, &workouts, &prescription, &week, &settings)?;
            Ok(MemberDay {
                plan,
                readiness: call,
            })
        })
        .collect()
}

/// The reminders of every planned day of `from..=to` ([`plan_days`]), by fire time then id: the
/// schedule to diff against the one the phone holds ([`super::diff`]).
pub fn reminders_between(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    zone: Tz,
    planned: &[DayWorkout],
    profile: &MemberProfile,
    readiness: &HistorySettings,
) -> Result<Vec<Reminder>, MemberError> {
    let settings = clinic_settings(store)?;
    let mut all = Vec::new();
    for day in plan_days(store, from, to, zone, planned, profile, readiness)? {
        all.extend(reminders(&day.plan, &settings)?);
    }
    all.sort_by(|a, b| (a.fire_at.utc(), &a.id).cmp(&(b.fire_at.utc(), &b.id)));
    Ok(all)
}

/// Checks the dose of `session` against the saved settings' safe ranges (`check`: the clinic's
/// override, which still requires a plausible dose) and stores it on [`LOGGED_STREAM`]. Logging
/// the same modality at the same start again replaces the earlier entry. Answers with the
/// adherence of the session's week, `None` before a prescription is saved.
pub fn log_session(
    store: &mut Store,
    session: &RecoverySession,
    check: DoseCheck,
) -> Result<Option<WeekAdherence>, MemberError> {
    let settings = clinic_settings(store)?;
    check_logged(session, &settings, check)?;
    // Everything the answer needs is checked before the write, so an error always means that
    // nothing was stored.
    let prescription = store.prescription()?;
    if let Some(prescription) = &prescription {
        prescription.validate(&settings)?;
    }
    let report = store.ingest(LOGGED_STREAM, std::slice::from_ref(session), &[], None)?;
    if let Some((_, reason)) = report.skipped.first() {
        return Err(MemberError::NotStored(reason.to_string()));
    }
    let Some(prescription) = prescription else {
        return Ok(None);
    };
    let date = session.start.local().date_naive();
    let sessions = sessions_around(store, date, date)?;
    Ok(Some(week_adherence(
        &sessions,
        &prescription,
        date,
        &settings,
    )?))
}

/// The adherence of the week that holds the local date `date`, against the saved prescription.
pub fn adherence_of_week(store: &Store, date: NaiveDate) -> Result<WeekAdherence, MemberError> {
    let prescription = prescription(store)?;
    let settings = clinic_settings(store)?;
    let sessions = sessions_around(store, date, date)?;
    Ok(week_adherence(&sessions, &prescription, date, &settings)?)
}

/// The recovery sessions stored from eight days before `from` to eight days after `to` (UTC
/// midnights): every week that holds a day of the range, whatever its first day and the offsets.
/// The pure functions count each session by its local date.
fn sessions_around(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RecoverySession>, MemberError> {
    Ok(store.records(utc_midnight(from, -8)?, utc_midnight(to, 8)?)?)
}

/// The readiness call of each day of `from..=to` by date, `None` on a day that is not scored.
fn readiness_calls(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    profile: &MemberProfile,
    settings: &HistorySettings,
) -> Result<BTreeMap<NaiveDate, Option<Recommendation>>, MemberError> {
    let history = readiness_history(store, from, to, profile, settings)?;
    Ok(history
        .days
        .iter()
        .map(|day| {
            let call = match day.state {
                ReadinessState::Scored => day.recommendation,
                _ => None,
            };
            (day.date, call)
        })
        .collect())
}

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), MemberError> {
    let span = to.signed_duration_since(from).num_days();
    if span < 0 || span >= i64::from(MAX_RANGE_DAYS) {
        return Err(MemberError::Range);
    }
    Ok(())
}

/// Midnight UTC `days` days from `date`.
fn utc_midnight(date: NaiveDate, days: i64) -> Result<DateTime<Utc>, MemberError> {
    let step = Days::new(days.unsigned_abs());
    let moved = if days >= 0 {
        date.checked_add_days(step)
    } else {
        date.checked_sub_days(step)
    };
    moved
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        .ok_or(MemberError::OutOfRange)
}

#[cfg(test)]
mod tests;
