//! The federation's side of the store: the hash-chained message log (every exchange with
//! another member, written before an answer is sent or a result is used, with the reads of
//! a person's records it carried in the same transaction) and its verification.

use async_trait::async_trait;
use opcina_core::checkpoint::Checkpoint;
use opcina_core::extract::ExtractRequest;
use opcina_core::extract::content::records_at;
use opcina_core::extract::eligibility::{Denial, Eligibility};
use opcina_core::extract::request::Relation;
use opcina_core::registry::PersonRecords;
use opcina_core::registry::annotation::Annotation;
use opcina_core::registry::commands::{AddAnnotation, Command};
use opcina_core::registry::{Actor, Register, Role, Timestamp};
use opcina_core::{Jmbg, Refusal};

use crate::backend::NoticeCounts;
use crate::error::{Result, StoreError};
use crate::extracts::Withheld;
use crate::rows::{AccessRow, DeliveryRow, InboxRow, MessageRow, OutboxRow, Row};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::writer::{WriteCx, WriteJob};

/// The hash before the first row of the chain.
pub const CHAIN_START: [u8; 32] = [0; 32];

/// The exchange `row` chained after `prev_hash` as the `id`-th journal position.
pub(crate) fn chained(row: &MessageRow, id: i64, now: Timestamp, prev_hash: Vec<u8>) -> MessageRow {
    let mut row = MessageRow { id, at: now.0, prev_hash, ..row.clone() };
    row.hash = row.chain_hash().to_vec();
    row
}

/// The last hash of the message log, kept for the rest of a write transaction.
struct ChainHead(Vec<u8>);

/// An exchange for the message log, with the reads of personal records it carried.
struct Exchange {
    row: MessageRow,
    reads: Vec<AccessRow>,
}

#[async_trait]
impl WriteJob for Exchange {
    type Output = MessageRow;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<MessageRow> {
        // The last hash is read once per transaction (the writer is held): later exchanges
        // of the same batch chain after the ones before them.
        let prev = match cx.txn.memo::<ChainHead>() {
            Some(head) => head.0.clone(),
            None => cx.txn.reader().await?.last_message().await?.map_or_else(|| CHAIN_START.to_vec(), |m| m.hash),
        };
        let row = chained(&self.row, cx.txn.next_id(), cx.now, prev);
        cx.txn.set_memo(ChainHead(row.hash.clone()));
        let action = if row.direction == "in" { "federation.message.answered" } else { "federation.message.sent" };
        cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, action).await?;
        crate::exec::append_reads(cx.txn, cx.actor, &self.reads, cx.now).await?;
        Ok(row)
    }
}

/// The records of a person another member asked for to issue a document there.
#[derive(Debug, Clone)]
pub struct HeldEntry {
    /// This node's journal position the records were read at.
    pub position: i64,
    pub records: PersonRecords,
    /// The entry the document is drawn from.
    pub entry_id: i64,
}

/// Why this node does not release the records a member asked for.
#[derive(Debug, Clone)]
pub enum NotReleased {
    Withheld(Withheld),
    /// The request is incomplete for the requester's relation.
    Incomplete(Refusal),
    /// The requester is not entitled to the document.
    Denied(Denial),
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
    /// The records another member asks for to issue a document there, judged by the rule
    /// this node issues its own documents by ([`Store::entitlement`]): released only to a
    /// requester entitled to the document, and only what the document and the requester's
    /// own check need (the birth entries naming the person as a parent go out only when the
    /// relation is established through them). The caller logs the read with the exchange.
    pub async fn entry_for_extract(&self, request: &ExtractRequest) -> Result<std::result::Result<HeldEntry, NotReleased>> {
        let position = self.inner.backend.journal_head().await?.seq;
        let mut records = records_at(&self.inner.backend.reads().person_records(&request.jmbg).await?, position);
        let judged = match self.entitlement(request, &records, position).await? {
            Ok(j) => j,
            Err(withheld) => return Ok(Err(NotReleased::Withheld(withheld))),
        };
        match judged.eligibility {
            Eligibility::Entitled(_) => {}
            Eligibility::Incomplete(r) => return Ok(Err(NotReleased::Incomplete(r))),
            Eligibility::Denied(d) => return Ok(Err(NotReleased::Denied(d))),
        }
        if !matches!(request.relation, Relation::Child | Relation::Grandchild) {
            records.children.clear();
            records.children_annotations.clear();
        }
        Ok(Ok(HeldEntry { position, records, entry_id: judged.entry.id }))
    }

