//! The federation's side of the store: the hash-chained message log (every exchange with
//! another member, written before an answer is sent or a result is used, with the reads of
//! a person's records it carried in the same transaction) and its verification.

use opcina_core::Jmbg;
use opcina_core::registry::annotation::Annotation;
use opcina_core::registry::commands::{AddAnnotation, Command};
use opcina_core::registry::{Actor, Register, Role, Timestamp};

use crate::error::{Result, StoreError};
use crate::rows::{DeliveryRow, InboxRow, MessageRow, Row};
use crate::store::{Store, today};

/// The hash before the first row of the chain.
pub const CHAIN_START: [u8; 32] = [0; 32];

/// The exchange `row` chained after `prev_hash` as the `id`-th journal position.
pub(crate) fn chained(row: &MessageRow, id: i64, now: Timestamp, prev_hash: Vec<u8>) -> MessageRow {
    let mut row = MessageRow { id, at: now.0, prev_hash, ..row.clone() };
    row.hash = row.chain_hash().to_vec();
    row
}

/// A notice as received from another member.
#[derive(Debug, Clone)]
pub struct IncomingNotice {
    /// The sender's code and outbox id: `KAK:1234`.
    pub notice_id: String,
    pub member: String,
    pub subject: Jmbg,
    pub annotation: Annotation,
}

impl Store {
    /// Applies a notice to the person's birth entry (as the member's registrar, at the office
    /// keeping the entry), or queues it for this node's registrar when it cannot be applied
    /// (no birth entry here, or the annotation is refused) — once: a notice received again
    /// gets the answer recorded the first time.
    pub async fn apply_notice(&self, notice: IncomingNotice) -> Result<InboxRow> {
        let mut ex = self.exclusive().await?;
        // The writer is held: no other delivery of this notice can be recorded meanwhile.
        if let Some(seen) = self.backend().inbox(&notice.notice_id).await? {
            ex.rollback().await?;
            return Ok(seen);
        }
        let now = Timestamp::now();
        let records = ex.txn.reader().await?.person_records(&notice.subject).await?;
        let birth = records
            .entries
            .iter()
            .filter(|e| e.content.register() == Register::Births && e.content.subject() == &notice.subject)
            .max_by_key(|e| e.id)
            .cloned();
        let text = serde_json::to_string(&notice.annotation).map_err(|e| StoreError::corrupt("federation_inbox", 0, e))?;
        let mut row = InboxRow {
            id: 0,
            notice_id: notice.notice_id.clone(),
            member: notice.member.clone(),
            subject_jmbg: notice.subject.to_string(),
            annotation: text,
            status: "queued".into(),
            annotation_id: None,
            reason: None,
            received_at: now.0,
        };
        let system = Actor::system(&format!("federation:{}", notice.member));
        match birth {
            None => row.reason = Some("no birth entry of the person on this node".into()),
            Some(entry) => {
                let actor =
                    Actor { username: format!("federation:{}", notice.member), role: Role::Registrar, office: Some(entry.office.clone()) };
                let node = ex.txn.reader().await?.node().await?.ok_or(StoreError::NotInitialised)?;
                let command = Command::AddAnnotation(AddAnnotation { entry_id: entry.id, annotation: notice.annotation.clone() });
                match crate::exec::execute(&mut ex.txn, &node, &actor, &command, today(), now).await? {
                    Ok(applied) => {
                        row.status = "applied".into();
                        row.annotation_id = applied.annotations.first().map(|a| a.id);
                    }
                    Err(refusal) => row.reason = Some(refusal.to_string()),
                }
            }
        }
        row.id = ex.txn.append(Row::Inbox(row.clone()), now, &system, "federation.notice.received").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// Marks a queued notice as handled by a registrar (who annotated the entry by hand, or
    /// found nothing to annotate), with what they say about it. `None` when no such notice
    /// waits.
    pub async fn notice_handled(&self, actor: &Actor, id: i64, note: &str) -> Result<Option<InboxRow>> {
        let mut ex = self.exclusive().await?;
        let Some(mut row) = self.backend().queued_notice(id).await? else {
            ex.rollback().await?;
            return Ok(None);
        };
        let now = Timestamp::now();
        let by = format!("handled by {} on {}: {}", actor.username, today(), note.trim());
        row.status = "handled".into();
        row.reason = Some(match row.reason.take() {
            Some(why) => format!("{why}; {by}"),
            None => by,
        });
        ex.txn.update(Row::Inbox(row.clone()), now, actor, "federation.notice.handled").await?;
        ex.commit().await?;
        Ok(Some(row))
    }

    /// Records a notice's delivery with the holder's receipt (once).
    pub async fn record_delivery(&self, outbox_id: i64, member: &str, status: &str, receipt: &str) -> Result<DeliveryRow> {
        let mut ex = self.exclusive().await?;
        if let Some(done) = self.backend().delivery(outbox_id).await? {
            ex.rollback().await?;
            return Ok(done);
        }
        let now = Timestamp::now();
        let mut row = DeliveryRow {
            id: 0,
            outbox_id,
            member: member.to_string(),
            status: status.to_string(),
            receipt: receipt.to_string(),
            at: now.0,
        };
        row.id = ex.txn.append(Row::Delivery(row.clone()), now, &Actor::system("federation"), "federation.notice.delivered").await?;
        ex.commit().await?;
        Ok(row)
    }
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
