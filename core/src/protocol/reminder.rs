//! Reminders: the concrete schedule the shells hand to the platform's notification scheduler, and
//! the changes that turn the schedule the phone holds into it.
//!
//! [`reminders`] turns a [`DayPlan`] into one [`Reminder`] per item, firing
//! [`ClinicSettings::reminder_lead_min`] before the item starts. [`diff`] compares that with the
//! reminders the phone holds and says which to cancel and which to add, so that a re-plan (a
//! logged workout moving the cold session, a flight to another zone) never leaves a stale
//! reminder; [`apply`] is what the platform does with the diff.
//!
//! Ids: a reminder's id is the plan's local date, the modality and the item's occurrence number
//! among that modality's items of the day (`2026-03-29/cold_plunge/0`), never its time: a moved
//! item keeps its id and only its fire time changes, and the shells need no mapping of their own.
//!
//! Time: the fire time is an instant (what the platform schedules) with the offset the member's
//! zone has at that instant, resolved with the tz database, so a reminder before a DST change
//! shows the clock of that moment, not the one of the session. After a flight the plan is
//! re-made in the new zone; its reminders then carry new instants and offsets and [`diff`]
//! replaces them.
//!
//! Privacy: a notification can show on a locked screen, so title and body say only what the
//! member's own plan shows (modality, local time, dose), nothing from readiness or health data.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::ProtocolError;
use super::modality::Dose;
use super::plan::{DayPlan, PlanItem};
use super::settings::ClinicSettings;
use super::timeline::offset_s;
use crate::health::{RecoveryModality, Timestamp};

/// One notification to schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// Stable across re-plans of the same item: `<local date>/<modality>/<occurrence>`.
    pub id: String,
    /// When it fires: the instant, with the member's offset and zone at that instant.
    pub fire_at: Timestamp,
    /// For example "Cold plunge at 15:30".
    pub title: String,
    /// The dose, for example "3 min at 6 °C".
    pub body: String,
}

/// What to change in the schedule the phone holds.
///
/// Convention: the platform first cancels every id of `cancel`, then adds every reminder of
/// `add`. A held reminder that changed (fire time, offset, title or body) is both cancelled and
/// added under the same id, because the platforms replace by id (iOS `UNNotificationRequest`
/// identifiers, Android notification ids) but not all shells update in place; cancelling first
/// makes both ways give the same schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScheduleDiff {
    /// Reminders to schedule, by fire time then id.
    pub add: Vec<Reminder>,
    /// Ids to cancel, in id order.
    pub cancel: Vec<String>,
}

/// The plan's reminders, one per item, by fire time then id.
///
/// Fails when the settings are unusable or a fire time falls outside the calendar.
pub fn reminders(
    plan: &DayPlan,
    settings: &ClinicSettings,
) -> Result<Vec<Reminder>, ProtocolError> {
    settings.validate()?;
    // Whole seconds, like the plan's windows; validated to at most 240 min, so it fits.
    let lead = TimeDelta::seconds((settings.reminder_lead_min * 60.0).round() as i64);
    // The occurrence number counts the modality's items in start order, whatever the order the
    // plan lists them in.
    let mut items: Vec<&PlanItem> = plan.items.iter().collect();
    items.sort_by_key(|i| (i.start.utc(), i.end.utc(), i.modality));
    let mut seen: BTreeMap<RecoveryModality, u32> = BTreeMap::new();
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let occurrence = seen.entry(item.modality).or_insert(0);
        let id = format!("{}/{}/{}", plan.date, slug(item.modality), occurrence);
        *occurrence += 1;
        let fire_at = fire_time(&item.start, lead).map_err(|e| e.in_item("items", index))?;
        out.push(Reminder {
            id,
            fire_at,
            title: format!(
                "{} at {}",
                name(item.modality),
                item.start.local().format("%H:%M")
            ),
            body: dose_text(&item.dose),
        });
    }
    out.sort_by(order);
    Ok(out)
}

/// The changes that turn `held` into `wanted`, leaving out additions whose fire time is not after
/// `now` (the platform would fire them at once or drop them). A held reminder that did not change
/// is left alone even when past. Ids are taken as unique within each list, as the platforms keep
/// one reminder per id; of duplicates the last counts.
pub fn diff(held: &[Reminder], wanted: &[Reminder], now: DateTime<Utc>) -> ScheduleDiff {
    let held: BTreeMap<&str, &Reminder> = held.iter().map(|r| (r.id.as_str(), r)).collect();
    let wanted: BTreeMap<&str, &Reminder> = wanted.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut cancel = BTreeSet::new();
    let mut add = Vec::new();
    for (id, old) in &held {
        match wanted.get(id) {
            Some(new) if new == old => {}
            _ => {
                cancel.insert((*id).to_owned());
            }
        }
    }
    for (id, new) in &wanted {
        if held.get(id) != Some(new) && new.fire_at.utc() > now {
            add.push((*new).clone());
        }
    }
    add.sort_by(order);
    ScheduleDiff {
        add,
        cancel: cancel.into_iter().collect(),
    }
}

