//! Recovery protocols across the FFI: the clinic's prescription and settings saved in the store,
//! the planned days, their reminders and the changes to the phone's schedule, a logged session and
//! the week's adherence. Every call goes through `alyze_core::protocol::member`, the same code as
//! the command line, so the phones plan, remind and count exactly as `alyze plan` does.
//!
//! The prescription and the clinic settings cross as JSON text in the core's documented format
//! (`alyze prescription set --help`; the same JSON the clinic server will send): the shells never
//! author them, they only pass them through until sync does, and the plan and adherence records
//! below carry everything a screen shows of them. Plans, reminders and adherence cross as typed
//! records; instants as epoch milliseconds with the local offset, dates as `YYYY-MM-DD`, zones as
//! IANA names.

use std::sync::Arc;

use alyze_core::health::{RecoveryModality, RecoverySession, Source, Timestamp, TrainingClass};
use alyze_core::protocol::member::{self, MemberDay, MemberError};
use alyze_core::protocol::{
    ClinicSettings, ContrastDose, DayWorkout, Dose, DoseCheck, DroppedReason, ItemReason,
    Prescription, ProtocolError, Reminder, ScheduleDiff, TargetAdherence, WeekAdherence, diff,
};
use alyze_core::readiness::{MemberProfile, Recommendation};
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use crate::AlyzeError;
use crate::planned::day_workout;
use crate::readiness_settings::{FfiReadinessSettings, ffi_setting_names};
use crate::samples::timestamp;
use crate::store::{AlyzeStore, date};

/// A recovery modality.
#[uniffi::remote(Enum)]
pub enum RecoveryModality {
    /// Sauna (Finnish 80-100 °C, or infrared).
    Sauna,
    /// Cold water immersion.
    ColdPlunge,
    /// Alternating sauna and cold rounds.
    Contrast,
    /// Red / near-infrared light.
    RedLight,
    /// Pulsed electromagnetic field therapy.
    Pemf,
    /// Breathwork.
    Breathwork,
}

/// Why an item is in the plan (a stable code; the item also carries the sentence).
#[uniffi::remote(Enum)]
pub enum ItemReason {
    /// A session booked at the clinic.
    Booked,
    /// Due today to keep the week's target.
    WeeklyTarget,
    /// Cold on a day without training.
    ColdNonTrainingDay,
    /// Cold after endurance work.
    ColdAfterEndurance,
    /// Cold outside the gap after strength work.
    ColdClearOfStrength,
    /// Red light within its window after training.
    RedLightAfterTraining,
    /// Red light on a day without training.
    RedLightRestDay,
}

/// Why something prescribed is not in the plan.
#[uniffi::remote(Enum)]
pub enum DroppedReason {
    /// A booked session does not end on the planned local day.
    OutsideDay,
    /// A booked session falls in quiet hours.
    QuietHours,
    /// Cold immersion would fall in the gap after strength work.
    ColdGapAfterStrength,
    /// Red light found no free slot within its window after training.
    RedLightWindow,
    /// A booked session collides with a workout or another booked session.
    Collision,
    /// No free slot of the session's length is left.
    NoFreeSlot,
}

/// One week's sessions and minutes of one modality against its target.
#[uniffi::remote(Record)]
pub struct TargetAdherence {
    /// The modality.
    pub modality: RecoveryModality,
    /// Sessions logged in the week.
    pub sessions_done: u32,
    /// Sessions prescribed for the week.
    pub sessions_target: u8,
    /// Minutes logged in the week.
    pub minutes_done: f64,
    /// Minutes prescribed.
    pub minutes_target: f64,
    /// `sessions_done` as a percentage of the target (not capped).
    pub sessions_percent: f64,
    /// `minutes_done` as a percentage of the target (not capped).
    pub minutes_percent: f64,
}

