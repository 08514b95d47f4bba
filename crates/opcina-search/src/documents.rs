//! Full-text search over the files of cases: the text of PDF and text files, the file's name
//! and the case's number and subject, folded as BHS is written (`Šehić`, `sehic`, `ШЕХИЋ`
//! find each other), filtered by the unit a user works in.
//!
//! The index follows the store's `attachments` table by id (its watermark is committed with
//! the index), so it can always be rebuilt from the database and the files.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use opcina_store::Store;
use opcina_store::rows::{AttachmentRow, CaseRow};
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery, TermSetQuery};
use tantivy::schema::{Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

use crate::error::{Result, SearchError};
use crate::tokenizer::{BHS, BhsTokenizer};
use opcina_store::sql::prelude::*;

/// Bumped when the schema changes: an index of another version is rebuilt.
const SCHEMA_VERSION: u32 = 2;
/// Threads one search uses at most (one per core, up to this).
const SEARCH_THREADS: usize = 4;
/// Text taken from one file at most (a file of thousands of pages is found by its start).
const MAX_TEXT_CHARS: usize = 200_000;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    case_id: Field,
    unit: Field,
    number: Field,
    name: Field,
    subject: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let folded = |stored: bool| {
        let o = TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer(BHS).set_index_option(IndexRecordOption::WithFreqs));
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED),
        case_id: b.add_i64_field("case_id", INDEXED | STORED),
        unit: b.add_text_field("unit", STRING),
        number: b.add_text_field("number", STRING | STORED),
        name: b.add_text_field("name", folded(true)),
        subject: b.add_text_field("subject", folded(true)),
        text: b.add_text_field("text", folded(false)),
    };
    (b.build(), fields)
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    /// The last attachment id the index holds.
    after: i64,
}

/// A file as the index takes it.
#[derive(Debug, Clone)]
pub struct DocumentText {
    pub attachment: AttachmentRow,
    pub case_number: String,
    pub case_subject: String,
    /// The unit responsible for the case (whose officials find it).
    pub unit: String,
    pub text: String,
}

/// A file found.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DocumentHit {
    pub attachment_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub name: String,
    pub case_subject: String,
    pub score: f32,
}

/// What one unit's officials find: the files of the cases of the unit's kinds, without those
/// handed over to another unit, and with those handed over to it from another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub unit: String,
    /// Cases of other units' kinds the unit holds.
    pub plus: Vec<i64>,
    /// Cases of the unit's kinds another unit holds.
    pub minus: Vec<i64>,
}

/// The index of the files of cases.
pub struct DocumentIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    after: AtomicI64,
}

impl DocumentIndex {
    /// Opens the index in `dir`, creating it when missing, built by another schema, or
    /// unreadable ([`crate::on_disk`]).
    pub fn open(dir: &Path, writer_bytes: usize) -> Result<DocumentIndex> {
        let (schema, fields) = schema();
        let initial =
            serde_json::to_string(&Payload { schema: SCHEMA_VERSION, after: 0 }).map_err(|e| SearchError::Index(e.to_string()))?;
        let current = |index: &Index| payload(index).is_some_and(|p| p.schema == SCHEMA_VERSION);
        let index = crate::on_disk::open(dir, &schema, "document index", current, &initial)?;
        Self::finish(index, fields, writer_bytes)
    }

    /// An index in memory (tests and benchmarks).
    pub fn in_memory(writer_bytes: usize) -> Result<DocumentIndex> {
        let (schema, fields) = schema();
        Self::finish(Index::create_in_ram(schema), fields, writer_bytes)
    }

    fn finish(mut index: Index, fields: Fields, writer_bytes: usize) -> Result<DocumentIndex> {
        // A query's segments are searched side by side: the long conjunctions of common words
        // are the slowest queries, and they are spread over the segments.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(SEARCH_THREADS);
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        index.tokenizers().register(BHS, TextAnalyzer::from(BhsTokenizer::default()));
        let writer = index.writer_with_num_threads(1, writer_bytes.max(15_000_000))?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let after = payload(&index).map_or(0, |p| p.after);
        Ok(DocumentIndex { index, reader, writer: Mutex::new(writer), fields, after: AtomicI64::new(after) })
    }

