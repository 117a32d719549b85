//! Part 4 of the demo: the member's recovery protocol on the day after their data ends.
//!
//! The clinic's prescription ([`PRESCRIPTION`]) is saved in the demo store, the day is planned
//! and its reminders listed; then, the evening before, the member plans to lift before work
//! ([`STRENGTH_START_H`]) and the re-plan moves the morning plunge out of the gap after strength
//! work before the session happens, with the changes to the phone's reminders (the schedule
//! diff). The next morning the watch delivers the workout, and the plan stays as it is. Last, the
//! sauna is logged and counted against the week's target.

use std::io::Write;

use alyze_core::health::{
    ActivityType, RecoveryModality, RecoverySession, Source, Timestamp, Workout,
};
use alyze_core::protocol::member::{self, MemberDay};
use alyze_core::protocol::{DayWorkout, DoseCheck, Prescription, Reminder, WorkoutStatus, diff};
use alyze_core::readiness::MemberProfile;
use alyze_core::store::Store;
use anyhow::{Context, Result, anyhow};
use chrono::{NaiveDate, NaiveTime, TimeDelta};
use chrono_tz::Tz;

use crate::plan::to_text as plan_text;
use crate::prescription::to_text as prescription_text;

/// The clinic's prescription for the demo member: sauna three times a week, a cold plunge four
/// times, red light twice, in the member's waking hours.
const PRESCRIPTION: &str = r#"{
  "targets": [
    {"sessions_per_week": 4, "check": "standard",
     "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 8}},
    {"sessions_per_week": 3, "check": "standard",
     "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}},
    {"sessions_per_week": 2, "check": "standard",
     "dose": {"modality": "red_light", "minutes": 10, "wavelength_nm": 660}}
  ],
  "fixed": [],
  "availability": [{"start": "07:00:00", "end": "21:00:00"}],
  "quiet_hours": [{"start": "22:00:00", "end": "07:00:00"}]
}"#;

/// The member's zone (the generated export's home zone).
const ZONE: Tz = chrono_tz::Europe::Berlin;

/// The local hour the demo's strength session starts; it lasts an hour.
const STRENGTH_START_H: u32 = 7;

/// The local hour, the evening before, at which the member plans the session.
const EVENING_H: u32 = 20;

/// Part 4 (module doc), for `day`, the day after the member's data ends.
pub fn protocol_story(
    out: &mut impl Write,
    store: &mut Store,
    day: NaiveDate,
    profile: &MemberProfile,
) -> Result<()> {
    let prescription: Prescription =
        serde_json::from_str(PRESCRIPTION).context("reading the demo prescription")?;
    member::set_prescription(store, &prescription).context("saving the demo prescription")?;
    writeln!(
        out,
        "\nThe clinic programs the member's recovery\n\n{}",
        prescription_text(&prescription)
    )?;

    let (before, held) = plan(store, day, profile)?;
    writeln!(
        out,
        "The plan for {day}, the next day, as it stands in the morning\n"
    )?;
    write!(out, "{}", plan_text(&before.plan, before.readiness, ZONE))?;
    writeln!(out, "Reminders the phone schedules:")?;
    for reminder in &held {
        writeln!(out, "  {}", reminder_text(reminder))?;
    }

    let workout = strength_session(day)?;
    let lift = DayWorkout::logged(&workout);
    store
        .add_planned_workout(&DayWorkout {
            status: WorkoutStatus::Planned,
            ..lift
        })
        .context("planning the strength session")?;
    let (after, wanted) = plan(store, day, profile)?;
    writeln!(
        out,
        "\nThe evening before, the member plans to lift from {} to {} before work; the day is \
         planned again at once: no cold plunge within {} h after strength work\n",
        workout.start.local().format("%H:%M"),
        workout.end.local().format("%H:%M"),
        member::clinic_settings(store)?.cold_gap_after_strength_h
    )?;
    write!(out, "{}", plan_text(&after.plan, after.readiness, ZONE))?;
    // The member plans it at 20:00 the evening before, before any of the day's reminders fire.
    let now = local(day - TimeDelta::days(1), EVENING_H)?.utc();
    let changes = diff(&held, &wanted, now);
    writeln!(out, "Changes to the phone's reminders:")?;
    for id in &changes.cancel {
        writeln!(out, "  cancel {id}")?;
    }
    for reminder in &changes.add {
        writeln!(out, "  add    {}", reminder_text(reminder))?;
    }

    store
        .ingest("demo:workout", std::slice::from_ref(&workout), &[], None)
        .context("storing the strength session")?;
    let (done, _) = plan(store, day, profile)?;
    writeln!(
        out,
        "\nThe watch delivers the strength session at {}: the plan {}.",
        workout.end.local().format("%H:%M"),
        if done.plan == after.plan {
            "stays as it is"
        } else {
            "changes"
        }
    )?;

    log_the_sauna(out, store, &after)
}

/// The day's plan and reminders, with the clinic's readiness settings (the store's).
fn plan(
    store: &Store,
    day: NaiveDate,
    profile: &MemberProfile,
) -> Result<(MemberDay, Vec<Reminder>)> {
    let settings = member::readiness_settings(store)?;
    let planned = member::plan_days(store, day, day, ZONE, &[], profile, &settings)
        .context("planning the demo day")?
        .pop()
        .ok_or_else(|| anyhow!("the planner returned no day"))?;
    let reminders = member::reminders_between(store, day, day, ZONE, &[], profile, &settings)
        .context("making the demo day's reminders")?;
    Ok((planned, reminders))
}

/// The member's hour of strength training on `day`, as the watch records it.
fn strength_session(day: NaiveDate) -> Result<Workout> {
    let start = local(day, STRENGTH_START_H)?;
    let end = Timestamp::from_local(
        start.local() + TimeDelta::hours(1),
        Some(ZONE.name().to_owned()),
    )?;
    Ok(Workout {
        activity: ActivityType::TraditionalStrengthTraining,
        start,
        end,
        duration_s: 3600.0,
        active_energy_kcal: Some(320.0),
        avg_heart_rate_bpm: Some(118.0),
        max_heart_rate_bpm: Some(152.0),
        distance_m: None,
        events: Vec::new(),
        source: Source::named("Apple Watch"),
        platform_id: Some(format!("demo-strength-{day}")),
    })
}

/// Logs the plan's sauna as done and prints the week's count.
fn log_the_sauna(out: &mut impl Write, store: &mut Store, day: &MemberDay) -> Result<()> {
    let Some(item) = day
        .plan
        .items
        .iter()
        .find(|i| i.modality == RecoveryModality::Sauna)
    else {
        return Ok(());
    };
    let session = RecoverySession::new(
        RecoveryModality::Sauna,
        item.start.clone(),
        18.0 * 60.0,
        Some(90.0),
        Source::named("alyze demo"),
    )?;
    let week = member::log_session(store, &session, DoseCheck::Standard)
        .context("logging the demo sauna")?
        .ok_or_else(|| anyhow!("the demo prescription was not saved"))?;
    writeln!(
        out,
        "\nThe member logs the sauna: 18 min at 90 °C from {}. This week (from {}):",
        item.start.local().format("%H:%M"),
        week.first_day
    )?;
    for row in &week.targets {
        writeln!(
            out,
            "  {:<12} {} of {} sessions, {:.0} of {:.0} min",
            crate::plan::modality_word(row.modality),
            row.sessions_done,
            row.sessions_target,
            row.minutes_done,
            row.minutes_target
        )?;
    }
    Ok(())
}

/// `hour`:00 on `day` in [`ZONE`].
fn local(day: NaiveDate, hour: u32) -> Result<Timestamp> {
    let time = NaiveTime::from_hms_opt(hour, 0, 0).ok_or_else(|| anyhow!("bad hour"))?;
    let local = day
        .and_time(time)
        .and_local_timezone(ZONE)
        .earliest()
        .ok_or_else(|| anyhow!("{day} {hour}:00 does not exist in {ZONE}"))?;
    Ok(Timestamp::from_local(
        local.fixed_offset(),
        Some(ZONE.name().to_owned()),
    )?)
}

/// A reminder in one line: local fire time, title, body and id.
fn reminder_text(reminder: &Reminder) -> String {
    format!(
        "{}  {}: {}  [{}]",
        reminder.fire_at.local().format("%H:%M"),
        reminder.title,
        reminder.body,
        reminder.id
    )
}
