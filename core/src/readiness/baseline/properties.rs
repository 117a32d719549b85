//! Properties of the baselines that hold for every input, checked on generated series.

use proptest::prelude::*;

use super::{
    BaselineSettings, DailyLnHrv, HrvBaselineSettings, HrvMetric, hrv_baseline, hrv_calibration,
    resting_hr_baseline, resting_hr_calibration, sleep_against_need, sleep_regularity,
};

/// Plausible daily lnRMSSD (RMSSD about 7-150 ms) with missing days.
fn ln_series(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Option<f64>>> {
    prop::collection::vec(prop::option::weighted(0.7, 2.0..5.0f64), len)
}

/// Any value at all, finite or not, with missing days.
fn any_series(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Option<f64>>> {
    prop::collection::vec(prop::option::of(any::<f64>()), len)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Adding c to every lnHRV (multiplying HRV by e^c) shifts every mean and the normal range by
    /// c and leaves every SD as it was.
    #[test]
    fn a_constant_shifts_means_and_keeps_spread(ln in ln_series(0..150), c in -3.0..3.0f64) {
        let settings = HrvBaselineSettings::default();
        let shifted: Vec<Option<f64>> = ln.iter().map(|v| v.map(|x| x + c)).collect();
        let a = hrv_baseline(&DailyLnHrv::from_ln(HrvMetric::Rmssd, ln), &settings).unwrap();
        let b = hrv_baseline(&DailyLnHrv::from_ln(HrvMetric::Rmssd, shifted), &settings).unwrap();
        for (x, y) in a.days.iter().zip(&b.days) {
            prop_assert_eq!(x.week.is_some(), y.week.is_some());
            if let (Some(x), Some(y)) = (x.week, y.week) {
                prop_assert_eq!(x.n_valid, y.n_valid);
                prop_assert!(close(y.mean, x.mean + c));
                prop_assert!(close(y.sd, x.sd));
            }
            prop_assert_eq!(x.normal_range.is_some(), y.normal_range.is_some());
            if let (Some(x), Some(y)) = (x.normal_range, y.normal_range) {
                prop_assert!(close(y.stats.mean, x.stats.mean + c));
                prop_assert!(close(y.stats.sd, x.stats.sd));
                prop_assert!(close(y.lower, x.lower + c));
                prop_assert!(close(y.upper, x.upper + c));
            }
            prop_assert_eq!(x.reference.is_some(), y.reference.is_some());
            if let (Some(x), Some(y)) = (x.reference, y.reference) {
                prop_assert!(close(y.mean, x.mean + c));
                prop_assert!(close(y.sd, x.sd));
            }
        }
    }

    /// No input makes a baseline panic: finite or not, huge or tiny, or no reading at all.
    #[test]
    fn no_input_panics(values in any_series(0..120), all_missing in 0usize..100) {
        let s = BaselineSettings::default();
        for series in [values, vec![None; all_missing]] {
            for metric in [HrvMetric::Rmssd, HrvMetric::Sdnn] {
                let ln = DailyLnHrv::from_ln(metric, series.clone());
                let ms = DailyLnHrv::from_ms(metric, &series);
                prop_assert_eq!(hrv_baseline(&ln, &s.hrv).unwrap().days.len(), series.len());
                prop_assert_eq!(hrv_baseline(&ms, &s.hrv).unwrap().days.len(), series.len());
                hrv_calibration(&ln, &s.hrv).unwrap();
            }
            prop_assert_eq!(resting_hr_baseline(&series, &s.resting_hr).unwrap().len(), series.len());
            resting_hr_calibration(&series, &s.resting_hr).unwrap();
            prop_assert_eq!(sleep_against_need(&series, &s.sleep).unwrap().len(), series.len());
            let regularity = sleep_regularity(&series, &s.sleep).unwrap();
            prop_assert_eq!(regularity.len(), series.len());
        }
    }

    /// Regularity of finite midpoints: the mean midpoint lies within the day and the SD is at most
    /// that of distances bounded by 12 h.
    #[test]
    fn regularity_stays_in_bounds(
        midpoints in prop::collection::vec(prop::option::of(-1e6..1e6f64), 0..60),
    ) {
        for r in sleep_regularity(&midpoints, &BaselineSettings::default().sleep)
            .unwrap()
            .into_iter()
            .flatten()
        {
            prop_assert!((0.0..1440.0).contains(&r.mean_midpoint_min));
            prop_assert!(r.sd_min >= 0.0 && r.sd_min <= 720.0 * 2.0);
        }
    }

    /// The calibration's days left are exact: that many further valid days establish the baseline,
    /// one fewer do not.
    #[test]
    fn days_left_are_exact(ln in prop::collection::vec(prop::option::weighted(0.4, 3.0..5.0f64), 0..90)) {
        let settings = HrvBaselineSettings::default();
        let series = |extra: usize| {
            let mut v = ln.clone();
            v.extend(std::iter::repeat_n(Some(4.0), extra));
            DailyLnHrv::from_ln(HrvMetric::Rmssd, v)
        };
        let c = hrv_calibration(&series(0), &settings).unwrap();
        prop_assert_eq!(c.established, c.days_left == 0);
        let after = series(c.days_left);
        prop_assert!(hrv_calibration(&after, &settings).unwrap().established);
        let today = hrv_baseline(&after, &settings).unwrap().days.pop();
        prop_assert!(today.is_some_and(|d| d.week.is_some() && d.normal_range.is_some()));
        if c.days_left > 0 {
            prop_assert!(!hrv_calibration(&series(c.days_left - 1), &settings).unwrap().established);
        }
    }
}
