//! Generated member histories whose physiology is known: the scenario tests, the readiness
//! benchmark and `alyze demo` run on them.
//!
//! A [`MemberSpec`] describes a member (their lnHRV level and day-to-day spread, resting HR, sleep
//! need, which device records their HRV, whether they rate their sessions) and the [`Event`]s of
//! their history: an overreaching block, an illness, nights without data, a flight across time
//! zones. [`generate`] turns it into one [`DailySummary`] per consecutive day, and the
//! [`DayTruth`] of each day (the phase and the shifts the generator applied), deterministically
//! from [`MemberSpec::seed`]. [`Scenario`] names the ready-made members of the "Show" list.
//!
//! The physiology, in numbers a reader can check against the literature:
//! - lnRMSSD of 4.2 (about 67 ms) with a daily SD of 0.10 (Plews et al. 2012 report a CV of lnRMSSD
//!   of about 3-7 % in trained athletes; 0.10 / 4.2 is 2.4 %, at the steady end); SDNN is drawn as
//!   lnSDNN = lnRMSSD + 0.2 plus its own small noise (SDNN runs above RMSSD at rest).
//! - Resting HR 52 bpm with a daily SD of 1.2 bpm.
//! - A training week of hard, easy, moderate, rest, intervals, long, rest (CR-10 ratings 7, 3, 5,
//!   -, 8, 5, -; 40-90 min), the average heart rate at 40 % + 5 % per RPE point of the heart-rate
//!   reserve; the day after a hard session lnHRV is 0.03 lower.
//! - Overreaching: over the build the daily loads rise to [`Event::Overreaching::load_factor`]
//!   times the plan, lnHRV drifts down by `ln_drop`, its day-to-day noise shrinks by up to 40 %
//!   (Plews et al. 2012: the CV fell with the mean), resting HR rises by `rhr_rise_bpm` and the
//!   check-in worsens; then a deload week of half the plan, and everything returns over
//!   `recover_days`.
//! - Illness: lnHRV crashes by `ln_drop` and resting HR rises by `rhr_rise_bpm` on the first day,
//!   both fading linearly over the illness; no training; a bad check-in; an hs-CRP draw on the
//!   second day and another after recovery.
//! - A flight east across `zones` time zones: every record after it carries the new offset, the
//!   nights move on the local clock and are shorter for a few days, lnHRV dips by 0.15 and resting
//!   HR rises by 3 bpm, fading over five days (jet lag; Waterhouse et al. 2007).
//!
//! Random numbers come from SplitMix64 (Steele, Lea & Flood 2014, the same generator as
//! [`crate::apple_export::synthetic`]'s, which is private there) and Box-Muller normals.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeDelta};
use serde::Serialize;

use super::baseline::HrvMetric;
use crate::health::{ActivityType, McLeanItems, Questionnaire, RangeFlag, TrainingClass};
use crate::load::Sex;
use crate::summary::{
    CheckInSummary, DailySummary, LabEntry, LoadInputs, NightSleep, RestingHr, RmssdMethod,
    RmssdNight, SdnnNight, StageTotals, WorkoutSummary,
};

/// The name of the generated data's source.
pub const SOURCE: &str = "Synthetic Watch";

/// Why a history could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    /// A field of the spec is unusable.
    #[error("member spec: {field} {reason}")]
    InvalidSpec {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Which HRV the member's devices record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HrvDevice {
    /// A strap or watch with beat-to-beat data: RMSSD computed from it, and the platform's SDNN.
    BeatToBeat,
    /// Apple Watch: the platform's SDNN only.
    AppleWatchSdnn,
    /// Health Connect: the platform's RMSSD only.
    HealthConnectRmssd,
}

impl HrvDevice {
    /// The metric the member should be scored on.
    pub fn metric(self) -> HrvMetric {
        match self {
            Self::AppleWatchSdnn => HrvMetric::Sdnn,
            Self::BeatToBeat | Self::HealthConnectRmssd => HrvMetric::Rmssd,
        }
    }
}

