//! The store of a node: the backend chosen from the database URL, and the node's single
//! writer with group commit.
//!
//! Registrations and access-log records from all requests queue for the writer, which
//! takes as many as are waiting (up to a batch limit), carries them out in one transaction
//! and commits once: the durable commit — the expensive part — is shared. Each command's
//! domain refusal is its own; if the batch fails in the database, every job is retried in a
//! transaction of its own so that one bad job cannot sink the others. A caller gets its
//! answer only after the commit: an acknowledged write is durable.

use std::sync::Arc;

use chrono::NaiveDate;
use opcina_core::Refusal;
use opcina_core::journal::JournalHead;
use opcina_core::registry::commands::{Applied, Command};
use opcina_core::registry::{Actor, Timestamp};
use tokio::sync::{Mutex, OwnedMutexGuard, mpsc, oneshot, watch};

use crate::backend::Backend;
use crate::docflow::{DocDone, DocOp};
use crate::error::{Result, StoreError};
use crate::exec;
use crate::extracts::{Draft, Outcome};
use crate::federation::CHAIN_START;
use crate::postgres::PgBackend;
use crate::rows::{AccessRow, MessageRow, NodeRow, Row};
use crate::sqlite::SqliteBackend;
use crate::txn::Txn;

/// Most jobs carried out in one transaction.
const MAX_BATCH: usize = 512;

type Reply<T> = oneshot::Sender<Result<T>>;

enum Job {
    Command { actor: Actor, command: Box<Command>, reply: Reply<Result<Applied, Refusal>> },
    Access { actor: Actor, rows: Vec<AccessRow>, reply: Reply<()> },
    Extract { actor: Actor, draft: Box<Draft>, reply: Reply<Result<Outcome, Refusal>> },
    Exchange { actor: Actor, exchange: Box<MessageRow>, reads: Vec<AccessRow>, reply: Reply<MessageRow> },
    Docflow { actor: Actor, op: Box<DocOp>, reply: Reply<Result<DocDone, Refusal>> },
}

enum Done {
    Command(Box<Result<Applied, Refusal>>),
    Access,
    Extract(Box<Result<Outcome, Refusal>>),
    Exchange(Box<MessageRow>),
    Docflow(Box<Result<DocDone, Refusal>>),
}

impl Job {
    fn answer(self, done: Result<Done>) {
        match self {
            Job::Command { reply, .. } => {
                let _ = reply.send(done.map(|d| match d {
                    Done::Command(r) => *r,
                    _ => Err(unexpected()),
                }));
            }
            Job::Extract { reply, .. } => {
                let _ = reply.send(done.map(|d| match d {
                    Done::Extract(r) => *r,
                    _ => Err(unexpected()),
                }));
            }
            Job::Docflow { reply, .. } => {
                let _ = reply.send(done.map(|d| match d {
                    Done::Docflow(r) => *r,
                    _ => Err(unexpected()),
                }));
            }
            Job::Access { reply, .. } => {
                let _ = reply.send(done.map(|_| ()));
            }
            Job::Exchange { reply, .. } => {
                let _ = reply.send(done.and_then(|d| match d {
                    Done::Exchange(m) => Ok(*m),
                    _ => Err(StoreError::WriterStopped),
                }));
            }
        }
    }
}

fn unexpected() -> Refusal {
    Refusal::one(opcina_core::FieldError::general("store.internal", "unexpected result"))
}

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

struct Inner {
    backend: Arc<dyn Backend>,
    jobs: mpsc::Sender<Job>,
    head: watch::Sender<i64>,
    /// Held by the writer for each batch, and by exclusive work (administration, bulk loads).
    exclusive: Arc<Mutex<()>>,
    /// The day the writer takes as today, when set (tests and generated history).
    today: std::sync::RwLock<Option<NaiveDate>>,
    /// Where the files of cases are kept, once the node is told.
    files: std::sync::RwLock<Option<crate::files::Files>>,
    /// Counts disposals that removed content from the file store (uploads check it).
    deletions: std::sync::atomic::AtomicU64,
}

impl Inner {
    fn today(&self) -> NaiveDate {
        self.today.read().ok().and_then(|d| *d).unwrap_or_else(today)
    }
}

