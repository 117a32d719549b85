//! A validated series of RR intervals, split into the contiguous runs between recording gaps.
//!
//! Every index downstream is computed within a run: a successive difference taken across a gap
//! (HealthKit's `precededByGap`, a strap that lost contact) would be a difference between two beats
//! that were never adjacent.

use super::{HrvError, HrvSettings};

/// RR intervals in milliseconds with the positions where the recording was interrupted.
#[derive(Debug, Clone, PartialEq)]
pub struct RrSeries {
    rr_ms: Vec<f64>,
    /// Start index of each contiguous run; always begins with 0 when the series is not empty.
    run_starts: Vec<usize>,
}

impl RrSeries {
    /// Validates `rr_ms` against the plausible range and the minimum length of `settings`.
    /// `gaps` holds the positions of intervals preceded by a gap, in any order; duplicates and a gap
    /// before the first interval are harmless.
    pub fn new(rr_ms: &[f64], gaps: &[usize], settings: &HrvSettings) -> Result<Self, HrvError> {
        check_settings(settings)?;
        for (index, &rr) in rr_ms.iter().enumerate() {
            if !rr.is_finite() {
                return Err(HrvError::NonFinite { index });
            }
            if rr < settings.min_rr_ms || rr > settings.max_rr_ms {
                return Err(HrvError::OutOfRange {
                    index,
                    min_ms: settings.min_rr_ms,
                    max_ms: settings.max_rr_ms,
                });
            }
        }
        if rr_ms.len() < settings.min_beats {
            return Err(HrvError::TooFewBeats {
                found: rr_ms.len(),
                needed: settings.min_beats,
            });
        }
        if let Some(marker) = gaps.iter().position(|&g| g >= rr_ms.len()) {
            return Err(HrvError::GapOutOfRange { marker });
        }
        let mut run_starts: Vec<usize> = std::iter::once(0).chain(gaps.iter().copied()).collect();
        run_starts.sort_unstable();
        run_starts.dedup();
        Ok(Self {
            rr_ms: rr_ms.to_vec(),
            run_starts,
        })
    }

    /// Builds a series from runs that are already validated (the output of artefact correction).
    pub(crate) fn from_runs(runs: Vec<Vec<f64>>) -> Self {
        let mut rr_ms = Vec::with_capacity(runs.iter().map(Vec::len).sum());
        let mut run_starts = Vec::with_capacity(runs.len());
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            run_starts.push(rr_ms.len());
            rr_ms.extend(run);
        }
        Self { rr_ms, run_starts }
    }

    /// All intervals, in recording order.
    pub fn intervals(&self) -> &[f64] {
        &self.rr_ms
    }

    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.rr_ms.len()
    }

    /// Whether the series holds no interval.
    pub fn is_empty(&self) -> bool {
        self.rr_ms.is_empty()
    }

    /// Sum of the intervals in seconds (gaps themselves are not counted: their length is unknown).
    pub fn duration_s(&self) -> f64 {
        self.rr_ms.iter().sum::<f64>() / 1000.0
    }

    /// The contiguous runs between gaps, in order.
    pub fn segments(&self) -> impl Iterator<Item = &[f64]> + '_ {
        let ends = self
            .run_starts
            .iter()
            .skip(1)
            .copied()
            .chain(std::iter::once(self.rr_ms.len()));
        self.run_starts
            .iter()
            .zip(ends)
            .map(|(&start, end)| &self.rr_ms[start..end])
    }
}

/// Rejects settings that make no sense before any data is looked at.
fn check_settings(settings: &HrvSettings) -> Result<(), HrvError> {
    if !(settings.min_rr_ms > 0.0 && settings.min_rr_ms < settings.max_rr_ms) {
        return Err(HrvError::InvalidSetting {
            name: "min_rr_ms/max_rr_ms",
            reason: "need 0 < min_rr_ms < max_rr_ms",
        });
    }
    if settings.min_beats < 3 {
        return Err(HrvError::InvalidSetting {
            name: "min_beats",
            reason: "at least 3 beats are needed for a successive difference and its spread",
        });
    }
    if let super::Correction::Threshold { threshold_ms } = settings.correction
        && !(threshold_ms.is_finite() && threshold_ms > 0.0)
    {
        return Err(HrvError::InvalidSetting {
            name: "correction.threshold_ms",
            reason: "must be a positive number of milliseconds",
        });
    }
    if let super::Detrending::SmoothnessPriors { lambda } = settings.detrending
        && !(lambda.is_finite() && lambda > 0.0)
    {
        return Err(HrvError::InvalidSetting {
            name: "detrending.lambda",
            reason: "must be a positive number",
        });
    }
    if !(0.0..=100.0).contains(&settings.max_artefact_pct) {
        return Err(HrvError::InvalidSetting {
            name: "max_artefact_pct",
            reason: "must be a percentage between 0 and 100",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> HrvSettings {
        HrvSettings {
            min_beats: 3,
            ..HrvSettings::default()
        }
    }

    #[test]
    fn splits_runs_at_gaps() {
        let s = RrSeries::new(
            &[800.0, 810.0, 820.0, 830.0, 840.0],
            &[3, 1, 3],
            &settings(),
        )
        .unwrap();
        let runs: Vec<&[f64]> = s.segments().collect();
        assert_eq!(
            runs,
            vec![&[800.0][..], &[810.0, 820.0][..], &[830.0, 840.0][..]]
        );
    }

    #[test]
    fn names_the_bad_interval() {
        let err = RrSeries::new(&[800.0, f64::NAN, 820.0], &[], &settings()).unwrap_err();
        assert_eq!(err, HrvError::NonFinite { index: 1 });
        let err = RrSeries::new(&[800.0, 810.0, 2500.0], &[], &settings()).unwrap_err();
        assert!(matches!(err, HrvError::OutOfRange { index: 2, .. }));
        assert!(
            !err.to_string().contains("2500"),
            "no health value in an error string"
        );
    }

    #[test]
    fn refuses_too_few_beats_and_stray_gaps() {
        let err = RrSeries::new(&[800.0, 810.0], &[], &settings()).unwrap_err();
        assert_eq!(
            err,
            HrvError::TooFewBeats {
                found: 2,
                needed: 3
            }
        );
        let err = RrSeries::new(&[800.0, 810.0, 820.0], &[1, 3], &settings()).unwrap_err();
        assert_eq!(err, HrvError::GapOutOfRange { marker: 1 });
    }

    #[test]
    fn refuses_nonsense_settings() {
        let bad = HrvSettings {
            min_rr_ms: 2000.0,
            max_rr_ms: 300.0,
            ..settings()
        };
        assert!(matches!(
            RrSeries::new(&[800.0; 5], &[], &bad),
            Err(HrvError::InvalidSetting { .. })
        ));
        for bad in [
            HrvSettings {
                correction: super::super::Correction::Threshold { threshold_ms: 0.0 },
                ..settings()
            },
            HrvSettings {
                detrending: super::super::Detrending::SmoothnessPriors { lambda: f64::NAN },
                ..settings()
            },
        ] {
            assert!(matches!(
                RrSeries::new(&[800.0; 5], &[], &bad),
                Err(HrvError::InvalidSetting { .. })
            ));
        }
    }
}
