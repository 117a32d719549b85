//! Quantity samples across the FFI: the record a shell fills from a HealthKit or Health Connect
//! sample, its conversion to the core's [`QuantitySample`], and the report of one ingest batch.
//!
//! Instants cross as epoch milliseconds plus the local offset (both platforms hand out exactly
//! that), never as formatted text, so no parsing happens on either side. A sample that cannot even
//! be built (an offset beyond ±18 h, an instant outside the storable years) is not an error of the
//! batch: like a sample the core's validation refuses, it is skipped with its position and the
//! rest is stored, so one bad row from a third-party app never blocks a night's data.

use alyze_core::health::{
    DeviceInfo, DeviceKind, HealthError, QuantityKind, QuantitySample, Source, Timestamp,
};
use std::sync::Arc;

use alyze_core::store::{IngestReport as CoreIngestReport, SkipReason};
use chrono::DateTime;

use crate::hrv::ffi_count;

/// What a quantity sample measured; the value is in the kind's canonical unit.
#[uniffi::remote(Enum)]
pub enum QuantityKind {
    /// Heart rate, beats per minute.
    HeartRate,
    /// Resting heart rate, beats per minute (the platform's daily estimate).
    RestingHeartRate,
    /// HRV as SDNN, ms (HealthKit).
    HrvSdnn,
    /// HRV as RMSSD, ms (Health Connect).
    HrvRmssd,
    /// Respiratory rate, breaths per minute.
    RespiratoryRate,
    /// Wrist temperature during sleep, °C.
    WristTemperature,
    /// VO2max, mL/(kg·min).
    Vo2Max,
}

/// The kind of a recording device (Health Connect's `Device.TYPE_*` list).
#[uniffi::remote(Enum)]
pub enum DeviceKind {
    /// A watch.
    Watch,
    /// A phone.
    Phone,
    /// A scale.
    Scale,
    /// A ring.
    Ring,
    /// A head-mounted device.
    HeadMounted,
    /// A fitness band.
    FitnessBand,
    /// A chest strap.
    ChestStrap,
    /// A smart display.
    SmartDisplay,
    /// Said to be unknown by the platform.
    Unknown,
}

/// Who wrote a batch's records: the app and the device. A batch lists its sources once and each
/// record names its source by position (`source`), so that ten thousand samples from one watch do
/// not carry ten thousand copies of its names across the FFI (each text is encoded by the shell
/// and decoded here, which was most of the cost of a large batch).
#[uniffi::remote(Record)]
pub struct Source {
    /// The source's display name.
    pub name: String,
    /// The writing app: HealthKit bundle identifier or Health Connect package name.
    pub bundle_id: Option<String>,
    /// The writing app's version.
    pub version: Option<String>,
    /// The recording device, when the platform says.
    pub device: Option<DeviceInfo>,
}

/// A recording device (HealthKit `HKDevice`, Health Connect `Device`), without unit identifiers.
#[uniffi::remote(Record)]
pub struct DeviceInfo {
    /// The device's name.
    pub name: Option<String>,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Hardware version.
    pub hardware_version: Option<String>,
    /// Firmware version.
    pub firmware_version: Option<String>,
    /// Software version.
    pub software_version: Option<String>,
    /// What kind of device it is, when known.
    pub kind: Option<DeviceKind>,
}

/// One measured value as a shell reads it from the platform.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiQuantitySample {
    /// What was measured.
    pub kind: QuantityKind,
    /// The value, in the kind's canonical unit (the shell converts the platform's unit).
    pub value: f64,
    /// Start, milliseconds since 1970-01-01 UTC.
    pub start_ms: i64,
    /// Local time minus UTC at the start, s.
    pub start_offset_s: i32,
    /// End, milliseconds since 1970-01-01 UTC (equal to the start for an instant).
    pub end_ms: i64,
    /// Local time minus UTC at the end, s.
    pub end_offset_s: i32,
    /// The IANA zone, when the platform names it (HealthKit's `HKTimeZone` metadata): its
    /// position in the call's `zones`.
    pub zone: Option<u32>,
    /// Which of the call's `sources` wrote the record (its position in that list).
    pub source: u32,
    /// The platform's id: HealthKit UUID or Health Connect record id.
    pub platform_id: Option<String>,
}

/// A record of a batch that was not stored.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SkippedRecord {
    /// Zero-based position in the batch as the shell passed it.
    pub index: u32,
    /// Why, naming the field and the bound, never the value.
    pub reason: String,
}

