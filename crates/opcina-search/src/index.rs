//! The person index on disk: its schema, opening and creating it, and applying updates.
//!
//! The index is derived data: the database is the truth. Each commit of the index records
//! (in tantivy's commit payload) the journal position it reflects, so after a crash or an
//! import by another process the indexer knows exactly what to catch up on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, RwLock};

use chrono::Datelike;
use opcina_core::registry::Sex;
use serde::{Deserialize, Serialize};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};
use tokio::sync::watch;

use crate::doc::PersonHit;
use crate::error::{Result, SearchError};
use crate::tokenizer::{BHS, BhsTokenizer};

/// Bumped whenever the schema or the analysis changes: an index of another version is
/// rebuilt from the database.
pub const SCHEMA_VERSION: u32 = 1;

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub jmbg: Field,
    pub given: Field,
    pub surname: Field,
    pub former: Field,
    pub sex: Field,
    pub office: Field,
    pub birth_year: Field,
    pub stored: Field,
}

impl Fields {
    /// The name fields a query word is looked for in, with the weight of a match there.
    pub fn name_fields(&self) -> [(Field, f32); 3] {
        [(self.given, 1.0), (self.surname, 1.0), (self.former, 0.8)]
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let names = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(BHS).set_index_option(IndexRecordOption::Basic));
    let fields = Fields {
        jmbg: b.add_text_field("jmbg", STRING),
        given: b.add_text_field("given", names.clone()),
        surname: b.add_text_field("surname", names.clone()),
        former: b.add_text_field("former", names),
        sex: b.add_text_field("sex", STRING),
        office: b.add_text_field("office", STRING),
        birth_year: b.add_i64_field("birth_year", INDEXED | FAST),
        stored: b.add_text_field("person", STORED),
    };
    (b.build(), fields)
}

/// What a commit of the index records.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    /// The journal position the index reflects.
    seq: i64,
}

/// People changed since the index was last committed. Search consults them alongside the
/// committed index (where their older documents are ignored), so a change is searchable as
/// soon as it is staged, and commits — which have a fixed cost — can be rare.
#[derive(Default)]
pub(crate) struct Recent {
    pub(crate) people: HashMap<String, (PersonHit, u64)>,
    version: u64,
}

/// A person index, opened for searching and updating.
pub struct PersonIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    pub(crate) fields: Fields,
    pub(crate) recent: RwLock<Recent>,
    /// The journal position that is searchable (committed or staged).
    watermark: watch::Sender<i64>,
    /// The journal position of the last commit.
    committed: AtomicI64,
    dir: Option<PathBuf>,
}

/// Memory for the index writer of a running node: tantivy's minimum, because each commit
/// allocates tables in proportion to it and a live node commits often (and its footprint
/// matters).
pub const LIVE_WRITER_BYTES: usize = 15_000_000;

impl PersonIndex {
    /// Opens the index in `dir`, creating it (empty, at journal position 0) when missing,
    /// built by another schema version, or unreadable ([`crate::on_disk`]).
    pub fn open(dir: &Path, writer_bytes: usize, threads: usize) -> Result<PersonIndex> {
        let (schema, fields) = schema();
        let initial = serde_json::to_string(&Payload { schema: SCHEMA_VERSION, seq: 0 }).map_err(|e| SearchError::Index(e.to_string()))?;
        let current = |index: &Index| payload(index).is_some_and(|p| p.schema == SCHEMA_VERSION);
        let index = crate::on_disk::open(dir, &schema, "person index", current, &initial)?;
        Self::finish(index, fields, writer_bytes, threads, Some(dir.to_path_buf()))
    }

