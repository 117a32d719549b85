//! The acute:chronic workload ratio from exponentially weighted moving averages (Williams, West,
//! Cross & Stokes, "Better way to determine the acute:chronic workload ratio?", Br J Sports Med 51
//! (2017) 209-210).
//!
//! Williams et al. replace the rolling 7-day and 28-day averages of the original ratio (Hulin et
//! al. 2014) by EWMAs that weight recent days more and so react to the decay of fitness and fatigue:
//! `EWMA(d) = lambda load(d) + (1 - lambda) EWMA(d-1)` with `lambda = 2 / (N + 1)`, N = 7 days for
//! the acute and 28 for the chronic load ([`LoadSettings::acwr_acute_days`],
//! [`LoadSettings::acwr_chronic_days`]). The ratio is acute / chronic.
//!
//! Conventions:
//! - Smoothing constant lambda = 2/(N+1), Williams et al.'s (the "span" convention of pandas'
//!   `ewm(span=N)`), not the 1/N of the Performance Manager ([`super::fitness`]): N = 7 gives 0.25
//!   here and 0.1429 there.
//! - Day d's averages include day d's load.
//! - The start of the recursion is a choice this crate makes, not one taken from Williams et al.
//!   Default: both averages start at the
//!   first day's load ([`AcwrSeed::FirstLoad`], as pandas' `ewm(adjust=False)` does), so the ratio
//!   starts at 1. A zero start ([`AcwrSeed::Zero`]) would make a first day of training look like a
//!   spike (acute 0.25 L against chronic 0.069 L, a ratio of 3.6) for no reason but the start.
//!   Either way the ratio means little before the chronic window has filled (28 days).
//! - The ratio is `None` while the chronic average is 0 (with non-negative loads: no training yet),
//!   where it is undefined.

use serde::{Deserialize, Serialize};

use super::{LoadSettings, ewma};

/// What the workload-ratio EWMAs hold on the day before the series starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcwrSeed {
    /// Both start at the first day's load (pandas `ewm(adjust=False)`): the ratio starts at 1.
    FirstLoad,
    /// Both start at 0: the first training days read as a spike.
    Zero,
}

/// The EWMA workload ratio on one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Acwr {
    /// Acute EWMA, lambda = 2/([`LoadSettings::acwr_acute_days`] + 1), in the units of the load.
    pub acute: f64,
    /// Chronic EWMA, lambda = 2/([`LoadSettings::acwr_chronic_days`] + 1), in the units of the load.
    pub chronic: f64,
    /// Acute / chronic; `None` while the chronic average is 0.
    pub ratio: Option<f64>,
}

/// Williams et al.'s smoothing constant lambda = 2/(N+1) for a span of `days`.
pub(crate) fn williams_lambda(days: usize) -> f64 {
    2.0 / (days as f64 + 1.0)
}

