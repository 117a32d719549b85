//! The night's HRV: RMSSD from beat-to-beat data or the platform's RMSSD samples, and SDNN from
//! the platform's SDNN samples, never merged (module doc of [`super`]; domain brief section 4).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{SummaryError, SummarySettings, distinct, mean, preferred_quantities, within};
use crate::health::{HeartbeatSeries, QuantityKind, QuantitySample};
use crate::hrv::{Quality, analyse_night, analyse_time_domain};
use crate::store::{Metric, Store};

/// Where a night's RMSSD came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RmssdMethod {
    /// Computed here from heartbeat series (RR intervals with gaps).
    BeatToBeat,
    /// The platform's own RMSSD samples (Health Connect).
    Platform,
}

/// The night's RMSSD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RmssdNight {
    /// Mean ln RMSSD of the clean readings: the baseline scale (HRV4Training, Plews 2012).
    pub ln_rmssd: f64,
    /// Mean RMSSD of the clean readings, ms, for display.
    pub rmssd_ms: f64,
    /// Clean readings averaged (series, 5-minute windows or platform samples).
    pub readings: usize,
    /// How the value was obtained.
    pub method: RmssdMethod,
    /// The source's name.
    pub source: String,
}

/// The night's SDNN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SdnnNight {
    /// Mean of the night's SDNN samples, ms.
    pub sdnn_ms: f64,
    /// Samples averaged.
    pub readings: usize,
    /// The source's name.
    pub source: String,
}

/// What the span's HRV reads returned, each by start: the night windows take their part.
#[derive(Default)]
pub(super) struct SpanHrv {
    /// Heartbeat series.
    pub series: Vec<HeartbeatSeries>,
    /// The platform's RMSSD samples.
    pub rmssd: Vec<QuantitySample>,
    /// The platform's SDNN samples.
    pub sdnn: Vec<QuantitySample>,
}

impl SpanHrv {
    /// Reads the HRV records that start in `[from, to)`, once for a span of days.
    pub(super) fn read(
        store: &Store,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Self, SummaryError> {
        Ok(Self {
            series: store.records::<HeartbeatSeries>(from, to)?,
            rmssd: store.quantities(QuantityKind::HrvRmssd, from, to)?,
            sdnn: store.quantities(QuantityKind::HrvSdnn, from, to)?,
        })
    }
}

/// The RMSSD of the night window `[from, to)`.
pub(super) fn rmssd(
    store: &Store,
    span: &SpanHrv,
    window: (DateTime<Utc>, DateTime<Utc>),
    settings: &SummarySettings,
) -> Result<Option<RmssdNight>, SummaryError> {
    if let Some(night) = beat_to_beat(store, span, window, settings)? {
        return Ok(Some(night));
    }
    let Some((source, values)) =
        preferred_quantities(store, QuantityKind::HrvRmssd, &span.rmssd, window)?
    else {
        return Ok(None);
    };
    // Validation keeps RMSSD samples positive; the filter keeps ln finite all the same.
    let readings: Vec<f64> = values.into_iter().filter(|v| *v > 0.0).collect();
    Ok(night(&readings, RmssdMethod::Platform, source))
}

/// RMSSD from the preferred source's heartbeat series that start in `[from, to)`.
fn beat_to_beat(
    store: &Store,
    span: &SpanHrv,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    settings: &SummarySettings,
) -> Result<Option<RmssdNight>, SummaryError> {
    let series: Vec<&HeartbeatSeries> = within(&span.series, |s| s.start.utc(), from, to).collect();
    let sources = distinct(series.iter().map(|s| &s.source));
    let Some(chosen) = store.preferred_source(Metric::Heartbeat, &sources)? else {
        return Ok(None);
    };
    let mut readings = Vec::new();
    for one in series.iter().filter(|s| &s.source == chosen) {
        let rr = one.rr_intervals();
        let length_s = rr.rr_ms.iter().sum::<f64>() / 1000.0;
        if length_s >= settings.night.window_s {
            // A long recording: every clean 5-minute window is a reading. A series the analysis
            // refuses (too few beats, implausible intervals) gives no reading rather than failing
            // the whole summary.
            if let Ok(report) = analyse_night(&rr.rr_ms, &rr.gaps, &settings.night) {
                readings.extend(
                    report
                        .windows
                        .iter()
                        .filter(|w| w.clean)
                        .filter_map(|w| w.rmssd_ms),
                );
            }
        } else if let Ok((time, quality)) = analyse_time_domain(&rr.rr_ms, &rr.gaps, &settings.hrv)
            && quality != Quality::Unusable
        {
            readings.push(time.rmssd_ms);
        }
    }
    let readings: Vec<f64> = readings.into_iter().filter(|v| *v > 0.0).collect();
    Ok(night(
        &readings,
        RmssdMethod::BeatToBeat,
        chosen.name.clone(),
    ))
}

/// The night's value from clean RMSSD readings, ms; `None` without any.
fn night(readings: &[f64], method: RmssdMethod, source: String) -> Option<RmssdNight> {
    let ln: Vec<f64> = readings.iter().map(|v| v.ln()).collect();
    Some(RmssdNight {
        ln_rmssd: mean(&ln)?,
        rmssd_ms: mean(readings)?,
        readings: readings.len(),
        method,
        source,
    })
}

/// The mean SDNN of the night window from the preferred source.
pub(super) fn sdnn(
    store: &Store,
    span: &SpanHrv,
    window: (DateTime<Utc>, DateTime<Utc>),
) -> Result<Option<SdnnNight>, SummaryError> {
    let Some((source, values)) =
        preferred_quantities(store, QuantityKind::HrvSdnn, &span.sdnn, window)?
    else {
        return Ok(None);
    };
    Ok(mean(&values).map(|sdnn_ms| SdnnNight {
        sdnn_ms,
        readings: values.len(),
        source,
    }))
}
