//! What a database backend provides: reads on a pool, and write transactions for the
//! node's single writer. SQLite and PostgreSQL each implement these traits (see `sqlite.rs`
//! and `postgres.rs`); everything above them — the journal, group commit, commands, bulk
//! loads, verification — is written once against the traits.

use async_trait::async_trait;
use opcina_core::Jmbg;
use opcina_core::journal::{Hash, JournalHead, JournalItem};
use opcina_core::registry::{AnnotationRecord, EntryRecord, PersonRecords};

use crate::error::Result;
use crate::rows::{
    AccessRow, AccountPasswordRow, AccountRow, ArchiveEntryRow, AttachmentRow, CaseEventRow, CaseQuery, CaseRow, DeliveryRow, DisposalRow,
    DocflowConfig, ExtractRow, FeeRuleRow, HoldRow, InboxRow, MessageRow, NodeKeyRow, NodeRow, OfficeRow, OnTimeRow, OrderEventRow,
    OrderRow, OutboxRow, PasswordRow, RecordRow, RemoteRecordsRow, RevocationRow, Row, SessionRow, UserRow, VerificationRow,
};

/// A journal item as stored (its predecessor's hash is not stored: it is the hash of the
/// item before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredItem {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub office_code: Option<String>,
    pub action: String,
    pub table_name: String,
    pub row_id: i64,
    pub row_hash: Option<Vec<u8>>,
    pub hash: Vec<u8>,
}

impl StoredItem {
    pub fn from_item(i: &JournalItem) -> Self {
        StoredItem {
            seq: i.seq,
            at: i.at.0,
            actor: i.actor.clone(),
            office_code: i.office.clone(),
            action: i.action.clone(),
            table_name: i.table.clone(),
            row_id: i.row_id,
            row_hash: i.row_hash.map(|h| h.to_vec()),
            hash: i.hash.to_vec(),
        }
    }

    /// The item with its predecessor's hash, to recompute its own.
    pub fn to_item(&self, prev_hash: Hash) -> JournalItem {
        JournalItem {
            seq: self.seq,
            at: opcina_core::registry::Timestamp(self.at),
            actor: self.actor.clone(),
            office: self.office_code.clone(),
            action: self.action.clone(),
            table: self.table_name.clone(),
            row_id: self.row_id,
            row_hash: self.row_hash.as_deref().and_then(|h| <[u8; 32]>::try_from(h).ok()),
            prev_hash,
            hash: <[u8; 32]>::try_from(self.hash.as_slice()).unwrap_or([0; 32]),
        }
    }
}

/// Rows and journal items to write in one go (multi-row inserts).
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub rows: Vec<Row>,
    pub journal: Vec<JournalItem>,
    /// Rows of mutable tables rewritten in place (a revoked token, say).
    pub updates: Vec<Row>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.journal.is_empty() && self.updates.is_empty()
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.journal.clear();
        self.updates.clear();
    }
}

