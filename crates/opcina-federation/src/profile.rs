//! The federation's signing profile: what every request between nodes covers and how a
//! receiving node checks it — signature by a known member's key, body bound by its digest,
//! created not in the future and not stale, expiry not passed, nonce never seen before.

use std::collections::HashMap;
use std::sync::Mutex;

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::digest::{content_digest, digest_matches};
use crate::httpsig::{ComponentId, HttpMessage, SigError, SignatureParams, sign, sign_for, verify, verify_for};

/// The label of the federation's signatures.
pub const LABEL: &str = "opcina";
/// The tag that marks a signature as made for this federation (a signature made for another
/// application with the same key is not accepted here).
pub const TAG: &str = "opcina-federation";
/// Components every request signature must cover.
pub const REQUEST_COMPONENTS: [&str; 5] = ["@method", "@authority", "@path", "@query", "content-digest"];
/// How long a signed request is valid.
pub const LIFETIME_SECONDS: i64 = 60;

/// Why a request was refused (each is logged; all answer 401 to the sender).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the request is not signed")]
    Unsigned,
    #[error("the signature does not cover {0}")]
    NotCovered(String),
    #[error("the signature is not for this federation (tag)")]
    WrongTag,
    #[error("the body does not match its Content-Digest")]
    DigestMismatch,
    #[error("the request was signed in the future (created {created}, now {now})")]
    FromTheFuture { created: i64, now: i64 },
    #[error("the request has expired (expires {expires}, now {now})")]
    Expired { expires: i64, now: i64 },
    #[error("the request lacks created, expires or nonce")]
    MissingParameter,
    #[error("the nonce was used before (a replay)")]
    Replayed,
    #[error(transparent)]
    Signature(#[from] SigError),
}

/// Signs a request: adds `Content-Digest`, `Signature-Input` and `Signature` to its headers.
/// `keyid` names the key in the directory (the member's code and key fingerprint).
pub fn sign_request(key: &SigningKey, keyid: &str, message: &mut HttpMessage, body: &[u8], now: i64, nonce: &str) -> Result<(), SigError> {
    message.headers.retain(|(n, _)| !["content-digest", "signature-input", "signature"].iter().any(|h| n.eq_ignore_ascii_case(h)));
    message.headers.push(("Content-Digest".into(), content_digest(body)));
    let params = SignatureParams::new(&REQUEST_COMPONENTS)
        .int("created", now)
        .int("expires", now + LIFETIME_SECONDS)
        .string("nonce", nonce)
        .string("alg", "ed25519")
        .string("keyid", keyid)
        .string("tag", TAG);
    let fields = sign(key, LABEL, message, &params)?;
    message.headers.push(("Signature-Input".into(), fields.input));
    message.headers.push(("Signature".into(), fields.signature));
    Ok(())
}

/// Signs a response: covers its status and `Content-Digest`, and the request's signature, so
/// the response cannot be replayed as the answer to another request.
pub fn sign_response(
    key: &SigningKey,
    keyid: &str,
    response: &mut HttpMessage,
    body: &[u8],
    request: &HttpMessage,
    now: i64,
) -> Result<(), SigError> {
    response.headers.retain(|(n, _)| !["content-digest", "signature-input", "signature"].iter().any(|h| n.eq_ignore_ascii_case(h)));
    response.headers.push(("Content-Digest".into(), content_digest(body)));
    let params = SignatureParams::new(&["@status", "content-digest"])
        .covering(ComponentId::request_member("signature", LABEL))
        .int("created", now)
        .string("alg", "ed25519")
        .string("keyid", keyid)
        .string("tag", TAG);
    let fields = sign_for(key, LABEL, response, Some(request), &params)?;
    response.headers.push(("Signature-Input".into(), fields.input));
    response.headers.push(("Signature".into(), fields.signature));
    Ok(())
}

