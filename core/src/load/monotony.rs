//! Training monotony and strain (Foster, "Monitoring training in athletes with reference to
//! overtraining syndrome", Med Sci Sports Exerc 30(7) (1998) 1164-1168).
//!
//! Foster found that illness and overreaching followed weeks that were both heavy and monotonous:
//! the same load day after day, without easy days. Monotony is the mean daily load of the week
//! divided by its standard deviation; strain is the week's load times its monotony. The week is
//! the last [`LoadSettings::monotony_days`] days (default 7), rest days included as 0.
//!
//! Conventions:
//! - The standard deviation is the sample one (N-1 denominator), as a spreadsheet's `STDEV` and
//!   pandas' `std` compute it, and as the rest of this crate computes standard deviations
//!   (`hrv::time_domain`). Foster 1998 does not say which; with the population
//!   standard deviation every monotony would be sqrt(7/6) = 1.080 times higher for a 7-day week.
//! - Monotony is `None` when the standard deviation is 0 (the same load every day), where the ratio
//!   is undefined; strain is `None` with it. A week of the same non-zero load every day is the most
//!   monotonous week there is, so it is flagged [`MonotonyLevel::Critical`] all the same (a product
//!   choice); a week without any training has no level.
//! - Levels compare with "above" (strictly greater), as the brief's "monotony > 2" does.
//! - No monotony before the window has filled: a partial week would not be Foster's week.

use serde::Serialize;

use super::LoadSettings;
use crate::hrv::time_domain::mean_sd;

/// How monotonous the week is, against [`LoadSettings::monotony_warning`] and
/// [`LoadSettings::monotony_critical`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonotonyLevel {
    /// Monotony at or below the warning level.
    Normal,
    /// Monotony above the warning level (default 1.5).
    Warning,
    /// Monotony above the critical level (default 2.0), or the same non-zero load every day.
    Critical,
}

/// Monotony and strain of the window ending on one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Monotony {
    /// Sum of the window's daily loads (Foster's weekly load).
    pub week_load: f64,
    /// Mean daily load of the window.
    pub mean: f64,
    /// Sample standard deviation (N-1) of the window's daily loads.
    pub sd: f64,
    /// Mean / standard deviation; `None` when the standard deviation is 0.
    pub monotony: Option<f64>,
    /// Week load x monotony; `None` with monotony.
    pub strain: Option<f64>,
    /// The flag; `None` for a window without any training.
    pub level: Option<MonotonyLevel>,
}

/// Monotony and strain for each day of `loads`, `None` until the window has filled. Callers
/// validate loads and settings first ([`super::analyse_daily`]).
pub(crate) fn monotony_series(loads: &[f64], settings: &LoadSettings) -> Vec<Option<Monotony>> {
    let window = settings.monotony_days;
    (0..loads.len())
        .map(|d| {
            let start = (d + 1).checked_sub(window)?;
            loads.get(start..=d).map(|week| monotony(week, settings))
        })
        .collect()
}

