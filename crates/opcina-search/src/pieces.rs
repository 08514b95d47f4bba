//! Full-text search over the website's pieces: every language's title, summary and body,
//! the names of their files and the text of their PDF documents, folded as BHS is written
//! (`djordjevic` finds `Đorđević`, Cyrillic finds Latin). One document per piece, replaced
//! whenever the piece changes; the index follows the `pieces` table by the moment each piece
//! last changed (its watermark is committed with the index), so it can always be rebuilt.
//!
//! What the index finds is only a list of pieces: whether the public may see one now (not a
//! draft, not under embargo, not withdrawn) is the store's to say when the results are read.

use std::path::Path;
use std::sync::Mutex;

use opcina_store::Store;
use opcina_store::publicinfo_rows::PieceRow;
use opcina_store::sql::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

use crate::documents::extract_text;
use crate::error::{Result, SearchError};
use crate::tokenizer::{BHS, BhsTokenizer};

/// Bumped when the schema changes: an index of another version is rebuilt.
const SCHEMA_VERSION: u32 = 1;
/// Text taken from one piece at most (its texts and documents together).
const MAX_TEXT_CHARS: usize = 400_000;
/// Pieces read from the store at a time.
const BATCH: i64 = 100;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let folded = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(BHS).set_index_option(IndexRecordOption::WithFreqs));
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED),
        title: b.add_text_field("title", folded.clone()),
        text: b.add_text_field("text", folded),
    };
    (b.build(), fields)
}

/// How far the index has followed the pieces: the last change it holds, and the piece of
/// that moment with the highest id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watermark {
    pub changed_at: i64,
    pub id: i64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    after: Watermark,
}

/// A piece as the index takes it.
#[derive(Debug, Clone, Default)]
pub struct PieceText {
    pub id: i64,
    /// Its titles, in every language.
    pub titles: String,
    /// Its summaries and bodies, the names of its files and the text of its documents.
    pub text: String,
}

/// The index of the website's pieces.
pub struct PieceIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    after: Mutex<Watermark>,
}

impl PieceIndex {
    /// Opens the index in `dir`, creating it when missing, built by another schema, or
    /// unreadable.
    pub fn open(dir: &Path, writer_bytes: usize) -> Result<PieceIndex> {
        let (schema, fields) = schema();
        let initial = serde_json::to_string(&Payload { schema: SCHEMA_VERSION, after: Watermark::default() })
            .map_err(|e| SearchError::Index(e.to_string()))?;
        let current = |index: &Index| payload(index).is_some_and(|p| p.schema == SCHEMA_VERSION);
        let index = crate::on_disk::open(dir, &schema, "piece index", current, &initial)?;
        Self::finish(index, fields, writer_bytes)
    }

    /// An index in memory (tests and benchmarks).
    pub fn in_memory(writer_bytes: usize) -> Result<PieceIndex> {
        let (schema, fields) = schema();
        Self::finish(Index::create_in_ram(schema), fields, writer_bytes)
    }

    fn finish(index: Index, fields: Fields, writer_bytes: usize) -> Result<PieceIndex> {
        index.tokenizers().register(BHS, TextAnalyzer::from(BhsTokenizer::default()));
        let writer = index.writer_with_num_threads(1, writer_bytes.max(15_000_000))?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let after = payload(&index).map(|p| p.after).unwrap_or_default();
        Ok(PieceIndex { index, reader, writer: Mutex::new(writer), fields, after: Mutex::new(after) })
    }

    /// The last change committed to the index.
    pub fn after(&self) -> Watermark {
        self.after.lock().map(|w| *w).unwrap_or_default()
    }

    /// Pieces in the committed index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts pieces in the index, each replacing what it held of the same piece (committed by
    /// [`PieceIndex::commit`]).
    pub fn put(&self, pieces: &[PieceText]) -> Result<()> {
        let f = self.fields;
        let writer = self.writer.lock().map_err(|_| SearchError::Index("piece index writer lock poisoned".into()))?;
        for p in pieces {
            writer.delete_term(Term::from_field_i64(f.id, p.id));
            let text: String = p.text.chars().take(MAX_TEXT_CHARS).collect();
            writer.add_document(doc!(f.id => p.id, f.title => p.titles.as_str(), f.text => text))?;
        }
        Ok(())
    }

