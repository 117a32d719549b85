//! Detrended fluctuation analysis (Peng, Havlin, Stanley & Goldberger, "Quantification of scaling
//! exponents and crossover phenomena in nonstationary heartbeat time series", Chaos 5 (1995) 82–87;
//! Kubios HRV user's guide: alpha1 over 4-16 beats, alpha2 over 16-64 beats).
//!
//! Recipe:
//! 1. integrate the mean-removed series: y(k) = Σ_{i ≤ k} (x(i) − mean x);
//! 2. for each box size n, split y into ⌊N/n⌋ non-overlapping boxes of n beats taken from the start
//!    (the leftover < n beats at the end are dropped), as in Peng's original method, PhysioNet
//!    `dfa.c` without sliding windows and NeuroKit2 `fractal_dfa(..., overlap=False)`;
//! 3. fit a least-squares line to y in each box (first-order DFA) and take
//!    F(n) = sqrt(mean over all boxes and beats of the squared residuals);
//! 4. alpha = least-squares slope of ln F(n) against ln n over every integer n of the range (as Kubios;
//!    the base of the logarithm cancels).
//!
//! Boxes are taken from the start only, not also from the end (a variant some packages offer): it is
//! the published recipe, and what the reference packages compute with these settings.
//!
//! Length rule: a range is computed only when the series holds at least [`MIN_BOXES`] boxes of its
//! largest size (64 beats for alpha1, 256 for alpha2). With fewer, F(n) at the large sizes averages
//! over one to three boxes and the slope is mostly noise. A 5-minute resting recording (~300 beats)
//! still gets both exponents, as in Kubios; a 1-minute one (~60 beats) gets neither.
//!
//! Cost: every box is read twice (its sums, then its residuals), each sum taken in independent
//! lanes so that it vectorises ([`lane_sum`]); the single-pass Syy − Sxy²/Sxx form would halve the
//! reads but cancels badly when the line fits a box almost exactly.

use std::ops::RangeInclusive;

use super::ls_slope;

/// Box sizes of the short-term exponent alpha1, beats (Kubios).
pub const ALPHA1_BOXES: RangeInclusive<usize> = 4..=16;

/// Box sizes of the long-term exponent alpha2, beats (Kubios).
pub const ALPHA2_BOXES: RangeInclusive<usize> = 16..=64;

/// Fewest boxes of the largest size a series must hold for an exponent to be computed.
pub const MIN_BOXES: usize = 4;

/// The DFA scaling exponent of `x` over the box sizes `boxes` (at least two sizes, the smallest at
/// least 3 beats, so a line can leave residuals). `None` when the range is not valid, the series is
/// shorter than [`MIN_BOXES`] boxes of the largest size, or F(n) is zero for some size (a series
/// without variability has no fluctuation to scale).
pub fn dfa_alpha(x: &[f64], boxes: RangeInclusive<usize>) -> Option<f64> {
    let (&lo, &hi) = (boxes.start(), boxes.end());
    if lo < 3 || hi <= lo || x.len() < MIN_BOXES.saturating_mul(hi) {
        return None;
    }
    let profile = integrate(x);
    let mut points = Vec::with_capacity(hi - lo + 1);
    for n in boxes {
        let f = fluctuation(&profile, n);
        if !(f > 0.0 && f.is_finite()) {
            return None;
        }
        points.push(((n as f64).ln(), f.ln()));
    }
    ls_slope(points.iter().copied())
}

/// F(n) of `x` for one box size `n` (at least 2), in the unit of `x`: the root mean square of the
/// residuals of the integrated series around the line fitted in each box. `None` when the series holds
/// no full box. For plots and for comparison with other implementations.
pub fn dfa_fluctuation(x: &[f64], n: usize) -> Option<f64> {
    (n >= 2 && x.len() >= n).then(|| fluctuation(&integrate(x), n))
}

/// The integrated mean-removed series (the "profile").
fn integrate(x: &[f64]) -> Vec<f64> {
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    x.iter()
        .scan(0.0, |acc, &v| {
            *acc += v - mean;
            Some(*acc)
        })
        .collect()
}

/// F(n) of a profile: callers guarantee 2 <= n <= profile.len().
fn fluctuation(profile: &[f64], n: usize) -> f64 {
    // Abscissae 0..n-1 centred on their mean, computed once per box size: then Σ tc = 0, so the
    // least-squares slope is Σ tc·y / Σ tc² and the intercept is the box mean, closed forms instead
    // of a general fit per box.
    let t_mean = (n as f64 - 1.0) / 2.0;
    let tc: Vec<f64> = (0..n).map(|t| t as f64 - t_mean).collect();
    let t_sq: f64 = tc.iter().map(|t| t * t).sum();
    let n_boxes = profile.len() / n;
    let mut sum_sq = 0.0;
    for b in profile.chunks_exact(n) {
        let y_mean = lane_sum(b, &tc, |y, _| y) / n as f64;
        let slope = lane_sum(b, &tc, |y, t| t * y) / t_sq;
        // Residuals computed directly rather than as Syy − Sxy²/Sxx, which cancels badly when the
        // line fits a smooth profile almost exactly.
        sum_sq += lane_sum(b, &tc, |y, t| {
            let r = y - y_mean - slope * t;
            r * r
        });
    }
    (sum_sq / (n_boxes * n) as f64).sqrt()
}

