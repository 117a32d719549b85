//! From daily summaries to the per-day series the baselines and the load model take.
//!
//! [`daily_inputs`] reads a member's consecutive [`DailySummary`] days once and returns one value
//! per day for each input:
//!
//! - **HRV, one metric per member** ([`choose_hrv_metric`]). RMSSD and SDNN are never mixed in one
//!   baseline (domain brief section 4). RMSSD (beat-to-beat, else the platform's) comes first: it
//!   is the member's metric when it has [`InputSettings::rmssd_min_nights`] valid nights in the
//!   recent window ([`InputSettings::metric_window_days`]). Otherwise the metric with more valid
//!   nights in that window is used, so an Apple Watch member with SDNN only is scored on their own
//!   SDNN baseline, and an occasional beat-to-beat night does not switch them to an RMSSD baseline
//!   they could never fill. A [`MemberProfile::preferred_hrv_metric`] is used whenever it has any
//!   night in the window. Nights of the other metric are left out (they are `None` in the series).
//! - **Daily load, one scale per member** ([`choose_load_kind`]). Session-RPE (Foster et al. 2001:
//!   CR-10 rating x minutes) and Banister TRIMP (minutes x HRr x a e^(b HRr)) are both arbitrary
//!   units, but on different scales: an hour at RPE 7 is 420 AU, an hour at 85 % of the heart-rate
//!   reserve about 150 AU of TRIMP. Adding them would make ATL, CTL and the ratios meaningless, so a
//!   member has one: session-RPE when they rate at least [`InputSettings::session_rpe_min_share`]
//!   of their training days, TRIMP from the workouts' average heart rate otherwise (when the heart
//!   rates TRIMP needs are known, see [`TrimpHeartRates`]). A day without training is 0. With
//!   session-RPE, a day with a workout but no rating counts 0 as well: under the threshold share
//!   that is rare by construction.
//! - **Resting HR**, bpm; **sleep**, seconds asleep (time in bed when the source recorded no
//!   stages, which overstates sleep by the time awake in bed), and its efficiency; **check-in
//!   wellness** 0-1 ([`crate::health::Questionnaire::wellness`], which turns McLean's 1-5 "5 best"
//!   and Hooper's 1-7 "1 best" into one scale); **hs-CRP** in mg/L and **CK** in U/L, the last draw
//!   of the day, in the units listed at [`crp_mg_l`] and [`ck_u_l`].

use chrono::NaiveDate;
use serde::Serialize;

use super::ReadinessError;
use super::baseline::{DailyLnHrv, HrvMetric};
use super::settings::InputSettings;
use crate::health::labs::loinc;
use crate::load::{Sex, banister_trimp};
use crate::summary::{DailySummary, LabEntry};

/// The sex assumed when the member never gave one. Female is the conservative choice on both
/// things sex changes: Banister's female weighting 0.86 e^(1.67 HRr) is above the male
/// 0.64 e^(1.92 HRr) at every heart-rate reserve from 0 to 1 (they would only meet at 1.18), so
/// the load and its fatigue read higher, and Mougios' (2007) female creatine kinase limit is lower;
/// a wrong default therefore errs towards recovery, never towards a push day. The command line and
/// both apps use it, and say so while the member has not given theirs.
pub const DEFAULT_SEX: Sex = Sex::Female;

/// What the engine needs to know about the member beyond their data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberProfile {
    /// Sex, for the TRIMP weighting constants (Banister 1991) and the CK limit (Mougios 2007).
    pub sex: Sex,
    /// Resting heart rate for TRIMP, bpm, when the clinic measured it; otherwise the median of the
    /// member's own resting HR readings is used.
    pub resting_hr_bpm: Option<f64>,
    /// Maximal heart rate for TRIMP, bpm, when measured (a maximal test).
    pub max_hr_bpm: Option<f64>,
    /// Age in years, for the age-predicted maximal heart rate when none was measured:
    /// 208 - 0.7 x age (Tanaka, Monahan & Seals 2001, J Am Coll Cardiol 37:153).
    pub age_years: Option<f64>,
    /// The HRV metric to score the member on when it has data ([`choose_hrv_metric`]).
    pub preferred_hrv_metric: Option<HrvMetric>,
}

