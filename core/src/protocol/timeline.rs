//! The planner's time arithmetic: half-open spans of UTC instants, sets of them, and the local
//! times of the member's zone turned into instants.
//!
//! Everything is planned on UTC instants so that a DST change cannot make an hour vanish or count
//! twice; local times (day boundaries, availability, quiet hours) are converted once, with the tz
//! database. A local time that does not exist (skipped by a spring-forward change) maps to the
//! instant the clock jumps over it; one that occurs twice (a fall-back change) maps to its first
//! or last occurrence, whichever keeps the rule on the safe side ([`Side`]).

use chrono::{DateTime, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use super::prescription::LocalWindow;

/// Longest run of local times that may not exist, min: Samoa skipped a whole day in 2011;
/// searching a day and a bit past a missing local time always finds the next one that exists.
const MAX_GAP_MIN: i64 = 26 * 60;

/// A half-open span `[start, end)` of instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Sorted, disjoint, non-empty spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Spans(Vec<Span>);

impl Spans {
    /// The union of `spans` (empty ones dropped, overlapping or touching ones merged).
    pub fn union(spans: impl IntoIterator<Item = Span>) -> Self {
        let mut all: Vec<Span> = spans.into_iter().filter(|s| !s.is_empty()).collect();
        all.sort_by_key(|s| (s.start, s.end));
        let mut merged: Vec<Span> = Vec::with_capacity(all.len());
        for span in all {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        Self(merged)
    }

    pub fn into_spans(self) -> Vec<Span> {
        self.0
    }

    pub fn one(span: Span) -> Self {
        Self::union([span])
    }

    /// The instants in `self` and in `other`.
    pub fn intersect(&self, other: &Spans) -> Self {
        Self::union(self.0.iter().flat_map(|a| {
            other
                .0
                .iter()
                .map(move |b| Span::new(a.start.max(b.start), a.end.min(b.end)))
        }))
    }

    /// The instants in `self` and not in `other`.
    pub fn subtract(&self, other: &Spans) -> Self {
        let mut out = Vec::new();
        for a in &self.0 {
            let mut start = a.start;
            for b in other.0.iter().filter(|b| b.overlaps(a)) {
                if b.start > start {
                    out.push(Span::new(start, b.start));
                }
                start = start.max(b.end);
            }
            out.push(Span::new(start, a.end));
        }
        Self::union(out)
    }

    /// The earliest span of length `len` that lies wholly inside one of the spans.
    pub fn earliest_fit(&self, len: TimeDelta) -> Option<Span> {
        self.0
            .iter()
            .find(|s| s.end - s.start >= len)
            .map(|s| Span::new(s.start, s.start + len))
    }

    pub fn overlaps(&self, span: &Span) -> bool {
        self.0.iter().any(|s| s.overlaps(span))
    }
}

/// Which occurrence of a local time that occurs twice, and so which way a window is trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// A window the plan must stay out of (quiet hours): as wide as the local times allow.
    Blocking,
    /// A window the plan must stay in (availability): as narrow, so that every instant in it
    /// shows a local time inside the window.
    Permissive,
}

/// The first (`first`) or last occurrence of the local `date` `time` in `tz`; a local time inside
/// a spring-forward gap maps to the instant the clock jumps.
fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime, first: bool) -> Option<DateTime<Utc>> {
    let mut naive = date.and_time(time);
    for _ in 0..=MAX_GAP_MIN {
        let found = tz.from_local_datetime(&naive);
        let pick = if first {
            found.earliest()
        } else {
            found.latest()
        };
        if let Some(local) = pick {
            return Some(local.with_timezone(&Utc));
        }
        // Inside a gap: the first local minute after it is the instant of the jump (tz changes
        // fall on whole minutes).
        naive = naive.checked_add_signed(TimeDelta::minutes(1))?;
    }
    None
}

/// The local day `date` in `tz`: from its first local midnight to the next day's.
pub(super) fn local_day(tz: Tz, date: NaiveDate) -> Option<Span> {
    let next = date.succ_opt()?;
    Some(Span::new(
        local_instant(tz, date, NaiveTime::MIN, true)?,
        local_instant(tz, next, NaiveTime::MIN, true)?,
    ))
}

/// The instants of `window` that may touch the local day `date`: the window as it starts on the
/// day before, the day and the day after (a window crossing midnight reaches into the next day).
pub(super) fn window_spans(tz: Tz, date: NaiveDate, window: &LocalWindow, side: Side) -> Spans {
    let wide = side == Side::Blocking;
    let anchors = [date.pred_opt(), Some(date), date.succ_opt()];
    Spans::union(anchors.into_iter().flatten().filter_map(|anchor| {
        let end_date = if window.crosses_midnight() {
            anchor.succ_opt()?
        } else {
            anchor
        };
        Some(Span::new(
            local_instant(tz, anchor, window.start, wide)?,
            local_instant(tz, end_date, window.end, !wide)?,
        ))
    }))
}

/// Local time minus UTC in `tz` at `instant`, s.
pub(super) fn offset_s(tz: Tz, instant: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&instant.naive_utc())
        .fix()
        .local_minus_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + TimeDelta::hours(h)
    }

    fn span(a: i64, b: i64) -> Span {
        Span::new(at(a), at(b))
    }

    #[test]
    fn union_merges_and_subtract_cuts() {
        let s = Spans::union([span(5, 8), span(0, 2), span(1, 3), span(4, 4)]);
        assert_eq!(s, Spans(vec![span(0, 3), span(5, 8)]));
        let cut = s.subtract(&Spans::union([span(1, 2), span(6, 10)]));
        assert_eq!(cut, Spans(vec![span(0, 1), span(2, 3), span(5, 6)]));
        let both = s.intersect(&Spans::one(span(2, 6)));
        assert_eq!(both, Spans(vec![span(2, 3), span(5, 6)]));
        assert_eq!(s.earliest_fit(TimeDelta::hours(3)), Some(span(0, 3)));
        assert_eq!(s.earliest_fit(TimeDelta::hours(4)), None);
    }

    #[test]
    fn berlin_days_around_dst_last_23_and_25_hours() {
        let tz = chrono_tz::Europe::Berlin;
        let len = |d| {
            let day = local_day(tz, d).expect("day");
            (day.end - day.start).num_hours()
        };
        assert_eq!(len(NaiveDate::from_ymd_opt(2026, 3, 29).expect("date")), 23);
        assert_eq!(
            len(NaiveDate::from_ymd_opt(2026, 10, 25).expect("date")),
            25
        );
        assert_eq!(len(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")), 24);
    }

    #[test]
    fn a_skipped_local_time_maps_to_the_jump_and_a_repeated_one_widens_quiet_hours() {
        let tz = chrono_tz::Europe::Berlin;
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("time");
        // 2026-03-29 02:30 does not exist in Berlin: the clock jumps at 01:00 UTC.
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).expect("date");
        assert_eq!(
            local_instant(tz, spring, t(2, 30), true),
            Some(Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap())
        );
        // 2026-10-25 02:00-02:30 happens twice; quiet hours block both, availability neither.
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).expect("date");
        let w = LocalWindow::new(t(2, 0), t(2, 30));
        let day = Spans::one(local_day(tz, autumn).expect("day"));
        let quiet = window_spans(tz, autumn, &w, Side::Blocking).intersect(&day);
        assert_eq!(
            quiet,
            Spans(vec![Span::new(
                Utc.with_ymd_and_hms(2026, 10, 25, 0, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap()
            )])
        );
        assert_eq!(
            window_spans(tz, autumn, &w, Side::Permissive).intersect(&day),
            Spans::default()
        );
    }
}
