//! Quantity series across the FFI: a platform record holding many samples, as Health Connect's
//! `HeartRateRecord` holds a session's heart rates. The core stores each sample under an id derived
//! from the record's, and edits and deletes them with the record (core `store/series.rs`).

use alyze_core::health::{QuantityKind, QuantitySample, Source};
use alyze_core::store::QuantitySeries;

use crate::samples::{Converted, FfiQuantitySample, IngestReport};

/// One sample of a series: an instant and its value.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiSeriesSample {
    /// When, milliseconds since 1970-01-01 UTC.
    pub time_ms: i64,
    /// Local time minus UTC then, s.
    pub offset_s: i32,
    /// The value, in the kind's canonical unit (bpm for heart rate).
    pub value: f64,
}

/// A platform record of many samples of one kind from one source.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FfiQuantitySeries {
    /// What its samples measure.
    pub kind: QuantityKind,
    /// The platform's id of the record (Health Connect `Metadata.id`).
    pub platform_id: String,
    /// Which of the call's `sources` wrote it (its position in that list).
    pub source: u32,
    /// The IANA zone, when the platform names it (its position in the call's `zones`).
    pub zone: Option<u32>,
    /// Its samples.
    pub samples: Vec<FfiSeriesSample>,
}

/// A batch of series as the core takes it, with the conversion's record of positions: a sample
/// that cannot be built, or that the core skips, is reported at its position counted across all
/// the batch's samples, series after series.
pub(crate) struct ConvertedSeries {
    pub series: Vec<QuantitySeries>,
    samples: Converted<QuantitySample>,
}

impl ConvertedSeries {
    pub fn of(batch: Vec<FfiQuantitySeries>, sources: &[Source], zones: &[String]) -> Self {
        let mut owners = Vec::new();
        let mut flat = Vec::new();
        let ids: Vec<String> = batch.iter().map(|s| s.platform_id.clone()).collect();
        for (owner, series) in batch.into_iter().enumerate() {
            for sample in series.samples {
                owners.push(owner);
                flat.push(FfiQuantitySample {
                    kind: series.kind,
                    value: sample.value,
                    start_ms: sample.time_ms,
                    start_offset_s: sample.offset_s,
                    end_ms: sample.time_ms,
                    end_offset_s: sample.offset_s,
                    zone: series.zone,
                    source: series.source,
                    platform_id: None,
                });
            }
        }
        let mut samples = Converted::of(flat, sources, zones);
        let mut series: Vec<QuantitySeries> = ids
            .into_iter()
            .map(|platform_id| QuantitySeries {
                platform_id,
                samples: Vec::new(),
            })
            .collect();
        for (record, position) in std::mem::take(&mut samples.records)
            .into_iter()
            .zip(samples.positions())
        {
            if let Some(one) = owners.get(position).and_then(|&o| series.get_mut(o)) {
                one.samples.push(record);
            }
        }
        // A series none of whose samples could be built is left as it is stored, not emptied.
        series.retain(|one| !one.samples.is_empty());
        Self { series, samples }
    }

    /// The core's report in the shell's numbering.
    pub fn report(self, core: alyze_core::store::IngestReport) -> IngestReport {
        self.samples.report(core)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::AlyzeStore;

    fn heart_rates(id: &str, first_ms: i64, values: &[f64]) -> FfiQuantitySeries {
        FfiQuantitySeries {
            kind: QuantityKind::HeartRate,
            platform_id: id.to_owned(),
            source: 0,
            zone: None,
            samples: (0_i64..)
                .zip(values)
                .map(|(i, &value)| FfiSeriesSample {
                    time_ms: first_ms + 60_000 * i,
                    offset_s: 3600,
                    value,
                })
                .collect(),
        }
    }

    #[test]
    fn a_batch_of_records_reports_skips_across_its_series_and_deletes_a_record_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlyzeStore::open(dir.path().join("a.db").display().to_string()).unwrap();
        let watch = vec![Source::named("Pixel Watch")];
        let day = 1_795_824_000_000;
        // The second record's second sample is not a heart rate a body can have.
        let batch = vec![
            heart_rates("R1", day, &[60.0, 61.0]),
            heart_rates("R2", day + 3_600_000, &[70.0, 9_999.0, 72.0]),
        ];
        let report = store
            .ingest_quantity_series("hc".into(), watch.clone(), vec![], batch, vec![], None)
            .unwrap();
        assert_eq!(report.inserted, 4);
        assert_eq!(report.skipped.len(), 1);
        assert_eq!(report.skipped[0].index, 3);
        let report = store
            .ingest_quantity_series("hc".into(), watch, vec![], vec![], vec!["R2".into()], None)
            .unwrap();
        assert_eq!(report.deleted, 1);
        let from = chrono::DateTime::from_timestamp_millis(day).unwrap();
        let left = store
            .lock()
            .quantities(
                QuantityKind::HeartRate,
                from,
                from + chrono::TimeDelta::days(1),
            )
            .unwrap();
        let values: Vec<f64> = left.iter().map(|s| s.value).collect();
        assert_eq!(values, [60.0, 61.0]);
    }
}
