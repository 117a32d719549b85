//! Nonlinear HRV indices, with the Kubios HRV conventions (Tarvainen et al. 2014; Kubios HRV user's
//! guide 3.x, "Nonlinear analysis"; domain brief section 3):
//!
//! - [`poincare`]: Poincaré plot SD1 and SD2 (Brennan et al. 2001), over every run of the series.
//! - [`sample_entropy`]: SampEn with m = 2 and r = 0.2 SDNN (Richman & Moorman 2000).
//! - [`dfa_alpha`]: detrended fluctuation analysis, alpha1 over boxes of 4-16 beats and alpha2 over
//!   16-64 beats (Peng et al. 1995).
//!
//! Poincaré uses every successive pair inside a run, so gaps only remove pairs. Sample entropy and DFA
//! are defined on one unbroken sequence: a template or a box spanning a gap would join beats that
//! were never adjacent, and joining the runs end to end would put a step into the integrated profile.
//! They are therefore computed on the longest contiguous run, the one that carries most information
//! (the first of equally long runs).

mod dfa;
mod poincare;
mod sampen;
#[cfg(test)]
mod test_rng;

use serde::Serialize;

pub use dfa::{ALPHA1_BOXES, ALPHA2_BOXES, MIN_BOXES, dfa_alpha, dfa_fluctuation};
pub use poincare::{Poincare, poincare};
pub use sampen::{SAMPEN_DIMENSION, SAMPEN_TOLERANCE_SD, sample_entropy};

/// Nonlinear indices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nonlinear {
    /// Poincaré SD1, ms: the spread perpendicular to the line of identity (short-term variability).
    /// NaN when no run holds two beats (no successive pair at all).
    pub sd1_ms: f64,
    /// Poincaré SD2, ms: the spread along the line of identity (long-term variability). NaN when no
    /// run holds two beats.
    pub sd2_ms: f64,
    /// Sample entropy (m = 2, r = 0.2 SD) of the longest run; `None` when undefined (no template
    /// match, or a run with no variability at all).
    pub sampen: Option<f64>,
    /// DFA short-term exponent (boxes of 4-16 beats) of the longest run; `None` when the run is
    /// shorter than 4 boxes of 16 beats.
    pub dfa_alpha1: Option<f64>,
    /// DFA long-term exponent (boxes of 16-64 beats) of the longest run; `None` when the run is
    /// shorter than 4 boxes of 64 beats.
    pub dfa_alpha2: Option<f64>,
}

/// Nonlinear indices of the runs of a series (`segments`: the contiguous runs between recording gaps,
/// in order).
pub fn nonlinear(segments: &[&[f64]]) -> Nonlinear {
    let Poincare { sd1_ms, sd2_ms } = poincare(segments);
    let longest = longest_run(segments);
    Nonlinear {
        sd1_ms,
        sd2_ms,
        sampen: sampen_default(longest),
        dfa_alpha1: dfa_alpha(longest, ALPHA1_BOXES),
        dfa_alpha2: dfa_alpha(longest, ALPHA2_BOXES),
    }
}

/// SampEn with the Kubios settings: m = 2, r = 0.2 times the sample standard deviation (N-1) of the
/// run itself, which is what NeuroKit2's `entropy_sample(rri, dimension=2, tolerance=0.2*np.std(rri,
/// ddof=1))` computes on the same run.
fn sampen_default(run: &[f64]) -> Option<f64> {
    let (_, sd) = crate::hrv::time_domain::mean_sd(run.iter().copied());
    sample_entropy(run, SAMPEN_DIMENSION, SAMPEN_TOLERANCE_SD * sd)
}

/// The longest run; the first of equally long ones, so the choice is deterministic.
fn longest_run<'a>(segments: &[&'a [f64]]) -> &'a [f64] {
    segments.iter().copied().fold(
        &[][..],
        |best, s| if s.len() > best.len() { s } else { best },
    )
}

/// A least-squares slope through points, or `None` with fewer than two distinct abscissae or a
/// non-finite result. Shared by the DFA fit.
fn ls_slope(points: impl Iterator<Item = (f64, f64)> + Clone) -> Option<f64> {
    let (n, sx, sy) = points.clone().fold((0.0, 0.0, 0.0), |(n, sx, sy), (x, y)| {
        (n + 1.0, sx + x, sy + y)
    });
    if n < 2.0 {
        return None;
    }
    let (mx, my) = (sx / n, sy / n);
    let (sxy, sxx) = points.fold((0.0, 0.0), |(sxy, sxx), (x, y)| {
        (sxy + (x - mx) * (y - my), sxx + (x - mx) * (x - mx))
    });
    let slope = sxy / sxx;
    slope.is_finite().then_some(slope)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn constant_series_has_no_nan_and_no_undefined_index_reported() {
        let rr = [800.0; 400];
        let n = nonlinear(&[&rr]);
        assert_eq!(n.sd1_ms, 0.0);
        assert_eq!(n.sd2_ms, 0.0);
        assert_eq!(n.sampen, None);
        assert_eq!(n.dfa_alpha1, None);
        assert_eq!(n.dfa_alpha2, None);
    }

    #[test]
    fn short_series_gives_none_not_a_panic() {
        for len in 0..5 {
            let rr: Vec<f64> = (0..len).map(|i| 800.0 + 10.0 * (i % 3) as f64).collect();
            let n = nonlinear(&[&rr]);
            assert_eq!(n.dfa_alpha1, None);
            assert_eq!(n.dfa_alpha2, None);
        }
        let n = nonlinear(&[]);
        assert!(n.sd1_ms.is_nan() && n.sd2_ms.is_nan());
        assert_eq!(n.sampen, None);
    }

    #[test]
    fn sampen_and_dfa_use_the_longest_run() {
        let long: Vec<f64> = (0..300)
            .map(|i| 800.0 + 37.0 * ((i * 7919) % 13) as f64)
            .collect();
        let short = [700.0, 900.0, 650.0];
        let whole = nonlinear(&[&long]);
        let split = nonlinear(&[&short, &long, &short]);
        assert_eq!(whole.sampen, split.sampen);
        assert_eq!(whole.dfa_alpha1, split.dfa_alpha1);
        assert!(whole.sampen.is_some() && whole.dfa_alpha1.is_some());
        assert_eq!(longest_run(&[&short, &short[..2], &short]), &short[..]);
    }

    #[test]
    fn slope_of_a_line() {
        let s = ls_slope((0..5).map(|i| (i as f64, 3.0 * i as f64 - 1.0))).unwrap();
        assert!((s - 3.0).abs() < 1e-12);
        assert_eq!(ls_slope(std::iter::once((1.0, 1.0))), None);
    }
}
