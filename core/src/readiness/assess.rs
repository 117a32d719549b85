//! The readiness of every day of a member's history in one pass.
//!
//! [`assess_history`] turns the summaries into daily inputs ([`super::inputs`]), computes each
//! baseline and the load model once over the whole history (each returns one entry per day), the
//! flags ([`super::flags`]), then walks the days once. Nothing is recomputed per day except the
//! "days left" of a calibrating day.
//!
//! # State
//! - **Scored** when the HRV week (at least 3 valid nights of 7) and the normal range (60 days, at
//!   least 14 valid) both exist.
//! - **Unscorable** (missing [`MissingInput::Hrv`]) when the week cannot be formed and either the
//!   baseline was established before (a long gap) or no night of the week has a reading.
//! - **Calibrating** otherwise, with the days left until the baseline is established
//!   ([`super::baseline::calibration()`]). A calibrating day has no score and no call: it is never
//!   red. Its other components and reasons are still given, and its flags.
//!
//! # Score and call
//! score = base + points of each component ([`super::score`]); the call is the score's colour band
//! (WHOOP: green >= 67 push, yellow 34-66 maintain, red <= 33 recover), then the decision rules:
//! 1. A week below the normal range is never `push` (HRV4Training; Plews et al. 2012).
//! 2. Last night below Kiviniemi's reference (10-day mean - 1 SD) with resting HR elevated is
//!    `recover` (Kiviniemi et al. 2007; Oura's +3 bpm).
//! 3. A week below the normal range with resting HR elevated is `recover` (the two signs of
//!    accumulated fatigue together; Plews et al. 2012, Oura).
//! 4. HRV falling two days running "leans to recover" (Kiviniemi et al. 2007): it costs
//!    [`RuleSettings::falling_two_days_points`] and the call is at most `maintain`, so it turns a
//!    low yellow day red, never a green day red (two falling nights in a row happen by chance about
//!    one day in six).
//! 5. A short night (below [`RuleSettings::sleep_short_ratio`] of the need), a bad check-in, a high
//!    hs-CRP or a high CK is at most `maintain`; all of them, and broken sleep, sleep debt, a high
//!    workload ratio or a very negative TSB, also take points. The workload ratio and TSB count
//!    only once their chronic averages have built up (28 days, and two CTL time constants = 84
//!    days, by default): both start from zero and would read as a spike of fatigue for every new
//!    member.
//!
//! One noisy night alone does not flip the call: the week's mean is the primary signal (the night
//! is one seventh of it), today's night adds a bounded modifier
//! ([`super::ScoreSettings::hrv_today_max_points`]), and rule 2 needs resting HR up as well. With
//! every other component on its baseline, a night 2 SD below the reference leaves a green day
//! green (the unit tests derive it by hand). When a rule lowers
//! the call below the score's colour, the score is lowered to the top of the call's band, and the
//! [`ComponentName::DecisionRules`] component carries the difference, so that the colour never
//! contradicts the call and the points still add up.

use super::baseline::{
    HrvBaselineDay, RangePosition, RestingHrDay, SleepNeedDay, calibration, hrv_baseline,
    resting_hr_baseline, sleep_against_need,
};
use super::flags::{FlagInputs, flag_history};
use super::inputs::{DailyInputs, LoadKind, MemberProfile, daily_inputs};
use super::report::{
    Component, ComponentBaseline, ComponentName, DayReadiness, MissingInput, ReadinessState,
    Reason, ReasonCode, Recommendation, Severity,
};
use super::score;
use super::settings::{ReadinessSettings, RuleSettings};
use super::{HrvMetric, ReadinessError};
use crate::load::{DayLoad, Sex, analyse_daily};
use crate::summary::DailySummary;

/// The readiness of every day of `days` (consecutive member-local days, oldest first; the last is
/// today). Refuses invalid settings, an unusable profile and summaries that are not consecutive.
pub fn assess_history(
    days: &[DailySummary],
    profile: &MemberProfile,
    settings: &ReadinessSettings,
) -> Result<Vec<DayReadiness>, ReadinessError> {
    settings.validate()?;
    let inputs = daily_inputs(days, profile, &settings.inputs)?;
    assess_inputs(&inputs, profile.sex, settings)
}