/// A node's store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
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
        let (jobs, rx) = mpsc::channel(4096);
        let (head_tx, _) = watch::channel(head.seq);
        let inner = Arc::new(Inner {
            backend,
            jobs,
            head: head_tx,
            exclusive: Arc::new(Mutex::new(())),
            today: std::sync::RwLock::new(None),
            files: std::sync::RwLock::new(None),
            deletions: std::sync::atomic::AtomicU64::new(0),
        });
        tokio::spawn(writer(Arc::clone(&inner), rx));
        Ok(Store { inner })
    }

    pub fn backend(&self) -> &dyn Backend {
        self.inner.backend.as_ref()
    }

    pub fn backend_arc(&self) -> Arc<dyn Backend> {
        Arc::clone(&self.inner.backend)
    }

    /// The journal position of the last commit made through this store; changes wake the
    /// search indexer.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.inner.head.subscribe()
    }

    /// The node's identity, or [`StoreError::NotInitialised`].
    pub async fn node(&self) -> Result<NodeRow> {
        self.inner.backend.node().await?.ok_or(StoreError::NotInitialised)
    }

    /// Carries out a registration command; returns once it is durably committed.
    pub async fn execute(&self, actor: &Actor, command: Command) -> Result<Result<Applied, Refusal>> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .jobs
            .send(Job::Command { actor: actor.clone(), command: Box::new(command), reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Records reads of people's records; returns once they are durably committed, so that
    /// no record is shown before its reading is logged.
    pub async fn record_access(&self, actor: &Actor, rows: Vec<AccessRow>) -> Result<()> {
        let (reply, rx) = oneshot::channel();
        self.inner.jobs.send(Job::Access { actor: actor.clone(), rows, reply }).await.map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Logs an exchange with another member in the federation's message log, with the reads
    /// of personal records it carried, through the writer (group commit); returns the row as
    /// chained, once durably committed.
    pub async fn log_exchange(&self, actor: &Actor, exchange: MessageRow, reads: Vec<AccessRow>) -> Result<MessageRow> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .jobs
            .send(Job::Exchange { actor: actor.clone(), exchange: Box::new(exchange), reads, reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Registers an issued document or a refusal through the writer.
    pub(crate) async fn write_extract(&self, actor: &Actor, draft: Draft) -> Result<Result<Outcome, Refusal>> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .jobs
            .send(Job::Extract { actor: actor.clone(), draft: Box::new(draft), reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Carries out a document-flow operation (registration, filing, a step of a case)
    /// through the writer; returns once it is durably committed.
    pub async fn docflow(&self, actor: &Actor, op: DocOp) -> Result<Result<DocDone, Refusal>> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .jobs
            .send(Job::Docflow { actor: actor.clone(), op: Box::new(op), reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
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
        if let Ok(mut today) = self.inner.today.write() {
            *today = day;
        }
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

    /// The day the writer takes as today.
    pub fn today(&self) -> NaiveDate {
        self.inner.today()
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

/// Today in the node's local time (registration dates are local dates).
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

async fn writer(inner: Arc<Inner>, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let _guard = inner.exclusive.lock().await;
        match run_batch(&inner, &jobs).await {
            Ok((results, head)) => {
                inner.head.send_replace(head.seq);
                for (job, done) in jobs.into_iter().zip(results) {
                    job.answer(Ok(done));
                }
            }
            Err(error) => {
                tracing::warn!(jobs = jobs.len(), %error, "a write batch failed; retrying its jobs one by one");
                for job in jobs {
                    match run_batch(&inner, std::slice::from_ref(&job)).await {
                        Ok((mut results, head)) => {
                            inner.head.send_replace(head.seq);
                            match results.pop() {
                                Some(done) => job.answer(Ok(done)),
                                None => job.answer(Err(StoreError::WriterStopped)),
                            }
                        }
                        Err(error) => {
                            tracing::error!(%error, "a write job failed");
                            job.answer(Err(error));
                        }
                    }
                }
            }
        }
    }
}

async fn run_batch(inner: &Inner, jobs: &[Job]) -> Result<(Vec<Done>, JournalHead)> {
    let mut txn = Txn::begin(inner.backend.as_ref()).await?;
    let result = async {
        let node = txn.reader().await?.node().await?;
        let today = inner.today();
        let mut results = Vec::with_capacity(jobs.len());
        // The message log's last hash, read once per batch (the writer is held).
        let mut chain: Option<Vec<u8>> = None;
        for job in jobs {
            let now = Timestamp::now();
            match job {
                Job::Command { actor, command, .. } => {
                    let Some(node) = &node else { return Err(StoreError::NotInitialised) };
                    results.push(Done::Command(Box::new(exec::execute(&mut txn, node, actor, command, today, now).await?)));
                }
                Job::Access { actor, rows, .. } => {
                    for row in rows {
                        let mut row = row.clone();
                        row.at = now.0;
                        txn.append(Row::Access(row), now, actor, "access.read").await?;
                    }
                    results.push(Done::Access);
                }
                Job::Extract { actor, draft, .. } => {
                    results.push(Done::Extract(Box::new(crate::extracts::write_draft(&mut txn, actor, draft, now).await?)));
                }
                Job::Docflow { actor, op, .. } => {
                    let Some(node) = &node else { return Err(StoreError::NotInitialised) };
                    results.push(Done::Docflow(Box::new(crate::docflow::write(&mut txn, node, actor, op, today, now).await?)));
                }
                Job::Exchange { actor, exchange, reads, .. } => {
                    let prev = match chain.take() {
                        Some(h) => h,
                        None => inner.backend.last_message().await?.map_or_else(|| CHAIN_START.to_vec(), |m| m.hash),
                    };
                    let row = crate::federation::chained(exchange, txn.next_id(), now, prev);
                    chain = Some(row.hash.clone());
                    let action = if row.direction == "in" { "federation.message.answered" } else { "federation.message.sent" };
                    txn.append(Row::Message(Box::new(row.clone())), now, actor, action).await?;
                    for read in reads {
                        let mut read = read.clone();
                        read.at = now.0;
                        txn.append(Row::Access(read), now, actor, "access.read").await?;
                    }
                    results.push(Done::Exchange(Box::new(row)));
                }
            }
        }
        Ok(results)
    }
    .await;
    match result {
        Ok(results) => {
            let head = txn.commit().await?;
            Ok((results, head))
        }
        Err(e) => {
            let _ = txn.rollback().await;
            Err(e)
        }
    }
}
