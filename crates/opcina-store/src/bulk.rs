//! Loading many records in one transaction: a generated population (`opcina seed`) or the
//! entries of digitised books (`opcina import`). All or nothing: the records and their
//! journal items are committed together, so a crash leaves no half-loaded data.

use opcina_core::journal::JournalHead;
use opcina_core::registry::memory::Record;
use opcina_core::registry::{Actor, AnnotationRecord};

use crate::error::{Result, StoreError};
use crate::rows::{AnnotationRow, EntryRow, JmbgChangeRow, Row};
use crate::store::Store;

impl Store {
    /// Loads records whose ids were assigned from the current journal head (a generated
    /// population); refuses if the journal moved since they were generated.
    pub async fn load_records(&self, operator: &str, records: &[Record], progress: &(dyn Fn(u64) + Sync)) -> Result<JournalHead> {
        let mut ex = self.exclusive().await?;
        if let Some(first) = records.first() {
            if first.id() != ex.txn.next_id() {
                let found = ex.txn.head().seq;
                let _ = ex.rollback().await;
                return Err(StoreError::Concurrent { expected: first.id() - 1, found });
            }
        }
        for (i, record) in records.iter().enumerate() {
            let (row, at, office, action) = match record {
                Record::Entry(e) => (Row::new(EntryRow::from_record(e)?), e.recorded_at, e.office.clone(), "seed.entry"),
                Record::Annotation(a) => (Row::new(AnnotationRow::from_record(a)?), a.recorded_at, a.office.clone(), "seed.annotation"),
            };
            let actor = Actor { username: operator.to_string(), role: opcina_core::registry::Role::Admin, office: Some(office) };
            ex.txn.append(row, at, &actor, action).await?;
            if i % 10_000 == 9_999 {
                progress(i as u64 + 1);
            }
        }
        // Numbers replaced by the records, after them all: the records' ids are the journal
        // positions they were generated for.
        let annotations: Vec<AnnotationRecord> = records
            .iter()
            .filter_map(|r| match r {
                Record::Annotation(a) if a.annotation.content.jmbg_change().is_some() => Some(a.clone()),
                _ => None,
            })
            .collect();
        for (change, a) in JmbgChangeRow::of(&annotations).into_iter().zip(&annotations) {
            let actor = Actor { username: operator.to_string(), role: opcina_core::registry::Role::Admin, office: Some(a.office.clone()) };
            ex.txn.append(Row::new(change), a.recorded_at, &actor, "seed.annotation").await?;
        }
        progress(records.len() as u64);
        let head = ex.commit().await?;
        self.backend().after_bulk_load().await?;
        Ok(head)
    }
}
