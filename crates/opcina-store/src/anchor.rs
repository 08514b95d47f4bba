//! The journal's anchors, as use cases: signing a checkpoint of this node's journal, keeping
//! a peer's checkpoint as its witness, and what `journal verify` checks the chain against.
//! The statement and its rules are in [`opcina_core::checkpoint`].

use async_trait::async_trait;
use ed25519_dalek::VerifyingKey;
use opcina_core::checkpoint::{Checkpoint, CheckpointError, Sequel};
use opcina_core::registry::Actor;

use crate::anchor_rows::{CheckpointRow, WitnessRow};
use crate::error::Result;
use crate::extracts::Sealer;
use crate::sql::prelude::*;
use crate::store::Store;
use crate::table::Row;
use crate::verify::Anchor;
use crate::writer::{WriteCx, WriteJob};

/// Signs a checkpoint of the journal head as the writer has it.
struct MakeCheckpoint {
    sealer: Sealer,
}

#[async_trait]
impl WriteJob for MakeCheckpoint {
    type Output = CheckpointRow;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<CheckpointRow> {
        let head = cx.txn.head();
        let reader = cx.txn.reader().await?;
        // Nothing written since the last checkpoint but that checkpoint itself: it stands.
        if let Some(last) = reader.checkpoints(1).await?.pop() {
            if last.id == head.seq {
                return Ok(last);
            }
        }
        let message = reader.last_message().await?.unwrap_or_default();
        let messages_hash = message.hash.as_slice().try_into().unwrap_or([0; 32]);
        let checkpoint = Checkpoint {
            node: cx.node()?.code.clone(),
            seq: head.seq,
            hash: head.hash,
            at: cx.now.0,
            messages_id: message.id,
            messages_hash,
        };
        let mut row = CheckpointRow {
            id: 0,
            seq: head.seq,
            statement: checkpoint.statement(),
            key_id: self.sealer.key_id().to_string(),
            signature: checkpoint.sign(self.sealer.key()).to_vec(),
            at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "journal.checkpoint").await?;
        Ok(row)
    }
}

/// Keeps a peer's checkpoint as its witness, once its signature holds.
struct Witness {
    member: String,
    statement: String,
    signature: Vec<u8>,
    key_id: String,
    key: VerifyingKey,
}

/// A peer's checkpoint kept, and how it follows the one kept before.
#[derive(Debug, Clone)]
pub struct Witnessed {
    pub row: WitnessRow,
    pub sequel: Sequel,
}

#[async_trait]
impl WriteJob for Witness {
    type Output = Result<Witnessed, CheckpointError>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let checkpoint = match Checkpoint::verify(&self.statement, &self.signature, &self.key) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let held_row = cx.txn.reader().await?.witnessed(&self.member).await?;
        let held = held_row.as_ref().and_then(|h| Checkpoint::parse(&h.statement).ok());
        let sequel = Sequel::of(held.as_ref(), &checkpoint);
        if let (Sequel::Same, Some(row)) = (sequel, held_row) {
            return Ok(Ok(Witnessed { row, sequel }));
        }
        let mut row = WitnessRow {
            id: 0,
            member: self.member.clone(),
            seq: checkpoint.seq,
            statement: self.statement.clone(),
            key_id: self.key_id.clone(),
            signature: self.signature.clone(),
            sequel: sequel.code().to_string(),
            received_at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "journal.witness").await?;
        if matches!(sequel, Sequel::Backward | Sequel::Fork) {
            tracing::error!(
                member = %self.member,
                seq = checkpoint.seq,
                held = held.as_ref().map_or(0, |h| h.seq),
                sequel = sequel.code(),
                "a peer's journal went back or was rewritten: its new checkpoint does not follow the one witnessed before"
            );
        }
        Ok(Ok(Witnessed { row, sequel }))
    }
}

impl Store {
    /// Signs a checkpoint of the journal head with the node's key and keeps it; when nothing
    /// was written since the last one, that one is returned.
    pub async fn checkpoint(&self, actor: &Actor, sealer: &Sealer) -> Result<CheckpointRow> {
        self.submit(actor, MakeCheckpoint { sealer: sealer.clone() }).await
    }

    /// This node's latest checkpoints, newest first.
    pub async fn checkpoints(&self, limit: i64) -> Result<Vec<CheckpointRow>> {
        self.backend().reads().checkpoints(limit).await
    }

    /// Keeps `member`'s checkpoint as its witness, if `signature` is `key`'s over
    /// `statement`; a checkpoint that goes back or forks is kept too (it is the evidence)
    /// and logged as an error.
    pub async fn witness(
        &self,
        actor: &Actor,
        member: &str,
        statement: &str,
        signature: &[u8],
        key_id: &str,
        key: VerifyingKey,
    ) -> Result<Result<Witnessed, CheckpointError>> {
        let job = Witness {
            member: member.to_string(),
            statement: statement.to_string(),
            signature: signature.to_vec(),
            key_id: key_id.to_string(),
            key,
        };
        self.submit(actor, job).await
    }

    /// The furthest checkpoint of `member` this node keeps (see `AnchorReads::witnessed`).
    pub async fn witnessed(&self, member: &str) -> Result<Option<WitnessRow>> {
        self.backend().reads().witnessed(member).await
    }

    /// This node's own checkpoints, newest first, each whose signature holds under the key of
    /// `keys` it names (the node's public key from its key file, which an intruder in the
    /// database cannot change, or the keys the database lists), with how a report names it;
    /// one that does not hold is returned apart, as forged.
    pub async fn own_checkpoints(&self, keys: &[VerifyingKey]) -> Result<(Vec<(Checkpoint, String)>, Vec<(i64, CheckpointError)>)> {
        let mut held = Vec::new();
        let mut forged = Vec::new();
        for row in self.checkpoints(i64::MAX).await? {
            let key = keys.iter().find(|k| opcina_core::extract::seal::key_id(k) == row.key_id);
            match key.map(|k| Checkpoint::verify(&row.statement, &row.signature, k)) {
                Some(Ok(c)) => held.push((c, format!("checkpoint {}", row.id))),
                Some(Err(e)) => forged.push((row.id, e)),
                None => forged.push((row.id, CheckpointError::Forged)),
            }
        }
        Ok((held, forged))
    }

    /// [`Store::own_checkpoints`] as anchors for [`crate::verify::verify_anchored`].
    pub async fn own_anchors(&self, keys: &[VerifyingKey]) -> Result<(Vec<Anchor>, Vec<(i64, CheckpointError)>)> {
        let (held, forged) = self.own_checkpoints(keys).await?;
        Ok((held.into_iter().map(|(c, source)| Anchor::of(&c, source)).collect(), forged))
    }
}
