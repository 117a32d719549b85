//! Recovery protocols: the clinic's prescriptions turned into a member's day plan.
//!
//! The clinic programs sauna and cold plunge "with the same specificity as your sets and reps"
//! (domain brief section 1). [`modality`] holds each modality's dose and its safe range (domain
//! brief section 2); [`prescription`] what the clinic writes (weekly targets, booked sessions) and
//! when the member can and cannot be reached (availability windows, quiet hours); [`settings`] the
//! clinic's product choices, each a field with a documented default; [`plan`] the planner, a pure
//! function from one local day (its workouts, readiness call and the week so far) to a
//! [`DayPlan`] whose items respect the timing rules and whose `dropped` list says what did not fit
//! and why; [`reminder`] the plan's reminders for the phone and the changes to the schedule it
//! holds; [`adherence`] the logged sessions counted against the weekly targets (sessions, minutes,
//! streaks, the planner's week so far) and a logged dose checked against the safe ranges.
//!
//! [`member`] is the one module that reads and writes the member's store: the documents saved
//! there, the planner fed from the logged data, and logging a session.
//!
//! Everything else here is pure (data in, result out, no I/O, no store). Day boundaries, windows and
//! quiet hours are local times of the member's IANA zone, resolved with the tz database
//! (`chrono-tz`) so that they stay right across DST changes (`timeline`).
//!
//! Conventions: `../shared/domain.md` section 2.

pub mod adherence;
pub mod member;
pub mod modality;
pub mod plan;
pub mod prescription;
pub mod reminder;
pub mod settings;
mod timeline;

pub use adherence::{
    Streak, TargetAdherence, WeekAdherence, check_logged, streaks, week_adherence, week_so_far,
};
pub use modality::{ContrastDose, Dose, DoseCheck, SafeRanges};
pub use plan::{
    DayPlan, DayWorkout, DroppedItem, DroppedReason, ItemReason, PlanItem, TrainingGuidance,
    WeekSoFar, WorkoutStatus, plan_day,
};
pub use prescription::{FixedSession, LocalWindow, Prescription, WeeklyTarget};
pub use reminder::{Reminder, ScheduleDiff, apply, diff, reminders};
pub use settings::ClinicSettings;

/// Why a dose, a prescription or the clinic settings cannot be used. Messages name the field and
/// the bound, never the value: a dose prescribed to a member is health data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    /// A clinic setting is outside the values it can take.
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// Name of the setting.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A readiness setting of the clinic's ([`crate::readiness::ReadinessTuning`]) is outside the
    /// values it can take.
    #[error("readiness: {0}")]
    Readiness(#[from] crate::readiness::ReadinessError),
    /// A dose field is NaN, infinite, zero or negative: no override makes it a dose.
    #[error("{field}: must be a finite number greater than zero")]
    NotPositive {
        /// The dose field.
        field: &'static str,
    },
    /// A dose field lies outside its safe range and no clinic override was given.
    #[error("{field}: outside the safe range {min} to {max} (needs a clinic override)")]
    OutsideSafeRange {
        /// The dose field.
        field: &'static str,
        /// Lowest safe value (inclusive).
        min: f64,
        /// Highest safe value (inclusive).
        max: f64,
    },
    /// A dose field lies outside what is physically possible; no override accepts it.
    #[error("{field}: outside the plausible range {min} to {max}")]
    Implausible {
        /// The dose field.
        field: &'static str,
        /// Lowest plausible value (inclusive).
        min: f64,
        /// Highest plausible value (inclusive).
        max: f64,
    },
    /// A prescription field is unusable.
    #[error("prescription: {field} {reason}")]
    Prescription {
        /// The field of the prescription.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An input of the planner is unusable.
    #[error("{field}: {reason}")]
    InvalidInput {
        /// The input.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An item of a list is unusable; `source` says why.
    #[error("{list} #{index}: {source}")]
    Item {
        /// The list.
        list: &'static str,
        /// Zero-based position in the list.
        index: usize,
        /// What is wrong with the item.
        source: Box<ProtocolError>,
    },
}

impl ProtocolError {
    /// This error, located at `index` of `list`.
    pub(crate) fn in_item(self, list: &'static str, index: usize) -> Self {
        Self::Item {
            list,
            index,
            source: Box::new(self),
        }
    }
}
