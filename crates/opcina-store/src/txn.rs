//! A journaled transaction: every row appended takes the next journal position as its id
//! and gets a journal item chained to the previous one, in the same database transaction.
//! Rows are buffered and written with multi-row inserts before any read inside the
//! transaction and at commit, so a batch of small commands costs a few statements.

use std::any::{Any, TypeId};
use std::collections::HashMap;

use async_trait::async_trait;

use opcina_core::journal::{JournalHead, JournalItem};
use opcina_core::registry::{Actor, Timestamp};

use crate::backend::{Backend, Batch, WriteTx};
use crate::error::{Result, StoreError};
use crate::table::Row;

/// Rows buffered before they are written anyway (bounds memory in bulk loads).
const FLUSH_ROWS: usize = 20_000;

pub struct Txn {
    tx: Box<dyn WriteTx>,
    head: JournalHead,
    pending: Batch,
    /// The last serial of each sequence (key, scope, year) read or taken in this
    /// transaction.
    numbers: HashMap<(String, String, i64), i64>,
    /// What contexts keep for the rest of the transaction, by type ([`Txn::memo`]).
    memos: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

/// A numbered sequence of a context (a book of issued documents, a protocol book, the
/// archive book): gap-free serials per scope and year, taken by the writer.
#[async_trait]
pub trait Sequence: Send + Sync {
    /// Names the sequence among all others (e.g. `protocol:UP-I`).
    fn key(&self) -> String;
    /// The last serial used in a scope and year (0 when none), as the transaction sees it.
    async fn last(&self, tx: &mut dyn WriteTx, scope: &str, year: i64) -> Result<i64>;
}

impl Txn {
    /// Begins a transaction and locks the journal head.
    pub async fn begin(backend: &dyn Backend) -> Result<Txn> {
        let mut tx = backend.begin().await?;
        let head = tx.lock_head().await?;
        Ok(Txn { tx, head, pending: Batch::default(), numbers: HashMap::new(), memos: HashMap::new() })
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

    /// Takes the next serial of a sequence in a scope (an office, a unit) and year: the last
    /// one is read once per transaction (the writer holds the journal head, so no one else
    /// takes numbers meanwhile) and counted here after that — gap-free, since a transaction
    /// that rolls back takes its numbers back with it.
    pub async fn next_serial(&mut self, sequence: &dyn Sequence, scope: &str, year: i64) -> Result<i64> {
        let serial = self.peek_serial(sequence, scope, year).await?;
        self.saw_serial(sequence, scope, year, serial);
        Ok(serial)
    }

    /// The serial the next [`Txn::next_serial`] would take, without taking it (for a plan
    /// that needs its number before it is known to succeed; appending the row then notes
    /// it with [`Txn::saw_serial`]).
    pub async fn peek_serial(&mut self, sequence: &dyn Sequence, scope: &str, year: i64) -> Result<i64> {
        let key = (sequence.key(), scope.to_string(), year);
        let last = match self.numbers.get(&key) {
            Some(n) => *n,
            None => {
                let n = sequence.last(self.reader().await?, scope, year).await?;
                self.numbers.insert(key, n);
                n
            }
        };
        Ok(last + 1)
    }

    /// Notes a serial taken outside [`Txn::next_serial`] (a row appended with the number it
    /// already had, as an import does), so that the sequence continues after it. A sequence
    /// not read yet in this transaction needs nothing: it is read after the row is written.
    pub fn saw_serial(&mut self, sequence: &dyn Sequence, scope: &str, year: i64, serial: i64) {
        if let Some(last) = self.numbers.get_mut(&(sequence.key(), scope.to_string(), year)) {
            *last = (*last).max(serial);
        }
    }

    /// What a context keeps for the rest of the transaction (its configuration read once,
    /// the last hash of a chain), by type.
    pub fn memo<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.memos.get(&TypeId::of::<T>()).and_then(|m| m.downcast_ref::<T>())
    }

    /// Keeps `value` for the rest of the transaction (replacing one of its type).
    pub fn set_memo<T: Any + Send + Sync>(&mut self, value: T) {
        self.memos.insert(TypeId::of::<T>(), Box::new(value));
    }

    /// Forgets what was kept of a type (after a change to what it was read from).
    pub fn forget_memo<T: Any + Send + Sync>(&mut self) {
        self.memos.remove(&TypeId::of::<T>());
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