/// Something that happens in a member's history; day numbers are 0-based positions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A block of rising load with HRV drifting down, then recovery (module doc).
    Overreaching {
        /// First day of the block.
        start: usize,
        /// Days of rising load.
        build_days: usize,
        /// Days over which HRV and resting HR return after the block (the first 7 are a deload).
        recover_days: usize,
        /// lnHRV drop at the end of the build.
        ln_drop: f64,
        /// Resting HR rise at the end of the build, bpm.
        rhr_rise_bpm: f64,
        /// Load multiplier at the end of the build.
        load_factor: f64,
    },
    /// An acute illness (module doc).
    Illness {
        /// First day.
        start: usize,
        /// Days until HRV and resting HR are back.
        days: usize,
        /// lnHRV crash on the first day.
        ln_drop: f64,
        /// Resting HR rise on the first day, bpm.
        rhr_rise_bpm: f64,
        /// hs-CRP of the draw on the second day, mg/L.
        crp_mg_l: f64,
    },
    /// Nights without any data (the watch stayed on the charger): no sleep, no HRV, no resting HR.
    MissingNights {
        /// First day.
        start: usize,
        /// How many nights.
        nights: usize,
    },
    /// A flight east across `zones` time zones on day `start` (west when negative).
    Travel {
        /// The day of the flight.
        start: usize,
        /// Zones crossed, hours.
        zones: i32,
    },
}

/// A generated member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberSpec {
    /// Seed of the random numbers.
    pub seed: u64,
    /// First date.
    pub start: NaiveDate,
    /// Days of history.
    pub days: usize,
    /// Sex (TRIMP constants).
    pub sex: Sex,
    /// Which HRV is recorded.
    pub device: HrvDevice,
    /// Mean lnRMSSD.
    pub ln_rmssd_mean: f64,
    /// Day-to-day SD of lnHRV.
    pub ln_hrv_sd: f64,
    /// Mean resting HR, bpm.
    pub resting_hr_bpm: f64,
    /// Day-to-day SD of resting HR, bpm.
    pub resting_hr_sd: f64,
    /// Maximal HR, bpm (workout heart rates).
    pub max_hr_bpm: f64,
    /// Sleep need, hours.
    pub sleep_need_h: f64,
    /// Whether sessions are rated (session-RPE); otherwise only workouts with heart rate.
    pub rates_sessions: bool,
    /// Whether the member checks in every morning (McLean).
    pub checks_in: bool,
    /// Routine hs-CRP and CK draws every this many days (none when 0).
    pub labs_every_days: usize,
    /// Home UTC offset, hours.
    pub utc_offset_h: i32,
    /// What happens.
    pub events: Vec<Event>,
}

impl MemberSpec {
    /// A stable member of `days` days from 2025-01-01, training normally.
    pub fn stable(seed: u64, days: usize) -> Self {
        Self {
            seed,
            start: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            days,
            sex: Sex::Male,
            device: HrvDevice::BeatToBeat,
            ln_rmssd_mean: 4.2,
            ln_hrv_sd: 0.10,
            resting_hr_bpm: 52.0,
            resting_hr_sd: 1.2,
            max_hr_bpm: 188.0,
            sleep_need_h: 8.0,
            rates_sessions: true,
            checks_in: true,
            labs_every_days: 28,
            utc_offset_h: 1,
            events: Vec::new(),
        }
    }
}

