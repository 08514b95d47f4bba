//! Rows of the federation's tables: the hash-chained message log and the records received
//! from another member for a document issued here.

use opcina_core::journal::{Hash, RowHasher};

use crate::table::Table;
use crate::table_row;

/// One exchange with another member's node, as this node saw it. (To log one, fill in what
/// happened; the id, time and chain are set when it is written.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageRow {
    pub id: i64,
    /// Microseconds since the epoch (UTC).
    pub at: i64,
    /// `out` (this node asked) or `in` (this node answered).
    pub direction: String,
    /// The other member's code (as claimed, when the request was refused).
    pub peer: String,
    pub service: String,
    pub nonce: String,
    /// The requesting office's case or request number.
    pub case_number: Option<String>,
    /// The HTTP status answered (0 when no answer came).
    pub status: i64,
    /// `ok`, or why the exchange failed (`refused: …`, `unreachable: …`).
    pub outcome: String,
    /// The request's `Signature-Input` and `Signature` fields, one per line.
    pub request_signature: String,
    pub request_digest: String,
    pub response_signature: Option<String>,
    pub response_digest: Option<String>,
    /// The chain: the previous row's `hash` (32 zero bytes for the first row).
    pub prev_hash: Vec<u8>,
    /// The hash of every other column, `prev_hash` included.
    pub hash: Vec<u8>,
}

impl MessageRow {
    /// The chain hash of the row's content (every column but `hash`).
    pub fn chain_hash(&self) -> Hash {
        RowHasher::new("federation_messages.chain")
            .int(self.id)
            .int(self.at)
            .text(&self.direction)
            .text(&self.peer)
            .text(&self.service)
            .text(&self.nonce)
            .opt_text(self.case_number.as_deref())
            .int(self.status)
            .text(&self.outcome)
            .text(&self.request_signature)
            .text(&self.request_digest)
            .opt_text(self.response_signature.as_deref())
            .opt_text(self.response_digest.as_deref())
            .bytes(&self.prev_hash)
            .finish()
    }

    /// The journal's hash of the row (every column).
    fn journal_hash(&self) -> Hash {
        let chain = self.chain_hash();
        RowHasher::new("federation_messages").bytes(&chain).bytes(&self.hash).finish()
    }
}

/// The records another member sent for a document issued here (its signed answer's body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRecordsRow {
    pub id: i64,
    pub extract_id: i64,
    pub member: String,
    pub municipality: String,
    /// The entry's id in the holder's registers.
    pub entry_id: i64,
    /// The holder's journal position the records reflect.
    pub position: i64,
    /// The person's records as JSON.
    pub records: String,
    pub received_at: i64,
}

/// A notice waiting to be delivered (until a delivery row names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub subject_jmbg: String,
    /// The annotation as JSON.
    pub annotation: String,
    /// The entry whose registration made the notice.
    pub cause_entry_id: Option<i64>,
    pub created_at: i64,
}

/// A notice delivered: the holder and its signed receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: i64,
    pub outbox_id: i64,
    pub member: String,
    /// `applied` or `queued` (for the holder's registrar), as the receipt says.
    pub status: String,
    /// The receipt's body as the holder signed it.
    pub receipt: String,
    pub at: i64,
}

/// A notice received from another member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub id: i64,
    /// The sender's code and its outbox id: `KAK:1234`.
    pub notice_id: String,
    pub member: String,
    pub subject_jmbg: String,
    pub annotation: String,
    /// `applied`, or `queued` for the registrar (with the reason).
    pub status: String,
    pub annotation_id: Option<i64>,
    pub reason: Option<String>,
    pub received_at: i64,
}

/// The federation's tables, parents first.
pub const TABLES: &[Table] = &[
    Table::mutable::<MessageRow>(),
    Table::mutable::<RemoteRecordsRow>(),
    Table::mutable::<OutboxRow>(),
    Table::mutable::<DeliveryRow>(),
    Table::mutable::<InboxRow>(),
];

table_row!(
    MessageRow,
    "federation_messages",
    [
        id,
        at,
        direction,
        peer,
        service,
        nonce,
        case_number,
        status,
        outcome,
        request_signature,
        request_digest,
        response_signature,
        response_digest,
        prev_hash,
        hash
    ],
    hash = MessageRow::journal_hash
);
table_row!(RemoteRecordsRow, "remote_records", [id, extract_id, member, municipality, entry_id, position, records, received_at]);
table_row!(OutboxRow, "federation_outbox", [id, subject_jmbg, annotation, cause_entry_id, created_at]);
table_row!(DeliveryRow, "federation_deliveries", [id, outbox_id, member, status, receipt, at]);
table_row!(InboxRow, "federation_inbox", [id, notice_id, member, subject_jmbg, annotation, status, annotation_id, reason, received_at]);
