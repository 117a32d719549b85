//! Frequency-domain HRV: the Welch power spectrum of the RR tachogram and its band powers, computed
//! with the Kubios HRV 2.x recipe (domain brief section 3; Tarvainen et al., "Kubios HRV – heart
//! rate variability analysis software", Comput Methods Programs Biomed 113 (2014) 210–220;
//! Kubios HRV user's guide).
//!
//! The recipe, per contiguous run of the recording:
//! 1. optional smoothness-priors detrending of the RR series ([`super::detrend`]; off by default);
//! 2. the RR value placed at the time of the beat that ends it and the tachogram resampled at
//!    [`RESAMPLE_HZ`] with a not-a-knot cubic spline ([`super::resample`]);
//! 3. the mean of the resampled run removed;
//! 4. Welch periodogram: periodic Hann window, [`WELCH_SEGMENT`] samples (256 s), 50 % overlap,
//!    one-sided density in ms²/Hz with the conventions of `scipy.signal.welch(scaling='density')`
//!    (window-power normalisation, every bin but DC and Nyquist doubled), averaged over all the
//!    Welch segments of all runs;
//! 5. band powers by rectangle sums of PSD × Δf over VLF [0, 0.04), LF [0.04, 0.15) and
//!    HF [0.15, 0.4) Hz (Task Force of the ESC and NASPE, "Heart rate variability: standards of
//!    measurement, physiological interpretation and clinical use", Circulation 93 (1996)
//!    1043–1065, table 2; Kubios uses the same bands).
//!
//! Gaps: a Welch segment never spans a gap. Each run is resampled on its own and only segments
//! lying wholly inside a run are averaged; runs shorter than one segment are left out. When no run
//! holds a full 256 s segment, the longest run is used whole as a single segment (a shorter
//! window, as scipy does when `nperseg` exceeds the data; Kubios is reported to do likewise),
//! provided it lasts at least [`MIN_RUN_S`]: otherwise there is no spectrum (`None`). The bins are
//! then 4 Hz / length apart instead of 1/256 Hz.
//!
//! The independent reference is `tests/reference/gen_spectrum.py` (scipy), checked by
//! `core/tests/spectrum_reference.rs`.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;
use serde::Serialize;

use super::detrend::smoothness_priors;
use super::resample::{MIN_KNOTS, beat_times_s, resample_not_a_knot};

/// Sampling rate of the resampled tachogram, Hz (Kubios default; Tarvainen et al. 2014).
pub const RESAMPLE_HZ: f64 = 4.0;

/// Welch segment length in samples: 256 s at 4 Hz (Kubios default window width; Tarvainen et al.
/// 2014).
pub const WELCH_SEGMENT: usize = 1024;

/// Step between Welch segments: 50 % overlap (Kubios default; Tarvainen et al. 2014).
const WELCH_STEP: usize = WELCH_SEGMENT / 2;

/// Shortest run, in seconds of beats (sum of its intervals), from which a spectrum is computed.
///
/// The Task Force (1996, on the duration of short-term recordings) puts the recording needed for
/// the HF component at about 1 min and for the LF component at about 2 min: a minute holds only
/// 2.4 cycles of the LF band's 0.04 Hz lower edge, too few for its power to mean anything (and
/// VLF is unreliable in any short recording). The floor is 2 min less one longest plausible beat
/// (2 s, domain brief section 3) so that a recording timed at exactly 2 min, which ends on its
/// last whole beat, still qualifies.
pub const MIN_RUN_S: f64 = 118.0;

/// Upper edge of VLF, lower edge of LF, Hz (Task Force 1996, table 2; Kubios default).
const VLF_LF_HZ: f64 = 0.04;
/// Upper edge of LF, lower edge of HF, Hz (Task Force 1996, table 2; Kubios default).
const LF_HF_HZ: f64 = 0.15;
/// Upper edge of HF and of the total power, Hz (Task Force 1996, table 2; Kubios default).
const HF_MAX_HZ: f64 = 0.4;