/// The workload ratio for each day of `loads`. Callers validate loads and settings first
/// ([`super::analyse_daily`]).
pub(crate) fn acwr_series(loads: &[f64], settings: &LoadSettings) -> Vec<Acwr> {
    let seed = match settings.acwr_seed {
        AcwrSeed::FirstLoad => loads.first().copied().unwrap_or(0.0),
        AcwrSeed::Zero => 0.0,
    };
    let acute = ewma(loads, williams_lambda(settings.acwr_acute_days), seed);
    let chronic = ewma(loads, williams_lambda(settings.acwr_chronic_days), seed);
    acute
        .into_iter()
        .zip(chronic)
        .map(|(acute, chronic)| Acwr {
            acute,
            chronic,
            ratio: (chronic != 0.0).then(|| acute / chronic),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn lambdas_of_williams_2017() {
        assert_eq!(williams_lambda(7), 0.25);
        assert!(close(williams_lambda(28), 0.068_965_517_241_379_31, 1e-15));
    }

    /// The recursion by hand on [100, 0, 50], seeded with the first load (100):
    /// acute (lambda 0.25):     100; 0.75 x 100 = 75; 0.25 x 50 + 0.75 x 75 = 68.75
    /// chronic (lambda 2/29):   100; 27/29 x 100 = 93.1034; 2/29 x 50 + 27/29 x 93.1034 = 90.1308
    /// ratio: 1; 75 / 93.1034 = 0.805556; 68.75 / 90.1308 = 0.762780.
    #[test]
    fn recursion_by_hand() {
        let a = acwr_series(&[100.0, 0.0, 50.0], &LoadSettings::default());
        assert_eq!(a[0].ratio, Some(1.0));
        assert!(close(a[1].acute, 75.0, 1e-12));
        assert!(close(a[1].chronic, 100.0 * 27.0 / 29.0, 1e-12));
        assert!(close(a[2].acute, 68.75, 1e-12));
        let chronic2 = 2.0 / 29.0 * 50.0 + 27.0 / 29.0 * (100.0 * 27.0 / 29.0);
        assert!(close(a[2].chronic, chronic2, 1e-12));
        assert!(close(a[1].ratio.unwrap(), 0.805_555_555_555_555_6, 1e-12));
        assert!(close(a[2].ratio.unwrap(), 68.75 / chronic2, 1e-12));
        assert!(close(a[2].ratio.unwrap(), 0.762_78, 1e-5));
    }

    /// Cross-check against pandas, produced with pandas 3.1.1:
    /// `python -c "import pandas as pd; s=pd.Series([60,100,0,50,80,0,120,60,0,40]);
    /// print(s.ewm(span=7, adjust=False).mean().tolist());
    /// print(s.ewm(span=28, adjust=False).mean().tolist())"`
    /// (`span=N` is alpha = 2/(N+1); `adjust=False` is the recursion seeded with the first value.)
    #[test]
    fn matches_pandas_ewm_seeded_with_first_load() {
        let loads = [60.0, 100.0, 0.0, 50.0, 80.0, 0.0, 120.0, 60.0, 0.0, 40.0];
        let acute = [
            60.0,
            70.0,
            52.5,
            51.875,
            58.90625,
            44.1796875,
            63.134765625,
            62.35107421875,
            46.7633056640625,
            45.072479248046875,
        ];
        let chronic = [
            60.0,
            62.75862068965517,
            58.43043995243757,
            57.84903030054532,
            59.37668338326634,
            55.28173970166176,
            59.74506799809888,
            59.762649515471374,
            55.64108747992162,
            54.562391791651166,
        ];
        let a = acwr_series(&loads, &LoadSettings::default());
        for (d, day) in a.iter().enumerate() {
            assert!(close(day.acute, acute[d], 1e-12), "acute day {d}");
            assert!(close(day.chronic, chronic[d], 1e-12), "chronic day {d}");
            assert!(close(day.ratio.unwrap(), acute[d] / chronic[d], 1e-12));
        }
    }

    /// The zero start, against pandas with a leading 0 that is then dropped:
    /// `python -c "import pandas as pd; s=pd.Series([0,60,100,0,50]);
    /// print(s.ewm(span=7, adjust=False).mean()[1:].tolist());
    /// print(s.ewm(span=28, adjust=False).mean()[1:].tolist())"`
    #[test]
    fn zero_seed_matches_pandas_with_a_leading_zero() {
        let settings = LoadSettings {
            acwr_seed: AcwrSeed::Zero,
            ..LoadSettings::default()
        };
        let a = acwr_series(&[60.0, 100.0, 0.0, 50.0], &settings);
        let acute = [15.0, 36.25, 27.1875, 32.890625];
        let chronic = [
            4.137931034482759,
            10.74910820451843,
            10.007790397310263,
            12.765873818185415,
        ];
        for (d, day) in a.iter().enumerate() {
            assert!(close(day.acute, acute[d], 1e-12), "acute day {d}");
            assert!(close(day.chronic, chronic[d], 1e-12), "chronic day {d}");
        }
        // The first day of training reads as a spike: 0.25 / (2/29) = 3.625.
        assert!(close(a[0].ratio.unwrap(), 3.625, 1e-12));
    }

    #[test]
    fn no_ratio_while_chronic_is_zero() {
        let a = acwr_series(&[0.0, 0.0, 30.0], &LoadSettings::default());
        assert_eq!(a[0].ratio, None);
        assert_eq!(a[1].ratio, None);
        assert!(a[2].ratio.is_some());
        assert!(acwr_series(&[], &LoadSettings::default()).is_empty());
    }

    #[test]
    fn constant_load_gives_a_ratio_of_one() {
        for day in acwr_series(&[45.0; 60], &LoadSettings::default()) {
            assert!(close(day.ratio.unwrap(), 1.0, 1e-12));
        }
    }
}
