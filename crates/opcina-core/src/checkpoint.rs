//! Checkpoints: a node's signed statement of where its journal stood at a moment — the
//! position and hash of its head, and the last message of its federation message log.
//!
//! The journal's chain is plain SHA-256: whoever can write the database can change a row
//! and compute the chain again, or cut the journal's end off together with its rows, and the
//! chain still holds. A checkpoint is signed with the node's Ed25519 key, which is kept in a
//! file, not in the database, and is sent to the node's federation peers, which keep it as
//! witnesses. A journal is then proven up to its latest checkpoint: a recomputed chain does
//! not match the signed hash, a cut journal ends before a signed position, and a copy
//! restored from before a checkpoint lacks it.
//!
//! The statement is a few lines of text, so that an operator can read what was signed and
//! any tool can check it: the first line names the format, then `key value` lines in a fixed
//! order, hashes in lowercase hex.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::journal::Hash;

/// The first line of a checkpoint statement.
pub const FORMAT: &str = "opcina-checkpoint/1";

/// What a checkpoint states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The code of the node that signed it.
    pub node: String,
    /// The journal head: its position and hash.
    pub seq: i64,
    pub hash: Hash,
    /// When it was made (microseconds since the epoch).
    pub at: i64,
    /// The last message of the node's federation message log (id 0 and zeros: none yet).
    pub messages_id: i64,
    pub messages_hash: Hash,
}

/// Why a statement is not a checkpoint, or not this one's signer's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a checkpoint statement: {0}")]
    Malformed(String),
    #[error("the signature is not 64 bytes")]
    SignatureLength,
    #[error("the signature does not verify with the signer's key")]
    Forged,
}

impl Checkpoint {
    /// The exact text that is signed.
    pub fn statement(&self) -> String {
        format!(
            "{FORMAT}\nnode {}\nseq {}\nhash {}\nat {}\nmessages {} {}\n",
            self.node,
            self.seq,
            hex::encode(self.hash),
            self.at,
            self.messages_id,
            hex::encode(self.messages_hash)
        )
    }

    /// Reads a statement back; only the exact form [`Checkpoint::statement`] writes is taken.
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = |why: &str| CheckpointError::Malformed(why.to_string());
        let mut lines = text.strip_suffix('\n').ok_or_else(|| bad("it does not end with a newline"))?.split('\n');
        if lines.next() != Some(FORMAT) {
            return Err(bad("the first line is not the format's name"));
        }
        let mut field = |name: &str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(' '))
                .ok_or_else(|| CheckpointError::Malformed(format!("the line `{name}` is missing or out of place")))
        };
        let node = field("node")?.to_string();
        let seq = int(field("seq")?, "seq")?;
        let hash = hash(field("hash")?, "hash")?;
        let at = int(field("at")?, "at")?;
        let (messages_id, messages_hash) = field("messages")?.split_once(' ').ok_or_else(|| bad("`messages` needs an id and a hash"))?;
        let checkpoint =
            Checkpoint { node, seq, hash, at, messages_id: int(messages_id, "messages")?, messages_hash: hash_of(messages_hash)? };
        if lines.next().is_some() {
            return Err(bad("there are lines after `messages`"));
        }
        if checkpoint.node.is_empty() || checkpoint.node.contains(char::is_whitespace) || checkpoint.seq < 0 || checkpoint.messages_id < 0 {
            return Err(bad("the node is empty, or a position is negative"));
        }
        if checkpoint.statement() != text {
            return Err(bad("it is not in canonical form"));
        }
        Ok(checkpoint)
    }

    /// The statement's Ed25519 signature.
    pub fn sign(&self, key: &SigningKey) -> [u8; 64] {
        key.sign(self.statement().as_bytes()).to_bytes()
    }

    /// Reads a signed statement and checks its signature with the signer's key.
    pub fn verify(text: &str, signature: &[u8], key: &VerifyingKey) -> Result<Checkpoint, CheckpointError> {
        let checkpoint = Checkpoint::parse(text)?;
        let signature = Signature::from_slice(signature).map_err(|_| CheckpointError::SignatureLength)?;
        key.verify(text.as_bytes(), &signature).map_err(|_| CheckpointError::Forged)?;
        Ok(checkpoint)
    }
}