/// Checks a response to `request` (which this node signed and sent): signed by the provider's
/// key, covering its status, its digest and the request's signature; the body matches.
pub fn check_response(
    response: &HttpMessage,
    body: &[u8],
    request: &HttpMessage,
    key_for: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<Verified, Refused> {
    let (Some(input), Some(signature)) = (response.header("signature-input"), response.header("signature")) else {
        return Err(Refused::Unsigned);
    };
    let params = verify_for(response, Some(request), &input, &signature, LABEL, key_for)?;
    for required in ["@status", "content-digest"] {
        if !params.covers(required) {
            return Err(Refused::NotCovered(required.to_string()));
        }
    }
    if !params.components.contains(&ComponentId::request_member("signature", LABEL)) {
        return Err(Refused::NotCovered("the request's signature".into()));
    }
    if params.get_str("tag") != Some(TAG) {
        return Err(Refused::WrongTag);
    }
    let digest = response.header("content-digest").ok_or_else(|| Refused::NotCovered("content-digest".into()))?;
    if !digest_matches(&digest, body) {
        return Err(Refused::DigestMismatch);
    }
    Ok(Verified {
        keyid: params.get_str("keyid").unwrap_or_default().to_string(),
        created: params.get_int("created").unwrap_or(0),
        nonce: String::new(),
    })
}

/// Nonces seen within their signatures' lifetime (kept until they expire). One per node
/// process: a node with several processes behind a balancer checks replays per process.
#[derive(Debug, Default)]
pub struct NonceCache {
    seen: Mutex<HashMap<String, i64>>,
}

impl NonceCache {
    /// Records a nonce valid until `expires`; false when it was already seen.
    pub fn first_use(&self, keyid: &str, nonce: &str, expires: i64, now: i64) -> bool {
        let Ok(mut seen) = self.seen.lock() else { return false };
        if seen.len() > 100_000 {
            seen.retain(|_, until| *until >= now);
        }
        let key = format!("{keyid}\u{0}{nonce}");
        match seen.get(&key) {
            Some(until) if *until >= now => false,
            _ => {
                seen.insert(key, expires);
                true
            }
        }
    }
}

/// A request that passed every check: who signed it, and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub keyid: String,
    pub created: i64,
    pub nonce: String,
}