    /// The last attachment id committed to the index.
    pub fn after(&self) -> i64 {
        self.after.load(Ordering::Acquire)
    }

    /// Files in the committed index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds files (committed by [`DocumentIndex::commit`]).
    pub fn add(&self, docs: &[DocumentText]) -> Result<()> {
        let f = self.fields;
        let writer = self.writer.lock().map_err(|_| SearchError::Index("document index writer lock poisoned".into()))?;
        for d in docs {
            let text: String = d.text.chars().take(MAX_TEXT_CHARS).collect();
            writer.add_document(doc!(
                f.id => d.attachment.id,
                f.case_id => d.attachment.case_id,
                f.unit => d.unit.as_str(),
                f.number => d.case_number.as_str(),
                f.name => d.attachment.name.as_str(),
                f.subject => d.case_subject.as_str(),
                f.text => text,
            ))?;
        }
        Ok(())
    }

    /// Commits what was added, up to attachment `after`.
    pub fn commit(&self, after: i64) -> Result<()> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Index("document index writer lock poisoned".into()))?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(
            &serde_json::to_string(&Payload { schema: SCHEMA_VERSION, after }).map_err(|e| SearchError::Index(e.to_string()))?,
        );
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        self.after.store(after, Ordering::Release);
        Ok(())
    }

    /// Removes every file of these cases (destroyed after an approved disposal) and
    /// commits at the watermark the index has.
    pub fn remove_cases(&self, case_ids: &[i64]) -> Result<()> {
        {
            let writer = self.writer.lock().map_err(|_| SearchError::Index("document index writer lock poisoned".into()))?;
            for id in case_ids {
                writer.delete_term(Term::from_field_i64(self.fields.case_id, *id));
            }
        }
        self.commit(self.after())
    }

    /// Files matching every word of `text` (in their text, name, or the case's subject), best
    /// first; with a scope, only the files of the cases that unit holds.
    pub fn search(&self, text: &str, scope: Option<&Scope>, limit: usize) -> Result<Vec<DocumentHit>> {
        let f = self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.text, f.name, f.subject]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.name, 2.0);
        parser.set_field_boost(f.subject, 1.5);
        // Words only: what people type is not query syntax.
        let words = opcina_core::names::fold_tokens(text).join(" ");
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let (words_query, _) = parser.parse_query_lenient(&words);
        let cases =
            |ids: &[i64]| -> Box<dyn Query> { Box::new(TermSetQuery::new(ids.iter().map(|id| Term::from_field_i64(f.case_id, *id)))) };
        let query: Box<dyn Query> = match scope {
            None => words_query,
            Some(scope) => {
                let unit: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(f.unit, &scope.unit), IndexRecordOption::Basic));
                let mut own = vec![(Occur::Must, unit)];
                if !scope.minus.is_empty() {
                    own.push((Occur::MustNot, cases(&scope.minus)));
                }
                let mut visible: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(BooleanQuery::new(own)))];
                if !scope.plus.is_empty() {
                    visible.push((Occur::Should, cases(&scope.plus)));
                }
                Box::new(BooleanQuery::new(vec![(Occur::Must, words_query), (Occur::Must, Box::new(BooleanQuery::new(visible)))]))
            }
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            let int = |field: Field| d.get_first(field).and_then(|v| v.as_i64()).unwrap_or(0);
            let text = |field: Field| d.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
            hits.push(DocumentHit {
                attachment_id: int(f.id),
                case_id: int(f.case_id),
                case_number: text(f.number),
                name: text(f.name),
                case_subject: text(f.subject),
                score,
            });
        }
        Ok(hits)
    }
}

fn payload(index: &Index) -> Option<Payload> {
    let meta = index.load_metas().ok()?;
    serde_json::from_str(meta.payload.as_deref()?).ok()
}

