//! The signing client: sends a service request to a member's node, signed with this node's
//! key, and accepts the answer only when the member's key signed it as the answer to that
//! very request. Every call ends within its timeout (3 s by default) with an answer or a
//! reason the clerk can be told.

use std::time::Duration;

use ed25519_dalek::SigningKey;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::directory::{Directory, Member};
use crate::httpsig::HttpMessage;
use crate::messages::{Failure, path};
use crate::profile::{Refused, check_response, sign_request};

/// How long a call may take, end to end, by default.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Why a call gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("{0} is not in the federation's directory or does not offer {1}")]
    NotOffered(String, String),
    #[error("the member's address {0} cannot be used (only http:// addresses are supported)")]
    BadAddress(String),
    #[error("the member's node did not answer within {0} ms")]
    Timeout(u128),
    #[error("the member's node cannot be reached: {0}")]
    Unreachable(String),
    #[error("the member's answer is not properly signed: {0}")]
    BadSignature(Refused),
    #[error("the member refused: {code}: {message}")]
    Refused { status: u16, code: String, message: String },
    #[error("the member's answer is malformed: {0}")]
    Malformed(String),
}

impl CallError {
    /// A stable code for the clerk's message and the logs.
    pub fn code(&self) -> &'static str {
        match self {
            CallError::NotOffered(..) => "federation.not_offered",
            CallError::BadAddress(_) => "federation.bad_address",
            CallError::Timeout(_) => "federation.timeout",
            CallError::Unreachable(_) => "federation.unreachable",
            CallError::BadSignature(_) => "federation.bad_signature",
            CallError::Refused { .. } => "federation.refused",
            CallError::Malformed(_) => "federation.malformed",
        }
    }
}

/// A call as made, for the message log: what was signed and what came back.
#[derive(Debug, Clone)]
pub struct Call {
    pub peer: String,
    pub service: String,
    pub nonce: String,
    /// `Signature-Input` and `Signature`, one per line.
    pub request_signature: String,
    pub request_digest: String,
    pub status: u16,
    pub response_signature: Option<String>,
    pub response_digest: Option<String>,
    /// The verified answer's body, or why there is none.
    pub result: Result<Vec<u8>, CallError>,
}

/// This node's signing client.
#[derive(Clone)]
pub struct Client {
    http: HttpClient<HttpConnector, Full<Bytes>>,
    key: SigningKey,
    keyid: String,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("keyid", &self.keyid).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

/// A fresh nonce: 16 random bytes in hex.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness the nonce would repeat and the peer refuse it as a replay.
    if getrandom::fill(&mut bytes).is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        bytes[..16].copy_from_slice(&t.as_nanos().to_le_bytes());
    }
    hex::encode(bytes)
}

/// The current time in seconds since the epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A message's signature fields as logged.
pub fn signature_text(m: &HttpMessage) -> String {
    format!("{}\n{}", m.header("signature-input").unwrap_or_default(), m.header("signature").unwrap_or_default())
}

impl Client {
    pub fn new(key: SigningKey, keyid: String, timeout: Duration) -> Client {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        connector.set_nodelay(true);
        let http = HttpClient::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(connector);
        Client { http, key, keyid, timeout }
    }

    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    /// Fetches a document by a plain GET (the federation's directory, which carries its own
    /// signature).
    pub async fn get(&self, url: &str) -> Result<Vec<u8>, CallError> {
        let uri: hyper::Uri = url.parse().map_err(|_| CallError::BadAddress(url.to_string()))?;
        let request = hyper::Request::get(uri).body(Full::new(Bytes::new())).map_err(|e| CallError::Malformed(e.to_string()))?;
        let fetch = async {
            let response = self.http.request(request).await.map_err(|e| CallError::Unreachable(describe(&e)))?;
            let status = response.status();
            let body = response.into_body().collect().await.map_err(|e| CallError::Unreachable(e.to_string()))?.to_bytes();
            if !status.is_success() {
                return Err(CallError::Refused {
                    status: status.as_u16(),
                    code: "federation.http".into(),
                    message: format!("HTTP {status}"),
                });
            }
            Ok(body.to_vec())
        };
        tokio::time::timeout(self.timeout, fetch).await.map_err(|_| CallError::Timeout(self.timeout.as_millis()))?
    }