/// [`assess_history`] on inputs already extracted (the benchmark, and callers that keep inputs).
pub fn assess_inputs(
    inputs: &DailyInputs,
    sex: Sex,
    settings: &ReadinessSettings,
) -> Result<Vec<DayReadiness>, ReadinessError> {
    settings.validate()?;
    let n = inputs.dates.len();
    for (name, len) in [
        ("hrv", inputs.hrv.len()),
        ("resting_hr_bpm", inputs.resting_hr_bpm.len()),
        ("sleep_s", inputs.sleep_s.len()),
        ("sleep_efficiency", inputs.sleep_efficiency.len()),
        ("load", inputs.load.len()),
        ("wellness", inputs.wellness.len()),
        ("crp_mg_l", inputs.crp_mg_l.len()),
        ("ck_u_l", inputs.ck_u_l.len()),
    ] {
        if len != n {
            return Err(ReadinessError::InvalidInput {
                field: name,
                reason: "must hold one entry per date",
            });
        }
    }
    let hs = &settings.baseline.hrv;
    let r = &settings.rules;
    let hrv = hrv_baseline(&inputs.hrv, hs)?;
    let rhr = resting_hr_baseline(&inputs.resting_hr_bpm, &settings.baseline.resting_hr)?;
    let sleep = sleep_against_need(&inputs.sleep_s, &settings.baseline.sleep)?;
    let load = match inputs.load_kind {
        LoadKind::Unknown => Vec::new(),
        LoadKind::SessionRpe | LoadKind::Trimp => analyse_daily(&inputs.load, &settings.load)?,
    };
    let tsb_low = match inputs.load_kind {
        LoadKind::SessionRpe => r.tsb_low * r.session_rpe_per_tss,
        LoadKind::Trimp | LoadKind::Unknown => r.tsb_low,
    };
    // TSB and the workload ratio mean nothing until their chronic averages have built up from
    // the zero they start at (flags module doc): CTL reaches 1 - e^-2 = 86 % of a steady load
    // after two time constants, the ratio's chronic EWMA is seeded and filled after its span.
    let tsb_from = settings.load.ctl_days.saturating_mul(2);
    let acwr_from = settings.load.acwr_chronic_days;
    let flags = flag_history(
        &FlagInputs {
            dates: &inputs.dates,
            hrv: &hrv.days,
            resting_hr: &rhr,
            load: &load,
            tsb_from,
            acwr_from,
            tsb_low,
            wellness: &inputs.wellness,
            crp_mg_l: &inputs.crp_mg_l,
        },
        settings,
    );
    let ck_limit = match sex {
        Sex::Male => r.ck_high_u_l_male,
        Sex::Female => r.ck_high_u_l_female,
    };
    let ln = inputs.hrv.ln_values();
    let metric = inputs.hrv.metric();
    let mut established = false;
    let mut last_reading: Option<usize> = None;
    let mut labs = Labs::default();
    let mut out = Vec::with_capacity(n);
    for (i, (day_flags, date)) in flags.into_iter().zip(&inputs.dates).enumerate() {
        let h = &hrv.days[i];
        if h.ln_hrv.is_some() {
            last_reading = Some(i);
        }
        labs.update(i, inputs.crp_mg_l[i], inputs.ck_u_l[i]);
        let recent_reading = last_reading.is_some_and(|j| i - j < hs.week.days);
        let state = match (h.week, h.normal_range) {
            (Some(_), Some(_)) => {
                established = true;
                ReadinessState::Scored
            }
            (None, _) if established || !recent_reading => ReadinessState::Unscorable {
                missing: vec![MissingInput::Hrv],
            },
            _ => ReadinessState::Calibrating {
                days_left: calibration(&ln[..=i], &[hs.week, hs.normal_range])?.days_left,
            },
        };
        let mut day = Day::new(settings.score.base);
        day.resting_hr(&rhr[i], settings);
        day.sleep(&sleep[i], inputs.sleep_efficiency[i], r);
        day.check_in(inputs.wellness[i], r);
        day.labs(&labs, i, ck_limit, r);
        day.load(load.get(i), (i >= acwr_from, i >= tsb_from), tsb_low, r);
        let (score, recommendation) = match state {
            ReadinessState::Scored => {
                day.hrv(h, &rhr[i], metric, settings);
                let (s, call) = day.decide(settings);
                (Some(s), Some(call))
            }
            ReadinessState::Calibrating { .. } => {
                day.reasons
                    .push(Reason::new(ReasonCode::Calibrating, Severity::Info));
                (None, None)
            }
            ReadinessState::Unscorable { .. } => {
                day.reasons
                    .push(Reason::new(ReasonCode::MissingHrv, Severity::Info));
                (None, None)
            }
        };
        day.reasons.sort_by_key(|reason| reason.severity);
        out.push(DayReadiness {
            date: *date,
            state,
            score,
            recommendation,
            hrv_metric: metric,
            load_kind: inputs.load_kind,
            components: day.components,
            reasons: day.reasons,
            flags: day_flags,
        });
    }
    Ok(out)
}

