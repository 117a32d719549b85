//! Resampling of an RR tachogram onto an even time grid with a not-a-knot cubic spline.
//!
//! The Welch spectrum needs evenly spaced samples; an RR series is sampled once per beat. Kubios
//! places each interval at the time of the beat that ends it (the cumulative sum of the intervals)
//! and interpolates with a cubic spline at 4 Hz (Tarvainen et al. 2014; domain brief
//! section 3).
//!
//! End conditions: not-a-knot. It is the condition of MATLAB's `spline` (Kubios is a MATLAB
//! program; its papers say "cubic spline interpolation" without naming the end condition) and the
//! default of `scipy.interpolate.CubicSpline`, which the independent reference
//! (`tests/reference/gen_spectrum.py`) uses. Natural end conditions would differ only within a
//! few beats of each end of a run. The spline is computed in the
//! slope (first-derivative) form of `CubicSpline` (de Boor, *A Practical Guide to Splines*, 1978,
//! ch. IV), so the two agree to rounding.

/// Fewest knots for a not-a-knot cubic spline: with fewer, the two end conditions and the interior
/// conditions overlap (scipy falls back to a parabola or a line, which the spectrum never needs).
pub(crate) const MIN_KNOTS: usize = 4;

/// Number of samples of an even grid at `fs` Hz starting at the first knot and not passing the
/// last one: `floor(span * fs) + 1`. The reference script computes the same expression.
pub(crate) fn grid_len(span_s: f64, fs: f64) -> usize {
    // Truncation is the intent: the grid stops at the last sample not later than the last knot.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (span_s * fs).floor().max(0.0) as usize;
    n + 1
}

/// Beat times in seconds of the intervals `rr_ms` (ms): the cumulative sum, so that each interval
/// sits at the beat that ends it (Kubios convention; domain brief section 3).
pub(crate) fn beat_times_s(rr_ms: &[f64]) -> Vec<f64> {
    let mut t = 0.0;
    rr_ms
        .iter()
        .map(|&rr| {
            // Summing in ms and dividing afterwards matches numpy's `cumsum(rr) / 1000`.
            t += rr;
            t / 1000.0
        })
        .collect()
}

/// Resamples the values `y` known at the strictly increasing times `x` (s) at `fs` Hz, from `x[0]`
/// to the last grid point not after `x[last]`, with a not-a-knot cubic spline. Appends the samples
/// to `out`. Returns `false` (and appends nothing) when there are fewer than [`MIN_KNOTS`] knots or
/// the lengths differ.
pub(crate) fn resample_not_a_knot(x: &[f64], y: &[f64], fs: f64, out: &mut Vec<f64>) -> bool {
    let n = x.len();
    if n < MIN_KNOTS || y.len() != n {
        return false;
    }
    let slopes = not_a_knot_slopes(x, y);
    let len = grid_len(x[n - 1] - x[0], fs);
    out.reserve(len);
    let mut j = 0; // Interval [x[j], x[j + 1]] holding the current grid point.
    let mut piece = Piece::new(x, y, &slopes, j);
    for k in 0..len {
        // `x0 + k / fs` rather than an accumulated step: no drift over an hour (14 400 samples),
        // and the reference computes the grid the same way.
        #[allow(clippy::cast_precision_loss)]
        let t = x[0] + k as f64 / fs;
        if j + 2 < n && t > x[j + 1] {
            while j + 2 < n && t > x[j + 1] {
                j += 1;
            }
            // Coefficients once per interval, not per sample: about three samples fall in each
            // beat at 4 Hz.
            piece = Piece::new(x, y, &slopes, j);
        }
        out.push(piece.at(t));
    }
    true
}

/// The cubic of one interval in the form `CubicHermiteSpline` evaluates:
/// c0 + c1·d + c2·d² + c3·d³ with d = t - x[j].
struct Piece {
    x0: f64,
    c0: f64,
    c1: f64,
    c2: f64,
    c3: f64,
}