/// Checks a request as received: signature by a key `key_for` knows, the required components
/// covered, the tag, the digest of `body`, the times (with `skew` seconds of tolerance for
/// clocks) and the nonce.
pub fn check_request(
    message: &HttpMessage,
    body: &[u8],
    now: i64,
    skew: i64,
    nonces: &NonceCache,
    key_for: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<Verified, Refused> {
    let (Some(input), Some(signature)) = (message.header("signature-input"), message.header("signature")) else {
        return Err(Refused::Unsigned);
    };
    let params = verify(message, &input, &signature, LABEL, key_for)?;
    for required in REQUEST_COMPONENTS {
        if !params.covers(required) {
            return Err(Refused::NotCovered(required.to_string()));
        }
    }
    if params.get_str("tag") != Some(TAG) {
        return Err(Refused::WrongTag);
    }
    let digest = message.header("content-digest").ok_or_else(|| Refused::NotCovered("content-digest".into()))?;
    if !digest_matches(&digest, body) {
        return Err(Refused::DigestMismatch);
    }
    let (Some(created), Some(expires), Some(nonce)) = (params.get_int("created"), params.get_int("expires"), params.get_str("nonce"))
    else {
        return Err(Refused::MissingParameter);
    };
    if created > now + skew {
        return Err(Refused::FromTheFuture { created, now });
    }
    if expires + skew < now || expires - created > LIFETIME_SECONDS {
        return Err(Refused::Expired { expires, now });
    }
    let keyid = params.get_str("keyid").unwrap_or_default().to_string();
    if !nonces.first_use(&keyid, nonce, expires + skew, now) {
        return Err(Refused::Replayed);
    }
    Ok(Verified { keyid, created, nonce: nonce.to_string() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const NOW: i64 = 1_795_000_000;

    fn request() -> HttpMessage {
        HttpMessage {
            method: "POST".into(),
            authority: "zenica.opcina.test".into(),
            path: "/federation/v1/entries".into(),
            query: None,
            status: None,
            headers: vec![("Content-Type".into(), "application/json".into())],
        }
    }

    fn kakanj() -> SigningKey {
        SigningKey::from_bytes(&[1; 32])
    }

    fn keys(id: &str) -> Option<VerifyingKey> {
        (id == "KAK").then(|| kakanj().verifying_key())
    }

    fn signed(body: &[u8], now: i64, nonce: &str) -> HttpMessage {
        let mut m = request();
        sign_request(&kakanj(), "KAK", &mut m, body, now, nonce).unwrap();
        m
    }

    #[test]
    fn a_signed_request_passes_once() {
        let body = br#"{"jmbg":"0503990195007"}"#;
        let nonces = NonceCache::default();
        let m = signed(body, NOW, "n1");
        let ok = check_request(&m, body, NOW + 5, 30, &nonces, keys).unwrap();
        assert_eq!((ok.keyid.as_str(), ok.created), ("KAK", NOW));
        assert_eq!(check_request(&m, body, NOW + 6, 30, &nonces, keys), Err(Refused::Replayed));
    }

    #[test]
    fn tampering_staleness_strangers_and_missing_signatures_are_refused() {
        let body = b"{}";
        let nonces = NonceCache::default();
        assert_eq!(check_request(&request(), body, NOW, 30, &nonces, keys), Err(Refused::Unsigned));
        assert_eq!(check_request(&signed(body, NOW, "a"), b"{ }", NOW, 30, &nonces, keys), Err(Refused::DigestMismatch));
        let mut moved = signed(body, NOW, "b");
        moved.path = "/federation/v1/other".into();
        assert_eq!(check_request(&moved, body, NOW, 30, &nonces, keys), Err(Refused::Signature(SigError::BadSignature)));
        assert!(matches!(check_request(&signed(body, NOW + 120, "c"), body, NOW, 30, &nonces, keys), Err(Refused::FromTheFuture { .. })));
        assert!(matches!(check_request(&signed(body, NOW - 120, "d"), body, NOW, 30, &nonces, keys), Err(Refused::Expired { .. })));
        let mut stranger = request();
        sign_request(&SigningKey::from_bytes(&[2; 32]), "XYZ", &mut stranger, body, NOW, "e").unwrap();
        assert_eq!(check_request(&stranger, body, NOW, 30, &nonces, keys), Err(Refused::Signature(SigError::UnknownKey("XYZ".into()))));
        // Another key claiming to be KAK's: the signature does not verify with KAK's key.
        let mut impostor = request();
        sign_request(&SigningKey::from_bytes(&[3; 32]), "KAK", &mut impostor, body, NOW, "f").unwrap();
        assert_eq!(check_request(&impostor, body, NOW, 30, &nonces, keys), Err(Refused::Signature(SigError::BadSignature)));
    }

    #[test]
    fn a_response_is_bound_to_its_request() {
        let zenica = SigningKey::from_bytes(&[5; 32]);
        let zen_keys = |id: &str| (id == "ZEN").then(|| zenica.verifying_key());
        let first = signed(b"{\"q\":1}", NOW, "r1");
        let second = signed(b"{\"q\":2}", NOW, "r2");
        let body = br#"{"entry":{}}"#;
        let mut response = HttpMessage { status: Some(200), ..HttpMessage::default() };
        sign_response(&zenica, "ZEN", &mut response, body, &first, NOW).unwrap();
        assert!(response.header("signature-input").unwrap().contains("\"signature\";req;key=\"opcina\""), "{response:?}");
        assert_eq!(check_response(&response, body, &first, zen_keys).unwrap().keyid, "ZEN");
        assert_eq!(
            check_response(&response, body, &second, zen_keys),
            Err(Refused::Signature(SigError::BadSignature)),
            "not an answer to another request"
        );
        assert_eq!(check_response(&response, b"{}", &first, zen_keys), Err(Refused::DigestMismatch));
        let mut failed = response.clone();
        failed.status = Some(500);
        assert_eq!(check_response(&failed, body, &first, zen_keys), Err(Refused::Signature(SigError::BadSignature)));
        assert_eq!(
            check_response(&HttpMessage { status: Some(200), ..HttpMessage::default() }, body, &first, zen_keys),
            Err(Refused::Unsigned)
        );
    }

    #[test]
    fn a_signature_that_leaves_out_a_required_component_or_the_tag_is_refused() {
        let body = b"{}";
        let mut m = request();
        m.headers.push(("Content-Digest".into(), content_digest(body)));
        let params = SignatureParams::new(&["@method", "@path", "content-digest"])
            .int("created", NOW)
            .int("expires", NOW + 60)
            .string("nonce", "g")
            .string("keyid", "KAK")
            .string("tag", TAG);
        let f = sign(&kakanj(), LABEL, &m, &params).unwrap();
        m.headers.push(("Signature-Input".into(), f.input));
        m.headers.push(("Signature".into(), f.signature));
        assert_eq!(check_request(&m, body, NOW, 30, &NonceCache::default(), keys), Err(Refused::NotCovered("@authority".into())));

        let mut m = request();
        m.headers.push(("Content-Digest".into(), content_digest(body)));
        let params = SignatureParams::new(&REQUEST_COMPONENTS)
            .int("created", NOW)
            .int("expires", NOW + 60)
            .string("nonce", "h")
            .string("keyid", "KAK");
        let f = sign(&kakanj(), LABEL, &m, &params).unwrap();
        m.headers.push(("Signature-Input".into(), f.input));
        m.headers.push(("Signature".into(), f.signature));
        assert_eq!(check_request(&m, body, NOW, 30, &NonceCache::default(), keys), Err(Refused::WrongTag));
    }
}
