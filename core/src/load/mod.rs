//! Training load: how much a member trained, per session and as a daily series, and what that
//! series says about fitness, fatigue, the acute:chronic ratio and the monotony of the week.
//!
//! Two session loads ([`session`]: Foster's session-RPE; [`trimp`]: Banister's heart-rate TRIMP)
//! turn one session into arbitrary units. [`analyse_daily`] takes one load per consecutive day (a
//! day without training is `0.0`) and returns, for each day, the Banister fitness-fatigue model as
//! the TrainingPeaks Performance Manager computes it ([`fitness`]: ATL, CTL, TSB), the EWMA
//! acute:chronic workload ratio ([`acwr`]; Williams et al. 2017) and Foster's monotony and strain
//! ([`monotony`]; Foster 1998). The daily series must hold one kind of load only: session-RPE and
//! TRIMP are on different scales and must never be added up in one series.
//!
//! Everything here is pure (data in, result out, no I/O, no store). Every window and threshold is
//! a field of [`LoadSettings`] with its source. Three incompatible EWMA constants exist in the wild
//! (1/N, 1-e^(-1/N), 2/(N+1)); each metric uses the one its source publishes, named in its module.
//!
//! Conventions: `../shared/domain.md` section 4.

pub mod acwr;
pub mod fitness;
pub mod monotony;
pub mod session;
pub mod trimp;

use serde::{Deserialize, Serialize};

pub use acwr::{Acwr, AcwrSeed};
pub use fitness::Fitness;
pub use monotony::{Monotony, MonotonyLevel};
pub use session::session_rpe_load;
pub use trimp::{Sex, Trimp, banister_trimp};

/// Why a load cannot be computed. Messages name the field or the day, never the value: loads and
/// heart rates are health data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// An input is NaN or infinite.
    #[error("{field}: not a finite number")]
    NonFinite {
        /// The input, as named in the function's parameters.
        field: &'static str,
    },
    /// An input that cannot be negative is.
    #[error("{field}: negative")]
    Negative {
        /// The input, as named in the function's parameters.
        field: &'static str,
    },
    /// A heart rate is zero or negative.
    #[error("{field}: must be greater than zero")]
    NotPositive {
        /// The input, as named in the function's parameters.
        field: &'static str,
    },
    /// A rating lies outside its scale.
    #[error("{field}: outside the scale {min} to {max}")]
    OutOfScale {
        /// The input, as named in the function's parameters.
        field: &'static str,
        /// Lowest value of the scale (inclusive).
        min: f64,
        /// Highest value of the scale (inclusive).
        max: f64,
    },
    /// The maximal heart rate is not above the resting heart rate: the heart-rate reserve would be
    /// zero or negative.
    #[error("hr_max_bpm must be greater than hr_rest_bpm")]
    MaxNotAboveRest,
    /// The session's average heart rate is above the maximal heart rate, which a true maximum
    /// cannot be: the member's maximal heart rate (often an age-predicted estimate) is out of date.
    #[error("hr_avg_bpm is above hr_max_bpm: the maximal heart rate needs updating")]
    AverageAboveMax,
    /// A day's load is NaN or infinite.
    #[error("daily load #{day}: not a finite number")]
    DayNonFinite {
        /// Zero-based position of the day in the series.
        day: usize,
    },
    /// A day's load is negative.
    #[error("daily load #{day}: negative")]
    DayNegative {
        /// Zero-based position of the day in the series.
        day: usize,
    },
    /// A setting is outside the values it can take.
    #[error("invalid setting {name}: {reason}")]
    InvalidSetting {
        /// Name of the setting.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Windows and thresholds of the daily series. [`LoadSettings::default`] is the configuration of
/// the sources named on each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadSettings {
    /// Time constant of the acute training load (fatigue), days. Default 7: the TrainingPeaks /
    /// WKO Performance Manager default (Coggan, "The Science of the TrainingPeaks Performance
    /// Manager", TrainingPeaks); domain brief section 4.
    pub atl_days: usize,
    /// Time constant of the chronic training load (fitness), days. Default 42: the TrainingPeaks /
    /// WKO Performance Manager default (Coggan); domain brief section 4.
    pub ctl_days: usize,
    /// ATL on the day before the series starts. Default 0, as TrainingPeaks starts a member with no
    /// starting value; set it when the member trained before their history begins.
    pub atl_start: f64,
    /// CTL on the day before the series starts. Default 0, as [`LoadSettings::atl_start`].
    pub ctl_start: f64,
    /// Span of the acute EWMA of the workload ratio, days. Default 7 (Williams et al., "Better way
    /// to determine the acute:chronic workload ratio?", Br J Sports Med 51 (2017) 209-210).
    pub acwr_acute_days: usize,
    /// Span of the chronic EWMA of the workload ratio, days. Default 28 (Williams et al. 2017).
    pub acwr_chronic_days: usize,
    /// What the two workload-ratio EWMAs start from. Default [`AcwrSeed::FirstLoad`]; see there.
    pub acwr_seed: AcwrSeed,
    /// Days over which monotony and strain are taken. Default 7, the training week of Foster,
    /// "Monitoring training in athletes with reference to overtraining syndrome", Med Sci Sports
    /// Exerc 30(7) (1998) 1164-1168. At least 2 (a standard deviation needs two days).
    pub monotony_days: usize,
    /// Monotony above which the week is flagged [`MonotonyLevel::Warning`]. Default 1.5, domain
    /// brief section 4.
    pub monotony_warning: f64,
    /// Monotony above which the week is flagged [`MonotonyLevel::Critical`]. Default 2.0: Foster
    /// 1998 saw illness and overreaching follow weeks of monotony above 2; domain brief section 4.
    pub monotony_critical: f64,
}

