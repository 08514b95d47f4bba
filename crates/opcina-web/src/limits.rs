//! How much one client may ask: who the client is (its address, behind a proxy the one the
//! proxy saw), and sliding windows over what the public may write (orders, accounts,
//! submissions) and over federation requests that could not be authenticated, so that one
//! client cannot flood an office's queue or run through e-mail addresses. Failed sign-ins
//! are counted by `ui::session::LoginGuard`. The README's "Security" section lists the limits.
//!
//! Counts live in this process (a node with several `serve` processes allows each its own)
//! and in bounded memory: past [`MAX_KEYS`] clients the expired ones are dropped, and if
//! all are live the oldest client's count goes first.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::AppState;

/// Most clients (or e-mail addresses) one window keeps counts for.
pub const MAX_KEYS: usize = 100_000;

/// How the node is reached over HTTP (`[http]` in the configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// The node is behind a reverse proxy (which terminates TLS): the client's address is the
    /// last one in `X-Forwarded-For`, the one the proxy appended. Only set this when every
    /// request comes through the proxy — anyone else could write the header.
    #[serde(default)]
    pub behind_proxy: bool,
    /// Send `Strict-Transport-Security` (the proxy serves the node over TLS only).
    #[serde(default)]
    pub hsts: bool,
    /// Session and form cookies only over HTTPS; default: when the public URL is https.
    #[serde(default)]
    pub secure_cookies: Option<bool>,
}

/// The client of a request: its address (IPv6 by its /64, what one subscriber is given),
/// `None` when the server does not know it (a test calling the router directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(pub Option<IpAddr>);

impl Client {
    /// The key its counts are kept under.
    pub fn key(self) -> String {
        match self.0 {
            None => "-".into(),
            Some(IpAddr::V4(a)) => a.to_string(),
            Some(IpAddr::V6(a)) => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

/// The client from the connection, or behind a proxy from the last `X-Forwarded-For` entry.
pub fn client_of(parts: &Parts, behind_proxy: bool) -> Client {
    if behind_proxy {
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().next_back().and_then(|v| v.to_str().ok());
        if let Some(addr) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|a| a.trim().parse().ok()) {
            return Client(Some(addr));
        }
    }
    Client(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()))
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(client_of(parts, state.http.behind_proxy))
    }
}

/// At most `max` events per key within `window`.
#[derive(Debug)]
pub struct Window {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Window {
    pub fn new(max: usize, window: Duration) -> Window {
        Window { max, window, hits: Mutex::new(HashMap::new()) }
    }

    /// Counts an event of `key`, or refuses it with how long until one is allowed again (a
    /// refused event is not counted).
    pub fn hit(&self, key: &str) -> Result<(), Duration> {
        let Ok(mut hits) = self.hits.lock() else { return Ok(()) };
        let now = Instant::now();
        if hits.len() >= MAX_KEYS && !hits.contains_key(key) {
            let window = self.window;
            hits.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
            if hits.len() >= MAX_KEYS {
                let oldest = hits.iter().min_by_key(|(_, times)| times.back().copied()).map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    hits.remove(&k);
                }
            }
        }
        let times = hits.entry(key.to_string()).or_default();
        if let Some(wait) = self.wait(times, now) {
            return Err(wait);
        }
        times.push_back(now);
        Ok(())
    }

    /// How long `key` must wait, if it is at its limit now (nothing is counted).
    pub fn over(&self, key: &str) -> Option<Duration> {
        let mut hits = self.hits.lock().ok()?;
        let times = hits.get_mut(key)?;
        self.wait(times, Instant::now())
    }

    /// Drops the events that left the window; how long until one more fits, if none does.
    fn wait(&self, times: &mut VecDeque<Instant>, now: Instant) -> Option<Duration> {
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        let first = *times.front()?;
        (times.len() >= self.max).then(|| self.window.saturating_sub(now.duration_since(first)).max(Duration::from_secs(1)))
    }
}

/// The limits on the public's writes, per client address and per e-mail address.
#[derive(Debug)]
pub struct Limits {
    /// Orders of documents (`POST /order`).
    pub orders: Window,
    /// Accounts opened, per client address (`POST /account/register`).
    pub registrations: Window,
    /// Messages registration sends to one e-mail address (a link, or a note to the owner),
    /// whoever asks: registering cannot be used to flood a mailbox from many addresses.
    pub registration_mail: Window,
    /// Submissions sent from the portal, per client address and per account.
    pub submissions: Window,
    /// Citizens' messages sent from the website, per client address and per e-mail address.
    pub messages: Window,
    /// Federation requests refused before their sender was authenticated, per client
    /// address: past the limit the address is answered 429 before anything is read.
    pub federation_refusals: Window,
}

const HOUR: Duration = Duration::from_secs(3600);

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            orders: Window::new(20, HOUR),
            registrations: Window::new(10, HOUR),
            registration_mail: Window::new(3, HOUR),
            submissions: Window::new(20, HOUR),
            messages: Window::new(10, HOUR),
            federation_refusals: Window::new(60, Duration::from_secs(60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_its_events_then_says_how_long_to_wait() {
        let w = Window::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(w.hit("a").is_ok());
        }
        assert!(w.hit("a").is_err_and(|wait| wait <= Duration::from_secs(60) && wait >= Duration::from_secs(1)));
        assert!(w.hit("b").is_ok(), "another client has its own count");
        assert!(w.over("a").is_some() && w.over("b").is_none() && w.over("c").is_none());
        let brief = Window::new(1, Duration::from_millis(20));
        assert!(brief.hit("a").is_ok());
        assert!(brief.hit("a").is_err());
        std::thread::sleep(Duration::from_millis(25));
        assert!(brief.hit("a").is_ok(), "the window slides");
    }

    #[test]
    fn a_window_keeps_bounded_memory() {
        let w = Window::new(1, Duration::from_secs(60));
        for i in 0..(MAX_KEYS + 10) {
            assert!(w.hit(&i.to_string()).is_ok());
        }
        assert!(w.hits.lock().unwrap().len() <= MAX_KEYS);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_prefix() {
        let a = Client(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = Client(Some("2001:db8:1:2:bbbb::9".parse().unwrap()));
        assert_eq!(a.key(), b.key());
        assert_eq!(Client(Some("192.0.2.7".parse().unwrap())).key(), "192.0.2.7");
    }

    #[test]
    fn behind_a_proxy_the_client_is_the_address_the_proxy_appended() {
        let request = axum::http::Request::builder().header("x-forwarded-for", "203.0.113.9, 198.51.100.4").body(()).unwrap();
        let (parts, ()) = request.into_parts();
        assert_eq!(client_of(&parts, true), Client(Some("198.51.100.4".parse().unwrap())), "what the client wrote is not trusted");
        assert_eq!(client_of(&parts, false), Client(None), "without a proxy the header is ignored");
    }
}
