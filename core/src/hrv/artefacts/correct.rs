//! Correction of classified artefacts in one run, the way Lipponen & Tarvainen 2019 (and Kubios HRV)
//! correct them:
//! - a missed beat: the long interval holds two beats, so it is split into two equal halves
//!   (a new R wave in the middle);
//! - an extra beat: the short interval and the next one are two halves of one, so they are merged;
//! - an ectopic or long/short beat: the interval is replaced by cubic-spline interpolation of the
//!   surrounding good intervals (Kubios HRV user's guide 3.x, "Artefact correction algorithms").
//!
//! The spline is a natural cubic spline through every good interval of the run, with the beat
//! number (position in the corrected run) as abscissa. Kubios interpolates the RR tachogram over
//! time; the beat number is used instead because an artefact's own time stamp is itself off (a
//! premature beat comes early) and because beats are nearly evenly spaced, the two give the same
//! values to within the beat-to-beat variability. Halves of a missed beat and merged extra beats
//! count as good intervals for the spline. An interpolated value is kept within the range of the
//! good intervals of the run (a spline can overshoot across a long burst of artefacts), and before
//! the first or after the last good interval the nearest good interval is repeated (a spline
//! extrapolates wildly).

use super::ArtefactKind;

/// Applies the correction of `classes` to `rr` (one contiguous run). Returns the corrected run
/// and how many detected beats were corrected (a beat with no good interval in its run to
/// interpolate from is left as is and not counted).
pub(super) fn correct_run(rr: &[f64], classes: &[Option<ArtefactKind>]) -> (Vec<f64>, usize) {
    let mut values = Vec::with_capacity(rr.len() + 8);
    // Whether each value of `values` is a good interval (a spline knot) or awaits interpolation.
    let mut good = Vec::with_capacity(rr.len() + 8);
    let mut corrected = 0;
    let mut i = 0;
    while i < rr.len() {
        let r = rr[i];
        match classes.get(i).copied().flatten() {
            None => {
                values.push(r);
                good.push(true);
            }
            Some(ArtefactKind::Missed) => {
                values.extend([r / 2.0, r / 2.0]);
                good.extend([true, true]);
                corrected += 1;
            }
            Some(ArtefactKind::Extra) if i + 1 < rr.len() => {
                values.push(r + rr[i + 1]);
                good.push(true);
                corrected += 1;
                // The next interval is merged into this one.
                i += 1;
            }
            // An extra beat with no next interval to merge with (the detector never produces
            // one) falls back to interpolation, like the remaining classes.
            Some(ArtefactKind::Extra | ArtefactKind::Ectopic | ArtefactKind::LongShort) => {
                values.push(r);
                good.push(false);
            }
        }
        i += 1;
    }
    corrected += interpolate(&mut values, &good);
    (values, corrected)
}

/// Replaces every value whose `good` flag is false by the natural cubic spline through the good
/// values (abscissa: position). Returns how many values were replaced.
fn interpolate(values: &mut [f64], good: &[bool]) -> usize {
    let knots: Vec<(f64, f64)> = values
        .iter()
        .zip(good)
        .enumerate()
        .filter(|(_, (_, g))| **g)
        .map(|(at, (v, _))| (at as f64, *v))
        .collect();
    let (Some(&first), Some(&last)) = (knots.first(), knots.last()) else {
        return 0;
    };
    let (lowest, highest) = knots
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, y)| {
            (lo.min(y), hi.max(y))
        });
    let second = natural_spline_second_derivatives(&knots);

    let mut replaced = 0;
    // Index of the knot at or before the current position.
    let mut k = 0;
    for (at, value) in values.iter_mut().enumerate() {
        if good.get(at).copied().unwrap_or(true) {
            continue;
        }
        let x = at as f64;
        *value = if x <= first.0 {
            first.1
        } else if x >= last.0 {
            last.1
        } else {
            while knots.get(k + 1).is_some_and(|&(xk, _)| xk < x) {
                k += 1;
            }
            match (
                knots.get(k),
                knots.get(k + 1),
                second.get(k),
                second.get(k + 1),
            ) {
                (Some(&a), Some(&b), Some(&ma), Some(&mb)) => {
                    spline_value(a, b, ma, mb, x).clamp(lowest, highest)
                }
                _ => *value,
            }
        };
        replaced += 1;
    }
    replaced
}

