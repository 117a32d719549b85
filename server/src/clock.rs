//! Wall-clock time as the database stores it: milliseconds since the Unix epoch, UTC, in a 64-bit
//! integer (`INTEGER` in SQLite, `BIGINT` in PostgreSQL), so expiry comparisons are plain integer
//! comparisons on both backends.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now, in ms since the Unix epoch. A clock before 1970 reads as 0: every token then looks
/// expired, which fails closed.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `at` plus `ttl`, saturating instead of overflowing for absurd settings.
pub fn after(at: i64, ttl: Duration) -> i64 {
    at.saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

/// An instant in ms as RFC 3339 UTC text, for responses and command output.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_adds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(after(1_000, Duration::from_secs(2)), 3_000);
        assert_eq!(after(i64::MAX - 1, Duration::from_secs(2)), i64::MAX);
        assert!(now_ms() > 1_700_000_000_000);
    }
}