/// One session's dose.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FfiDose {
    /// Finnish sauna.
    Sauna {
        /// Time in the heat, min.
        minutes: f64,
        /// Air temperature, °C.
        temperature_c: f64,
    },
    /// Cold water immersion.
    ColdPlunge {
        /// Time in the water, min.
        minutes: f64,
        /// Water temperature, °C.
        temperature_c: f64,
    },
    /// Alternating sauna and plunge rounds.
    Contrast {
        /// Number of sauna + plunge rounds.
        rounds: u8,
        /// Minutes of each sauna round.
        sauna_minutes: f64,
        /// Sauna air, °C.
        sauna_c: f64,
        /// Minutes of each plunge round.
        plunge_minutes: f64,
        /// Plunge water, °C.
        plunge_c: f64,
    },
    /// Red / near-infrared light.
    RedLight {
        /// Exposure, min.
        minutes: f64,
        /// Wavelength, nm.
        wavelength_nm: Option<f64>,
    },
    /// Pulsed electromagnetic field therapy.
    Pemf {
        /// Session length, min.
        minutes: f64,
    },
    /// Slow breathing.
    Breathwork {
        /// Session length, min.
        minutes: f64,
        /// Breaths per minute.
        breaths_per_min: f64,
    },
}

/// One planned session.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiPlanItem {
    /// What.
    pub modality: RecoveryModality,
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, epoch milliseconds.
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
    /// How much.
    pub dose: FfiDose,
    /// Why it is here (a code).
    pub reason: ItemReason,
    /// Why it is here, a sentence for the member.
    pub reason_text: String,
    /// What the evidence says.
    pub evidence: String,
}

/// Something prescribed that the rules kept out of the plan.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiDroppedItem {
    /// What.
    pub modality: RecoveryModality,
    /// A booked session (otherwise a weekly target due today).
    pub booked: bool,
    /// Why (a code).
    pub reason: DroppedReason,
    /// Why, a sentence for the member.
    pub reason_text: String,
}

/// How hard to train on a `recover` day.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiTrainingGuidance {
    /// Highest session RPE, CR-10.
    pub max_rpe: u8,
    /// A sentence for the member.
    pub text: String,
}

/// One local day's plan.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiDayPlan {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// The readiness call the plan followed; `None` when the day is not scored.
    pub readiness: Option<Recommendation>,
    /// The items, by start.
    pub items: Vec<FfiPlanItem>,
    /// What was left out, and why.
    pub dropped: Vec<FfiDroppedItem>,
    /// The training cap of a `recover` day.
    pub guidance: Option<FfiTrainingGuidance>,
}

/// A workout on the member's calendar, not yet done.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiPlannedWorkout {
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, epoch milliseconds.
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
    /// How it loads the body (`class` is a keyword in Swift, Kotlin and Python).
    pub training_class: TrainingClass,
}

/// One notification to schedule. The id is stable across re-plans of the same item: the shell
/// schedules under it (iOS request identifier, Android notification tag) and keeps the list it
/// scheduled for the next [`diff_reminders`].
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiReminder {
    /// `<local date>/<modality>/<occurrence>`.
    pub id: String,
    /// When it fires, epoch milliseconds.
    pub fire_at_ms: i64,
    /// Local time minus UTC at that instant, s.
    pub fire_offset_s: i32,
    /// The member's IANA zone, when known.
    pub zone: Option<String>,
    /// The local fire time, `HH:MM` (for a list; the platform fires at `fire_at_ms`).
    pub local_time: String,
    /// For example "Cold plunge at 15:30".
    pub title: String,
    /// The dose, for example "3 min at 6 °C".
    pub body: String,
}

/// What to change in the phone's schedule: cancel every id of `cancel`, then add every reminder
/// of `add`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiScheduleDiff {
    /// Reminders to schedule, by fire time then id.
    pub add: Vec<FfiReminder>,
    /// Ids to cancel.
    pub cancel: Vec<String>,
}

/// One week's adherence.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiWeekAdherence {
    /// The week's first local date, `YYYY-MM-DD`.
    pub first_day: String,
    /// One row per weekly target, in the prescription's order.
    pub targets: Vec<TargetAdherence>,
    /// Minutes of the week's sauna sessions.
    pub sauna_minutes: f64,
    /// Minutes of the week's cold plunge sessions.
    pub cold_minutes: f64,
}

/// A recovery session the member did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiLoggedSession {
    /// What.
    pub modality: RecoveryModality,
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// The member's IANA zone, when known.
    pub zone: Option<String>,
    /// Exposure time, min.
    pub minutes: f64,
    /// The sauna's air or the plunge's water, °C (only for those).
    pub temperature_c: Option<f64>,
    /// The clinic prescribed this dose outside the safe ranges (it must still be plausible).
    pub clinic_override: bool,
}

