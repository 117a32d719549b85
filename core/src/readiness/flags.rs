//! Overreaching and illness flags, for the member and for the clinic.
//!
//! A flag is a pattern over several days that the daily score alone does not show. Each has a
//! stable [`FlagCode`], the days it covers (`from` to `to`, the day it is listed on) and the
//! setting whose threshold it used, so that the clinic can see why it was raised. The patterns
//! (domain brief section 4):
//!
//! - [`FlagCode::HrvSuppressedFallingCv`]: the week's lnHRV mean below the normal range for
//!   [`FlagSettings::suppressed_days`] days running while the week's CV is lower than
//!   [`FlagSettings::cv_lookback_days`] earlier (Plews et al. 2012: the non-functionally
//!   overreached athlete's HRV fell and became less variable).
//! - [`FlagCode::RestingHrElevated`]: resting HR elevated on [`FlagSettings::rhr_elevated_days`]
//!   readings in a row (Oura: +3-5 bpm).
//! - [`FlagCode::MonotonyHigh`]: Foster's monotony above [`LoadSettings::monotony_critical`] (2).
//! - [`FlagCode::AcwrHigh`]: the EWMA acute:chronic ratio above [`RuleSettings::acwr_high`] (1.5).
//! - [`FlagCode::TsbLow`]: TSB below [`RuleSettings::tsb_low`] (-30 on the TSS scale).
//! - [`FlagCode::WellnessBad`]: bad check-ins for more than [`FlagSettings::wellness_bad_days`]
//!   days with no good one in between.
//! - [`FlagCode::InflammationNotResolving`]: two hs-CRP draws in a row above
//!   [`RuleSettings::crp_high_mg_l`], the later not lower.
//! - [`FlagCode::IllnessSuspected`]: last night's HRV a crash below Kiviniemi's reference
//!   ([`FlagSettings::illness_hrv_sd`] SDs under its mean) with resting HR at least
//!   [`FlagSettings::illness_rhr_bpm`] up, or a recent high hs-CRP with resting HR elevated.
//!
//! TSB and the workload ratio are not flagged before their chronic windows have filled (both
//! start from zero, and read as a spike of fatigue for every new member).
//!
//! [`LoadSettings::monotony_critical`]: crate::load::LoadSettings::monotony_critical

use chrono::NaiveDate;
use serde::Serialize;

use super::baseline::{HrvBaselineDay, RangePosition, RestingHrDay};
use super::settings::{FlagSettings, ReadinessSettings, RuleSettings};
use crate::load::DayLoad;

/// What a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagCategory {
    /// Training is outrunning recovery.
    Overreaching,
    /// Signs of illness or unresolved inflammation.
    Illness,
}

/// A stable flag code (module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagCode {
    /// HRV suppressed over several days with falling CV (Plews et al. 2012).
    HrvSuppressedFallingCv,
    /// Resting HR elevated several readings running.
    RestingHrElevated,
    /// Training monotony above the critical level (Foster 1998).
    MonotonyHigh,
    /// Acute:chronic workload ratio above the danger level (Gabbett 2016).
    AcwrHigh,
    /// Training stress balance very negative.
    TsbLow,
    /// Check-ins bad for more than a week.
    WellnessBad,
    /// hs-CRP high at two draws in a row and not falling.
    InflammationNotResolving,
    /// HRV crash with a clearly raised resting HR, or inflammation with a raised resting HR.
    IllnessSuspected,
}

impl FlagCode {
    /// What the flag is about.
    pub fn category(self) -> FlagCategory {
        match self {
            Self::InflammationNotResolving | Self::IllnessSuspected => FlagCategory::Illness,
            _ => FlagCategory::Overreaching,
        }
    }
}

/// A flag holding on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// The stable code.
    pub code: FlagCode,
    /// What it is about.
    pub category: FlagCategory,
    /// First day of the pattern.
    pub from: NaiveDate,
    /// Last day of the pattern (the day it is listed on).
    pub to: NaiveDate,
    /// The setting whose threshold was used, as named in [`ReadinessSettings`].
    pub setting: &'static str,
    /// The threshold's value (in the unit of the setting; for TSB on a session-RPE member, the
    /// value after scaling by [`RuleSettings::session_rpe_per_tss`]).
    pub threshold: f64,
}

