//! Beat classification of Lipponen & Tarvainen 2019, the automatic artefact detection of Kubios HRV.
//!
//! J. A. Lipponen and M. P. Tarvainen, "A robust algorithm for heart rate variability time series
//! artefact correction using novel beat classification", J Med Eng Technol 43(3) (2019) 173–181,
//! doi:10.1080/03091902.2019.1640306 ("the paper" below).
//!
//! The detector looks at two series built from the RR intervals of one contiguous run:
//! - dRR, the successive differences, normalised by a time-varying threshold Th1 (alpha times the
//!   quartile deviation of |dRR| over 91 beats);
//! - mRR, the deviation of each interval from the median of the 11 around it (negative deviations
//!   doubled), normalised by Th2 (alpha times the quartile deviation of |mRR| over 91 beats).
//!
//! and classifies each beat along the flow chart of the paper (Fig. 1): a beat whose |dRR| stays
//! within Th1 is normal; otherwise the (S11, S12) plane decides whether it is ectopic, and the
//! (S21, S22) plane with |mRR| whether it is long or short, which the comparison with the median
//! then refines into missed or extra. NeuroKit2's `signal_fixpeaks(method="kubios")` is an
//! independent implementation of the same paper; `tests/reference/gen_artefacts.py` records its
//! detections and `core/tests/artefacts.rs` checks this one against them.
//!
//! Index convention: `rr[j]` is the interval that ends at beat `j`, and `dRR(j) = rr[j] - rr[j-1]`
//! (the paper's). A classification names the interval `rr[j]`.

use super::ArtefactKind;
use super::window::{moving_median, moving_quartile_deviation};

/// Ectopic decision boundary, slope: the paper, Methods: c1 = 0.13.
const C1: f64 = 0.13;
/// Ectopic decision boundary, offset: the paper, Methods: c2 = 0.17.
const C2: f64 = 0.17;
/// Threshold multiplier of the quartile deviation: the paper, Methods: alpha = 5.2.
const ALPHA: f64 = 5.2;
/// Half of the 91-beat window of the quartile deviations (the paper, Methods).
const QD_HALF_WINDOW: usize = 45;
/// Half of the 11-beat window of the median in mRR (the paper, Methods).
const MEDIAN_HALF_WINDOW: usize = 5;
/// |mRR| above 3 Th2 marks a long or short beat whatever dRR's neighbours say (the paper, Fig. 1).
const MRR_LIMIT: f64 = 3.0;
/// Floor of Th1 and Th2, in ms. Not in the paper: on a (nearly) constant stretch the quartile
/// deviation is zero, and a zero threshold would make any 1-ms timing jitter an artefact (and the
/// normalisation divide by zero). 10 ms is below the thresholds of resting recordings (Th1 is
/// typically 30–150 ms) and above the timing resolution of common sources (1 ms for chest straps,
/// 1/128 s ≈ 7.8 ms for older ones, whose one-step jitter would otherwise pass for artefacts on a
/// steady rhythm). The cost: in hard exercise, where RMSSD falls to ~3 ms and Th1 to ~6 ms, a beat
/// misplaced by less than 10 ms goes undetected.
const MIN_THRESHOLD_MS: f64 = 10.0;

