//! `Content-Digest` (RFC 9530): the hash of a message's content, covered by the signature so
//! that the body is signed too.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256, Sha512};

/// The `Content-Digest` value this node sends: `sha-256=:…:`.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(Sha256::digest(body)))
}

/// Whether a `Content-Digest` value matches the body. Every digest given with an algorithm
/// this node knows (sha-256, sha-512) must match, and at least one must be given.
pub fn digest_matches(field: &str, body: &[u8]) -> bool {
    let mut checked = 0;
    for member in field.split(',') {
        let Some((algorithm, value)) = member.trim().split_once('=') else { return false };
        let Some(encoded) = value.trim().strip_prefix(':').and_then(|v| v.strip_suffix(':')) else { return false };
        let Ok(given) = STANDARD.decode(encoded) else { return false };
        let actual = match algorithm.trim() {
            "sha-256" => Sha256::digest(body).to_vec(),
            "sha-512" => Sha512::digest(body).to_vec(),
            _ => continue,
        };
        if given != actual {
            return false;
        }
        checked += 1;
    }
    checked > 0
}