    /// Commits what was put, up to `after`.
    pub fn commit(&self, after: Watermark) -> Result<()> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Index("piece index writer lock poisoned".into()))?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(
            &serde_json::to_string(&Payload { schema: SCHEMA_VERSION, after }).map_err(|e| SearchError::Index(e.to_string()))?,
        );
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        if let Ok(mut w) = self.after.lock() {
            *w = after;
        }
        Ok(())
    }

    /// The pieces matching every word of `text` (in a title, a text, a file), best first:
    /// their ids, at most `limit`.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<i64>> {
        let f = self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.text]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 3.0);
        // Words only: what people type is not query syntax.
        let words = opcina_core::names::fold_tokens(text).join(" ");
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let (query, _) = parser.parse_query_lenient(&words);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut ids = Vec::with_capacity(top.len());
        for (_, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = d.get_first(f.id).and_then(|v| v.as_i64()) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}

fn payload(index: &Index) -> Option<Payload> {
    let meta = index.load_metas().ok()?;
    serde_json::from_str(meta.payload.as_deref()?).ok()
}

/// What the index holds of one piece: its latest texts in every language, its files' names
/// and its documents' text.
async fn text_of(store: &Store, piece: &PieceRow) -> Result<PieceText> {
    let mut reads = store.raw().reads();
    let texts = reads.latest_texts(&[piece.id]).await?;
    let files = reads.piece_files(piece.id).await?;
    let mut titles = Vec::new();
    let mut text = Vec::new();
    for t in &texts {
        titles.push(t.title.clone());
        text.push(t.summary.clone());
        text.push(t.body.clone());
    }
    text.push(piece.category.clone());
    text.push(piece.tags.clone());
    text.push(piece.local_community.clone());
    for file in &files {
        text.push(file.name.clone());
        text.push(file.alt.clone());
        if file.kind == opcina_core::publicinfo::attachment::FileKind::Pdf {
            let Some(store_files) = store.files() else { continue };
            match store_files.get(&file.sha256).await {
                Ok(content) => {
                    let read = tokio::task::spawn_blocking(move || extract_text("application/pdf", &content)).await.unwrap_or_default();
                    text.push(read);
                }
                Err(error) => tracing::error!(%error, file = file.id, "a piece's document could not be read for the index"),
            }
        }
    }
    Ok(PieceText { id: piece.id, titles: titles.join("\n"), text: text.join("\n") })
}

/// Reads the pieces changed after the index's watermark and puts them in it, a batch at a
/// time; returns how many were put.
pub async fn catch_up(index: &std::sync::Arc<PieceIndex>, store: &Store) -> Result<usize> {
    let mut done = 0;
    loop {
        let after = index.after();
        let batch = store.raw().reads().pieces_changed_after(after.changed_at, after.id, BATCH).await?;
        let Some(last) = batch.last().map(|p| Watermark { changed_at: p.changed_at, id: p.id }) else { return Ok(done) };
        let mut texts = Vec::with_capacity(batch.len());
        for piece in &batch {
            texts.push(text_of(store, piece).await?);
        }
        done += texts.len();
        let index = std::sync::Arc::clone(index);
        tokio::task::spawn_blocking(move || index.put(&texts).and_then(|()| index.commit(last)))
            .await
            .map_err(|e| SearchError::Index(e.to_string()))??;
    }
}

/// Keeps the piece index up with the store for as long as the store lives.
pub fn spawn(index: std::sync::Arc<PieceIndex>, store: Store) -> tokio::task::JoinHandle<()> {
    let follower = store.clone();
    crate::documents::follow(store, "piece", move || {
        let (index, store) = (std::sync::Arc::clone(&index), follower.clone());
        async move { catch_up(&index, &store).await }
    })
}
