//! Centred moving quantiles (median, quartiles) over a window of beats, for the time-varying
//! thresholds of the artefact detectors.
//!
//! A night holds ~30,000 beats and the detector needs three moving statistics over windows of up to
//! 91 beats, so each window is kept sorted and updated in place as it slides (one value out, one
//! in: two binary searches and a short shift) instead of being sorted afresh: O(n·w) with a tiny
//! constant, about 1.5 ms per statistic for a night in a release build. Values are kept as integer
//! keys with the order of [`f64::total_cmp`]: integer comparisons are cheaper than float ones, and
//! no value, not even a NaN, can break the sorted order.
//!
//! Windows are centred and truncated at the ends of the run (`[k - half, k + half]` clipped to the
//! run), so no value from beyond a recording gap ever enters: the caller passes one run at a time.

/// The integer key of `v` whose order is [`f64::total_cmp`]'s (the transformation it documents).
fn key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// The value of a [`key`] (the transformation is its own inverse).
fn value(k: i64) -> f64 {
    f64::from_bits((k ^ ((((k >> 63) as u64) >> 1) as i64)) as u64)
}

/// Number of keys in the sorted `window` below `k`: the position of `k`.
fn rank(window: &[i64], k: i64) -> usize {
    window.partition_point(|&x| x < k)
}

/// For every position `k` of `values`, calls `visit(k, window)` with the [`key`]s of the values of
/// `[k - half, k + half]` (clipped to the slice) in ascending order.
fn for_each_sorted_window(values: &[f64], half: usize, mut visit: impl FnMut(usize, &[i64])) {
    let n = values.len();
    let keys: Vec<i64> = values.iter().map(|&v| key(v)).collect();
    let mut window: Vec<i64> = Vec::with_capacity(2 * half + 1);
    // Positions [lo, hi) are currently in the window.
    let (mut lo, mut hi) = (0_usize, 0_usize);
    for k in 0..n {
        let want_lo = k.saturating_sub(half);
        let want_hi = (k + half + 1).min(n);
        // In the steady state one value enters as one leaves: swap it in place (one short
        // shift) rather than remove and insert (two).
        while hi < want_hi && lo < want_lo {
            replace_sorted(&mut window, keys[lo], keys[hi]);
            lo += 1;
            hi += 1;
        }
        while hi < want_hi {
            let at = rank(&window, keys[hi]);
            window.insert(at, keys[hi]);
            hi += 1;
        }
        while lo < want_lo {
            let at = rank(&window, keys[lo]);
            if window.get(at) == Some(&keys[lo]) {
                window.remove(at);
            }
            lo += 1;
        }
        visit(k, &window);
    }
}

/// Replaces one copy of the key `old`, inserted earlier, by `new`, keeping `window` sorted.
fn replace_sorted(window: &mut [i64], old: i64, new: i64) {
    let at = rank(window, old);
    if window.get(at) != Some(&old) {
        return;
    }
    if new >= old {
        // `new` belongs after `at`: shift the smaller keys in between one place left.
        let shift = rank(&window[at + 1..], new);
        window.copy_within(at + 1..at + 1 + shift, at);
        window[at + shift] = new;
    } else {
        // `new` belongs before `at`: shift the larger keys in between one place right.
        let to = rank(&window[..at], new);
        window.copy_within(to..at, to + 1);
        window[to] = new;
    }
}

/// Quantile `quarters / 4` (quarters in 0..=4) of the ascending `sorted` values by linear
/// interpolation between order statistics (Hyndman & Fan type 7: position `(m - 1)·p`), the
/// definition of numpy and pandas, so that the thresholds can be checked against NeuroKit2.
/// MATLAB's `prctile`, which Kubios may use, places the order statistics at `(i - 0.5)/m` instead;
/// the two differ by a fraction of one between-value step and only move a threshold, never the
/// rules. `sorted` holds [`key`]s; empty, it yields NaN.
///
/// The detectors need only the median and the quartiles, so `p` is given in quarters: the position
/// `(m - 1)·quarters / 4` is then split into its whole and fractional parts with integer
/// arithmetic, exactly (as the floating-point `(m - 1)·p` would be, `p` being dyadic) but without
/// the float-to-integer conversion, which costs more than the rest of the step together.
fn quantile_sorted(sorted: &[i64], quarters: usize) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let position = last * quarters;
    let below = position / 4;
    let frac = (position % 4) as f64 / 4.0;
    match (sorted.get(below), sorted.get(below + 1)) {
        (Some(&a), Some(&b)) => {
            let (a, b) = (value(a), value(b));
            a + frac * (b - a)
        }
        (Some(&a), None) => value(a),
        _ => f64::NAN,
    }
}

/// Centred moving median over `2·half + 1` values, truncated at the ends.
pub(super) fn moving_median(values: &[f64], half: usize) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    for_each_sorted_window(values, half, |k, w| out[k] = quantile_sorted(w, 2));
    out
}

/// Centred moving quartile deviation `(Q3 - Q1) / 2` over `2·half + 1` values, truncated at the
/// ends.
pub(super) fn moving_quartile_deviation(values: &[f64], half: usize) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    for_each_sorted_window(values, half, |k, w| {
        out[k] = (quantile_sorted(w, 3) - quantile_sorted(w, 1)) / 2.0;
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition, sorting every window from scratch.
    fn naive(values: &[f64], half: usize, quarters: usize) -> Vec<f64> {
        (0..values.len())
            .map(|k| {
                let lo = k.saturating_sub(half);
                let hi = (k + half + 1).min(values.len());
                let mut w: Vec<i64> = values[lo..hi].iter().map(|&v| key(v)).collect();
                w.sort_unstable();
                quantile_sorted(&w, quarters)
            })
            .collect()
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.75]) = [1.75, 2.5, 3.25]
        let s: Vec<i64> = [1.0, 2.0, 3.0, 4.0].into_iter().map(key).collect();
        assert_eq!(quantile_sorted(&s, 1), 1.75);
        assert_eq!(quantile_sorted(&s, 2), 2.5);
        assert_eq!(quantile_sorted(&s, 3), 3.25);
        assert_eq!(quantile_sorted(&s, 0), 1.0);
        assert_eq!(quantile_sorted(&s, 4), 4.0);
        assert_eq!(quantile_sorted(&[key(7.0)], 3), 7.0);
        assert!(quantile_sorted(&[], 2).is_nan());
    }

    #[test]
    fn sliding_window_matches_sorting_each_window() {
        // Repeated values exercise the removal of duplicates.
        let values: Vec<f64> = (0..300).map(|i| ((i * 37 % 23) as f64).floor()).collect();
        for half in [0, 1, 5, 45, 400] {
            assert_eq!(moving_median(&values, half), naive(&values, half, 2));
            let q1 = naive(&values, half, 1);
            let q3 = naive(&values, half, 3);
            let qd: Vec<f64> = q1.iter().zip(&q3).map(|(a, b)| (b - a) / 2.0).collect();
            assert_eq!(moving_quartile_deviation(&values, half), qd);
        }
        assert!(moving_median(&[], 5).is_empty());
    }
}
