//! Sample entropy (Richman & Moorman, "Physiological time-series analysis using approximate entropy
//! and sample entropy", Am J Physiol Heart Circ Physiol 278 (2000) H2039–H2049; Kubios HRV user's
//! guide: m = 2, r = 0.2 SDNN).
//!
//! Conventions, those of Richman & Moorman's reference code (PhysioNet `sampen.c`) and of NeuroKit2
//! `entropy_sample`:
//! - templates of length m and m + 1 are both taken at the first N − m start positions, so the two
//!   counts compare the same set of template pairs;
//! - two templates match when their Chebyshev (maximum-coordinate) distance is at most r (≤, not <);
//! - self-matches are excluded; each unordered pair counts once (the ratio is the same as counting
//!   ordered pairs);
//! - SampEn = −ln(A / B), with B the matching pairs of length m and A those of length m + 1.
//!
//! # Speed
//!
//! A 1-hour recording holds ~5000 beats and a night ~30 000, so the all-pairs loop (4.5 · 10⁸ pairs
//! for a night) is too slow for a phone. The pairs are counted exactly, but only among candidates
//! that already match in the first two coordinates, found by sorting (the sort-and-window idea of
//! the bucket-assisted entropy algorithms of Manis, Aktaruzzaman & Sassi, "Low computational cost
//! for sample entropy", Entropy 20 (2018) 61, taken to two coordinates):
//!
//! 1. The templates are sorted by their first coordinate and cut greedily into blocks: a block
//!    starts at the first template more than r above the start of the previous block. All the
//!    first coordinates of a block are within r of each other, and two templates within r of each
//!    other in the first coordinate lie in the same block or in consecutive ones.
//! 2. Each block is sorted by the second coordinate. The partners of a template within r in that
//!    coordinate then form one contiguous range of its own block and one of the next block, and
//!    the ends of those ranges only move forward as the template does: a sweep finds them all.
//! 3. Inside a range, the remaining coordinates are compared for every candidate, without branches
//!    (whether a candidate matches is close to a coin toss, a mispredicted branch costs more than
//!    the comparisons, and a branchless loop over coordinates stored one after the other is
//!    vectorised by the compiler).
//!
//! For m = 1 the short template has a single coordinate: the blocks stay sorted by the first one
//! and step 2 reduces to a window over it.
//!
//! Every match is decided by the same floating-point test |a − b| ≤ r as in the definition:
//! subtraction is correctly rounded, hence monotone in each operand and exactly antisymmetric, so on
//! a sorted coordinate the test holds on a contiguous range and the sweep's bounds are exact. The
//! counts A and B are therefore exactly those of the all-pairs loop (checked against one in the
//! tests, with ties and constant stretches). Candidates examined on the 1-hour sample series at
//! r = 0.2 SD: 0.69 million, 1.7 times the matching pairs B and 6 % of all pairs (a window on the
//! first coordinate alone leaves 14 %). Time: `cargo bench -p alyze-core --bench hrv`.

use std::ops::Range;

/// Embedding dimension m (Kubios).
pub const SAMPEN_DIMENSION: usize = 2;

/// Tolerance r as a multiple of the standard deviation of the series (Kubios).
pub const SAMPEN_TOLERANCE_SD: f64 = 0.2;

/// Sample entropy of `x` with embedding dimension `m` (at least 1) and tolerance `r` (same unit as
/// `x`). `None` when it is undefined: fewer than two templates, no match of length m + 1 (the ratio
/// is 0 and the entropy infinite), a tolerance that is not positive and finite (r = 0 happens for a
/// series without any variability, where "within 0.2 SD" means nothing), m = 0, or a value of `x`
/// that is not finite.
pub fn sample_entropy(x: &[f64], m: usize, r: f64) -> Option<f64> {
    if m == 0 || !(r > 0.0 && r.is_finite()) || x.len() <= m + 1 || !x.iter().all(|v| v.is_finite())
    {
        return None;
    }
    let (b, a) = match_counts(x, m, r);
    if a == 0 || b == 0 {
        return None;
    }
    Some(-(a as f64 / b as f64).ln())
}

