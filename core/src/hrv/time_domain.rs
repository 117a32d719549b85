//! Time-domain HRV indices (Task Force 1996; Kubios HRV user's guide, "Time-domain analysis").
//!
//! Conventions, matching Kubios and the independent packages the tests compare against:
//! - SDNN and SDSD use the sample standard deviation (N-1 denominator).
//! - RMSSD is the root mean square of the successive differences.
//! - pNN50 is NN50 divided by the number of successive differences (N-1 in a gap-free series), as
//!   Kubios, pyHRV and hrv-analysis do; NeuroKit2 divides by N.
//! - SDSD is the sample standard deviation of the signed differences, as NeuroKit2 computes it
//!   (hrv-analysis uses N, pyHRV the absolute differences; `core/tests/time_domain_reference.rs`
//!   converts between them).
//! - Mean HR is the mean of the instantaneous heart rates 60000/RR, as Kubios, pyHRV and
//!   hrv-analysis compute it (not 60000/MeanNN).
//! - Successive differences are taken within each contiguous run only, never across a gap.

use serde::Serialize;

/// Time-domain indices of a recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeDomain {
    /// Mean of the NN intervals, ms.
    pub mean_nn_ms: f64,
    /// Standard deviation of the NN intervals (N-1), ms.
    pub sdnn_ms: f64,
    /// Root mean square of successive differences, ms.
    pub rmssd_ms: f64,
    /// Natural logarithm of RMSSD in ms: the scale on which readiness baselines are kept
    /// (Plews et al. 2012).
    pub ln_rmssd: f64,
    /// Standard deviation of successive differences (N-1), ms.
    pub sdsd_ms: f64,
    /// Successive differences larger than 50 ms.
    pub nn50: usize,
    /// NN50 as a percentage of the successive differences.
    pub pnn50_pct: f64,
    /// Mean instantaneous heart rate, beats per minute.
    pub mean_hr_bpm: f64,
}

/// Computes the time-domain indices of the runs of a series. Needs at least two intervals in all and
/// one successive difference within a run; callers validate the length first.
pub fn time_domain(segments: &[&[f64]]) -> TimeDomain {
    let all = || segments.iter().flat_map(|s| s.iter().copied());
    let diffs = || {
        segments
            .iter()
            .flat_map(|s| s.windows(2).map(|w| w[1] - w[0]))
    };
    let (mean_nn_ms, sdnn_ms) = mean_sd(all());
    let n_diffs = diffs().count();
    let rmssd_ms = (diffs().map(|d| d * d).sum::<f64>() / n_diffs as f64).sqrt();
    let (_, sdsd_ms) = mean_sd(diffs());
    let nn50 = diffs().filter(|d| d.abs() > 50.0).count();
    let (mean_hr_bpm, _) = mean_sd(all().map(|rr| 60_000.0 / rr));
    TimeDomain {
        mean_nn_ms,
        sdnn_ms,
        rmssd_ms,
        ln_rmssd: rmssd_ms.ln(),
        sdsd_ms,
        nn50,
        pnn50_pct: 100.0 * nn50 as f64 / n_diffs as f64,
        mean_hr_bpm,
    }
}

/// Mean and sample standard deviation (N-1) in one pass (Welford's algorithm, which stays exact
/// where the naive sum of squares loses digits to cancellation).
pub(crate) fn mean_sd(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut n, mut mean, mut m2) = (0usize, 0.0, 0.0);
    for x in values {
        n += 1;
        let delta = x - mean;
        mean += delta / n as f64;
        m2 += delta * (x - mean);
    }
    let sd = if n > 1 {
        (m2 / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    (mean, sd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_series() {
        // Differences 20, -40, 60: RMSSD = sqrt((400 + 1600 + 3600) / 3).
        let rr = [800.0, 820.0, 780.0, 840.0];
        let t = time_domain(&[&rr]);
        assert!((t.mean_nn_ms - 810.0).abs() < 1e-12);
        assert!((t.sdnn_ms - (2000.0_f64 / 3.0).sqrt()).abs() < 1e-9);
        assert!((t.rmssd_ms - (5600.0_f64 / 3.0).sqrt()).abs() < 1e-9);
        assert_eq!(t.nn50, 1);
        assert!((t.pnn50_pct - 100.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn no_difference_across_a_gap() {
        // The jump from 800 to 1200 spans a gap and must not count.
        let t = time_domain(&[&[800.0, 810.0], &[1200.0, 1210.0]]);
        assert!((t.rmssd_ms - 10.0).abs() < 1e-12);
        assert_eq!(t.nn50, 0);
    }
}