/// Independent partial sums in a box, combined at the end: see [`lane_sum`].
const LANES: usize = 2;

/// The sum over a box of `term(y, t)` of its profile values `y` and centred abscissae `t` (slices
/// of equal length).
///
/// The box is summed in [`LANES`] interleaved partial sums, not one running sum: a single sum is a
/// chain of dependent additions that the compiler may not reorder (floating-point addition is not
/// associative), whereas independent lanes map onto SIMD registers. DFA spends most of its time
/// here. Only the order of the additions changes, hence at most the last bits of the sums.
fn lane_sum(y: &[f64], t: &[f64], term: impl Fn(f64, f64) -> f64) -> f64 {
    let (y_lanes, y_rest) = y.as_chunks::<LANES>();
    let (t_lanes, t_rest) = t.as_chunks::<LANES>();
    let mut sums = [0.0; LANES];
    for (ys, ts) in y_lanes.iter().zip(t_lanes) {
        for lane in 0..LANES {
            sums[lane] += term(ys[lane], ts[lane]);
        }
    }
    sums.iter().sum::<f64>()
        + y_rest
            .iter()
            .zip(t_rest)
            .map(|(&y, &t)| term(y, t))
            .sum::<f64>()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::test_rng::Rng;
    use super::*;

    fn white_noise(seed: u64, len: usize) -> Vec<f64> {
        let mut rng = Rng(seed);
        (0..len).map(|_| 800.0 + 50.0 * rng.normal()).collect()
    }

    #[test]
    fn white_noise_scales_with_one_half() {
        for seed in 1..4 {
            let x = white_noise(seed, 4000);
            let a1 = dfa_alpha(&x, ALPHA1_BOXES).unwrap();
            let a2 = dfa_alpha(&x, ALPHA2_BOXES).unwrap();
            // With boxes of 4-16 beats the detrending bias lifts alpha1 of white noise to
            // ~0.55-0.6 (0.57-0.61 for these seeds); alpha2 sits near 0.5. Loose bounds.
            assert!((0.45..0.7).contains(&a1), "seed {seed}: alpha1 {a1}");
            assert!((0.4..0.6).contains(&a2), "seed {seed}: alpha2 {a2}");
        }
    }

    #[test]
    fn random_walk_scales_with_three_halves() {
        for seed in 1..4 {
            let steps = white_noise(seed, 4000);
            let walk: Vec<f64> = steps
                .iter()
                .scan(0.0, |acc, &s| {
                    *acc += s - 800.0;
                    Some(1000.0 + *acc)
                })
                .collect();
            let a1 = dfa_alpha(&walk, ALPHA1_BOXES).unwrap();
            let a2 = dfa_alpha(&walk, ALPHA2_BOXES).unwrap();
            assert!((1.35..1.65).contains(&a1), "seed {seed}: alpha1 {a1}");
            assert!((1.35..1.65).contains(&a2), "seed {seed}: alpha2 {a2}");
        }
    }

    #[test]
    fn hand_computed_fluctuation() {
        // x = 1, -1, 1, -1 (mean 0): profile 1, 0, 1, 0. One box of 4: best line through
        // (0,1)(1,0)(2,1)(3,0) has slope -0.2 and mean 0.5; residuals 0.2, -0.6, 0.6, -0.2,
        // mean square (0.04 + 0.36 + 0.36 + 0.04) / 4 = 0.2.
        let f = dfa_fluctuation(&[1.0, -1.0, 1.0, -1.0], 4).unwrap();
        assert!((f - 0.2_f64.sqrt()).abs() < 1e-12);
        // Boxes of 2 fit their two points exactly.
        assert_eq!(dfa_fluctuation(&[1.0, -1.0, 1.0, -1.0], 2), Some(0.0));
        assert_eq!(dfa_fluctuation(&[1.0, -1.0], 4), None);
    }

    #[test]
    fn length_rule_and_degenerate_input() {
        let x = white_noise(7, 300);
        assert!(dfa_alpha(&x[..64], ALPHA1_BOXES).is_some());
        assert_eq!(dfa_alpha(&x[..63], ALPHA1_BOXES), None);
        assert_eq!(dfa_alpha(&x[..255], ALPHA2_BOXES), None);
        assert_eq!(dfa_alpha(&x, 2..=10), None);
        assert_eq!(dfa_alpha(&x, 8..=8), None);
        assert_eq!(dfa_alpha(&[800.0; 300], ALPHA1_BOXES), None);
    }
}
