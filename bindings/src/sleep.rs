//! Sleep sessions across the FFI: the record a shell fills from a Health Connect
//! `SleepSessionRecord` with its stages, or from the HealthKit sleep-analysis samples of one night
//! grouped by the shell. Instants cross as in [`crate::samples`]: epoch milliseconds plus offsets.
//! Each segment carries its own offsets, since a night can cross a DST change or a border.

use std::sync::Arc;

use alyze_core::health::{SleepSegment, SleepSession, SleepStage};
use alyze_core::platform::{health_connect, healthkit};
use alyze_core::store::SkipReason;

use crate::samples::{IntoCore, Shared, timestamp};

/// A stage of sleep. The shells map the platforms' codes onto these with
/// [`health_connect_sleep_stage`] and [`healthkit_sleep_stage`], the core's tables.
#[uniffi::remote(Enum)]
pub enum SleepStage {
    /// In bed, sleep or wake not told apart.
    InBed,
    /// Asleep, stage not told apart.
    Asleep,
    /// Awake during the session.
    Awake,
    /// Out of bed during the session (Health Connect only).
    OutOfBed,
    /// Light sleep (HealthKit "Core"; N1 and N2).
    Light,
    /// Deep sleep (N3).
    Deep,
    /// REM sleep.
    Rem,
    /// A stage the device did not know.
    Unknown,
}

/// One stretch of one stage.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiSleepSegment {
    /// The stage.
    pub stage: SleepStage,
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, epoch milliseconds.
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
}

/// One sleep session from one source.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiSleepSession {
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, epoch milliseconds.
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
    /// The IANA zone, when the platform names it (its position in the call's `zones`); applies
    /// to the session and its segments.
    pub zone: Option<u32>,
    /// The stage segments, in order of start; may be empty.
    pub segments: Vec<FfiSleepSegment>,
    /// Which of the call's `sources` wrote the record (its position in that list).
    pub source: u32,
    /// The platform's id (Health Connect record id); `None` for a night grouped from HealthKit
    /// samples, which the store keys by content.
    pub platform_id: Option<String>,
}

impl IntoCore for FfiSleepSession {
    type Core = SleepSession;

    fn into_core(self, shared: &Shared) -> Result<SleepSession, SkipReason> {
        let zone = shared.zone(self.zone)?;
        let segments = self
            .segments
            .into_iter()
            .map(|s| {
                Ok(SleepSegment {
                    stage: s.stage,
                    start: timestamp("start", s.start_ms, s.start_offset_s, zone.clone())?,
                    end: timestamp("end", s.end_ms, s.end_offset_s, zone.clone())?,
                })
            })
            .collect::<Result<_, SkipReason>>()?;
        Ok(SleepSession {
            start: timestamp("start", self.start_ms, self.start_offset_s, zone.clone())?,
            end: timestamp("end", self.end_ms, self.end_offset_s, zone)?,
            segments,
            source: Arc::unwrap_or_clone(shared.source(self.source)?),
            platform_id: self.platform_id,
        })
    }
}

/// The stage of a Health Connect `SleepSessionRecord.Stage.stage` (`STAGE_TYPE_*`); an unknown
/// code is `Unknown` (core `platform::health_connect::SLEEP_STAGES`).
#[uniffi::export]
pub fn health_connect_sleep_stage(stage_type: i32) -> SleepStage {
    health_connect::sleep_stage(stage_type)
}

/// The stage of a HealthKit `HKCategoryValueSleepAnalysis` raw value; an unknown value is
/// `Unknown` (core `platform::healthkit`).
#[uniffi::export]
pub fn healthkit_sleep_stage(value: i64) -> SleepStage {
    healthkit::sleep_stage_from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::tests::shared;

    #[test]
    fn platform_codes_map_through_the_core_tables() {
        // Health Connect: 4 light, 5 deep, 6 REM, 7 awake in bed; HealthKit: 3 core, 4 deep.
        assert_eq!(health_connect_sleep_stage(4), SleepStage::Light);
        assert_eq!(health_connect_sleep_stage(5), SleepStage::Deep);
        assert_eq!(health_connect_sleep_stage(7), SleepStage::Awake);
        assert_eq!(health_connect_sleep_stage(99), SleepStage::Unknown);
        assert_eq!(healthkit_sleep_stage(3), SleepStage::Light);
        assert_eq!(healthkit_sleep_stage(4), SleepStage::Deep);
        assert_eq!(healthkit_sleep_stage(-1), SleepStage::Unknown);
    }

    #[test]
    fn a_session_keeps_its_segments_and_their_offsets() {
        let hour = 3_600_000;
        let session = FfiSleepSession {
            start_ms: 0,
            start_offset_s: 7200,
            end_ms: 8 * hour,
            end_offset_s: 3600,
            zone: Some(0),
            segments: vec![FfiSleepSegment {
                stage: SleepStage::Deep,
                start_ms: hour,
                start_offset_s: 7200,
                end_ms: 2 * hour,
                end_offset_s: 3600,
            }],
            source: 1,
            platform_id: Some("hc-1".to_owned()),
        };
        let core = session.into_core(&shared()).expect("converts");
        assert_eq!(core.duration_s(), 8.0 * 3600.0);
        assert_eq!(core.segments[0].stage, SleepStage::Deep);
        assert_eq!(core.segments[0].end.offset_s(), 3600);
        assert_eq!(core.segments[0].start.zone(), Some("Europe/Berlin"));
    }
}
