//! The node's checkpoints as a running node makes them: one at start, one every period while
//! it serves, each sent to the federation's other members to keep as witnesses
//! ([`opcina_store::anchor`]). A checkpoint that a peer does not take is not retried: the
//! next one supersedes it, and a witness needs only the latest.

use std::sync::Arc;
use std::time::Duration;

use opcina_core::registry::Actor;
use opcina_federation::messages::CheckpointReceipt;
use opcina_store::anchor_rows::CheckpointRow;
use opcina_store::extracts::Sealer;
use opcina_store::{Store, StoreError};

use crate::federation::{Answered, Federation};

/// Signs a checkpoint of the journal now and, when it is new, sends it to the peers; their
/// receipts (none without a federation).
pub async fn checkpoint_now(
    store: &Store,
    sealer: &Sealer,
    federation: Option<&Federation>,
) -> Result<(CheckpointRow, Vec<Answered<CheckpointReceipt>>), StoreError> {
    let before = store.checkpoints(1).await?.pop().map(|c| c.id);
    let row = store.checkpoint(&Actor::system("journal.checkpoint"), sealer).await?;
    let receipts = match federation {
        Some(f) if before != Some(row.id) => f.send_checkpoint(store, &row).await,
        _ => Vec::new(),
    };
    for r in &receipts {
        match &r.result {
            Ok(receipt) if receipt.sequel == "forward" || receipt.sequel == "same" => {
                tracing::debug!(member = %r.member, seq = receipt.seq, "checkpoint witnessed")
            }
            Ok(receipt) => tracing::error!(
                member = %r.member,
                seq = receipt.seq,
                sequel = %receipt.sequel,
                "a witness holds a later or different checkpoint of this node: this journal went back or was rewritten"
            ),
            Err(error) => tracing::warn!(member = %r.member, %error, "a checkpoint was not witnessed"),
        }
    }
    Ok((row, receipts))
}

/// Makes a checkpoint at once and then every `every`.
pub fn spawn_checkpoints(
    store: Store,
    sealer: Sealer,
    federation: Option<Arc<Federation>>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match checkpoint_now(&store, &sealer, federation.as_deref()).await {
                Ok((row, _)) => tracing::info!(seq = row.seq, checkpoint = row.id, "journal checkpoint"),
                Err(error) => tracing::warn!(%error, "no journal checkpoint could be made; trying again at the next period"),
            }
        }
    })
}
