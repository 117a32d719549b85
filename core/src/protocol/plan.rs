//! The planner: one local day of a member's recovery protocol.
//!
//! [`plan_day`] takes the date and the member's zone, the day's readiness call, the workouts that
//! touch the day (planned or logged, each with its [`TrainingClass`]), the prescription and what
//! the week has done so far, and returns a [`DayPlan`]: items with a window, a dose, the reason and
//! the evidence; the training guidance of a `recover` day; and what was dropped and why.
//!
//! The rules, in the order they apply:
//! 1. Nothing falls outside the local day, in quiet hours, or on a workout (nor within
//!    [`ClinicSettings::min_spacing_min`] of a workout or another item).
//! 2. A booked session keeps its slot unless it breaks rule 1 or 4; then it is dropped and the
//!    plan says why. A booked slot needs no availability window: the member booked it.
//! 3. A weekly target is due today when the sessions done so far are fewer than the target's even
//!    share of the week up to and including today, rounded up (so a missed day is caught up
//!    later in the week); a booked session of the modality today stands in for it, and so does
//!    one already logged today (at most one session of a target a day, and a plunge done this
//!    morning takes the afternoon's off the plan and its reminder off the phone). A due session
//!    lies in an availability window (the whole day when none is given), at the earliest time
//!    the rules allow, which keeps the plan deterministic.
//! 4. Cold immersion (plunge, and contrast whose cold rounds follow the same rule) never overlaps
//!    the [`ClinicSettings::cold_gap_after_strength_h`] after the end of a strength or
//!    hypertrophy workout (Roberts et al. 2015; domain brief section 2). Cold is preferred after
//!    endurance work (Petersen & Fyfe 2021), where it is placed when there is room.
//! 5. On a training day, red light lies within [`ClinicSettings::red_light_window_h`] after the end
//!    of a training workout ("within hours after training", domain brief section 2).
//!
//! Only strength, endurance and interval workouts count as training here; mobility and other
//! (walking, golf) are too light to make a training day, as for the cold rule
//! ([`crate::health::ActivityType::training_class`]). Because the workouts are inputs, logging a
//! strength workout later than planned moves the cold session: the plan is simply recomputed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::ProtocolError;
use super::modality::{Dose, evidence};
use super::prescription::{Prescription, WeeklyTarget};
use super::settings::ClinicSettings;
use super::timeline::{Side, Span, Spans, local_day, offset_s, window_spans};
use crate::health::{RecoveryModality, Timestamp, TrainingClass, Workout};
use crate::readiness::Recommendation;

/// Days in the week the targets count over.
const DAYS_PER_WEEK: u32 = 7;

/// The order in which due targets are placed: the modalities with a timing rule first, so that
/// the freer ones do not take their only slots.
const PLACEMENT_ORDER: [RecoveryModality; 6] = [
    RecoveryModality::RedLight,
    RecoveryModality::ColdPlunge,
    RecoveryModality::Contrast,
    RecoveryModality::Sauna,
    RecoveryModality::Pemf,
    RecoveryModality::Breathwork,
];

/// Whether a workout is on the calendar or has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkoutStatus {
    /// Planned (the member's or coach's calendar).
    Planned,
    /// Logged (recorded by a watch or the member).
    Logged,
}

/// A workout as the planner needs it: when, and how it loads the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayWorkout {
    /// Start.
    pub start: Timestamp,
    /// End.
    pub end: Timestamp,
    /// How it loads the body (the cold rule reads it).
    pub class: TrainingClass,
    /// Planned or logged.
    pub status: WorkoutStatus,
}

impl DayWorkout {
    /// A logged workout, classed by its activity.
    pub fn logged(workout: &Workout) -> Self {
        Self {
            start: workout.start.clone(),
            end: workout.end.clone(),
            class: workout.activity.training_class(),
            status: WorkoutStatus::Logged,
        }
    }

    fn is_training(&self) -> bool {
        matches!(
            self.class,
            TrainingClass::Strength | TrainingClass::Endurance | TrainingClass::Intervals
        )
    }

    fn span(&self) -> Span {
        Span::new(self.start.utc(), self.end.utc())
    }
}

