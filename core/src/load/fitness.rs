//! Fatigue, fitness and form: the Banister fitness-fatigue model as the TrainingPeaks / WKO
//! Performance Manager computes it (Coggan, "The Science of the TrainingPeaks Performance
//! Manager", TrainingPeaks).
//!
//! Coggan keeps the two components of Banister's impulse-response model (Banister et al. 1975)
//! and drops its gains: the acute training load (ATL, "fatigue") and the chronic training load
//! (CTL, "fitness") are exponentially weighted averages of the daily load with time constants of
//! 7 and 42 days ([`LoadSettings::atl_days`], [`LoadSettings::ctl_days`]).
//!
//! Conventions:
//! - Smoothing constant k = 1/N: `CTL(d) = CTL(d-1) + (load(d) - CTL(d-1)) / N`, the formula
//!   TrainingPeaks publishes (today's CTL = yesterday's CTL + (today's TSS - yesterday's CTL) x
//!   1 / time constant; Coggan, and the WKO glossaries of the time). By reasoning: each
//!   component of Banister's model obeys dF/dt = (w(t) - F) / tau; one forward-Euler step of a
//!   day gives exactly k = 1/tau. The exact discretisation, k = 1 - e^(-1/N), is what some other
//!   tools and spreadsheets use; it differs by 1.2 % at N = 42 (0.02381 against 0.02353)
//!   and by 7 % at N = 7 (0.1429 against 0.1331), so values here match TrainingPeaks, not those
//!   tools. The 2/(N+1) of the workload ratio ([`super::acwr`]) is a different convention again.
//! - Day d's ATL and CTL include day d's load; before the first day they are
//!   [`LoadSettings::atl_start`] and [`LoadSettings::ctl_start`] (default 0, as TrainingPeaks
//!   starts a member without starting values).
//! - Form (training stress balance) on day d is yesterday's fitness minus yesterday's fatigue,
//!   `TSB(d) = CTL(d-1) - ATL(d-1)`, as the Performance Manager plots it (WKO4 help, "Performance
//!   Manager Chart": TSB = shift(CTL - ATL, 1)): form is what the member brings into the day,
//!   before the day's own training. On the first day it is `ctl_start - atl_start`.

use serde::Serialize;

use super::{LoadSettings, ewma};

/// Fatigue, fitness and form on one day, in the units of the daily load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fitness {
    /// Acute training load ("fatigue"): EWMA of the daily load with k = 1/[`LoadSettings::atl_days`],
    /// including the day's load.
    pub atl: f64,
    /// Chronic training load ("fitness"): EWMA of the daily load with
    /// k = 1/[`LoadSettings::ctl_days`], including the day's load.
    pub ctl: f64,
    /// Training stress balance ("form"): yesterday's CTL minus yesterday's ATL.
    pub tsb: f64,
}

/// The smoothing constant k = 1/N of the Performance Manager for a time constant of `days`
/// (at least 1, which [`LoadSettings::validate`] ensures).
pub(crate) fn pmc_alpha(days: usize) -> f64 {
    1.0 / days as f64
}

