//! The node's single writer with group commit: the part of the kernel every context writes
//! through.
//!
//! A context describes one write as a [`WriteJob`] (its own type, in its own module) and
//! hands it to [`Store::submit`]. Jobs from all requests queue here; the writer takes as many
//! as are waiting (up to a batch limit), carries them out in one journaled transaction and
//! commits once, so the durable commit — the expensive part — is shared. A job's domain
//! refusal is part of its output; if the batch fails in the database, every job is retried in
//! a transaction of its own so that one bad job cannot sink the others. A caller gets its
//! answer only after the commit: an acknowledged write is durable.
//!
//! The kernel knows nothing of registrations, extracts or cases: it owns the transaction,
//! the journal and the batching, and a context owns its rows and its rules.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use opcina_core::registry::{Actor, Timestamp};
use tokio::sync::{Mutex, mpsc, oneshot, watch};

use crate::backend::Backend;
use crate::clock::Clock;
use crate::error::{Result, StorageFault, StoreError};
use crate::rows::NodeRow;
use crate::sql::prelude::*;
use crate::txn::Txn;

/// Most jobs carried out in one transaction.
const MAX_BATCH: usize = 512;

/// What a job sees while it runs inside the writer's transaction.
pub struct WriteCx<'a> {
    /// The batch's transaction: rows appended here are journaled and committed together.
    pub txn: &'a mut Txn,
    /// The node's identity (`None` before `opcina init`).
    pub node: Option<&'a NodeRow>,
    /// Who asked for the write.
    pub actor: &'a Actor,
    /// The day the node takes as today (the store's clock).
    pub today: NaiveDate,
    /// The moment this job is carried out.
    pub now: Timestamp,
}

impl<'a> WriteCx<'a> {
    /// The node's identity, or [`StoreError::NotInitialised`] for jobs that need it.
    pub fn node(&self) -> Result<&'a NodeRow> {
        self.node.ok_or(StoreError::NotInitialised)
    }
}

/// One write of a context, carried out by the node's writer. A job may run more than once
/// (when its batch fails, it is retried alone in a fresh transaction), so it reads its input
/// by reference and keeps no state between runs.
#[async_trait]
pub trait WriteJob: Send + Sync + 'static {
    /// The answer the caller waits for (a domain refusal is part of it).
    type Output: Send + 'static;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output>;
}

/// A write that appends nothing: its transaction takes the journal head's lock (rewriting
/// the head's row) and commits like any other, so it succeeds only when the database takes
/// writes. `/healthz` sends one while writes are failing.
pub(crate) struct Probe;

#[async_trait]
impl WriteJob for Probe {
    type Output = ();

    async fn write(&self, _cx: &mut WriteCx<'_>) -> Result<()> {
        Ok(())
    }
}

/// A job waiting in the queue with the caller's reply channel; its type is erased so that
/// jobs of every context share one queue.
#[async_trait]
pub(crate) trait Queued: Send {
    async fn run(&mut self, txn: &mut Txn, node: Option<&NodeRow>, today: NaiveDate, now: Timestamp) -> Result<()>;
    fn answer(self: Box<Self>, outcome: Result<()>);
}

struct Pending<J: WriteJob> {
    actor: Actor,
    job: J,
    output: Option<J::Output>,
    reply: oneshot::Sender<Result<J::Output>>,
}

#[async_trait]
impl<J: WriteJob> Queued for Pending<J> {
    async fn run(&mut self, txn: &mut Txn, node: Option<&NodeRow>, today: NaiveDate, now: Timestamp) -> Result<()> {
        let mut cx = WriteCx { txn, node, actor: &self.actor, today, now };
        self.output = Some(self.job.write(&mut cx).await?);
        Ok(())
    }

    fn answer(self: Box<Self>, outcome: Result<()>) {
        let Pending { output, reply, .. } = *self;
        let answer = outcome.and_then(|()| output.ok_or(StoreError::WriterStopped));
        // The caller may have gone away (a closed connection); the write stands regardless.
        let _ = reply.send(answer);
    }
}

pub(crate) type Queue = mpsc::Sender<Box<dyn Queued>>;

/// Makes the queue the writer takes jobs from.
pub(crate) fn queue() -> (Queue, mpsc::Receiver<Box<dyn Queued>>) {
    mpsc::channel(4096)
}