/// What one ingest call did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct IngestReport {
    /// Records stored for the first time.
    pub inserted: u32,
    /// Records stored before with other content, now replaced.
    pub updated: u32,
    /// Records already stored as they are, or already deleted: nothing changed. This includes a
    /// record whose deletion came in an earlier batch: it is stored as a tombstone.
    pub duplicates: u32,
    /// Stored records that the batch's deletions turned into tombstones.
    pub deleted: u32,
    /// Records not stored, by position.
    pub skipped: Vec<SkippedRecord>,
}

/// A record of a shell's batch, turned into the core's record; the core's own validation runs
/// later, in the store. A record that cannot be built is skipped with the reason.
pub(crate) trait IntoCore {
    /// The core's record.
    type Core;
    /// Builds the core's record, its source and zone taken from what the batch lists.
    fn into_core(self, shared: &Shared) -> Result<Self::Core, SkipReason>;
}

/// What the records of a batch name by position: its writers and its time zones, each listed
/// once per call. A batch of thousands of samples has a handful of each, and a text repeated on
/// every record was most of the call's cost: encoded by the foreign side, decoded and allocated
/// on this one (10,000 samples took 23 ms with the zone's name on each, 17 ms without).
pub(crate) struct Shared {
    /// Each source once, shared by the records naming it (`QuantitySample::source`).
    sources: Vec<Arc<Source>>,
    /// Each zone name once, shared by the timestamps naming it (`Timestamp::in_shared_zone`).
    zones: Vec<Arc<str>>,
}

impl Shared {
    /// The batch's `sources` and `zones`.
    pub(crate) fn new(sources: &[Source], zones: &[String]) -> Self {
        Self {
            sources: sources.iter().cloned().map(Arc::new).collect(),
            zones: zones.iter().map(|zone| Arc::from(zone.as_str())).collect(),
        }
    }

    /// The source at position `index`; a position past the list's end skips the record.
    pub(crate) fn source(&self, index: u32) -> Result<Arc<Source>, SkipReason> {
        listed(&self.sources, index, "source").cloned()
    }

    /// The zone at position `index`, when the record names one; a position past the list's end
    /// skips the record.
    pub(crate) fn zone(&self, index: Option<u32>) -> Result<Option<Arc<str>>, SkipReason> {
        index
            .map(|index| listed(&self.zones, index, "zone").cloned())
            .transpose()
    }
}

/// The entry at position `index` of a batch's list `field`.
fn listed<'a, T>(list: &'a [T], index: u32, field: &'static str) -> Result<&'a T, SkipReason> {
    usize::try_from(index)
        .ok()
        .and_then(|i| list.get(i))
        .ok_or(SkipReason::Invalid(HealthError::Malformed { field }))
}

/// A batch converted for the core, remembering where each converted record sat in the shell's
/// batch, so that the core's skip positions can be given back in the shell's numbering.
pub(crate) struct Converted<T> {
    /// The records that could be built.
    pub records: Vec<T>,
    /// For each of `records`, its position in the shell's batch.
    positions: Vec<usize>,
    /// Records that could not be built, by position in the shell's batch.
    failed: Vec<(usize, SkipReason)>,
}

impl<T> Converted<T> {
    /// Converts a shell's batch, whose records name their source in `sources` and their zone
    /// in `zones`.
    pub fn of<F: IntoCore<Core = T>>(batch: Vec<F>, sources: &[Source], zones: &[String]) -> Self {
        let shared = Shared::new(sources, zones);
        let mut converted = Self {
            records: Vec::with_capacity(batch.len()),
            positions: Vec::with_capacity(batch.len()),
            failed: Vec::new(),
        };
        for (index, sample) in batch.into_iter().enumerate() {
            match sample.into_core(&shared) {
                Ok(record) => {
                    converted.records.push(record);
                    converted.positions.push(index);
                }
                Err(reason) => converted.failed.push((index, reason)),
            }
        }
        converted
    }

    /// For each of `records`, its position in the shell's batch.
    pub fn positions(&self) -> Vec<usize> {
        self.positions.clone()
    }

    /// The core's report in the shell's numbering, with the records that could not be built.
    pub fn report(self, core: CoreIngestReport) -> IngestReport {
        let mut skipped: Vec<(usize, SkipReason)> = core
            .skipped
            .into_iter()
            .map(|(i, reason)| (self.positions.get(i).copied().unwrap_or(i), reason))
            .chain(self.failed)
            .collect();
        skipped.sort_by_key(|(index, _)| *index);
        IngestReport {
            inserted: ffi_count(core.inserted),
            updated: ffi_count(core.updated),
            duplicates: ffi_count(core.duplicates),
            deleted: ffi_count(core.deleted),
            skipped: skipped
                .into_iter()
                .map(|(index, reason)| SkippedRecord {
                    index: ffi_count(index),
                    // `SkipReason` names fields and bounds only (core `store/error.rs`).
                    reason: reason.to_string(),
                })
                .collect(),
        }
    }
}