/// The ready-made members of the "Show" list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// 180 days of normal training.
    Stable,
    /// 90 stable days, a 14-day overreaching block (load up to 1.8 times the plan, lnHRV -0.5,
    /// resting HR +8 bpm), 28 days of recovery, 48 more days.
    Overreaching,
    /// 100 stable days, a 6-day illness from day 100 (lnHRV -0.6, resting HR +8, CRP 18 mg/L).
    Illness,
    /// 120 days of an Apple Watch member: SDNN only, no rated sessions (TRIMP).
    SdnnOnly,
    /// 120 days of a Health Connect member: RMSSD only.
    RmssdOnly,
    /// A member in their first 20 days.
    NewMember,
    /// 120 days; a flight nine zones east on day 90 (UTC+1 to UTC+10).
    Traveller,
    /// 150 days; 4 missing nights from day 80, 12 missing nights from day 110.
    Gaps,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 8] = [
        Self::Stable,
        Self::Overreaching,
        Self::Illness,
        Self::SdnnOnly,
        Self::RmssdOnly,
        Self::NewMember,
        Self::Traveller,
        Self::Gaps,
    ];

    /// The scenario's member.
    pub fn spec(self, seed: u64) -> MemberSpec {
        match self {
            Self::Stable => MemberSpec::stable(seed, 180),
            Self::Overreaching => MemberSpec {
                events: vec![Event::Overreaching {
                    start: 90,
                    build_days: 14,
                    recover_days: 28,
                    ln_drop: 0.5,
                    rhr_rise_bpm: 8.0,
                    load_factor: 1.8,
                }],
                ..MemberSpec::stable(seed, 180)
            },
            Self::Illness => MemberSpec {
                events: vec![Event::Illness {
                    start: 100,
                    days: 6,
                    ln_drop: 0.6,
                    rhr_rise_bpm: 8.0,
                    crp_mg_l: 18.0,
                }],
                ..MemberSpec::stable(seed, 120)
            },
            Self::SdnnOnly => MemberSpec {
                device: HrvDevice::AppleWatchSdnn,
                rates_sessions: false,
                sex: Sex::Female,
                ln_rmssd_mean: 3.8,
                resting_hr_bpm: 58.0,
                max_hr_bpm: 182.0,
                ..MemberSpec::stable(seed, 120)
            },
            Self::RmssdOnly => MemberSpec {
                device: HrvDevice::HealthConnectRmssd,
                ..MemberSpec::stable(seed, 120)
            },
            Self::NewMember => MemberSpec::stable(seed, 20),
            Self::Traveller => MemberSpec {
                events: vec![Event::Travel {
                    start: 90,
                    zones: 9,
                }],
                ..MemberSpec::stable(seed, 120)
            },
            Self::Gaps => MemberSpec {
                events: vec![
                    Event::MissingNights {
                        start: 80,
                        nights: 4,
                    },
                    Event::MissingNights {
                        start: 110,
                        nights: 12,
                    },
                ],
                ..MemberSpec::stable(seed, 150)
            },
        }
    }
}

/// The phase a generated day is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Normal training.
    Normal,
    /// In an overreaching build.
    Overreaching,
    /// Recovering after an overreaching build.
    Recovering,
    /// Ill.
    Ill,
    /// Within five days after a flight.
    JetLag,
    /// A night without data.
    Missing,
}

/// What the generator did on a day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayTruth {
    /// The phase.
    pub phase: Phase,
    /// Shift applied to lnHRV (before noise).
    pub ln_hrv_shift: f64,
    /// Shift applied to resting HR, bpm.
    pub rhr_shift_bpm: f64,
    /// Multiplier of the planned load.
    pub load_factor: f64,
}

/// A generated history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyntheticHistory {
    /// The member.
    pub spec: MemberSpec,
    /// One summary per consecutive day.
    pub days: Vec<DailySummary>,
    /// What the generator did each day.
    pub truth: Vec<DayTruth>,
}

/// SplitMix64 (Steele, Lea & Flood 2014).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// A planned session: CR-10 rating and minutes.
const WEEK: [Option<(f64, f64)>; 7] = [
    Some((7.0, 60.0)),
    Some((3.0, 45.0)),
    Some((5.0, 60.0)),
    None,
    Some((8.0, 50.0)),
    Some((5.0, 90.0)),
    None,
];

/// The state of one day before noise.
struct Shifts {
    phase: Phase,
    ln: f64,
    rhr: f64,
    load: f64,
    noise: f64,
    wellness_drop: f64,
    sleep_h: f64,
    missing: bool,
    offset_h: i32,
    crp: Option<f64>,
}

