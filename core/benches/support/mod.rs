//! Inputs shared by the HRV benchmarks (`benches/hrv.rs`) and the timing example
//! (`examples/bench_analyse.rs`): the public one-hour recording and a synthetic eight-hour night.
//!
//! The night is generated, not recorded, so that the benchmark needs no private data and gives the
//! same series on every machine: a deterministic SplitMix64 generator (Steele, Lea & Flood, "Fast
//! splittable pseudorandom number generators", OOPSLA 2014) drives Gaussian noise (Box-Muller) on
//! top of the rhythms a sleeping heart shows: respiratory sinus arrhythmia near 0.25 Hz, Mayer
//! waves near 0.1 Hz (Task Force 1996), a ~90-minute sleep-cycle swing and a slow drift of the
//! heart rate over the night, plus a rare premature beat with its compensatory pause so that the
//! artefact correction has something to do.

use std::error::Error;
use std::f64::consts::PI;
use std::path::Path;

use alyze_core::hrv::{RrUnit, parse_rr_text};

/// The pyHRV long sample series: 4,684 NN intervals (~1 hour), ms. BSD 3-Clause, see
/// `data/hrv/README.md`.
pub fn long_series() -> Result<Vec<f64>, Box<dyn Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/hrv/pyhrv_sample_nni_long.txt");
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Ok(parse_rr_text(&text, RrUnit::Milliseconds)?.rr_ms)
}

/// Length of the synthetic night, s.
pub const NIGHT_S: f64 = 8.0 * 3600.0;

/// Seed of the benchmarked night.
pub const NIGHT_SEED: u64 = 0x5EED_5EED;

/// A synthetic night of RR intervals (ms), [`NIGHT_S`] long: about 30,000 beats around 60 bpm.
/// The same seed gives the same night.
pub fn synthetic_night(seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64(seed);
    let mut rr_ms = Vec::with_capacity(32_000);
    let (mut t_s, mut resp_phase) = (0.0_f64, 0.0_f64);
    while t_s < NIGHT_S {
        // Breathing slowly wanders between 0.22 and 0.28 Hz over about 20 minutes.
        let resp_hz = 0.25 + 0.03 * (2.0 * PI * t_s / 1200.0).sin();
        let rr = 920.0
            + 80.0 * (PI * t_s / NIGHT_S).sin()
            + 40.0 * (2.0 * PI * t_s / 5400.0).sin()
            + 20.0 * (2.0 * PI * 0.1 * t_s).sin()
            + 35.0 * resp_phase.sin()
            + 12.0 * rng.gaussian();
        let rr = rr.clamp(400.0, 1800.0);
        // About one premature beat in 1,500, followed by its compensatory pause.
        let beats: &[f64] = if rng.uniform() < 1.0 / 1500.0 {
            &[0.7 * rr, 1.3 * rr]
        } else {
            &[rr]
        };
        for &beat in beats {
            rr_ms.push(beat);
            t_s += beat / 1000.0;
            resp_phase += 2.0 * PI * resp_hz * beat / 1000.0;
        }
    }
    rr_ms
}

/// SplitMix64: tiny, fast and reproducible across platforms; enough for test signals.
struct SplitMix64(u64);

impl SplitMix64 {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: the top 53 bits, shifted off zero so that its logarithm is finite.
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    fn gaussian(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }
}