/// The per-day series the flags read; all of one length, one entry per consecutive day.
#[derive(Debug, Clone, Copy)]
pub struct FlagInputs<'a> {
    /// The member-local dates.
    pub dates: &'a [NaiveDate],
    /// The HRV baseline of each day.
    pub hrv: &'a [HrvBaselineDay],
    /// The resting HR baseline of each day.
    pub resting_hr: &'a [RestingHrDay],
    /// The load model of each day; empty when the member has no load.
    pub load: &'a [DayLoad],
    /// First day on which TSB means something: CTL builds up from the zero it starts at with its
    /// time constant ([`crate::load::LoadSettings::ctl_days`]; 86 % after two), and before that
    /// TSB reads as deep fatigue for every new member.
    pub tsb_from: usize,
    /// First day on which the workload ratio means something: the chronic window has filled
    /// ([`crate::load::LoadSettings::acwr_chronic_days`]).
    pub acwr_from: usize,
    /// The TSB threshold on the member's load scale.
    pub tsb_low: f64,
    /// Check-in wellness 0-1.
    pub wellness: &'a [Option<f64>],
    /// hs-CRP of the day's draw, mg/L.
    pub crp_mg_l: &'a [Option<f64>],
}

/// A run of consecutive days on which a condition held.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    start: Option<usize>,
    count: usize,
}

impl Run {
    /// Extends the run on `day` when `holds`, ends it otherwise; `None` (unknown) ends it too.
    fn step(&mut self, day: usize, holds: bool) {
        if holds {
            self.start.get_or_insert(day);
            self.count += 1;
        } else {
            *self = Self::default();
        }
    }
}

/// The flags of every day (one list per day of `inputs.dates`).
pub fn flag_history(inputs: &FlagInputs<'_>, settings: &ReadinessSettings) -> Vec<Vec<Flag>> {
    let f: &FlagSettings = &settings.flags;
    let r: &RuleSettings = &settings.rules;
    let n = inputs.dates.len();
    let at = |i: usize| inputs.dates.get(i).copied();
    let mut out = Vec::with_capacity(n);
    let (mut suppressed, mut rhr_up, mut acwr, mut tsb, mut ill) = (
        Run::default(),
        Run::default(),
        Run::default(),
        Run::default(),
        Run::default(),
    );
    // Wellness: first bad check-in of the current bad stretch, and the last bad one.
    let (mut bad_since, mut last_bad): (Option<usize>, Option<usize>) = (None, None);
    // hs-CRP: the latest draw and the one before, as (day, mg/L).
    let mut crp_last: Option<(usize, f64)> = None;
    let mut crp_before: Option<(usize, f64)> = None;
    for i in 0..n {
        let Some(today) = at(i) else { break };
        let mut flags = Vec::new();
        let mut push = |code: FlagCode, from: usize, setting: &'static str, threshold: f64| {
            if let Some(from) = at(from) {
                flags.push(Flag {
                    code,
                    category: code.category(),
                    from,
                    to: today,
                    setting,
                    threshold,
                });
            }
        };
        let hrv = inputs.hrv.get(i);
        let rhr = inputs.resting_hr.get(i);

        // Suppressed HRV with falling CV (Plews).
        suppressed.step(
            i,
            hrv.and_then(|h| h.week_vs_range) == Some(RangePosition::Below),
        );
        if let Some(start) = suppressed.start
            && suppressed.count >= f.suppressed_days
        {
            let cv_now = hrv.and_then(|h| h.week_cv_pct);
            let cv_then = i
                .checked_sub(f.cv_lookback_days)
                .and_then(|j| inputs.hrv.get(j))
                .and_then(|h| h.week_cv_pct);
            if let (Some(now), Some(then)) = (cv_now, cv_then)
                && now < then
            {
                push(
                    FlagCode::HrvSuppressedFallingCv,
                    start,
                    "flags.suppressed_days",
                    f.suppressed_days as f64,
                );
            }
        }

        // Resting HR elevated on consecutive readings; a day without a reading neither extends
        // nor ends the run.
        match rhr.and_then(|d| d.elevated) {
            Some(elevated) => rhr_up.step(i, elevated),
            None if rhr.and_then(|d| d.bpm).is_none() => {}
            None => rhr_up.step(i, false),
        }
        if let Some(start) = rhr_up.start
            && rhr_up.count >= f.rhr_elevated_days
            && rhr.and_then(|d| d.elevated) == Some(true)
        {
            push(
                FlagCode::RestingHrElevated,
                start,
                "baseline.resting_hr.elevated_bpm",
                settings.baseline.resting_hr.elevated_bpm,
            );
        }

        // Load.
        if let Some(load) = inputs.load.get(i) {
            if let Some(m) = load.monotony.and_then(|m| m.monotony)
                && m > settings.load.monotony_critical
            {
                let from = (i + 1).saturating_sub(settings.load.monotony_days);
                push(
                    FlagCode::MonotonyHigh,
                    from,
                    "load.monotony_critical",
                    settings.load.monotony_critical,
                );
            }
            acwr.step(
                i,
                i >= inputs.acwr_from && load.acwr.ratio.is_some_and(|x| x > r.acwr_high),
            );
            if let Some(start) = acwr.start {
                push(FlagCode::AcwrHigh, start, "rules.acwr_high", r.acwr_high);
            }
            tsb.step(i, i >= inputs.tsb_from && load.fitness.tsb < inputs.tsb_low);
            if let Some(start) = tsb.start {
                push(FlagCode::TsbLow, start, "rules.tsb_low", inputs.tsb_low);
            }
        }

        // Wellness bad for more than a week.
        match inputs.wellness.get(i).copied().flatten() {
            Some(w) if w < r.check_in_bad_below => {
                bad_since.get_or_insert(i);
                last_bad = Some(i);
            }
            Some(_) => {
                bad_since = None;
                last_bad = None;
            }
            None => {}
        }
        if let (Some(since), Some(last)) = (bad_since, last_bad) {
            let span = days_between(at(since), Some(today));
            let quiet = days_between(at(last), Some(today));
            if span > f.wellness_bad_days && quiet <= f.wellness_bad_days {
                push(
                    FlagCode::WellnessBad,
                    since,
                    "flags.wellness_bad_days",
                    f.wellness_bad_days as f64,
                );
            }
        }

        // hs-CRP not resolving between draws.
        if let Some(v) = inputs.crp_mg_l.get(i).copied().flatten() {
            crp_before = crp_last;
            crp_last = Some((i, v));
        }
        if let (Some((j, later)), Some((k, earlier))) = (crp_last, crp_before)
            && later > r.crp_high_mg_l
            && earlier > r.crp_high_mg_l
            && later >= earlier
            && days_between(at(k), at(j)) <= r.lab_trend_days
            && days_between(at(j), Some(today)) <= r.lab_trend_days
        {
            push(
                FlagCode::InflammationNotResolving,
                k,
                "rules.crp_high_mg_l",
                r.crp_high_mg_l,
            );
        }

        // Illness suspected.
        let rhr_dev = rhr.and_then(|d| d.deviation_bpm);
        let crash = hrv
            .and_then(|h| h.ln_hrv.zip(h.reference))
            .is_some_and(|(ln, r)| ln < r.mean - f.illness_hrv_sd * r.sd)
            && rhr_dev.is_some_and(|d| d >= f.illness_rhr_bpm);
        let inflamed = crp_last.is_some_and(|(j, v)| {
            v > r.crp_high_mg_l && days_between(at(j), Some(today)) <= r.lab_recent_days
        }) && rhr.and_then(|d| d.elevated) == Some(true);
        ill.step(i, crash || inflamed);
        if let Some(start) = ill.start {
            push(
                FlagCode::IllnessSuspected,
                start,
                "flags.illness_rhr_bpm",
                f.illness_rhr_bpm,
            );
        }
        out.push(flags);
    }
    out
}

