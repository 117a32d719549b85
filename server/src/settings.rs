//! The server's product thresholds, each with its documented default: token lifetimes, the grace
//! for a retried refresh, the enrolment code's expiry, the auth rate limit, the Argon2id cost and
//! input limits. The binary maps every field to a flag (and an environment variable); tests build
//! them directly.

use std::time::Duration;

/// Everything a running server may be tuned with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long an access token is accepted. Default 15 minutes: short enough that a leaked access
    /// token is of little use, long enough that a phone refreshes a few times an hour at most.
    pub access_token_ttl: Duration,
    /// How long an unused refresh token stays valid. Default 30 days: a phone that has not opened
    /// the app for a month enrols again with a new code from its clinic.
    pub refresh_token_ttl: Duration,
    /// How long after a refresh its token may be presented again and get a new pair, provided the
    /// answer it got was never used (the phone never received it: the connection dropped after
    /// the server committed). The lost answer's tokens are retired, and presenting one of them
    /// later revokes the login, so a thief's replay is still caught, at the latest when the
    /// member's phone next refreshes. Past the window, or once the answer was used, a second use
    /// is a replay and revokes the login (RFC 9700, 4.14.2). Default 2 hours: a phone's own
    /// retries of one sync (about 7 minutes at most with the client's defaults) and its next
    /// background sync, which both apps ask for hourly (WorkManager's period, BGAppRefreshTask's
    /// earliest start) and the platforms may run late, so a member on a flaky network is not
    /// signed out and sent to the clinic for a new code. A longer window costs little: a replay
    /// within it still ends the login at the phone's next refresh. Zero turns it off.
    pub refresh_retry_grace: Duration,
    /// The rate limit on the unauthenticated auth endpoints (enrol, refresh, staff login).
    pub auth_rate_limit: RateLimitSettings,
    /// The Argon2id cost for staff passwords hashed from now on (stored hashes keep their own).
    pub argon2: Argon2Settings,
    /// How many staff-login password checks may run at once; further logins wait their turn.
    /// Default 4: each Argon2id check holds `argon2.memory_kib` (19 MiB by default) and a core for
    /// a few tens of ms, so a burst of logins from many addresses cannot exhaust memory or starve
    /// the rest of the server.
    pub concurrent_password_checks: usize,
    /// The longest device name accepted at enrolment, in characters. Default 100.
    pub max_device_name_chars: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 60 * 60),
            refresh_retry_grace: Duration::from_secs(2 * 60 * 60),
            auth_rate_limit: RateLimitSettings::default(),
            argon2: Argon2Settings::default(),
            concurrent_password_checks: 4,
            max_device_name_chars: 100,
        }
    }
}

/// A token bucket per client address: `burst` requests at once, then one more every
/// `60 / refill_per_minute` seconds.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitSettings {
    /// Requests a client may make at once. Default 10: a person mistyping a password a few times,
    /// or a phone retrying a refresh, never meets it.
    pub burst: u32,
    /// Requests regained per minute. Default 10, so guessing an enrolment code or a password runs
    /// at a few hundred tries an hour per address at most.
    pub refill_per_minute: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            burst: 10,
            refill_per_minute: 10,
        }
    }
}

/// Argon2id parameters. The default is OWASP's minimum for Argon2id (Password Storage Cheat Sheet):
/// m = 19 MiB, t = 2, p = 1. Tests use `Argon2Settings::cheapest()` so a suite stays fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    /// Memory in KiB. Default 19 456 (19 MiB).
    pub memory_kib: u32,
    /// Passes over memory. Default 2.
    pub iterations: u32,
    /// Lanes. Default 1.
    pub parallelism: u32,
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl Argon2Settings {
    /// The smallest parameters Argon2 accepts (8 KiB, one pass): for tests only, never for a
    /// deployment; the binary's flags can set it for the same reason.
    pub fn cheapest() -> Self {
        Self {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }
}

/// The most connections one server holds to PostgreSQL (`--database-pool-size`). Sixteen: the
/// PostgreSQL wiki's rule of thumb for a database server ("Number Of Database Connections":
/// about twice its cores plus its disks) for a machine of up to eight cores, and a few servers
/// of 16 each stay under PostgreSQL's default `max_connections` of 100. Requests beyond it wait
/// for a free connection (5 s at most) rather than overloading the database.
pub const DEFAULT_DATABASE_POOL_SIZE: u64 = 16;

/// How long a new enrolment code stays valid unless `create-code` is told otherwise. Seven days:
/// time for a member to install the app after their visit, short for a code written on paper.
pub const DEFAULT_ENROLMENT_CODE_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The shortest staff password `create-staff` accepts, in characters. Twelve: above NIST SP 800-63B's
/// floor of 8 for a service that holds health data.
pub const MIN_STAFF_PASSWORD_CHARS: usize = 12;

/// The longest clinic or member name accepted, in characters. 200: any real name fits, a pasted
/// document does not.
pub const MAX_NAME_CHARS: usize = 200;

/// How long a tombstone (a deleted record) is kept before `purge-tombstones` removes it. 90 days
/// (`docs/sync.md`): a phone offline for longer resyncs from the start, since it may have missed
/// a deletion; shorter would make a holiday without the app cost a full download.
pub const DEFAULT_TOMBSTONE_RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// How often the serving server purges tombstones past the retention (`--purge-interval-secs`;
/// 0 leaves it to `purge-tombstones`). Daily: the retention is counted in days, and a purge reads
/// every member's tombstones, which is not worth doing more often.
pub const DEFAULT_PURGE_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