/// Sessions of each modality done this week before the planned day, and the modalities already
/// done on the day itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekSoFar {
    /// Sessions done per modality before the day (absent: none).
    pub done: BTreeMap<RecoveryModality, u8>,
    /// Modalities with a session already logged on the day: no target of theirs is due again
    /// that day (rule 3).
    #[serde(default)]
    pub done_today: BTreeSet<RecoveryModality>,
}

impl WeekSoFar {
    fn done(&self, modality: RecoveryModality) -> u8 {
        self.done.get(&modality).copied().unwrap_or(0)
    }
}

/// Why an item is in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemReason {
    /// A session booked at the clinic.
    Booked,
    /// Due today to keep the week's target.
    WeeklyTarget,
    /// Cold on a day without training, where it is preferred.
    ColdNonTrainingDay,
    /// Cold after endurance work, which it does not blunt.
    ColdAfterEndurance,
    /// Cold outside the gap after strength work.
    ColdClearOfStrength,
    /// Red light within its window after training.
    RedLightAfterTraining,
    /// Red light on a day without training: any free time.
    RedLightRestDay,
}

impl ItemReason {
    /// A sentence for the member.
    pub fn text(self) -> &'static str {
        match self {
            Self::Booked => "Booked at the clinic.",
            Self::WeeklyTarget => "Due today to keep this week's target.",
            Self::ColdNonTrainingDay => {
                "No training today: the best day for cold immersion, which cannot blunt a session's \
                 adaptation."
            }
            Self::ColdAfterEndurance => {
                "After endurance work, which cold immersion does not blunt."
            }
            Self::ColdClearOfStrength => {
                "Clear of the hours after strength training, when cold would blunt the gains."
            }
            Self::RedLightAfterTraining => {
                "In the hours after training, when it helps repair most."
            }
            Self::RedLightRestDay => "No training today: any free time works.",
        }
    }
}

/// Why something prescribed is not in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DroppedReason {
    /// A booked session does not end on the planned local day.
    OutsideDay,
    /// A booked session falls in quiet hours.
    QuietHours,
    /// Cold immersion would fall in the gap after strength work, and no other slot is free.
    ColdGapAfterStrength,
    /// Red light found no free slot within its window after training.
    RedLightWindow,
    /// A booked session collides with a workout or another booked session.
    Collision,
    /// No free slot of the session's length is left in the member's windows.
    NoFreeSlot,
}

impl DroppedReason {
    /// A sentence for the member.
    pub fn text(self) -> &'static str {
        match self {
            Self::OutsideDay => "The booked session runs past the end of the day.",
            Self::QuietHours => "The booked session falls in your quiet hours.",
            Self::ColdGapAfterStrength => {
                "Too close after strength training: cold immersion then blunts the gains."
            }
            Self::RedLightWindow => "No free time in the hours after training.",
            Self::Collision => "The booked session collides with a workout or another session.",
            Self::NoFreeSlot => "No free time left in your windows today.",
        }
    }
}

/// One planned session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanItem {
    /// What.
    pub modality: RecoveryModality,
    /// When it starts (UTC, the local offset then and the zone).
    pub start: Timestamp,
    /// When it ends.
    pub end: Timestamp,
    /// How much.
    pub dose: Dose,
    /// Why it is here.
    pub reason: ItemReason,
    /// [`ItemReason::text`].
    pub reason_text: &'static str,
    /// What the evidence says ([`evidence`]).
    pub evidence: &'static str,
}

/// Something prescribed that the rules kept out of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedItem {
    /// What.
    pub modality: RecoveryModality,
    /// Whether it was a booked session (otherwise a weekly target due today).
    pub booked: bool,
    /// Why.
    pub reason: DroppedReason,
    /// [`DroppedReason::text`].
    pub reason_text: &'static str,
}

/// How hard to train today, when the readiness call limits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingGuidance {
    /// Highest session RPE on the CR-10 scale ([`ClinicSettings::recover_rpe_cap`]).
    pub max_rpe: u8,
    /// A sentence for the member.
    pub text: &'static str,
}

