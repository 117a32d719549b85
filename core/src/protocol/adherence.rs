//! Adherence: the logged recovery sessions counted against the prescription, week by week.
//!
//! A week is seven local dates starting on [`ClinicSettings::week_starts_on`]. A session belongs to
//! the local date its own [`Timestamp`](crate::health::Timestamp) shows: the offset recorded with
//! the session is what the member's clock said when it started, so a session just before midnight
//! on the Sunday of a DST change, or one logged while travelling in another zone, counts on the
//! date the member lived it, without looking the member's home zone up again.
//!
//! Per weekly target the week reports sessions and minutes done against the prescription; across
//! all sessions it reports the week's sauna and cold minutes; [`week_so_far`] gives the planner its
//! input ([`WeekSoFar`]) and [`streaks`] the runs of weeks in which a target was met. A logged dose
//! is checked against the same safe ranges as a prescribed one ([`check_logged`]).
//!
//! Everything here is pure: sessions in, figures out.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use super::ProtocolError;
use super::modality::{Dose, DoseCheck, SafeRanges};
use super::plan::WeekSoFar;
use super::prescription::Prescription;
use super::settings::ClinicSettings;
use crate::health::{RecoveryModality, RecoverySession};

/// Days in a week.
const WEEK_DAYS: u64 = 7;

/// Checks a logged session's dose against the safe ranges of `settings`, or only against physical
/// plausibility when the clinic gives an override ([`DoseCheck::ClinicOverride`]). The error names
/// the field and the bound, never the logged value ([`Dose::validate`]).
///
/// A log holds the exposure time and at most one temperature, so only those are checked:
/// - a field the log does not hold (a missing temperature, the breathing rate, the wavelength) is
///   not checked; [`Dose::validate`] needs a value, so it is given its safe range's lower bound,
///   which lies inside that range;
/// - a contrast session is logged as one duration and one temperature that may be the sauna's or
///   the plunge's, while its safe ranges are per round: nothing in the log maps onto them, so only
///   the duration's sign is checked.
pub fn check_logged(
    session: &RecoverySession,
    settings: &ClinicSettings,
    check: DoseCheck,
) -> Result<(), ProtocolError> {
    settings.safe.validate()?;
    match logged_dose(session, &settings.safe) {
        Some(dose) => dose.validate(&settings.safe, check),
        None if minutes(session).is_finite() && minutes(session) > 0.0 => Ok(()),
        None => Err(ProtocolError::NotPositive { field: "minutes" }),
    }
}

/// The dose a logged session amounts to, with the stand-ins [`check_logged`] describes; `None` for
/// contrast, whose log maps onto no dose.
fn logged_dose(session: &RecoverySession, safe: &SafeRanges) -> Option<Dose> {
    let minutes = minutes(session);
    let temperature = |stand_in: f64| session.temperature_c.unwrap_or(stand_in);
    Some(match session.modality {
        RecoveryModality::Sauna => Dose::Sauna {
            minutes,
            temperature_c: temperature(safe.sauna_c.min),
        },
        RecoveryModality::ColdPlunge => Dose::ColdPlunge {
            minutes,
            temperature_c: temperature(safe.plunge_c.min),
        },
        RecoveryModality::Contrast => return None,
        RecoveryModality::RedLight => Dose::RedLight {
            minutes,
            wavelength_nm: None,
        },
        RecoveryModality::Pemf => Dose::Pemf { minutes },
        RecoveryModality::Breathwork => Dose::Breathwork {
            minutes,
            breaths_per_min: safe.breaths_per_min.min,
        },
    })
}

/// A session's exposure time, min.
fn minutes(session: &RecoverySession) -> f64 {
    session.duration_s / 60.0
}

