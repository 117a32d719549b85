//! Sleep against the member's need, and the regularity of sleep timing.
//!
//! Day d's entry is the night that ended on the morning of day d (member-local).
//!
//! Need: [`SleepSettings::need_s`] (8 h) unless a personal need can be derived: the mean of the
//! member's nights before last night ([`SleepSettings::personal_need`], 60 nights, at least 14),
//! accepted only within 7-9 h. Habitual sleep is not need: a chronically short sleeper's mean is
//! below their need, and a mean outside the recommended range says more about circumstance than
//! about need, so the setting is used instead and the reason is given ([`SleepNeedSource`]).
//!
//! Debt: the sum over the week's valid nights ([`SleepSettings::debt`]) of need minus sleep, a long
//! night repaying earlier short ones within the week, and never below zero (a surplus is not
//! banked). A missing night adds nothing: nothing is known about it.
//!
//! Regularity: the sample SD, in minutes, of the sleep midpoints of the week
//! ([`SleepSettings::regularity`]). Midpoints are minutes after local midnight and wrap around it:
//! 23:30 and 00:30 are an hour apart, not 23. Each midpoint is taken as its signed distance (within
//! +/- 12 h) from the circular mean of the week's midpoints and the SD is that of those distances.
//! For anyone whose midpoints lie within 12 h of each other (everyone but a shift worker switching
//! between day and night sleep) this is the plain SD of the unwrapped times, and unlike measuring
//! from noon it also holds for day sleepers whose midpoints straddle noon.

use std::f64::consts::TAU;

use serde::Serialize;

use super::{BaselineError, SleepSettings, stats, valid, window_stats, window_values};

/// Minutes in a day.
const DAY_MIN: f64 = 1440.0;

/// Where the day's sleep need comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SleepNeedSource {
    /// Personal need is not derived ([`SleepSettings::derive_personal_need`] is off): the setting.
    Setting,
    /// Too few nights to derive a personal need yet: the setting.
    TooFewNights,
    /// The member's mean, within the accepted bounds.
    Personal,
    /// The member's mean lies outside the accepted bounds: the setting.
    OutsideBounds,
}

/// The sleep need of one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SleepNeed {
    /// The need, seconds.
    pub need_s: f64,
    /// Where it comes from.
    pub source: SleepNeedSource,
    /// The member's mean over the personal-need window, seconds, when there are enough nights
    /// (shown even when it lies outside the bounds, to explain why it was not used).
    pub personal_mean_s: Option<f64>,
}

/// The sleep debt of the week.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SleepDebt {
    /// Need minus sleep summed over the week's valid nights, floored at zero, seconds.
    pub debt_s: f64,
    /// Valid nights in the week.
    pub nights: usize,
}

/// Sleep against need for one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SleepNeedDay {
    /// Last night's sleep, seconds; `None` without a valid reading.
    pub slept_s: Option<f64>,
    /// The need the day is judged against.
    pub need: SleepNeed,
    /// The week's debt; `None` with fewer valid nights than [`SleepSettings::debt`] needs.
    pub debt: Option<SleepDebt>,
}

/// The regularity of the week's sleep timing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SleepRegularity {
    /// Valid nights in the week.
    pub nights: usize,
    /// Mean midpoint, minutes after local midnight, in [0, 1440).
    pub mean_midpoint_min: f64,
    /// Sample SD of the midpoints around that mean, minutes.
    pub sd_min: f64,
}

/// A night's sleep counts when it is finite and above zero.
fn valid_duration(s: Option<f64>) -> Option<f64> {
    valid(s).filter(|&x| x > 0.0)
}

/// Computes sleep against need for every day of `slept_s` (seconds asleep per night, one entry per
/// consecutive member-local day, oldest first).
pub fn sleep_against_need(
    slept_s: &[Option<f64>],
    settings: &SleepSettings,
) -> Result<Vec<SleepNeedDay>, BaselineError> {
    settings.validate()?;
    let cleaned: Vec<Option<f64>> = slept_s.iter().map(|&v| valid_duration(v)).collect();
    Ok((0..cleaned.len())
        .map(|day| {
            let need = need_on(&cleaned, day, settings);
            let debt = window_stats(&cleaned, day, &settings.debt).map(|week| SleepDebt {
                // Sum of (need - slept) = n x need - n x mean.
                debt_s: (week.n_valid as f64 * (need.need_s - week.mean)).max(0.0),
                nights: week.n_valid,
            });
            SleepNeedDay {
                slept_s: cleaned[day],
                need,
                debt,
            }
        })
        .collect())
}

