//! HealthKit's sleep regrouped into nights as the live reader sees it change.
//!
//! HealthKit writes a night as many sleep-analysis samples, each with its own UUID, and reports a
//! deletion by UUID alone (`HKDeletedObject` has no date); the data model keeps one
//! [`SleepSession`] per night and source. So the store cannot apply a sample's change to a night
//! by id. Instead the reader hands over every sample that ends after a time `from`, and the
//! store groups them as the export's import does (`platform/healthkit/nights.rs`), then makes the
//! stored nights of the stream in the window equal to that grouping, with the anchor, in one
//! transaction ([`Store::regroup_sleep`]):
//! - Only nights that start at least [`SESSION_GAP_S`] after `from` are complete: a sample of the
//!   same source ending within the gap before such a night overlaps the window, so the reader
//!   passed it. Nights that start earlier are neither written nor deleted.
//! - A night keeps the id of the stored night of its source that it overlaps, so an edit (a stage
//!   added, a sample deleted, the night's start moved) updates the night instead of deleting it
//!   and adding another; nights that merged keep the first one's id and the others are deleted.
//! - A new night takes the content id an export's night of the same source and start has
//!   (`ingest.rs`, `record_id`), so importing the export later finds it instead of doubling it. If
//!   that id was used before (a night deleted, then written again), a new one is derived from it:
//!   a tombstone stays final.
//! - Stored nights of the window that no grouped night overlaps become tombstones.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::params;

use super::content_id::content_id;
use super::error::{Result, StoreError};
use super::ingest::sealed::Kind;
use super::ingest::{CONTENT_ID_NAMESPACE, load_one, record_id, stored};
use super::quantity::bound_ns;
use super::{IngestReport, Store};
use crate::health::{SleepSegment, SleepSession, Source};
use crate::platform::healthkit::nights::{SESSION_GAP_S, group};

/// The outcome of a regrouping: the store's report, whose `skipped` positions count in `nights`,
/// and the nights as grouped, in order of start.
#[derive(Debug, Clone, PartialEq)]
pub struct Regrouped {
    /// What was written and deleted.
    pub report: IngestReport,
    /// The complete nights of the window.
    pub nights: Vec<SleepSession>,
}

