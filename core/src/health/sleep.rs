//! Sleep sessions and their stage segments.
//!
//! A session is one night (or nap) from one source; its segments say which [`SleepStage`] the member
//! was in when. Health Connect delivers a `SleepSessionRecord` with its stages; Apple delivers
//! separate `SleepAnalysis` samples (InBed, Asleep…, Awake) which the importer groups into a session.
//! Apple's InBed samples span the night underneath the stage samples, so an [`SleepStage::InBed`]
//! segment may overlap the others; no two other segments may (one cannot be in deep sleep and REM at
//! once).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::platform_id;
use super::kinds::SleepStage;
use super::plausibility::Plausibility;
use super::source::Source;
use super::time::{Timestamp, check_interval, seconds_between};
use super::{HealthError, Validate};

/// One stretch of one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SleepSegment {
    /// The stage.
    pub stage: SleepStage,
    /// Start of the stretch.
    pub start: Timestamp,
    /// End of the stretch.
    pub end: Timestamp,
}

/// One sleep session from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SleepSession {
    /// Start of the session (in bed or first sleep).
    pub start: Timestamp,
    /// End of the session.
    pub end: Timestamp,
    /// The stage segments, in order of start. May be empty (a session with no stage data).
    pub segments: Vec<SleepSegment>,
    /// Who wrote it.
    pub source: Source,
    /// The platform's id (Health Connect record id; `None` for Apple, whose nights are built from
    /// several samples and keyed by content).
    pub platform_id: Option<String>,
}

impl SleepSegment {
    /// Length of the segment, s.
    pub fn duration_s(&self) -> f64 {
        seconds_between(&self.start, &self.end)
    }
}

impl SleepSession {
    /// Length of the session, s.
    pub fn duration_s(&self) -> f64 {
        seconds_between(&self.start, &self.end)
    }

    /// Total time in each stage that occurs, s. Stages other than InBed never overlap, so their
    /// totals are exact; InBed segments may overlap each other (Apple writes several), so for time
    /// in bed use [`SleepSession::duration_s`].
    pub fn seconds_by_stage(&self) -> BTreeMap<SleepStage, f64> {
        let mut totals = BTreeMap::new();
        for segment in &self.segments {
            *totals.entry(segment.stage).or_insert(0.0) += segment.duration_s();
        }
        totals
    }

    /// Total time asleep (light, deep, REM and unstaged sleep), s. Validation guarantees that these
    /// segments do not overlap, so the sum counts no minute twice.
    pub fn asleep_s(&self) -> f64 {
        self.segments
            .iter()
            .filter(|s| s.stage.is_asleep())
            .map(SleepSegment::duration_s)
            .sum()
    }
}