#[uniffi::export]
impl AlyzeStore {
    /// Checks the prescription (`json`, the core's format) against the saved clinic settings and
    /// saves it in place of the last one; a prescription that cannot be used is refused, naming the
    /// item and field, and nothing is saved.
    pub fn set_prescription_json(&self, json: String) -> Result<(), AlyzeError> {
        let prescription: Prescription = parse_json("json", &json, "a prescription")?;
        Ok(member::set_prescription(&mut self.lock(), &prescription)?)
    }

    /// The saved prescription as JSON, or `None` before one is saved.
    pub fn prescription_json(&self) -> Result<Option<String>, AlyzeError> {
        self.lock().prescription()?.map(|p| to_json(&p)).transpose()
    }

    /// Checks the clinic settings (`json`, the core's `ClinicSettings`, every field) and saves
    /// them; settings under which the saved prescription would not be valid are refused.
    pub fn set_clinic_settings_json(&self, json: String) -> Result<(), AlyzeError> {
        let settings: ClinicSettings = parse_json("json", &json, "clinic settings")?;
        Ok(member::set_clinic_settings(&mut self.lock(), &settings)?)
    }

    /// The clinic settings in use as JSON: the saved ones, else the documented defaults.
    pub fn clinic_settings_json(&self) -> Result<String, AlyzeError> {
        to_json(&member::clinic_settings(&self.lock())?)
    }

    /// The plan of each local day of `from..=to` (`YYYY-MM-DD`) in `zone` (IANA): the logged
    /// workouts in the store plus the calendar's `planned` ones, each day's readiness call
    /// (assessed with `profile` and `settings`, as [`AlyzeStore::readiness`] does), and the
    /// sessions logged in the week so far. At most a year of days.
    pub fn plan_days(
        &self,
        from: String,
        to: String,
        zone: String,
        planned: Vec<FfiPlannedWorkout>,
        profile: MemberProfile,
        settings: FfiReadinessSettings,
    ) -> Result<Vec<FfiDayPlan>, AlyzeError> {
        let (from, to, zone, planned, settings) = inputs(from, to, &zone, planned, &settings)?;
        let days = member::plan_days(&self.lock(), from, to, zone, &planned, &profile, &settings)
            .map_err(member_error)?;
        Ok(days.into_iter().map(FfiDayPlan::from).collect())
    }

    /// The reminders of the plans of `from..=to` ([`AlyzeStore::plan_days`]), by fire time then
    /// id: the schedule to hand to [`diff_reminders`] with the one the phone holds.
    pub fn reminders(
        &self,
        from: String,
        to: String,
        zone: String,
        planned: Vec<FfiPlannedWorkout>,
        profile: MemberProfile,
        settings: FfiReadinessSettings,
    ) -> Result<Vec<FfiReminder>, AlyzeError> {
        let (from, to, zone, planned, settings) = inputs(from, to, &zone, planned, &settings)?;
        let all =
            member::reminders_between(&self.lock(), from, to, zone, &planned, &profile, &settings)
                .map_err(member_error)?;
        Ok(all.iter().map(FfiReminder::from).collect())
    }

    /// Logs a session the member did: its dose is checked against the safe ranges (unless the
    /// clinic's override is set, and then it must still be plausible), it is stored (the same
    /// modality and start again replaces the entry) and the week's adherence is returned, or
    /// `None` before a prescription is saved. `source` names the app that logged it.
    pub fn log_session(
        &self,
        session: FfiLoggedSession,
        source: Source,
    ) -> Result<Option<FfiWeekAdherence>, AlyzeError> {
        let zone = session.zone.map(Arc::<str>::from);
        let start = timestamp("start", session.start_ms, session.start_offset_s, zone).map_err(
            |reason| AlyzeError::InvalidArgument {
                name: "session.start".to_owned(),
                reason: reason.to_string(),
            },
        )?;
        if !(session.minutes.is_finite() && session.minutes > 0.0) {
            return Err(AlyzeError::InvalidArgument {
                name: "session.minutes".to_owned(),
                reason: "must be a number greater than zero".to_owned(),
            });
        }
        let logged = RecoverySession::new(
            session.modality,
            start,
            session.minutes * 60.0,
            session.temperature_c,
            source,
        )?;
        let check = if session.clinic_override {
            DoseCheck::ClinicOverride
        } else {
            DoseCheck::Standard
        };
        let week = member::log_session(&mut self.lock(), &logged, check)?;
        Ok(week.map(Into::into))
    }