/// Days from `a` to `b`; a large number when either is unknown.
fn days_between(a: Option<NaiveDate>, b: Option<NaiveDate>) -> i64 {
    match (a, b) {
        (Some(a), Some(b)) => (b - a).num_days(),
        _ => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::super::baseline::WindowStats;
    use super::*;

    fn dates(n: usize) -> Vec<NaiveDate> {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        (0..n)
            .map(|i| start + chrono::Days::new(i as u64))
            .collect()
    }

    /// A day whose lnHRV is 3.5 below a reference of mean 4.0 and SD 0.1 (5 SD, a crash) when
    /// `below`, 4.0 otherwise.
    fn hrv_day(below: Option<bool>, pos: Option<RangePosition>, cv: Option<f64>) -> HrvBaselineDay {
        HrvBaselineDay {
            ln_hrv: Some(if below == Some(true) { 3.5 } else { 4.0 }),
            week: None,
            week_cv_pct: cv,
            normal_range: None,
            week_vs_range: pos,
            reference: Some(WindowStats {
                n_valid: 10,
                mean: 4.0,
                sd: 0.1,
            }),
            below_reference: below,
            falling_two_days: None,
        }
    }

    fn rhr_day(dev: Option<f64>) -> RestingHrDay {
        RestingHrDay {
            bpm: dev.map(|d| 55.0 + d),
            baseline: dev.map(|_| WindowStats {
                n_valid: 20,
                mean: 55.0,
                sd: 2.0,
            }),
            deviation_bpm: dev,
            deviation_sd: dev.map(|d| d / 2.0),
            elevated: dev.map(|d| d >= 3.0),
        }
    }

    fn run(
        hrv: &[HrvBaselineDay],
        rhr: &[RestingHrDay],
        wellness: &[Option<f64>],
        crp: &[Option<f64>],
    ) -> Vec<Vec<Flag>> {
        let d = dates(hrv.len());
        flag_history(
            &FlagInputs {
                dates: &d,
                hrv,
                resting_hr: rhr,
                load: &[],
                tsb_from: 0,
                acwr_from: 0,
                tsb_low: -30.0,
                wellness,
                crp_mg_l: crp,
            },
            &ReadinessSettings::default(),
        )
    }

    fn codes(day: &[Flag]) -> Vec<FlagCode> {
        day.iter().map(|f| f.code).collect()
    }

    #[test]
    fn suppressed_hrv_needs_three_days_and_a_lower_cv_than_a_week_ago() {
        // CV 6 % for 8 days, then 5 %, week below the range from day 7.
        let hrv: Vec<HrvBaselineDay> = (0..12)
            .map(|i| {
                let pos = if i >= 7 {
                    RangePosition::Below
                } else {
                    RangePosition::Within
                };
                hrv_day(None, Some(pos), Some(if i >= 8 { 5.0 } else { 6.0 }))
            })
            .collect();
        let rhr = vec![rhr_day(Some(0.0)); 12];
        let flags = run(&hrv, &rhr, &[None; 12], &[None; 12]);
        // Day 9 is the third day below (7, 8, 9) and its CV 5 < day 2's 6.
        assert!(flags[8].is_empty());
        assert_eq!(codes(&flags[9]), vec![FlagCode::HrvSuppressedFallingCv]);
        assert_eq!(flags[9][0].from, dates(12)[7]);
        assert_eq!(flags[9][0].setting, "flags.suppressed_days");
    }

    #[test]
    fn resting_hr_up_three_readings_running_and_illness() {
        let hrv: Vec<HrvBaselineDay> = (0..6)
            .map(|i| hrv_day(Some(i == 3), Some(RangePosition::Within), None))
            .collect();
        // +4, (no reading), +4, +6, +1, +4: readings 0, 2, 3 are three elevated in a row.
        let rhr = vec![
            rhr_day(Some(4.0)),
            rhr_day(None),
            rhr_day(Some(4.0)),
            rhr_day(Some(6.0)),
            rhr_day(Some(1.0)),
            rhr_day(Some(4.0)),
        ];
        let flags = run(&hrv, &rhr, &[None; 6], &[None; 6]);
        assert!(flags[2].is_empty());
        // Day 3: third elevated reading, and HRV below the reference with +6 >= 5 bpm.
        assert_eq!(
            codes(&flags[3]),
            vec![FlagCode::RestingHrElevated, FlagCode::IllnessSuspected]
        );
        assert_eq!(flags[3][0].from, dates(6)[0]);
        assert_eq!(flags[3][1].category, FlagCategory::Illness);
        assert!(flags[4].is_empty());
        assert!(flags[5].is_empty());
    }

    #[test]
    fn wellness_bad_for_more_than_a_week() {
        let hrv = vec![hrv_day(None, None, None); 12];
        let rhr = vec![rhr_day(None); 12];
        // Bad (0.2) on days 0-9 with gaps on 3 and 5, good on 10.
        let wellness: Vec<Option<f64>> = (0..12)
            .map(|i| match i {
                3 | 5 => None,
                10 | 11 => Some(0.7),
                _ => Some(0.2),
            })
            .collect();
        let flags = run(&hrv, &rhr, &wellness, &[None; 12]);
        // Day 7 is 7 days after day 0: not more than 7. Day 8 is.
        assert!(flags[7].is_empty());
        assert_eq!(codes(&flags[8]), vec![FlagCode::WellnessBad]);
        assert_eq!(codes(&flags[9]), vec![FlagCode::WellnessBad]);
        assert!(flags[10].is_empty());
    }

    #[test]
    fn crp_not_resolving_between_draws() {
        let n = 40;
        let hrv = vec![hrv_day(None, None, None); n];
        let rhr = vec![rhr_day(None); n];
        let mut crp = vec![None; n];
        crp[0] = Some(5.0);
        crp[20] = Some(6.5);
        crp[30] = Some(4.0);
        let flags = run(&hrv, &rhr, &[None; 40], &crp);
        assert!(flags[19].is_empty());
        // Day 20: 6.5 >= 5.0, both above 3: not resolving, covering days 0 to 20.
        assert_eq!(codes(&flags[20]), vec![FlagCode::InflammationNotResolving]);
        assert_eq!(flags[20][0].from, dates(n)[0]);
        assert_eq!(codes(&flags[29]), vec![FlagCode::InflammationNotResolving]);
        // Day 30: 4.0 < 6.5, falling: resolving.
        assert!(flags[30].is_empty());
    }
}
