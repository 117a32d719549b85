//! Sleep sessions with their stage segments.
//!
//! A session's `record` row covers the night; its segments go to `sleep_segment` in order, each
//! with its stage's serde name. Range reads select by overlap, so a night that began before the
//! evening asked for is still found.

use rusqlite::{Connection, Transaction};

use super::code::{from_name, name_of};
use super::error::Result;
use super::ingest::sealed::{Head, Kind, Shared, rid_range};
use super::ingest::{Record, key_instant};
use super::parts::{self, PartTable};
use crate::health::{SleepSegment, SleepSession};

impl Record for SleepSession {}

impl Kind for SleepSession {
    const KIND: &'static str = "sleep_session";

    fn write_identity(&self, key: &mut String) {
        key_instant(key, &self.start);
    }

    fn shared(&self) -> Shared<'_> {
        Shared {
            platform_id: self.platform_id.as_deref(),
            source: &self.source,
            start: &self.start,
            end: Some(self.end.clone()),
        }
    }

    fn save_details(&self, tx: &Transaction<'_>, rid: i64) -> Result<()> {
        let segments = self
            .segments
            .iter()
            .map(|s| Ok((name_of(&s.stage, "sleep_segment.code")?, &s.start, &s.end)))
            .collect::<Result<Vec<_>>>()?;
        parts::save(tx, PartTable::SleepSegment, rid, segments)
    }

    fn load(conn: &Connection, rid: i64, head: Head) -> Result<Self> {
        session(head, parts::load(conn, PartTable::SleepSegment, rid)?)
    }

    fn load_all(conn: &Connection, heads: Vec<(i64, Head)>) -> Result<Vec<Self>> {
        let Some((first, last)) = rid_range(&heads) else {
            return Ok(Vec::new());
        };
        // The rows between hold other kinds' records too, which have no segments.
        let mut segments = parts::load_rows(conn, PartTable::SleepSegment, first, last)?;
        heads
            .into_iter()
            .map(|(rid, head)| session(head, segments.remove(&rid).unwrap_or_default()))
            .collect()
    }
}