fn shifts(spec: &MemberSpec, day: usize) -> Shifts {
    let mut s = Shifts {
        phase: Phase::Normal,
        ln: 0.0,
        rhr: 0.0,
        load: 1.0,
        noise: 1.0,
        wellness_drop: 0.0,
        sleep_h: 0.0,
        missing: false,
        offset_h: spec.utc_offset_h,
        crp: None,
    };
    for event in &spec.events {
        match *event {
            Event::Overreaching {
                start,
                build_days,
                recover_days,
                ln_drop,
                rhr_rise_bpm,
                load_factor,
            } if day >= start => {
                let d = (day - start) as f64;
                let build = build_days.max(1) as f64;
                if d < build {
                    let p = (d + 1.0) / build;
                    s.phase = Phase::Overreaching;
                    s.ln -= ln_drop * p;
                    s.rhr += rhr_rise_bpm * p;
                    s.load *= 1.0 + (load_factor - 1.0) * p;
                    s.noise *= 1.0 - 0.4 * p;
                    s.wellness_drop += 1.5 * p;
                } else if d < build + recover_days as f64 {
                    let p = 1.0 - (d - build + 1.0) / recover_days.max(1) as f64;
                    s.phase = Phase::Recovering;
                    s.ln -= ln_drop * p;
                    s.rhr += rhr_rise_bpm * p;
                    s.load *= if d < build + 7.0 { 0.5 } else { 1.0 };
                    s.noise *= 1.0 - 0.4 * p;
                    s.wellness_drop += 1.5 * p;
                }
            }
            Event::Illness {
                start,
                days,
                ln_drop,
                rhr_rise_bpm,
                crp_mg_l,
            } if day >= start => {
                let d = day - start;
                if d < days {
                    let p = 1.0 - d as f64 / days.max(1) as f64;
                    s.phase = Phase::Ill;
                    s.ln -= ln_drop * p;
                    s.rhr += rhr_rise_bpm * p;
                    s.load = 0.0;
                    s.wellness_drop += 2.0;
                    s.sleep_h += 0.5;
                }
                if d == 1 {
                    s.crp = Some(crp_mg_l);
                } else if d == days + 7 {
                    s.crp = Some(1.2);
                }
            }
            Event::MissingNights { start, nights } if (start..start + nights).contains(&day) => {
                s.phase = Phase::Missing;
                s.missing = true;
            }
            Event::Travel { start, zones } if day >= start => {
                s.offset_h += zones;
                let d = day - start;
                if d < 5 {
                    let p = 1.0 - d as f64 / 5.0;
                    s.phase = Phase::JetLag;
                    s.ln -= 0.15 * p;
                    s.rhr += 3.0 * p;
                    s.sleep_h -= 1.5 * p;
                }
            }
            _ => {}
        }
    }
    s
}