/// The text of a file: PDF text as laid out, text files as they are; nothing for other
/// kinds (scans without a text layer are found by their name and case).
pub fn extract_text(media_type: &str, content: &[u8]) -> String {
    let kind = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match kind.as_str() {
        "application/pdf" => {
            // A malformed PDF must not take the indexer down with it.
            let content = content.to_vec();
            match std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&content)) {
                Ok(Ok(text)) => text,
                Ok(Err(error)) => {
                    tracing::warn!(%error, "no text could be read from a PDF; it is found by its name");
                    String::new()
                }
                Err(_) => {
                    tracing::warn!("reading a PDF's text failed; it is found by its name");
                    String::new()
                }
            }
        }
        k if k.starts_with("text/") => String::from_utf8_lossy(content).into_owned(),
        _ => String::new(),
    }
}

/// Reads, extracts and indexes the files after the index's watermark, a batch at a time;
/// returns how many were indexed.
pub async fn catch_up(index: &std::sync::Arc<DocumentIndex>, store: &Store) -> Result<usize> {
    let mut indexed = 0;
    loop {
        let batch = store.raw().reads().attachments_after(index.after(), 200).await?;
        let Some(last) = batch.last().map(|a| a.id) else { return Ok(indexed) };
        let mut docs = Vec::with_capacity(batch.len());
        let mut cases: std::collections::HashMap<i64, CaseRow> = std::collections::HashMap::new();
        let mut destroyed = std::collections::HashSet::new();
        for attachment in batch {
            if !cases.contains_key(&attachment.case_id) {
                if let Some(case) = store.raw().reads().case(attachment.case_id).await? {
                    let entry = store.raw().reads().archive_entry_of(case.id).await?;
                    if entry.is_some_and(|e| e.destroyed()) {
                        destroyed.insert(case.id);
                    }
                    cases.insert(case.id, case);
                }
            }
            // The files of a case destroyed after a disposal are not found any more.
            if destroyed.contains(&attachment.case_id) {
                continue;
            }
            let case = cases.get(&attachment.case_id);
            let content = match store.attachment_content(&attachment).await {
                Ok(c) => c,
                Err(error) => {
                    tracing::error!(%error, attachment = attachment.id, "a file could not be read for the index; it is found by its name");
                    Default::default()
                }
            };
            let media_type = attachment.media_type.clone();
            let text = tokio::task::spawn_blocking(move || extract_text(&media_type, &content)).await.unwrap_or_default();
            docs.push(DocumentText {
                case_number: case.map(|c| c.number.clone()).unwrap_or_default(),
                case_subject: case.map(|c| c.subject.clone()).unwrap_or_default(),
                unit: case.map(|c| c.unit_code.clone()).unwrap_or_default(),
                attachment,
                text,
            });
        }
        indexed += docs.len();
        let index = std::sync::Arc::clone(index);
        tokio::task::spawn_blocking(move || index.add(&docs).and_then(|()| index.commit(last)))
            .await
            .map_err(|e| SearchError::Index(e.to_string()))??;
    }
}

/// Keeps the document index up with the store for as long as the store lives.
pub fn spawn(index: std::sync::Arc<DocumentIndex>, store: Store) -> tokio::task::JoinHandle<()> {
    let follower = store.clone();
    follow(store, "document", move || {
        let (index, store) = (std::sync::Arc::clone(&index), follower.clone());
        async move { catch_up(&index, &store).await }
    })
}

/// Runs `catch_up` after every commit of the store (and every 5 s), for as long as the store
/// lives; a failed catch-up is logged under `what` and retried a second later.
pub(crate) fn follow<F, Fut>(store: Store, what: &'static str, mut catch_up: F) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<usize>> + Send,
{
    tokio::spawn(async move {
        let mut commits = store.subscribe();
        loop {
            if let Err(error) = catch_up().await {
                tracing::error!(%error, index = what, "the index could not catch up; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tokio::select! {
                changed = commits.changed() => if changed.is_err() { break },
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
        }
    })
}