impl MemberProfile {
    /// A profile that knows only the member's sex.
    pub fn new(sex: Sex) -> Self {
        Self {
            sex,
            resting_hr_bpm: None,
            max_hr_bpm: None,
            age_years: None,
            preferred_hrv_metric: None,
        }
    }

    fn validate(&self) -> Result<(), ReadinessError> {
        for (field, value) in [
            ("resting_hr_bpm", self.resting_hr_bpm),
            ("max_hr_bpm", self.max_hr_bpm),
            ("age_years", self.age_years),
        ] {
            if let Some(v) = value
                && !(v.is_finite() && v > 0.0)
            {
                return Err(ReadinessError::Profile {
                    field,
                    reason: "must be a finite number above zero",
                });
            }
        }
        Ok(())
    }
}

/// Which scale the member's daily load is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadKind {
    /// Session-RPE, AU (CR-10 rating x minutes; Foster et al. 2001).
    SessionRpe,
    /// Banister TRIMP from the workouts' average heart rate, AU.
    Trimp,
    /// Neither can be computed (no rated session, and no heart rates for TRIMP): no load.
    Unknown,
}

/// Where the heart rates of the TRIMP came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeartRateSource {
    /// The member profile.
    Profile,
    /// The age-predicted maximum (Tanaka et al. 2001).
    AgePredicted,
    /// The member's own data (median resting HR; highest workout heart rate seen, which can only
    /// underestimate the true maximum and so overestimate TRIMP a little).
    Observed,
}

/// The resting and maximal heart rates TRIMP is computed with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrimpHeartRates {
    /// Resting HR, bpm.
    pub rest_bpm: f64,
    /// Where it came from.
    pub rest_source: HeartRateSource,
    /// Maximal HR, bpm.
    pub max_bpm: f64,
    /// Where it came from.
    pub max_source: HeartRateSource,
}

/// A member's daily inputs, one entry per day of the summaries, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyInputs {
    /// The member-local dates.
    pub dates: Vec<NaiveDate>,
    /// lnHRV of the member's one metric.
    pub hrv: DailyLnHrv,
    /// Resting HR, bpm.
    pub resting_hr_bpm: Vec<Option<f64>>,
    /// Sleep of the night that ended that morning, seconds.
    pub sleep_s: Vec<Option<f64>>,
    /// Its efficiency, 0-1.
    pub sleep_efficiency: Vec<Option<f64>>,
    /// The scale of [`Self::load`].
    pub load_kind: LoadKind,
    /// The day's load, AU on the scale of [`Self::load_kind`]; 0 on a rest day.
    pub load: Vec<f64>,
    /// The heart rates of the TRIMP, when the load is TRIMP.
    pub trimp_heart_rates: Option<TrimpHeartRates>,
    /// Check-in wellness 0-1, 1 best.
    pub wellness: Vec<Option<f64>>,
    /// hs-CRP of the day's last draw, mg/L.
    pub crp_mg_l: Vec<Option<f64>>,
    /// Creatine kinase of the day's last draw, U/L.
    pub ck_u_l: Vec<Option<f64>>,
}