/// Generates `spec`'s history (module doc).
pub fn generate(spec: &MemberSpec) -> Result<SyntheticHistory, SyntheticError> {
    for (field, v) in [
        ("ln_rmssd_mean", spec.ln_rmssd_mean),
        ("ln_hrv_sd", spec.ln_hrv_sd),
        ("resting_hr_bpm", spec.resting_hr_bpm),
        ("resting_hr_sd", spec.resting_hr_sd),
        ("max_hr_bpm", spec.max_hr_bpm),
        ("sleep_need_h", spec.sleep_need_h),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(SyntheticError::InvalidSpec {
                field,
                reason: "must be a finite number, zero or more",
            });
        }
    }
    if spec.max_hr_bpm <= spec.resting_hr_bpm + 20.0 {
        return Err(SyntheticError::InvalidSpec {
            field: "max_hr_bpm",
            reason: "must be well above resting_hr_bpm",
        });
    }
    if !(-12..=14).contains(&spec.utc_offset_h) {
        return Err(SyntheticError::InvalidSpec {
            field: "utc_offset_h",
            reason: "must be a UTC offset from -12 to +14 hours",
        });
    }
    let mut rng = Rng(spec.seed);
    let mut days = Vec::with_capacity(spec.days);
    let mut truth = Vec::with_capacity(spec.days);
    let mut hard_yesterday = false;
    for i in 0..spec.days {
        let Some(date) = spec.start.checked_add_days(Days::new(i as u64)) else {
            return Err(SyntheticError::InvalidSpec {
                field: "days",
                reason: "runs past the last representable date",
            });
        };
        let s = shifts(spec, i);
        // Offsets stay within +/-14 h by the check above plus at most a few trips.
        let offset_h = s.offset_h.clamp(-14, 14);
        let offset = FixedOffset::east_opt(offset_h * 3600).ok_or(SyntheticError::InvalidSpec {
            field: "utc_offset_h",
            reason: "gives an offset out of range",
        })?;
        // Draw every random number every day, so that events do not shift the noise of later
        // days (a scenario differs from the stable member only where its events act).
        let z_ln = rng.normal();
        let z_sdnn = rng.normal();
        let z_rhr = rng.normal();
        let z_sleep = rng.normal();
        let z_eff = rng.normal();
        let z_wake = rng.normal();
        let z_items: [f64; 5] = [
            rng.normal(),
            rng.normal(),
            rng.normal(),
            rng.normal(),
            rng.normal(),
        ];
        let z_lab = rng.normal();
        let z_hr = rng.normal();

        let ln_rmssd = spec.ln_rmssd_mean
            + s.ln
            + if hard_yesterday { -0.03 } else { 0.0 }
            + spec.ln_hrv_sd * s.noise * z_ln;
        let ln_sdnn = ln_rmssd + 0.2 + 0.03 * z_sdnn;
        let rhr = spec.resting_hr_bpm + s.rhr + spec.resting_hr_sd * z_rhr;
        let local = |h: u32, m: u32| {
            date.and_hms_opt(h, m, 0)
                .and_then(|t| t.and_local_timezone(offset).single())
        };

        let mut summary = DailySummary {
            date,
            sleep: None,
            hrv_rmssd: None,
            hrv_sdnn: None,
            resting_hr: None,
            workouts: Vec::new(),
            load: LoadInputs::default(),
            check_in: None,
            recovery: Vec::new(),
            labs: Vec::new(),
        };
        if !s.missing {
            let asleep_h = (spec.sleep_need_h - 0.2 + s.sleep_h + 0.4 * z_sleep).clamp(3.5, 11.0);
            let efficiency = (0.92 + 0.02 * z_eff).clamp(0.7, 0.99);
            let in_bed_s = asleep_h * 3600.0 / efficiency;
            let wake = local(6, 30).map(|w| w + TimeDelta::minutes((20.0 * z_wake) as i64));
            if let Some(wake) = wake {
                summary.sleep = Some(NightSleep {
                    source: SOURCE.to_owned(),
                    sessions: 1,
                    bedtime: wake - TimeDelta::seconds(in_bed_s as i64),
                    wake_time: wake,
                    in_bed_s,
                    asleep_s: Some(asleep_h * 3600.0),
                    efficiency: Some(efficiency),
                    stages: StageTotals {
                        light_s: 0.55 * asleep_h * 3600.0,
                        deep_s: 0.2 * asleep_h * 3600.0,
                        rem_s: 0.25 * asleep_h * 3600.0,
                        unspecified_s: 0.0,
                        awake_s: in_bed_s - asleep_h * 3600.0,
                    },
                });
            }
            match spec.device {
                HrvDevice::BeatToBeat | HrvDevice::HealthConnectRmssd => {
                    summary.hrv_rmssd = Some(RmssdNight {
                        ln_rmssd,
                        rmssd_ms: ln_rmssd.exp() * 1.02,
                        readings: 6,
                        method: if spec.device == HrvDevice::BeatToBeat {
                            RmssdMethod::BeatToBeat
                        } else {
                            RmssdMethod::Platform
                        },
                        source: SOURCE.to_owned(),
                    });
                }
                HrvDevice::AppleWatchSdnn => {}
            }
            if spec.device != HrvDevice::HealthConnectRmssd {
                summary.hrv_sdnn = Some(SdnnNight {
                    sdnn_ms: ln_sdnn.exp(),
                    readings: 4,
                    source: SOURCE.to_owned(),
                });
            }
            summary.resting_hr = Some(RestingHr {
                bpm: rhr,
                source: SOURCE.to_owned(),
            });
        }

        // Training.
        hard_yesterday = false;
        if let Some((rpe, minutes)) = WEEK[i % 7]
            && s.load > 0.0
        {
            let minutes = minutes * s.load;
            let reserve = (0.40 + 0.05 * rpe).min(0.95);
            let avg = spec.resting_hr_bpm
                + reserve * (spec.max_hr_bpm - spec.resting_hr_bpm)
                + 2.0 * z_hr;
            let avg = avg.min(spec.max_hr_bpm - 5.0);
            if let Some(start) = local(17, 30) {
                summary.workouts.push(WorkoutSummary {
                    activity: if rpe >= 7.0 {
                        ActivityType::Running
                    } else {
                        ActivityType::Cycling
                    },
                    training_class: if rpe >= 8.0 {
                        TrainingClass::Intervals
                    } else {
                        TrainingClass::Endurance
                    },
                    start,
                    duration_s: minutes * 60.0,
                    active_energy_kcal: Some(minutes * (4.0 + rpe)),
                    avg_hr_bpm: Some(avg),
                    max_hr_bpm: Some((avg + 15.0).min(spec.max_hr_bpm)),
                    hr_minutes: Some(minutes * avg),
                    source: SOURCE.to_owned(),
                });
            }
            if spec.rates_sessions {
                summary.load = LoadInputs {
                    hr_minutes: minutes * avg,
                    session_rpe_load: rpe * minutes,
                    training_sessions: 1,
                };
            } else {
                summary.load.hr_minutes = minutes * avg;
            }
            hard_yesterday = rpe >= 7.0;
        }

        // Check-in.
        if spec.checks_in
            && let Some(at) = local(7, 0)
        {
            let item =
                |z: f64| -> u8 { (4.0 - s.wellness_drop + 0.5 * z).round().clamp(1.0, 5.0) as u8 };
            let answers = Questionnaire::McLean(McLeanItems {
                fatigue: item(z_items[0]),
                sleep_quality: item(z_items[1]),
                soreness: item(z_items[2]),
                stress: item(z_items[3]),
                mood: item(z_items[4]),
            });
            summary.check_in = Some(CheckInSummary {
                at,
                answers,
                total: answers.total(),
                wellness: answers.wellness(),
            });
        }

        // Labs.
        let routine = spec.labs_every_days > 0 && i % spec.labs_every_days == 14;
        let crp = s
            .crp
            .or(routine.then(|| (0.6 * (0.3 * z_lab).exp()).max(0.1)));
        if let (Some(crp), Some(at)) = (crp, local(8, 15)) {
            summary
                .labs
                .push(lab("30522-7", "hs-CRP", crp, "mg/L", 3.0, at));
            let ck = match spec.sex {
                Sex::Male => 250.0,
                Sex::Female => 140.0,
            } * (0.25 * z_lab).exp();
            summary
                .labs
                .push(lab("2157-6", "creatine kinase", ck, "U/L", 400.0, at));
        }

        truth.push(DayTruth {
            phase: s.phase,
            ln_hrv_shift: s.ln,
            rhr_shift_bpm: s.rhr,
            load_factor: s.load,
        });
        days.push(summary);
    }
    Ok(SyntheticHistory {
        spec: spec.clone(),
        days,
        truth,
    })
}

