//! The reads of the mail outbox, its deliveries and the requests to open an account, written
//! once for both databases.

use async_trait::async_trait;

use crate::backend::{Reads, all, one};
use crate::error::Result;
use crate::mail_rows::{MailDeliveryRow, MailRow};
use crate::rows::AccountRequestRow;
use crate::table::Record;

/// The outbox as the operator sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailCounts {
    /// Messages the relay has not yet accepted or refused.
    pub pending: i64,
    /// When the oldest of them was written (microseconds).
    pub oldest_pending_at: Option<i64>,
    /// Messages the relay refused for good.
    pub rejected: i64,
}

crate::record!(MailCounts, [pending, oldest_pending_at, rejected]);

#[async_trait]
pub trait MailReads: Reads {
    /// Messages without a delivery, oldest first.
    async fn pending_mail(&mut self, limit: i64) -> Result<Vec<MailRow>> {
        let sql = "SELECT o.id, o.recipient, o.subject, o.body, o.purpose, o.created_at FROM mail_outbox o \
                   LEFT JOIN mail_deliveries d ON d.outbox_id = o.id WHERE d.id IS NULL ORDER BY o.id LIMIT $1";
        all(self, sql, &[&limit]).await
    }

    /// A message's delivery, once the relay answered.
    async fn mail_delivery(&mut self, outbox_id: i64) -> Result<Option<MailDeliveryRow>> {
        one(self, &format!("SELECT {} FROM mail_deliveries WHERE outbox_id = $1", MailDeliveryRow::COLUMNS), &[&outbox_id]).await
    }

    /// How many messages wait, since when, and how many were refused.
    async fn mail_counts(&mut self) -> Result<MailCounts> {
        let sql = "SELECT \
                     (SELECT COUNT(*) FROM mail_outbox o LEFT JOIN mail_deliveries d ON d.outbox_id = o.id WHERE d.id IS NULL), \
                     (SELECT MIN(o.created_at) FROM mail_outbox o LEFT JOIN mail_deliveries d ON d.outbox_id = o.id WHERE d.id IS NULL), \
                     (SELECT COUNT(*) FROM mail_deliveries WHERE status = 'rejected')";
        Ok(one(self, sql, &[]).await?.unwrap_or_default())
    }

    /// The messages written to an address, newest first (for tests and the operator).
    async fn mail_to(&mut self, recipient: &str, limit: i64) -> Result<Vec<MailRow>> {
        let sql = format!("SELECT {} FROM mail_outbox WHERE recipient = $1 ORDER BY id DESC LIMIT $2", MailRow::COLUMNS);
        all(self, &sql, &[&recipient, &limit]).await
    }

    /// A request to open an account, by the SHA-256 of its link's token.
    async fn account_request(&mut self, token_hash: &[u8]) -> Result<Option<AccountRequestRow>> {
        one(self, &format!("SELECT {} FROM citizen_account_requests WHERE token_hash = $1", AccountRequestRow::COLUMNS), &[&token_hash])
            .await
    }
}

impl<R: Reads + ?Sized> MailReads for R {}