impl Piece {
    /// The piece on interval `j` from the knot values and slopes `s`.
    fn new(x: &[f64], y: &[f64], s: &[f64], j: usize) -> Self {
        let h = x[j + 1] - x[j];
        let m = (y[j + 1] - y[j]) / h;
        Self {
            x0: x[j],
            c0: y[j],
            c1: s[j],
            c2: (3.0 * m - 2.0 * s[j] - s[j + 1]) / h,
            c3: (s[j] + s[j + 1] - 2.0 * m) / (h * h),
        }
    }

    fn at(&self, t: f64) -> f64 {
        let d = t - self.x0;
        self.c0 + d * (self.c1 + d * (self.c2 + d * self.c3))
    }
}

/// Slopes of the not-a-knot cubic spline through (x, y); `x.len() >= MIN_KNOTS`.
///
/// The system is the one `scipy.interpolate.CubicSpline` builds (continuity of the second
/// derivative at the interior knots, continuity of the third at the second and next-to-last
/// knots):
/// - row 0: dx1·s0 + (dx0 + dx1)·s1 = b0
/// - row i: dx_i·s_{i-1} + 2(dx_{i-1} + dx_i)·s_i + dx_{i-1}·s_{i+1}
///   = 3(dx_i·m_{i-1} + dx_{i-1}·m_i)
/// - row n-1: (dx_{n-3} + dx_{n-2})·s_{n-2} + dx_{n-3}·s_{n-1} = b_{n-1}
///
/// with m the secant slopes and b0, b_{n-1} scipy's not-a-knot right-hand sides. Rows 0 and n-1
/// are not diagonally dominant, so instead of pivoting they are substituted into rows 1 and n-2
/// (exact algebra), which leaves a strictly diagonally dominant tridiagonal system in
/// s1..s_{n-2} that the Thomas algorithm solves stably in O(n).
fn not_a_knot_slopes(x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = x.len();
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let m: Vec<f64> = y
        .windows(2)
        .zip(&dx)
        .map(|(w, h)| (w[1] - w[0]) / h)
        .collect();

    // Boundary rows (scipy `CubicSpline`, bc_type='not-a-knot').
    let d0 = x[2] - x[0];
    let b_first = ((dx[0] + 2.0 * d0) * dx[1] * m[0] + dx[0] * dx[0] * m[1]) / d0;
    let dn = x[n - 1] - x[n - 3];
    let b_last =
        (dx[n - 2] * dx[n - 2] * m[n - 3] + (2.0 * dn + dx[n - 2]) * dx[n - 3] * m[n - 2]) / dn;

    // Tridiagonal system in s1..s_{n-2}: sub[i]·s_{i-1} + diag[i]·s_i + sup[i]·s_{i+1} = rhs[i].
    let mut sub = vec![0.0; n];
    let mut diag = vec![0.0; n];
    let mut sup = vec![0.0; n];
    let mut rhs = vec![0.0; n];
    for i in 1..n - 1 {
        sub[i] = dx[i];
        diag[i] = 2.0 * (dx[i - 1] + dx[i]);
        sup[i] = dx[i - 1];
        rhs[i] = 3.0 * (dx[i] * m[i - 1] + dx[i - 1] * m[i]);
    }
    // Row 0 gives s0 = (b0 - d0·s1) / dx1; row 1 holds dx1·s0, so substituting subtracts row 0:
    // (2·d0 - d0)·s1 + dx0·s2 = rhs1 - b0.
    diag[1] -= d0;
    rhs[1] -= b_first;
    sub[1] = 0.0;
    // Symmetrically at the end: row n-2 holds dx_{n-3}·s_{n-1} and row n-1 has the same
    // coefficient on s_{n-1}, so subtracting row n-1 eliminates s_{n-1}.
    diag[n - 2] -= dn;
    rhs[n - 2] -= b_last;
    sup[n - 2] = 0.0;

    // Thomas algorithm on rows 1..=n-2 (no pivoting needed: strictly diagonally dominant).
    let mut s = vec![0.0; n];
    for i in 2..n - 1 {
        let w = sub[i] / diag[i - 1];
        diag[i] -= w * sup[i - 1];
        rhs[i] -= w * rhs[i - 1];
    }
    s[n - 2] = rhs[n - 2] / diag[n - 2];
    for i in (1..n - 2).rev() {
        s[i] = (rhs[i] - sup[i] * s[i + 1]) / diag[i];
    }
    // Back to the eliminated end slopes.
    s[0] = (b_first - d0 * s[1]) / dx[1];
    s[n - 1] = (b_last - dn * s[n - 2]) / dx[n - 3];
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;

    /// A cubic is reproduced exactly by a not-a-knot spline (its defining property: the spline is
    /// a single cubic over the first two and the last two intervals), whatever the knot spacing.
    #[test]
    fn reproduces_a_cubic_on_uneven_knots() {
        let x: Vec<f64> = [0.0, 0.7, 1.5, 2.1, 3.4, 4.0, 4.9, 6.3, 7.0].to_vec();
        let f = |t: f64| 2.0 - 0.5 * t + 0.3 * t * t - 0.04 * t * t * t;
        let y: Vec<f64> = x.iter().map(|&t| f(t)).collect();
        let mut out = Vec::new();
        assert!(resample_not_a_knot(&x, &y, 4.0, &mut out));
        assert_eq!(out.len(), 29); // 0, 0.25, ..., 7.0
        for (k, v) in out.iter().enumerate() {
            let t = k as f64 / 4.0;
            assert!((v - f(t)).abs() < 1e-12, "t = {t}: {v} vs {}", f(t));
        }
    }

    /// The spline passes through its knots and the grid starts at the first knot.
    #[test]
    fn interpolates_the_knots() {
        let x = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5];
        let y = [3.0, -1.0, 4.0, 1.0, 5.0, 9.0];
        let mut out = Vec::new();
        assert!(resample_not_a_knot(&x, &y, 2.0, &mut out));
        assert_eq!(out.len(), 6);
        for (v, w) in out.iter().zip(y) {
            assert!((v - w).abs() < 1e-12);
        }
    }

    /// Values from `scipy.interpolate.CubicSpline(x, y)` (not-a-knot), computed once in Python:
    /// `CubicSpline([0, 1, 2.5, 3, 4.2], [1, 3, 2, 5, 4])([0.5, 1.75, 2.75, 4.0])`.
    #[test]
    fn matches_scipy_cubicspline() {
        let x = [0.0, 1.0, 2.5, 3.0, 4.2];
        let y = [1.0, 3.0, 2.0, 5.0, 4.0];
        let s = not_a_knot_slopes(&x, &y);
        let at = |t: f64| {
            let j = (0..x.len() - 1)
                .rfind(|&j| x[j] <= t)
                .unwrap()
                .min(x.len() - 2);
            Piece::new(&x, &y, &s, j).at(t)
        };
        let expected = [
            (0.5, 3.129_251_872_422_789),
            (1.75, 1.401_785_376_167_634_2),
            (2.75, 3.345_323_413_700_244),
            (4.0, 6.314_264_074_728_606),
        ];
        for (t, want) in expected {
            assert!((at(t) - want).abs() < 1e-12, "t = {t}: {} vs {want}", at(t));
        }
    }

    #[test]
    fn refuses_too_few_knots() {
        let mut out = Vec::new();
        assert!(!resample_not_a_knot(
            &[0.0, 1.0, 2.0],
            &[1.0, 2.0, 3.0],
            4.0,
            &mut out
        ));
        assert!(out.is_empty());
    }

    #[test]
    fn beat_times_are_cumulative() {
        assert_eq!(beat_times_s(&[800.0, 1000.0, 500.0]), vec![0.8, 1.8, 2.3]);
        assert_eq!(grid_len(2.0, 4.0), 9);
        assert_eq!(grid_len(1.99, 4.0), 8);
    }
}