/// One week's adherence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekAdherence {
    /// The week's first local date (a [`ClinicSettings::week_starts_on`]).
    pub first_day: NaiveDate,
    /// One row per weekly target, in the prescription's order.
    pub targets: Vec<TargetAdherence>,
    /// Minutes of the week's sauna sessions, whether or not sauna is prescribed.
    pub sauna_minutes: f64,
    /// Minutes of the week's cold plunge sessions, whether or not the plunge is prescribed.
    /// Contrast sessions are not in it (nor in `sauna_minutes`): a logged contrast session holds
    /// one total duration and the log does not say how much of it was cold; they count in their
    /// own target's row.
    pub cold_minutes: f64,
}

/// Sessions and minutes of one modality done in a week against its weekly target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetAdherence {
    /// The modality.
    pub modality: RecoveryModality,
    /// Sessions logged in the week.
    pub sessions_done: u32,
    /// Sessions prescribed for the week.
    pub sessions_target: u8,
    /// Minutes logged in the week.
    pub minutes_done: f64,
    /// Minutes prescribed: the target's sessions times its dose's minutes (all rounds of contrast).
    pub minutes_target: f64,
    /// `sessions_done` as a percentage of `sessions_target`. Not capped at 100: a week above its
    /// target shows as such.
    pub sessions_percent: f64,
    /// `minutes_done` as a percentage of `minutes_target`, not capped either.
    pub minutes_percent: f64,
}

impl TargetAdherence {
    /// Whether the week met the target: at least as many sessions as prescribed (minutes do not
    /// count: a shorter session is still a session of the protocol).
    pub fn met(&self) -> bool {
        self.sessions_done >= u32::from(self.sessions_target)
    }
}

/// The adherence of the week containing the local date `date`: per weekly target of
/// `prescription`, the sessions and minutes of `sessions` whose local start date lies in that week,
/// and the week's sauna and cold minutes. Sessions may come in any order.
pub fn week_adherence(
    sessions: &[RecoverySession],
    prescription: &Prescription,
    date: NaiveDate,
    settings: &ClinicSettings,
) -> Result<WeekAdherence, ProtocolError> {
    settings.validate()?;
    prescription.validate(settings)?;
    let first_day = week_start(date, settings.week_starts_on).ok_or(OUTSIDE_DATES)?;
    let in_week: Vec<&RecoverySession> = sessions
        .iter()
        .filter(|s| in_week(first_day, local_date(s)))
        .collect();
    let total = |modality: RecoveryModality| -> (u32, f64) {
        in_week
            .iter()
            .filter(|s| s.modality == modality)
            .fold((0, 0.0), |(n, m), s| (n.saturating_add(1), m + minutes(s)))
    };
    let targets = prescription
        .targets
        .iter()
        .map(|target| {
            let modality = target.dose.modality();
            let (sessions_done, minutes_done) = total(modality);
            let minutes_target = f64::from(target.sessions_per_week) * target.dose.minutes();
            TargetAdherence {
                modality,
                sessions_done,
                sessions_target: target.sessions_per_week,
                minutes_done,
                minutes_target,
                // Validation keeps both targets above zero.
                sessions_percent: 100.0 * f64::from(sessions_done)
                    / f64::from(target.sessions_per_week),
                minutes_percent: 100.0 * minutes_done / minutes_target,
            }
        })
        .collect();
    Ok(WeekAdherence {
        first_day,
        targets,
        sauna_minutes: total(RecoveryModality::Sauna).1,
        cold_minutes: total(RecoveryModality::ColdPlunge).1,
    })
}

/// The planner's input for the local date `date`: the sessions of each modality logged in its week
/// on an earlier local date, and the modalities logged on `date` itself. Counts above 255 are held
/// at 255, far above any weekly target.
pub fn week_so_far(
    sessions: &[RecoverySession],
    date: NaiveDate,
    settings: &ClinicSettings,
) -> Result<WeekSoFar, ProtocolError> {
    let first_day = week_start(date, settings.week_starts_on).ok_or(OUTSIDE_DATES)?;
    let mut week = WeekSoFar::default();
    for session in sessions {
        let day = local_date(session);
        if day == date {
            week.done_today.insert(session.modality);
        } else if day >= first_day && day < date {
            let count = week.done.entry(session.modality).or_default();
            *count = count.saturating_add(1);
        }
    }
    Ok(week)
}