/// Turns consecutive daily summaries into the daily inputs (module doc). Refuses summaries that are
/// not consecutive days, oldest first, and an unusable profile.
pub fn daily_inputs(
    days: &[DailySummary],
    profile: &MemberProfile,
    settings: &InputSettings,
) -> Result<DailyInputs, ReadinessError> {
    profile.validate()?;
    for (day, pair) in days.windows(2).enumerate() {
        if pair[0].date.succ_opt() != Some(pair[1].date) {
            return Err(ReadinessError::NotConsecutive { day: day + 1 });
        }
    }
    let metric = choose_hrv_metric(days, profile, settings);
    let hrv = match metric {
        HrvMetric::Rmssd => DailyLnHrv::from_ln(
            metric,
            days.iter()
                .map(|d| d.hrv_rmssd.as_ref().map(|h| h.ln_rmssd))
                .collect(),
        ),
        HrvMetric::Sdnn => {
            let ms: Vec<Option<f64>> = days
                .iter()
                .map(|d| d.hrv_sdnn.as_ref().map(|h| h.sdnn_ms))
                .collect();
            DailyLnHrv::from_ms(metric, &ms)
        }
    };
    let resting_hr_bpm: Vec<Option<f64>> = days
        .iter()
        .map(|d| {
            d.resting_hr
                .as_ref()
                .map(|r| r.bpm)
                .filter(|v| v.is_finite() && *v > 0.0)
        })
        .collect();
    let (load_kind, trimp_heart_rates) = choose_load_kind(days, profile, settings);
    let load = days
        .iter()
        .map(|d| day_load(d, load_kind, trimp_heart_rates.as_ref(), profile.sex))
        .collect();
    Ok(DailyInputs {
        dates: days.iter().map(|d| d.date).collect(),
        hrv,
        resting_hr_bpm,
        sleep_s: days
            .iter()
            .map(|d| {
                d.sleep
                    .as_ref()
                    .map(|s| s.asleep_s.unwrap_or(s.in_bed_s))
                    .filter(|v| v.is_finite() && *v > 0.0)
            })
            .collect(),
        sleep_efficiency: days
            .iter()
            .map(|d| {
                d.sleep
                    .as_ref()
                    .and_then(|s| s.efficiency)
                    .filter(|v| v.is_finite())
            })
            .collect(),
        load_kind,
        load,
        trimp_heart_rates,
        wellness: days
            .iter()
            .map(|d| {
                d.check_in
                    .as_ref()
                    .map(|c| c.wellness)
                    .filter(|v| v.is_finite())
            })
            .collect(),
        crp_mg_l: days.iter().map(|d| last_lab(&d.labs, crp_mg_l)).collect(),
        ck_u_l: days.iter().map(|d| last_lab(&d.labs, ck_u_l)).collect(),
    })
}

/// The HRV metric the member is scored on (module doc).
pub fn choose_hrv_metric(
    days: &[DailySummary],
    profile: &MemberProfile,
    settings: &InputSettings,
) -> HrvMetric {
    let recent = &days[days.len().saturating_sub(settings.metric_window_days)..];
    let count = |metric: HrvMetric| {
        recent
            .iter()
            .filter(|d| match metric {
                HrvMetric::Rmssd => d.hrv_rmssd.as_ref().is_some_and(|h| h.ln_rmssd.is_finite()),
                HrvMetric::Sdnn => d
                    .hrv_sdnn
                    .as_ref()
                    .is_some_and(|h| h.sdnn_ms.is_finite() && h.sdnn_ms > 0.0),
            })
            .count()
    };
    let (rmssd, sdnn) = (count(HrvMetric::Rmssd), count(HrvMetric::Sdnn));
    if let Some(preferred) = profile.preferred_hrv_metric {
        let n = match preferred {
            HrvMetric::Rmssd => rmssd,
            HrvMetric::Sdnn => sdnn,
        };
        if n > 0 {
            return preferred;
        }
    }
    if rmssd >= settings.rmssd_min_nights || rmssd >= sdnn {
        HrvMetric::Rmssd
    } else {
        HrvMetric::Sdnn
    }
}

