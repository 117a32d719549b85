//! Nonlinear HRV. (Interface; being implemented.)

use serde::Serialize;

/// Nonlinear indices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nonlinear {
    /// Poincaré SD1, ms.
    pub sd1_ms: f64,
    /// Poincaré SD2, ms.
    pub sd2_ms: f64,
    /// Sample entropy.
    pub sampen: Option<f64>,
    /// DFA short-term exponent.
    pub dfa_alpha1: Option<f64>,
    /// DFA long-term exponent.
    pub dfa_alpha2: Option<f64>,
}

/// Nonlinear indices of the runs of a series.
pub fn nonlinear(segments: &[&[f64]]) -> Nonlinear {
    let _ = segments;
    Nonlinear {
        sd1_ms: 0.0,
        sd2_ms: 0.0,
        sampen: None,
        dfa_alpha1: None,
        dfa_alpha2: None,
    }
}