/// The latest lab draws as the days go by: (day, value).
#[derive(Debug, Default)]
struct Labs {
    crp: Option<(usize, f64)>,
    crp_before: Option<(usize, f64)>,
    ck: Option<(usize, f64)>,
}

impl Labs {
    fn update(&mut self, day: usize, crp: Option<f64>, ck: Option<f64>) {
        if let Some(v) = crp {
            self.crp_before = self.crp;
            self.crp = Some((day, v));
        }
        if let Some(v) = ck {
            self.ck = Some((day, v));
        }
    }
}

/// A draw made on `drawn` counts on `today` when it is at most `days` old.
fn within(drawn: usize, today: usize, days: i64) -> bool {
    i64::try_from(today.saturating_sub(drawn)).is_ok_and(|age| age <= days)
}

/// One day being put together.
struct Day {
    base: f64,
    points: f64,
    components: Vec<Component>,
    reasons: Vec<Reason>,
    /// Some rule holds the call at `maintain` at most.
    cap_maintain: bool,
    /// Some rule makes the call `recover`.
    recover: bool,
}

impl Day {
    fn new(base: f64) -> Self {
        Self {
            base,
            points: 0.0,
            components: Vec::new(),
            reasons: Vec::new(),
            cap_maintain: false,
            recover: false,
        }
    }

    fn add(
        &mut self,
        name: ComponentName,
        unit: &'static str,
        value: f64,
        baseline: Option<ComponentBaseline>,
        points: f64,
    ) {
        self.add_metric(name, None, unit, value, baseline, points);
    }

    fn add_metric(
        &mut self,
        name: ComponentName,
        metric: Option<HrvMetric>,
        unit: &'static str,
        value: f64,
        baseline: Option<ComponentBaseline>,
        points: f64,
    ) {
        // `+ 0.0` makes the -0.0 of a penalty of nothing (-x · 0) a 0.0: shown with a sign, as
        // the apps show points, it would read "-0.0".
        let points = if points.is_finite() {
            points + 0.0
        } else {
            0.0
        };
        self.points += points;
        self.components.push(Component {
            name,
            metric,
            unit,
            value: Some(value).filter(|v| v.is_finite()),
            baseline,
            points,
        });
    }

    fn reason(&mut self, code: ReasonCode, severity: Severity) {
        self.reasons.push(Reason::new(code, severity));
    }

