//! What a database backend provides: reads on a pool, and write transactions for the
//! node's single writer. SQLite and PostgreSQL each implement these traits (see `sqlite.rs`
//! and `postgres.rs`); everything above them — the journal, group commit, commands, bulk
//! loads, verification — is written once against the traits.

use async_trait::async_trait;
use opcina_core::journal::{Hash, JournalHead, JournalItem};

use crate::error::Result;
use crate::record;
use crate::table::{Param, Record, Row, Source};

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

record!(StoredItem, [seq, at, actor, office_code, action, table_name, row_id, row_hash, hash]);

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

/// A stored row as verification sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowHash {
    pub id: i64,
    pub hash: Hash,
}

impl RowHash {
    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn hash(&self) -> Hash {
        self.hash
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

/// Queries written once for both databases, run on the read pool ([`Backend::reads`]) or
/// inside a write transaction (every [`WriteTx`] is one). A context's reads are a trait of
/// its own over this one (`RegistryReads`, `DocflowReads`, …, in `sql/<context>.rs`),
/// written with [`all`] and [`one`].
/// What reads each result row of a query.
pub type EachRow<'a> = dyn for<'r> FnMut(&'r dyn Source) -> Result<()> + Send + 'a;

#[async_trait]
pub trait Reads: Send {
    /// Runs `sql` with `params` bound to `$1`, `$2`, … and hands each result row to `each`,
    /// in order.
    async fn each(&mut self, sql: &str, params: &[&dyn Param], each: &mut EachRow<'_>) -> Result<()>;
}

/// Every row a query returns.
pub async fn all<T: Record, R: Reads + ?Sized>(db: &mut R, sql: &str, params: &[&dyn Param]) -> Result<Vec<T>> {
    let mut out = Vec::new();
    db.each(sql, params, &mut |src| {
        out.push(T::read(src)?);
        Ok(())
    })
    .await?;
    Ok(out)
}

/// The first row a query returns, if any.
pub async fn one<T: Record, R: Reads + ?Sized>(db: &mut R, sql: &str, params: &[&dyn Param]) -> Result<Option<T>> {
    let mut out = None;
    db.each(sql, params, &mut |src| {
        if out.is_none() {
            out = Some(T::read(src)?);
        }
        Ok(())
    })
    .await?;
    Ok(out)
}

/// One write transaction. Reads inside it see its own writes once they are written.
#[async_trait]
pub trait WriteTx: Reads {
    /// Reads and locks the journal head (other writers wait until this transaction ends).
    async fn lock_head(&mut self) -> Result<JournalHead>;
    async fn store_head(&mut self, head: JournalHead) -> Result<()>;
    async fn write(&mut self, batch: &Batch) -> Result<()>;
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
    /// The directory the database's files are in, when they are on this machine (SQLite).
    fn local_dir(&self) -> Option<&std::path::Path>;
    /// Applies the migrations this program has and the database lacks; returns them.
    async fn migrate(&self) -> Result<Vec<i64>>;
    async fn begin(&self) -> Result<Box<dyn WriteTx>>;
    /// Reads on the read pool (each query on a connection taken for it alone).
    fn reads(&self) -> Box<dyn Reads + '_>;
    /// Runs a statement on the write pool outside the journal: for operational state that
    /// is not authoritative (sessions). Returns how many rows it changed.
    async fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64>;
    async fn close(&self);
    /// After a bulk load: refresh the planner's statistics (and on SQLite, fold the
    /// write-ahead log back into the database file).
    async fn after_bulk_load(&self) -> Result<()>;
    async fn journal_head(&self) -> Result<JournalHead>;
    /// Journal items after `after_seq`, in order.
    async fn journal_page(&self, after_seq: i64, limit: i64) -> Result<Vec<StoredItem>>;
    /// Rows of an authoritative table after `after_id`, in id order.
    async fn rows_page(&self, table: &str, after_id: i64, limit: i64) -> Result<Vec<Row>>;
    /// The ids and canonical hashes of a table's rows after `after_id`, in id order, read as
    /// stored (a value changed behind the program's back is hashed, not refused).
    async fn row_hashes(&self, table: &str, after_id: i64, limit: i64) -> Result<Vec<RowHash>>;
    /// Runs raw SQL; for operators' maintenance and for tests that tamper with tables.
    async fn execute_raw(&self, sql: &str) -> Result<u64>;
}
