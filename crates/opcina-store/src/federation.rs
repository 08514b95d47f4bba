//! The federation's side of the store: the hash-chained message log (every exchange with
//! another member, written before an answer is sent or a result is used, with the reads of
//! a person's records it carried in the same transaction) and its verification.

use opcina_core::registry::Timestamp;

use crate::error::Result;
use crate::rows::{MessageRow, Row};
use crate::store::Store;

/// The hash before the first row of the chain.
pub const CHAIN_START: [u8; 32] = [0; 32];

/// The exchange `row` chained after `prev_hash` as the `id`-th journal position.
pub(crate) fn chained(row: &MessageRow, id: i64, now: Timestamp, prev_hash: Vec<u8>) -> MessageRow {
    let mut row = MessageRow { id, at: now.0, prev_hash, ..row.clone() };
    row.hash = row.chain_hash().to_vec();
    row
}

/// A break in the message log's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// The row's hash is not the hash of its content: the row was changed.
    Changed { id: i64 },
    /// The row does not follow the one before it: a row was removed or inserted before it.
    Unlinked { id: i64 },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainProblem::Changed { id } => write!(f, "message {id}: its content does not match its hash (changed)"),
            ChainProblem::Unlinked { id } => {
                write!(f, "message {id}: does not follow the message before it (a message was removed or inserted)")
            }
        }
    }
}

/// What a verification of the message log found.
#[derive(Debug, Clone, Default)]
pub struct ChainReport {
    pub messages: u64,
    pub problems: Vec<ChainProblem>,
}

/// Walks the message log in order and checks every row's hash and link.
pub async fn verify_chain(store: &Store) -> Result<ChainReport> {
    const PAGE: i64 = 5_000;
    let mut report = ChainReport::default();
    let mut prev = CHAIN_START.to_vec();
    let mut after = 0;
    loop {
        let page = store.backend().rows_page("federation_messages", after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id();
        for row in page {
            let Row::Message(m) = row else { continue };
            report.messages += 1;
            if m.chain_hash().as_slice() != m.hash.as_slice() {
                report.problems.push(ChainProblem::Changed { id: m.id });
            }
            if m.prev_hash != prev {
                report.problems.push(ChainProblem::Unlinked { id: m.id });
            }
            prev = m.hash.clone();
        }
    }
    Ok(report)
}