/// Detrending of the RR series before the spectrum.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detrending {
    /// No detrending (Kubios 2.x default).
    None,
    /// Smoothness priors (Tarvainen 2002), applied to each run's RR series (one sample per beat)
    /// before resampling.
    SmoothnessPriors {
        /// Regularisation parameter; Kubios default 500. Must be finite and not negative, else
        /// [`frequency_domain`] gives `None`.
        lambda: f64,
    },
}

/// Frequency-domain indices.
///
/// Ratios of two powers that are both zero (a perfectly flat series) are reported as 0.0, never
/// NaN; the peak of a band holding no power is its lowest frequency bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequencyDomain {
    /// VLF power, [0, 0.04) Hz, ms².
    pub vlf_ms2: f64,
    /// LF power, [0.04, 0.15) Hz, ms².
    pub lf_ms2: f64,
    /// HF power, [0.15, 0.4) Hz, ms².
    pub hf_ms2: f64,
    /// Total power, [0, 0.4) Hz, ms².
    pub total_ms2: f64,
    /// LF/HF. 0.0 when HF power is zero (only a flat series, whose LF power is zero too).
    pub lf_hf: f64,
    /// LF / (LF + HF) as a fraction from 0 to 1 (Kubios shows ×100, "n.u." in percent).
    /// 0.0 when LF + HF is zero.
    pub lf_nu: f64,
    /// HF / (LF + HF) as a fraction from 0 to 1 (Kubios shows ×100, "n.u." in percent).
    /// 0.0 when LF + HF is zero.
    pub hf_nu: f64,
    /// Frequency of the PSD maximum within VLF, Hz.
    pub vlf_peak_hz: f64,
    /// Frequency of the PSD maximum within LF, Hz.
    pub lf_peak_hz: f64,
    /// Frequency of the PSD maximum within HF, Hz.
    pub hf_peak_hz: f64,
}

/// Welch spectrum of the runs of a series, `segments` being the contiguous runs of RR intervals
/// in ms (see the module documentation for the recipe and the gap rule).
///
/// `None` when no run lasts [`MIN_RUN_S`], when an interval is not a finite positive number, or
/// when the detrending parameter is not finite and non-negative.
pub fn frequency_domain(segments: &[&[f64]], detrending: &Detrending) -> Option<FrequencyDomain> {
    let lambda = match *detrending {
        Detrending::None => None,
        Detrending::SmoothnessPriors { lambda } if lambda.is_finite() && lambda >= 0.0 => {
            Some(lambda)
        }
        Detrending::SmoothnessPriors { .. } => return None,
    };
    if segments
        .iter()
        .any(|run| run.iter().any(|&rr| !(rr.is_finite() && rr > 0.0)))
    {
        return None;
    }
    let runs: Vec<Vec<f64>> = segments
        .iter()
        .filter(|run| run.len() >= MIN_KNOTS && run.iter().sum::<f64>() / 1000.0 >= MIN_RUN_S)
        .filter_map(|run| tachogram(run, lambda))
        .collect();
    let psd = welch(&runs)?;
    Some(indices(&psd))
}