impl Default for LoadSettings {
    fn default() -> Self {
        Self {
            atl_days: 7,
            ctl_days: 42,
            atl_start: 0.0,
            ctl_start: 0.0,
            acwr_acute_days: 7,
            acwr_chronic_days: 28,
            acwr_seed: AcwrSeed::FirstLoad,
            monotony_days: 7,
            monotony_warning: 1.5,
            monotony_critical: 2.0,
        }
    }
}

impl LoadSettings {
    /// Checks that every setting can be used.
    pub fn validate(&self) -> Result<(), LoadError> {
        let invalid = |name, reason| Err(LoadError::InvalidSetting { name, reason });
        for (name, days) in [
            ("atl_days", self.atl_days),
            ("ctl_days", self.ctl_days),
            ("acwr_acute_days", self.acwr_acute_days),
            ("acwr_chronic_days", self.acwr_chronic_days),
        ] {
            if days == 0 {
                return invalid(name, "must be at least 1 day");
            }
        }
        if self.monotony_days < 2 {
            return invalid("monotony_days", "must be at least 2 days");
        }
        for (name, start) in [("atl_start", self.atl_start), ("ctl_start", self.ctl_start)] {
            if !start.is_finite() || start < 0.0 {
                return invalid(name, "must be a finite number, zero or more");
            }
        }
        for (name, level) in [
            ("monotony_warning", self.monotony_warning),
            ("monotony_critical", self.monotony_critical),
        ] {
            if !level.is_finite() || level <= 0.0 {
                return invalid(name, "must be a finite number greater than zero");
            }
        }
        if self.monotony_warning > self.monotony_critical {
            return invalid("monotony_warning", "must not exceed monotony_critical");
        }
        Ok(())
    }
}

/// Everything the daily series says about one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayLoad {
    /// Zero-based position of the day in the series.
    pub day: usize,
    /// The day's load, as given.
    pub load: f64,
    /// Fatigue, fitness and form (Banister model as in the TrainingPeaks Performance Manager).
    pub fitness: Fitness,
    /// The EWMA acute:chronic workload ratio (Williams et al. 2017).
    pub acwr: Acwr,
    /// Monotony and strain of the window ending on this day; `None` until the series holds
    /// [`LoadSettings::monotony_days`] days.
    pub monotony: Option<Monotony>,
}

/// Analyses a series of daily loads, one per consecutive calendar day, oldest first (a day without
/// training is `0.0`). Refuses a negative or non-finite load, naming the day, and invalid settings.
/// Loads so large that their sums overflow (beyond 1e300) give infinite or NaN metrics.
pub fn analyse_daily(loads: &[f64], settings: &LoadSettings) -> Result<Vec<DayLoad>, LoadError> {
    settings.validate()?;
    for (day, &load) in loads.iter().enumerate() {
        if !load.is_finite() {
            return Err(LoadError::DayNonFinite { day });
        }
        if load < 0.0 {
            return Err(LoadError::DayNegative { day });
        }
    }
    let fitness = fitness::fitness_series(loads, settings);
    let acwr = acwr::acwr_series(loads, settings);
    let monotony = monotony::monotony_series(loads, settings);
    Ok(loads
        .iter()
        .zip(fitness)
        .zip(acwr)
        .zip(monotony)
        .enumerate()
        .map(|(day, (((&load, fitness), acwr), monotony))| DayLoad {
            day,
            load,
            fitness,
            acwr,
            monotony,
        })
        .collect())
}

/// The exponentially weighted moving average `x(d) = x(d-1) + alpha (load(d) - x(d-1))`, which is
/// `alpha load(d) + (1 - alpha) x(d-1)`, starting from `x(-1) = seed`. Day d's value includes day
/// d's load. Which `alpha` is each metric's convention, chosen in its module.
fn ewma(loads: &[f64], alpha: f64, seed: f64) -> Vec<f64> {
    loads
        .iter()
        .scan(seed, |x, &load| {
            *x += alpha * (load - *x);
            Some(*x)
        })
        .collect()
}

#[cfg(test)]
mod tests;
