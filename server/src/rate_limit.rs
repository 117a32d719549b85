//! The rate limit on the auth endpoints: a token bucket per client address, in memory. The address
//! is the TCP peer's, never a header (`X-Forwarded-For` and friends are forgeable by any client).
//! Behind a reverse proxy every client therefore shares the proxy's bucket: raise the limits there,
//! or terminate TLS on the same host with a proxy that limits by itself. IPv6 clients are keyed by
//! their /64, since one host usually holds a whole /64 and could rotate through it.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::ApiError;
use crate::settings::RateLimitSettings;

/// Above this many tracked addresses, buckets that have refilled completely are dropped (they
/// hold no information a new bucket would not). Bounds memory under a spray of source addresses.
const PRUNE_ABOVE: usize = 10_000;

/// What the limiter says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Refused; a request will be allowed again after this long.
    Deny {
        /// Time until the bucket holds one whole token again.
        retry_after: Duration,
    },
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets keyed by client address.
#[derive(Debug)]
pub struct RateLimiter {
    settings: RateLimitSettings,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// An empty limiter.
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            settings,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn per_sec(&self) -> f64 {
        f64::from(self.settings.refill_per_minute) / 60.0
    }

    fn refilled(&self, b: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        (b.tokens + elapsed * self.per_sec()).min(f64::from(self.settings.burst))
    }

    /// Takes one token from `ip`'s bucket if it has one.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Decision {
        let key = bucket_key(ip);
        let burst = f64::from(self.settings.burst);
        // The map holds plain numbers: a panic elsewhere cannot leave it inconsistent.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| self.refilled(*b, now) < burst);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let tokens = self.refilled(*bucket, now);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                at: now,
            };
            return Decision::Allow;
        }
        *bucket = Bucket { tokens, at: now };
        let per_sec = self.per_sec();
        let retry_after = if per_sec > 0.0 {
            Duration::from_secs_f64((1.0 - tokens) / per_sec)
        } else {
            // No refill configured: the address stays blocked; tell it to come back in a minute.
            Duration::from_secs(60)
        };
        Decision::Deny { retry_after }
    }
}

/// The address a bucket is kept for: IPv4 as is (also when it arrives IPv4-mapped on an IPv6
/// socket), IPv6 cut to its /64.
fn bucket_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Middleware for the auth routes: 429 with `Retry-After` (whole seconds, rounded up) when the
/// peer's bucket is empty. Needs the router served with `ConnectInfo<SocketAddr>` (`app::serve`).
pub async fn limit_auth(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    match state.limiter().check(peer.ip(), Instant::now()) {
        Decision::Allow => next.run(request).await,
        Decision::Deny { retry_after } => {
            let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            ApiError::rate_limited(secs.max(1)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(burst: u32, refill_per_minute: u32) -> RateLimiter {
        RateLimiter::new(RateLimitSettings {
            burst,
            refill_per_minute,
        })
    }

    #[test]
    fn burst_then_refill() {
        let l = limiter(3, 60);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check(ip, t0), Decision::Allow);
        }
        let Decision::Deny { retry_after } = l.check(ip, t0) else {
            panic!("fourth request allowed");
        };
        assert!(retry_after <= Duration::from_secs(1) && retry_after > Duration::ZERO);
        // One token a second: allowed again after a second, and only once.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(l.check(ip, t1), Decision::Allow);
        assert!(matches!(l.check(ip, t1), Decision::Deny { .. }));
        // Another address has its own bucket.
        assert_eq!(l.check("192.0.2.2".parse().unwrap(), t1), Decision::Allow);
    }

    #[test]
    fn ipv6_is_limited_per_64_and_mapped_ipv4_as_ipv4() {
        let l = limiter(1, 1);
        let t = Instant::now();
        assert_eq!(l.check("2001:db8::1".parse().unwrap(), t), Decision::Allow);
        assert!(matches!(
            l.check("2001:db8::2".parse().unwrap(), t),
            Decision::Deny { .. }
        ));
        assert_eq!(
            l.check("2001:db8:0:1::1".parse().unwrap(), t),
            Decision::Allow
        );
        assert_eq!(l.check("192.0.2.9".parse().unwrap(), t), Decision::Allow);
        assert!(matches!(
            l.check("::ffff:192.0.2.9".parse().unwrap(), t),
            Decision::Deny { .. }
        ));
    }

    #[test]
    fn no_refill_blocks_for_a_minute_at_a_time() {
        let l = limiter(1, 0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t = Instant::now();
        assert_eq!(l.check(ip, t), Decision::Allow);
        assert_eq!(
            l.check(ip, t + Duration::from_secs(3600)),
            Decision::Deny {
                retry_after: Duration::from_secs(60)
            }
        );
    }

    #[test]
    fn full_buckets_are_pruned_when_many_addresses_are_tracked() {
        let l = limiter(2, 60);
        let t = Instant::now();
        for i in 0..=PRUNE_ABOVE as u32 {
            l.check(IpAddr::V4(i.into()), t);
        }
        let later = t + Duration::from_secs(10);
        l.check("192.0.2.1".parse().unwrap(), later);
        assert_eq!(l.buckets.lock().unwrap().len(), 1);
    }
}
