//! The store of a node: the backend chosen from the database URL, the node's single writer
//! ([`crate::writer`]), its clock ([`crate::clock`]) and exclusive transactions for work that
//! must have the writer to itself. The contexts' use cases are `impl Store` blocks in their
//! own modules.

use std::sync::Arc;

use chrono::NaiveDate;
use opcina_core::journal::JournalHead;
use opcina_core::registry::{Actor, Timestamp};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::backend::Backend;
use crate::clock::Clock;
use crate::error::{Result, StoreError};
use crate::postgres::PgBackend;
use crate::rows::NodeRow;
use crate::sql::prelude::*;
use crate::sqlite::SqliteBackend;
use crate::txn::Txn;
use crate::writer::{self, WriteJob};

/// Opens the backend a URL names: `sqlite://PATH` (created when missing) or `postgres://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Backend>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteBackend::open(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PgBackend::open(url, None, 16).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

/// Free space a local database's disk needs before writes are tried again after it was full.
pub const PROBE_FREE_BYTES: u64 = 1024 * 1024;

pub(crate) struct Inner {
    pub(crate) backend: Arc<dyn Backend>,
    pub(crate) jobs: writer::Queue,
    pub(crate) head: watch::Sender<i64>,
    /// Held by the writer for each batch, and by exclusive work (administration, bulk loads).
    pub(crate) exclusive: Arc<Mutex<()>>,
    pub(crate) clock: Arc<Clock>,
    /// Whether the database takes writes (the writer tells).
    storage: Arc<writer::StorageHealth>,
    /// Where the files of cases are kept, once the node is told.
    files: std::sync::RwLock<Option<crate::files::Files>>,
    /// Counts disposals that removed content from the file store (uploads check it).
    deletions: std::sync::atomic::AtomicU64,
}

/// A node's store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

impl Store {
    /// Opens the database at `url`, applies missing migrations, and starts the writer.
    pub async fn open(url: &str) -> Result<Store> {
        let backend = connect(url).await?;
        Store::with_backend(backend).await
    }

    /// Starts a store on a backend already opened (tests open PostgreSQL schemas this way).
    pub async fn with_backend(backend: Arc<dyn Backend>) -> Result<Store> {
        backend.migrate().await?;
        let head = backend.journal_head().await?;
        let (jobs, rx) = writer::queue();
        let (head_tx, _) = watch::channel(head.seq);
        let inner = Arc::new(Inner {
            backend,
            jobs,
            head: head_tx,
            exclusive: Arc::new(Mutex::new(())),
            clock: Arc::new(Clock::default()),
            storage: Arc::default(),
            files: std::sync::RwLock::new(None),
            deletions: std::sync::atomic::AtomicU64::new(0),
        });
        let parts = writer::Writer {
            backend: Arc::clone(&inner.backend),
            head: inner.head.clone(),
            exclusive: Arc::clone(&inner.exclusive),
            clock: Arc::clone(&inner.clock),
            storage: Arc::clone(&inner.storage),
        };
        tokio::spawn(writer::run(parts, rx));
        Ok(Store { inner })
    }

    /// The database, for the store's own use cases.
    pub(crate) fn backend(&self) -> &dyn Backend {
        self.inner.backend.as_ref()
    }

    /// The database itself, for the operator's tools that work below the use cases
    /// (verifying the journal, rebuilding an index, maintenance SQL) and for tests that check
    /// what was written. Pages and the API never read around the use cases: a read of a
    /// person's record through here is not logged.
    pub fn raw(&self) -> &dyn Backend {
        self.inner.backend.as_ref()
    }

    /// [`Store::raw`], shared (for the indexers, which run beside the store).
    pub fn raw_arc(&self) -> Arc<dyn Backend> {
        Arc::clone(&self.inner.backend)
    }

    /// The journal's head as the database has it (commits of other processes included).
    pub async fn journal_head(&self) -> Result<JournalHead> {
        self.inner.backend.journal_head().await
    }

    /// The storage fault that stops writes now (a full disk, a failing one), if any: the
    /// writer sets it when a commit fails for want of storage and clears it at the next
    /// commit. Call [`Store::probe_storage`] to find out whether the condition has cleared
    /// when no writes come.
    pub fn storage_problem(&self) -> Option<writer::StorageProblem> {
        self.inner.storage.problem()
    }

