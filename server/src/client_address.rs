//! Who a request comes from, for the per-address limits: the socket's peer, or, when that peer
//! is one of the `--trusted-proxies`, the right-most address of `X-Forwarded-For` that is not.
//!
//! Only trusted proxies are believed because anyone can send the header: a client that could
//! choose its own address would have a fresh rate-limit bucket for every request.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::AppState;

/// An IP network such as `10.0.0.0/8` or `::1/128`; a bare address is a network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix_bits: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not an IP network such as 10.0.0.0/8, 192.168.1.5 or ::1/128")]
pub struct CidrError(String);

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let error = || CidrError(text.to_owned());
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = address
            .parse::<IpAddr>()
            .map_err(|_| error())?
            .to_canonical();
        let max_bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix_bits = match prefix {
            Some(prefix) => prefix.parse::<u8>().map_err(|_| error())?,
            None => max_bits,
        };
        if prefix_bits > max_bits {
            return Err(error());
        }
        Ok(Cidr {
            network,
            prefix_bits,
        })
    }
}

impl Cidr {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => same_prefix(
                network.to_bits().into(),
                address.to_bits().into(),
                32,
                self.prefix_bits,
            ),
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                same_prefix(network.to_bits(), address.to_bits(), 128, self.prefix_bits)
            }
            _ => false,
        }
    }
}

/// Whether the first `prefix_bits` of two `width`-bit numbers are equal.
fn same_prefix(network: u128, address: u128, width: u8, prefix_bits: u8) -> bool {
    let ignored_bits = u32::from(width - prefix_bits);
    network.checked_shr(ignored_bits).unwrap_or(0) == address.checked_shr(ignored_bits).unwrap_or(0)
}

/// The client's address for `peer` with `headers`, believing `X-Forwarded-For` only from the
/// `trusted` proxies. Each proxy appends the address it was reached from, so the list is read
/// from the right: the first address that is not a trusted proxy is the client. An entry that
/// is not an address stops the walk at the last proxy that could be vouched for.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|cidr| cidr.contains(address));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    for hop in forwarded.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(address) => {
                client = address.to_canonical();
                if !is_trusted(client) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

/// The requesting client's address (see [`resolve`]), as an extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Without connection info (a router driven by `oneshot` in a test) every request shares
        // the unspecified address.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |info| info.0.ip());
        Ok(ClientAddress(resolve(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn cidrs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|text| text.parse().unwrap()).collect()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_contain_their_addresses() {
        let private = Cidr::from_str("10.0.0.0/8").unwrap();
        assert!(private.contains(ip("10.200.3.4")));
        assert!(!private.contains(ip("11.0.0.1")));
        assert!(private.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped IPv6");
        let single = Cidr::from_str("192.168.1.5").unwrap();
        assert!(single.contains(ip("192.168.1.5")));
        assert!(!single.contains(ip("192.168.1.6")));
        let everything = Cidr::from_str("0.0.0.0/0").unwrap();
        assert!(everything.contains(ip("203.0.113.9")));
        assert!(!everything.contains(ip("2001:db8::1")));
        let v6 = Cidr::from_str("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(Cidr::from_str("::/0").unwrap().contains(ip("::1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "nonsense",
            "10.0.0.0/x",
        ] {
            assert!(Cidr::from_str(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = cidrs(&["127.0.0.1", "10.0.0.0/8"]);
        let headers = forwarded(&["198.51.100.7, 203.0.113.1, 10.0.0.2"]);
        // From a trusted proxy: the right-most address that is not a proxy.
        assert_eq!(
            resolve(ip("127.0.0.1"), &headers, &trusted),
            ip("203.0.113.1")
        );
        // From anyone else the header is the client's own claim: ignored.
        assert_eq!(
            resolve(ip("192.0.2.1"), &headers, &trusted),
            ip("192.0.2.1")
        );
        assert_eq!(resolve(ip("127.0.0.1"), &headers, &[]), ip("127.0.0.1"));
        // Several header lines are one list, in order.
        let split = forwarded(&["198.51.100.7", "203.0.113.1", "10.0.0.2"]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &split, &trusted),
            ip("203.0.113.1")
        );
        // Only proxies in the list: the left-most, the one farthest from us.
        let all_proxies = forwarded(&["10.1.1.1, 10.2.2.2"]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &all_proxies, &trusted),
            ip("10.1.1.1")
        );
        // No header: the proxy itself.
        assert_eq!(
            resolve(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
        // Garbage stops at the last address a trusted proxy vouched for.
        let garbage = forwarded(&["203.0.113.1, garbage, 10.0.0.2"]);
        assert_eq!(resolve(ip("127.0.0.1"), &garbage, &trusted), ip("10.0.0.2"));
    }
}