    /// The adherence of the week that holds `date` (`YYYY-MM-DD`, member-local).
    pub fn week_adherence(&self, date: String) -> Result<FfiWeekAdherence, AlyzeError> {
        let day = self::date("date", &date)?;
        Ok(member::adherence_of_week(&self.lock(), day)?.into())
    }
}

/// The changes that turn the schedule the phone holds (`held`, the reminders it scheduled last)
/// into `wanted`, leaving out reminders whose fire time is not after `now_ms` (epoch ms). A held
/// reminder that changed is cancelled and added again under its id.
#[uniffi::export]
pub fn diff_reminders(
    held: Vec<FfiReminder>,
    wanted: Vec<FfiReminder>,
    now_ms: i64,
) -> Result<FfiScheduleDiff, AlyzeError> {
    let now =
        DateTime::from_timestamp_millis(now_ms).ok_or_else(|| AlyzeError::InvalidArgument {
            name: "now_ms".to_owned(),
            reason: "outside the supported instants".to_owned(),
        })?;
    let held = to_core_list("held", held)?;
    let wanted = to_core_list("wanted", wanted)?;
    Ok(diff(&held, &wanted, now).into())
}

type Inputs = (
    NaiveDate,
    NaiveDate,
    Tz,
    Vec<DayWorkout>,
    alyze_core::readiness::HistorySettings,
);

/// The arguments the planning calls share, checked.
fn inputs(
    from: String,
    to: String,
    zone: &str,
    planned: Vec<FfiPlannedWorkout>,
    settings: &FfiReadinessSettings,
) -> Result<Inputs, AlyzeError> {
    let (from, to) = (date("from", &from)?, date("to", &to)?);
    let zone: Tz = zone.parse().map_err(|_| AlyzeError::InvalidArgument {
        name: "zone".to_owned(),
        reason: "not an IANA time zone name".to_owned(),
    })?;
    let planned = planned
        .into_iter()
        .enumerate()
        .map(|(index, w)| day_workout(&format!("planned #{index}"), w))
        .collect::<Result<Vec<_>, AlyzeError>>()?;
    Ok((from, to, zone, planned, settings.to_core()?))
}

/// A member error from a planning call, its readiness setting errors named by the FFI fields.
fn member_error(error: MemberError) -> AlyzeError {
    ffi_setting_names(error.into())
}