/// The runs of weeks in which one modality's target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Streak {
    /// The modality.
    pub modality: RecoveryModality,
    /// Consecutive weeks meeting the target up to now. The week containing `today` counts when it
    /// already meets the target; while it does not yet, it is still under way and does not break
    /// the run, which then ends with the week before.
    pub current_weeks: u32,
    /// The most consecutive weeks that met the target, up to and including the week of `today`.
    pub longest_weeks: u32,
}

/// Per weekly target of `prescription`, the current and longest streaks of consecutive weeks that
/// met it ([`TargetAdherence::met`]) up to the week containing the local date `today`. Sessions
/// after that week are ignored. Every week is measured against the current prescription: earlier
/// prescriptions are not kept.
pub fn streaks(
    sessions: &[RecoverySession],
    prescription: &Prescription,
    today: NaiveDate,
    settings: &ClinicSettings,
) -> Result<Vec<Streak>, ProtocolError> {
    settings.validate()?;
    prescription.validate(settings)?;
    let this_week = week_start(today, settings.week_starts_on).ok_or(OUTSIDE_DATES)?;
    let mut counts: BTreeMap<(RecoveryModality, NaiveDate), u32> = BTreeMap::new();
    for session in sessions {
        // A session so near the first supported date that its week cannot start is dropped: no
        // week it could meet is one the streaks reach.
        if let Some(first_day) = week_start(local_date(session), settings.week_starts_on)
            && first_day <= this_week
        {
            let count = counts.entry((session.modality, first_day)).or_default();
            *count = count.saturating_add(1);
        }
    }
    Ok(prescription
        .targets
        .iter()
        .map(|target| {
            let modality = target.dose.modality();
            let needed = u32::from(target.sessions_per_week);
            let met = counts
                .range((modality, NaiveDate::MIN)..=(modality, NaiveDate::MAX))
                .filter(|(_, n)| **n >= needed)
                .map(|((_, first_day), _)| *first_day);
            // Runs over the met weeks in date order: a run goes on while the next met week starts
            // seven days after the last.
            let mut longest = 0;
            let mut run = 0;
            let mut last: Option<NaiveDate> = None;
            for first_day in met {
                run = match last {
                    Some(previous) if next_week(previous) == Some(first_day) => run + 1,
                    _ => 1,
                };
                longest = u32::max(longest, run);
                last = Some(first_day);
            }
            let previous_week = this_week.checked_sub_days(Days::new(WEEK_DAYS));
            let current = match last {
                Some(end) if end == this_week || Some(end) == previous_week => run,
                _ => 0,
            };
            Streak {
                modality,
                current_weeks: current,
                longest_weeks: longest,
            }
        })
        .collect())
}

/// The error of a date whose week falls outside the dates chrono represents.
const OUTSIDE_DATES: ProtocolError = ProtocolError::InvalidInput {
    field: "date",
    reason: "its week lies outside the supported dates",
};

/// The local date a session started on, by its own recorded offset.
fn local_date(session: &RecoverySession) -> NaiveDate {
    session.start.local().date_naive()
}

/// The first day of the week (starting on `starts_on`) that contains `date`.
fn week_start(date: NaiveDate, starts_on: Weekday) -> Option<NaiveDate> {
    let back = (date.weekday().num_days_from_monday() + 7 - starts_on.num_days_from_monday()) % 7;
    date.checked_sub_days(Days::new(u64::from(back)))
}

/// The first day of the week after the one starting on `first_day`.
fn next_week(first_day: NaiveDate) -> Option<NaiveDate> {
    first_day.checked_add_days(Days::new(WEEK_DAYS))
}

/// Whether `date` lies in the week starting on `first_day`.
fn in_week(first_day: NaiveDate, date: NaiveDate) -> bool {
    date >= first_day && next_week(first_day).is_none_or(|end| date < end)
}

#[cfg(test)]
mod tests;
