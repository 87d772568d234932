//! Rate limits per client address for the HTTP API (GCRA, from `governor`): a steady rate with
//! a burst for every request, where rendering, importing and copying a board cost more than
//! reading; and a stricter limit on join attempts, so join codes cannot be guessed.
//!
//! The limits are per address, and a whole class may share one address behind a school NAT:
//! the defaults leave room for 45 people polling the overview at once.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::http::ApiError;
use crate::AppState;

/// What a request that renders, imports or copies a whole board counts as.
pub const EXPENSIVE_REQUEST_COST: u32 = 20;
/// Join attempts one address may make per minute (a class joining at once stays below it).
pub const JOIN_ATTEMPTS_PER_MINUTE: u32 = 120;

pub struct ApiLimits {
    requests: DefaultKeyedRateLimiter<IpAddr>,
    joins: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

fn at_least_one(value: u32) -> NonZeroU32 {
    NonZeroU32::new(value.max(1)).unwrap_or(NonZeroU32::MIN)
}

impl ApiLimits {
    pub fn new(requests_per_second: u32, burst: u32) -> ApiLimits {
        let requests = Quota::per_second(at_least_one(requests_per_second))
            .allow_burst(at_least_one(burst.max(EXPENSIVE_REQUEST_COST)));
        let joins = Quota::per_minute(at_least_one(JOIN_ATTEMPTS_PER_MINUTE));
        ApiLimits {
            requests: RateLimiter::keyed(requests),
            joins: RateLimiter::keyed(joins),
            clock: DefaultClock::default(),
        }
    }

    /// Counts a request of `cost` from `address`; `Err` says how long to wait.
    pub fn allow_request(&self, address: IpAddr, cost: u32) -> Result<(), Duration> {
        match self.requests.check_key_n(&address, at_least_one(cost)) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(self.clock.now())),
            // Costlier than the whole burst: can never pass (the burst is kept above the cost).
            Err(_) => Err(Duration::from_secs(60)),
        }
    }

    /// Counts a join attempt from `address`; `Err` says how long to wait.
    pub fn allow_join(&self, address: IpAddr) -> Result<(), Duration> {
        self.joins
            .check_key(&address)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Forgets addresses whose limits have fully recovered, so the tables do not grow forever.
    pub fn forget_idle(&self) {
        for limiter in [&self.requests, &self.joins] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// What one API request counts as: rendering images and archives, importing, restoring,
/// forking and snapshotting rewrite or read a whole board.
fn cost(method: &Method, path: &str) -> u32 {
    let expensive_read = [".png", ".svg", ".zip"]
        .iter()
        .any(|suffix| path.ends_with(suffix))
        && !path.ends_with("/thumbnail.svg");
    let expensive_write = *method == Method::POST
        && ["/import", "/restore", "/fork", "/snapshots"]
            .iter()
            .any(|suffix| path.ends_with(suffix));
    if expensive_read || expensive_write {
        EXPENSIVE_REQUEST_COST
    } else {
        1
    }
}

/// Middleware for `/api`: a 429 with `Retry-After` once an address is over its rate.
pub async fn limit_requests(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let cost = cost(request.method(), request.uri().path());
    match state.api_limits.allow_request(client.ip(), cost) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            state.metrics.rate_limited.inc();
            ApiError::RateLimited(wait).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_rewrites_cost_more_than_reads() {
        assert_eq!(cost(&Method::GET, "/api/workshops/w"), 1);
        assert_eq!(cost(&Method::GET, "/api/boards/b/thumbnail.svg"), 1);
        assert_eq!(cost(&Method::GET, "/api/boards/b/export.json"), 1);
        assert_eq!(cost(&Method::GET, "/api/boards/b/snapshots"), 1);
        for (method, path) in [
            (Method::GET, "/api/boards/b/export.png"),
            (Method::GET, "/api/snapshots/s/export.svg"),
            (Method::GET, "/api/workshops/w/export.zip"),
            (Method::POST, "/api/boards/b/import"),
            (Method::POST, "/api/boards/b/snapshots"),
            (Method::POST, "/api/snapshots/s/fork"),
        ] {
            assert_eq!(cost(&method, path), EXPENSIVE_REQUEST_COST, "{path}");
        }
    }

    #[test]
    fn an_address_over_its_rate_waits_and_others_do_not() {
        let limits = ApiLimits::new(1, 2 * EXPENSIVE_REQUEST_COST);
        let busy: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        assert!(limits.allow_request(busy, EXPENSIVE_REQUEST_COST).is_ok());
        assert!(limits.allow_request(busy, EXPENSIVE_REQUEST_COST).is_ok());
        let wait = limits
            .allow_request(busy, 1)
            .expect_err("the burst is used up");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(limits.allow_request(other, EXPENSIVE_REQUEST_COST).is_ok());
    }
}