/// Classifies every interval of one contiguous run (`None` = normal beat). Never panics; a run of
/// fewer than 3 intervals is returned all normal, as there is no successive difference to judge.
pub(super) fn classify(rr: &[f64]) -> Vec<Option<ArtefactKind>> {
    let n = rr.len();
    let mut classes = vec![None; n];
    if n < 3 {
        return classes;
    }
    let s = Subspaces::new(rr);

    // Flow chart of the paper, Fig. 1, beat by beat.
    let mut i = 0;
    while i < n {
        let di = s.d(i);
        // Within Th1 (or not a number, which the floor on Th1 rules out for finite input): a
        // normal beat.
        if di.abs() <= 1.0 || di.is_nan() {
            i += 1;
            continue;
        }
        // Ectopic: (S11, S12) in one of the two ectopic regions of the paper's decision plane:
        // S11 > 1 and S12 < -c1·S11 - c2, or S11 < -1 and S12 > -c1·S11 + c2. S12 takes the
        // neighbour that makes the pattern "negative-positive-negative" (or the reverse) visible:
        // the short-long pair around a premature beat.
        let s12 = s.s12(i);
        if (di > 1.0 && s12 < -C1 * di - C2) || (di < -1.0 && s12 > -C1 * di + C2) {
            classes[i] = Some(ArtefactKind::Ectopic);
            i += 1;
            continue;
        }
        // Long/short candidates (the paper, Fig. 1): this beat, and the next one too when its own
        // difference is smaller than the one after it (the artefact may sit on the next interval,
        // whose large difference is then dRR(i + 2)). The next beat, once judged as a candidate,
        // is not judged again.
        let mut next = i + 1;
        let mut candidates = [Some(i), None];
        if i + 1 < n && s.d(i + 1).abs() < s.d(i + 2).abs() {
            candidates[1] = Some(i + 1);
            next = i + 2;
        }
        for j in candidates.into_iter().flatten() {
            if j > 0 && classes[j - 1] == Some(ArtefactKind::Extra) {
                // The other half of an extra beat found just before (see below).
                continue;
            }
            let dj = s.d(j);
            // S21 = dRR(j); S22 takes the opposite-signed extreme of the next two differences
            // (the paper's long/short plane): a long interval is followed by a fall, a short one
            // by a rise.
            let s22 = s.s22(j);
            let far_from_median = s.m(j).abs() > MRR_LIMIT;
            // On the first and last interval the rise-then-fall of a long beat (or the fall-then-
            // rise of a short one) is half outside the run and cannot be seen; there the median
            // alone tells long from short (not in the paper, which does not treat the ends).
            let at_end = j == 0 || j + 1 == n;
            let long = (dj > 1.0 && s22 < -1.0) || (at_end && far_from_median && s.m(j) > 0.0);
            let short = (dj < -1.0 && s22 > 1.0) || (at_end && far_from_median && s.m(j) < 0.0);
            if !(long || short || far_from_median) {
                continue;
            }
            // Missed beat: half the interval is within Th2 of the median (the paper, Fig. 1).
            let missed = (rr[j] / 2.0 - s.med[j]).abs() < s.th2[j];
            // Extra beat: this interval and the next add up to within Th2 of the median.
            let extra = rr
                .get(j + 1)
                .is_some_and(|&after| (rr[j] + after - s.med[j]).abs() < s.th2[j]);
            classes[j] = Some(if short && extra {
                // The next interval is the other half of the split one and is merged with this
                // one on correction: it is not a beat of its own to classify.
                next = next.max(j + 2);
                ArtefactKind::Extra
            } else if long && missed {
                ArtefactKind::Missed
            } else {
                ArtefactKind::LongShort
            });
        }
        i = next;
    }
    classes
}

/// The normalised series of the paper for one run.
struct Subspaces {
    /// dRR(k) / Th1 for k in -1..=n+1, stored at index k + 1.
    d: Vec<f64>,
    /// Median of the 11 intervals around each interval, ms.
    med: Vec<f64>,
    /// mRR / Th2 per interval.
    m: Vec<f64>,
    /// Th2 per interval, ms (also the tolerance of the missed/extra checks).
    th2: Vec<f64>,
}