/// One local day's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayPlan {
    /// The local date.
    pub date: NaiveDate,
    /// The items, by start.
    pub items: Vec<PlanItem>,
    /// What was left out and why, booked sessions first, then targets in placement order.
    pub dropped: Vec<DroppedItem>,
    /// The training cap of a `recover` day.
    pub guidance: Option<TrainingGuidance>,
}

/// Plans the local day `date` in `zone`. See the module documentation for the rules.
///
/// `workouts` are those that touch the day or the evening before (a late strength session's gap
/// reaches into the morning); their order does not matter. `week` counts the sessions done this
/// week before `date`. Deterministic: the same inputs give the same plan.
pub fn plan_day(
    date: NaiveDate,
    zone: Tz,
    readiness: Option<Recommendation>,
    workouts: &[DayWorkout],
    prescription: &Prescription,
    week: &WeekSoFar,
    settings: &ClinicSettings,
) -> Result<DayPlan, ProtocolError> {
    settings.validate()?;
    prescription.validate(settings)?;
    if let Some(index) = workouts.iter().position(|w| w.end.utc() < w.start.utc()) {
        return Err(ProtocolError::InvalidInput {
            field: "workout",
            reason: "ends before it starts",
        }
        .in_item("workouts", index));
    }
    let day = local_day(zone, date).ok_or(ProtocolError::InvalidInput {
        field: "date",
        reason: "outside the dates the planner supports",
    })?;
    let mut workouts = workouts.to_vec();
    workouts.sort_by_key(|w| (w.start.utc(), w.end.utc(), w.class, w.status));

    let spacing = seconds(settings.min_spacing_min * 60.0)?;
    let cold_gap = seconds(settings.cold_gap_after_strength_h * 3600.0)?;
    let red_window = seconds(settings.red_light_window_h * 3600.0)?;
    let rules = Rules::new(
        zone,
        date,
        day,
        &workouts,
        prescription,
        spacing,
        cold_gap,
        red_window,
    );

    let mut planner = Planner {
        zone,
        rules,
        spacing,
        taken: Vec::new(),
        items: Vec::new(),
        dropped: Vec::new(),
    };
    planner.place_booked(prescription)?;
    let booked: Vec<RecoveryModality> = planner.items.iter().map(|i| i.modality).collect();
    for modality in PLACEMENT_ORDER {
        let Some(target) = prescription
            .targets
            .iter()
            .find(|t| t.dose.modality() == modality)
        else {
            continue;
        };
        if booked.contains(&modality)
            || week.done_today.contains(&modality)
            || !is_due(target, week.done(modality), date, settings)
        {
            continue;
        }
        planner.place_target(target)?;
    }

    let mut items = planner.items;
    items.sort_by_key(|i| (i.start.utc(), i.end.utc(), i.modality));
    let guidance = (readiness == Some(Recommendation::Recover)).then_some(TrainingGuidance {
        max_rpe: settings.recover_rpe_cap,
        text: "Recovery day: easy movement only, keep any training at or below this effort.",
    });
    Ok(DayPlan {
        date,
        items,
        dropped: planner.dropped,
        guidance,
    })
}

/// Whether a target is due on `date`: fewer sessions done than its even share of the week up to
/// and including today, rounded up.
fn is_due(target: &WeeklyTarget, done: u8, date: NaiveDate, settings: &ClinicSettings) -> bool {
    let today = date.weekday().num_days_from_monday();
    let first = settings.week_starts_on.num_days_from_monday();
    let days_so_far = (today + DAYS_PER_WEEK - first) % DAYS_PER_WEEK + 1;
    let share = (u32::from(target.sessions_per_week) * days_so_far).div_ceil(DAYS_PER_WEEK);
    u32::from(done) < share
}

fn seconds(s: f64) -> Result<TimeDelta, ProtocolError> {
    // Settings are validated (at most a day) and doses positive; a clinic-overridden duration too
    // long for the calendar is refused rather than wrapped.
    if !(s.is_finite() && s.abs() < 1e12) {
        return Err(ProtocolError::InvalidInput {
            field: "duration",
            reason: "too long to plan",
        });
    }
    // Whole seconds: the plan's windows need no finer grain.
    let whole = s.round() as i64;
    TimeDelta::try_seconds(whole).ok_or(ProtocolError::InvalidInput {
        field: "duration",
        reason: "too long to plan",
    })
}

