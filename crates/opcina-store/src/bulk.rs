//! Loading many records in one transaction: a generated population (`opcina seed`) or the
//! entries of digitised books (`opcina import`). All or nothing: the records and their
//! journal items are committed together, so a crash leaves no half-loaded data.

use opcina_core::journal::JournalHead;
use opcina_core::registry::Actor;
use opcina_core::registry::memory::Record;

use crate::error::{Result, StoreError};
use crate::rows::{AnnotationRow, EntryRow, Row};
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
        progress(records.len() as u64);
        let head = ex.commit().await?;
        self.backend().after_bulk_load().await?;
        Ok(head)
    }
}
