//! Outbound e-mail, as use cases see it: a message is written into the outbox in the
//! transaction of what caused it (so it is sent exactly when that was committed), and the
//! node's mail sender (`opcina_web::mail`) hands it to the relay and records the answer.

use opcina_core::registry::{Actor, Timestamp};

use crate::error::Result;
use crate::mail_rows::{MailDeliveryRow, MailRow};
use crate::sql::mail::{MailCounts, MailReads};
use crate::store::Store;
use crate::table::Row;
use crate::txn::Txn;

/// A message's text in the reader's language, as the presentation wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

/// What the relay answered for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailOutcome {
    /// The relay accepted it.
    Sent,
    /// The relay refused it for good (an unknown mailbox, a malformed address): not retried.
    Rejected,
}

impl MailOutcome {
    pub fn code(self) -> &'static str {
        match self {
            MailOutcome::Sent => "sent",
            MailOutcome::Rejected => "rejected",
        }
    }
}

/// Writes a message into the outbox as part of `txn`.
pub(crate) async fn queue(txn: &mut Txn, at: Timestamp, actor: &Actor, recipient: &str, letter: &Letter, purpose: &str) -> Result<i64> {
    let row = MailRow {
        id: 0,
        recipient: recipient.to_string(),
        subject: letter.subject.clone(),
        body: letter.body.clone(),
        purpose: purpose.to_string(),
        created_at: at.0,
    };
    txn.append(Row::new(row), at, actor, "mail.queued").await
}

impl Store {
    /// Messages the relay has not answered yet, oldest first.
    pub async fn pending_mail(&self, limit: i64) -> Result<Vec<MailRow>> {
        self.backend().reads().pending_mail(limit).await
    }

    /// Records the relay's answer for a message (once: a second answer is ignored and the
    /// first returned).
    pub async fn record_mail_delivery(&self, outbox_id: i64, outcome: MailOutcome, reply: &str) -> Result<MailDeliveryRow> {
        let mut ex = self.exclusive().await?;
        if let Some(done) = ex.txn.reader().await?.mail_delivery(outbox_id).await? {
            ex.rollback().await?;
            return Ok(done);
        }
        let now = self.now();
        let mut row = MailDeliveryRow { id: 0, outbox_id, status: outcome.code().to_string(), reply: reply.to_string(), at: now.0 };
        row.id = ex.txn.append(Row::new(row.clone()), now, &Actor::system("mail"), "mail.delivered").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// How many messages wait for the relay (and since when), how many it refused.
    pub async fn mail_counts(&self) -> Result<MailCounts> {
        self.backend().reads().mail_counts().await
    }

    /// The latest messages written to an address, newest first.
    pub async fn mail_to(&self, recipient: &str, limit: i64) -> Result<Vec<MailRow>> {
        self.backend().reads().mail_to(recipient, limit).await
    }
}