/// The schedule after the platform applies `diff` to `held` (see [`ScheduleDiff`]), by fire time
/// then id.
pub fn apply(held: &[Reminder], diff: &ScheduleDiff) -> Vec<Reminder> {
    let cancel: BTreeSet<&str> = diff.cancel.iter().map(String::as_str).collect();
    let mut schedule: BTreeMap<String, Reminder> = held
        .iter()
        .filter(|r| !cancel.contains(r.id.as_str()))
        .map(|r| (r.id.clone(), r.clone()))
        .collect();
    for r in &diff.add {
        schedule.insert(r.id.clone(), r.clone());
    }
    let mut out: Vec<Reminder> = schedule.into_values().collect();
    out.sort_by(order);
    out
}

/// By fire instant, then id: deterministic, and the order the member will see them in.
fn order(a: &Reminder, b: &Reminder) -> std::cmp::Ordering {
    (a.fire_at.utc(), &a.id).cmp(&(b.fire_at.utc(), &b.id))
}

/// `lead` before `start`, with the offset of the start's zone at that instant. Without a zone the
/// start's offset is kept: there is no rule to resolve a change with.
fn fire_time(start: &Timestamp, lead: TimeDelta) -> Result<Timestamp, ProtocolError> {
    let out_of_range = ProtocolError::InvalidInput {
        field: "fire_at",
        reason: "falls outside the dates the calendar supports",
    };
    let instant = start
        .utc()
        .checked_sub_signed(lead)
        .ok_or(out_of_range.clone())?;
    let zone: Option<Tz> = start.zone().and_then(|name| name.parse().ok());
    let offset = match zone {
        Some(tz) => offset_s(tz, instant),
        None => start.offset_s(),
    };
    Timestamp::new(instant, offset, start.zone().map(str::to_owned)).map_err(|_| out_of_range)
}

/// The modality as it appears in ids (its serialised name, which never changes with wording).
fn slug(modality: RecoveryModality) -> &'static str {
    match modality {
        RecoveryModality::Sauna => "sauna",
        RecoveryModality::ColdPlunge => "cold_plunge",
        RecoveryModality::Contrast => "contrast",
        RecoveryModality::RedLight => "red_light",
        RecoveryModality::Pemf => "pemf",
        RecoveryModality::Breathwork => "breathwork",
    }
}

/// The modality for the member.
fn name(modality: RecoveryModality) -> &'static str {
    match modality {
        RecoveryModality::Sauna => "Sauna",
        RecoveryModality::ColdPlunge => "Cold plunge",
        RecoveryModality::Contrast => "Contrast",
        RecoveryModality::RedLight => "Red light",
        RecoveryModality::Pemf => "PEMF",
        RecoveryModality::Breathwork => "Breathwork",
    }
}

/// The dose as the plan shows it.
fn dose_text(dose: &Dose) -> String {
    match dose {
        Dose::Sauna {
            minutes,
            temperature_c,
        }
        | Dose::ColdPlunge {
            minutes,
            temperature_c,
        } => format!("{} min at {} °C", num(*minutes), num(*temperature_c)),
        Dose::Contrast(c) => format!(
            "{} rounds of {} min sauna at {} °C and {} min plunge at {} °C",
            c.rounds,
            num(c.sauna_minutes),
            num(c.sauna_c),
            num(c.plunge_minutes),
            num(c.plunge_c)
        ),
        Dose::RedLight {
            minutes,
            wavelength_nm: Some(nm),
        } => format!("{} min at {} nm", num(*minutes), num(*nm)),
        Dose::RedLight {
            minutes,
            wavelength_nm: None,
        }
        | Dose::Pemf { minutes } => format!("{} min", num(*minutes)),
        Dose::Breathwork {
            minutes,
            breaths_per_min,
        } => format!(
            "{} min at {} breaths/min",
            num(*minutes),
            num(*breaths_per_min)
        ),
    }
}

/// A dose number with at most one decimal, none when whole ("3", "2.5").
fn num(v: f64) -> String {
    let text = format!("{v:.1}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests;
