//! A journaled transaction: every row appended takes the next journal position as its id
//! and gets a journal item chained to the previous one, in the same database transaction.
//! Rows are buffered and written with multi-row inserts before any read inside the
//! transaction and at commit, so a batch of small commands costs a few statements.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use opcina_core::journal::{JournalHead, JournalItem};
use opcina_core::registry::{Actor, Timestamp};

use crate::backend::{Backend, Batch, WriteTx};
use crate::error::{Result, StoreError};
use crate::rows::{DocflowConfig, Row};

/// Rows buffered before they are written anyway (bounds memory in bulk loads).
const FLUSH_ROWS: usize = 20_000;

pub struct Txn {
    tx: Box<dyn WriteTx>,
    head: JournalHead,
    pending: Batch,
    /// Offices known to exist (read once per transaction).
    offices: Option<HashSet<String>>,
    /// Last entry number per book (register, office, year), once read in this transaction.
    numbers: HashMap<(String, String, i64), i64>,
    docflow: Option<Arc<DocflowConfig>>,
}

/// A numbered sequence.
#[derive(Debug, Clone, Copy)]
pub enum Sequence<'a> {
    /// Issued documents (`issued`) or refusals (`refused`) of an office.
    Extracts(&'a str),
    /// A protocol book of a unit.
    Protocol(&'a str),
    /// The archive book (one per body; the scope is empty).
    Archive,
}

impl Sequence<'_> {
    fn key(self) -> String {
        match self {
            Sequence::Extracts(outcome) => format!("extracts:{outcome}"),
            Sequence::Protocol(book) => format!("protocol:{book}"),
            Sequence::Archive => "archive".into(),
        }
    }
}

impl Txn {
    /// Begins a transaction and locks the journal head.
    pub async fn begin(backend: &dyn Backend) -> Result<Txn> {
        let mut tx = backend.begin().await?;
        let head = tx.lock_head().await?;
        Ok(Txn { tx, head, pending: Batch::default(), offices: None, numbers: HashMap::new(), docflow: None })
    }

    pub fn head(&self) -> JournalHead {
        self.head
    }

    /// The id the next appended row will receive.
    pub fn next_id(&self) -> i64 {
        self.head.seq + 1
    }

    /// Appends a row as `actor` doing `action`; the row takes the next journal position as
    /// its id. A row that already carries an id (assigned when it was planned) must carry
    /// exactly that one.
    pub async fn append(&mut self, mut row: Row, at: Timestamp, actor: &Actor, action: &str) -> Result<i64> {
        let id = self.next_id();
        if row.id() != 0 && row.id() != id {
            return Err(StoreError::Concurrent { expected: row.id() - 1, found: self.head.seq });
        }
        row.set_id(id);
        if let Row::Entry(e) = &row {
            let last = self.numbers.entry((e.register.clone(), e.office_code.clone(), e.year)).or_insert(0);
            *last = (*last).max(e.number);
        }
        let item = JournalItem::append(&self.head, at, &actor.username, actor.office.as_deref(), action, row.table(), id, Some(row.hash()));
        self.head = item.head();
        self.pending.rows.push(row);
        self.pending.journal.push(item);
        if self.pending.rows.len() >= FLUSH_ROWS {
            self.flush().await?;
        }
        Ok(id)
    }

    /// Rewrites a row of a mutable table (users, tokens), journaling its new content.
    pub async fn update(&mut self, row: Row, at: Timestamp, actor: &Actor, action: &str) -> Result<()> {
        let item =
            JournalItem::append(&self.head, at, &actor.username, actor.office.as_deref(), action, row.table(), row.id(), Some(row.hash()));
        self.head = item.head();
        self.pending.updates.push(row);
        self.pending.journal.push(item);
        Ok(())
    }

    /// Writes the buffered rows.
    pub async fn flush(&mut self) -> Result<()> {
        if !self.pending.is_empty() {
            self.tx.write(&self.pending).await?;
            self.pending.clear();
        }
        Ok(())
    }

    /// The transaction, for reads that must see everything appended so far.
    pub async fn reader(&mut self) -> Result<&mut dyn WriteTx> {
        self.flush().await?;
        Ok(self.tx.as_mut())
    }

    /// Does this office exist? (Offices are read once per transaction.)
    pub async fn office_exists(&mut self, code: &str) -> Result<bool> {
        if self.offices.is_none() {
            let codes = self.reader().await?.office_codes().await?;
            self.offices = Some(codes.into_iter().collect());
        }
        Ok(self.offices.as_ref().is_some_and(|o| o.contains(code)))
    }

    /// The number the next entry of a book will take (the book's last number is read once per
    /// transaction; entries appended since are counted here).
    pub async fn next_entry_number(&mut self, register: &str, office: &str, year: i64) -> Result<i64> {
        let key = (register.to_string(), office.to_string(), year);
        let last = match self.numbers.get(&key) {
            Some(n) => *n,
            None => {
                let n = self.reader().await?.last_entry_number(register, office, year).await?;
                self.numbers.insert(key, n);
                n
            }
        };
        Ok(last + 1)
    }

    /// The serial the next issued document (or refusal) of an office and year will take.
    pub async fn next_extract_serial(&mut self, outcome: &str, office: &str, year: i64) -> Result<i64> {
        self.next_serial(Sequence::Extracts(outcome), office, year).await
    }

    /// Takes the next serial of a sequence in a scope (an office, a unit) and year: the last
    /// one is read once per transaction (the writer holds the journal head, so no one else
    /// takes numbers meanwhile) and counted here after that — gap-free, since a transaction
    /// that rolls back takes its numbers back with it.
    pub async fn next_serial(&mut self, sequence: Sequence<'_>, scope: &str, year: i64) -> Result<i64> {
        let key = (sequence.key(), scope.to_string(), year);
        let last = match self.numbers.get(&key) {
            Some(n) => *n,
            None => match sequence {
                Sequence::Extracts(outcome) => self.reader().await?.last_extract_serial(outcome, scope, year).await?,
                Sequence::Protocol(book) => self.reader().await?.last_protocol_serial(book, scope, year).await?,
                Sequence::Archive => self.reader().await?.last_archive_serial(year).await?,
            },
        };
        self.numbers.insert(key, last + 1);
        Ok(last + 1)
    }

    /// The document flow's configuration (read once per transaction, again after it changes).
    pub async fn docflow_config(&mut self) -> Result<Arc<DocflowConfig>> {
        if let Some(config) = &self.docflow {
            return Ok(Arc::clone(config));
        }
        let config = Arc::new(self.reader().await?.docflow_config().await?);
        self.docflow = Some(Arc::clone(&config));
        Ok(config)
    }

    /// Forgets the configuration read (after a change to it in this transaction).
    pub fn docflow_changed(&mut self) {
        self.docflow = None;
    }

    /// Writes what is buffered, moves the journal head and commits.
    pub async fn commit(mut self) -> Result<JournalHead> {
        self.flush().await?;
        self.tx.store_head(self.head).await?;
        self.tx.commit().await?;
        Ok(self.head)
    }

    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await
    }
}