/// The member's load scale and, for TRIMP, its heart rates (module doc).
pub fn choose_load_kind(
    days: &[DailySummary],
    profile: &MemberProfile,
    settings: &InputSettings,
) -> (LoadKind, Option<TrimpHeartRates>) {
    let rated = days.iter().filter(|d| d.load.training_sessions > 0).count();
    let training = days
        .iter()
        .filter(|d| d.load.training_sessions > 0 || !d.workouts.is_empty())
        .count();
    if rated > 0 && rated as f64 >= settings.session_rpe_min_share * training as f64 {
        return (LoadKind::SessionRpe, None);
    }
    if let Some(hr) = trimp_heart_rates(days, profile) {
        return (LoadKind::Trimp, Some(hr));
    }
    if rated > 0 {
        (LoadKind::SessionRpe, None)
    } else {
        (LoadKind::Unknown, None)
    }
}

/// Resting and maximal heart rates for TRIMP: the profile's, else the age-predicted maximum and
/// the member's observed values; `None` when either is unknown or the maximum is not above rest.
pub fn trimp_heart_rates(
    days: &[DailySummary],
    profile: &MemberProfile,
) -> Option<TrimpHeartRates> {
    let (rest_bpm, rest_source) = match profile.resting_hr_bpm {
        Some(v) => (v, HeartRateSource::Profile),
        None => {
            let mut values: Vec<f64> = days
                .iter()
                .filter_map(|d| d.resting_hr.as_ref().map(|r| r.bpm))
                .filter(|v| v.is_finite() && *v > 0.0)
                .collect();
            if values.is_empty() {
                return None;
            }
            values.sort_by(f64::total_cmp);
            (values[values.len() / 2], HeartRateSource::Observed)
        }
    };
    let (max_bpm, max_source) = match (profile.max_hr_bpm, profile.age_years) {
        (Some(v), _) => (v, HeartRateSource::Profile),
        (None, Some(age)) => (208.0 - 0.7 * age, HeartRateSource::AgePredicted),
        (None, None) => {
            let seen = days
                .iter()
                .flat_map(|d| d.workouts.iter())
                .flat_map(|w| [w.max_hr_bpm, w.avg_hr_bpm])
                .flatten()
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            (seen, HeartRateSource::Observed)
        }
    };
    (max_bpm.is_finite() && max_bpm > rest_bpm).then_some(TrimpHeartRates {
        rest_bpm,
        rest_source,
        max_bpm,
        max_source,
    })
}

/// The day's load on the member's scale. A workout TRIMP refuses (unusable duration or heart rate)
/// adds nothing; an average above the maximum is taken at the maximum (the maximum is out of date,
/// and extrapolating the exponential would inflate the load; [`crate::load::trimp`]).
fn day_load(day: &DailySummary, kind: LoadKind, hr: Option<&TrimpHeartRates>, sex: Sex) -> f64 {
    let load = match (kind, hr) {
        (LoadKind::SessionRpe, _) => day.load.session_rpe_load,
        (LoadKind::Trimp, Some(hr)) => day
            .workouts
            .iter()
            .filter_map(|w| {
                let avg = w.avg_hr_bpm?.min(hr.max_bpm);
                banister_trimp(w.duration_s / 60.0, avg, hr.rest_bpm, hr.max_bpm, sex)
                    .ok()
                    .map(|t| t.trimp)
            })
            // From +0.0: `sum` of nothing is -0.0, which a display shows as "-0".
            .fold(0.0, |total, t| total + t),
        _ => 0.0,
    };
    if load.is_finite() && load >= 0.0 {
        load
    } else {
        0.0
    }
}