    /// Finds out whether a database whose disk was full takes writes again, without waiting
    /// for a clerk's write: when its files are on this machine, their disk must have
    /// [`PROBE_FREE_BYTES`] free (an empty commit may still fit in space the database holds
    /// while a registration does not); then an empty write is committed through the writer
    /// (it takes the journal head's lock and commits, as every write does). Returns the
    /// problem that remains.
    pub async fn probe_storage(&self) -> Option<writer::StorageProblem> {
        if let Some(dir) = self.inner.backend.local_dir() {
            match fs4::available_space(dir) {
                Ok(free) if free < PROBE_FREE_BYTES => return self.storage_problem(),
                _ => {}
            }
        }
        let _ = self.submit(&Actor::system("storage-probe"), writer::Probe).await;
        self.storage_problem()
    }

    /// Which database the node runs on: `sqlite` or `postgres`.
    pub fn backend_kind(&self) -> &'static str {
        self.inner.backend.kind()
    }

    /// The journal position of the last commit made through this store; changes wake the
    /// search indexer.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.inner.head.subscribe()
    }

    /// The node's identity, or `None` before the node is set up.
    pub async fn node_if_set_up(&self) -> Result<Option<NodeRow>> {
        self.inner.backend.reads().node().await
    }

    /// The node's identity, or [`StoreError::NotInitialised`].
    pub async fn node(&self) -> Result<NodeRow> {
        self.inner.backend.reads().node().await?.ok_or(StoreError::NotInitialised)
    }

    /// Carries out a context's write through the node's writer ([`crate::writer`]); returns
    /// once it is durably committed (with the job's answer), or the store's error.
    pub async fn submit<J: WriteJob>(&self, actor: &Actor, job: J) -> Result<J::Output> {
        let answer = writer::enqueue(&self.inner.jobs, actor, job).await?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// A transaction that has the node's writer to itself until it ends (administration,
    /// imports, seeding).
    pub async fn exclusive(&self) -> Result<Exclusive> {
        let guard = Arc::clone(&self.inner.exclusive).lock_owned().await;
        let txn = Txn::begin(self.inner.backend.as_ref()).await?;
        Ok(Exclusive { txn, _guard: guard, head: self.inner.head.clone() })
    }

    /// Makes the writer take `day` as today (`None`: the calendar's today again). For tests
    /// of what happens across days and years, and for generating a history of cases; a
    /// node that serves people never sets it.
    pub fn set_today(&self, day: Option<NaiveDate>) {
        self.inner.clock.set_today(day);
    }

    /// Keeps the files of cases in `files` (the node's configuration says where).
    pub fn set_files(&self, files: crate::files::Files) {
        if let Ok(mut f) = self.inner.files.write() {
            *f = Some(files);
        }
    }

    /// How many times content was removed from the file store since the node started.
    pub(crate) fn deletions(&self) -> &std::sync::atomic::AtomicU64 {
        &self.inner.deletions
    }

    /// Where the files of cases are kept, if the node was told.
    pub fn files(&self) -> Option<crate::files::Files> {
        self.inner.files.read().ok().and_then(|f| f.clone())
    }

    /// The day the node takes as today (the store's clock).
    pub fn today(&self) -> NaiveDate {
        self.inner.clock.today()
    }

    /// The moment now, as the store's clock tells it.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// Stops the writer and closes the database.
    pub async fn close(&self) {
        let _guard = self.inner.exclusive.lock().await;
        self.inner.backend.close().await;
    }
}

/// A transaction holding the writer exclusively.
pub struct Exclusive {
    pub txn: Txn,
    _guard: OwnedMutexGuard<()>,
    head: watch::Sender<i64>,
}

impl Exclusive {
    pub async fn commit(self) -> Result<JournalHead> {
        let head = self.txn.commit().await?;
        self.head.send_replace(head.seq);
        Ok(head)
    }

    pub async fn rollback(self) -> Result<()> {
        self.txn.rollback().await
    }
}