/// The evenly resampled, zero-mean tachogram of one run (ms), detrended first if `lambda` is set.
fn tachogram(rr_ms: &[f64], lambda: Option<f64>) -> Option<Vec<f64>> {
    let times = beat_times_s(rr_ms);
    // Shifting by the first interval changes nothing in the spectrum (the spline and the
    // detrending are linear and keep constants; the mean is removed below) but makes a flat
    // series exactly zero, so that it yields exactly zero power instead of rounding noise whose
    // ratios would be arbitrary.
    let first = *rr_ms.first()?;
    let mut z: Vec<f64> = rr_ms.iter().map(|rr| rr - first).collect();
    if let Some(lambda) = lambda {
        smoothness_priors(&mut z, lambda);
    }
    let mut x = Vec::new();
    if !resample_not_a_knot(&times, &z, RESAMPLE_HZ, &mut x) {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    x.iter_mut().for_each(|v| *v -= mean);
    Some(x)
}

/// A one-sided power spectral density on the bins below [`HF_MAX_HZ`].
struct Psd {
    /// PSD in ms²/Hz at bin k, frequency [`bin_hz`]`(k, len)`.
    density: Vec<f64>,
    /// Length of the DFT (samples per Welch segment).
    len: usize,
    /// Bin spacing, Hz.
    df: f64,
}

/// Welch periodogram over the runs (see the module documentation); `None` when there is no run.
fn welch(runs: &[Vec<f64>]) -> Option<Psd> {
    let segments: Vec<&[f64]> = if runs.iter().any(|r| r.len() >= WELCH_SEGMENT) {
        runs.iter()
            .filter(|r| r.len() >= WELCH_SEGMENT)
            .flat_map(|r| {
                // Segments start every WELCH_STEP samples and must end inside the run; trailing
                // samples that do not fill a segment are dropped (scipy's `padded=False`).
                (0..=r.len() - WELCH_SEGMENT)
                    .step_by(WELCH_STEP)
                    .map(move |start| &r[start..start + WELCH_SEGMENT])
            })
            .collect()
    } else {
        // First longest run (a strict `>` keeps the earliest on ties).
        let longest = runs
            .iter()
            .reduce(|a, b| if b.len() > a.len() { b } else { a })?;
        vec![longest.as_slice()]
    };
    let len = segments.first()?.len();
    #[allow(clippy::cast_precision_loss)]
    let (len_f, n_segments) = (len as f64, segments.len() as f64);
    let df = RESAMPLE_HZ / len_f;
    let n_bins = (0..=len / 2)
        .take_while(|&k| bin_hz(k, len) < HF_MAX_HZ)
        .count();

    // Periodic ("DFT-even") Hann window, scipy's `get_window('hann', len)`.
    let window: Vec<f64> = (0..len)
        .map(|n| {
            #[allow(clippy::cast_precision_loss)]
            let phase = 2.0 * std::f64::consts::PI * n as f64 / len_f;
            0.5 - 0.5 * phase.cos()
        })
        .collect();
    let window_power: f64 = window.iter().map(|w| w * w).sum();

    // One plan per call, reused for every segment.
    let fft = FftPlanner::<f64>::new().plan_fft_forward(len);
    let mut buffer = vec![Complex::new(0.0, 0.0); len];
    let mut scratch = vec![Complex::new(0.0, 0.0); fft.get_inplace_scratch_len()];
    let mut sum = vec![0.0; n_bins];
    for segment in &segments {
        for ((b, x), w) in buffer.iter_mut().zip(segment.iter()).zip(&window) {
            *b = Complex::new(x * w, 0.0);
        }
        fft.process_with_scratch(&mut buffer, &mut scratch);
        for (s, b) in sum.iter_mut().zip(&buffer) {
            *s += b.norm_sqr();
        }
    }
    // Density scaling 1 / (fs Σw²) (P. D. Welch, IEEE Trans Audio Electroacoust 15(2) (1967)
    // 70-73; scipy `scaling='density'`), mean over segments,
    // and the one-sided doubling of every bin except DC and, for an even length, Nyquist (which
    // lies at 2 Hz, far above the bins kept here, but is handled for completeness).
    let scale = 1.0 / (RESAMPLE_HZ * window_power * n_segments);
    let density = sum
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let one_sided = if k == 0 || (len % 2 == 0 && k == len / 2) {
                1.0
            } else {
                2.0
            };
            s * scale * one_sided
        })
        .collect();
    Some(Psd { density, len, df })
}