/// [`generate`] for a ready-made scenario.
pub fn scenario(scenario: Scenario, seed: u64) -> Result<SyntheticHistory, SyntheticError> {
    generate(&scenario.spec(seed))
}

fn lab(
    loinc: &str,
    name: &'static str,
    value: f64,
    unit: &str,
    high: f64,
    at: DateTime<FixedOffset>,
) -> LabEntry {
    LabEntry {
        loinc: loinc.to_owned(),
        name: Some(name),
        value,
        unit: unit.to_owned(),
        flag: Some(if value > high {
            RangeFlag::High
        } else {
            RangeFlag::Normal
        }),
        collected_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_consecutive() {
        let a = scenario(Scenario::Traveller, 7).unwrap();
        let b = scenario(Scenario::Traveller, 7).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.days.len(), 120);
        for pair in a.days.windows(2) {
            assert_eq!(pair[0].date.succ_opt(), Some(pair[1].date));
        }
        // After the flight the night ends on its own local date, in the new offset.
        let night = a.days[95].sleep.as_ref().unwrap();
        assert_eq!(night.wake_time.date_naive(), a.days[95].date);
        assert_eq!(night.wake_time.offset().local_minus_utc(), 10 * 3600);
        let c = scenario(Scenario::Traveller, 8).unwrap();
        assert_ne!(a.days, c.days);
    }

    #[test]
    fn devices_record_their_metric_only() {
        let sdnn = scenario(Scenario::SdnnOnly, 1).unwrap();
        assert!(sdnn.days.iter().all(|d| d.hrv_rmssd.is_none()));
        assert!(sdnn.days.iter().all(|d| d.hrv_sdnn.is_some()));
        let rmssd = scenario(Scenario::RmssdOnly, 1).unwrap();
        assert!(rmssd.days.iter().all(|d| d.hrv_sdnn.is_none()));
        assert!(
            rmssd
                .days
                .iter()
                .all(|d| d.hrv_rmssd.as_ref().unwrap().method == RmssdMethod::Platform)
        );
    }

    #[test]
    fn the_generator_is_roughly_what_it_says() {
        let h = generate(&MemberSpec::stable(3, 2000)).unwrap();
        let ln: Vec<f64> = h
            .days
            .iter()
            .map(|d| d.hrv_rmssd.as_ref().unwrap().ln_rmssd)
            .collect();
        let mean = ln.iter().sum::<f64>() / ln.len() as f64;
        // 4.2 less 0.03 on the 2 days of 7 after a hard session: 4.1914.
        assert!((mean - 4.1914).abs() < 0.01, "{mean}");
    }
}
