//! Poincaré plot descriptors SD1 and SD2.
//!
//! Brennan, Palaniswami & Kamen, "Do existing measures of Poincaré plot geometry reflect nonlinear
//! features of heart rate variability?", IEEE Trans Biomed Eng 48 (2001) 1342–1347, eqs. 13-14; the
//! Kubios HRV user's guide gives the same form:
//!
//! - SD1² = ½ SDSD², with SDSD the sample standard deviation (N-1) of the successive differences;
//! - SD2² = 2 SDNN² − ½ SDSD², with SDNN the sample standard deviation (N-1) of the intervals.
//!
//! With gaps, the successive differences are those inside each run (pooled over the runs, as for
//! RMSSD and SDSD in [`crate::hrv::time_domain`]) and SDNN is over every interval of every run, so SD1
//! and SD2 stay consistent with the time-domain SDSD and SDNN of the same report. The formula, not a
//! direct standard deviation of (x(n) + x(n+1))/√2, is used for SD2 because that is Kubios's choice;
//! the two differ only by end effects of order 1/N (NeuroKit2 uses the direct form, see the reference
//! test).

use serde::Serialize;

use crate::hrv::time_domain::mean_sd;

/// SD1 and SD2 of a Poincaré plot, ms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Poincare {
    /// Spread across the line of identity, ms.
    pub sd1_ms: f64,
    /// Spread along the line of identity, ms.
    pub sd2_ms: f64,
}

/// SD1 and SD2 of the runs of a series. Both are NaN when no run holds two beats: there is no
/// successive pair to plot.
pub fn poincare(segments: &[&[f64]]) -> Poincare {
    let n_pairs: usize = segments.iter().map(|s| s.len().saturating_sub(1)).sum();
    if n_pairs == 0 {
        return Poincare {
            sd1_ms: f64::NAN,
            sd2_ms: f64::NAN,
        };
    }
    let diffs = segments
        .iter()
        .flat_map(|s| s.windows(2).map(|w| w[1] - w[0]));
    let (_, sdsd) = mean_sd(diffs);
    let (_, sdnn) = mean_sd(segments.iter().flat_map(|s| s.iter().copied()));
    let sd1_sq = 0.5 * sdsd * sdsd;
    // End effects can make 2 SDNN² fall a hair below ½ SDSD² for a strictly alternating series
    // (SD2 is then truly ~0); clamp instead of returning NaN.
    let sd2_sq = (2.0 * sdnn * sdnn - sd1_sq).max(0.0);
    Poincare {
        sd1_ms: sd1_sq.sqrt(),
        sd2_ms: sd2_sq.sqrt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_series() {
        // Intervals 800, 820, 780, 840: mean 810, SDNN² = (100+100+900+900)/3 = 2000/3.
        // Differences 20, -40, 60: mean 40/3, SDSD² = ((20-40/3)² + (-40-40/3)² + (60-40/3)²)/2
        // = (400/9 + 25600/9 + 19600/9)/2 = 45600/18.
        let p = poincare(&[&[800.0, 820.0, 780.0, 840.0]]);
        let sdsd_sq: f64 = 45600.0 / 18.0;
        let sd1_sq = sdsd_sq / 2.0;
        assert!((p.sd1_ms - sd1_sq.sqrt()).abs() < 1e-9);
        assert!((p.sd2_ms - (2.0 * 2000.0 / 3.0 - sd1_sq).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn no_pair_across_a_gap() {
        // Inside each run the difference is +10; the 400 ms jump spans the gap and must not count,
        // so the differences have no spread at all.
        let p = poincare(&[&[800.0, 810.0], &[1200.0, 1210.0]]);
        assert_eq!(p.sd1_ms, 0.0);
        assert!(p.sd2_ms > 300.0, "SDNN still spans both runs");
    }

    #[test]
    fn alternating_series_stays_finite() {
        let rr: Vec<f64> = (0..9)
            .map(|i| if i % 2 == 0 { 800.0 } else { 900.0 })
            .collect();
        let p = poincare(&[&rr]);
        assert!(p.sd1_ms.is_finite() && p.sd2_ms.is_finite());
    }
}
