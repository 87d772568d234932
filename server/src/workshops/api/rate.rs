//! Limits per client address: for the HTTP API a rate (GCRA, from `governor`) with a burst for
//! every request, where rendering, importing and copying a board cost more than reading, and a
//! stricter limit on join attempts, so join codes cannot be guessed; for websockets a cap on
//! how many one address holds open.
//!
//! The limits are per address (see [`crate::client_address`] for proxies), and a whole class
//! may share one address behind a school NAT: the defaults leave room for 45 people polling
//! the overview at once.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dashmap::DashMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::client_address::ClientAddress;
use crate::config::Limits;
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
    /// Open websockets per address; an address leaves the map when its last one closes.
    websockets: Arc<DashMap<IpAddr, usize>>,
    /// 0: no cap.
    max_websockets_per_address: usize,
}

/// One open websocket of an address, counted until it is dropped.
pub struct WebsocketSlot {
    websockets: Arc<DashMap<IpAddr, usize>>,
    address: IpAddr,
}

impl Drop for WebsocketSlot {
    fn drop(&mut self) {
        if let Some(mut count) = self.websockets.get_mut(&self.address) {
            *count = count.saturating_sub(1);
        }
        self.websockets
            .remove_if(&self.address, |_, count| *count == 0);
    }
}

fn at_least_one(value: u32) -> NonZeroU32 {
    NonZeroU32::new(value.max(1)).unwrap_or(NonZeroU32::MIN)
}

impl ApiLimits {
    pub fn new(limits: &Limits) -> ApiLimits {
        let requests = Quota::per_second(at_least_one(limits.api_requests_per_second)).allow_burst(
            at_least_one(limits.api_request_burst.max(EXPENSIVE_REQUEST_COST)),
        );
        let joins = Quota::per_minute(at_least_one(JOIN_ATTEMPTS_PER_MINUTE));
        ApiLimits {
            requests: RateLimiter::keyed(requests),
            joins: RateLimiter::keyed(joins),
            clock: DefaultClock::default(),
            websockets: Arc::new(DashMap::new()),
            max_websockets_per_address: limits.max_websockets_per_address,
        }
    }

    /// Counts one more open websocket of `address` while the slot lives; `None` when the
    /// address already holds `--max-websockets-per-address`.
    pub fn open_websocket(&self, address: IpAddr) -> Option<WebsocketSlot> {
        let mut count = self.websockets.entry(address).or_insert(0);
        if self.max_websockets_per_address > 0 && *count >= self.max_websockets_per_address {
            return None;
        }
        *count += 1;
        drop(count);
        Some(WebsocketSlot {
            websockets: self.websockets.clone(),
            address,
        })
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
    ClientAddress(client): ClientAddress,
    request: Request,
    next: Next,
) -> Response {
    let cost = cost(request.method(), request.uri().path());
    match state.api_limits.allow_request(client, cost) {
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
        let limits = ApiLimits::new(&Limits {
            api_requests_per_second: 1,
            api_request_burst: 2 * EXPENSIVE_REQUEST_COST,
            ..Limits::default()
        });
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

    #[test]
    fn websockets_per_address_are_capped_and_freed_when_they_close() {
        let limits = ApiLimits::new(&Limits {
            max_websockets_per_address: 2,
            ..Limits::default()
        });
        let crowded: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        let first = limits.open_websocket(crowded).expect("first");
        let _second = limits.open_websocket(crowded).expect("second");
        assert!(
            limits.open_websocket(crowded).is_none(),
            "a third is over the cap"
        );
        assert!(
            limits.open_websocket(other).is_some(),
            "another address has its own"
        );
        drop(first);
        assert!(
            limits.open_websocket(crowded).is_some(),
            "a closed one frees its slot"
        );
        drop(_second);
        assert!(
            limits.websockets.is_empty(),
            "an address without websockets is forgotten"
        );
    }
}