    /// Calls `service` on `member` with a JSON body.
    pub async fn call(&self, directory: &Directory, member: &str, service: &str, body: Vec<u8>) -> Call {
        let nonce = nonce();
        let mut call = Call {
            peer: member.to_string(),
            service: service.to_string(),
            nonce: nonce.clone(),
            request_signature: String::new(),
            request_digest: String::new(),
            status: 0,
            response_signature: None,
            response_digest: None,
            result: Err(CallError::NotOffered(member.to_string(), service.to_string())),
        };
        let Some(peer) = directory.member(member).filter(|m| m.services.iter().any(|s| s == service)) else {
            return call;
        };
        let (uri, mut request) = match target(peer, service) {
            Ok(t) => t,
            Err(e) => {
                call.result = Err(e);
                return call;
            }
        };
        if let Err(e) = sign_request(&self.key, &self.keyid, &mut request, &body, unix_now(), &nonce) {
            call.result = Err(CallError::Malformed(e.to_string()));
            return call;
        }
        call.request_signature = signature_text(&request);
        call.request_digest = request.header("content-digest").unwrap_or_default();
        let mut builder = hyper::Request::post(uri).header("host", &request.authority).header("content-type", "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let http_request = match builder.body(Full::new(Bytes::from(body))) {
            Ok(r) => r,
            Err(e) => {
                call.result = Err(CallError::Malformed(e.to_string()));
                return call;
            }
        };
        let exchange = async {
            let response = self.http.request(http_request).await.map_err(|e| CallError::Unreachable(describe(&e)))?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| CallError::Unreachable(e.to_string()))?.to_bytes();
            Ok::<_, CallError>((parts, body))
        };
        let (parts, bytes) = match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => {
                call.result = Err(e);
                return call;
            }
            Err(_) => {
                call.result = Err(CallError::Timeout(self.timeout.as_millis()));
                return call;
            }
        };
        let response = HttpMessage {
            status: Some(parts.status.as_u16()),
            headers: parts.headers.iter().filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str().to_string(), v.to_string()))).collect(),
            ..HttpMessage::default()
        };
        call.status = parts.status.as_u16();
        call.response_signature = response.header("signature").map(|_| signature_text(&response));
        call.response_digest = response.header("content-digest");
        let peer_keys = |keyid: &str| keyid.starts_with(&format!("{member}:")).then(|| directory.key(keyid)).flatten();
        if let Err(refused) = check_response(&response, &bytes, &request, peer_keys) {
            call.result = Err(CallError::BadSignature(refused));
            return call;
        }
        call.result = if parts.status.is_success() {
            Ok(bytes.to_vec())
        } else {
            Err(match serde_json::from_slice::<Failure>(&bytes) {
                Ok(f) => CallError::Refused { status: call.status, code: f.error.code, message: f.error.message },
                Err(_) => {
                    CallError::Refused { status: call.status, code: "federation.http".into(), message: format!("HTTP {}", call.status) }
                }
            })
        };
        call
    }
}

/// The URI of a member's service and the message to sign for it.
fn target(peer: &Member, service: &str) -> Result<(hyper::Uri, HttpMessage), CallError> {
    let base = peer.base_url.trim_end_matches('/');
    let bad = || CallError::BadAddress(peer.base_url.clone());
    if !base.starts_with("http://") {
        return Err(bad());
    }
    let uri: hyper::Uri = format!("{base}{}", path(service)).parse().map_err(|_| bad())?;
    let authority = uri.authority().ok_or_else(bad)?.as_str().to_ascii_lowercase();
    let message = HttpMessage {
        method: "POST".into(),
        authority,
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        status: None,
        headers: Vec::new(),
    };
    Ok((uri, message))
}

/// The innermost cause of a connection error (hyper's outer message says only "client error").
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
