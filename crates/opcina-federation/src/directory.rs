//! The federation's directory: who the members are (code, name, base URL, public keys, the
//! services each offers) for a period, signed by the federation authority. A node accepts a
//! directory only with a valid signature of the authority it trusts and within its validity,
//! and keeps working on the last accepted one while it stays valid (no outage when the
//! authority is unreachable).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Services a member may offer.
pub const SERVICES: [&str; 5] = ["locate", "entry-for-extract", "annotation-notice", "checkpoint", "checkpoint-held"];

/// A member's public key as the directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberKey {
    /// `CODE:fingerprint`, as signatures name it (`keyid`).
    pub id: String,
    /// The Ed25519 public key, base64url.
    pub public_key: String,
}

/// A member of the federation (a municipality's node).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Short code, e.g. `KAK`.
    pub code: String,
    pub name: String,
    /// Where its `/federation/v1/...` endpoints are, e.g. `https://kakanj.opcina.ba`.
    pub base_url: String,
    pub keys: Vec<MemberKey>,
    pub services: Vec<String>,
}

/// The list of members for a period, as the authority signs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// Increases with every publication; a node never goes back to a lower one.
    pub serial: u64,
    /// Seconds since the Unix epoch.
    pub issued_at: i64,
    pub valid_until: i64,
    pub members: Vec<Member>,
}

/// A directory with the authority's signature over its canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedDirectory {
    pub directory: Directory,
    /// The authority's key fingerprint.
    pub authority: String,
    /// Ed25519 signature, base64url.
    pub signature: String,
}

/// Why a directory was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("the directory is signed by {0}, not by the trusted authority")]
    OtherAuthority(String),
    #[error("the directory's signature does not verify")]
    BadSignature,
    #[error("the directory expired at {valid_until} (now {now})")]
    Expired { valid_until: i64, now: i64 },
    #[error("the directory is not valid yet (issued at {issued_at}, now {now})")]
    NotYetValid { issued_at: i64, now: i64 },
    #[error("the directory's serial {got} is older than the one held ({held})")]
    Older { got: u64, held: u64 },
    #[error("the directory is malformed: {0}")]
    Malformed(String),
}

/// A key's fingerprint, the same documents print for the key that sealed them.
pub fn fingerprint(key: &VerifyingKey) -> String {
    opcina_core::extract::seal::key_id(key)
}

/// The key id a member's signatures carry: `CODE:fingerprint`.
pub fn key_id(code: &str, key: &VerifyingKey) -> String {
    format!("{code}:{}", fingerprint(key))
}

impl Member {
    /// A member with one key, as the authority enrols it (the key named by its fingerprint).
    pub fn with_key(code: &str, name: &str, base_url: &str, key: &VerifyingKey, services: Vec<String>) -> Member {
        Member {
            code: code.to_string(),
            name: name.trim().to_string(),
            base_url: base_url.trim_end_matches('/').to_string(),
            keys: vec![MemberKey { id: key_id(code, key), public_key: URL_SAFE_NO_PAD.encode(key.as_bytes()) }],
            services,
        }
    }
}

impl Directory {
    /// The bytes the authority signs: the directory as JSON with members in code order.
    fn canonical(&self) -> Result<Vec<u8>, DirectoryError> {
        let mut d = self.clone();
        d.members.sort_by(|a, b| a.code.cmp(&b.code));
        for m in &mut d.members {
            m.keys.sort_by(|a, b| a.id.cmp(&b.id));
            m.services.sort();
        }
        serde_json::to_vec(&d).map_err(|e| DirectoryError::Malformed(e.to_string()))
    }

    /// Signs the directory as the authority.
    pub fn sign(&self, authority: &SigningKey) -> Result<SignedDirectory, DirectoryError> {
        let signature = authority.sign(&self.canonical()?);
        Ok(SignedDirectory {
            directory: self.clone(),
            authority: fingerprint(&authority.verifying_key()),
            signature: URL_SAFE_NO_PAD.encode(signature.to_bytes()),
        })
    }

    pub fn member(&self, code: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.code == code)
    }

    /// The public key a signature's `keyid` names, when a member lists it.
    pub fn key(&self, keyid: &str) -> Option<VerifyingKey> {
        let code = keyid.split(':').next()?;
        let listed = self.member(code)?.keys.iter().find(|k| k.id == keyid)?;
        let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(&listed.public_key).ok()?.try_into().ok()?;
        let key = VerifyingKey::from_bytes(&bytes).ok()?;
        // The id must be the key's own fingerprint: a listing cannot lend a key another id.
        (key_id(code, &key) == keyid).then_some(key)
    }

    /// The members offering a service.
    pub fn offering<'a>(&'a self, service: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        self.members.iter().filter(move |m| m.services.iter().any(|s| s == service))
    }
}