/// One write transaction. Reads inside it see its own writes once they are written.
#[async_trait]
pub trait WriteTx: Send {
    /// Reads and locks the journal head (other writers wait until this transaction ends).
    async fn lock_head(&mut self) -> Result<JournalHead>;
    async fn store_head(&mut self, head: JournalHead) -> Result<()>;
    async fn write(&mut self, batch: &Batch) -> Result<()>;
    async fn person_records(&mut self, jmbg: &Jmbg) -> Result<PersonRecords>;
    async fn entry(&mut self, id: i64) -> Result<Option<(EntryRecord, Vec<AnnotationRecord>)>>;
    /// Serials in use among all JMBGs known to the node with a nine-digit prefix.
    async fn used_serials(&mut self, prefix: &str) -> Result<Vec<u16>>;
    async fn last_entry_number(&mut self, register: &str, office: &str, year: i64) -> Result<i64>;
    async fn node(&mut self) -> Result<Option<NodeRow>>;
    async fn office(&mut self, code: &str) -> Result<Option<OfficeRow>>;
    async fn office_codes(&mut self) -> Result<Vec<String>>;
    async fn user(&mut self, username: &str) -> Result<Option<UserRow>>;
    /// The last serial used in a book of issued documents or refusals (office, year).
    async fn last_extract_serial(&mut self, outcome: &str, office: &str, year: i64) -> Result<i64>;
    /// The last serial of a protocol book of a unit in a year (0 when none).
    async fn last_protocol_serial(&mut self, book: &str, unit: &str, year: i64) -> Result<i64>;
    async fn docflow_config(&mut self) -> Result<DocflowConfig>;
    async fn case(&mut self, id: i64) -> Result<Option<CaseRow>>;
    async fn cases_numbered(&mut self, number: &str) -> Result<Vec<CaseRow>>;
    /// The last row of the federation's message log, as this transaction sees it.
    async fn last_message(&mut self) -> Result<Option<MessageRow>>;
    async fn record(&mut self, id: i64) -> Result<Option<RecordRow>>;
    async fn attachment(&mut self, id: i64) -> Result<Option<AttachmentRow>>;
    /// The latest version of a chain of attachments (0 when none).
    async fn last_attachment_version(&mut self, first_id: i64) -> Result<i64>;
    async fn last_archive_serial(&mut self, year: i64) -> Result<i64>;
    async fn archive_entry_of(&mut self, case_id: i64) -> Result<Option<ArchiveEntryRow>>;
    /// Entries kept whose retention ran out by `as_of` (a date) and not on hold.
    async fn disposable_entries(&mut self, as_of: &str) -> Result<Vec<ArchiveEntryRow>>;
    /// A case's holds, placed and released, in order.
    async fn case_holds(&mut self, case_id: i64) -> Result<Vec<HoldRow>>;
    async fn disposal(&mut self, id: i64) -> Result<Option<DisposalRow>>;
    async fn disposal_entries(&mut self, disposal_id: i64) -> Result<Vec<ArchiveEntryRow>>;
    /// Files with this content in cases not destroyed.
    async fn live_references(&mut self, sha256: &str) -> Result<i64>;
    async fn commit(self: Box<Self>) -> Result<()>;
    async fn rollback(self: Box<Self>) -> Result<()>;
}

/// What waits in the federation's outbox and inbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeCounts {
    pub pending: i64,
    pub oldest_pending_at: Option<i64>,
    pub queued: i64,
}

/// Whose sessions: staff (`web_sessions`) or citizens (`citizen_sessions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Staff,
    Citizen,
}

impl SessionKind {
    pub fn table(self) -> &'static str {
        match self {
            SessionKind::Staff => "web_sessions",
            SessionKind::Citizen => "citizen_sessions",
        }
    }
}