/// The value of the day's last draw of an analyte, in the unit `convert` brings it to.
fn last_lab(labs: &[LabEntry], convert: fn(&LabEntry) -> Option<f64>) -> Option<f64> {
    labs.iter()
        .filter_map(|l| convert(l).map(|v| (l.collected_at, v)))
        .max_by_key(|(at, _)| *at)
        .map(|(_, v)| v)
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// An hs-CRP result (LOINC 30522-7) in mg/L: reported in mg/L, or in mg/dL (x 10). Other units
/// are not read.
pub fn crp_mg_l(lab: &LabEntry) -> Option<f64> {
    if lab.loinc != loinc::HS_CRP.code {
        return None;
    }
    match lab.unit.trim().to_ascii_lowercase().as_str() {
        "mg/l" => Some(lab.value),
        "mg/dl" => Some(lab.value * 10.0),
        _ => None,
    }
}

/// A creatine kinase result (LOINC 2157-6) in U/L (IU/L is the same unit). Other units are not
/// read.
pub fn ck_u_l(lab: &LabEntry) -> Option<f64> {
    if lab.loinc != loinc::CREATINE_KINASE.code {
        return None;
    }
    match lab.unit.trim().to_ascii_lowercase().as_str() {
        "u/l" | "iu/l" => Some(lab.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{ActivityType, TrainingClass};
    use crate::summary::{
        LoadInputs, RestingHr, RmssdMethod, RmssdNight, SdnnNight, WorkoutSummary,
    };
    use chrono::{DateTime, FixedOffset};

    fn day(i: u64) -> DailySummary {
        DailySummary {
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(i),
            sleep: None,
            hrv_rmssd: None,
            hrv_sdnn: None,
            resting_hr: None,
            workouts: Vec::new(),
            load: LoadInputs::default(),
            check_in: None,
            recovery: Vec::new(),
            labs: Vec::new(),
        }
    }

    fn rmssd(ln: f64) -> Option<RmssdNight> {
        Some(RmssdNight {
            ln_rmssd: ln,
            rmssd_ms: ln.exp(),
            readings: 1,
            method: RmssdMethod::BeatToBeat,
            source: "w".into(),
        })
    }

    fn sdnn(ms: f64) -> Option<SdnnNight> {
        Some(SdnnNight {
            sdnn_ms: ms,
            readings: 1,
            source: "w".into(),
        })
    }

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2025-01-01T17:00:00+01:00").unwrap()
    }

    fn workout(minutes: f64, avg: f64) -> WorkoutSummary {
        WorkoutSummary {
            activity: ActivityType::Running,
            training_class: TrainingClass::Endurance,
            start: at(),
            duration_s: minutes * 60.0,
            active_energy_kcal: None,
            avg_hr_bpm: Some(avg),
            max_hr_bpm: Some(avg + 10.0),
            hr_minutes: Some(minutes * avg),
            source: "w".into(),
        }
    }

    #[test]
    fn an_apple_watch_member_with_a_few_beat_to_beat_nights_stays_on_sdnn() {
        let settings = InputSettings::default();
        let profile = MemberProfile::new(Sex::Female);
        // SDNN every night for 30 nights, RMSSD on 5 of them.
        let days: Vec<DailySummary> = (0..30)
            .map(|i| {
                let mut d = day(i);
                d.hrv_sdnn = sdnn(50.0);
                if i % 6 == 0 {
                    d.hrv_rmssd = rmssd(3.7);
                }
                d
            })
            .collect();
        assert_eq!(
            choose_hrv_metric(&days, &profile, &settings),
            HrvMetric::Sdnn
        );
        let inputs = daily_inputs(&days, &profile, &settings).unwrap();
        assert_eq!(inputs.hrv.metric(), HrvMetric::Sdnn);
        // ln 50 every night; the RMSSD nights are not mixed in.
        assert!(
            inputs
                .hrv
                .ln_values()
                .iter()
                .all(|v| (v.unwrap() - 50.0_f64.ln()).abs() < 1e-12)
        );
        // With RMSSD on 14 nights RMSSD comes first; a preferred metric with data wins.
        let days: Vec<DailySummary> = days
            .into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                if i < 14 {
                    d.hrv_rmssd = rmssd(3.7);
                }
                d
            })
            .collect();
        assert_eq!(
            choose_hrv_metric(&days, &profile, &settings),
            HrvMetric::Rmssd
        );
        let prefer = MemberProfile {
            preferred_hrv_metric: Some(HrvMetric::Sdnn),
            ..profile
        };
        assert_eq!(
            choose_hrv_metric(&days, &prefer, &settings),
            HrvMetric::Sdnn
        );
    }

    #[test]
    fn load_is_session_rpe_when_rated_else_trimp() {
        let settings = InputSettings::default();
        let profile = MemberProfile {
            resting_hr_bpm: Some(60.0),
            max_hr_bpm: Some(200.0),
            ..MemberProfile::new(Sex::Male)
        };
        // Day 0: a rated 60-min session at RPE 7 (420 AU) with its workout; day 1: rest.
        let mut d0 = day(0);
        d0.workouts.push(workout(60.0, 144.0));
        d0.load = LoadInputs {
            hr_minutes: 60.0 * 144.0,
            session_rpe_load: 420.0,
            training_sessions: 1,
        };
        let days = vec![d0.clone(), day(1)];
        let inputs = daily_inputs(&days, &profile, &settings).unwrap();
        assert_eq!(inputs.load_kind, LoadKind::SessionRpe);
        assert_eq!(inputs.load, vec![420.0, 0.0]);
        // Unrated: TRIMP of 60 min at 144 bpm, rest 60, max 200 (HRr 0.6), men: 72.9104398 AU
        // (the worked example of crate::load::trimp).
        d0.load = LoadInputs::default();
        let days = vec![d0, day(1)];
        let inputs = daily_inputs(&days, &profile, &settings).unwrap();
        assert_eq!(inputs.load_kind, LoadKind::Trimp);
        assert!((inputs.load[0] - 72.910_439_795).abs() < 1e-6);
        assert_eq!(inputs.load[1], 0.0);
        // Without profile heart rates: the median resting HR and the highest workout HR seen.
        let mut days = days;
        days[1].resting_hr = Some(RestingHr {
            bpm: 55.0,
            source: "w".into(),
        });
        let hr = trimp_heart_rates(&days, &MemberProfile::new(Sex::Male)).unwrap();
        assert_eq!((hr.rest_bpm, hr.max_bpm), (55.0, 154.0));
        assert_eq!(hr.max_source, HeartRateSource::Observed);
        // Age-predicted: 208 - 0.7 x 40 = 180.
        let aged = MemberProfile {
            age_years: Some(40.0),
            ..MemberProfile::new(Sex::Male)
        };
        assert!((trimp_heart_rates(&days, &aged).unwrap().max_bpm - 180.0).abs() < 1e-12);
    }

    #[test]
    fn days_must_be_consecutive_and_labs_are_converted() {
        let settings = InputSettings::default();
        let profile = MemberProfile::new(Sex::Male);
        assert_eq!(
            daily_inputs(&[day(0), day(2)], &profile, &settings),
            Err(ReadinessError::NotConsecutive { day: 1 })
        );
        let lab = |loinc: &str, value: f64, unit: &str| LabEntry {
            loinc: loinc.into(),
            name: None,
            value,
            unit: unit.into(),
            flag: None,
            collected_at: at(),
        };
        assert_eq!(crp_mg_l(&lab("30522-7", 0.4, "mg/dL")), Some(4.0));
        assert_eq!(crp_mg_l(&lab("30522-7", 4.0, "mg/L")), Some(4.0));
        assert_eq!(crp_mg_l(&lab("30522-7", 4.0, "nmol/L")), None);
        assert_eq!(crp_mg_l(&lab("2157-6", 4.0, "mg/L")), None);
        assert_eq!(ck_u_l(&lab("2157-6", 900.0, "IU/L")), Some(900.0));
        let bad = MemberProfile {
            max_hr_bpm: Some(f64::NAN),
            ..profile
        };
        assert!(matches!(
            daily_inputs(&[day(0)], &bad, &settings),
            Err(ReadinessError::Profile {
                field: "max_hr_bpm",
                ..
            })
        ));
    }
}
