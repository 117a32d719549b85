//! The lnHRV baseline of one member, for one metric.
//!
//! HRV is kept on the natural-log scale (Plews et al. 2012): its day-to-day distribution is skewed
//! in ms and close to normal in ln ms, so means and SDs are taken of ln values. The mean of the week
//! in ms, when shown, is therefore exp(mean ln) (the geometric mean), not the arithmetic mean.
//!
//! For each day:
//! - the week: 7-day rolling mean of lnHRV and its CV = SD / mean x 100 of the daily ln values
//!   (Plews et al. 2012-2014), `None` with fewer than 3 valid days;
//! - the normal range: 60-day mean +/- 0.5 SD of daily lnHRV (HRV4Training), from the days before
//!   the day, and where the week's mean sits against it;
//! - Kiviniemi et al. (2007): the day below the 10-day mean minus 1 SD, and HRV falling two days in
//!   a row. Kiviniemi used the HF power of a morning recording; the domain brief applies the rule
//!   to lnHRV, and so does this module.
//!
//! The input is a [`DailyLnHrv`] of one metric, RMSSD or SDNN (never both: see
//! [`super::hrv_series`]); the [`HrvBaseline`] built from it says which metric it is.

use serde::Serialize;

use super::{
    BaselineError, DailyLnHrv, HrvBaselineSettings, HrvMetric, WindowStats, valid, window_stats,
};

/// The normal range of daily lnHRV.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NormalRange {
    /// Count, mean and SD of daily lnHRV over the range's window.
    pub stats: WindowStats,
    /// Mean minus [`HrvBaselineSettings::normal_range_sd`] SDs.
    pub lower: f64,
    /// Mean plus [`HrvBaselineSettings::normal_range_sd`] SDs.
    pub upper: f64,
}

/// Where a value sits against the normal range (bounds inclusive: on a bound is within).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RangePosition {
    /// Under the lower bound.
    Below,
    /// Between the bounds.
    Within,
    /// Over the upper bound.
    Above,
}

impl NormalRange {
    /// Where `value` sits against the range.
    pub fn position(&self, value: f64) -> RangePosition {
        if value < self.lower {
            RangePosition::Below
        } else if value > self.upper {
            RangePosition::Above
        } else {
            RangePosition::Within
        }
    }
}

/// The lnHRV baseline of one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HrvBaselineDay {
    /// The day's lnHRV; `None` without a valid reading.
    pub ln_hrv: Option<f64>,
    /// The week ([`HrvBaselineSettings::week`]): count, mean and SD of daily lnHRV.
    pub week: Option<WindowStats>,
    /// CV of the week's daily lnHRV, percent: SD / mean x 100 (Plews et al. 2012). `None` without a
    /// week, or when its mean is not above zero (HRV of 1 ms or less: no physiological reading).
    pub week_cv_pct: Option<f64>,
    /// The normal range ([`HrvBaselineSettings::normal_range`]).
    pub normal_range: Option<NormalRange>,
    /// Where the week's mean sits against the normal range.
    pub week_vs_range: Option<RangePosition>,
    /// Kiviniemi's reference ([`HrvBaselineSettings::reference`]): count, mean and SD.
    pub reference: Option<WindowStats>,
    /// The day's lnHRV under the reference mean minus [`HrvBaselineSettings::reference_sd`] SDs.
    pub below_reference: Option<bool>,
    /// lnHRV fell two days in a row: the day below the day before, itself below the day before
    /// that. `None` unless all three days hold a valid reading.
    pub falling_two_days: Option<bool>,
}

impl HrvBaselineDay {
    /// The week's mean back in ms: exp(mean ln), the geometric mean of the week's readings (not
    /// their arithmetic mean).
    pub fn week_mean_ms(&self) -> Option<f64> {
        self.week.map(|w| w.mean.exp())
    }
}