impl IntoCore for FfiQuantitySample {
    type Core = QuantitySample;

    fn into_core(self, shared: &Shared) -> Result<QuantitySample, SkipReason> {
        let zone = shared.zone(self.zone)?;
        let start = timestamp("start", self.start_ms, self.start_offset_s, zone.clone())?;
        let end = timestamp("end", self.end_ms, self.end_offset_s, zone)?;
        Ok(QuantitySample {
            kind: self.kind,
            value: self.value,
            start,
            end,
            source: shared.source(self.source)?,
            platform_id: self.platform_id,
        })
    }
}

/// A core timestamp from epoch milliseconds, an offset and a zone of the batch.
pub(crate) fn timestamp(
    field: &'static str,
    ms: i64,
    offset_s: i32,
    zone: Option<Arc<str>>,
) -> Result<Timestamp, SkipReason> {
    let utc = DateTime::from_timestamp_millis(ms).ok_or(SkipReason::Unstorable { field })?;
    Timestamp::in_shared_zone(utc, offset_s, zone).map_err(SkipReason::Invalid)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sample(value: f64) -> FfiQuantitySample {
        FfiQuantitySample {
            kind: QuantityKind::HeartRate,
            value,
            start_ms: 1_795_824_000_000,
            start_offset_s: 3600,
            end_ms: 1_795_824_000_000,
            end_offset_s: 3600,
            zone: Some(0),
            source: 1,
            platform_id: Some("A1".to_owned()),
        }
    }

    /// A batch's sources: a phone, then the watch the samples above name.
    pub(crate) fn sources() -> Vec<Source> {
        let named = |name: &str| Source {
            name: name.to_owned(),
            bundle_id: Some("com.apple.health".to_owned()),
            version: None,
            device: Some(DeviceInfo {
                model: Some(name.to_owned()),
                kind: Some(DeviceKind::Watch),
                ..DeviceInfo::default()
            }),
        };
        vec![named("iPhone"), named("Watch")]
    }

    /// A batch's zones: Berlin, then New York.
    pub(crate) fn zones() -> Vec<String> {
        vec!["Europe/Berlin".to_owned(), "America/New_York".to_owned()]
    }

    /// [`sources`] and [`zones`] as a converted batch lists them.
    pub(crate) fn shared() -> Shared {
        Shared::new(&sources(), &zones())
    }

    #[test]
    fn a_sample_keeps_its_instants_offsets_and_source() {
        let core = sample(61.0).into_core(&shared()).expect("converts");
        assert_eq!(core.start.utc().timestamp_millis(), 1_795_824_000_000);
        assert_eq!(core.end.offset_s(), 3600);
        assert_eq!(core.start.zone(), Some("Europe/Berlin"));
        assert_eq!(*core.source, sources()[1]);
        assert_eq!(
            core.source.device.as_ref().and_then(|d| d.kind),
            Some(DeviceKind::Watch)
        );
        assert_eq!(core.platform_id.as_deref(), Some("A1"));
    }

    #[test]
    fn unbuildable_samples_are_skipped_in_the_shells_numbering() {
        let mut bad_offset = sample(61.0);
        bad_offset.end_offset_s = 20 * 3600;
        let mut bad_instant = sample(61.0);
        bad_instant.start_ms = i64::MAX;
        let mut unknown_source = sample(61.0);
        unknown_source.source = 2;
        let mut unknown_zone = sample(61.0);
        unknown_zone.zone = Some(2);
        let converted: Converted<QuantitySample> = Converted::of(
            vec![
                bad_offset,
                sample(61.0),
                bad_instant,
                sample(999.0),
                unknown_source,
                unknown_zone,
            ],
            &sources(),
            &zones(),
        );
        assert_eq!(converted.records.len(), 2);
        // The core sees two samples and refuses its second (the 999 bpm), shell position 3; the
        // reason given here is a stand-in, only its position matters.
        let core = CoreIngestReport {
            inserted: 1,
            skipped: vec![(1, SkipReason::Unstorable { field: "end" })],
            ..CoreIngestReport::default()
        };
        let report = converted.report(core);
        assert_eq!(report.inserted, 1);
        let positions: Vec<u32> = report.skipped.iter().map(|s| s.index).collect();
        assert_eq!(positions, [0, 2, 3, 4, 5]);
        assert!(report.skipped[0].reason.contains("offset_s"));
        assert!(report.skipped[1].reason.contains("start"));
        assert!(report.skipped[3].reason.contains("source"));
        assert!(report.skipped[4].reason.contains("zone"));
    }
}
