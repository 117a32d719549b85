//! The decision rules on hand-made daily inputs, with hand-derived numbers.
//!
//! The history: 20 days of lnRMSSD alternating 4.0, 4.2 (days 0-19) and resting HR 50 bpm, then
//! today (day 20). Today's normal range is days 0-19: mean 4.1, sample SD sqrt(20 x 0.01 / 19) =
//! 0.1025978 (bounds 4.1 -/+ 0.0512989). Kiviniemi's reference is days 10-19: mean 4.1, SD
//! sqrt(10 x 0.01 / 9) = 0.1054093. The week is days 14-20: 4.0, 4.2, 4.0, 4.2, 4.0, 4.2 and
//! today, so its mean is (24.6 + today) / 7. Resting HR: baseline days 0-19, mean 50, SD 0.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::super::inputs::{DailyInputs, LoadKind};
use super::super::{DailyLnHrv, HrvMetric};
use super::*;

fn history(today_ln: f64, today_rhr: f64) -> DailyInputs {
    let mut ln: Vec<Option<f64>> = (0..20)
        .map(|i| Some(if i % 2 == 0 { 4.0 } else { 4.2 }))
        .collect();
    ln.push(Some(today_ln));
    let mut rhr = vec![Some(50.0); 20];
    rhr.push(Some(today_rhr));
    inputs(ln, rhr)
}

fn inputs(ln: Vec<Option<f64>>, rhr: Vec<Option<f64>>) -> DailyInputs {
    let n = ln.len();
    let start = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default();
    DailyInputs {
        dates: (0..n)
            .map(|i| start + chrono::Days::new(i as u64))
            .collect(),
        hrv: DailyLnHrv::from_ln(HrvMetric::Rmssd, ln),
        resting_hr_bpm: rhr,
        sleep_s: vec![None; n],
        sleep_efficiency: vec![None; n],
        load_kind: LoadKind::Unknown,
        load: vec![0.0; n],
        trimp_heart_rates: None,
        wellness: vec![None; n],
        crp_mg_l: vec![None; n],
        ck_u_l: vec![None; n],
    }
}

fn today(inputs: &DailyInputs) -> DayReadiness {
    let days = assess_inputs(inputs, Sex::Male, &ReadinessSettings::default()).unwrap();
    days.last().cloned().unwrap()
}

fn points(day: &DayReadiness, name: ComponentName) -> Option<f64> {
    day.components
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.points)
}