fn need_on(cleaned: &[Option<f64>], day: usize, settings: &SleepSettings) -> SleepNeed {
    let setting = |source, personal_mean_s| SleepNeed {
        need_s: settings.need_s,
        source,
        personal_mean_s,
    };
    if !settings.derive_personal_need {
        return setting(SleepNeedSource::Setting, None);
    }
    match window_stats(cleaned, day, &settings.personal_need) {
        None => setting(SleepNeedSource::TooFewNights, None),
        Some(s)
            if (settings.personal_need_min_s..=settings.personal_need_max_s).contains(&s.mean) =>
        {
            SleepNeed {
                need_s: s.mean,
                source: SleepNeedSource::Personal,
                personal_mean_s: Some(s.mean),
            }
        }
        Some(s) => setting(SleepNeedSource::OutsideBounds, Some(s.mean)),
    }
}

/// Wraps minutes into [0, 1440).
fn wrap(min: f64) -> f64 {
    let m = min.rem_euclid(DAY_MIN);
    // rem_euclid of a tiny negative number rounds to 1440 itself.
    if m >= DAY_MIN { 0.0 } else { m }
}

/// Computes the regularity of every day's week from `midpoint_min` (each night's sleep midpoint in
/// minutes after local midnight; values outside [0, 1440) are wrapped into it).
pub fn sleep_regularity(
    midpoint_min: &[Option<f64>],
    settings: &SleepSettings,
) -> Result<Vec<Option<SleepRegularity>>, BaselineError> {
    settings.validate()?;
    let window = &settings.regularity;
    Ok((0..midpoint_min.len())
        .map(|day| {
            let (sin, cos) = window_values(midpoint_min, day, window)
                .map(|m| (m / DAY_MIN * TAU).sin_cos())
                .fold((0.0, 0.0), |(s, c), (ds, dc)| (s + ds, c + dc));
            // atan2(0, 0) is 0: midpoints spread evenly round the clock have no mean direction,
            // and their SD is as large as it gets whichever reference is used.
            let circular_mean = wrap(sin.atan2(cos) / TAU * DAY_MIN);
            let distances = window_values(midpoint_min, day, window)
                .map(|m| wrap(m - circular_mean + DAY_MIN / 2.0) - DAY_MIN / 2.0);
            stats(distances)
                .filter(|s| s.n_valid >= window.min_valid)
                .map(|s| SleepRegularity {
                    nights: s.n_valid,
                    mean_midpoint_min: wrap(circular_mean + s.mean),
                    sd_min: s.sd,
                })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 3600.0;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn fixed_need() -> SleepSettings {
        SleepSettings {
            derive_personal_need: false,
            ..SleepSettings::default()
        }
    }

    #[test]
    fn hand_derived_debt() {
        // Need 8 h. 7 h, 6 h, missing, 9 h: shortfalls 1 h + 2 h - 1 h = 2 h over 3 nights.
        let nights = [Some(7.0 * H), Some(6.0 * H), None, Some(9.0 * H)];
        let days = sleep_against_need(&nights, &fixed_need()).unwrap();
        let today = days.last().unwrap();
        assert_eq!(today.need.source, SleepNeedSource::Setting);
        let debt = today.debt.unwrap();
        assert_eq!(debt.nights, 3);
        assert!(close(debt.debt_s, 2.0 * H, 1e-6));
        // Two valid nights are too few for the week.
        assert_eq!(days[2].debt, None);
        // A surplus is not banked: 9 h, 9 h, 9 h against 8 h is no debt, not -3 h.
        let rested = sleep_against_need(&[Some(9.0 * H); 3], &fixed_need()).unwrap();
        assert_eq!(rested[2].debt.unwrap().debt_s, 0.0);
    }

    #[test]
    fn personal_need_within_bounds_only() {
        let settings = SleepSettings::default();
        // 14 nights of 7.5 h before last night: the personal need is 7.5 h. Last night 6.5 h:
        // the week (7 nights ending last night) holds six nights of 7.5 h and one of 6.5 h, debt
        // = 1 h.
        let mut nights = vec![Some(7.5 * H); 14];
        nights.push(Some(6.5 * H));
        let today = sleep_against_need(&nights, &settings)
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(today.need.source, SleepNeedSource::Personal);
        assert!(close(today.need.need_s, 7.5 * H, 1e-6));
        assert!(close(today.debt.unwrap().debt_s, 1.0 * H, 1e-6));
        // 13 nights: too few, the 8 h setting.
        let today = sleep_against_need(&nights[1..], &settings)
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(today.need.source, SleepNeedSource::TooFewNights);
        assert_eq!(today.need.need_s, 8.0 * H);
        // A habitual 6 h is restriction, not need: the setting, with the mean shown.
        let short = vec![Some(6.0 * H); 20];
        let today = sleep_against_need(&short, &settings)
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(today.need.source, SleepNeedSource::OutsideBounds);
        assert_eq!(today.need.need_s, 8.0 * H);
        assert!(close(today.need.personal_mean_s.unwrap(), 6.0 * H, 1e-6));
        assert!(close(today.debt.unwrap().debt_s, 14.0 * H, 1e-6));
    }

    #[test]
    fn regularity_wraps_around_midnight() {
        let settings = SleepSettings::default();
        // 23:30, 00:30, 01:30 are 1410, 30, 90 minutes after midnight: unwrapped 1410, 1470,
        // 1530, mean 1470 = 00:30, deviations -60, 0, 60, SD sqrt(7200 / 2) = 60. The naive SD of
        // 1410, 30, 90 would be 779.
        let week = sleep_regularity(&[Some(1410.0), Some(30.0), Some(90.0)], &settings).unwrap();
        let r = week[2].unwrap();
        assert_eq!(r.nights, 3);
        assert!(close(r.mean_midpoint_min, 30.0, 1e-9));
        assert!(close(r.sd_min, 60.0, 1e-9));
        // The same nights written as -30 and 1470 minutes.
        let week = sleep_regularity(&[Some(-30.0), Some(1470.0), Some(90.0)], &settings).unwrap();
        assert!(close(week[2].unwrap().sd_min, 60.0, 1e-9));
        // A day sleeper around noon (11:30, 12:30, 13:30): also 60, where measuring from noon
        // would wrap.
        let week = sleep_regularity(&[Some(690.0), Some(750.0), Some(810.0)], &settings).unwrap();
        let r = week[2].unwrap();
        assert!(close(r.mean_midpoint_min, 750.0, 1e-9));
        assert!(close(r.sd_min, 60.0, 1e-9));
        // A mean exactly at midnight stays in [0, 1440).
        let week = sleep_regularity(&[Some(1380.0), Some(60.0), None], &settings).unwrap();
        assert_eq!(week[2], None);
        let week = sleep_regularity(&[Some(1380.0), Some(60.0), Some(0.0)], &settings).unwrap();
        let m = week[2].unwrap().mean_midpoint_min;
        assert!((0.0..DAY_MIN).contains(&m));
        assert!(!(1e-9..=DAY_MIN - 1e-9).contains(&m));
    }

    /// Cross-check against pandas 3.1.1 for a night sleeper, measuring from noon (valid here as
    /// every midpoint lies between 21:00 and 05:00):
    ///
    /// ```text
    /// python -c "import pandas as pd; n=None; m=pd.Series([1400,20,n,1430,75,n,1380,10,45,n,1425], dtype=float); print(((m-720)%1440).rolling(7,min_periods=3).std(ddof=1).tolist())"
    /// ```
    #[test]
    fn regularity_matches_pandas() {
        let n = None;
        let m = [
            Some(1400.0),
            Some(20.0),
            n,
            Some(1430.0),
            Some(75.0),
            n,
            Some(1380.0),
            Some(10.0),
            Some(45.0),
            n,
            Some(1425.0),
        ];
        let ours = sleep_regularity(&m, &SleepSettings::default()).unwrap();
        for (day, r) in ours.iter().enumerate() {
            let theirs = Some(PANDAS_SD[day]).filter(|v| !v.is_nan());
            match (r.map(|r| r.sd_min), theirs) {
                (Some(a), Some(b)) => assert!(close(a, b, 1e-9), "day {day}: {a} != {b}"),
                (a, b) => assert_eq!(a, b, "day {day}"),
            }
        }
    }

    const NAN: f64 = f64::NAN;
    /// `((m - 720) % 1440).rolling(7, min_periods=3).std(ddof=1)`.
    const PANDAS_SD: [f64; 11] = [
        NAN,
        NAN,
        NAN,
        30.0,
        49.053542175871456,
        49.053542175871456,
        53.103672189407014,
        48.938737212968626,
        51.79285665031424,
        51.79285665031424,
        52.36888389110465,
    ];
}