/// The lnHRV baseline over a member's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HrvBaseline {
    /// The metric the baseline is kept for.
    pub metric: HrvMetric,
    /// One entry per day of the series, oldest first.
    pub days: Vec<HrvBaselineDay>,
}

impl HrvBaseline {
    /// The baseline of the last day of the series (today).
    pub fn today(&self) -> Option<&HrvBaselineDay> {
        self.days.last()
    }
}

/// Computes the lnHRV baseline of every day of `series`.
pub fn hrv_baseline(
    series: &DailyLnHrv,
    settings: &HrvBaselineSettings,
) -> Result<HrvBaseline, BaselineError> {
    settings.validate()?;
    let ln = series.ln_values();
    let days = (0..ln.len())
        .map(|day| {
            let ln_hrv = valid(ln[day]);
            let week = window_stats(ln, day, &settings.week);
            let week_cv_pct = week.filter(|w| w.mean > 0.0).map(|w| 100.0 * w.sd / w.mean);
            let normal_range = window_stats(ln, day, &settings.normal_range).map(|stats| {
                let half = settings.normal_range_sd * stats.sd;
                NormalRange {
                    stats,
                    lower: stats.mean - half,
                    upper: stats.mean + half,
                }
            });
            let week_vs_range = week.zip(normal_range).map(|(w, r)| r.position(w.mean));
            let reference = window_stats(ln, day, &settings.reference);
            let below_reference = ln_hrv
                .zip(reference)
                .map(|(x, r)| x < r.mean - settings.reference_sd * r.sd);
            let falling_two_days = match day.checked_sub(2) {
                Some(first) => match (valid(ln[first]), valid(ln[first + 1]), ln_hrv) {
                    (Some(a), Some(b), Some(c)) => Some(c < b && b < a),
                    _ => None,
                },
                None => None,
            };
            HrvBaselineDay {
                ln_hrv,
                week,
                week_cv_pct,
                normal_range,
                week_vs_range,
                reference,
                below_reference,
                falling_two_days,
            }
        })
        .collect();
    Ok(HrvBaseline {
        metric: series.metric(),
        days,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Window, WindowEnd};
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn rmssd(ln: &[Option<f64>]) -> DailyLnHrv {
        DailyLnHrv::from_ln(HrvMetric::Rmssd, ln.to_vec())
    }

    /// Settings with short windows so that vectors stay hand-derivable.
    fn small() -> HrvBaselineSettings {
        HrvBaselineSettings {
            week: Window {
                days: 3,
                min_valid: 3,
                end: WindowEnd::Today,
            },
            normal_range: Window {
                days: 4,
                min_valid: 3,
                end: WindowEnd::Yesterday,
            },
            normal_range_sd: 0.5,
            reference: Window {
                days: 3,
                min_valid: 2,
                end: WindowEnd::Yesterday,
            },
            reference_sd: 1.0,
        }
    }

    #[test]
    fn hand_derived_vector() {
        // ln values 4.0, 4.2, 3.8, 4.0, 3.4.
        let series = rmssd(&[Some(4.0), Some(4.2), Some(3.8), Some(4.0), Some(3.4)]);
        let b = hrv_baseline(&series, &small()).unwrap();
        let today = b.today().unwrap();
        // Week = days 2..5: 3.8, 4.0, 3.4; mean 11.2 / 3 = 3.7333…; deviations 0.0667, 0.2667,
        // -0.3333; squares 0.004444 + 0.071111 + 0.111111 = 0.186667; SD = sqrt(0.186667 / 2)
        // = 0.305505; CV = 0.305505 / 3.733333 x 100 = 8.1832 %.
        let week = today.week.unwrap();
        assert!(close(week.mean, 11.2 / 3.0, 1e-12));
        assert!(close(week.sd, (0.56_f64 / 3.0 / 2.0).sqrt(), 1e-12));
        assert!(close(today.week_cv_pct.unwrap(), 8.183170883849715, 1e-9));
        // Range = days 0..4 (before today): 4.0, 4.2, 3.8, 4.0; mean 4.0; squares 0 + 0.04 + 0.04
        // + 0 = 0.08; SD = sqrt(0.08 / 3) = 0.163299; bounds 4.0 -/+ 0.081650.
        let range = today.normal_range.unwrap();
        assert!(close(range.stats.mean, 4.0, 1e-12));
        assert!(close(range.stats.sd, (0.08_f64 / 3.0).sqrt(), 1e-12));
        assert!(close(
            range.lower,
            4.0 - 0.5 * (0.08_f64 / 3.0).sqrt(),
            1e-12
        ));
        assert!(close(
            range.upper,
            4.0 + 0.5 * (0.08_f64 / 3.0).sqrt(),
            1e-12
        ));
        // 3.7333 < 3.9184: the week is below the range.
        assert_eq!(today.week_vs_range, Some(RangePosition::Below));
        // Reference = days 1..4: 4.2, 3.8, 4.0; mean 4.0; SD = sqrt(0.08 / 2) = 0.2; 3.4 < 3.8.
        let reference = today.reference.unwrap();
        assert!(close(reference.mean, 4.0, 1e-12));
        assert!(close(reference.sd, 0.2, 1e-12));
        assert_eq!(today.below_reference, Some(true));
        // 4.0 then 3.4: fell one day only (3.8 -> 4.0 rose).
        assert_eq!(today.falling_two_days, Some(false));
        // Day 2: 4.0 -> 4.2 -> 3.8 is not a fall either; day 3 (4.2, 3.8, 4.0) neither.
        assert_eq!(b.days[2].falling_two_days, Some(false));
        // Days 0 and 1 have no week yet (3 valid needed in 3 days).
        assert_eq!(b.days[1].week, None);
        assert_eq!(b.days[1].falling_two_days, None);
    }

    #[test]
    fn falling_two_days_in_a_row() {
        let b = hrv_baseline(&rmssd(&[Some(4.2), Some(4.1), Some(4.0)]), &small()).unwrap();
        assert_eq!(b.days[2].falling_two_days, Some(true));
        // A missing day in between: unknown, not "not falling".
        let b = hrv_baseline(&rmssd(&[Some(4.2), None, Some(4.0)]), &small()).unwrap();
        assert_eq!(b.days[2].falling_two_days, None);
        // Equal is not falling.
        let b = hrv_baseline(&rmssd(&[Some(4.2), Some(4.2), Some(4.0)]), &small()).unwrap();
        assert_eq!(b.days[2].falling_two_days, Some(false));
    }

    #[test]
    fn a_week_with_two_valid_days_gives_none() {
        let settings = HrvBaselineSettings::default();
        // Seven days, only two valid.
        let series = rmssd(&[None, Some(4.0), None, None, None, Some(4.4), None]);
        let today = hrv_baseline(&series, &settings).unwrap().days[6].clone();
        assert_eq!(today.week, None);
        assert_eq!(today.week_cv_pct, None);
        assert_eq!(today.week_vs_range, None);
        // A third valid day, on a night that had been missing, makes the week: mean of 4.0, 4.4,
        // 3.9 = 12.3 / 3 = 4.1.
        let series = rmssd(&[None, Some(4.0), None, Some(3.9), None, Some(4.4), None]);
        let today = hrv_baseline(&series, &settings).unwrap().days[6].clone();
        let week = today.week.unwrap();
        assert_eq!(week.n_valid, 3);
        assert!(close(week.mean, 4.1, 1e-12));
    }

    #[test]
    fn the_mean_is_kept_on_the_ln_scale() {
        // RMSSD 20, 40, 80 ms: ln mean = ln 40 (the geometric mean), arithmetic mean 46.67 ms.
        let ms = [Some(20.0), Some(40.0), Some(80.0)];
        let series = DailyLnHrv::from_ms(HrvMetric::Rmssd, &ms);
        let b = hrv_baseline(&series, &HrvBaselineSettings::default()).unwrap();
        let today = b.today().unwrap();
        assert!(close(today.week.unwrap().mean, 40.0_f64.ln(), 1e-12));
        assert!(close(today.week_mean_ms().unwrap(), 40.0, 1e-9));
        let arithmetic = 140.0 / 3.0;
        assert!((today.week_mean_ms().unwrap() - arithmetic).abs() > 6.0);
        // ln(20) = 2.995732, ln(40) = 3.688879, ln(80) = 4.382027: steps of ln 2 = 0.693147, so
        // SD = ln 2 and CV = 0.693147 / 3.688879 x 100 = 18.7902 %.
        assert!(close(today.week.unwrap().sd, 2.0_f64.ln(), 1e-12));
        assert!(close(
            today.week_cv_pct.unwrap(),
            100.0 * 2.0_f64.ln() / 40.0_f64.ln(),
            1e-9
        ));
    }

    /// Cross-check against pandas 3.1.1 (throwaway venv; nothing of it is in the repository):
    ///
    /// ```text
    /// python -c "import pandas as pd; n=None; x=pd.Series([4.1,3.9,n,4.3,4.25,n,n,3.8,4.0,n,4.05,4.4,3.95,n], dtype=float); r=x.rolling(7,min_periods=3); y=x.shift(1).rolling(10,min_periods=5); print(r.mean().tolist(), r.std(ddof=1).tolist(), (100*r.std(ddof=1)/r.mean()).tolist(), y.mean().tolist(), y.std(ddof=1).tolist(), sep='\n')"
    /// ```
    ///
    /// `shift(1)` makes the reference window end yesterday, as [`WindowEnd::Yesterday`] does.
    #[test]
    fn rolling_statistics_match_pandas() {
        let n = None;
        let x = [
            Some(4.1),
            Some(3.9),
            n,
            Some(4.3),
            Some(4.25),
            n,
            n,
            Some(3.8),
            Some(4.0),
            n,
            Some(4.05),
            Some(4.4),
            Some(3.95),
            n,
        ];
        let b = hrv_baseline(&rmssd(&x), &HrvBaselineSettings::default()).unwrap();
        for (day, d) in b.days.iter().enumerate() {
            let check = |ours: Option<f64>, theirs: f64, what: &str| {
                let theirs = Some(theirs).filter(|v| !v.is_nan());
                match (ours, theirs) {
                    (Some(a), Some(b)) => {
                        assert!(close(a, b, 1e-12), "{what} day {day}: {a} != {b}")
                    }
                    (a, b) => assert_eq!(a, b, "{what} day {day}"),
                }
            };
            check(d.week.map(|w| w.mean), PANDAS_MEAN[day], "mean");
            check(d.week.map(|w| w.sd), PANDAS_SD[day], "sd");
            check(d.week_cv_pct, PANDAS_CV[day], "cv");
            check(
                d.reference.map(|w| w.mean),
                PANDAS_REF_MEAN[day],
                "ref mean",
            );
            check(d.reference.map(|w| w.sd), PANDAS_REF_SD[day], "ref sd");
        }
    }

    /// The 60-day normal range against pandas 3.1.1, on a generated series (valid days
    /// 4 + 0.3 sin(0.7 i) + 0.05 (i mod 3), every fourth day missing):
    ///
    /// ```text
    /// python -c "import pandas as pd, numpy as np; i=np.arange(80); x=pd.Series(np.where(i%4==3, np.nan, 4+0.3*np.sin(0.7*i)+0.05*(i%3))); y=x.shift(1).rolling(60,min_periods=14); m=y.mean(); s=y.std(ddof=1); d=[18,19,40,60,61,79]; print(m.first_valid_index(), m[d].tolist(), s[d].tolist(), (m-0.5*s)[d].tolist(), (m+0.5*s)[d].tolist(), sep='\n')"
    /// ```
    #[test]
    fn normal_range_matches_pandas() {
        let x: Vec<Option<f64>> = (0..80)
            .map(|i| {
                let f = f64::from(i);
                (i % 4 != 3).then(|| 4.0 + 0.3 * (0.7 * f).sin() + 0.05 * f64::from(i % 3))
            })
            .collect();
        let b = hrv_baseline(&rmssd(&x), &HrvBaselineSettings::default()).unwrap();
        // The first day with 14 valid days before it.
        assert!(b.days[..18].iter().all(|d| d.normal_range.is_none()));
        let days = [18, 19, 40, 60, 61, 79];
        let mean = [
            4.0534585798944365,
            4.050567135512563,
            4.0670266514016635,
            4.0642145926727755,
            4.058104449020005,
            4.053646583527654,
        ];
        let sd = [
            0.19406444555474425,
            0.18734018179293546,
            0.22097635975679852,
            0.20800586294579154,
            0.21389020045358065,
            0.22947807694177857,
        ];
        let lower = [
            3.9564263571170644,
            3.9568970446160954,
            3.956538471523264,
            3.96021166119988,
            3.951159348793215,
            3.938907545056765,
        ];
        let upper = [
            4.150490802671809,
            4.144237226409031,
            4.177514831280063,
            4.168217524145671,
            4.165049549246795,
            4.168385621998544,
        ];
        for (k, &day) in days.iter().enumerate() {
            let r = b.days[day].normal_range.unwrap();
            assert!(close(r.stats.mean, mean[k], 1e-12), "mean day {day}");
            assert!(close(r.stats.sd, sd[k], 1e-12), "sd day {day}");
            assert!(close(r.lower, lower[k], 1e-12), "lower day {day}");
            assert!(close(r.upper, upper[k], 1e-12), "upper day {day}");
        }
    }

    const NAN: f64 = f64::NAN;
    /// `rolling(7, min_periods=3).mean()`.
    const PANDAS_MEAN: [f64; 14] = [
        NAN,
        NAN,
        NAN,
        4.1,
        4.137499999999999,
        4.137499999999999,
        4.137499999999999,
        4.0625,
        4.0874999999999995,
        4.0874999999999995,
        4.025,
        4.0625,
        4.04,
        4.04,
    ];
    /// `rolling(7, min_periods=3).std(ddof=1)`.
    const PANDAS_SD: [f64; 14] = [
        NAN,
        NAN,
        NAN,
        0.2,
        0.17969882210706534,
        0.17969882210706534,
        0.17969882210706534,
        0.24958298553119906,
        0.2322893310794393,
        0.2322893310794393,
        0.184842275106824,
        0.24958298553119918,
        0.22192341021172177,
        0.22192341021172177,
    ];
    /// `100 * std / mean` of the same windows.
    const PANDAS_CV: [f64; 14] = [
        NAN,
        NAN,
        NAN,
        4.878048780487806,
        4.343173948207018,
        4.343173948207018,
        4.343173948207018,
        6.143581182306439,
        5.682919414787507,
        5.682919414787507,
        4.592354661039105,
        6.143581182306441,
        5.493153718111925,
        5.493153718111925,
    ];
    /// `shift(1).rolling(10, min_periods=5).mean()`.
    const PANDAS_REF_MEAN: [f64; 14] = [
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        4.069999999999999,
        4.058333333333333,
        4.058333333333333,
        4.05,
        4.133333333333333,
        4.107142857142857,
    ];
    /// `shift(1).rolling(10, min_periods=5).std(ddof=1)`.
    const PANDAS_REF_SD: [f64; 14] = [
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        0.2167948338867879,
        0.19600170067289371,
        0.19600170067289371,
        0.19493588689617913,
        0.22286019533929094,
        0.21491969707422423,
    ];
}