/// ATL, CTL and TSB for each day of `loads`. Callers validate loads and settings first
/// ([`super::analyse_daily`]).
pub(crate) fn fitness_series(loads: &[f64], settings: &LoadSettings) -> Vec<Fitness> {
    let atl = ewma(loads, pmc_alpha(settings.atl_days), settings.atl_start);
    let ctl = ewma(loads, pmc_alpha(settings.ctl_days), settings.ctl_start);
    let yesterday = |series: &[f64], start: f64, d: usize| {
        d.checked_sub(1)
            .and_then(|y| series.get(y).copied())
            .unwrap_or(start)
    };
    (0..loads.len())
        .map(|d| Fitness {
            atl: atl[d],
            ctl: ctl[d],
            tsb: yesterday(&ctl, settings.ctl_start, d) - yesterday(&atl, settings.atl_start, d),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    /// One day of 100 from zero: ATL = 100/7 = 14.2857, CTL = 100/42 = 2.38095; form on that day
    /// is 0 (yesterday's), the next day 2.38095 - 14.2857 = -11.9048.
    #[test]
    fn one_session_by_hand() {
        let f = fitness_series(&[100.0, 0.0], &LoadSettings::default());
        assert!(close(f[0].atl, 100.0 / 7.0, 1e-12));
        assert!(close(f[0].ctl, 100.0 / 42.0, 1e-12));
        assert_eq!(f[0].tsb, 0.0);
        assert!(close(f[1].tsb, 100.0 / 42.0 - 100.0 / 7.0, 1e-12));
        // The day after: ATL = 14.2857 x 6/7 = 12.2449, CTL = 2.38095 x 41/42 = 2.32426.
        assert!(close(f[1].atl, 100.0 / 7.0 * 6.0 / 7.0, 1e-12));
        assert!(close(f[1].ctl, 100.0 / 42.0 * 41.0 / 42.0, 1e-12));
    }

    /// A step from 0 to a constant load L gives the first-order response of the recursion,
    /// x(n) = L (1 - (1 - k)^n) after n days, here with k = 1/7 and 1/42.
    #[test]
    fn step_input_gives_the_exponential_response() {
        let load = 80.0;
        let f = fitness_series(&[load; 120], &LoadSettings::default());
        for (i, day) in f.iter().enumerate() {
            let n = (i + 1) as i32;
            assert!(close(
                day.atl,
                load * (1.0 - (6.0 / 7.0_f64).powi(n)),
                1e-12
            ));
            assert!(close(
                day.ctl,
                load * (1.0 - (41.0 / 42.0_f64).powi(n)),
                1e-12
            ));
        }
        // After 42 days CTL has covered 1 - (41/42)^42 = 63.65 % of the step (about 1 - 1/e).
        assert!(close(f[41].ctl / load, 0.636_544, 1e-5));
    }

    /// A constant load started from its own level stays there: ATL = CTL = load, TSB = 0; started
    /// from zero, both converge to the load and TSB to 0.
    #[test]
    fn constant_load_converges() {
        let settings = LoadSettings {
            atl_start: 50.0,
            ctl_start: 50.0,
            ..LoadSettings::default()
        };
        for day in fitness_series(&[50.0; 30], &settings) {
            assert!(close(day.atl, 50.0, 1e-12) && close(day.ctl, 50.0, 1e-12));
            assert!(day.tsb.abs() < 1e-12);
        }
        let f = fitness_series(&[50.0; 1000], &LoadSettings::default());
        let last = f[999];
        assert!(close(last.atl, 50.0, 1e-9) && close(last.ctl, 50.0, 1e-9));
        assert!(last.tsb.abs() < 1e-7);
    }

    /// Cross-check against pandas, whose `ewm(alpha=a, adjust=False)` is the same recursion seeded
    /// with the first value; a leading 0 stands for the zero start and is dropped. Produced with
    /// pandas 3.1.1:
    /// `python -c "import pandas as pd; s=pd.Series([0,60,100,0,50,80,0,120,60,0,40]);
    /// print(s.ewm(alpha=1/7, adjust=False).mean()[1:].tolist());
    /// print(s.ewm(alpha=1/42, adjust=False).mean()[1:].tolist())"`
    #[test]
    fn matches_pandas_ewm() {
        let loads = [60.0, 100.0, 0.0, 50.0, 80.0, 0.0, 120.0, 60.0, 0.0, 40.0];
        let atl = [
            8.571428571428571,
            21.632653061224488,
            18.542274052478135,
            23.036234902124114,
            31.1739156303921,
            26.720499111764656,
            40.046142095798274,
            42.89669322496995,
            36.76859419283139,
            37.23022359385548,
        ];
        let ctl = [
            1.4285714285714284,
            3.775510204081632,
            3.6856171039844505,
            4.788340506270535,
            6.579094303740284,
            6.422449201270277,
            9.126676601240032,
            10.337946205972411,
            10.091804629639734,
            10.803904519410215,
        ];
        let f = fitness_series(&loads, &LoadSettings::default());
        for d in 0..loads.len() {
            assert!(close(f[d].atl, atl[d], 1e-12), "ATL day {d}");
            assert!(close(f[d].ctl, ctl[d], 1e-12), "CTL day {d}");
            let tsb = if d == 0 { 0.0 } else { ctl[d - 1] - atl[d - 1] };
            assert!(close(f[d].tsb, tsb, 1e-12), "TSB day {d}");
        }
    }

    #[test]
    fn empty_series_gives_nothing() {
        assert!(fitness_series(&[], &LoadSettings::default()).is_empty());
    }
}