/// Monotony and strain of one window of at least two days.
fn monotony(week: &[f64], settings: &LoadSettings) -> Monotony {
    let week_load: f64 = week.iter().sum();
    let (mean, sd) = mean_sd(week.iter().copied());
    let monotony = (sd > 0.0).then(|| mean / sd);
    let level = match monotony {
        Some(m) if m > settings.monotony_critical => Some(MonotonyLevel::Critical),
        Some(m) if m > settings.monotony_warning => Some(MonotonyLevel::Warning),
        Some(_) => Some(MonotonyLevel::Normal),
        None if mean > 0.0 => Some(MonotonyLevel::Critical),
        None => None,
    };
    Monotony {
        week_load,
        mean,
        sd,
        monotony,
        strain: monotony.map(|m| week_load * m),
        level,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    /// Hard and rest days alternating, [100, 0, 100, 0, 100, 0, 100]: week load 400, mean 400/7,
    /// squared deviations 4 x (300/7)^2 + 3 x (400/7)^2 = 120000/7, sample variance
    /// (120000/7) / 6 = 20000/7, SD = 53.4522; monotony = (400/7) / 53.4522 = 400 / sqrt(140000)
    /// = 1.069045; strain = 400 x 1.069045 = 427.618.
    #[test]
    fn alternating_week_by_hand() {
        let week = [100.0, 0.0, 100.0, 0.0, 100.0, 0.0, 100.0];
        let m = monotony_series(&week, &LoadSettings::default())[6].unwrap();
        assert_eq!(m.week_load, 400.0);
        assert!(close(m.sd, (20_000.0_f64 / 7.0).sqrt(), 1e-12));
        assert!(close(
            m.monotony.unwrap(),
            400.0 / 140_000.0_f64.sqrt(),
            1e-12
        ));
        assert!(close(m.strain.unwrap(), 427.617_987_059_879_2, 1e-12));
        assert_eq!(m.level, Some(MonotonyLevel::Normal));
    }

    /// Cross-check against pandas (rolling `std` is the sample one, ddof=1), pandas 3.1.1:
    /// `python -c "import pandas as pd; s=pd.Series([60,100,0,50,80,0,120,60,0,40]);
    /// m=s.rolling(7).mean()/s.rolling(7).std(); print(m.tolist());
    /// print((s.rolling(7).sum()*m).tolist())"`
    #[test]
    fn matches_pandas_rolling() {
        let loads = [60.0, 100.0, 0.0, 50.0, 80.0, 0.0, 120.0, 60.0, 0.0, 40.0];
        let monotony = [
            1.2638839335170764,
            1.2638839335170764,
            0.9451980968063698,
            1.1677484162422846,
        ];
        let strain = [
            518.1924127420014,
            518.1924127420014,
            293.0114100099746,
            408.7119456847996,
        ];
        let m = monotony_series(&loads, &LoadSettings::default());
        assert!(m[..6].iter().all(Option::is_none));
        for d in 6..loads.len() {
            let day = m[d].unwrap();
            assert!(
                close(day.monotony.unwrap(), monotony[d - 6], 1e-12),
                "day {d}"
            );
            assert!(close(day.strain.unwrap(), strain[d - 6], 1e-12), "day {d}");
        }
    }

    /// [60, 60, 60, 60, 60, 60, 50]: mean 410/7 = 58.571, SD 3.7796, monotony 15.50: critical.
    /// [15, 60, 15, 60, 15, 60, 37.5]: mean 37.5, every deviation 22.5 but the last (0), sample
    /// variance 6 x 22.5^2 / 6 = 22.5^2, SD 22.5, monotony 37.5 / 22.5 = 1.667: warning.
    /// The alternating week of `alternating_week_by_hand` (1.069) is normal.
    #[test]
    fn levels() {
        let settings = LoadSettings::default();
        let at_end = |week: &[f64]| monotony_series(week, &settings)[6].unwrap();
        let flat = at_end(&[60.0, 60.0, 60.0, 60.0, 60.0, 60.0, 50.0]);
        assert!(close(flat.monotony.unwrap(), 15.496_543_393_378_316, 1e-12));
        assert_eq!(flat.level, Some(MonotonyLevel::Critical));
        let mixed = at_end(&[15.0, 60.0, 15.0, 60.0, 15.0, 60.0, 37.5]);
        assert!(close(mixed.sd, 22.5, 1e-12));
        assert!(close(mixed.monotony.unwrap(), 37.5 / 22.5, 1e-12));
        assert_eq!(mixed.level, Some(MonotonyLevel::Warning));
        let stricter = LoadSettings {
            monotony_warning: 1.0,
            monotony_critical: 1.5,
            ..LoadSettings::default()
        };
        let m = monotony_series(&[15.0, 60.0, 15.0, 60.0, 15.0, 60.0, 37.5], &stricter)[6];
        assert_eq!(m.unwrap().level, Some(MonotonyLevel::Critical));
    }

    #[test]
    fn same_load_every_day_has_no_ratio_but_is_critical() {
        let settings = LoadSettings::default();
        let m = monotony_series(&[50.0; 7], &settings)[6].unwrap();
        assert_eq!(m.sd, 0.0);
        assert_eq!(m.monotony, None);
        assert_eq!(m.strain, None);
        assert_eq!(m.level, Some(MonotonyLevel::Critical));
        let rest = monotony_series(&[0.0; 7], &settings)[6].unwrap();
        assert_eq!((rest.monotony, rest.level), (None, None));
    }

    #[test]
    fn nothing_before_the_window_fills() {
        let settings = LoadSettings::default();
        assert!(
            monotony_series(&[10.0, 20.0], &settings)
                .iter()
                .all(Option::is_none)
        );
        assert!(monotony_series(&[], &settings).is_empty());
    }
}
