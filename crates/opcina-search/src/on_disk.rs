//! Opening an index kept in a directory, the same way for the person index and the index
//! of documents. An index is derived data (the database is the truth), so an index that
//! cannot serve is never a reason for the node to stop: one built by another version is
//! replaced, and one that cannot be read (a truncated or damaged segment after a full disk
//! or a bad copy, files that are not an index) is moved aside for the operator to look at,
//! and a new one is built from the journal.

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::error::{Result, SearchError};

/// Opens the index in `dir` (created when missing). `current` tells whether an existing
/// index was built by this program's version; `initial` is the payload of the first commit
/// of a new index, so that the next start finds it current even when nothing was added.
pub(crate) fn open(dir: &Path, schema: &Schema, what: &str, current: impl Fn(&Index) -> bool, initial: &str) -> Result<Index> {
    let io = |e| SearchError::Io(dir.display().to_string(), e);
    std::fs::create_dir_all(dir).map_err(io)?;
    let directory = || MmapDirectory::open(dir).map_err(|e| SearchError::Index(e.to_string()));
    if Index::exists(&directory()?).map_err(|e| SearchError::Index(e.to_string()))? {
        match Index::open(directory()?).map_err(SearchError::from).and_then(|index| readable(&index).map(|()| index)) {
            Ok(index) if index.schema() == *schema && current(&index) => return Ok(index),
            Ok(index) => {
                tracing::warn!(dir = %dir.display(), "the {what} was built by another version; building it anew");
                drop(index);
                std::fs::remove_dir_all(dir).map_err(io)?;
            }
            Err(error) => {
                let aside = aside(dir);
                tracing::error!(dir = %dir.display(), moved_to = %aside.display(), %error, "the {what} cannot be read; it is moved aside and built anew from the journal");
                std::fs::rename(dir, &aside).map_err(io)?;
            }
        }
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let index = Index::create(directory()?, schema.clone(), Default::default())?;
    let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> = index.writer_with_num_threads(1, 15_000_000)?;
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(initial);
    commit.commit()?;
    writer.wait_merging_threads()?;
    Ok(index)
}

/// Opens every segment of the index as a search would (a truncated file fails here, on
/// its footer, rather than at the first search).
fn readable(index: &Index) -> Result<()> {
    let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    for segment in searcher.segment_readers() {
        // The inverted index of each indexed field, and the stored values, are files of
        // their own.
        for (field, entry) in index.schema().fields() {
            if entry.is_indexed() {
                let _ = segment.inverted_index(field)?;
            }
        }
        let _ = segment.get_store_reader(0)?;
    }
    Ok(())
}

/// A free name next to `dir` to move an unreadable index to.
fn aside(dir: &Path) -> PathBuf {
    let name = dir.file_name().map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let mut n = 0;
    loop {
        let candidate =
            dir.with_file_name(if n == 0 { format!("{name}.unreadable-{stamp}") } else { format!("{name}.unreadable-{stamp}-{n}") });
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}