/// The day's fixed facts, as sets of instants.
struct Rules {
    day: Span,
    /// Where target sessions may go before any item is placed: the day within the availability
    /// windows, less quiet hours and the workouts with their spacing.
    free: Spans,
    quiet: Spans,
    /// The workouts with their spacing.
    busy: Spans,
    /// The gaps after strength work.
    cold_block: Spans,
    /// From the end of each of the day's endurance workouts to the end of the day.
    after_endurance: Spans,
    /// The windows after training workouts; `None` on a day without training.
    red_light: Option<Spans>,
    training_day: bool,
}

impl Rules {
    #[allow(clippy::too_many_arguments)]
    fn new(
        zone: Tz,
        date: NaiveDate,
        day: Span,
        workouts: &[DayWorkout],
        prescription: &Prescription,
        spacing: TimeDelta,
        cold_gap: TimeDelta,
        red_window: TimeDelta,
    ) -> Self {
        let whole_day = Spans::one(day);
        let available = if prescription.availability.is_empty() {
            whole_day.clone()
        } else {
            Spans::union(
                prescription
                    .availability
                    .iter()
                    .flat_map(|w| window_spans(zone, date, w, Side::Permissive).into_spans()),
            )
            .intersect(&whole_day)
        };
        let quiet = Spans::union(
            prescription
                .quiet_hours
                .iter()
                .flat_map(|w| window_spans(zone, date, w, Side::Blocking).into_spans()),
        );
        let busy = Spans::union(workouts.iter().map(|w| {
            let s = w.span();
            Span::new(s.start - spacing, s.end + spacing)
        }));
        let strength = workouts
            .iter()
            .filter(|w| w.class == TrainingClass::Strength);
        let cold_block =
            Spans::union(strength.map(|w| Span::new(w.end.utc(), w.end.utc() + cold_gap)));
        // Only the day's own endurance work: a run the evening before does not make the whole
        // next day "after endurance".
        let after_endurance = Spans::union(
            workouts
                .iter()
                .filter(|w| w.class == TrainingClass::Endurance && w.span().overlaps(&day))
                .map(|w| Span::new(w.end.utc(), day.end)),
        );
        let training: Vec<&DayWorkout> = workouts
            .iter()
            .filter(|w| w.is_training() && w.span().overlaps(&day))
            .collect();
        let red_light = (!training.is_empty()).then(|| {
            Spans::union(
                training
                    .iter()
                    .map(|w| Span::new(w.end.utc(), w.end.utc() + red_window)),
            )
        });
        Self {
            day,
            free: available.subtract(&quiet).subtract(&busy),
            quiet,
            busy,
            cold_block,
            after_endurance,
            training_day: red_light.is_some(),
            red_light,
        }
    }
}

struct Planner {
    zone: Tz,
    rules: Rules,
    spacing: TimeDelta,
    /// Placed items, widened by the spacing.
    taken: Vec<Span>,
    items: Vec<PlanItem>,
    dropped: Vec<DroppedItem>,
}

impl Planner {
    fn timestamp(&self, instant: DateTime<Utc>) -> Result<Timestamp, ProtocolError> {
        Timestamp::new(
            instant,
            offset_s(self.zone, instant),
            Some(self.zone.name().to_owned()),
        )
        .map_err(|_| ProtocolError::InvalidInput {
            field: "zone",
            reason: "has an offset or name a timestamp cannot hold",
        })
    }

    fn push(&mut self, span: Span, dose: &Dose, reason: ItemReason) -> Result<(), ProtocolError> {
        let modality = dose.modality();
        self.items.push(PlanItem {
            modality,
            start: self.timestamp(span.start)?,
            end: self.timestamp(span.end)?,
            dose: dose.clone(),
            reason,
            reason_text: reason.text(),
            evidence: evidence(modality),
        });
        self.taken.push(Span::new(
            span.start - self.spacing,
            span.end + self.spacing,
        ));
        Ok(())
    }