/// Frequency of bin `k` of a `len`-point DFT at [`RESAMPLE_HZ`]. Written as `k·fs / len` (one
/// rounding) so that a bin falling exactly on a band edge is classified the same way here and in
/// the reference script.
fn bin_hz(k: usize, len: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let f = k as f64 * RESAMPLE_HZ / len as f64;
    f
}

/// Power (rectangle sum, ms²) and peak frequency (Hz) of the band [lo, hi).
fn band(psd: &Psd, lo: f64, hi: f64) -> (f64, f64) {
    let mut power = 0.0;
    let mut peak: Option<(usize, f64)> = None;
    for (k, &p) in psd.density.iter().enumerate() {
        let f = bin_hz(k, psd.len);
        if f < lo || f >= hi {
            continue;
        }
        power += p * psd.df;
        // Strict `>`: the first maximum wins, as numpy's argmax in the reference.
        if peak.is_none_or(|(_, best)| p > best) {
            peak = Some((k, p));
        }
    }
    (power, peak.map_or(lo, |(k, _)| bin_hz(k, psd.len)))
}

/// The indices from the PSD.
fn indices(psd: &Psd) -> FrequencyDomain {
    let (vlf_ms2, vlf_peak_hz) = band(psd, 0.0, VLF_LF_HZ);
    let (lf_ms2, lf_peak_hz) = band(psd, VLF_LF_HZ, LF_HF_HZ);
    let (hf_ms2, hf_peak_hz) = band(psd, LF_HF_HZ, HF_MAX_HZ);
    let (total_ms2, _) = band(psd, 0.0, HF_MAX_HZ);
    // 0/0 only for a flat series: report 0.0 rather than NaN (the fields are plain f64 that the
    // FFI and JSON carry; NaN would serialise as null and poison averages downstream).
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
    FrequencyDomain {
        vlf_ms2,
        lf_ms2,
        hf_ms2,
        total_ms2,
        lf_hf: ratio(lf_ms2, hf_ms2),
        lf_nu: ratio(lf_ms2, lf_ms2 + hf_ms2),
        hf_nu: ratio(hf_ms2, lf_ms2 + hf_ms2),
        vlf_peak_hz,
        lf_peak_hz,
        hf_peak_hz,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::cast_precision_loss, clippy::float_cmp)]
mod tests {
    use super::*;

    /// RR intervals (ms) whose tachogram, sampled at the beat times, is exactly
    /// `base + Σ amp·sin(2π f t + phase)`: each interval is solved by fixed-point iteration from
    /// `rr = base + modulation(t_prev + rr)` (a contraction: amp·2πf/1000 ≪ 1).
    fn modulated(base: f64, waves: &[(f64, f64, f64)], duration_s: f64) -> Vec<f64> {
        let modulation = |t: f64| -> f64 {
            waves
                .iter()
                .map(|&(amp, f, phase)| amp * (2.0 * std::f64::consts::PI * f * t + phase).sin())
                .sum()
        };
        let mut rr = Vec::new();
        let mut t = 0.0;
        while t < duration_s {
            let mut r = base;
            for _ in 0..50 {
                r = base + modulation(t + r / 1000.0);
            }
            t += r / 1000.0;
            rr.push(r);
        }
        rr
    }

