//! Heartbeat series: beat-to-beat data kept compactly, one row per series.
//!
//! The beats are two blobs (layout in `schema.rs`): offsets as little-endian `f64`, bit-exact, and
//! a gap bitmap. A series has no end of its own; the `record` row's end is the last beat, so a
//! range read finds the series that overlap the night.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, params};

use super::error::{Result, StoreError};
use super::ingest::sealed::{Head, Kind, Shared, rid_range};
use super::ingest::{Record, detail_row, key_instant, save_row};
use crate::health::{Beat, HeartbeatSeries};

impl Record for HeartbeatSeries {}

impl Kind for HeartbeatSeries {
    const KIND: &'static str = "heartbeat_series";

    fn write_identity(&self, key: &mut String) {
        key_instant(key, &self.start);
    }

    fn shared(&self) -> Shared<'_> {
        Shared {
            platform_id: self.platform_id.as_deref(),
            source: &self.source,
            start: &self.start,
            end: HeartbeatSeries::end(self),
        }
    }

    fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()> {
        let (offsets, gaps) = encode(&self.beats);
        let count = i64::try_from(self.beats.len()).map_err(|_| StoreError::Encoding {
            column: "heartbeat_series.beat_count",
        })?;
        save_row(
            tx,
            "INSERT INTO heartbeat_series (rid, beat_count, offsets, gaps) VALUES (?1, ?2, ?3, ?4)",
            params![rid, count, offsets, gaps],
            "saving heartbeats",
        )
    }

    fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self> {
        let columns = detail_row(
            conn,
            "SELECT beat_count, offsets, gaps FROM heartbeat_series WHERE rid = ?1",
            rid,
            "heartbeat_series",
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        series(head, columns)
    }

    fn load_all(conn: &Connection, heads: Vec<(i64, Head)>) -> Result<Vec<Self>> {
        let Some((first, last)) = rid_range(&heads) else {
            return Ok(Vec::new());
        };
        // One read for the range's series instead of one per series (a night's readiness reads
        // hundreds), when their rows are mostly contiguous: otherwise the rows between would be
        // other series' beats, read for nothing (series synced out of order), and each series is
        // read by its row.
        let span = usize::try_from(last - first).unwrap_or(usize::MAX);
        if span >= heads.len().saturating_mul(2) {
            return heads
                .into_iter()
                .map(|(rid, head)| Self::load(conn, rid, head))
                .collect();
        }
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading record details", &e);
        let mut statement = conn
            .prepare_cached(
                "SELECT rid, beat_count, offsets, gaps FROM heartbeat_series \
                 WHERE rid >= ?1 AND rid <= ?2",
            )
            .map_err(fail)?;
        let mut rows = statement.query([first, last]).map_err(fail)?;
        let mut columns: HashMap<i64, (i64, Vec<u8>, Vec<u8>)> = HashMap::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let rid: i64 = row.get(0).map_err(fail)?;
            columns.insert(
                rid,
                (
                    row.get(1).map_err(fail)?,
                    row.get(2).map_err(fail)?,
                    row.get(3).map_err(fail)?,
                ),
            );
        }
        heads
            .into_iter()
            .map(|(rid, head)| {
                let row = columns.remove(&rid).ok_or(StoreError::Corrupt {
                    column: "heartbeat_series",
                })?;
                series(head, row)
            })
            .collect()
    }
}

/// A series from its `record` row and its `heartbeat_series` columns.
fn series(head: Head, (count, offsets, gaps): (i64, Vec<u8>, Vec<u8>)) -> Result<HeartbeatSeries> {
    Ok(HeartbeatSeries {
        start: head.start,
        beats: decode(count, &offsets, &gaps)?,
        source: head.source,
        platform_id: head.from_platform.then_some(head.id),
    })
}

/// The two blobs of `beats`: offsets, then the gap bitmap.
fn encode(beats: &[Beat]) -> (Vec<u8>, Vec<u8>) {
    let mut offsets = Vec::with_capacity(beats.len() * 8);
    let mut gaps = vec![0_u8; beats.len().div_ceil(8)];
    for (index, beat) in beats.iter().enumerate() {
        offsets.extend_from_slice(&beat.offset_s.to_le_bytes());
        if beat.preceded_by_gap
            && let Some(byte) = gaps.get_mut(index / 8)
        {
            *byte |= 1 << (index % 8);
        }
    }
    (offsets, gaps)
}

