//! `Content-Digest` (RFC 9530): the hash of a message's content, covered by the signature so
//! that the body is signed too.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sfv::{BareItem, Dictionary, Item, ListEntry, Parser};
use sha2::{Digest, Sha256, Sha512};

/// The `Content-Digest` value this node sends: `sha-256=:…:`.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(Sha256::digest(body)))
}

/// Whether a `Content-Digest` value matches the body. Every digest given with an algorithm
/// this node knows (sha-256, sha-512) must match, and at least one must be given. The field is
/// a Structured Field dictionary (RFC 9651) of byte sequences; anything else does not match.
pub fn digest_matches(field: &str, body: &[u8]) -> bool {
    let Ok(digests) = Parser::new(field).parse::<Dictionary>() else { return false };
    let mut checked = 0;
    for (algorithm, member) in &digests {
        let ListEntry::Item(Item { bare_item: BareItem::ByteSequence(given), .. }) = member else { return false };
        let actual = match algorithm.as_str() {
            "sha-256" => Sha256::digest(body).to_vec(),
            "sha-512" => Sha512::digest(body).to_vec(),
            _ => continue,
        };
        if *given != actual {
            return false;
        }
        checked += 1;
    }
    checked > 0
}