/// The counts (B, A) of Richman & Moorman: unordered pairs of distinct start positions among the
/// first N − m whose templates of length m (B) and m + 1 (A) match within `r`. Requires m ≥ 1,
/// N > m + 1, finite `x` and `r` > 0 (see [`sample_entropy`]); the method is in the module
/// documentation.
fn match_counts(x: &[f64], m: usize, r: f64) -> (u64, u64) {
    let n = x.len() - m;
    // The coordinate each block is sorted by: the second, or for m = 1 the first (the only one of
    // the short template).
    let sorted_by = if m >= 2 { 1 } else { 0 };

    // Step 1: start positions by first coordinate, cut into blocks (`starts` holds each block's
    // first index, then n).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut starts = vec![0];
    let mut block_start = order[0];
    for (p, &i) in order.iter().enumerate() {
        if x[i] - x[block_start] > r {
            starts.push(p);
            block_start = i;
        }
    }
    starts.push(n);

    // Step 2: each block by the coordinate above, then every template copied in that order, one
    // coordinate after the other: coordinate d of the template at position p is at d·n + p.
    for block in starts.windows(2) {
        order[block[0]..block[1]]
            .sort_unstable_by(|&i, &j| x[i + sorted_by].total_cmp(&x[j + sorted_by]));
    }
    let templates = Templates {
        n,
        m,
        coords: (0..=m)
            .flat_map(|d| order.iter().map(move |&i| x[i + d]))
            .collect(),
    };

    let key = templates.coord(sorted_by);
    let (mut b, mut a) = (0, 0);
    let mut mask = Vec::new();
    let mut add = |k: usize, candidates: Range<usize>| {
        let (db, da) = templates.count_matches(k, candidates, r, &mut mask);
        b += db;
        a += da;
    };
    for (i, block) in starts.windows(2).enumerate() {
        let (start, end) = (block[0], block[1]);
        let next_end = starts.get(i + 2).copied().unwrap_or(end);
        // Ends of the candidate ranges: in the block itself, the templates after k up to `same`;
        // in the next block, those from `next_lo` up to `next_hi`.
        let (mut same, mut next_lo, mut next_hi) = (start, end, end);
        for k in start..end {
            let v = key[k];
            while same < end && key[same] - v <= r {
                same += 1;
            }
            while next_lo < next_end && key[next_lo] - v < -r {
                next_lo += 1;
            }
            while next_hi < next_end && key[next_hi] - v <= r {
                next_hi += 1;
            }
            // `same` > k, as the template is within r of itself; `next_hi` ≥ `next_lo`, as the
            // templates before `next_lo` are below v − r.
            add(k, k + 1..same);
            add(k, next_lo..next_hi);
        }
    }
    (b, a)
}

/// Templates of length m + 1, stored coordinate after coordinate.
struct Templates {
    /// Number of templates.
    n: usize,
    /// Embedding dimension.
    m: usize,
    /// Coordinate d of template p at d·n + p.
    coords: Vec<f64>,
}

impl Templates {
    /// Coordinate `d` of every template.
    fn coord(&self, d: usize) -> &[f64] {
        &self.coords[d * self.n..(d + 1) * self.n]
    }

    /// Whether each template of `candidates` is within `r` of template `k` in coordinate `d`.
    fn within(
        &self,
        d: usize,
        k: usize,
        candidates: Range<usize>,
        r: f64,
    ) -> impl Iterator<Item = bool> {
        let c = self.coord(d);
        let v = c[k];
        c[candidates].iter().map(move |&u| (u - v).abs() <= r)
    }