impl super::Store {
    /// The sleep sessions of [`Self::records`] without their stage segments (`segments` empty):
    /// one query and no segment rows, for reads that need only when a night was slept and by
    /// which source ([`crate::summary::nights_slept`]).
    pub fn sleep_sessions_unstaged(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<SleepSession>> {
        self.heads::<SleepSession>(from, to)?
            .into_iter()
            .map(|(_, head)| session(head, Vec::new()))
            .collect()
    }
}

/// A session from its `record` row and its stored segments.
fn session(head: Head, segments: Vec<parts::Part>) -> Result<SleepSession> {
    let segments = segments
        .into_iter()
        .map(|(code, start, end)| {
            Ok(SleepSegment {
                stage: from_name(code, "sleep_segment.code")?,
                start,
                end,
            })
        })
        .collect::<Result<_>>()?;
    Ok(SleepSession {
        start: head.start,
        end: head.end,
        segments,
        source: head.source,
        platform_id: head.from_platform.then_some(head.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;
    use crate::health::{HealthError, SleepStage};
    use crate::store::{IngestReport, SkipReason, Store, record_id};

    const STREAM: &str = "apple_export";

    fn seg(stage: SleepStage, start: i64, end: i64) -> SleepSegment {
        SleepSegment {
            stage,
            start: ts(start),
            end: ts(end),
        }
    }

    /// An Apple night from the export: no platform id, keyed by content.
    fn night(start: i64) -> SleepSession {
        SleepSession {
            start: ts(start),
            end: ts(start + 8 * 3600),
            segments: vec![
                seg(SleepStage::InBed, start, start + 8 * 3600),
                seg(SleepStage::Light, start + 600, start + 3600),
                seg(SleepStage::Deep, start + 3600, start + 7200),
            ],
            source: watch(),
            platform_id: None,
        }
    }

    fn read(store: &Store, from: i64, to: i64) -> Vec<SleepSession> {
        store.records(ts(from).utc(), ts(to).utc()).expect("reads")
    }

    #[test]
    fn nights_are_stored_and_read_by_overlap() {
        let mut store = Store::open_in_memory().expect("opens");
        let first = night(-4 * 3600);
        let second = night(20 * 3600);
        let report = store
            .ingest(STREAM, &[second.clone(), first.clone()], &[], None)
            .expect("ingests");
        assert_eq!(report.inserted, 2);
        // [0, 1 h) overlaps only the night that began 4 h before it.
        assert_eq!(read(&store, 0, 3600), vec![first.clone()]);
        // A night ending exactly at the range's start does not overlap it.
        assert!(read(&store, 4 * 3600, 5 * 3600).is_empty());
        assert_eq!(read(&store, -86_400, 86_400 * 2), vec![first, second]);
    }

    #[test]
    fn nights_read_together_each_get_their_own_segments() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut short = night(86_400);
        short.segments.truncate(1);
        let mut empty = night(2 * 86_400);
        empty.segments.clear();
        let nights = [night(0), short, empty, night(3 * 86_400)];
        for one in &nights {
            // One batch each, with a night of another source between: the rows of a range read
            // are not contiguous.
            let mut other = one.clone();
            other.source = crate::health::Source::named("Ring");
            store
                .ingest(STREAM, &[one.clone(), other], &[], None)
                .expect("ingests");
        }
        let read_back: Vec<SleepSession> = read(&store, -86_400, 5 * 86_400)
            .into_iter()
            .filter(|n| n.source == watch())
            .collect();
        assert_eq!(read_back, nights);
    }

    #[test]
    fn a_re_export_adds_nothing_and_a_re_grouped_night_updates() {
        let mut store = Store::open_in_memory().expect("opens");
        let n = night(0);
        store
            .ingest(STREAM, std::slice::from_ref(&n), &[], None)
            .expect("ingests");
        let again = store
            .ingest(STREAM, std::slice::from_ref(&n), &[], None)
            .expect("ingests");
        assert_eq!(
            again,
            IngestReport {
                duplicates: 1,
                ..IngestReport::default()
            }
        );
        // A later export with one more stage sample: same start and source, so the same id.
        let mut more = n.clone();
        more.segments.push(seg(SleepStage::Rem, 7200, 9000));
        assert_eq!(record_id(&more), record_id(&n));
        let report = store
            .ingest(STREAM, &[more.clone()], &[], None)
            .expect("ingests");
        assert_eq!(report.updated, 1);
        assert_eq!(read(&store, 0, 3600), vec![more]);
        let count: i64 = store
            .conn
            .query_row("SELECT count(*) FROM sleep_segment", [], |row| row.get(0))
            .expect("counts");
        assert_eq!(count, 4, "the replaced night's segments are gone");
    }

    #[test]
    fn a_sweep_deletes_the_nights_a_full_re_read_did_not_see() {
        let mut store = Store::open_in_memory().expect("opens");
        let hc = "health_connect:sleep";
        let nights: Vec<SleepSession> = [0, 1, 2]
            .into_iter()
            .map(|day| SleepSession {
                platform_id: Some(format!("HC-{day}")),
                ..night(day * 86_400)
            })
            .collect();
        store
            .ingest(hc, &nights, &[], Some(b"token-old"))
            .expect("ingests");
        // The re-read covered the first two days and saw only the first night.
        let swept = store
            .sweep::<SleepSession>(
                hc,
                &["HC-0".to_owned()],
                ts(0).utc(),
                ts(2 * 86_400).utc(),
                Some(b"token-new"),
            )
            .expect("sweeps");
        assert_eq!(swept, 1);
        assert_eq!(
            read(&store, 0, 3 * 86_400),
            vec![nights[0].clone(), nights[2].clone()]
        );
        assert_eq!(
            store.anchor(hc).expect("reads"),
            Some(b"token-new".to_vec())
        );
    }

    #[test]
    fn an_invalid_night_is_skipped_and_a_deleted_one_stays_deleted() {
        let mut store = Store::open_in_memory().expect("opens");
        let mut overlapping = night(86_400);
        overlapping.segments[2] = seg(SleepStage::Deep, 86_400 + 3000, 86_400 + 7200);
        let n = night(0);
        let report = store
            .ingest(STREAM, &[overlapping, n.clone()], &[], None)
            .expect("ingests");
        assert_eq!(
            report.skipped,
            vec![(
                0,
                SkipReason::Invalid(HealthError::Overlap { field: "segments" })
            )]
        );
        let id = record_id(&n);
        let report = store
            .ingest::<SleepSession>(STREAM, &[], &[id], None)
            .expect("ingests");
        assert_eq!(report.deleted, 1);
        assert!(read(&store, 0, 3600).is_empty());
        let replay = store.ingest(STREAM, &[n], &[], None).expect("ingests");
        assert_eq!(replay.duplicates, 1);
        assert!(read(&store, 0, 3600).is_empty());
    }
}
