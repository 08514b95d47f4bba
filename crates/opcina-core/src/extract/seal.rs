//! The municipality's seal on an issued document, with its Ed25519 key.
//!
//! Two signatures, for two ways of checking:
//! - the **content seal** signs the extract's number and the hash of its canonical content.
//!   It is printed in the QR code's link, so that the paper alone (or a photo of it) can be
//!   checked on the verification page, and kept in the issued-extract register;
//! - the **file seal** signs the PDF file itself. The PDF is made with a fixed-length
//!   placeholder in its metadata; the signature over the file with the placeholder in place
//!   is then written over it. `opcina extract verify FILE.pdf` puts the placeholder back,
//!   hashes, and checks: any change to any byte of the file breaks the seal.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::content::{ContentHash, ExtractNumber};

/// Marks the file seal in the PDF's metadata (document keywords).
pub const FILE_SEAL_TAG: &str = "opcina-file-seal:";
/// Marks the extract's identity in the PDF's metadata: number, content hash, content seal.
pub const EXTRACT_TAG: &str = "opcina-extract:";
const SIG_HEX: usize = 128;

/// The keyword written into a PDF before it is sealed.
pub fn file_seal_placeholder() -> String {
    format!("{FILE_SEAL_TAG}{}", "0".repeat(SIG_HEX))
}

/// The keyword that names the extract inside its PDF.
pub fn extract_keyword(number: &ExtractNumber, hash: &ContentHash, content_seal: &[u8; 64]) -> String {
    format!("{EXTRACT_TAG}{}:{}:{}", number.id(), hex::encode(hash), hex::encode(content_seal))
}

fn content_message(number: &ExtractNumber, hash: &ContentHash) -> Vec<u8> {
    format!("opcina-extract-v1\n{}\n{}\n", number.id(), hex::encode(hash)).into_bytes()
}

fn file_message(file_hash: &[u8; 32]) -> Vec<u8> {
    format!("opcina-extract-file-v1\n{}\n", hex::encode(file_hash)).into_bytes()
}

pub fn sign_content(key: &SigningKey, number: &ExtractNumber, hash: &ContentHash) -> [u8; 64] {
    key.sign(&content_message(number, hash)).to_bytes()
}

pub fn verify_content(key: &VerifyingKey, number: &ExtractNumber, hash: &ContentHash, seal: &[u8; 64]) -> bool {
    key.verify_strict(&content_message(number, hash), &Signature::from_bytes(seal)).is_ok()
}

/// The seal as it appears in links.
pub fn encode_seal(seal: &[u8; 64]) -> String {
    URL_SAFE_NO_PAD.encode(seal)
}

pub fn decode_seal(text: &str) -> Option<[u8; 64]> {
    URL_SAFE_NO_PAD.decode(text.trim()).ok()?.try_into().ok()
}

/// The link the QR code carries; it needs no login.
pub fn verify_url(base: &str, number: &ExtractNumber, seal: &[u8; 64]) -> String {
    format!("{}/verify/{}?s={}", base.trim_end_matches('/'), number.id(), encode_seal(seal))
}

/// A short fingerprint of a public key, printed on documents and shown by verification.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

/// Why a file's seal does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileSealError {
    #[error("the file carries no opcina seal (not an extract issued by opcina, or its metadata was rewritten)")]
    NoSeal,
    #[error("the file carries more than one different seal")]
    Inconsistent,
    #[error("the file has not been sealed (its seal is still the placeholder)")]
    Unsealed,
    #[error("the seal does not match the file: the file was changed after it was issued, or was sealed with another key")]
    Mismatch,
    #[error("the file names no extract (its metadata was rewritten)")]
    NoIdentity,
}

fn positions(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return Vec::new();
    }
    haystack.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

/// Seals a PDF made with [`file_seal_placeholder`] in its metadata: signs the file as it is
/// and writes the signature over every copy of the placeholder (the PDF's information
/// dictionary and its XMP metadata both carry it).
pub fn seal_file(pdf: &mut [u8], key: &SigningKey) -> Result<(), FileSealError> {
    let placeholder = file_seal_placeholder();
    let at = positions(pdf, placeholder.as_bytes());
    if at.is_empty() {
        return Err(FileSealError::NoSeal);
    }
    let file_hash: [u8; 32] = Sha256::digest(&*pdf).into();
    let signature = hex::encode(key.sign(&file_message(&file_hash)).to_bytes());
    for p in at {
        let start = p + FILE_SEAL_TAG.len();
        pdf[start..start + SIG_HEX].copy_from_slice(signature.as_bytes());
    }
    Ok(())
}

/// What a sealed file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIdentity {
    pub number: ExtractNumber,
    pub content_hash: ContentHash,
    pub content_seal: [u8; 64],
}