/// Parses a document, the error naming the line and column only (a value may be health data).
fn parse_json<T: serde::de::DeserializeOwned>(
    name: &str,
    json: &str,
    what: &str,
) -> Result<T, AlyzeError> {
    serde_json::from_str(json).map_err(|e| AlyzeError::InvalidArgument {
        name: name.to_owned(),
        reason: format!(
            "not {what} in the documented JSON format (line {}, column {})",
            e.line(),
            e.column()
        ),
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AlyzeError> {
    serde_json::to_string(value).map_err(|_| AlyzeError::DatabaseUnusable {
        reason: "a saved clinic document could not be laid out as JSON".to_owned(),
    })
}

fn to_core_list(list: &str, reminders: Vec<FfiReminder>) -> Result<Vec<Reminder>, AlyzeError> {
    reminders
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            let fire_at = timestamp(
                "fire_at",
                r.fire_at_ms,
                r.fire_offset_s,
                r.zone.map(Arc::<str>::from),
            )
            .map_err(|reason| AlyzeError::InvalidArgument {
                name: format!("{list} #{index}"),
                reason: reason.to_string(),
            })?;
            Ok(Reminder {
                id: r.id,
                fire_at,
                title: r.title,
                body: r.body,
            })
        })
        .collect()
}

fn ms(at: &Timestamp) -> i64 {
    at.utc().timestamp_millis()
}

impl From<&Dose> for FfiDose {
    fn from(dose: &Dose) -> Self {
        match *dose {
            Dose::Sauna {
                minutes,
                temperature_c,
            } => Self::Sauna {
                minutes,
                temperature_c,
            },
            Dose::ColdPlunge {
                minutes,
                temperature_c,
            } => Self::ColdPlunge {
                minutes,
                temperature_c,
            },
            Dose::Contrast(ContrastDose {
                rounds,
                sauna_minutes,
                sauna_c,
                plunge_minutes,
                plunge_c,
            }) => Self::Contrast {
                rounds,
                sauna_minutes,
                sauna_c,
                plunge_minutes,
                plunge_c,
            },
            Dose::RedLight {
                minutes,
                wavelength_nm,
            } => Self::RedLight {
                minutes,
                wavelength_nm,
            },
            Dose::Pemf { minutes } => Self::Pemf { minutes },
            Dose::Breathwork {
                minutes,
                breaths_per_min,
            } => Self::Breathwork {
                minutes,
                breaths_per_min,
            },
        }
    }
}

impl From<MemberDay> for FfiDayPlan {
    fn from(day: MemberDay) -> Self {
        let plan = day.plan;
        Self {
            date: plan.date.format("%Y-%m-%d").to_string(),
            readiness: day.readiness,
            items: plan
                .items
                .iter()
                .map(|item| FfiPlanItem {
                    modality: item.modality,
                    start_ms: ms(&item.start),
                    start_offset_s: item.start.offset_s(),
                    end_ms: ms(&item.end),
                    end_offset_s: item.end.offset_s(),
                    dose: (&item.dose).into(),
                    reason: item.reason,
                    reason_text: item.reason_text.to_owned(),
                    evidence: item.evidence.to_owned(),
                })
                .collect(),
            dropped: plan
                .dropped
                .iter()
                .map(|d| FfiDroppedItem {
                    modality: d.modality,
                    booked: d.booked,
                    reason: d.reason,
                    reason_text: d.reason_text.to_owned(),
                })
                .collect(),
            guidance: plan.guidance.map(|g| FfiTrainingGuidance {
                max_rpe: g.max_rpe,
                text: g.text.to_owned(),
            }),
        }
    }
}

impl From<&Reminder> for FfiReminder {
    fn from(reminder: &Reminder) -> Self {
        Self {
            id: reminder.id.clone(),
            fire_at_ms: ms(&reminder.fire_at),
            fire_offset_s: reminder.fire_at.offset_s(),
            zone: reminder.fire_at.zone().map(str::to_owned),
            local_time: reminder.fire_at.local().format("%H:%M").to_string(),
            title: reminder.title.clone(),
            body: reminder.body.clone(),
        }
    }
}

impl From<ScheduleDiff> for FfiScheduleDiff {
    fn from(diff: ScheduleDiff) -> Self {
        Self {
            add: diff.add.iter().map(FfiReminder::from).collect(),
            cancel: diff.cancel,
        }
    }
}

impl From<WeekAdherence> for FfiWeekAdherence {
    fn from(week: WeekAdherence) -> Self {
        Self {
            first_day: week.first_day.format("%Y-%m-%d").to_string(),
            targets: week.targets,
            sauna_minutes: week.sauna_minutes,
            cold_minutes: week.cold_minutes,
        }
    }
}

impl From<ProtocolError> for AlyzeError {
    fn from(error: ProtocolError) -> Self {
        match error {
            ProtocolError::InvalidSetting { name, reason } => Self::InvalidSetting {
                name: name.to_owned(),
                reason: reason.to_owned(),
            },
            ProtocolError::OutsideSafeRange { field, min, max } => Self::DoseOutsideSafeRange {
                field: field.to_owned(),
                min,
                max,
            },
            e @ (ProtocolError::NotPositive { .. } | ProtocolError::Implausible { .. }) => {
                Self::DoseRefused {
                    reason: e.to_string(),
                }
            }
            e @ (ProtocolError::Prescription { .. } | ProtocolError::Item { .. }) => {
                Self::InvalidPrescription {
                    reason: e.to_string(),
                }
            }
            ProtocolError::InvalidInput { field, reason } => Self::InvalidArgument {
                name: field.to_owned(),
                reason: reason.to_owned(),
            },
            // A readiness setting of the clinic settings: named as the clinic settings name it.
            ProtocolError::Readiness(e) => match Self::from(e) {
                Self::InvalidSetting { name, reason } => Self::InvalidSetting {
                    name: format!("readiness.{name}"),
                    reason,
                },
                other => other,
            },
        }
    }
}

impl From<MemberError> for AlyzeError {
    fn from(error: MemberError) -> Self {
        match error {
            MemberError::NoPrescription => Self::NoPrescription,
            e @ (MemberError::Range | MemberError::OutOfRange) => Self::InvalidArgument {
                name: "from, to".to_owned(),
                reason: e.to_string(),
            },
            MemberError::NotStored(reason) => Self::InvalidRecord { reason },
            MemberError::Protocol(e) => e.into(),
            MemberError::Store(e) => e.into(),
            MemberError::Readiness(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests;
