//! Beat-to-beat series: the heartbeat times a watch recorded, as HealthKit's heartbeat series give
//! them, and their conversion to the RR intervals the HRV analysis reads.
//!
//! `HKHeartbeatSeriesQuery` reports each beat as its time since the series start
//! (`timeSinceSeriesStart`, s) and `precededByGap`: "this heartbeat was immediately preceded by a gap
//! in the data, indicating that one or more heartbeats may be missing" (Apple developer
//! documentation). The time from a gap-preceded beat back to the beat before it is therefore not an
//! RR interval, and the interval after it starts a new contiguous run: successive differences must
//! never be taken across it (domain brief section 3). Apple computes SDNN only; RMSSD for HealthKit
//! members comes from these series (domain brief section 4).

use serde::{Deserialize, Serialize};

use super::error::platform_id;
use super::plausibility::Plausibility;
use super::source::Source;
use super::time::Timestamp;
use super::{HealthError, Validate};

/// One heartbeat of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Beat {
    /// Time of the beat since the series start, s (HealthKit `timeSinceSeriesStart`).
    pub offset_s: f64,
    /// Whether one or more beats may be missing just before this one (HealthKit `precededByGap`).
    pub preceded_by_gap: bool,
}

/// A series of heartbeats recorded in one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeartbeatSeries {
    /// The series start; beat offsets count from here.
    pub start: Timestamp,
    /// The beats, in time order.
    pub beats: Vec<Beat>,
    /// Who wrote it.
    pub source: Source,
    /// The HealthKit UUID of the series sample.
    pub platform_id: Option<String>,
}

/// RR intervals with the positions that follow a gap, the input of [`crate::hrv::analyse`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RrWithGaps {
    /// RR intervals, ms, in recording order.
    pub rr_ms: Vec<f64>,
    /// Indices into `rr_ms` of the intervals that start a new run after a recording gap (the
    /// meaning `crate::hrv::analyse` gives its `gaps` argument).
    pub gaps: Vec<usize>,
}

impl HeartbeatSeries {
    /// The RR intervals between consecutive beats, in ms, and the gap positions.
    ///
    /// The time from the series start to the first beat is not an interval (no beat precedes it).
    /// The time into a gap-preceded beat is dropped, and the next interval that exists is marked as
    /// following a gap. Several gaps in a row collapse into one mark. Values are not range-checked
    /// here: implausible intervals are the artefact correction's business (`crate::hrv`).
    pub fn rr_intervals(&self) -> RrWithGaps {
        let mut out = RrWithGaps {
            rr_ms: Vec::with_capacity(self.beats.len().saturating_sub(1)),
            gaps: Vec::new(),
        };
        let mut after_gap = false;
        for pair in self.beats.windows(2) {
            let [previous, beat] = pair else { continue };
            if beat.preceded_by_gap {
                after_gap = true;
                continue;
            }
            if after_gap && !out.rr_ms.is_empty() {
                out.gaps.push(out.rr_ms.len());
            }
            after_gap = false;
            out.rr_ms.push((beat.offset_s - previous.offset_s) * 1000.0);
        }
        out
    }

    /// The end of the series: the start plus the last beat's offset, when there is a beat and the
    /// instant is representable.
    pub fn end(&self) -> Option<Timestamp> {
        let last = self.beats.last()?;
        let delta = chrono::TimeDelta::try_milliseconds((last.offset_s * 1000.0).round() as i64)?;
        self.start.plus(delta)
    }
}

