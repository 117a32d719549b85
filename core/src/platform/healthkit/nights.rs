//! Grouping Apple's sleep samples into sleep sessions, for the export's import
//! (`apple_export/import.rs`) and for the live HealthKit reader's regrouping (`store/nights.rs`).
//!
//! Apple writes a night as separate `SleepAnalysis` samples (InBed over the night, stage or
//! "asleep" samples beneath it); the data model keeps one [`SleepSession`] per night and source
//! (`health/sleep.rs`). A source's samples belong to the same session while each starts less than
//! [`SESSION_GAP_S`] after the end of the session so far; the session spans its samples and its
//! segments are the samples, in order of start.
//!
//! Samples are assumed to come in time order per source, as Apple's export writes them (records
//! grouped by type, each source's samples by start date). A session is closed, and handed out for
//! storage, when a later sample of its source starts past the gap, or when the parse ends. Out of
//! order input still groups deterministically (a re-import gives the same sessions), but a night
//! may then be split.

use crate::health::{SleepSegment, SleepSession, SleepStage, Source};

/// Longest gap between a source's samples within one session, s. One hour (a product choice): the
/// awakenings Apple leaves out of its "asleep" samples last minutes, while a nap and the night, or
/// two nights, are hours apart.
pub const SESSION_GAP_S: f64 = 3600.0;

/// The sessions of each source that may still grow.
#[derive(Debug, Default)]
pub struct Nights {
    open: Vec<SleepSession>,
    /// Samples dropped because the session already held the same stage over the same interval (a
    /// byte-identical duplicate record, which would otherwise overlap itself).
    pub duplicate_samples: u64,
}

/// The sessions `samples` (each a stage over an interval, and its writer) make, in any order of
/// input: sorted by start first (InBed first when two start together), so that no night is split.
pub fn group(mut samples: Vec<(SleepSegment, Source)>) -> Vec<SleepSession> {
    samples.sort_by_key(|(segment, _)| (segment.start.utc(), segment.stage != SleepStage::InBed));
    let mut nights = Nights::default();
    let mut sessions: Vec<SleepSession> = samples
        .into_iter()
        .filter_map(|(segment, source)| nights.add(segment, source))
        .collect();
    sessions.extend(nights.close_all());
    sessions
}

impl Nights {
    /// Adds a sample, `segment` written by `source`; returns the session of its source that it
    /// closed, if any.
    pub fn add(&mut self, segment: SleepSegment, source: Source) -> Option<SleepSession> {
        let Some(index) = self.open.iter().position(|s| s.source == source) else {
            self.open.push(session_of(segment, source));
            return None;
        };
        let session = self.open.get_mut(index)?;
        let gap = crate::health::time::seconds_between(&session.end, &segment.start);
        if gap >= SESSION_GAP_S {
            let closed = std::mem::replace(session, session_of(segment, source));
            return Some(finish(closed));
        }
        if session.segments.contains(&segment) {
            self.duplicate_samples += 1;
            return None;
        }
        if segment.start.utc() < session.start.utc() {
            session.start = segment.start.clone();
        }
        if segment.end.utc() > session.end.utc() {
            session.end = segment.end.clone();
        }
        session.segments.push(segment);
        None
    }

    /// The sessions still open, closed now (the parse is over).
    pub fn close_all(&mut self) -> Vec<SleepSession> {
        self.open.drain(..).map(finish).collect()
    }
}

fn session_of(segment: SleepSegment, source: Source) -> SleepSession {
    SleepSession {
        start: segment.start.clone(),
        end: segment.end.clone(),
        segments: vec![segment],
        source,
        platform_id: None,
    }
}

/// Orders the segments by start (InBed first when two start together, as Apple's InBed sample
/// spans the stages beneath it); a stable sort keeps the export's order otherwise.
fn finish(mut session: SleepSession) -> SleepSession {
    session
        .segments
        .sort_by_key(|s| (s.start.utc(), s.stage != SleepStage::InBed));
    session
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;

    fn add(nights: &mut Nights, sample: (SleepSegment, Source)) -> Option<SleepSession> {
        nights.add(sample.0, sample.1)
    }

    fn sample(stage: SleepStage, start: i64, end: i64, source: Source) -> (SleepSegment, Source) {
        let segment = SleepSegment {
            stage,
            start: ts(start),
            end: ts(end),
        };
        (segment, source)
    }

    #[test]
    fn samples_join_within_the_gap_per_source_and_split_past_it() {
        let mut nights = Nights::default();
        let phone = Source::named("iPhone");
        assert!(add(&mut nights, sample(SleepStage::Light, 0, 3000, watch())).is_none());
        assert!(add(&mut nights, sample(SleepStage::InBed, -600, 30_000, phone)).is_none());
        // A 40-minute awakening left out: same night.
        assert!(add(&mut nights, sample(SleepStage::Deep, 5400, 9000, watch())).is_none());
        // The same sample again is dropped, not an overlap.
        assert!(add(&mut nights, sample(SleepStage::Deep, 5400, 9000, watch())).is_none());
        assert_eq!(nights.duplicate_samples, 1);
        let closed = add(
            &mut nights,
            sample(SleepStage::Light, 9000 + 3600, 20_000, watch()),
        )
        .expect("an hour later is another session");
        assert_eq!(
            (closed.start.utc(), closed.end.utc()),
            (ts(0).utc(), ts(9000).utc())
        );
        assert_eq!(closed.segments.len(), 2);
        let rest = nights.close_all();
        assert_eq!(rest.len(), 2);
        assert!(nights.close_all().is_empty());
    }

    #[test]
    fn grouping_does_not_depend_on_the_order_of_the_samples() {
        let night = [
            sample(SleepStage::InBed, 0, 30_000, watch()),
            sample(SleepStage::Light, 0, 3000, watch()),
            sample(SleepStage::Deep, 3000, 9000, watch()),
            // Past the hour's gap: the next session.
            sample(SleepStage::Rem, 30_000 + 3600, 40_000, watch()),
        ];
        let in_order = group(night.to_vec());
        let mut reversed = night.to_vec();
        reversed.reverse();
        assert_eq!(group(reversed), in_order);
        assert_eq!(in_order.len(), 2);
        let first = &in_order[0];
        assert_eq!(first.segments.len(), 3);
        // InBed first where it starts with a stage.
        assert_eq!(first.segments[0].stage, SleepStage::InBed);
    }
}