/// Queues `job` for the writer as `actor`; the answer comes on the receiver once the job's
/// transaction is committed (or failed).
pub(crate) async fn enqueue<J: WriteJob>(queue: &Queue, actor: &Actor, job: J) -> Result<oneshot::Receiver<Result<J::Output>>> {
    let (reply, rx) = oneshot::channel();
    let pending: Box<dyn Queued> = Box::new(Pending { actor: actor.clone(), job, output: None, reply });
    queue.send(pending).await.map_err(|_| StoreError::WriterStopped)?;
    Ok(rx)
}

/// What the writer works with: the database, the journal head it announces after each
/// commit, the lock it shares with exclusive work, the node's clock, and where it tells
/// whether the database takes writes.
pub(crate) struct Writer {
    pub backend: Arc<dyn Backend>,
    pub head: watch::Sender<i64>,
    pub exclusive: Arc<Mutex<()>>,
    pub clock: Arc<Clock>,
    pub storage: Arc<StorageHealth>,
}

/// Whether the database takes writes: the storage fault of the last write, until a write
/// commits again.
#[derive(Debug, Default)]
pub struct StorageHealth {
    fault: std::sync::Mutex<Option<StorageProblem>>,
}

/// A storage fault that stops writes, as `/healthz` and the operator's log report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageProblem {
    pub fault: StorageFault,
    /// The database's own words for the last failure.
    pub detail: String,
    /// When writes began to fail.
    pub since: Timestamp,
    /// Writes refused since then.
    pub failures: u64,
}

impl StorageHealth {
    /// The fault that stops writes now, if any.
    pub fn problem(&self) -> Option<StorageProblem> {
        self.fault.lock().ok().and_then(|f| f.clone())
    }

    fn failed(&self, fault: StorageFault, detail: &str, now: Timestamp, writes: usize) {
        let Ok(mut current) = self.fault.lock() else { return };
        match current.as_mut() {
            Some(p) => {
                p.fault = fault;
                p.detail = detail.to_string();
                p.failures += writes as u64;
            }
            None => {
                tracing::error!(code = fault.code(), %detail, "the database refuses writes; the node answers them with an error until it takes them again");
                *current = Some(StorageProblem { fault, detail: detail.to_string(), since: now, failures: writes as u64 });
            }
        }
    }

    fn committed(&self) {
        let Ok(mut current) = self.fault.lock() else { return };
        if let Some(p) = current.take() {
            tracing::warn!(code = p.fault.code(), refused = p.failures, "the database takes writes again");
        }
    }
}

/// The writer's loop: takes what waits, runs it as one batch, answers every caller.
pub(crate) async fn run(inner: Writer, mut rx: mpsc::Receiver<Box<dyn Queued>>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let _guard = inner.exclusive.lock().await;
        match run_batch(&inner, &mut jobs).await {
            Ok(seq) => {
                inner.storage.committed();
                inner.head.send_replace(seq);
                for job in jobs {
                    job.answer(Ok(()));
                }
            }
            Err(StoreError::Storage { fault, detail }) => {
                // The disk, not a job, failed: running each job again alone would fail the
                // same way, one slow failure at a time. Every caller hears why at once.
                inner.storage.failed(fault, &detail, inner.clock.now(), jobs.len());
                for job in jobs {
                    job.answer(Err(StoreError::Storage { fault, detail: detail.clone() }));
                }
            }
            Err(error) => {
                tracing::warn!(jobs = jobs.len(), %error, "a write batch failed; retrying its jobs one by one");
                for job in jobs {
                    let mut alone = vec![job];
                    let answer = match run_batch(&inner, &mut alone).await {
                        Ok(seq) => {
                            inner.storage.committed();
                            inner.head.send_replace(seq);
                            Ok(())
                        }
                        Err(error) => {
                            if let StoreError::Storage { fault, detail } = &error {
                                inner.storage.failed(*fault, detail, inner.clock.now(), 1);
                            }
                            tracing::error!(%error, "a write job failed");
                            Err(error)
                        }
                    };
                    if let Some(job) = alone.pop() {
                        job.answer(answer);
                    }
                }
            }
        }
    }
}

/// Runs jobs in one transaction and commits; returns the journal position committed.
async fn run_batch(inner: &Writer, jobs: &mut [Box<dyn Queued>]) -> Result<i64> {
    let mut txn = Txn::begin(inner.backend.as_ref()).await?;
    let result = async {
        let node = txn.reader().await?.node().await?;
        let today = inner.clock.today();
        for job in jobs.iter_mut() {
            job.run(&mut txn, node.as_ref(), today, inner.clock.now()).await?;
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(txn.commit().await?.seq),
        Err(e) => {
            let _ = txn.rollback().await;
            Err(e)
        }
    }
}
