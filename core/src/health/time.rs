//! Instants as the member lived them: a UTC instant plus the local offset and, when known, the zone.
//!
//! The instant alone orders and deduplicates rows; the offset says what the member's clock showed
//! (a night belongs to the local date it ended on, and a member who flies or crosses a DST change
//! mid-night must not get a 25-hour night or two "today"s); the IANA zone, when the platform names
//! it (Apple's `HKTimeZone` metadata on sleep and workouts; Health Connect gives only offsets), says
//! which rules produced the offset. `Timestamp` checks zone names for shape only; the Apple export
//! parser resolves them with the tz database (`chrono-tz`) and sets the offset from the zone, because
//! the export writes every date at the export-time offset (see [`crate::apple_export::parse`](mod@crate::apple_export::parse)).

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::HealthError;

/// Largest accepted UTC offset, s: ±18 h, the bound of `java.time.ZoneOffset` (what Health Connect
/// hands us) and of ISO 8601 practice. Real offsets lie between -12 h and +14 h.
pub const MAX_OFFSET_S: i32 = 18 * 3600;

/// Longest accepted zone name. The longest IANA name is about 32 characters
/// (`America/Argentina/ComodRivadavia`); 64 leaves room without accepting free text.
const MAX_ZONE_LEN: usize = 64;

/// A UTC instant with the member's local offset at that instant and the zone name when known.
///
/// Two timestamps are the same instant when their [`Timestamp::utc`] are equal, whatever their
/// offsets; compare instants with `utc()`, not `==` (which also compares offset and zone).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TimestampParts")]
pub struct Timestamp {
    utc: DateTime<Utc>,
    offset_s: i32,
    /// Shared: the instants of a record, and of a batch of samples, are in one zone, so its name
    /// is counted rather than copied for each.
    zone: Option<Arc<str>>,
}

/// The unchecked form of a [`Timestamp`] that serde reads before validation.
#[derive(Deserialize)]
struct TimestampParts {
    utc: DateTime<Utc>,
    offset_s: i32,
    zone: Option<String>,
}

impl TryFrom<TimestampParts> for Timestamp {
    type Error = HealthError;

    fn try_from(parts: TimestampParts) -> Result<Self, Self::Error> {
        Self::new(parts.utc, parts.offset_s, parts.zone)
    }
}

impl Timestamp {
    /// Validates the offset (within ±18 h) and the zone name's shape.
    pub fn new(
        utc: DateTime<Utc>,
        offset_s: i32,
        zone: Option<String>,
    ) -> Result<Self, HealthError> {
        Self::in_shared_zone(utc, offset_s, zone.map(Arc::from))
    }

    /// [`Timestamp::new`] with a zone name shared with other timestamps (those of a batch).
    pub fn in_shared_zone(
        utc: DateTime<Utc>,
        offset_s: i32,
        zone: Option<Arc<str>>,
    ) -> Result<Self, HealthError> {
        if !(-MAX_OFFSET_S..=MAX_OFFSET_S).contains(&offset_s) {
            return Err(HealthError::OutOfRange {
                field: "offset_s",
                min: f64::from(-MAX_OFFSET_S),
                max: f64::from(MAX_OFFSET_S),
            });
        }
        if let Some(name) = &zone
            && !is_zone_name(name)
        {
            return Err(HealthError::Malformed { field: "zone" });
        }
        Ok(Self {
            utc,
            offset_s,
            zone,
        })
    }

    /// An instant whose local offset is UTC itself and whose zone is unknown (server-side events,
    /// tests). Always valid.
    pub fn at_utc(utc: DateTime<Utc>) -> Self {
        Self {
            utc,
            offset_s: 0,
            zone: None,
        }
    }

    /// From a local date-time with its offset (the form of Apple's export dates,
    /// `yyyy-MM-dd HH:mm:ss +hhmm`, once parsed).
    pub fn from_local(
        local: DateTime<FixedOffset>,
        zone: Option<String>,
    ) -> Result<Self, HealthError> {
        Self::new(
            local.with_timezone(&Utc),
            local.offset().local_minus_utc(),
            zone,
        )
    }

    /// The instant.
    pub fn utc(&self) -> DateTime<Utc> {
        self.utc
    }

    /// Local time minus UTC at the instant, s (east positive).
    pub fn offset_s(&self) -> i32 {
        self.offset_s
    }

    /// The IANA zone name, when the platform gave it.
    pub fn zone(&self) -> Option<&str> {
        self.zone.as_deref()
    }

    /// The instant on the member's local clock.
    pub fn local(&self) -> DateTime<FixedOffset> {
        // The offset was checked to lie within ±18 h, which `FixedOffset` always accepts (< 24 h);
        // falling back to UTC keeps this total without a panic path.
        match FixedOffset::east_opt(self.offset_s) {
            Some(offset) => self.utc.with_timezone(&offset),
            None => self.utc.fixed_offset(),
        }
    }

    /// The same timestamp moved by `delta` (offset and zone kept: a beat or a segment inside a
    /// record shares the record's clock).
    pub fn plus(&self, delta: TimeDelta) -> Option<Self> {
        Some(Self {
            utc: self.utc.checked_add_signed(delta)?,
            offset_s: self.offset_s,
            zone: self.zone.clone(),
        })
    }
}

/// Seconds from `start` to `end` (negative when `end` is earlier).
pub fn seconds_between(start: &Timestamp, end: &Timestamp) -> f64 {
    (end.utc - start.utc).as_seconds_f64()
}

/// Checks that the interval `field` does not end before it starts.
pub(crate) fn check_interval(
    field: &'static str,
    start: &Timestamp,
    end: &Timestamp,
) -> Result<(), HealthError> {
    if end.utc < start.utc {
        return Err(HealthError::EndBeforeStart { field });
    }
    Ok(())
}

