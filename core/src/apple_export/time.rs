//! The export's two time formats: full dates (`yyyy-MM-dd HH:mm:ss +hhmm`) and the localised times
//! of day of HRV beats (`6:14:48.94 PM`, `08:34:05,10`), resolved into a
//! [`HeartbeatSeries`](crate::health::HeartbeatSeries).
//!
//! What is exact and what is approximated in a beat series built from the export:
//! - Exact: the number and order of the beats, and each beat's `bpm` as written.
//! - Beat instants: the export prints each beat's time of day to the hundredth of a second (Apple
//!   rounds HealthKit's ~1/1024 s timestamps for display), without a date or offset. The parser
//!   dates each beat by the record's start (the nearest instant to the previous beat, so a list
//!   crossing midnight moves to the next day) and applies the record's start offset to all beats.
//!   Intervals between beats are therefore exact to about ±10 ms; a summer-time change inside the
//!   minute of a reading would shift the beats after it by an hour (the series then fails
//!   validation and is skipped, never imported wrong).
//! - The series start is the record's `startDate`, which has whole-second precision; when the first
//!   beat lies before it, the series starts at the first beat instead.
//! - `bpm` is Apple's instantaneous heart rate rounded to a whole beat per minute, so
//!   `60000 / bpm` is an RR interval only to within about ±0.5 bpm (±8 ms at 60 bpm). It is kept
//!   alongside the series ([`super::parse::HrvBeats::rr_from_bpm_ms`]) and used to detect gaps: a
//!   beat whose time since the previous one exceeds 1.5 times the longest RR the two neighbouring
//!   `bpm` values allow is marked `preceded_by_gap` (a missed beat doubles the interval).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Timelike};

use crate::health::heartbeat::Beat;
use crate::health::time::Timestamp;

const DAY_S: f64 = 86_400.0;

/// How much longer than the neighbouring beats' RR an interval must be to count as a gap.
const GAP_FACTOR: f64 = 1.5;

/// Parses `yyyy-MM-dd HH:mm:ss +hhmm` into a local date-time with its offset.
pub fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let b = text.trim().as_bytes();
    // The fixed layout of every export date; anything else goes through chrono's general parser.
    if b.len() == 25
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b' '
        && matches!(b[20], b'+' | b'-')
    {
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            b.get(range)?.iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let date = NaiveDate::from_ymd_opt(i32::try_from(number(0..4)?).ok()?, number(5..7)?, {
            number(8..10)?
        })?;
        let local = date.and_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?;
        let minutes = i32::try_from(number(21..23)? * 60 + number(23..25)?).ok()?;
        let sign = if b[20] == b'-' { -1 } else { 1 };
        let offset = FixedOffset::east_opt(sign * minutes * 60)?;
        return local.and_local_timezone(offset).single();
    }
    DateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S %z").ok()
}

/// Parses a localised time of day into seconds since local midnight: `H:MM:SS` with an optional
/// fraction after `.` or `,` and an optional AM/PM marker (`AM`, `pm`, `a.m.`), separated by any
/// space (iOS 17 writes a narrow no-break space before the marker).
pub fn parse_time_of_day(text: &str) -> Option<f64> {
    let text = text.trim();
    let (clock, half) = split_half(text);
    let mut parts = clock.splitn(3, ':');
    let hours: u32 = digits(parts.next()?, 1, 2)?;
    let minutes: u32 = digits(parts.next()?, 2, 2)?;
    let rest = parts.next()?;
    let (seconds, fraction) = match rest.find(['.', ',']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let seconds: u32 = digits(seconds, 2, 2)?;
    let fraction = if fraction.is_empty() {
        0.0
    } else {
        let n: u32 = digits(fraction, 1, 6)?;
        f64::from(n) / 10f64.powi(i32::try_from(fraction.len()).ok()?)
    };
    let hours = match half {
        None if hours < 24 => hours,
        Some(pm) if (1..=12).contains(&hours) => hours % 12 + if pm { 12 } else { 0 },
        _ => return None,
    };
    if minutes > 59 || seconds > 60 {
        return None;
    }
    Some(f64::from(hours * 3600 + minutes * 60 + seconds) + fraction)
}

/// Splits off an AM/PM marker: the clock part and `Some(true)` for PM.
fn split_half(text: &str) -> (&str, Option<bool>) {
    let marker_start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '.')
        .last()
        .map(|(i, _)| i);
    let Some(i) = marker_start else {
        return (text, None);
    };
    let marker: String = text[i..]
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let half = match marker.as_str() {
        "am" => Some(false),
        "pm" => Some(true),
        // Not a marker (the fraction's dot was taken with it, or another language): the time does
        // not parse rather than parse wrong.
        _ => return ("", None),
    };
    (text[..i].trim_end_matches(char::is_whitespace), half)
}

