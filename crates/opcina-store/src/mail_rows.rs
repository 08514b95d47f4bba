//! Rows of outbound e-mail: the outbox a use case writes a message into, and the relay's
//! answer recorded as its delivery.

use crate::table::Table;
use crate::table_row;

/// A message to send (until a delivery row names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRow {
    pub id: i64,
    /// One address.
    pub recipient: String,
    pub subject: String,
    /// Plain text (UTF-8).
    pub body: String,
    /// Why it is sent (`account.confirm`, `account.exists`): what the operator sees.
    pub purpose: String,
    pub created_at: i64,
}

/// What the relay answered for a message: `sent` (accepted) or `rejected` (refused for good).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailDeliveryRow {
    pub id: i64,
    pub outbox_id: i64,
    pub status: String,
    /// The relay's reply, as it gave it.
    pub reply: String,
    pub at: i64,
}

/// The mail tables, parents first.
pub const TABLES: &[Table] = &[Table::append_only::<MailRow>(), Table::append_only::<MailDeliveryRow>()];

table_row!(MailRow, "mail_outbox", [id, recipient, subject, body, purpose, created_at]);
table_row!(MailDeliveryRow, "mail_deliveries", [id, outbox_id, status, reply, at]);