impl Subspaces {
    fn new(rr: &[f64]) -> Self {
        let n = rr.len();
        // dRR(k) = RR(k) - RR(k-1) (the paper), defined within the run for k = 1..n-1. The rules
        // also look up to two differences before and after a beat; beyond the ends of the run the
        // difference series is mirrored (dRR(0) = dRR(1), dRR(-1) = dRR(2), dRR(n) = dRR(n-1),
        // dRR(n+1) = dRR(n-2)), i.e. the run is continued by point reflection of its intervals.
        // That continuation is neutral: a smooth trend just continues, whereas mirroring the
        // intervals themselves would make every end a local extremum, the very shape of a long or
        // short beat (how an artefact on an end interval is told apart: see `classify`).
        // NeuroKit2 instead puts the mean interval before the run and never classifies its last
        // two intervals. Needs n >= 3.
        let last = n - 1;
        let diff = |k: isize| -> f64 {
            let inside = if k < 1 {
                1 - k
            } else if k > last as isize {
                2 * last as isize + 1 - k
            } else {
                k
            };
            let k = inside.clamp(1, last as isize) as usize;
            rr[k] - rr[k - 1]
        };
        // k from -1 to n + 1.
        let raw_d: Vec<f64> = (-1..=n as isize + 1).map(diff).collect();

        // Th1 = alpha · QD(|dRR|) over 91 beats (the paper, Methods), over k = 0..n-1 (dRR(0)
        // being the mirrored dRR(1)).
        let abs_d: Vec<f64> = raw_d[1..=n].iter().map(|d| d.abs()).collect();
        let th1 = thresholds(&abs_d);
        let d = raw_d
            .iter()
            .enumerate()
            .map(|(at, raw)| raw / th1[(at.saturating_sub(1)).min(n - 1)])
            .collect();

        // mRR = RR - med11(RR) with negative values doubled (the paper, Methods; our reading of
        // why: an interval can shorten by less than it can lengthen, so short beats are made as
        // visible as long ones); Th2 = alpha · QD(|mRR|) over 91 beats.
        let med = moving_median(rr, MEDIAN_HALF_WINDOW);
        let mrr: Vec<f64> = rr
            .iter()
            .zip(&med)
            .map(|(r, m)| {
                let dev = r - m;
                if dev < 0.0 { 2.0 * dev } else { dev }
            })
            .collect();
        let abs_m: Vec<f64> = mrr.iter().map(|m| m.abs()).collect();
        let th2 = thresholds(&abs_m);
        let m = mrr.iter().zip(&th2).map(|(v, t)| v / t).collect();
        Self { d, med, m, th2 }
    }

    /// Normalised dRR(k); k may run up to n + 1 (mirrored beyond the end).
    fn d(&self, k: usize) -> f64 {
        self.d.get(k + 1).copied().unwrap_or(0.0)
    }

    /// Normalised dRR(k - 1), k >= 0 (k - 1 = -1 is mirrored from inside the run).
    fn d_before(&self, k: usize) -> f64 {
        self.d.get(k).copied().unwrap_or(0.0)
    }

    /// Normalised mRR(k).
    fn m(&self, k: usize) -> f64 {
        self.m.get(k).copied().unwrap_or(0.0)
    }

    /// S12(j): max(dRR(j-1), dRR(j+1)) when dRR(j) > 0, min(…) when dRR(j) < 0 (the paper,
    /// Methods).
    fn s12(&self, j: usize) -> f64 {
        let (before, after) = (self.d_before(j), self.d(j + 1));
        let dj = self.d(j);
        if dj > 0.0 {
            before.max(after)
        } else if dj < 0.0 {
            before.min(after)
        } else {
            0.0
        }
    }

    /// S22(j): min(dRR(j+1), dRR(j+2)) when dRR(j) >= 0, max(…) when dRR(j) < 0 (the paper,
    /// Methods).
    fn s22(&self, j: usize) -> f64 {
        let (a, b) = (self.d(j + 1), self.d(j + 2));
        if self.d(j) >= 0.0 { a.min(b) } else { a.max(b) }
    }
}

/// alpha · quartile deviation over the 91-beat window, floored at [`MIN_THRESHOLD_MS`].
fn thresholds(abs_values: &[f64]) -> Vec<f64> {
    moving_quartile_deviation(abs_values, QD_HALF_WINDOW)
        .into_iter()
        .map(|qd| (ALPHA * qd).max(MIN_THRESHOLD_MS))
        .collect()
}
