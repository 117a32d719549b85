//! Frequency-domain HRV. (Interface; being implemented.)

use serde::Serialize;

/// Detrending of the RR series before the spectrum.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detrending {
    /// No detrending (Kubios 2.x default).
    None,
    /// Smoothness priors (Tarvainen 2002).
    SmoothnessPriors {
        /// Regularisation parameter.
        lambda: f64,
    },
}

/// Frequency-domain indices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequencyDomain {
    /// VLF power, ms².
    pub vlf_ms2: f64,
    /// LF power, ms².
    pub lf_ms2: f64,
    /// HF power, ms².
    pub hf_ms2: f64,
    /// Total power, ms².
    pub total_ms2: f64,
    /// LF/HF.
    pub lf_hf: f64,
    /// LF / (LF + HF).
    pub lf_nu: f64,
    /// HF / (LF + HF).
    pub hf_nu: f64,
    /// VLF peak, Hz.
    pub vlf_peak_hz: f64,
    /// LF peak, Hz.
    pub lf_peak_hz: f64,
    /// HF peak, Hz.
    pub hf_peak_hz: f64,
}

/// Welch spectrum of the runs of a series.
pub fn frequency_domain(segments: &[&[f64]], detrending: &Detrending) -> Option<FrequencyDomain> {
    let _ = (segments, detrending);
    None
}
