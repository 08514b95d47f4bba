//! The journal: one append-only, hash-chained log of every change to authoritative data.
//!
//! Each item names the row it wrote (table and id) and carries the SHA-256 of the row's
//! canonical content; each item's hash covers its predecessor's. Verification walks the
//! chain and compares every row of every authoritative table with the last item written for
//! it, so a row inserted, changed or deleted behind the program's back is found and named.
//!
//! Canonical row encoding: a domain tag and the table name, then every column in schema
//! order, each as a type tag followed by a fixed-width or length-prefixed value. Two rows
//! hash alike only if every column is equal.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::registry::Timestamp;

pub type Hash = [u8; 32];

/// The `prev_hash` of the first item.
pub const GENESIS: Hash = [0u8; 32];

/// Builds the canonical hash of one row, column by column.
#[derive(Clone)]
pub struct RowHasher(Sha256);

impl RowHasher {
    pub fn new(table: &str) -> Self {
        let mut h = RowHasher(Sha256::new());
        h.0.update(b"opcina-row-v1\0");
        h.text(table);
        h
    }

    pub fn null(&mut self) -> &mut Self {
        self.0.update([0u8]);
        self
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.0.update([1u8]);
        self.0.update(v.to_be_bytes());
        self
    }

    pub fn text(&mut self, s: &str) -> &mut Self {
        self.0.update([2u8]);
        self.0.update((s.len() as u64).to_be_bytes());
        self.0.update(s.as_bytes());
        self
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update([3u8]);
        self.0.update((b.len() as u64).to_be_bytes());
        self.0.update(b);
        self
    }

    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.0.update([4u8, u8::from(b)]);
        self
    }

    pub fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    pub fn opt_bytes(&mut self, b: Option<&[u8]>) -> &mut Self {
        match b {
            Some(b) => self.bytes(b),
            None => self.null(),
        }
    }

    pub fn finish(&self) -> Hash {
        self.0.clone().finalize().into()
    }
}

/// The latest item of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalHead {
    pub seq: i64,
    #[serde(with = "hex_hash")]
    pub hash: Hash,
}

impl JournalHead {
    pub const EMPTY: JournalHead = JournalHead { seq: 0, hash: GENESIS };
}

/// One change to one row of an authoritative table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalItem {
    /// Position in the chain, from 1, gap-free.
    pub seq: i64,
    pub at: Timestamp,
    /// Who made the change (username, or the system's name for imports and seeding).
    pub actor: String,
    pub office: Option<String>,
    /// What was done, e.g. `registry.birth.registered`, `access.person.read`.
    pub action: String,
    pub table: String,
    pub row_id: i64,
    /// Hash of the row as written; `None` when the row was deleted.
    #[serde(with = "hex_opt_hash")]
    pub row_hash: Option<Hash>,
    #[serde(with = "hex_hash")]
    pub prev_hash: Hash,
    #[serde(with = "hex_hash")]
    pub hash: Hash,
}

impl JournalItem {
    /// Appends an item after `head`, computing its hash.
    #[allow(clippy::too_many_arguments)]
    pub fn append(
        head: &JournalHead,
        at: Timestamp,
        actor: &str,
        office: Option<&str>,
        action: &str,
        table: &str,
        row_id: i64,
        row_hash: Option<Hash>,
    ) -> Self {
        let mut item = JournalItem {
            seq: head.seq + 1,
            at,
            actor: actor.to_string(),
            office: office.map(str::to_string),
            action: action.to_string(),
            table: table.to_string(),
            row_id,
            row_hash,
            prev_hash: head.hash,
            hash: GENESIS,
        };
        item.hash = item.computed_hash();
        item
    }

    /// The hash this item must carry, from its content and its predecessor's hash.
    pub fn computed_hash(&self) -> Hash {
        let mut h = RowHasher::new("journal");
        h.bytes(&self.prev_hash)
            .int(self.seq)
            .int(self.at.0)
            .text(&self.actor)
            .opt_text(self.office.as_deref())
            .text(&self.action)
            .text(&self.table)
            .int(self.row_id)
            .opt_bytes(self.row_hash.as_ref().map(|h| h.as_slice()));
        h.finish()
    }

    pub fn head(&self) -> JournalHead {
        JournalHead { seq: self.seq, hash: self.hash }
    }
}

mod hex_hash {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(h))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let v = hex::decode(&s).map_err(serde::de::Error::custom)?;
        v.try_into().map_err(|_| serde::de::Error::custom("a hash has 32 bytes"))
    }
}

mod hex_opt_hash {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        match h {
            Some(h) => s.serialize_some(&hex::encode(h)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        s.map(|s| {
            let v = hex::decode(&s).map_err(serde::de::Error::custom)?;
            v.try_into().map_err(|_| serde::de::Error::custom("a hash has 32 bytes"))
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_chain_and_any_change_breaks_the_hash() {
        let a = JournalItem::append(&JournalHead::EMPTY, Timestamp(1), "ana", Some("KAK"), "x", "entries", 1, Some([7; 32]));
        let b = JournalItem::append(&a.head(), Timestamp(2), "ana", Some("KAK"), "x", "entries", 2, Some([8; 32]));
        assert_eq!(b.prev_hash, a.hash);
        assert_eq!(b.seq, 2);
        assert_eq!(b.computed_hash(), b.hash);
        let mut tampered = b.clone();
        tampered.row_id = 3;
        assert_ne!(tampered.computed_hash(), b.hash);
        let mut tampered = b.clone();
        tampered.office = None;
        assert_ne!(tampered.computed_hash(), b.hash);
    }

    #[test]
    fn row_hash_separates_columns_unambiguously() {
        // "ab" + "c" must differ from "a" + "bc", and NULL from the empty string.
        let h1 = RowHasher::new("t").text("ab").text("c").finish();
        let h2 = RowHasher::new("t").text("a").text("bc").finish();
        assert_ne!(h1, h2);
        let n = RowHasher::new("t").opt_text(None).finish();
        let e = RowHasher::new("t").opt_text(Some("")).finish();
        assert_ne!(n, e);
        let t1 = RowHasher::new("t1").int(1).finish();
        let t2 = RowHasher::new("t2").int(1).finish();
        assert_ne!(t1, t2);
    }
}