    /// The registers this node holds entries of a person in (`MKR`, `MKV`, …), in order.
    pub async fn registers_of(&self, jmbg: &Jmbg) -> Result<Vec<String>> {
        let records = self.inner.backend.reads().person_records(jmbg).await?;
        let numbers = records.numbers(jmbg);
        let mut registers: Vec<String> = records
            .entries
            .iter()
            .filter(|e| numbers.iter().any(|j| e.content.concerns(j)))
            .map(|e| e.content.register().code().to_string())
            .collect();
        registers.sort();
        registers.dedup();
        Ok(registers)
    }

    /// How many notices wait to be delivered (and since when), and how many received ones
    /// wait for this node's registrar.
    pub async fn notice_counts(&self) -> Result<NoticeCounts> {
        self.inner.backend.reads().notice_counts().await
    }

    /// Notices received that wait for this node's registrar, oldest first, as `actor` reads
    /// them; the read of the people they are about is logged (`notice.list`).
    pub async fn queued_notices(&self, actor: &Actor, limit: i64) -> Result<Vec<InboxRow>> {
        let rows = self.inner.backend.reads().queued_notices(limit).await?;
        self.disclose(actor, "notice.list", &crate::reads::ReadReason::new("obrada obavijesti članica", None), rows).await
    }

    /// Notices not yet delivered to the other members, oldest first.
    pub async fn pending_notices(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        self.inner.backend.reads().pending_notices(limit).await
    }

    /// Logs an exchange with another member in the federation's message log, with the reads
    /// of personal records it carried, through the writer (group commit); returns the row as
    /// chained, once durably committed.
    pub async fn log_exchange(&self, actor: &Actor, exchange: MessageRow, reads: Vec<AccessRow>) -> Result<MessageRow> {
        self.submit(actor, Exchange { row: exchange, reads }).await
    }

    /// Applies a notice to the person's birth entry (as the member's registrar, at the office
    /// keeping the entry), or queues it for this node's registrar when it cannot be applied
    /// (no birth entry here, or the annotation is refused) — once: a notice received again
    /// gets the answer recorded the first time.
    pub async fn apply_notice(&self, notice: IncomingNotice) -> Result<InboxRow> {
        let mut ex = self.exclusive().await?;
        // The writer is held: no other delivery of this notice can be recorded meanwhile.
        if let Some(seen) = self.backend().reads().inbox(&notice.notice_id).await? {
            ex.rollback().await?;
            return Ok(seen);
        }
        let now = self.now();
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
                match crate::exec::execute(&mut ex.txn, &node, &actor, &command, self.today(), now).await? {
                    Ok(applied) => {
                        row.status = "applied".into();
                        row.annotation_id = applied.annotations.first().map(|a| a.id);
                    }
                    Err(refusal) => row.reason = Some(refusal.to_string()),
                }
            }
        }
        row.id = ex.txn.append(Row::new(row.clone()), now, &system, "federation.notice.received").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// Marks a queued notice as handled by a registrar (who annotated the entry by hand, or
    /// found nothing to annotate), with what they say about it. `None` when no such notice
    /// waits.
    pub async fn notice_handled(&self, actor: &Actor, id: i64, note: &str) -> Result<Option<InboxRow>> {
        let mut ex = self.exclusive().await?;
        let Some(mut row) = self.backend().reads().queued_notice(id).await? else {
            ex.rollback().await?;
            return Ok(None);
        };
        let now = self.now();
        let by = format!("handled by {} on {}: {}", actor.username, self.today(), note.trim());
        row.status = "handled".into();
        row.reason = Some(match row.reason.take() {
            Some(why) => format!("{why}; {by}"),
            None => by,
        });
        ex.txn.update(Row::new(row.clone()), now, actor, "federation.notice.handled").await?;
        ex.commit().await?;
        Ok(Some(row))
    }

    /// Records a notice's delivery with the holder's receipt (once).
    pub async fn record_delivery(&self, outbox_id: i64, member: &str, status: &str, receipt: &str) -> Result<DeliveryRow> {
        let mut ex = self.exclusive().await?;
        if let Some(done) = self.backend().reads().delivery(outbox_id).await? {
            ex.rollback().await?;
            return Ok(done);
        }
        let now = self.now();
        let mut row = DeliveryRow {
            id: 0,
            outbox_id,
            member: member.to_string(),
            status: status.to_string(),
            receipt: receipt.to_string(),
            at: now.0,
        };
        row.id = ex.txn.append(Row::new(row.clone()), now, &Actor::system("federation"), "federation.notice.delivered").await?;
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
    /// A checkpoint states the log up to this message, and it is gone: the log was cut.
    CheckpointedMissing { id: i64, source: String },
    /// A checkpoint states this message with another hash: the log was rewritten.
    CheckpointedChanged { id: i64, source: String },
    /// The journal does not account for this message: it was added, changed or removed
    /// behind the program's back (the journal's own report names how).
    Unjournaled { id: i64, problem: String },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainProblem::Changed { id } => write!(f, "message {id}: its content does not match its hash (changed)"),
            ChainProblem::Unlinked { id } => {
                write!(f, "message {id}: does not follow the message before it (a message was removed or inserted)")
            }
            ChainProblem::CheckpointedMissing { id, source } => {
                write!(f, "message {id}: {source} states the log up to it, and it is gone (the log was cut)")
            }
            ChainProblem::CheckpointedChanged { id, source } => {
                write!(f, "message {id}: {source} states it with another hash (the log was rewritten)")
            }
            ChainProblem::Unjournaled { id, problem } => write!(f, "message {id}: {problem}"),
        }
    }
}