    fn drop(&mut self, modality: RecoveryModality, booked: bool, reason: DroppedReason) {
        self.dropped.push(DroppedItem {
            modality,
            booked,
            reason,
            reason_text: reason.text(),
        });
    }

    /// Booked sessions starting on the day, by start; each kept unless a rule refuses it.
    fn place_booked(&mut self, prescription: &Prescription) -> Result<(), ProtocolError> {
        let day = self.rules.day;
        let mut booked: Vec<(Span, &Dose)> = Vec::new();
        for fixed in &prescription.fixed {
            let start = fixed.start.utc();
            if start < day.start || start >= day.end {
                continue;
            }
            booked.push((
                Span::new(start, start + seconds(fixed.dose.minutes() * 60.0)?),
                &fixed.dose,
            ));
        }
        booked.sort_by_key(|(span, dose)| (span.start, span.end, dose.modality()));
        for (span, dose) in booked {
            let modality = dose.modality();
            let refused = if span.end > day.end {
                Some(DroppedReason::OutsideDay)
            } else if self.rules.quiet.overlaps(&span) {
                Some(DroppedReason::QuietHours)
            } else if is_cold(modality) && self.rules.cold_block.overlaps(&span) {
                Some(DroppedReason::ColdGapAfterStrength)
            } else if self.rules.busy.overlaps(&span)
                || self.taken.iter().any(|t| t.overlaps(&span))
            {
                Some(DroppedReason::Collision)
            } else {
                None
            };
            match refused {
                Some(reason) => self.drop(modality, true, reason),
                None => self.push(span, dose, ItemReason::Booked)?,
            }
        }
        Ok(())
    }

    /// A due target at the earliest slot its rules allow, or a dropped entry saying which rule
    /// left no slot.
    fn place_target(&mut self, target: &WeeklyTarget) -> Result<(), ProtocolError> {
        let dose = &target.dose;
        let modality = dose.modality();
        let len = seconds(dose.minutes() * 60.0)?;
        let open = self
            .rules
            .free
            .subtract(&Spans::union(self.taken.iter().copied()));
        let any_slot = open.earliest_fit(len);
        let (slot, refused) = if is_cold(modality) {
            let allowed = open.subtract(&self.rules.cold_block);
            let preferred = allowed.intersect(&self.rules.after_endurance);
            let slot = match preferred.earliest_fit(len) {
                Some(s) => Some((s, ItemReason::ColdAfterEndurance)),
                None => allowed.earliest_fit(len).map(|s| {
                    let reason = if self.rules.training_day {
                        ItemReason::ColdClearOfStrength
                    } else {
                        ItemReason::ColdNonTrainingDay
                    };
                    (s, reason)
                }),
            };
            (slot, DroppedReason::ColdGapAfterStrength)
        } else if modality == RecoveryModality::RedLight {
            match &self.rules.red_light {
                Some(windows) => (
                    open.intersect(windows)
                        .earliest_fit(len)
                        .map(|s| (s, ItemReason::RedLightAfterTraining)),
                    DroppedReason::RedLightWindow,
                ),
                None => (
                    any_slot.map(|s| (s, ItemReason::RedLightRestDay)),
                    DroppedReason::NoFreeSlot,
                ),
            }
        } else {
            (
                any_slot.map(|s| (s, ItemReason::WeeklyTarget)),
                DroppedReason::NoFreeSlot,
            )
        };
        match slot {
            Some((span, reason)) => self.push(span, dose, reason),
            None => {
                // Name the timing rule only when it, not a full day, left no slot.
                let reason = if any_slot.is_some() {
                    refused
                } else {
                    DroppedReason::NoFreeSlot
                };
                self.drop(modality, false, reason);
                Ok(())
            }
        }
    }
}

/// Whether a modality immerses the member in cold water (the contrast's cold rounds too).
fn is_cold(modality: RecoveryModality) -> bool {
    matches!(
        modality,
        RecoveryModality::ColdPlunge | RecoveryModality::Contrast
    )
}

#[cfg(test)]
mod tests;