impl Store {
    /// Regroups stream `stream`'s nights from `samples`, every sleep sample (a stage over an
    /// interval, and its writer) that ends after `from`, and saves `anchor` with them, in one
    /// transaction (module doc).
    pub fn regroup_sleep(
        &mut self,
        stream: &str,
        samples: Vec<(SleepSegment, Source)>,
        from: DateTime<Utc>,
        anchor: Option<&[u8]>,
    ) -> Result<Regrouped> {
        let gap = TimeDelta::milliseconds((SESSION_GAP_S * 1000.0) as i64);
        let complete_from = from.checked_add_signed(gap).unwrap_or(from);
        let mut nights: Vec<SleepSession> = group(samples)
            .into_iter()
            .filter(|night| night.start.utc() >= complete_from)
            .collect();
        nights.sort_by_key(|night| night.start.utc());
        let stored = self.stored_nights(stream, complete_from)?;
        let mut kept = HashSet::new();
        for night in &mut nights {
            let same = stored.iter().find(|(id, old)| {
                !kept.contains(id.as_str())
                    && old.source == night.source
                    && old.start.utc() < night.end.utc()
                    && night.start.utc() < old.end.utc()
            });
            let id = match same {
                Some((id, _)) => id.clone(),
                None => self.unused_id(night, &kept)?,
            };
            kept.insert(id.clone());
            night.platform_id = Some(id);
        }
        let gone: Vec<String> = stored
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| !kept.contains(id.as_str()))
            .collect();
        let report = self.ingest(stream, &nights, &gone, anchor)?;
        Ok(Regrouped { report, nights })
    }

    /// The live nights of `stream` that start at or after `since`, with their ids.
    fn stored_nights(
        &self,
        stream: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, SleepSession)>> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading the stream's nights", &e);
        let rows: Vec<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT rid, id FROM record WHERE kind = ?1 AND stream = ?2 \
                 AND deleted_at_ms IS NULL AND start_ns >= ?3 ORDER BY start_ns, id",
            )
            .and_then(|mut statement| {
                statement
                    .query_map(
                        params![SleepSession::KIND, stream, bound_ns(since)],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )?
                    .collect()
            })
            .map_err(fail)?;
        let mut nights = Vec::with_capacity(rows.len());
        for (rid, id) in rows {
            if let Some(night) = load_one::<SleepSession>(&self.conn, rid)? {
                nights.push((id, night));
            }
        }
        Ok(nights)
    }

    /// An id for a new night: its content id (module doc), or, when a row already has that id
    /// or another night of this regrouping took it, the first unused one derived from it.
    fn unused_id(&self, night: &SleepSession, taken: &HashSet<String>) -> Result<String> {
        let base = record_id(&SleepSession {
            platform_id: None,
            ..night.clone()
        });
        let mut id = base.clone();
        let mut attempt = 1u32;
        // A night stored under the id, live or a tombstone, takes it too.
        while taken.contains(&id) || stored(&self.conn, SleepSession::KIND, &id)?.is_some() {
            attempt += 1;
            id = content_id(
                &CONTENT_ID_NAMESPACE,
                format!("{base}/{attempt}").as_bytes(),
            );
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::SleepStage;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;

    const STREAM: &str = "healthkit:HKCategoryTypeIdentifierSleepAnalysis";
    const H: i64 = 3600;

    fn sample(
        stage: SleepStage,
        start_h: f64,
        end_h: f64,
        source: &Source,
    ) -> (SleepSegment, Source) {
        let at = |h: f64| ts((h * H as f64) as i64);
        let segment = SleepSegment {
            stage,
            start: at(start_h),
            end: at(end_h),
        };
        (segment, source.clone())
    }

    /// A night of `source` from `start_h` to `end_h` (hours from the epoch): light then deep.
    fn night(start_h: f64, end_h: f64, source: &Source) -> Vec<(SleepSegment, Source)> {
        let middle = (start_h + end_h) / 2.0;
        vec![
            sample(SleepStage::Light, start_h, middle, source),
            sample(SleepStage::Deep, middle, end_h, source),
        ]
    }

    fn regroup(store: &mut Store, samples: Vec<(SleepSegment, Source)>, from_h: i64) -> Regrouped {
        store
            .regroup_sleep(STREAM, samples, ts(from_h * H).utc(), Some(b"anchor"))
            .unwrap()
    }

    /// The live nights of the stream, as (id, start hour, end hour).
    fn live(store: &Store) -> Vec<(String, i64, i64)> {
        store
            .stored_nights(STREAM, ts(-1000 * H).utc())
            .unwrap()
            .into_iter()
            .map(|(id, n)| {
                let hour = |t: &crate::health::Timestamp| (t.utc() - ts(0).utc()).num_hours();
                (id, hour(&n.start), hour(&n.end))
            })
            .collect()
    }

    #[test]
    fn nights_are_grouped_per_source_and_the_anchor_is_kept() {
        let mut store = Store::open_in_memory().unwrap();
        let phone = Source::named("iPhone");
        let mut samples = night(0.0, 8.0, &watch());
        samples.extend(night(24.0, 31.0, &watch()));
        // The phone's in-bed sample over the watch's night is its own session.
        samples.push(sample(SleepStage::InBed, 0.0, 9.0, &phone));
        let done = regroup(&mut store, samples, -2);
        assert_eq!(done.report.inserted, 3);
        assert_eq!(done.nights.len(), 3);
        assert_eq!(
            store.anchor(STREAM).unwrap().as_deref(),
            Some(&b"anchor"[..])
        );
        // The same samples again change nothing.
        let mut again = night(0.0, 8.0, &watch());
        again.extend(night(24.0, 31.0, &watch()));
        again.push(sample(SleepStage::InBed, 0.0, 9.0, &phone));
        assert_eq!(regroup(&mut store, again, -2).report.duplicates, 3);
    }

    #[test]
    fn an_edited_night_keeps_its_id() {
        let mut store = Store::open_in_memory().unwrap();
        regroup(&mut store, night(0.0, 8.0, &watch()), -2);
        let before = live(&store);
        // A REM stage added at the end, and an awake stretch that moves the start earlier.
        let mut edited = night(0.0, 8.0, &watch());
        edited.push(sample(SleepStage::Rem, 8.0, 9.0, &watch()));
        edited.push(sample(SleepStage::Awake, -0.5, 0.0, &watch()));
        let done = regroup(&mut store, edited, -2);
        assert_eq!((done.report.updated, done.report.inserted), (1, 0));
        let after = live(&store);
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].0, before[0].0);
        assert_eq!((after[0].1, after[0].2), (0, 9));
    }

    #[test]
    fn a_night_split_merged_and_split_again_is_never_lost() {
        let mut store = Store::open_in_memory().unwrap();
        let bridge = sample(SleepStage::Awake, 4.0, 6.0, &watch());
        let mut parts = night(0.0, 4.0, &watch());
        parts.extend(night(6.0, 10.0, &watch()));
        // Two parts two hours apart: two nights.
        regroup(&mut store, parts.clone(), -2);
        assert_eq!(live(&store).len(), 2);
        let first = live(&store)[0].0.clone();
        // A sample bridges them: one night, under the first one's id; the second is deleted.
        let mut merged = parts.clone();
        merged.push(bridge);
        let done = regroup(&mut store, merged, -2);
        assert_eq!((done.report.updated, done.report.deleted), (1, 1));
        assert_eq!(live(&store).len(), 1);
        assert_eq!(live(&store)[0].0, first);
        // The bridge is deleted again: the second part comes back under a new id, since its old
        // one is a tombstone that must stay one.
        let done = regroup(&mut store, parts, -2);
        assert_eq!((done.report.updated, done.report.inserted), (1, 1));
        let nights = live(&store);
        assert_eq!(nights.len(), 2);
        assert_eq!(nights[0].0, first);
        assert_eq!((nights[1].1, nights[1].2), (6, 10));
    }

    #[test]
    fn only_the_complete_nights_of_the_window_change() {
        let mut store = Store::open_in_memory().unwrap();
        let mut samples = night(0.0, 8.0, &watch());
        samples.extend(night(24.0, 31.0, &watch()));
        regroup(&mut store, samples, -2);
        // A window from the second night's start: that night starts within the gap after the
        // window's, so it may lack samples the window missed and is left alone, as is the first
        // night before it.
        let done = regroup(&mut store, vec![], 24);
        assert_eq!(done.report.deleted, 0);
        assert_eq!(live(&store).len(), 2);
        // From 20:00 the second night is complete: without samples, it was deleted in HealthKit.
        let done = regroup(&mut store, vec![], 20);
        assert_eq!(done.report.deleted, 1);
        assert_eq!(live(&store).len(), 1);
    }

    #[test]
    fn a_night_regrouped_live_is_the_night_an_export_import_finds() {
        let mut store = Store::open_in_memory().unwrap();
        let done = regroup(&mut store, night(0.0, 8.0, &watch()), -2);
        let from_export = SleepSession {
            platform_id: None,
            ..done.nights[0].clone()
        };
        store
            .ingest("apple_export", &[from_export], &[], None)
            .unwrap();
        let all: Vec<SleepSession> = store.records(ts(-H).utc(), ts(10 * H).utc()).unwrap();
        assert_eq!(all.len(), 1);
    }
}
