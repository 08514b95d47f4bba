//! Rows of the journal's anchors: the checkpoints this node signed of its own journal, and
//! those its federation peers sent it to keep as their witness.

use crate::table::Table;
use crate::table_row;

/// A checkpoint this node signed ([`opcina_core::checkpoint`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRow {
    pub id: i64,
    /// The journal position it states (the row itself is journaled after it).
    pub seq: i64,
    /// The statement signed, as signed.
    pub statement: String,
    pub key_id: String,
    /// Ed25519, 64 bytes.
    pub signature: Vec<u8>,
    pub at: i64,
}

/// A peer's checkpoint this node keeps as its witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessRow {
    pub id: i64,
    /// The federation member that sent it (authenticated by its request's signature).
    pub member: String,
    pub seq: i64,
    pub statement: String,
    pub key_id: String,
    pub signature: Vec<u8>,
    /// How it follows the one held before ([`opcina_core::checkpoint::Sequel`]): `forward`,
    /// `same`, `backward` (the peer went back) or `fork` (its journal was rewritten).
    pub sequel: String,
    pub received_at: i64,
}

/// The anchor tables.
pub const TABLES: &[Table] = &[Table::append_only::<CheckpointRow>(), Table::append_only::<WitnessRow>()];

table_row!(CheckpointRow, "checkpoints", [id, seq, statement, key_id, signature, at]);
table_row!(WitnessRow, "witnessed_checkpoints", [id, member, seq, statement, key_id, signature, sequel, received_at]);
