//! The reads of the federation's message log, outbox, deliveries and inbox, written once
//! for both databases.

use async_trait::async_trait;

use crate::backend::{NoticeCounts, Reads, all, one};
use crate::error::Result;
use crate::rows::{DeliveryRow, InboxRow, MessageRow, OutboxRow, RemoteRecordsRow};
use crate::table::Record;

/// How many notices wait to be delivered, and since when the oldest.
struct Pending {
    n: i64,
    oldest: Option<i64>,
}

crate::record!(Pending, [n, oldest]);

#[async_trait]
pub trait FederationReads: Reads {
    /// The last row of the federation's message log.
    async fn last_message(&mut self) -> Result<Option<MessageRow>> {
        one(self, &format!("SELECT {} FROM federation_messages ORDER BY id DESC LIMIT 1", MessageRow::COLUMNS), &[]).await
    }

    /// The records another member sent for an issued document, when it was drawn from them.
    async fn remote_records(&mut self, extract_id: i64) -> Result<Option<RemoteRecordsRow>> {
        one(self, &format!("SELECT {} FROM remote_records WHERE extract_id = $1", RemoteRecordsRow::COLUMNS), &[&extract_id]).await
    }

    /// A notice received, by the sender's notice id.
    async fn inbox(&mut self, notice_id: &str) -> Result<Option<InboxRow>> {
        one(self, &format!("SELECT {} FROM federation_inbox WHERE notice_id = $1", InboxRow::COLUMNS), &[&notice_id]).await
    }

    /// A notice received that waits for this node's registrar.
    async fn queued_notice(&mut self, id: i64) -> Result<Option<InboxRow>> {
        one(self, &format!("SELECT {} FROM federation_inbox WHERE id = $1 AND status = 'queued'", InboxRow::COLUMNS), &[&id]).await
    }

    /// How many notices wait to be delivered (and since when the oldest, microseconds), and
    /// how many received ones wait for the registrar.
    async fn notice_counts(&mut self) -> Result<NoticeCounts> {
        let pending: Option<Pending> = one(
            self,
            "SELECT COUNT(*), MIN(o.created_at) FROM federation_outbox o LEFT JOIN federation_deliveries d ON d.outbox_id = o.id WHERE d.id IS NULL",
            &[],
        )
        .await?;
        let queued: Option<i64> = one(self, "SELECT COUNT(*) FROM federation_inbox WHERE status = 'queued'", &[]).await?;
        let pending = pending.unwrap_or(Pending { n: 0, oldest: None });
        Ok(NoticeCounts { pending: pending.n, oldest_pending_at: pending.oldest, queued: queued.unwrap_or(0) })
    }

    /// Notices received that wait for this node's registrar, oldest first.
    async fn queued_notices(&mut self, limit: i64) -> Result<Vec<InboxRow>> {
        let sql = format!("SELECT {} FROM federation_inbox WHERE status = 'queued' ORDER BY id LIMIT $1", InboxRow::COLUMNS);
        all(self, &sql, &[&limit]).await
    }

    /// Notices not yet delivered, oldest first.
    async fn pending_notices(&mut self, limit: i64) -> Result<Vec<OutboxRow>> {
        let sql = "SELECT o.id, o.subject_jmbg, o.annotation, o.cause_entry_id, o.created_at FROM federation_outbox o \
                   LEFT JOIN federation_deliveries d ON d.outbox_id = o.id WHERE d.id IS NULL ORDER BY o.id LIMIT $1";
        all(self, sql, &[&limit]).await
    }

    /// The delivery of a notice, once its receipt came.
    async fn delivery(&mut self, outbox_id: i64) -> Result<Option<DeliveryRow>> {
        one(self, &format!("SELECT {} FROM federation_deliveries WHERE outbox_id = $1", DeliveryRow::COLUMNS), &[&outbox_id]).await
    }
}

impl<R: Reads + ?Sized> FederationReads for R {}