/// Second derivatives at the knots of the natural cubic spline (zero at both ends) through
/// `knots`, whose abscissas increase strictly: the tridiagonal system of the continuity of the
/// first derivative, solved by the Thomas algorithm (it is diagonally dominant, no pivoting).
fn natural_spline_second_derivatives(knots: &[(f64, f64)]) -> Vec<f64> {
    let m = knots.len();
    let mut second = vec![0.0; m];
    if m < 3 {
        return second;
    }
    // Row i (1..m-1): h[i-1]·M[i-1] + 2(h[i-1] + h[i])·M[i] + h[i]·M[i+1] = rhs[i].
    // Forward sweep: keep the modified diagonal and right-hand side.
    let mut diag = vec![0.0; m];
    let mut rhs = vec![0.0; m];
    for i in 1..m - 1 {
        let (x0, y0) = knots[i - 1];
        let (x1, y1) = knots[i];
        let (x2, y2) = knots[i + 1];
        let (h0, h1) = (x1 - x0, x2 - x1);
        diag[i] = 2.0 * (h0 + h1);
        rhs[i] = 6.0 * ((y2 - y1) / h1 - (y1 - y0) / h0);
        if i > 1 {
            // Eliminate the sub-diagonal h0 with the previous row, whose super-diagonal is h0 too.
            let factor = h0 / diag[i - 1];
            diag[i] -= factor * h0;
            rhs[i] -= factor * rhs[i - 1];
        }
    }
    // Back substitution (M[m-1] = 0).
    for i in (1..m - 1).rev() {
        let h1 = knots[i + 1].0 - knots[i].0;
        second[i] = (rhs[i] - h1 * second[i + 1]) / diag[i];
    }
    second
}

/// Value at `x` of the cubic between knots `a` and `b` with second derivatives `ma`, `mb`.
fn spline_value(a: (f64, f64), b: (f64, f64), ma: f64, mb: f64, x: f64) -> f64 {
    let h = b.0 - a.0;
    let (ta, tb) = (b.0 - x, x - a.0);
    ma * ta.powi(3) / (6.0 * h)
        + mb * tb.powi(3) / (6.0 * h)
        + (a.1 / h - ma * h / 6.0) * ta
        + (b.1 / h - mb * h / 6.0) * tb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spline_is_exact_for_a_straight_line() {
        // A natural spline is exact for straight lines.
        let mut v: Vec<f64> = (0..10).map(|i| 800.0 + 7.0 * i as f64).collect();
        let good = [
            true, true, true, false, false, true, true, false, true, true,
        ];
        let truth = v.clone();
        v[3] = 0.0;
        v[4] = 0.0;
        v[7] = 0.0;
        assert_eq!(interpolate(&mut v, &good), 3);
        for (a, b) in v.iter().zip(&truth) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn ends_repeat_the_nearest_good_value_and_no_knot_means_no_change() {
        let mut v = vec![1.0, 2.0, 900.0, 950.0, 3.0];
        assert_eq!(interpolate(&mut v, &[false, false, true, true, false]), 3);
        assert_eq!(v, vec![900.0, 900.0, 900.0, 950.0, 950.0]);
        let mut v = vec![1.0, 2.0];
        assert_eq!(interpolate(&mut v, &[false, false]), 0);
        assert_eq!(v, vec![1.0, 2.0]);
    }

    #[test]
    fn missed_is_split_extra_merged_others_interpolated() {
        let rr = [
            800.0, 810.0, 1640.0, 820.0, 400.0, 420.0, 830.0, 500.0, 840.0,
        ];
        let classes = [
            None,
            None,
            Some(ArtefactKind::Missed),
            None,
            Some(ArtefactKind::Extra),
            None,
            None,
            Some(ArtefactKind::LongShort),
            None,
        ];
        let (out, corrected) = correct_run(&rr, &classes);
        assert_eq!(corrected, 3);
        assert_eq!(out.len(), rr.len());
        assert_eq!(&out[..6], &[800.0, 810.0, 820.0, 820.0, 820.0, 820.0]);
        assert_eq!(out[6], 830.0);
        assert!((out[7] - 835.0).abs() < 10.0, "{}", out[7]);
        assert_eq!(out[8], 840.0);
    }
}