impl Validate for SleepSession {
    fn validate_with(&self, bounds: &Plausibility) -> Result<(), HealthError> {
        check_interval("session", &self.start, &self.end)?;
        if self.duration_s() > bounds.max_sleep_session_s {
            return Err(HealthError::TooLong {
                field: "session",
                max_s: bounds.max_sleep_session_s,
            });
        }
        // End of the latest segment other than InBed seen so far, to find overlaps in one pass.
        let mut staged_until: Option<chrono::DateTime<chrono::Utc>> = None;
        let mut previous_start = None;
        for (index, segment) in self.segments.iter().enumerate() {
            check_interval("segment", &segment.start, &segment.end)
                .map_err(|e| e.in_item("segments", index))?;
            if segment.start.utc() < self.start.utc() || segment.end.utc() > self.end.utc() {
                return Err(HealthError::Outside {
                    field: "segment",
                    within: "session",
                }
                .in_item("segments", index));
            }
            if previous_start.is_some_and(|p| segment.start.utc() < p) {
                return Err(HealthError::OutOfOrder { field: "segments" });
            }
            previous_start = Some(segment.start.utc());
            if segment.stage != SleepStage::InBed {
                if staged_until.is_some_and(|until| segment.start.utc() < until) {
                    return Err(HealthError::Overlap { field: "segments" });
                }
                staged_until = Some(
                    staged_until.map_or(segment.end.utc(), |until| until.max(segment.end.utc())),
                );
            }
        }
        self.source.validate()?;
        platform_id(self.platform_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::tests::ts;

    fn seg(stage: SleepStage, start: i64, end: i64) -> SleepSegment {
        SleepSegment {
            stage,
            start: ts(start),
            end: ts(end),
        }
    }

    /// An Apple-style night: InBed over the whole session, stages beneath it.
    fn night() -> SleepSession {
        SleepSession {
            start: ts(0),
            end: ts(8 * 3600),
            segments: vec![
                seg(SleepStage::InBed, 0, 8 * 3600),
                seg(SleepStage::Awake, 0, 600),
                seg(SleepStage::Light, 600, 3600),
                seg(SleepStage::Deep, 3600, 7200),
                seg(SleepStage::Rem, 7200, 9000),
                seg(SleepStage::Light, 9000, 27000),
                seg(SleepStage::Awake, 27000, 28800),
            ],
            source: watch(),
            platform_id: None,
        }
    }

    #[test]
    fn totals_by_stage() {
        let n = night();
        assert_eq!(n.validate(), Ok(()));
        let totals = n.seconds_by_stage();
        assert_eq!(totals.get(&SleepStage::InBed), Some(&28800.0));
        assert_eq!(totals.get(&SleepStage::Awake), Some(&2400.0));
        assert_eq!(totals.get(&SleepStage::Light), Some(&(3000.0 + 18000.0)));
        assert_eq!(totals.get(&SleepStage::Deep), Some(&3600.0));
        assert_eq!(totals.get(&SleepStage::Rem), Some(&1800.0));
        assert_eq!(totals.get(&SleepStage::OutOfBed), None);
        assert_eq!(n.asleep_s(), 21000.0 + 3600.0 + 1800.0);
        assert_eq!(n.duration_s(), 28800.0);
    }

    #[test]
    fn a_session_without_stages_is_valid() {
        let mut n = night();
        n.segments.clear();
        assert_eq!(n.validate(), Ok(()));
        assert_eq!(n.asleep_s(), 0.0);
    }

    #[test]
    fn session_end_before_start() {
        let mut n = night();
        n.segments.clear();
        n.end = ts(-1);
        assert_eq!(
            n.validate(),
            Err(HealthError::EndBeforeStart { field: "session" })
        );
    }

    #[test]
    fn session_longer_than_a_day() {
        let mut n = night();
        n.segments.clear();
        n.end = ts(24 * 3600 + 1);
        assert!(matches!(
            n.validate(),
            Err(HealthError::TooLong {
                field: "session",
                ..
            })
        ));
    }

    #[test]
    fn segment_outside_its_session() {
        let mut n = night();
        n.segments.push(seg(SleepStage::Awake, 28800, 28900));
        assert_eq!(
            n.validate(),
            Err(HealthError::Outside {
                field: "segment",
                within: "session"
            }
            .in_item("segments", 7))
        );
        let mut n = night();
        n.segments[1] = seg(SleepStage::Awake, -60, 600);
        assert!(matches!(
            n.validate(),
            Err(HealthError::Item { index: 1, .. })
        ));
    }

    #[test]
    fn segment_end_before_start() {
        let mut n = night();
        n.segments[2] = seg(SleepStage::Light, 3600, 600);
        assert_eq!(
            n.validate(),
            Err(HealthError::EndBeforeStart { field: "segment" }.in_item("segments", 2))
        );
    }

    #[test]
    fn segments_out_of_order() {
        let mut n = night();
        n.segments.swap(2, 3);
        assert_eq!(
            n.validate(),
            Err(HealthError::OutOfOrder { field: "segments" })
        );
    }

    #[test]
    fn stages_may_not_overlap_but_in_bed_may() {
        let mut n = night();
        n.segments[3] = seg(SleepStage::Deep, 3000, 7200);
        assert_eq!(
            n.validate(),
            Err(HealthError::Overlap { field: "segments" })
        );
        // A second InBed overlapping everything is fine (Apple writes InBed beneath the stages).
        let mut n = night();
        n.segments.insert(2, seg(SleepStage::InBed, 600, 4000));
        assert_eq!(n.validate(), Ok(()));
    }

    #[test]
    fn serde_round_trip() {
        let n = night();
        let json = serde_json::to_string(&n).expect("serialises");
        let back: SleepSession = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, n);
    }
}
