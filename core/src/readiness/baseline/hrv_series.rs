//! A member's daily HRV series, tagged with its metric.
//!
//! SDNN (what Apple HealthKit gives) and RMSSD (Health Connect, and what the app computes from
//! beat-to-beat data) are different quantities with different normal values, and a baseline holds
//! one of them only (domain brief section 4). [`DailyLnHrv`] carries its [`HrvMetric`] and refuses
//! readings of the other; the baseline built from it carries the metric on.

use std::fmt;

use serde::Serialize;

use super::{BaselineError, valid};

/// The HRV metric a baseline is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HrvMetric {
    /// Root mean square of successive differences, ms (Health Connect; computed from beat-to-beat
    /// data).
    Rmssd,
    /// Standard deviation of NN intervals, ms (Apple HealthKit's HRV).
    Sdnn,
}

impl fmt::Display for HrvMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HrvMetric::Rmssd => "RMSSD",
            HrvMetric::Sdnn => "SDNN",
        })
    }
}

/// One day's HRV reading, tagged with its metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HrvReading {
    /// The metric of the reading.
    pub metric: HrvMetric,
    /// The reading in ms.
    pub ms: f64,
}

/// A member's daily lnHRV for one metric: one entry per consecutive member-local day, oldest first,
/// `None` for a day without a valid reading. Non-finite values, and ms values that are not above
/// zero, are stored as `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyLnHrv {
    metric: HrvMetric,
    ln: Vec<Option<f64>>,
}

impl DailyLnHrv {
    /// A series already on the ln scale (for instance [`crate::hrv::NightReport::mean_ln_rmssd`],
    /// the mean ln RMSSD of a night's clean windows).
    pub fn from_ln(metric: HrvMetric, ln: Vec<Option<f64>>) -> Self {
        let ln = ln.into_iter().map(valid).collect();
        Self { metric, ln }
    }

    /// A series in ms, taken to the ln scale.
    pub fn from_ms(metric: HrvMetric, ms: &[Option<f64>]) -> Self {
        let ln = ms.iter().map(|&v| ln_ms(v)).collect();
        Self { metric, ln }
    }

    /// A series of tagged readings in ms. A reading of the other metric is an error naming its day:
    /// the caller decides which metric a member's baseline is kept in, and never mixes them.
    pub fn from_readings(
        metric: HrvMetric,
        readings: &[Option<HrvReading>],
    ) -> Result<Self, BaselineError> {
        let ln = readings
            .iter()
            .enumerate()
            .map(|(day, r)| match r {
                Some(r) if r.metric != metric => Err(BaselineError::MixedMetrics {
                    day,
                    expected: metric,
                    found: r.metric,
                }),
                Some(r) => Ok(ln_ms(Some(r.ms))),
                None => Ok(None),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { metric, ln })
    }

    /// The metric of the series.
    pub fn metric(&self) -> HrvMetric {
        self.metric
    }

    /// The daily ln values, oldest first.
    pub fn ln_values(&self) -> &[Option<f64>] {
        &self.ln
    }

    /// Number of days in the series.
    pub fn len(&self) -> usize {
        self.ln.len()
    }

    /// Whether the series holds no day.
    pub fn is_empty(&self) -> bool {
        self.ln.is_empty()
    }
}

fn ln_ms(ms: Option<f64>) -> Option<f64> {
    valid(ms).filter(|&x| x > 0.0).map(f64::ln)
}

#[cfg(test)]
mod tests {
    use super::super::{HrvBaselineSettings, hrv_baseline};
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn the_metric_travels_with_the_baseline_and_is_never_mixed() {
        let readings = [
            Some(HrvReading {
                metric: HrvMetric::Sdnn,
                ms: 50.0,
            }),
            None,
            Some(HrvReading {
                metric: HrvMetric::Rmssd,
                ms: 40.0,
            }),
        ];
        assert_eq!(
            DailyLnHrv::from_readings(HrvMetric::Sdnn, &readings),
            Err(BaselineError::MixedMetrics {
                day: 2,
                expected: HrvMetric::Sdnn,
                found: HrvMetric::Rmssd,
            })
        );
        let series = DailyLnHrv::from_readings(HrvMetric::Sdnn, &readings[..2]).unwrap();
        assert!(close(series.ln_values()[0].unwrap(), 50.0_f64.ln(), 1e-12));
        let b = hrv_baseline(&series, &HrvBaselineSettings::default()).unwrap();
        assert_eq!(b.metric, HrvMetric::Sdnn);
    }

    #[test]
    fn implausible_values_are_missing_days() {
        let series = DailyLnHrv::from_ms(
            HrvMetric::Rmssd,
            &[Some(0.0), Some(-3.0), Some(f64::INFINITY), Some(f64::NAN)],
        );
        assert!(series.ln_values().iter().all(Option::is_none));
        let series = DailyLnHrv::from_ln(HrvMetric::Rmssd, vec![Some(f64::NAN), Some(4.0)]);
        assert_eq!(series.ln_values(), &[None, Some(4.0)]);
    }
}