impl SignedDirectory {
    /// Accepts the directory if the trusted authority signed it, it is valid at `now`, and it
    /// is not older than the one held (`held_serial`).
    pub fn accept(&self, authority: &VerifyingKey, now: i64, held_serial: Option<u64>) -> Result<&Directory, DirectoryError> {
        if self.authority != fingerprint(authority) {
            return Err(DirectoryError::OtherAuthority(self.authority.clone()));
        }
        let bytes: [u8; 64] =
            URL_SAFE_NO_PAD.decode(&self.signature).ok().and_then(|b| b.try_into().ok()).ok_or(DirectoryError::BadSignature)?;
        authority.verify(&self.directory.canonical()?, &Signature::from_bytes(&bytes)).map_err(|_| DirectoryError::BadSignature)?;
        let d = &self.directory;
        if now > d.valid_until {
            return Err(DirectoryError::Expired { valid_until: d.valid_until, now });
        }
        if now < d.issued_at - 300 {
            return Err(DirectoryError::NotYetValid { issued_at: d.issued_at, now });
        }
        if let Some(held) = held_serial.filter(|h| *h > d.serial) {
            return Err(DirectoryError::Older { got: d.serial, held });
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const NOW: i64 = 1_795_000_000;

    fn member(code: &str, seed: u8) -> Member {
        let key = SigningKey::from_bytes(&[seed; 32]).verifying_key();
        Member {
            code: code.into(),
            name: format!("Općina {code}"),
            base_url: format!("https://{}.opcina.test", code.to_lowercase()),
            keys: vec![MemberKey { id: key_id(code, &key), public_key: URL_SAFE_NO_PAD.encode(key.as_bytes()) }],
            services: SERVICES.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn directory() -> Directory {
        Directory { serial: 3, issued_at: NOW - 10, valid_until: NOW + 86_400, members: vec![member("ZEN", 2), member("KAK", 1)] }
    }

    fn authority() -> SigningKey {
        SigningKey::from_bytes(&[9; 32])
    }

    #[test]
    fn a_signed_directory_is_accepted_and_names_the_members_keys() {
        let signed = directory().sign(&authority()).unwrap();
        let d = signed.accept(&authority().verifying_key(), NOW, Some(2)).unwrap();
        let kakanj = SigningKey::from_bytes(&[1; 32]).verifying_key();
        assert_eq!(d.key(&key_id("KAK", &kakanj)), Some(kakanj));
        assert_eq!(d.key("KAK:0000000000000000"), None, "a key id that is not the key's fingerprint");
        assert_eq!(d.key(&key_id("SAR", &kakanj)), None, "not a member");
        assert_eq!(d.offering("locate").count(), 2);
        // The order members are listed in does not change what is signed.
        let mut reordered = signed.clone();
        reordered.directory.members.reverse();
        assert!(reordered.accept(&authority().verifying_key(), NOW, None).is_ok());
    }

    #[test]
    fn forged_expired_premature_older_and_foreign_directories_are_refused() {
        let trusted = authority().verifying_key();
        let signed = directory().sign(&authority()).unwrap();
        let mut forged = signed.clone();
        forged.directory.members[0].base_url = "https://evil.test".into();
        assert_eq!(forged.accept(&trusted, NOW, None), Err(DirectoryError::BadSignature));
        assert!(matches!(signed.accept(&trusted, NOW + 90_000, None), Err(DirectoryError::Expired { .. })));
        assert!(matches!(signed.accept(&trusted, NOW - 1_000, None), Err(DirectoryError::NotYetValid { .. })));
        assert_eq!(signed.accept(&trusted, NOW, Some(4)), Err(DirectoryError::Older { got: 3, held: 4 }));
        let other = directory().sign(&SigningKey::from_bytes(&[8; 32])).unwrap();
        assert!(matches!(other.accept(&trusted, NOW, None), Err(DirectoryError::OtherAuthority(_))));
        let mut unsigned = signed.clone();
        unsigned.signature = String::new();
        assert_eq!(unsigned.accept(&trusted, NOW, None), Err(DirectoryError::BadSignature));
        // It survives a trip through JSON (as published and cached).
        let json = serde_json::to_string(&signed).unwrap();
        let back: SignedDirectory = serde_json::from_str(&json).unwrap();
        assert!(back.accept(&trusted, NOW, None).is_ok());
    }
}
