//! The sync client's settings, each a product choice with its default and why.

/// How the client pages, retries and waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    /// Ops per push. Default 500, the server's limit ([`super::wire::MAX_PUSH_OPS`]): a year of
    /// heart rate is ~340 pushes, each well under the 4 MiB request limit.
    pub batch_ops: usize,
    /// Changes per pulled page. Default 500: a page applied and its cursor saved every few
    /// hundred changes, so a crash repeats little.
    pub pull_limit: u32,
    /// Tries of one request before the sync gives up for now (the queue stays for next time).
    /// Default 6: with the backoff below, about half a minute of a flaky network.
    pub max_attempts: u32,
    /// First retry wait, ms, doubled each retry up to `backoff_max_ms`, with full jitter (AWS
    /// Architecture Blog, "Exponential Backoff And Jitter", 2015) so phones that lost the server
    /// together do not come back together. Default 500.
    pub backoff_base_ms: u64,
    /// Longest retry wait, ms. Default 8000.
    pub backoff_max_ms: u64,
    /// Connection timeout, ms. Default 10 000.
    pub connect_timeout_ms: u64,
    /// Whole-request timeout, ms. Default 60 000: a 4 MiB push on a slow mobile link.
    pub request_timeout_ms: u64,
    /// Refresh the access token when it expires within this many ms. Default 60 000: clock skew
    /// and a request in flight.
    pub refresh_margin_ms: i64,
    /// Days up to today whose summary and readiness a run sends when they changed. Default 14:
    /// late data (a watch synced days later) still reaches the clinic, for a member who syncs at
    /// least every two weeks, at the cost of assessing 14 days per run (a few ms).
    pub derived_days: u32,
    /// How long a sign-out waits for the server to end the device's login, ms. Default 5 000: the
    /// member is leaving and should not wait on a dead network; unreached, the login ends by
    /// itself once its refresh token expires unused (the server's refresh-token lifetime).
    pub sign_out_wait_ms: u64,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            batch_ops: 500,
            pull_limit: 500,
            max_attempts: 6,
            backoff_base_ms: 500,
            backoff_max_ms: 8000,
            connect_timeout_ms: 10_000,
            request_timeout_ms: 60_000,
            refresh_margin_ms: 60_000,
            derived_days: 14,
            sign_out_wait_ms: 5_000,
        }
    }
}