/// Checks a sealed PDF with the municipality's public key; returns the extract it names.
pub fn check_file(pdf: &[u8], key: &VerifyingKey) -> Result<FileIdentity, FileSealError> {
    let at = positions(pdf, FILE_SEAL_TAG.as_bytes());
    let mut seal: Option<&[u8]> = None;
    for &p in &at {
        let start = p + FILE_SEAL_TAG.len();
        let value = pdf.get(start..start + SIG_HEX).ok_or(FileSealError::NoSeal)?;
        if seal.is_some_and(|s| s != value) {
            return Err(FileSealError::Inconsistent);
        }
        seal = Some(value);
    }
    let seal = seal.ok_or(FileSealError::NoSeal)?;
    let signature: [u8; 64] = hex::decode(seal).ok().and_then(|b| b.try_into().ok()).ok_or(FileSealError::Mismatch)?;
    if signature == [0; 64] {
        return Err(FileSealError::Unsealed);
    }
    let mut unsealed = pdf.to_vec();
    for p in at {
        let start = p + FILE_SEAL_TAG.len();
        unsealed[start..start + SIG_HEX].fill(b'0');
    }
    let file_hash: [u8; 32] = Sha256::digest(&unsealed).into();
    key.verify_strict(&file_message(&file_hash), &Signature::from_bytes(&signature)).map_err(|_| FileSealError::Mismatch)?;
    identity(pdf).ok_or(FileSealError::NoIdentity)
}

/// Reads the extract keyword: `opcina-extract:KAK-2026-1:<hash hex>:<seal hex>`.
fn identity(pdf: &[u8]) -> Option<FileIdentity> {
    let p = *positions(pdf, EXTRACT_TAG.as_bytes()).first()?;
    let rest = &pdf[p + EXTRACT_TAG.len()..];
    let end = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')).unwrap_or(rest.len());
    let text = std::str::from_utf8(&rest[..end]).ok()?;
    let mut parts = text.split(':');
    let number = ExtractNumber::parse(parts.next()?)?;
    let content_hash = hex::decode(parts.next()?).ok()?.try_into().ok()?;
    let content_seal = hex::decode(parts.next()?).ok()?.try_into().ok()?;
    Some(FileIdentity { number, content_hash, content_seal })
}

/// Makes a key from 32 secret bytes (as kept in the node's key file, hex).
pub fn signing_key_from_hex(text: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

pub fn verifying_key_from_hex(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn number() -> ExtractNumber {
        ExtractNumber { office: "KAK".into(), year: 2026, serial: 7 }
    }

    fn sample_file(hash: &ContentHash, seal: &[u8; 64]) -> Vec<u8> {
        let kw = format!("{}, {}", extract_keyword(&number(), hash, seal), file_seal_placeholder());
        format!(
            "%PDF-1.7\n1 0 obj << /Keywords ({kw}) >> endobj\n<x:xmpmeta>{kw}</x:xmpmeta>\nstream BT (Đorđević) Tj ET endstream\n%%EOF\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_content_seal_holds_for_its_number_and_hash_only() {
        let k = key(1);
        let hash = [7u8; 32];
        let seal = sign_content(&k, &number(), &hash);
        assert!(verify_content(&k.verifying_key(), &number(), &hash, &seal));
        assert!(!verify_content(&k.verifying_key(), &number(), &[8u8; 32], &seal));
        let other = ExtractNumber { serial: 8, ..number() };
        assert!(!verify_content(&k.verifying_key(), &other, &hash, &seal));
        assert!(!verify_content(&key(2).verifying_key(), &number(), &hash, &seal));
        assert_eq!(decode_seal(&encode_seal(&seal)), Some(seal));
    }

    #[test]
    fn a_sealed_file_verifies_and_names_its_extract() {
        let k = key(1);
        let (hash, seal) = ([3u8; 32], [4u8; 64]);
        let mut pdf = sample_file(&hash, &seal);
        assert_eq!(check_file(&pdf, &k.verifying_key()), Err(FileSealError::Unsealed));
        seal_file(&mut pdf, &k).unwrap();
        let id = check_file(&pdf, &k.verifying_key()).unwrap();
        assert_eq!(id, FileIdentity { number: number(), content_hash: hash, content_seal: seal });
    }

    #[test]
    fn any_changed_byte_breaks_the_file_seal() {
        let k = key(1);
        let mut pdf = sample_file(&[3u8; 32], &[4u8; 64]);
        seal_file(&mut pdf, &k).unwrap();
        let text = String::from_utf8(pdf.clone()).unwrap();
        let changed = text.replace("Đorđević", "Đorđevic").into_bytes();
        assert_eq!(check_file(&changed, &k.verifying_key()), Err(FileSealError::Mismatch));
        let mut flipped = pdf.clone();
        let last = flipped.len() - 2;
        flipped[last] ^= 1;
        assert_eq!(check_file(&flipped, &k.verifying_key()), Err(FileSealError::Mismatch));
        assert_eq!(check_file(&pdf, &key(2).verifying_key()), Err(FileSealError::Mismatch));
        assert_eq!(check_file(b"%PDF-1.7 nothing", &k.verifying_key()), Err(FileSealError::NoSeal));
    }
}
