//! The reads of the journal's anchors, written once for both databases.

use async_trait::async_trait;

use crate::anchor_rows::{CheckpointRow, WitnessRow};
use crate::backend::{Reads, all, one};
use crate::error::Result;
use crate::table::Record;

#[async_trait]
pub trait AnchorReads: Reads {
    /// This node's checkpoints, newest first.
    async fn checkpoints(&mut self, limit: i64) -> Result<Vec<CheckpointRow>> {
        all(self, &format!("SELECT {} FROM checkpoints ORDER BY id DESC LIMIT $1", CheckpointRow::COLUMNS), &[&limit]).await
    }

    /// The furthest checkpoint of `member` this node keeps as witness: the highest journal
    /// position, the first received there. Not the last received: a node put back to an
    /// older copy sends an older checkpoint when it starts, and the witness must go on
    /// answering with the one the copy lacks.
    async fn witnessed(&mut self, member: &str) -> Result<Option<WitnessRow>> {
        let sql = format!("SELECT {} FROM witnessed_checkpoints WHERE member = $1 ORDER BY seq DESC, id ASC LIMIT 1", WitnessRow::COLUMNS);
        one(self, &sql, &[&member]).await
    }
}

impl<R: Reads + ?Sized> AnchorReads for R {}
