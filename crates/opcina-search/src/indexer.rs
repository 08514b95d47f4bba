//! Keeping the person index in step with the database.
//!
//! The indexer follows the journal: whenever the head moves (a commit in this process wakes
//! it at once; a commit by another process is noticed within a second), it reads which
//! people the new journal items touched, derives their current view and replaces their
//! documents. A rebuild starts from nothing and indexes everyone.

use std::sync::Arc;
use std::time::Duration;

use opcina_core::registry::{ViewTime, person_view};
use opcina_core::{CheckMode, Jmbg};
use opcina_store::{Backend, Store, calendar_today};

use crate::doc::PersonHit;
use crate::error::{Result, SearchError};
use crate::index::PersonIndex;
use opcina_store::sql::prelude::*;

/// How often a live index commits what is staged (staged people are searchable at once; a
/// commit has a fixed cost and makes a segment to merge, so it takes many people at a time).
pub const COMMIT_INTERVAL: Duration = Duration::from_secs(1);
/// Staged people beyond which the index commits at once (bounds memory during catch-up).
const MAX_STAGED: usize = 20_000;
/// Journal positions handled per index commit while catching up.
const CATCH_UP_STEP: i64 = 100_000;
/// People read from the database at once.
const READ_BATCH: usize = 1_000;

/// The current views of these people, as index documents.
pub async fn load_hits(backend: &dyn Backend, jmbgs: &[String]) -> Result<Vec<PersonHit>> {
    let parsed: Vec<Jmbg> = jmbgs.iter().filter_map(|j| Jmbg::parse(j, CheckMode::Lenient).ok()).collect();
    // The current view as of the calendar (an index of names is not a legal act: it follows
    // the wall clock even when a test sets the store's day).
    let time = ViewTime::current(calendar_today());
    let mut hits = Vec::with_capacity(parsed.len());
    // A person asked for by an old and a new number is one document.
    let mut seen = std::collections::HashSet::new();
    for chunk in parsed.chunks(READ_BATCH) {
        for (jmbg, records) in backend.reads().person_records_many(chunk).await? {
            if let Some(view) = person_view(&jmbg, &records, time) {
                if seen.insert(view.jmbg.clone()) {
                    hits.push(PersonHit::from_view(&view));
                }
            }
        }
    }
    Ok(hits)
}

/// Brings the index up to the journal head (staged: searchable at once); returns how many
/// people were re-indexed.
pub async fn catch_up(index: &Arc<PersonIndex>, backend: &dyn Backend) -> Result<usize> {
    let head = backend.journal_head().await?.seq;
    let mut from = index.watermark();
    let mut updated = 0;
    while from < head {
        let to = (from + CATCH_UP_STEP).min(head);
        let touched = backend.reads().persons_touched(from, to).await?;
        let hits = load_hits(backend, &touched).await?;
        updated += hits.len();
        index.stage(&hits, to)?;
        if index.staged() > MAX_STAGED {
            commit(index).await?;
        }
        from = to;
    }
    Ok(updated)
}

/// Commits what is staged (off the async threads: a commit writes files).
pub async fn commit(index: &Arc<PersonIndex>) -> Result<()> {
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || index.commit_staged()).await.map_err(|e| SearchError::Index(e.to_string()))??;
    Ok(())
}

/// Runs the indexer for as long as the store lives.
pub fn spawn(index: Arc<PersonIndex>, store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut commits = store.subscribe();
        let mut last_commit = tokio::time::Instant::now();
        // A commit runs beside the staging, so that new registrations stay searchable at
        // once while it writes.
        let mut committing: Option<tokio::task::JoinHandle<()>> = None;
        loop {
            if let Err(error) = catch_up(&index, store.raw()).await {
                tracing::error!(%error, "the person index could not catch up with the journal; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            let idle = committing.as_ref().is_none_or(|c| c.is_finished());
            if idle && last_commit.elapsed() >= COMMIT_INTERVAL && (index.staged() > 0 || index.committed() < index.watermark()) {
                let index = Arc::clone(&index);
                committing = Some(tokio::spawn(async move {
                    if let Err(error) = commit(&index).await {
                        tracing::error!(%error, "the person index could not commit; it will retry");
                    }
                }));
                last_commit = tokio::time::Instant::now();
            }
            tokio::select! {
                changed = commits.changed() => if changed.is_err() { break },
                _ = tokio::time::sleep(COMMIT_INTERVAL) => {}
            }
        }
    })
}

/// Waits until the index reflects journal position `seq` (a write's own position, so the
/// writer reads its own writes); false when `timeout` passes first.
pub async fn wait_for(index: &PersonIndex, seq: i64, timeout: Duration) -> bool {
    let mut rx = index.subscribe();
    tokio::time::timeout(timeout, rx.wait_for(|w| *w >= seq)).await.is_ok_and(|r| r.is_ok())
}

/// Rebuilds the index from the database; returns the number of people indexed.
pub async fn rebuild(index: &Arc<PersonIndex>, backend: &dyn Backend, progress: &(dyn Fn(u64) + Sync)) -> Result<u64> {
    let head = backend.journal_head().await?.seq;
    index.clear()?;
    let mut after = String::new();
    let mut indexed = 0u64;
    loop {
        let jmbgs = backend.reads().person_jmbgs_after(&after, 5_000).await?;
        let Some(last) = jmbgs.last() else { break };
        after = last.clone();
        let hits = load_hits(backend, &jmbgs).await?;
        index.add_unchecked(&hits)?;
        indexed += hits.len() as u64;
        progress(indexed);
    }
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || index.commit(head, true)).await.map_err(|e| SearchError::Index(e.to_string()))??;
    Ok(indexed)
}