    fn hrv(
        &mut self,
        h: &HrvBaselineDay,
        rhr: &RestingHrDay,
        metric: HrvMetric,
        settings: &ReadinessSettings,
    ) {
        let hs = &settings.baseline.hrv;
        let s = &settings.score;
        let below_range = h.week_vs_range == Some(RangePosition::Below);
        if let (Some(week), Some(range)) = (h.week, h.normal_range) {
            let points = score::hrv_week_points(week.mean, &range, hs.normal_range_sd, s);
            self.add_metric(
                ComponentName::HrvWeek,
                Some(metric),
                "ln ms",
                week.mean,
                Some(ComponentBaseline {
                    mean: range.stats.mean,
                    lower: Some(range.lower),
                    upper: Some(range.upper),
                }),
                points,
            );
            match range.position(week.mean) {
                RangePosition::Below => {
                    self.reason(ReasonCode::HrvBelowNormalRange, Severity::Warning)
                }
                RangePosition::Within => {
                    self.reason(ReasonCode::HrvWithinNormalRange, Severity::Positive)
                }
                RangePosition::Above => {
                    self.reason(ReasonCode::HrvAboveNormalRange, Severity::Info)
                }
            }
        }
        if let (Some(ln), Some(reference)) = (h.ln_hrv, h.reference) {
            let points = score::hrv_today_points(ln, &reference, s);
            self.add_metric(
                ComponentName::HrvToday,
                Some(metric),
                "ln ms",
                ln,
                Some(ComponentBaseline {
                    mean: reference.mean,
                    lower: Some(reference.mean - hs.reference_sd * reference.sd),
                    upper: None,
                }),
                points,
            );
        }
        let rhr_up = rhr.elevated == Some(true);
        // Rule 1: never push below the range.
        if below_range {
            self.cap_maintain = true;
        }
        // Rule 2: Kiviniemi's drop with resting HR up.
        if h.below_reference == Some(true) {
            if rhr_up {
                self.recover = true;
                self.reason(ReasonCode::HrvDropWithRestingHrUp, Severity::Warning);
            } else {
                self.reason(ReasonCode::HrvLowLastNight, Severity::Caution);
            }
        }
        // Rule 3: below the range with resting HR up.
        if below_range && rhr_up {
            self.recover = true;
        }
        // Rule 4: falling two days leans to recover.
        if h.falling_two_days == Some(true) {
            self.cap_maintain = true;
            let points = -settings.rules.falling_two_days_points;
            self.add_metric(
                ComponentName::HrvTrend,
                Some(metric),
                "days falling",
                2.0,
                None,
                points,
            );
            self.reason(ReasonCode::HrvFallingTwoDays, Severity::Caution);
        }
    }

    fn resting_hr(&mut self, d: &RestingHrDay, settings: &ReadinessSettings) {
        let (Some(bpm), Some(base), Some(dev)) = (d.bpm, d.baseline, d.deviation_bpm) else {
            return;
        };
        let points = score::resting_hr_points(dev, &settings.score);
        self.add(
            ComponentName::RestingHr,
            "bpm",
            bpm,
            Some(ComponentBaseline {
                mean: base.mean,
                lower: None,
                upper: Some(base.mean + settings.baseline.resting_hr.elevated_bpm),
            }),
            points,
        );
        if d.elevated == Some(true) {
            self.reason(ReasonCode::RestingHrElevated, Severity::Caution);
        } else if dev <= -settings.baseline.resting_hr.elevated_bpm {
            self.reason(ReasonCode::RestingHrLow, Severity::Positive);
        }
    }

    fn sleep(&mut self, d: &SleepNeedDay, efficiency: Option<f64>, r: &RuleSettings) {
        let need_s = d.need.need_s;
        if let Some(slept) = d.slept_s {
            let points = score::sleep_points(slept, need_s, r);
            self.add(
                ComponentName::Sleep,
                "h",
                slept / 3600.0,
                Some(ComponentBaseline {
                    mean: need_s / 3600.0,
                    lower: Some(need_s * r.sleep_ok_ratio / 3600.0),
                    upper: None,
                }),
                points,
            );
            let ratio = slept / need_s;
            if ratio < r.sleep_short_ratio {
                self.cap_maintain = true;
                self.reason(ReasonCode::SleepShort, Severity::Warning);
            } else if ratio < r.sleep_ok_ratio {
                self.reason(ReasonCode::SleepShort, Severity::Caution);
            }
        }
        if let Some(eff) = efficiency.filter(|_| d.slept_s.is_some()) {
            let points = score::sleep_efficiency_points(eff, r);
            self.add(
                ComponentName::SleepEfficiency,
                "fraction",
                eff,
                Some(ComponentBaseline {
                    mean: r.sleep_efficiency_min,
                    lower: Some(r.sleep_efficiency_min),
                    upper: None,
                }),
                points,
            );
            if eff < r.sleep_efficiency_min {
                self.reason(ReasonCode::SleepBroken, Severity::Caution);
            }
        }
        if let Some(debt) = d.debt {
            let points = score::sleep_debt_points(debt.debt_s, r);
            self.add(
                ComponentName::SleepDebt,
                "h",
                debt.debt_s / 3600.0,
                None,
                points,
            );
            if points < 0.0 {
                self.reason(ReasonCode::SleepDebt, Severity::Caution);
            }
        }
    }

