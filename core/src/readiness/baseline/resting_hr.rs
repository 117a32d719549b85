//! Resting heart rate against the member's own baseline.
//!
//! Resting HR rises with accumulated fatigue, illness, alcohol and heat; Oura flags a rise of
//! 3-5 bpm over the member's baseline. The baseline is the mean and SD of the days before today
//! ([`RestingHrSettings::baseline`], 30 days by default), so that a raised morning does not lift
//! the baseline it is measured against; the day's deviation is its reading minus that mean, in
//! bpm, and in SDs of the baseline beside it.

use serde::Serialize;

use super::{BaselineError, RestingHrSettings, WindowStats, valid, window_stats};

/// The resting heart rate of one day against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestingHrDay {
    /// The day's resting HR, bpm; `None` without a valid reading.
    pub bpm: Option<f64>,
    /// Count, mean and SD of the baseline window.
    pub baseline: Option<WindowStats>,
    /// The day's reading minus the baseline mean, bpm.
    pub deviation_bpm: Option<f64>,
    /// [`Self::deviation_bpm`] in SDs of the baseline; `None` when the baseline SD is 0.
    pub deviation_sd: Option<f64>,
    /// The deviation is at least [`RestingHrSettings::elevated_bpm`].
    pub elevated: Option<bool>,
}

/// A resting HR reading counts when it is finite and above zero.
pub(crate) fn valid_bpm(bpm: Option<f64>) -> Option<f64> {
    valid(bpm).filter(|&x| x > 0.0)
}

/// Computes the resting HR baseline of every day of `bpm` (one entry per consecutive member-local
/// day, oldest first).
pub fn resting_hr_baseline(
    bpm: &[Option<f64>],
    settings: &RestingHrSettings,
) -> Result<Vec<RestingHrDay>, BaselineError> {
    settings.validate()?;
    let cleaned: Vec<Option<f64>> = bpm.iter().map(|&v| valid_bpm(v)).collect();
    Ok((0..cleaned.len())
        .map(|day| {
            let bpm = cleaned[day];
            let baseline = window_stats(&cleaned, day, &settings.baseline);
            let deviation_bpm = bpm.zip(baseline).map(|(x, b)| x - b.mean);
            let deviation_sd = deviation_bpm
                .zip(baseline)
                .filter(|(_, b)| b.sd > 0.0)
                .map(|(d, b)| d / b.sd);
            RestingHrDay {
                bpm,
                baseline,
                deviation_bpm,
                deviation_sd,
                elevated: deviation_bpm.map(|d| d >= settings.elevated_bpm),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::{Window, WindowEnd};
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn hand_derived_deviation() {
        let settings = RestingHrSettings {
            baseline: Window {
                days: 4,
                min_valid: 3,
                end: WindowEnd::Yesterday,
            },
            elevated_bpm: 3.0,
        };
        // Baseline of day 4 = days 0..4: 50, 52, missing, 54 -> mean 52, SD sqrt((4 + 0 + 4) / 2)
        // = 2. Day 4 reads 56: +4 bpm = +2 SD, elevated. Day 5 reads 54 against 52, (missing),
        // 54, 56 -> mean 54, SD 2: +0, not elevated.
        let bpm = [
            Some(50.0),
            Some(52.0),
            None,
            Some(54.0),
            Some(56.0),
            Some(54.0),
        ];
        let days = resting_hr_baseline(&bpm, &settings).unwrap();
        let d4 = &days[4];
        assert!(close(d4.baseline.unwrap().mean, 52.0));
        assert!(close(d4.baseline.unwrap().sd, 2.0));
        assert!(close(d4.deviation_bpm.unwrap(), 4.0));
        assert!(close(d4.deviation_sd.unwrap(), 2.0));
        assert_eq!(d4.elevated, Some(true));
        assert!(close(days[5].deviation_bpm.unwrap(), 0.0));
        assert_eq!(days[5].elevated, Some(false));
        // Day 3's window (days 0..3) holds 2 valid readings: no baseline.
        assert_eq!(days[3].baseline, None);
        assert_eq!(days[3].elevated, None);
    }

    #[test]
    fn the_default_needs_two_weeks_and_ignores_implausible_readings() {
        let settings = RestingHrSettings::default();
        let mut bpm = vec![Some(55.0); 13];
        bpm.push(Some(0.0));
        bpm.push(Some(f64::NAN));
        bpm.push(Some(60.0));
        let days = resting_hr_baseline(&bpm, &settings).unwrap();
        // 13 valid days before the last: one short of 14.
        assert_eq!(days[15].bpm, Some(60.0));
        assert_eq!(days[15].baseline, None);
        bpm.insert(0, Some(55.0));
        let days = resting_hr_baseline(&bpm, &settings).unwrap();
        let today = days.last().unwrap();
        assert_eq!(today.baseline.unwrap().n_valid, 14);
        assert!(close(today.deviation_bpm.unwrap(), 5.0));
        // A flat baseline has no SD to measure against.
        assert_eq!(today.deviation_sd, None);
        assert_eq!(today.elevated, Some(true));
    }

    /// Cross-check against pandas 3.1.1:
    ///
    /// ```text
    /// python -c "import pandas as pd; n=None; x=pd.Series([52,54,n,51,53,55,n,n,50,52,56,54,n,53,58,n,51,52], dtype=float); y=x.shift(1).rolling(10,min_periods=6); print((x-y.mean()).tolist(), y.std(ddof=1).tolist(), sep='\n')"
    /// ```
    #[test]
    fn deviation_matches_pandas() {
        let n = None;
        let raw: [Option<f64>; 18] = [
            Some(52.0),
            Some(54.0),
            n,
            Some(51.0),
            Some(53.0),
            Some(55.0),
            n,
            n,
            Some(50.0),
            Some(52.0),
            Some(56.0),
            Some(54.0),
            n,
            Some(53.0),
            Some(58.0),
            n,
            Some(51.0),
            Some(52.0),
        ];
        let settings = RestingHrSettings {
            baseline: Window {
                days: 10,
                min_valid: 6,
                end: WindowEnd::Yesterday,
            },
            elevated_bpm: 3.0,
        };
        let days = resting_hr_baseline(&raw, &settings).unwrap();
        for (day, d) in days.iter().enumerate() {
            let expect = |v: f64| Some(v).filter(|v| !v.is_nan());
            match (d.deviation_bpm, expect(PANDAS_DEVIATION[day])) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "day {day}: {a} != {b}"),
                (a, b) => assert_eq!(a, b, "day {day}"),
            }
            match (d.baseline.map(|b| b.sd), expect(PANDAS_SD[day])) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "day {day}: {a} != {b}"),
                (a, b) => assert_eq!(a, b, "day {day}"),
            }
        }
    }

    const NAN: f64 = f64::NAN;
    /// `x - x.shift(1).rolling(10, min_periods=6).mean()`.
    const PANDAS_DEVIATION: [f64; 18] = [
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        -0.5,
        3.5714285714285694,
        1.0,
        NAN,
        0.0,
        4.714285714285715,
        NAN,
        -2.8333333333333357,
        -1.4285714285714306,
    ];
    /// `x.shift(1).rolling(10, min_periods=6).std(ddof=1)`.
    const PANDAS_SD: [f64; 18] = [
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        1.8708286933869709,
        1.7182493859684493,
        2.160246899469287,
        2.160246899469287,
        2.160246899469287,
        1.9760470401187074,
        2.645751311064592,
        2.857738033247043,
        2.819996622760558,
    ];
}