/// The beats of the blobs, which must hold exactly `count` beats.
fn decode(count: i64, offsets: &[u8], gaps: &[u8]) -> Result<Vec<Beat>> {
    let corrupt = StoreError::Corrupt {
        column: "heartbeat_series.offsets",
    };
    let count = usize::try_from(count).map_err(|_| corrupt.clone())?;
    if offsets.len() != count.saturating_mul(8) || gaps.len() != count.div_ceil(8) {
        return Err(corrupt);
    }
    offsets
        .chunks_exact(8)
        .enumerate()
        .map(|(index, chunk)| {
            let bytes: [u8; 8] = chunk.try_into().map_err(|_| corrupt.clone())?;
            let flags = gaps.get(index / 8).ok_or(corrupt.clone())?;
            Ok(Beat {
                offset_s: f64::from_le_bytes(bytes),
                preceded_by_gap: flags & (1 << (index % 8)) != 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::HealthError;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;
    use crate::store::{IngestReport, SkipReason, Store};

    const STREAM: &str = "healthkit:heartbeat_series";

    fn series(start_s: i64, id: &str, beats: &[(f64, bool)]) -> HeartbeatSeries {
        HeartbeatSeries {
            start: ts(start_s),
            beats: beats
                .iter()
                .map(|&(offset_s, preceded_by_gap)| Beat {
                    offset_s,
                    preceded_by_gap,
                })
                .collect(),
            source: watch(),
            platform_id: Some(id.to_owned()),
        }
    }

    fn many_beats() -> Vec<(f64, bool)> {
        (0..20)
            .map(|i| (0.5 + f64::from(i) * 0.8125, i == 9 || i == 17))
            .collect()
    }

    fn all(store: &Store) -> Vec<HeartbeatSeries> {
        store
            .records(ts(-86_400).utc(), ts(86_400).utc())
            .expect("reads")
    }

    #[test]
    fn the_blobs_round_trip_bit_exact() {
        let beats = series(0, "x", &many_beats()).beats;
        let (offsets, gaps) = encode(&beats);
        assert_eq!(offsets.len(), 160);
        assert_eq!(gaps, vec![0, 0b0000_0010, 0b0000_0010]);
        assert_eq!(decode(20, &offsets, &gaps), Ok(beats));
        assert!(decode(21, &offsets, &gaps).is_err());
        assert!(decode(20, &offsets[1..], &gaps).is_err());
    }

    #[test]
    fn series_are_stored_replayed_updated_deleted_and_read_by_overlap() {
        let mut store = Store::open_in_memory().expect("opens");
        let night = series(0, "HB-1", &many_beats());
        let later = series(7200, "HB-2", &[(0.5, false), (1.3, false)]);
        let invalid = series(100, "HB-3", &[(1.0, false), (0.5, false)]);
        let batch = vec![night.clone(), invalid, later.clone()];
        let first = store
            .ingest(STREAM, &batch, &[], Some(b"a1"))
            .expect("ingests");
        assert_eq!(first.inserted, 2);
        assert_eq!(
            first.skipped,
            vec![(
                1,
                SkipReason::Invalid(HealthError::OutOfOrder { field: "beats" })
            )]
        );
        assert_eq!(all(&store), vec![night.clone(), later.clone()]);
        // A read overlapping only the end of the first series finds it.
        let tail: Vec<HeartbeatSeries> = store.records(ts(10).utc(), ts(20).utc()).expect("reads");
        assert_eq!(tail, vec![night.clone()]);
        let again = store
            .ingest(STREAM, &batch, &[], Some(b"a1"))
            .expect("ingests");
        assert_eq!(again.duplicates, 2);
        assert_eq!(again.inserted + again.updated, 0);
        let mut edited = later.clone();
        edited.beats[1].preceded_by_gap = true;
        let report = store
            .ingest(
                STREAM,
                std::slice::from_ref(&edited),
                &["HB-1".to_owned()],
                None,
            )
            .expect("ingests");
        assert_eq!(
            report,
            IngestReport {
                updated: 1,
                deleted: 1,
                ..IngestReport::default()
            }
        );
        assert_eq!(all(&store), vec![edited]);
    }
}