fn int(s: &str, name: &str) -> Result<i64, CheckpointError> {
    s.parse::<i64>().map_err(|_| CheckpointError::Malformed(format!("`{name}` is not a number")))
}

fn hash(s: &str, name: &str) -> Result<Hash, CheckpointError> {
    hash_of(s).map_err(|_| CheckpointError::Malformed(format!("`{name}` is not a SHA-256 in hex")))
}

fn hash_of(s: &str) -> Result<Hash, CheckpointError> {
    let bytes = hex::decode(s).map_err(|_| CheckpointError::Malformed("a hash is not hex".into()))?;
    Hash::try_from(bytes.as_slice()).map_err(|_| CheckpointError::Malformed("a hash is not 32 bytes".into()))
}

/// How a witness's checkpoint of a node compares with the one it held before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequel {
    /// The first one, or one further along.
    Forward,
    /// The same position and hash again.
    Same,
    /// An earlier position than one already witnessed: the node went back (restored from an
    /// older copy, or its journal was cut).
    Backward,
    /// The same position with another hash: the node's journal was rewritten.
    Fork,
}

impl Sequel {
    pub fn code(self) -> &'static str {
        match self {
            Sequel::Forward => "forward",
            Sequel::Same => "same",
            Sequel::Backward => "backward",
            Sequel::Fork => "fork",
        }
    }

    /// How `next` follows `held` (the latest one witnessed before, if any).
    pub fn of(held: Option<&Checkpoint>, next: &Checkpoint) -> Sequel {
        match held {
            None => Sequel::Forward,
            Some(h) if next.seq > h.seq => Sequel::Forward,
            Some(h) if next.seq < h.seq => Sequel::Backward,
            Some(h) if next.hash == h.hash => Sequel::Same,
            Some(_) => Sequel::Fork,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Checkpoint {
        Checkpoint { node: "KAK".into(), seq: 1234, hash: [7; 32], at: 1_700_000_000_000_000, messages_id: 0, messages_hash: [0; 32] }
    }

    #[test]
    fn a_statement_reads_back_and_its_signature_holds_only_for_it() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let c = sample();
        let text = c.statement();
        assert!(text.starts_with("opcina-checkpoint/1\nnode KAK\nseq 1234\nhash 0707"), "{text}");
        let signature = c.sign(&key);
        assert_eq!(Checkpoint::verify(&text, &signature, &key.verifying_key()), Ok(c.clone()));
        let moved = text.replace("seq 1234", "seq 1235");
        assert_eq!(Checkpoint::verify(&moved, &signature, &key.verifying_key()), Err(CheckpointError::Forged));
        let other = SigningKey::from_bytes(&[8; 32]);
        assert_eq!(Checkpoint::verify(&text, &signature, &other.verifying_key()), Err(CheckpointError::Forged));
        assert_eq!(Checkpoint::verify(&text, &signature[..10], &key.verifying_key()), Err(CheckpointError::SignatureLength));
    }

    #[test]
    fn only_the_canonical_form_is_taken() {
        let text = sample().statement();
        for bad in [
            text.replace("opcina-checkpoint/1", "opcina-checkpoint/2"),
            text.trim_end().to_string(),
            text.replace("seq 1234", "seq 01234"),
            text.replace("seq 1234", "seq -1"),
            text.replace("node KAK", "node K K"),
            text.replace("hash 07", "hash 7"),
            format!("{text}extra\n"),
            text.replace("\nat ", "\nwhen "),
        ] {
            assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_witness_tells_forward_from_backward_and_a_fork() {
        let held = sample();
        let mut next = sample();
        assert_eq!(Sequel::of(None, &next), Sequel::Forward);
        assert_eq!(Sequel::of(Some(&held), &next), Sequel::Same);
        next.hash = [8; 32];
        assert_eq!(Sequel::of(Some(&held), &next), Sequel::Fork);
        next.seq = 1300;
        assert_eq!(Sequel::of(Some(&held), &next), Sequel::Forward);
        next.seq = 1000;
        assert_eq!(Sequel::of(Some(&held), &next), Sequel::Backward);
    }
}