    /// Among `candidates`, which already match template `k` in the coordinate the blocks are
    /// sorted by, the number matching it in the m first coordinates (B) and of those, the number
    /// also matching in coordinate m (A). `mask` is scratch space, 0 or 1 per candidate, as a u64:
    /// as wide as the f64 comparisons, which the compiler vectorises better than `bool`.
    fn count_matches(
        &self,
        k: usize,
        candidates: Range<usize>,
        r: f64,
        mask: &mut Vec<u64>,
    ) -> (u64, u64) {
        let m = self.m;
        let (mut b, mut a) = (0, 0);
        let mut tally = |short: bool, last: bool| {
            b += u64::from(short);
            a += u64::from(short & last);
        };
        // Coordinate 0 is checked even where the block guarantees it: one loop shape for all.
        let first = self.within(0, k, candidates.clone(), r);
        let last = self.within(m, k, candidates.clone(), r);
        if m <= 2 {
            // Nothing between coordinates 0 and m besides the sorted one: a single pass.
            first.zip(last).for_each(|(s, l)| tally(s, l));
        } else {
            mask.clear();
            mask.extend(first.map(u64::from));
            for d in 2..m {
                for (s, w) in mask
                    .iter_mut()
                    .zip(self.within(d, k, candidates.clone(), r))
                {
                    *s &= u64::from(w);
                }
            }
            mask.iter().zip(last).for_each(|(&s, l)| tally(s != 0, l));
        }
        (b, a)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::test_rng::Rng;
    use super::*;

    /// The textbook definition, all ordered pairs, for comparison.
    fn brute_force(x: &[f64], m: usize, r: f64) -> Option<f64> {
        let n = x.len() - m;
        let matches =
            |i: usize, j: usize, len: usize| (0..len).all(|d| (x[i + d] - x[j + d]).abs() <= r);
        let (mut a, mut b) = (0u64, 0u64);
        for i in 0..n {
            for j in 0..n {
                if i != j && matches(i, j, m) {
                    b += 1;
                    if matches(i, j, m + 1) {
                        a += 1;
                    }
                }
            }
        }
        (a > 0).then(|| -(a as f64 / b as f64).ln())
    }

    /// The counts (B, A) by the plain all-pairs loop, each unordered pair once.
    fn brute_force_counts(x: &[f64], m: usize, r: f64) -> (u64, u64) {
        let n = x.len() - m;
        let within = |i: usize, j: usize, d: usize| (x[i + d] - x[j + d]).abs() <= r;
        let (mut b, mut a) = (0, 0);
        for i in 0..n {
            for j in i + 1..n {
                if (0..m).all(|d| within(i, j, d)) {
                    b += 1;
                    a += u64::from(within(i, j, m));
                }
            }
        }
        (b, a)
    }

    /// A random RR-like series of `len` beats: a wandering rhythm with beat-to-beat noise, in whole
    /// milliseconds (many equal values) unless `continuous`, with stretches where the value does
    /// not change at all.
    fn series(rng: &mut Rng, len: usize, continuous: bool) -> Vec<f64> {
        let mut level = 800.0_f64;
        let mut x = Vec::with_capacity(len);
        while x.len() < len {
            if rng.below(20) == 0 {
                // A constant stretch of 2 to 12 beats.
                let v = if continuous { level } else { level.round() };
                let run = 2 + rng.below(11) as usize;
                x.extend(std::iter::repeat_n(v, run.min(len - x.len())));
                continue;
            }
            level = (level + 15.0 * (rng.uniform() - 0.5)).clamp(500.0, 1200.0);
            let v = level + 60.0 * (rng.uniform() - 0.5);
            x.push(if continuous { v } else { v.round() });
        }
        x
    }

    #[test]
    fn counts_equal_the_all_pairs_loop() {
        let mut rng = Rng(0x5A4D_E17E);
        for len in [3, 4, 5, 10, 50, 200, 600] {
            for continuous in [false, true] {
                let x = series(&mut rng, len, continuous);
                let (_, sd) = crate::hrv::time_domain::mean_sd(x.iter().copied());
                // Tolerances from far below to far above the beat-to-beat spread; whole numbers
                // too, where integer data sit exactly at distance r.
                let mut tolerances = vec![0.05 * sd, 0.2 * sd, 0.5 * sd, 3.0 * sd];
                tolerances.extend([0.5, 1.0, 2.0, 7.0, 25.0]);
                for m in 1..=4 {
                    if len <= m + 1 {
                        continue;
                    }
                    for &r in &tolerances {
                        assert_eq!(
                            match_counts(&x, m, r),
                            brute_force_counts(&x, m, r),
                            "len {len} continuous {continuous} m {m} r {r}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn counts_of_degenerate_series() {
        let constant = [800.0; 40];
        let two_values: Vec<f64> = (0..60).map(|i| [800.0, 801.0][i % 2]).collect();
        let steps: Vec<f64> = (0..90).map(|i| 700.0 + 10.0 * (i / 9) as f64).collect();
        for x in [&constant[..], &two_values, &steps] {
            for m in 1..=3 {
                for r in [0.5, 1.0, 10.0, 1e6] {
                    assert_eq!(
                        match_counts(x, m, r),
                        brute_force_counts(x, m, r),
                        "m {m} r {r}"
                    );
                }
            }
        }
        // Every pair of the 38 templates of a constant series matches: 38 · 37 / 2.
        assert_eq!(match_counts(&constant, 2, 1.0), (703, 703));
    }

    #[test]
    fn agrees_with_the_definition() {
        // A deterministic, irregular series with many ties (integer milliseconds, like real data).
        let x: Vec<f64> = (0..500u64)
            .map(|i| 800.0 + ((i * 2654435761) % 97) as f64 + ((i * 40503) % 13) as f64)
            .collect();
        for m in 1..4 {
            for r in [3.0, 10.0, 25.0] {
                let fast = sample_entropy(&x, m, r);
                let slow = brute_force(&x, m, r);
                assert_eq!(fast.is_some(), slow.is_some(), "m {m} r {r}");
                if let (Some(f), Some(s)) = (fast, slow) {
                    assert!((f - s).abs() < 1e-12, "m {m} r {r}: {f} vs {s}");
                }
            }
        }
    }

    #[test]
    fn hand_computed_series() {
        // x = 1 2 1 2 1 2 with m = 1, r = 0.5: templates of length 1 at positions 0..5:
        // 1 2 1 2 1 -> pairs of equal values: {0,2},{0,4},{2,4},{1,3} = 4 (B).
        // Extended by one: (1,2)(2,1)(1,2)(2,1)(1,2) -> same pairs all still match: A = 4.
        let x = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0];
        assert_eq!(sample_entropy(&x, 1, 0.5), Some(0.0));
        // Break the last value: pairs whose next value is x[5] now differ for position 4.
        let y = [1.0, 2.0, 1.0, 2.0, 1.0, 5.0];
        // Pairs {0,4} and {2,4} lose their extension: A = 2, B = 4.
        let s = sample_entropy(&y, 1, 0.5).unwrap();
        assert!((s - 2.0_f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn undefined_cases_are_none() {
        assert_eq!(sample_entropy(&[800.0; 50], 2, 0.0), None);
        assert_eq!(sample_entropy(&[800.0, 810.0, 820.0], 2, 5.0), None);
        assert_eq!(sample_entropy(&[], 2, 5.0), None);
        assert_eq!(sample_entropy(&[800.0, 900.0, 800.0, 700.0], 0, 5.0), None);
        // A strictly increasing series never repeats a pattern within r.
        let ramp: Vec<f64> = (0..100).map(|i| 10.0 * i as f64).collect();
        assert_eq!(sample_entropy(&ramp, 2, 1.0), None);
        assert_eq!(sample_entropy(&ramp, 2, f64::NAN), None);
        let mut gap = [800.0, 810.0, 800.0, 810.0, 800.0, 810.0];
        assert!(sample_entropy(&gap, 1, 5.0).is_some());
        gap[3] = f64::NAN;
        assert_eq!(sample_entropy(&gap, 1, 5.0), None);
        gap[3] = f64::INFINITY;
        assert_eq!(sample_entropy(&gap, 1, 5.0), None);
    }
}