/// A decimal number of `min..=max` ASCII digits.
fn digits(text: &str, min: usize, max: usize) -> Option<u32> {
    if !(min..=max).contains(&text.len()) || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Resolves beats given as (seconds since local midnight, bpm) against the record's start: the
/// series start and the beats. `None` when a bpm is not a positive number or an instant is out of
/// range. See the module documentation for what is exact.
pub fn resolve_beats(start: &Timestamp, beats: &[(f64, f64)]) -> Option<(Timestamp, Vec<Beat>)> {
    let local = start.local();
    let start_of_day =
        f64::from(local.num_seconds_from_midnight()) + f64::from(local.nanosecond()) / 1e9;
    let mut previous = start_of_day;
    let mut offsets = Vec::with_capacity(beats.len());
    for &(of_day, bpm) in beats {
        if !(bpm.is_finite() && bpm > 0.0) {
            return None;
        }
        // The instant with this time of day nearest to the previous beat: beats are about a second
        // apart, so the nearest is the right day, also across midnight.
        let days = ((previous - of_day) / DAY_S).round();
        let at = of_day + days * DAY_S;
        offsets.push(at - start_of_day);
        previous = at;
    }
    let base = offsets.first().copied().unwrap_or(0.0).min(0.0);
    let series_start = if base < 0.0 {
        start.plus(TimeDelta::microseconds((base * 1e6).round() as i64))?
    } else {
        start.clone()
    };
    let mut out = Vec::with_capacity(beats.len());
    for (i, &offset) in offsets.iter().enumerate() {
        let preceded_by_gap = i > 0 && {
            let longest_rr = 60.0 / beats[i].1.min(beats[i - 1].1);
            offset - offsets[i - 1] > GAP_FACTOR * longest_rr
        };
        out.push(Beat {
            // Rounded to the microsecond: the subtraction leaves binary noise below the
            // hundredth of a second the export writes.
            offset_s: ((offset - base) * 1e6).round() / 1e6,
            preceded_by_gap,
        });
    }
    Some((series_start, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::time::seconds_between;

    fn at(text: &str) -> Timestamp {
        Timestamp::from_local(parse_date(text).unwrap(), None).unwrap()
    }

    #[test]
    fn export_dates_parse_with_their_offset() {
        let d = parse_date("2022-10-30 02:59:59 +0200").unwrap();
        assert_eq!(d.to_rfc3339(), "2022-10-30T02:59:59+02:00");
        let d = parse_date("2022-01-05 23:00:00 -0530").unwrap();
        assert_eq!(d.offset().local_minus_utc(), -(5 * 3600 + 1800));
        for bad in [
            "",
            "2022-02-30 10:00:00 +0100",
            "2022-01-05 24:00:00 +0100",
            "2022-01-05T10:00:00 +0100",
            "2022-01-05 10:00:00",
            "2022-01-05 1a:00:00 +0100",
            "yesterday",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn localised_times_of_day() {
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
        assert!(close(
            parse_time_of_day("6:14:48.94 PM"),
            18.0 * 3600.0 + 14.0 * 60.0 + 48.94
        ));
        assert!(close(
            parse_time_of_day("08:34:05,10"),
            8.0 * 3600.0 + 34.0 * 60.0 + 5.1
        ));
        assert!(close(parse_time_of_day("12:05:01.02 AM"), 301.02));
        assert!(close(parse_time_of_day("12:00:00 pm"), 12.0 * 3600.0));
        assert!(close(
            parse_time_of_day("9:00:00.5\u{202f}a.m."),
            9.0 * 3600.0 + 0.5
        ));
        assert!(close(parse_time_of_day("23:59:59,99"), 86_399.99));
        for bad in [
            "",
            "13:00:00 PM",
            "0:00:00 AM",
            "24:00:00",
            "12:60:00",
            "6:14",
            "6:14:48.94 Uhr",
            "x:14:48",
        ] {
            assert!(parse_time_of_day(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn beats_wrap_past_midnight() {
        let start = at("2022-10-02 23:59:58 +0200");
        let beats = [
            (parse_time_of_day("11:59:58.50 PM").unwrap(), 60.0),
            (parse_time_of_day("11:59:59.50 PM").unwrap(), 60.0),
            (parse_time_of_day("12:00:00.50 AM").unwrap(), 60.0),
            (parse_time_of_day("12:00:01.50 AM").unwrap(), 60.0),
        ];
        let (series_start, resolved) = resolve_beats(&start, &beats).unwrap();
        assert_eq!(series_start, start);
        let offsets: Vec<f64> = resolved.iter().map(|b| b.offset_s).collect();
        assert_eq!(offsets, vec![0.5, 1.5, 2.5, 3.5]);
        assert!(resolved.iter().all(|b| !b.preceded_by_gap));
        // The same in the 24-hour format.
        let beats = [
            (parse_time_of_day("23:59:59,00").unwrap(), 60.0),
            (parse_time_of_day("00:00:00,00").unwrap(), 60.0),
        ];
        let (_, resolved) = resolve_beats(&start, &beats).unwrap();
        assert_eq!(resolved[1].offset_s, 2.0);
    }

    #[test]
    fn a_first_beat_before_the_start_moves_the_start() {
        let start = at("2022-10-03 00:00:00 +0200");
        let beats = [
            (parse_time_of_day("23:59:59,60").unwrap(), 60.0),
            (parse_time_of_day("00:00:00,60").unwrap(), 60.0),
        ];
        let (series_start, resolved) = resolve_beats(&start, &beats).unwrap();
        assert!((seconds_between(&start, &series_start) + 0.4).abs() < 1e-6);
        assert_eq!(resolved[0].offset_s, 0.0);
        assert_eq!(resolved[1].offset_s, 1.0);
    }

    #[test]
    fn a_long_interval_is_a_gap() {
        let start = at("2022-10-03 08:00:00 +0200");
        let beats = [
            (8.0 * 3600.0 + 1.0, 60.0),
            (8.0 * 3600.0 + 2.0, 60.0),
            (8.0 * 3600.0 + 4.0, 60.0),
            (8.0 * 3600.0 + 5.0, 60.0),
        ];
        let (_, resolved) = resolve_beats(&start, &beats).unwrap();
        let gaps: Vec<bool> = resolved.iter().map(|b| b.preceded_by_gap).collect();
        assert_eq!(gaps, vec![false, false, true, false]);
        assert!(resolve_beats(&start, &[(8.0 * 3600.0, 0.0)]).is_none());
    }
}