    /// An index in memory (tests, benchmarks of the index alone).
    pub fn in_memory(writer_bytes: usize, threads: usize) -> Result<PersonIndex> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        Self::finish(index, fields, writer_bytes, threads, None)
    }

    fn finish(index: Index, fields: Fields, writer_bytes: usize, threads: usize, dir: Option<PathBuf>) -> Result<PersonIndex> {
        index.tokenizers().register(BHS, TextAnalyzer::from(BhsTokenizer::default()));
        let writer = index.writer_with_num_threads(threads.max(1), writer_bytes.max(15_000_000 * threads.max(1)))?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let seq = payload(&index).map_or(0, |p| p.seq);
        let (watermark, _) = watch::channel(seq);
        Ok(PersonIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            recent: RwLock::new(Recent::default()),
            watermark,
            committed: AtomicI64::new(seq),
            dir,
        })
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The journal position the searchable index reflects (committed or staged).
    pub fn watermark(&self) -> i64 {
        *self.watermark.borrow()
    }

    /// The journal position of the last commit (what survives a restart).
    pub fn committed(&self) -> i64 {
        self.committed.load(Ordering::Acquire)
    }

    /// People staged but not yet committed.
    pub fn staged(&self) -> usize {
        self.recent.read().map_or(0, |r| r.people.len())
    }

    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.watermark.subscribe()
    }

    /// Number of people searchable now.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes the current documents of these people searchable at once (without a commit),
    /// the index now reflecting journal position `seq`.
    pub fn stage(&self, people: &[PersonHit], seq: i64) -> Result<()> {
        let mut recent = self.recent.write().map_err(|_| SearchError::Index("index lock poisoned".into()))?;
        for p in people {
            recent.version += 1;
            let version = recent.version;
            recent.people.insert(p.jmbg.to_string(), (p.clone(), version));
            // Under a replaced number too, so that the committed document of the person's
            // old number is shadowed until the commit deletes it.
            for old in &p.former_jmbgs {
                recent.people.insert(old.to_string(), (p.clone(), version));
            }
        }
        drop(recent);
        self.watermark.send_if_modified(|w| {
            let moved = *w < seq;
            *w = (*w).max(seq);
            moved
        });
        Ok(())
    }

    /// Writes the staged people into the index and commits; returns how many stay staged
    /// (those changed again meanwhile).
    pub fn commit_staged(&self) -> Result<usize> {
        let seq = self.watermark();
        let snapshot: Vec<(String, PersonHit, u64)> = {
            let recent = self.recent.read().map_err(|_| SearchError::Index("index lock poisoned".into()))?;
            recent.people.iter().map(|(j, (p, v))| (j.clone(), p.clone(), *v)).collect()
        };
        if snapshot.is_empty() && seq == self.committed() {
            return Ok(0);
        }
        let mut writer = self.writer.lock().map_err(|_| SearchError::Index("index writer lock poisoned".into()))?;
        for (key, p, _) in &snapshot {
            // A person staged under a replaced number as well is written once.
            if key != p.jmbg.as_str() {
                continue;
            }
            for number in std::iter::once(&p.jmbg).chain(&p.former_jmbgs) {
                writer.delete_term(Term::from_field_text(self.fields.jmbg, number.as_str()));
            }
            writer.add_document(self.document(p)?)?;
        }
        let mut commit = writer.prepare_commit()?;
        commit
            .set_payload(&serde_json::to_string(&Payload { schema: SCHEMA_VERSION, seq }).map_err(|e| SearchError::Index(e.to_string()))?);
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        self.committed.store(seq, Ordering::Release);
        // Forget what was written, unless it changed again meanwhile.
        let mut recent = self.recent.write().map_err(|_| SearchError::Index("index lock poisoned".into()))?;
        for (jmbg, _, version) in snapshot {
            if recent.people.get(&jmbg).is_some_and(|(_, v)| *v == version) {
                recent.people.remove(&jmbg);
            }
        }
        Ok(recent.people.len())
    }

    /// Replaces the documents of these people (adding the new ones) and commits, recording
    /// that the index now reflects journal position `seq`.
    pub fn apply(&self, people: &[PersonHit], seq: i64) -> Result<()> {
        self.stage(people, seq)?;
        self.commit_staged().map(|_| ())
    }

    /// Adds documents without committing (bulk rebuilds; call [`PersonIndex::commit`] after).
    pub fn add_unchecked(&self, people: &[PersonHit]) -> Result<()> {
        let writer = self.writer.lock().map_err(|_| SearchError::Index("index writer lock poisoned".into()))?;
        for p in people {
            writer.add_document(self.document(p)?)?;
        }
        Ok(())
    }

    /// Removes every document (the start of a rebuild; takes effect at the next commit).
    pub fn clear(&self) -> Result<()> {
        let writer = self.writer.lock().map_err(|_| SearchError::Index("index writer lock poisoned".into()))?;
        writer.delete_all_documents()?;
        if let Ok(mut recent) = self.recent.write() {
            recent.people.clear();
        }
        Ok(())
    }

    /// Commits what was added, at journal position `seq`, and merges the index into as few
    /// segments as it can (for the fastest searches after a bulk build).
    pub fn commit(&self, seq: i64, merge: bool) -> Result<()> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Index("index writer lock poisoned".into()))?;
        let mut commit = writer.prepare_commit()?;
        commit
            .set_payload(&serde_json::to_string(&Payload { schema: SCHEMA_VERSION, seq }).map_err(|e| SearchError::Index(e.to_string()))?);
        commit.commit()?;
        if merge {
            let ids = self.index.searchable_segment_ids()?;
            if ids.len() > 1 {
                writer.merge(&ids).wait()?;
            }
        }
        drop(writer);
        self.reader.reload()?;
        self.committed.store(seq, Ordering::Release);
        self.watermark.send_replace(seq);
        Ok(())
    }

    fn document(&self, p: &PersonHit) -> Result<TantivyDocument> {
        let f = &self.fields;
        let stored = serde_json::to_string(p).map_err(|e| SearchError::Index(e.to_string()))?;
        let mut d = doc!(
            f.jmbg => p.jmbg.as_str(),
            f.given => p.given_name.as_str(),
            f.surname => p.surname.as_str(),
            f.sex => sex_term(p.sex),
            f.birth_year => i64::from(p.birth_date.year()),
            f.stored => stored,
        );
        for name in &p.former_names {
            d.add_text(f.former, name);
        }
        for old in &p.former_jmbgs {
            d.add_text(f.jmbg, old.as_str());
        }
        if let Some(office) = &p.registry_office {
            d.add_text(f.office, office);
        }
        Ok(d)
    }
}

pub(crate) fn sex_term(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "m",
        Sex::Female => "f",
    }
}

fn payload(index: &Index) -> Option<Payload> {
    index.load_metas().ok()?.payload.and_then(|p| serde_json::from_str(&p).ok())
}