fn codes(day: &DayReadiness) -> Vec<ReasonCode> {
    day.reasons.iter().map(|r| r.code).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_day_on_every_baseline_scores_the_base() {
    // Week mean (24.6 + 4.1) / 7 = 4.1, on the range's mean; today 4.1 on the reference mean;
    // resting HR on its baseline. 75: push.
    let day = today(&history(4.1, 50.0));
    assert_eq!(day.state, ReadinessState::Scored);
    assert_eq!(day.score, Some(75));
    assert_eq!(day.recommendation, Some(Recommendation::Push));
    assert!(close(points(&day, ComponentName::HrvWeek).unwrap(), 0.0));
    let week = day
        .components
        .iter()
        .find(|c| c.name == ComponentName::HrvWeek)
        .unwrap();
    assert_eq!(week.metric, Some(HrvMetric::Rmssd));
    let base = week.baseline.unwrap();
    assert!(close(base.mean, 4.1));
    assert!(close(base.lower.unwrap(), 4.1 - 0.5 * 0.102_597_835));
    assert_eq!(codes(&day), vec![ReasonCode::HrvWithinNormalRange]);
}

#[test]
fn one_noisy_night_alone_keeps_green() {
    // Today 3.9: week (24.6 + 3.9) / 7 = 4.0714286, z = -0.0285714 / 0.1025978 = -0.278480,
    // 16 z = -4.45568 (within the range: the lower bound is 4.0487). Today z = -0.2 / 0.1054093
    // = -1.897367, 1.5 z = -2.84605. 75 - 4.45568 - 2.84605 = 67.698: 68, push. The night is
    // below the reference (3.9 < 3.99459) but resting HR is not up: no recover.
    let day = today(&history(3.9, 50.0));
    assert!(close(
        points(&day, ComponentName::HrvWeek).unwrap(),
        -4.455_677
    ));
    assert!(close(
        points(&day, ComponentName::HrvToday).unwrap(),
        -2.846_050
    ));
    assert_eq!(day.score, Some(68));
    assert_eq!(day.recommendation, Some(Recommendation::Push));
    assert!(codes(&day).contains(&ReasonCode::HrvLowLastNight));
}

#[test]
fn a_week_below_the_range_is_never_push() {
    // Today 3.5: week 28.1 / 7 = 4.0142857, z = -0.0857143 / 0.1025978 = -0.835440:
    // 16 z = -13.36703 plus 20 (z + 0.5) = -6.70879, -20.07582. Today z = -5.69, bounded to -3.
    // 75 - 23.07582 = 51.924: 52, maintain.
    let day = today(&history(3.5, 50.0));
    assert!(close(
        points(&day, ComponentName::HrvWeek).unwrap(),
        -20.075_823
    ));
    assert!(close(points(&day, ComponentName::HrvToday).unwrap(), -3.0));
    assert_eq!(day.score, Some(52));
    assert_eq!(day.recommendation, Some(Recommendation::Maintain));
    assert_eq!(day.reasons[0].code, ReasonCode::HrvBelowNormalRange);
    assert_eq!(day.reasons[0].severity, Severity::Warning);
    assert_eq!(
        day.reasons[0].text,
        "Your 7-day HRV is below your normal range."
    );

    // Below the range by the week but with a high score otherwise: the cap holds it at 66.
    let mut settings = ReadinessSettings::default();
    settings.score.base = 100.0;
    let days = assess_inputs(&history(3.5, 50.0), Sex::Male, &settings).unwrap();
    let day = days.last().unwrap();
    assert_eq!(day.recommendation, Some(Recommendation::Maintain));
    assert_eq!(day.score, Some(66));
    // 100 - 23.07582 = 76.92418 lowered to 66: the rules take 10.92418.
    assert!(close(
        points(day, ComponentName::DecisionRules).unwrap(),
        66.0 - 76.924_177
    ));
}

#[test]
fn a_sharp_drop_with_resting_hr_up_is_recover() {
    // As above with resting HR 54: +4 bpm, elevated (>= 3), -8 points: 43.924, then Kiviniemi's
    // drop with resting HR up: recover, the score lowered to 33.
    let day = today(&history(3.5, 54.0));
    assert!(close(points(&day, ComponentName::RestingHr).unwrap(), -8.0));
    assert_eq!(day.recommendation, Some(Recommendation::Recover));
    assert_eq!(day.score, Some(33));
    assert!(close(
        points(&day, ComponentName::DecisionRules).unwrap(),
        33.0 - 43.924_177
    ));
    let total: f64 = 75.0 + day.components.iter().map(|c| c.points).sum::<f64>();
    assert!(close(total, 33.0));
    assert!(codes(&day).contains(&ReasonCode::HrvDropWithRestingHrUp));
}

#[test]
fn falling_two_days_leans_to_recover() {
    // Days 18, 19 = 4.2, 4.15 and today 4.1: 4.2 > 4.15 > 4.1, a two-day fall. The week (4.0,
    // 4.2, 4.0, 4.2, 4.2, 4.15, 4.1) is above the range's mean, so the score alone is green; the
    // trend costs 8 and holds the call at maintain.
    let mut ln: Vec<Option<f64>> = (0..20)
        .map(|i| Some(if i % 2 == 0 { 4.0 } else { 4.2 }))
        .collect();
    ln[18] = Some(4.2);
    ln[19] = Some(4.15);
    ln.push(Some(4.1));
    let day = today(&inputs(ln, vec![Some(50.0); 21]));
    assert!(close(points(&day, ComponentName::HrvTrend).unwrap(), -8.0));
    assert!(codes(&day).contains(&ReasonCode::HrvFallingTwoDays));
    assert_eq!(day.recommendation, Some(Recommendation::Maintain));
}

#[test]
fn sleep_check_in_and_labs_pull_the_call_down() {
    let mut h = history(4.1, 50.0);
    let n = h.dates.len();
    // 5.5 h against the default 8 h need (too few nights for a personal need): ratio 0.6875,
    // 50 x (0.9 - 0.6875) = 10.625, short (< 0.75): at most maintain.
    h.sleep_s[n - 1] = Some(5.5 * 3600.0);
    let day = today(&h);
    assert!(close(points(&day, ComponentName::Sleep).unwrap(), -10.625));
    assert_eq!(day.score, Some(64));
    assert_eq!(day.recommendation, Some(Recommendation::Maintain));

    // A bad McLean check-in (all items 2: wellness 0.25): -7.5 and at most maintain.
    let mut h = history(4.1, 50.0);
    h.wellness[n - 1] = Some(0.25);
    let day = today(&h);
    assert!(close(points(&day, ComponentName::CheckIn).unwrap(), -7.5));
    assert_eq!(day.recommendation, Some(Recommendation::Maintain));

    // hs-CRP 2.0 mg/L twelve days ago and 6.0 today: high (-8) and rising (-4): 63, maintain.
    let mut h = history(4.1, 50.0);
    h.crp_mg_l[n - 13] = Some(2.0);
    h.crp_mg_l[n - 1] = Some(6.0);
    let day = today(&h);
    assert!(close(points(&day, ComponentName::HsCrp).unwrap(), -12.0));
    assert_eq!(day.score, Some(63));
    assert!(codes(&day).contains(&ReasonCode::CrpHigh));
    assert!(codes(&day).contains(&ReasonCode::CrpRising));
    // A draw 8 days old no longer counts (7 days, default).
    let mut h = history(4.1, 50.0);
    h.crp_mg_l[n - 9] = Some(6.0);
    assert_eq!(points(&today(&h), ComponentName::HsCrp), None);

    // CK 1500 U/L (men's limit 1083): -6, at most maintain.
    let mut h = history(4.1, 50.0);
    h.ck_u_l[n - 2] = Some(1500.0);
    let day = today(&h);
    assert!(close(
        points(&day, ComponentName::CreatineKinase).unwrap(),
        -6.0
    ));
    assert_eq!(day.recommendation, Some(Recommendation::Maintain));
}

#[test]
fn calibrating_and_unscorable_days() {
    // Ten days: calibrating, never a score or a call, days left falling by one a day.
    let h = inputs(vec![Some(4.0); 10], vec![Some(50.0); 10]);
    let days = assess_inputs(&h, Sex::Female, &ReadinessSettings::default()).unwrap();
    let left: Vec<usize> = days
        .iter()
        .map(|d| match d.state {
            ReadinessState::Calibrating { days_left } => days_left,
            _ => usize::MAX,
        })
        .collect();
    assert_eq!(left, vec![14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
    assert!(
        days.iter()
            .all(|d| d.score.is_none() && d.recommendation.is_none())
    );
    assert_eq!(days[0].reasons[0].code, ReasonCode::Calibrating);

    // Established, then five nights without HRV: the week holds 2 valid days: unscorable.
    let mut ln = vec![Some(4.0); 20];
    ln.extend([None; 5]);
    let days = assess_inputs(
        &inputs(ln, vec![Some(50.0); 25]),
        Sex::Male,
        &ReadinessSettings::default(),
    )
    .unwrap();
    assert_eq!(days[22].state, ReadinessState::Scored);
    assert_eq!(
        days[24].state,
        ReadinessState::Unscorable {
            missing: vec![MissingInput::Hrv]
        }
    );
    assert_eq!(days[24].score, None);
}

#[test]
fn json_keys() {
    let day = today(&history(3.5, 54.0));
    let json = serde_json::to_value(&day).unwrap();
    for key in [
        "date",
        "state",
        "score",
        "recommendation",
        "components",
        "reasons",
        "flags",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["recommendation"], "recover");
    assert_eq!(json["state"]["kind"], "scored");
    assert_eq!(json["reasons"][0]["code"], "hrv_below_normal_range");
}

#[test]
fn mismatched_lengths_and_settings_are_refused() {
    let mut h = history(4.1, 50.0);
    h.wellness.pop();
    assert!(matches!(
        assess_inputs(&h, Sex::Male, &ReadinessSettings::default()),
        Err(ReadinessError::InvalidInput {
            field: "wellness",
            ..
        })
    ));
    let mut settings = ReadinessSettings::default();
    settings.rules.sleep_ok_ratio = 2.0;
    assert!(assess_inputs(&history(4.1, 50.0), Sex::Male, &settings).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// No finite input panics, and every score is 0-100.
    #[test]
    fn finite_inputs_never_panic(
        ln in proptest::collection::vec(proptest::option::of(-10.0f64..10.0), 0..90),
        rhr in proptest::collection::vec(proptest::option::of(-50.0f64..250.0), 90),
        sleep in proptest::collection::vec(proptest::option::of(-1.0e5f64..1.0e5), 90),
        eff in proptest::collection::vec(proptest::option::of(-2.0f64..2.0), 90),
        load in proptest::collection::vec(0.0f64..5000.0, 90),
        wellness in proptest::collection::vec(proptest::option::of(-1.0f64..2.0), 90),
        lab in proptest::collection::vec(proptest::option::of(-10.0f64..1.0e4), 90),
        kind in 0usize..3,
    ) {
        let n = ln.len();
        let mut h = inputs(ln, rhr[..n].to_vec());
        h.sleep_s = sleep[..n].to_vec();
        h.sleep_efficiency = eff[..n].to_vec();
        h.load = load[..n].to_vec();
        h.load_kind = [LoadKind::SessionRpe, LoadKind::Trimp, LoadKind::Unknown][kind];
        h.wellness = wellness[..n].to_vec();
        h.crp_mg_l = lab[..n].to_vec();
        h.ck_u_l = lab[..n].iter().rev().copied().collect();
        let days = assess_inputs(&h, Sex::Male, &ReadinessSettings::default()).unwrap();
        prop_assert_eq!(days.len(), n);
        for d in &days {
            if let Some(s) = d.score {
                prop_assert!(s <= 100);
            }
            if !matches!(d.state, ReadinessState::Scored) {
                prop_assert!(d.recommendation.is_none());
            }
        }
    }
}