/// How a citizen's account is looked up.
#[derive(Debug, Clone, Copy)]
pub enum AccountKey<'a> {
    Id(i64),
    Email(&'a str),
    Code(&'a str),
}

/// A database a node runs on.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn kind(&self) -> &'static str;
    /// Applies the migrations this program has and the database lacks; returns them.
    async fn migrate(&self) -> Result<Vec<i64>>;
    async fn begin(&self) -> Result<Box<dyn WriteTx>>;
    async fn close(&self);
    /// After a bulk load: refresh the planner's statistics (and on SQLite, fold the
    /// write-ahead log back into the database file).
    async fn after_bulk_load(&self) -> Result<()>;

    async fn node(&self) -> Result<Option<NodeRow>>;
    async fn offices(&self) -> Result<Vec<OfficeRow>>;
    async fn users(&self) -> Result<Vec<UserRow>>;
    async fn user(&self, username: &str) -> Result<Option<UserRow>>;
    /// The active user holding a live token with this hash.
    async fn user_by_token(&self, token_hash: &[u8]) -> Result<Option<UserRow>>;
    async fn person_records(&self, jmbg: &Jmbg) -> Result<PersonRecords>;
    /// Records of many people at once, without their children (for indexing).
    async fn person_records_many(&self, jmbgs: &[Jmbg]) -> Result<Vec<(Jmbg, PersonRecords)>>;
    async fn entry(&self, id: i64) -> Result<Option<(EntryRecord, Vec<AnnotationRecord>)>>;
    /// Reads of a person's records, newest first, before the id `before` when given.
    async fn access_log(&self, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<AccessRow>>;
    async fn journal_head(&self) -> Result<JournalHead>;
    /// People whose records changed in journal positions `(after, upto]`.
    async fn persons_touched(&self, after: i64, upto: i64) -> Result<Vec<String>>;
    /// Distinct JMBGs that are the subject or a spouse of an entry, in order, after `after`.
    async fn person_jmbgs_after(&self, after: &str, limit: i64) -> Result<Vec<String>>;
    /// Journal items after `after_seq`, in order.
    async fn journal_page(&self, after_seq: i64, limit: i64) -> Result<Vec<StoredItem>>;
    /// Rows of an authoritative table after `after_id`, in id order.
    async fn rows_page(&self, table: &str, after_id: i64, limit: i64) -> Result<Vec<Row>>;
    /// Which of these entry numbers are already taken in a book (register, office, year).
    async fn taken_entry_numbers(&self, register: &str, office: &str, year: i64, numbers: &[i64]) -> Result<Vec<i64>>;
    /// Which of these people already have an entry in `register`.
    async fn registered_subjects(&self, register: &str, jmbgs: &[String]) -> Result<Vec<String>>;
    /// An issued document (`issued`) or refusal (`refused`) by its number.
    async fn extract_by_number(&self, outcome: &str, office: &str, year: i64, serial: i64) -> Result<Option<ExtractRow>>;
    /// Documents issued or refused about a person, newest first, before the id `before`.
    async fn extracts_of(&self, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<ExtractRow>>;
    async fn revocation(&self, extract_id: i64) -> Result<Option<RevocationRow>>;
    async fn node_keys(&self) -> Result<Vec<NodeKeyRow>>;
    async fn fee_rules(&self) -> Result<Vec<FeeRuleRow>>;
    /// Entries an office recorded in `[from, to)` (microseconds), oldest first, at most `limit`.
    async fn entries_recorded(&self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<EntryRecord>>;
    /// How many entries an office recorded in `[from, to)`, counting no further than `cap`.
    async fn count_entries_recorded(&self, office: &str, from: i64, to: i64, cap: i64) -> Result<i64>;
    /// Annotations an office recorded in `[from, to)`, oldest first, at most `limit`.
    async fn annotations_recorded(&self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<AnnotationRecord>>;
    /// Documents an office issued or refused in `[from, to)`, oldest first, at most `limit`.
    async fn extracts_at(&self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<ExtractRow>>;
    /// An order by its tracking code.
    async fn order_by_code(&self, code: &str) -> Result<Option<OrderRow>>;
    async fn order(&self, id: i64) -> Result<Option<OrderRow>>;
    /// An office's orders, newest first, before the id `before` when given.
    async fn orders_of_office(&self, office: &str, before: Option<i64>, limit: i64) -> Result<Vec<OrderRow>>;
    /// The events of these orders, oldest first.
    async fn order_events(&self, order_ids: &[i64]) -> Result<Vec<OrderEventRow>>;
    /// A user's current password (their latest).
    async fn password(&self, user_id: i64) -> Result<Option<PasswordRow>>;
    async fn insert_session(&self, kind: SessionKind, session: &SessionRow) -> Result<()>;
    /// A web session by the hash of its token (whatever its state).
    async fn session(&self, kind: SessionKind, token_hash: &[u8]) -> Result<Option<SessionRow>>;
    /// Records that a session was used at `at`.
    async fn touch_session(&self, kind: SessionKind, token_hash: &[u8], at: i64) -> Result<()>;
    /// Ends one session (by token) or all of a user's (an account's); returns how many were open.
    async fn end_sessions(&self, kind: SessionKind, token_hash: Option<&[u8]>, user_id: Option<i64>, at: i64) -> Result<u64>;
    async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>>;
    async fn account(&self, key: AccountKey<'_>) -> Result<Option<AccountRow>>;
    /// A citizen's current password.
    async fn account_password(&self, account_id: i64) -> Result<Option<AccountPasswordRow>>;
    /// An account's current verification (the JMBG it belongs to).
    async fn verification(&self, account_id: i64) -> Result<Option<VerificationRow>>;
    /// The records another member sent for an issued document, when it was drawn from them.
    async fn remote_records(&self, extract_id: i64) -> Result<Option<RemoteRecordsRow>>;
    /// A notice received, by the sender's notice id.
    async fn inbox(&self, notice_id: &str) -> Result<Option<InboxRow>>;
    /// A notice received that waits for this node's registrar.
    async fn queued_notice(&self, id: i64) -> Result<Option<InboxRow>>;
    /// How many notices wait to be delivered (and since when the oldest, microseconds), and
    /// how many received ones wait for the registrar.
    async fn notice_counts(&self) -> Result<NoticeCounts>;
    /// Notices received that wait for this node's registrar, oldest first.
    async fn queued_notices(&self, limit: i64) -> Result<Vec<InboxRow>>;
    /// Notices not yet delivered, oldest first.
    async fn pending_notices(&self, limit: i64) -> Result<Vec<OutboxRow>>;
    /// The delivery of a notice, once its receipt came.
    async fn delivery(&self, outbox_id: i64) -> Result<Option<DeliveryRow>>;
    /// The last row of the federation's message log.
    async fn last_message(&self) -> Result<Option<MessageRow>>;
    /// Runs raw SQL; for operators' maintenance and for tests that tamper with tables.
    async fn execute_raw(&self, sql: &str) -> Result<u64>;

    async fn docflow_config(&self) -> Result<DocflowConfig>;
    async fn case(&self, id: i64) -> Result<Option<CaseRow>>;
    /// Cases by registry number (a number can repeat across books when the body's pattern
    /// leaves the book out).
    async fn cases_numbered(&self, number: &str) -> Result<Vec<CaseRow>>;
    async fn case_events(&self, case_id: i64) -> Result<Vec<CaseEventRow>>;
    async fn case_records(&self, case_id: i64) -> Result<Vec<RecordRow>>;
    /// A case's files, every version, in the order they came.
    async fn case_attachments(&self, case_id: i64) -> Result<Vec<AttachmentRow>>;
    async fn attachment(&self, id: i64) -> Result<Option<AttachmentRow>>;
    /// Files after an id (the document index follows them).
    async fn attachments_after(&self, after: i64, limit: i64) -> Result<Vec<AttachmentRow>>;
    /// The cases handed over across units, for what a unit sees: (held by `unit` though
    /// their kind belongs to another, of `unit`'s kinds but held by another).
    async fn handed_across(&self, unit: &str) -> Result<(Vec<i64>, Vec<i64>)>;
    /// The archive book of a year in the order of its numbers, after a serial.
    async fn archive_book(&self, year: i64, after_serial: i64, limit: i64) -> Result<Vec<ArchiveEntryRow>>;
    async fn archive_entry_of(&self, case_id: i64) -> Result<Option<ArchiveEntryRow>>;
    async fn case_holds(&self, case_id: i64) -> Result<Vec<HoldRow>>;
    /// Disposal proposals, the latest first.
    async fn disposals(&self, limit: i64) -> Result<Vec<DisposalRow>>;
    async fn disposal(&self, id: i64) -> Result<Option<DisposalRow>>;
    async fn disposal_entries(&self, disposal_id: i64) -> Result<Vec<ArchiveEntryRow>>;
    async fn cases_page(&self, query: &CaseQuery) -> Result<Vec<CaseRow>>;
    /// A protocol book of a unit and year in the order of its numbers, after (serial, sub).
    async fn protocol_page(&self, book: &str, unit: &str, year: i64, after: Option<(i64, i64)>, limit: i64) -> Result<Vec<RecordRow>>;
    /// Cases decided between two days (inclusive, `YYYY-MM-DD`), per kind and unit.
    async fn on_time(&self, from: &str, to: &str) -> Result<Vec<OnTimeRow>>;
}
