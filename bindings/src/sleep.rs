//! Sleep across the FFI: the session a shell fills from a Health Connect `SleepSessionRecord`
//! with its stages, and HealthKit's sleep-analysis samples, which the core groups into nights
//! ([`AlyzeStore::regroup_sleep`], core `store/nights.rs`). Instants cross as in
//! [`crate::samples`]: epoch milliseconds plus offsets. Each segment carries its own offsets,
//! since a night can cross a DST change or a border.

use std::sync::Arc;

use alyze_core::health::{SleepSegment, SleepSession, SleepStage, Source};
use alyze_core::platform::{health_connect, healthkit};
use alyze_core::store::{IngestReport as CoreIngestReport, SkipReason};

use crate::AlyzeError;
use crate::samples::{Converted, IngestReport, IntoCore, Shared, timestamp};
use crate::store::{AlyzeStore, instant};

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

/// One HealthKit sleep-analysis sample (`HKCategorySample` of `.sleepAnalysis`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiSleepSample {
    /// The stage ([`healthkit_sleep_stage`] of the sample's value).
    pub stage: SleepStage,
    /// Start, epoch milliseconds.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, epoch milliseconds.
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
    /// The IANA zone, when the writer named it (its position in the call's `zones`).
    pub zone: Option<u32>,
    /// Which of the call's `sources` wrote the sample (its position in that list).
    pub source: u32,
}

impl IntoCore for FfiSleepSample {
    type Core = (SleepSegment, Source);

    fn into_core(self, shared: &Shared) -> Result<(SleepSegment, Source), SkipReason> {
        let zone = shared.zone(self.zone)?;
        let segment = SleepSegment {
            stage: self.stage,
            start: timestamp("start", self.start_ms, self.start_offset_s, zone.clone())?,
            end: timestamp("end", self.end_ms, self.end_offset_s, zone)?,
        };
        Ok((segment, Arc::unwrap_or_clone(shared.source(self.source)?)))
    }
}

#[uniffi::export]
impl AlyzeStore {
    /// Regroups HealthKit's sleep of stream `stream` into nights (core `store/nights.rs`):
    /// `samples` must be every sleep-analysis sample that ends after `from_ms`; the nights
    /// that start at least an hour after `from_ms` are made equal to their grouping (edits keep a
    /// night's id, nights no longer there are deleted) and `anchor` is saved, in one transaction.
    /// A sample that cannot be read is skipped at its position; a night the store refuses is
    /// reported at the position of its first sample. Pass `from_ms` 0 after a deletion (HealthKit
    /// does not say when the deleted sample was), else a day before the earliest new sample.
    pub fn regroup_sleep(
        &self,
        stream: String,
        sources: Vec<Source>,
        zones: Vec<String>,
        samples: Vec<FfiSleepSample>,
        from_ms: i64,
        anchor: Option<Vec<u8>>,
    ) -> Result<IngestReport, AlyzeError> {
        let from = instant("from_ms", from_ms)?;
        let converted = Converted::of(samples, &sources, &zones);
        let regrouped = self.lock().regroup_sleep(
            &stream,
            converted.records.clone(),
            from,
            anchor.as_deref(),
        )?;
        // The core counts refused nights by night; the shell knows samples.
        let first_sample = |night: &SleepSession| {
            converted
                .records
                .iter()
                .position(|(segment, source)| {
                    segment.start == night.start && *source == night.source
                })
                .unwrap_or_default()
        };
        let skipped = regrouped
            .report
            .skipped
            .into_iter()
            .map(|(i, reason)| {
                let at = regrouped
                    .nights
                    .get(i)
                    .map(first_sample)
                    .unwrap_or_default();
                (at, reason)
            })
            .collect();
        Ok(converted.report(CoreIngestReport {
            skipped,
            ..regrouped.report
        }))
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

    #[test]
    fn healthkit_samples_become_nights_and_an_unreadable_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlyzeStore::open(dir.path().join("alyze.db").display().to_string()).unwrap();
        let hour = 3_600_000;
        let day = 20_000 * 24 * hour;
        let sample = |stage, from_h: i64, to_h: i64, source| FfiSleepSample {
            stage,
            start_ms: day + from_h * hour,
            start_offset_s: 3600,
            end_ms: day + to_h * hour,
            end_offset_s: 3600,
            zone: None,
            source,
        };
        let samples = vec![
            sample(SleepStage::Light, 0, 3, 0),
            sample(SleepStage::Deep, 3, 5, 0),
            // Names a source the call does not list.
            sample(SleepStage::Rem, 5, 6, 7),
            sample(SleepStage::Light, 24, 31, 0),
        ];
        let stream = "healthkit:HKCategoryTypeIdentifierSleepAnalysis".to_owned();
        let watch = Source {
            name: "Watch".to_owned(),
            bundle_id: Some("com.apple.health.watch".to_owned()),
            version: None,
            device: None,
        };
        let report = store
            .regroup_sleep(
                stream.clone(),
                vec![watch],
                vec![],
                samples,
                day - 24 * hour,
                Some(b"anchor".to_vec()),
            )
            .unwrap();
        assert_eq!(report.inserted, 2);
        assert_eq!(report.skipped.len(), 1);
        assert_eq!(report.skipped[0].index, 2);
        assert_eq!(store.anchor(stream).unwrap(), Some(b"anchor".to_vec()));
    }
}