/// Whether `name` has the shape of an IANA time zone name: `/`-separated components of ASCII
/// letters, digits, `_`, `-`, `+` and `.`, none empty, `.` or `..`, none starting with `-` (the tz
/// database's naming rules in its `theory.html`; digits and `+` occur in legacy names such as
/// `Etc/GMT+5` and `EST5EDT`). Whether the zone exists is not checked.
fn is_zone_name(name: &str) -> bool {
    // On bytes: every allowed character is ASCII, so a byte of a multi-byte character fails.
    !name.is_empty()
        && name.len() <= MAX_ZONE_LEN
        && name.as_bytes().split(|&b| b == b'/').all(|part| {
            !part.is_empty()
                && part != b"."
                && part != b".."
                && !part.starts_with(b"-")
                && part
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'.'))
        })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `2026-11-28T00:00:00Z` plus `seconds`, offset +1 h, zone Europe/Berlin.
    pub(crate) fn ts(seconds: i64) -> Timestamp {
        let base = DateTime::from_timestamp(1_795_824_000, 0).expect("valid base instant");
        Timestamp::new(
            base + TimeDelta::seconds(seconds),
            3600,
            Some("Europe/Berlin".to_owned()),
        )
        .expect("valid timestamp")
    }

    #[test]
    fn offset_is_bounded_by_18_hours() {
        let utc = ts(0).utc();
        assert!(Timestamp::new(utc, MAX_OFFSET_S, None).is_ok());
        assert!(Timestamp::new(utc, -MAX_OFFSET_S, None).is_ok());
        assert!(matches!(
            Timestamp::new(utc, MAX_OFFSET_S + 1, None),
            Err(HealthError::OutOfRange {
                field: "offset_s",
                ..
            })
        ));
        assert!(Timestamp::new(utc, -MAX_OFFSET_S - 1, None).is_err());
    }

    #[test]
    fn zone_names_are_checked_for_shape() {
        for good in [
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "America/Port-au-Prince",
            "Etc/GMT+5",
            "Etc/GMT-14",
            "EST5EDT",
            "UTC",
        ] {
            assert!(is_zone_name(good), "{good}");
        }
        for bad in [
            "",
            "/Europe",
            "Europe/",
            "Europe//Berlin",
            "../etc/passwd",
            "Europe/Berlin Time",
            "-Europe",
            "Europe/Zürich",
            "UTC+01:00",
        ] {
            assert!(!is_zone_name(bad), "{bad}");
        }
        assert!(!is_zone_name(&"A".repeat(MAX_ZONE_LEN + 1)));
        assert_eq!(
            Timestamp::new(ts(0).utc(), 0, Some("Mars/Base One".to_owned())),
            Err(HealthError::Malformed { field: "zone" })
        );
    }

    #[test]
    fn local_time_applies_the_offset() {
        let local = DateTime::parse_from_str("2026-03-29 01:30:00 +0100", "%Y-%m-%d %H:%M:%S %z")
            .expect("parses");
        let t = Timestamp::from_local(local, Some("Europe/Berlin".to_owned())).expect("valid");
        assert_eq!(t.offset_s(), 3600);
        assert_eq!(t.zone(), Some("Europe/Berlin"));
        assert_eq!(t.utc().to_rfc3339(), "2026-03-29T00:30:00+00:00");
        assert_eq!(t.local(), local);
        let utc_only = Timestamp::at_utc(t.utc());
        assert_eq!(utc_only.offset_s(), 0);
        assert_eq!(utc_only.local().to_rfc3339(), "2026-03-29T00:30:00+00:00");
    }

    #[test]
    fn same_instant_in_two_offsets() {
        let a = ts(0);
        let b = Timestamp::new(a.utc(), -5 * 3600, None).expect("valid");
        assert_eq!(a.utc(), b.utc());
        assert_ne!(a, b);
        assert_eq!(seconds_between(&a, &b), 0.0);
        assert_eq!(seconds_between(&a, &ts(90)), 90.0);
        assert_eq!(seconds_between(&ts(90), &a), -90.0);
    }

    #[test]
    fn intervals_may_be_instants_but_not_reversed() {
        assert_eq!(check_interval("x", &ts(0), &ts(0)), Ok(()));
        assert_eq!(check_interval("x", &ts(0), &ts(1)), Ok(()));
        assert_eq!(
            check_interval("x", &ts(1), &ts(0)),
            Err(HealthError::EndBeforeStart { field: "x" })
        );
    }

    #[test]
    fn plus_keeps_the_clock() {
        let t = ts(0).plus(TimeDelta::milliseconds(1500)).expect("in range");
        assert_eq!(seconds_between(&ts(0), &t), 1.5);
        assert_eq!(t.offset_s(), 3600);
        assert_eq!(t.zone(), Some("Europe/Berlin"));
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let t = ts(0);
        let json = serde_json::to_string(&t).expect("serialises");
        assert_eq!(
            json,
            r#"{"utc":"2026-11-28T00:00:00Z","offset_s":3600,"zone":"Europe/Berlin"}"#
        );
        assert_eq!(serde_json::from_str::<Timestamp>(&json).expect("reads"), t);
        let bad = r#"{"utc":"2026-11-28T00:00:00Z","offset_s":90000,"zone":null}"#;
        assert!(serde_json::from_str::<Timestamp>(bad).is_err());
        let bad_zone = r#"{"utc":"2026-11-28T00:00:00Z","offset_s":0,"zone":"no zone"}"#;
        assert!(serde_json::from_str::<Timestamp>(bad_zone).is_err());
    }
}
