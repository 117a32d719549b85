//! When a PostgreSQL transaction is worth running again, and after how long. Under SERIALIZABLE
//! isolation (what every write here uses, and what CockroachDB and YugabyteDB run by default) the
//! database may abort a transaction that raced another with a serialization failure (SQLSTATE
//! 40001), or break a deadlock by aborting one side (40P01). Neither means the request was wrong:
//! the same transaction, started again, usually succeeds. Anything else is returned at once.
//!
//! The retries are bounded (a hot row must not turn a request into an endless loop) and spaced by
//! a short exponential backoff with jitter, so that two transactions that collided do not collide
//! again in lockstep ("equal jitter": half the step fixed, half random; Brooker, "Exponential
//! Backoff And Jitter", AWS Architecture Blog, 2015).

use std::time::Duration;

use tokio_postgres::error::SqlState;

/// How many times one unit of work is attempted in all, the first included. Five attempts ride
/// out the short bursts of contention a clinic's traffic makes; a transaction still losing after
/// that meets a hot spot that waiting will not fix, and the caller gets an error.
pub const MAX_ATTEMPTS: u32 = 5;

/// The backoff before the second attempt; it doubles for each one after.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(5);

/// The longest backoff between two attempts, so the worst case of one request stays well under a
/// client's timeout: 5 + 10 + 20 + 40 ms at most across the four retries.
pub const MAX_BACKOFF: Duration = Duration::from_millis(100);

/// Whether an error with this SQLSTATE is worth a new attempt of the whole transaction.
pub fn is_retryable(code: Option<&SqlState>) -> bool {
    matches!(
        code,
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// After attempt number `attempt` (1 for the first) failed with `code`: how long to wait before
/// the next attempt, or `None` to give up and return the error. `jitter` is a random value; its
/// fraction `jitter / u16::MAX` picks the delay within the upper half of the step.
pub fn delay_after(attempt: u32, code: Option<&SqlState>, jitter: u16) -> Option<Duration> {
    if !is_retryable(code) || attempt >= MAX_ATTEMPTS {
        return None;
    }
    Some(backoff(attempt, jitter))
}

/// The wait after attempt `attempt`: a step of `FIRST_BACKOFF` doubled per earlier attempt,
/// capped at `MAX_BACKOFF`, of which the upper half is chosen by `jitter`.
fn backoff(attempt: u32, jitter: u16) -> Duration {
    let step = FIRST_BACKOFF
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let half = step / 2;
    half + half.mul_f64(f64::from(jitter) / f64::from(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_serialization_failures_and_deadlocks_are_retried() {
        assert!(is_retryable(Some(&SqlState::T_R_SERIALIZATION_FAILURE)));
        assert!(is_retryable(Some(&SqlState::T_R_DEADLOCK_DETECTED)));
        for code in [
            SqlState::UNIQUE_VIOLATION,
            SqlState::FOREIGN_KEY_VIOLATION,
            SqlState::RAISE_EXCEPTION,
            SqlState::QUERY_CANCELED,
            SqlState::ADMIN_SHUTDOWN,
        ] {
            assert!(!is_retryable(Some(&code)), "{code:?}");
            assert_eq!(delay_after(1, Some(&code), 0), None);
        }
        // No SQLSTATE: the connection failed, and whether the commit happened is unknown.
        assert!(!is_retryable(None));
        assert_eq!(delay_after(1, None, 0), None);
    }

    #[test]
    fn attempts_are_bounded() {
        let code = Some(&SqlState::T_R_SERIALIZATION_FAILURE);
        for attempt in 1..MAX_ATTEMPTS {
            assert!(delay_after(attempt, code, 0).is_some(), "attempt {attempt}");
        }
        assert_eq!(delay_after(MAX_ATTEMPTS, code, 0), None);
        assert_eq!(delay_after(MAX_ATTEMPTS + 7, code, u16::MAX), None);
    }

    #[test]
    fn the_backoff_doubles_with_jitter_in_the_upper_half_and_is_capped() {
        let code = Some(&SqlState::T_R_DEADLOCK_DETECTED);
        for attempt in 1..MAX_ATTEMPTS {
            let step = FIRST_BACKOFF * (1 << (attempt - 1));
            let step = step.min(MAX_BACKOFF);
            assert_eq!(delay_after(attempt, code, 0), Some(step / 2));
            assert_eq!(delay_after(attempt, code, u16::MAX), Some(step));
            let mid = delay_after(attempt, code, u16::MAX / 2).unwrap();
            assert!(
                mid > step / 2 && mid < step,
                "{mid:?} for attempt {attempt}"
            );
        }
        // Should the bound on attempts grow, the cap holds (and nothing overflows).
        assert_eq!(backoff(12, u16::MAX), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX, u16::MAX), MAX_BACKOFF);
    }
}