    fn fd(runs: &[&[f64]]) -> FrequencyDomain {
        frequency_domain(runs, &Detrending::None).unwrap()
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    /// A 20 ms sinusoid at 0.1 Hz: its power A²/2 = 200 ms² lands in LF at the right peak, and
    /// the total equals it (Parseval with the density scaling).
    #[test]
    fn lf_sinusoid_lands_in_lf() {
        let rr = modulated(1000.0, &[(20.0, 0.1, 0.3)], 600.0);
        let f = fd(&[&rr]);
        assert!(close(f.lf_ms2, 200.0, 0.01), "LF {}", f.lf_ms2);
        assert!(close(f.total_ms2, 200.0, 0.01), "total {}", f.total_ms2);
        assert!(
            f.vlf_ms2 < 1e-3 * f.lf_ms2 && f.hf_ms2 < 1e-3 * f.lf_ms2,
            "{f:?}"
        );
        assert!(
            (f.lf_peak_hz - 0.1).abs() <= 0.5 * RESAMPLE_HZ / WELCH_SEGMENT as f64,
            "{f:?}"
        );
        assert!(f.lf_nu > 0.999 && f.hf_nu < 1e-3 && f.lf_hf > 1e3);
        assert!(close(f.lf_nu + f.hf_nu, 1.0, 1e-12));
    }

    /// The modulation frequencies of these tests stay well below half the beat rate, where the
    /// cubic spline passes them whole (see `spline_attenuates_near_half_the_beat_rate`).
    #[test]
    fn hf_sinusoid_lands_in_hf() {
        let rr = modulated(600.0, &[(30.0, 0.25, 1.0)], 900.0);
        let f = fd(&[&rr]);
        assert!(close(f.hf_ms2, 450.0, 0.01), "HF {}", f.hf_ms2);
        assert!(close(f.total_ms2, 450.0, 0.01), "total {}", f.total_ms2);
        assert!(
            (f.hf_peak_hz - 0.25).abs() <= 0.5 * RESAMPLE_HZ / WELCH_SEGMENT as f64,
            "{f:?}"
        );
        assert!(
            f.lf_ms2 < 1e-3 * f.hf_ms2 && f.vlf_ms2 < 1e-3 * f.hf_ms2,
            "{f:?}"
        );
    }

    /// Two components: each band gets its own, total is their sum, LF/HF their ratio.
    #[test]
    fn two_components_split_by_band() {
        let rr = modulated(600.0, &[(20.0, 0.1, 0.0), (10.0, 0.3, 0.5)], 1200.0);
        let f = fd(&[&rr]);
        assert!(
            close(f.lf_ms2, 200.0, 0.01) && close(f.hf_ms2, 50.0, 0.01),
            "{f:?}"
        );
        assert!(
            close(f.lf_hf, 4.0, 0.02) && close(f.lf_nu, 0.8, 0.01),
            "{f:?}"
        );
        assert!(close(f.total_ms2, f.vlf_ms2 + f.lf_ms2 + f.hf_ms2, 1e-12));
    }

    /// The mean interval (1000 ms) must not leak into VLF through the window: it is removed before
    /// the periodogram, so the DC bin and its neighbours hold nothing.
    #[test]
    fn mean_is_removed() {
        let rr = modulated(1000.0, &[(20.0, 0.1, 0.0)], 600.0);
        let f = fd(&[&rr]);
        assert!(f.vlf_ms2 < 1e-3, "VLF {}", f.vlf_ms2);
        // A slower heart with the same modulation: same powers.
        let slow = modulated(1200.0, &[(20.0, 0.1, 0.0)], 600.0);
        assert!(close(fd(&[&slow]).lf_ms2, f.lf_ms2, 0.02));
    }

    #[test]
    fn flat_series_gives_zero_power_and_no_nan() {
        let rr = vec![850.0; 800];
        for detrending in [
            Detrending::None,
            Detrending::SmoothnessPriors { lambda: 500.0 },
        ] {
            let f = frequency_domain(&[&rr], &detrending).unwrap();
            assert_eq!(
                (f.vlf_ms2, f.lf_ms2, f.hf_ms2, f.total_ms2),
                (0.0, 0.0, 0.0, 0.0)
            );
            assert_eq!((f.lf_hf, f.lf_nu, f.hf_nu), (0.0, 0.0, 0.0));
            assert_eq!(f.vlf_peak_hz, 0.0);
            assert!(f.lf_peak_hz >= VLF_LF_HZ && f.hf_peak_hz >= LF_HF_HZ);
        }
    }

    #[test]
    fn too_short_gives_none() {
        assert!(frequency_domain(&[], &Detrending::None).is_none());
        assert!(frequency_domain(&[&[]], &Detrending::None).is_none());
        let minute = modulated(1000.0, &[(20.0, 0.1, 0.0)], 60.0);
        assert!(frequency_domain(&[&minute], &Detrending::None).is_none());
        // Two 100 s runs do not add up to a spectrum: a segment never spans the gap.
        let a = modulated(1000.0, &[(20.0, 0.1, 0.0)], 100.0);
        assert!(frequency_domain(&[&a, &a], &Detrending::None).is_none());
    }

    /// A 2-min recording ends on its last whole beat, a little short of 120 s: it still gets a
    /// spectrum, from a single segment spanning the whole recording.
    #[test]
    fn two_minutes_give_a_single_segment_spectrum() {
        let mut rr = modulated(1000.0, &[(20.0, 0.1, 0.0), (10.0, 0.25, 0.0)], 120.0);
        while rr.iter().sum::<f64>() > 120_000.0 {
            rr.pop();
        }
        let f = fd(&[&rr]);
        assert!(
            close(f.lf_ms2, 200.0, 0.05) && close(f.hf_ms2, 50.0, 0.05),
            "{f:?}"
        );
    }

    #[test]
    fn refuses_invalid_input() {
        let mut rr = modulated(1000.0, &[(20.0, 0.1, 0.0)], 600.0);
        for lambda in [f64::NAN, f64::INFINITY, -1.0] {
            assert!(frequency_domain(&[&rr], &Detrending::SmoothnessPriors { lambda }).is_none());
        }
        rr[10] = f64::NAN;
        assert!(frequency_domain(&[&rr], &Detrending::None).is_none());
        rr[10] = 0.0;
        assert!(frequency_domain(&[&rr], &Detrending::None).is_none());
    }

    /// Two runs at different heart rates: across the gap, the step between them would be a huge
    /// VLF component; run by run, there is none.
    #[test]
    fn segments_never_span_a_gap() {
        let a = modulated(800.0, &[(20.0, 0.1, 0.0)], 600.0);
        let b = modulated(1100.0, &[(20.0, 0.1, 2.0)], 600.0);
        let joined: Vec<f64> = a.iter().chain(&b).copied().collect();
        let split = fd(&[&a, &b]);
        let across = fd(&[&joined]);
        assert!(split.vlf_ms2 < 1e-2, "VLF {}", split.vlf_ms2);
        assert!(across.vlf_ms2 > 100.0, "VLF {}", across.vlf_ms2);
        assert!(close(split.lf_ms2, 200.0, 0.02), "{split:?}");
    }

    /// Welch averages all segments of all runs: two copies of a run give that run's spectrum.
    #[test]
    fn runs_are_averaged() {
        let a = modulated(950.0, &[(20.0, 0.12, 0.0), (8.0, 0.3, 0.0)], 700.0);
        let once = fd(&[&a]);
        let twice = fd(&[&a, &a]);
        for (x, y) in [
            (once.vlf_ms2, twice.vlf_ms2),
            (once.lf_ms2, twice.lf_ms2),
            (once.hf_ms2, twice.hf_ms2),
            (once.lf_hf, twice.lf_hf),
        ] {
            assert!(close(x, y, 1e-12), "{once:?} {twice:?}");
        }
        assert_eq!(once.lf_peak_hz, twice.lf_peak_hz);
    }

    /// A run too short for a 256 s segment is left out when another run holds full segments; with
    /// no full segment anywhere, the longest run is used alone.
    #[test]
    fn short_runs_are_left_out() {
        let long = modulated(1000.0, &[(20.0, 0.1, 0.0)], 600.0);
        let short = modulated(700.0, &[(40.0, 0.3, 0.0)], 200.0);
        assert_eq!(fd(&[&long, &short]), fd(&[&long]));
        assert_eq!(fd(&[&short, &long]), fd(&[&long]));
        let shorter = modulated(1000.0, &[(20.0, 0.1, 0.0)], 150.0);
        assert_eq!(fd(&[&shorter, &short]), fd(&[&short]));
    }

    /// A slow trend (linear and quadratic, 150 ms over 10 min) floods VLF; smoothness priors with
    /// λ = 500 remove it and leave the HF component alone.
    #[test]
    fn detrending_removes_a_slow_trend_and_keeps_hf() {
        let clean = modulated(1000.0, &[(15.0, 0.25, 0.0)], 600.0);
        let n = clean.len() as f64;
        let trended: Vec<f64> = clean
            .iter()
            .enumerate()
            .map(|(i, rr)| {
                let u = i as f64 / n;
                rr + 100.0 * u + 50.0 * u * u
            })
            .collect();
        let sp = Detrending::SmoothnessPriors { lambda: 500.0 };
        let raw = fd(&[&trended]);
        let detrended = frequency_domain(&[&trended], &sp).unwrap();
        let reference = fd(&[&clean]);
        assert!(raw.vlf_ms2 > 100.0, "VLF before {}", raw.vlf_ms2);
        assert!(
            detrended.vlf_ms2 < 0.01 * raw.vlf_ms2,
            "VLF after {}",
            detrended.vlf_ms2
        );
        assert!(
            close(detrended.hf_ms2, reference.hf_ms2, 0.01),
            "{detrended:?} {reference:?}"
        );
        // And on a series without trend, detrending barely touches HF.
        let plain = frequency_domain(&[&clean], &sp).unwrap();
        assert!(
            close(plain.hf_ms2, reference.hf_ms2, 0.01),
            "{plain:?} {reference:?}"
        );
        assert_eq!(plain.hf_peak_hz, reference.hf_peak_hz);
    }

    /// Parseval with the density scaling: Σ PSD·Δf over the bins equals the mean square of the
    /// series, here three components spread over all three bands.
    #[test]
    fn total_power_is_the_variance() {
        let rr = modulated(
            600.0,
            &[(10.0, 0.03, 0.0), (10.0, 0.2, 1.0), (5.0, 0.35, 2.0)],
            1800.0,
        );
        let f = fd(&[&rr]);
        assert!(close(f.total_ms2, 50.0 + 50.0 + 12.5, 0.01), "{f:?}");
        assert!(close(f.vlf_ms2, 50.0, 0.02), "{f:?}");
    }

    /// Resampling a once-per-beat series with a cubic spline attenuates a component as it nears
    /// half the beat rate, as in Kubios, which resamples the same way. The amplitude response of
    /// cubic-spline interpolation at `u` = frequency / beat rate is
    /// `sinc(u)⁴ · 3 / (2 + cos 2πu)` (Unser, Aldroubi & Eden, "Fast B-spline transforms for
    /// continuous image representation and interpolation", IEEE TPAMI 13(3) (1991) 277-285):
    /// 0.3 Hz at 60 bpm keeps 93 % of its power, 0.35 Hz about 84 % less what aliases above
    /// 0.4 Hz. Small amplitudes keep the beats nearly even, where the formula holds.
    #[test]
    fn spline_attenuates_near_half_the_beat_rate() {
        let response = |u: f64| {
            let x = std::f64::consts::PI * u;
            (x.sin() / x).powi(4) * 3.0 / (2.0 + (2.0 * x).cos())
        };
        for f0 in [0.2, 0.3] {
            let rr = modulated(1000.0, &[(5.0, f0, 0.0)], 1800.0);
            let hf = fd(&[&rr]).hf_ms2;
            let expected = 12.5 * response(f0).powi(2);
            assert!(
                close(hf, expected, 0.01),
                "{f0} Hz: HF {hf}, expected {expected}"
            );
        }
    }
}