    fn check_in(&mut self, wellness: Option<f64>, r: &RuleSettings) {
        let Some(w) = wellness else { return };
        let points = score::check_in_points(w, r);
        self.add(
            ComponentName::CheckIn,
            "wellness 0-1",
            w,
            Some(ComponentBaseline {
                mean: r.check_in_neutral,
                lower: Some(r.check_in_bad_below),
                upper: None,
            }),
            points,
        );
        if w < r.check_in_bad_below {
            self.cap_maintain = true;
            self.reason(ReasonCode::CheckInLow, Severity::Warning);
        } else if w < r.check_in_neutral {
            self.reason(ReasonCode::CheckInLow, Severity::Caution);
        }
    }

    fn labs(&mut self, labs: &Labs, today: usize, ck_limit: f64, r: &RuleSettings) {
        if let Some((drawn, v)) = labs.crp
            && within(drawn, today, r.lab_recent_days)
        {
            let high = v > r.crp_high_mg_l;
            let rising = high
                && labs
                    .crp_before
                    .is_some_and(|(before, w)| v > w && within(before, drawn, r.lab_trend_days));
            let points = -(f64::from(u8::from(high)) * r.crp_high_points
                + f64::from(u8::from(rising)) * r.crp_rising_points);
            let baseline = ComponentBaseline {
                mean: r.crp_high_mg_l,
                lower: None,
                upper: Some(r.crp_high_mg_l),
            };
            self.add(ComponentName::HsCrp, "mg/L", v, Some(baseline), points);
            if high {
                self.cap_maintain = true;
                self.reason(ReasonCode::CrpHigh, Severity::Warning);
            }
            if rising {
                self.reason(ReasonCode::CrpRising, Severity::Caution);
            }
        }
        if let Some((drawn, v)) = labs.ck
            && within(drawn, today, r.lab_recent_days)
        {
            let high = v > ck_limit;
            let points = if high { -r.ck_high_points } else { 0.0 };
            let baseline = ComponentBaseline {
                mean: ck_limit,
                lower: None,
                upper: Some(ck_limit),
            };
            self.add(
                ComponentName::CreatineKinase,
                "U/L",
                v,
                Some(baseline),
                points,
            );
            if high {
                self.cap_maintain = true;
                self.reason(ReasonCode::CkHigh, Severity::Warning);
            }
        }
    }

    /// The load components; `(acwr_ready, tsb_ready)` say whether the chronic windows have filled.
    fn load(
        &mut self,
        day: Option<&DayLoad>,
        (acwr_ready, tsb_ready): (bool, bool),
        tsb_low: f64,
        r: &RuleSettings,
    ) {
        let Some(day) = day else { return };
        if let Some(ratio) = day.acwr.ratio.filter(|_| acwr_ready) {
            let high = ratio > r.acwr_high;
            let points = if high { -r.acwr_high_points } else { 0.0 };
            let baseline = ComponentBaseline {
                mean: 1.0,
                lower: None,
                upper: Some(r.acwr_high),
            };
            self.add(ComponentName::Acwr, "ratio", ratio, Some(baseline), points);
            if high {
                self.reason(ReasonCode::AcwrHigh, Severity::Caution);
            }
        }
        if !tsb_ready {
            return;
        }
        let tsb = day.fitness.tsb;
        let low = tsb < tsb_low;
        let points = if low { -r.tsb_low_points } else { 0.0 };
        let baseline = ComponentBaseline {
            mean: 0.0,
            lower: Some(tsb_low),
            upper: None,
        };
        self.add(ComponentName::Tsb, "AU", tsb, Some(baseline), points);
        if low {
            self.reason(ReasonCode::TsbLow, Severity::Caution);
        }
    }

    /// The score and the call (module doc, "Score and call").
    fn decide(&mut self, settings: &ReadinessSettings) -> (u8, Recommendation) {
        let s = &settings.score;
        let raw = self.base + self.points;
        let banded = score::to_score(raw);
        let mut call = score::band(banded, s);
        if self.cap_maintain {
            call = call.min(Recommendation::Maintain);
        }
        if self.recover {
            call = Recommendation::Recover;
        }
        let top = score::band_top(call, s);
        if banded > top {
            self.add(
                ComponentName::DecisionRules,
                "points",
                f64::from(top) - raw,
                None,
                f64::from(top) - raw,
            );
            (top, call)
        } else {
            (banded, call)
        }
    }
}

#[cfg(test)]
mod tests;