/// What a verification of the message log found.
#[derive(Debug, Clone, Default)]
pub struct ChainReport {
    pub messages: u64,
    pub problems: Vec<ChainProblem>,
}

/// Walks the message log in order and checks every row's hash and link, that the journal
/// accounts for every message, and that each checkpoint's last message (`checkpoints`: the
/// node's, whose signatures were checked, with how a report names each) is there as stated.
/// A message appended behind the program's back after the last checkpoint, with its
/// journal item forged and the chain computed again, is beyond what anything here proves.
pub async fn verify_chain(store: &Store, checkpoints: &[(Checkpoint, String)]) -> Result<ChainReport> {
    const PAGE: i64 = 5_000;
    let mut report = ChainReport::default();
    let mut prev = CHAIN_START.to_vec();
    // Every row, whatever its id: ids start at 1, and one below is a forgery to name.
    let mut after = i64::MIN;
    let mut stated: std::collections::HashMap<i64, Vec<&(Checkpoint, String)>> = std::collections::HashMap::new();
    for c in checkpoints.iter().filter(|(c, _)| c.messages_id > 0) {
        stated.entry(c.0.messages_id).or_default().push(c);
    }
    loop {
        let page = store.backend().rows_page("federation_messages", after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id();
        for row in page {
            let Ok(m) = row.downcast::<MessageRow>() else { continue };
            report.messages += 1;
            if m.chain_hash().as_slice() != m.hash.as_slice() {
                report.problems.push(ChainProblem::Changed { id: m.id });
            }
            if m.prev_hash != prev {
                report.problems.push(ChainProblem::Unlinked { id: m.id });
            }
            for (c, source) in stated.remove(&m.id).unwrap_or_default() {
                if c.messages_hash.as_slice() != m.hash.as_slice() {
                    report.problems.push(ChainProblem::CheckpointedChanged { id: m.id, source: source.clone() });
                }
            }
            prev = m.hash.clone();
        }
    }
    let mut missing: Vec<(i64, String)> =
        stated.into_iter().flat_map(|(id, cs)| cs.into_iter().map(move |(_, s)| (id, s.clone()))).collect();
    missing.sort();
    for (id, source) in missing {
        report.problems.push(ChainProblem::CheckpointedMissing { id, source });
    }
    for problem in crate::verify::verify(store.backend(), &|_| {}).await?.problems {
        use crate::verify::Problem;
        let id = match &problem {
            Problem::RowInserted { table, id } | Problem::RowChanged { table, id, .. } | Problem::RowDeleted { table, id, .. }
                if table == "federation_messages" =>
            {
                *id
            }
            _ => continue,
        };
        report.problems.push(ChainProblem::Unjournaled { id, problem: problem.to_string() });
    }
    Ok(report)
}
