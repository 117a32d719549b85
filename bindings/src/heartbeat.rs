//! Heartbeat series across the FFI: the record the iOS shell fills from an `HKHeartbeatSeriesSample`
//! and its `HKHeartbeatSeriesQuery` beats, the input of the night's beat-to-beat RMSSD. One series
//! is about a minute of beats (Apple) or a whole night (a chest strap); a batch of series is one call.

use std::sync::Arc;

use alyze_core::health::{Beat, HeartbeatSeries};
use alyze_core::store::SkipReason;

use crate::samples::{IntoCore, Shared, timestamp};

/// One heartbeat of a series.
#[uniffi::remote(Record)]
pub struct Beat {
    /// Time of the beat since the series start, s (HealthKit `timeSinceSeriesStart`).
    pub offset_s: f64,
    /// Whether beats may be missing just before this one (HealthKit `precededByGap`).
    pub preceded_by_gap: bool,
}

/// A series of heartbeats recorded in one session.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiHeartbeatSeries {
    /// The series start, epoch milliseconds; beat offsets count from here.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// The IANA zone, when the platform names it: its position in the call's `zones`.
    pub zone: Option<u32>,
    /// The beats, in time order.
    pub beats: Vec<Beat>,
    /// Which of the call's `sources` wrote the record (its position in that list).
    pub source: u32,
    /// The HealthKit UUID of the series sample.
    pub platform_id: Option<String>,
}

impl IntoCore for FfiHeartbeatSeries {
    type Core = HeartbeatSeries;

    fn into_core(self, shared: &Shared) -> Result<HeartbeatSeries, SkipReason> {
        Ok(HeartbeatSeries {
            start: timestamp(
                "start",
                self.start_ms,
                self.start_offset_s,
                shared.zone(self.zone)?,
            )?,
            beats: self.beats,
            source: Arc::unwrap_or_clone(shared.source(self.source)?),
            platform_id: self.platform_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::tests::shared;

    #[test]
    fn a_series_keeps_its_beats_and_gaps() {
        let beats = vec![
            Beat {
                offset_s: 0.0,
                preceded_by_gap: false,
            },
            Beat {
                offset_s: 2.1,
                preceded_by_gap: true,
            },
        ];
        let series = FfiHeartbeatSeries {
            start_ms: 1_795_824_000_000,
            start_offset_s: -18_000,
            zone: Some(1),
            beats: beats.clone(),
            source: 1,
            platform_id: Some("HK-SERIES".to_owned()),
        }
        .into_core(&shared())
        .expect("converts");
        assert_eq!(series.beats, beats);
        assert_eq!(series.start.offset_s(), -18_000);
    }
}