impl Validate for HeartbeatSeries {
    /// Beats must exist, be finite, not precede the start and be strictly increasing (two beats
    /// at the same instant, or out of order, are impossible). No plausibility bound applies: the
    /// intervals are judged by the HRV artefact correction.
    fn validate_with(&self, _bounds: &Plausibility) -> Result<(), HealthError> {
        if self.beats.is_empty() {
            return Err(HealthError::Empty { field: "beats" });
        }
        let mut previous: Option<f64> = None;
        for (index, beat) in self.beats.iter().enumerate() {
            if !beat.offset_s.is_finite() {
                return Err(HealthError::NonFinite { field: "offset_s" }.in_item("beats", index));
            }
            if beat.offset_s < 0.0 {
                return Err(HealthError::Negative { field: "offset_s" }.in_item("beats", index));
            }
            if previous.is_some_and(|p| beat.offset_s <= p) {
                return Err(HealthError::OutOfOrder { field: "beats" });
            }
            previous = Some(beat.offset_s);
        }
        self.source.validate()?;
        platform_id(self.platform_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;
    use crate::health::time::seconds_between;
    use crate::health::time::tests::ts;

    fn series(beats: &[(f64, bool)]) -> HeartbeatSeries {
        HeartbeatSeries {
            start: ts(0),
            beats: beats
                .iter()
                .map(|&(offset_s, preceded_by_gap)| Beat {
                    offset_s,
                    preceded_by_gap,
                })
                .collect(),
            source: watch(),
            platform_id: Some("9728168D-CFD4-4946-BF94-2789ECD39A72".to_owned()),
        }
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    #[test]
    fn intervals_without_gaps() {
        // Offsets in binary fractions, as HealthKit reports them (1/1024 s resolution).
        let s = series(&[
            (0.97265625, false),
            (1.55859375, false),
            (2.16015625, false),
            (2.7421875, false),
        ]);
        let rr = s.rr_intervals();
        assert!(close(&rr.rr_ms, &[585.9375, 601.5625, 582.03125]));
        assert!(rr.gaps.is_empty());
    }

    #[test]
    fn a_gap_drops_the_interval_into_it_and_marks_the_next() {
        let s = series(&[
            (1.0, false),
            (1.8, false),
            (2.6, false),
            (10.0, true),
            (10.9, false),
            (11.7, false),
        ]);
        let rr = s.rr_intervals();
        assert!(close(&rr.rr_ms, &[800.0, 800.0, 900.0, 800.0]));
        assert_eq!(rr.gaps, vec![2]);
    }

    #[test]
    fn consecutive_gaps_collapse_and_a_leading_gap_is_harmless() {
        let s = series(&[
            (0.5, true),
            (1.5, false),
            (5.0, true),
            (9.0, true),
            (10.0, false),
            (11.0, false),
        ]);
        let rr = s.rr_intervals();
        // 0.5 -> 1.5 kept (the leading flag has no interval to drop), 1.5 -> 5 and 5 -> 9 dropped,
        // 9 -> 10 and 10 -> 11 kept: one run boundary before the second interval.
        assert!(close(&rr.rr_ms, &[1000.0, 1000.0, 1000.0]));
        assert_eq!(rr.gaps, vec![1]);
    }

    #[test]
    fn gap_before_the_first_interval_is_not_marked() {
        let s = series(&[(0.5, false), (4.0, true), (5.0, false), (6.0, false)]);
        let rr = s.rr_intervals();
        // 0.5 -> 4 dropped; the series of intervals starts after the gap, so nothing to split.
        assert!(close(&rr.rr_ms, &[1000.0, 1000.0]));
        assert!(rr.gaps.is_empty());
    }

    #[test]
    fn trailing_gap_adds_nothing() {
        let s = series(&[(0.5, false), (1.5, false), (9.0, true)]);
        let rr = s.rr_intervals();
        assert!(close(&rr.rr_ms, &[1000.0]));
        assert!(rr.gaps.is_empty());
    }

    #[test]
    fn one_beat_has_no_interval() {
        assert_eq!(
            series(&[(0.5, false)]).rr_intervals(),
            RrWithGaps::default()
        );
    }

    #[test]
    fn output_feeds_the_hrv_analysis() {
        // 130 beats at 800-900 ms with one gap: the HRV pipeline accepts the pair as it is.
        let mut beats = Vec::new();
        let mut t = 0.5;
        for i in 0..130 {
            let gap = i == 70;
            if gap {
                t += 30.0;
            }
            beats.push((t, gap));
            t += if i % 2 == 0 { 0.8 } else { 0.9 };
        }
        let rr = series(&beats).rr_intervals();
        assert_eq!(rr.rr_ms.len(), 128);
        assert_eq!(rr.gaps, vec![69]);
        let report = crate::hrv::analyse(&rr.rr_ms, &rr.gaps, &crate::hrv::HrvSettings::default());
        assert!(report.is_ok(), "{report:?}");
    }

    #[test]
    fn end_is_the_last_beat() {
        let s = series(&[(0.5, false), (61.25, false)]);
        let end = s.end().expect("has beats");
        assert_eq!(seconds_between(&s.start, &end), 61.25);
        assert_eq!(series(&[]).end(), None);
    }

    #[test]
    fn validation_rules() {
        assert_eq!(series(&[(0.5, false), (1.3, false)]).validate(), Ok(()));
        assert_eq!(
            series(&[]).validate(),
            Err(HealthError::Empty { field: "beats" })
        );
        assert_eq!(
            series(&[(0.5, false), (f64::NAN, false)]).validate(),
            Err(HealthError::NonFinite { field: "offset_s" }.in_item("beats", 1))
        );
        assert_eq!(
            series(&[(-0.1, false)]).validate(),
            Err(HealthError::Negative { field: "offset_s" }.in_item("beats", 0))
        );
        assert_eq!(
            series(&[(1.0, false), (1.0, false)]).validate(),
            Err(HealthError::OutOfOrder { field: "beats" })
        );
        assert_eq!(
            series(&[(1.0, false), (0.9, false)]).validate(),
            Err(HealthError::OutOfOrder { field: "beats" })
        );
        let mut s = series(&[(0.5, false)]);
        s.platform_id = Some(" ".to_owned());
        assert!(s.validate().is_err());
    }

    #[test]
    fn serde_round_trip() {
        let s = series(&[(0.5, false), (1.3, true)]);
        let json = serde_json::to_string(&s).expect("serialises");
        assert!(json.contains(r#""preceded_by_gap":true"#));
        let back: HeartbeatSeries = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, s);
    }
}
