//! Reading people's records: the registry's read use cases. Each one reads, and logs the
//! read in the access log (who, role, office, why, case number) through the writer before
//! it returns what was read — so no page or endpoint can show a record without the read
//! being logged, or forget to log it.

use opcina_core::Jmbg;
use opcina_core::registry::person::EntryWithAnnotations;
use opcina_core::registry::{Actor, PersonView, ViewTime, person_view};

use crate::error::Result;
use crate::rows::{AccessRow, ExtractRow, OfficeRow};
use crate::shown::ShowsPeople;
use crate::sql::prelude::*;
use crate::store::Store;

/// Why a person's records are read: stated with every read and logged with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReason {
    /// The purpose and its legal basis, e.g. `izdavanje izvoda, čl. 64`.
    pub purpose: String,
    /// The case or request the read is for.
    pub case_number: Option<String>,
}

impl ReadReason {
    pub fn new(purpose: impl Into<String>, case_number: Option<&str>) -> Self {
        let case_number = case_number.map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        ReadReason { purpose: purpose.into(), case_number }
    }
}

/// A person's view with what the counter shows beside it: the latest reads of the records
/// and the latest documents issued or refused about the person.
#[derive(Debug, Clone)]
pub struct PersonFile {
    pub view: PersonView,
    /// Newest first.
    pub access: Vec<AccessRow>,
    /// Newest first.
    pub documents: Vec<ExtractRow>,
}

/// What an office did in a day: its entries (counted up to a cap, listed up to a limit), its
/// annotations and the documents it issued or refused.
#[derive(Debug, Clone)]
pub struct OfficeDay {
    /// Entries recorded, counted no further than the cap asked for.
    pub entry_count: i64,
    pub entries: Vec<opcina_core::registry::EntryRecord>,
    pub annotations: Vec<opcina_core::registry::AnnotationRecord>,
    /// The people of the annotated entries (the subjects and spouses), whom an annotation's
    /// sentence is about.
    pub annotated: Vec<String>,
    pub extracts: Vec<ExtractRow>,
}

impl ShowsPeople for OfficeDay {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.entries.people(out);
        self.annotated.people(out);
        self.extracts.people(out);
    }
}

/// How many reads and documents the counter's person page lists.
const PERSON_FILE_LINES: i64 = 20;

/// The access-log rows of reads of `subjects` by `username` in `role` (at `office`).
pub(crate) fn reads_of(
    (username, role, office): (&str, &str, Option<&str>),
    subjects: &[&str],
    entry_id: Option<i64>,
    action: &str,
    why: &ReadReason,
) -> Vec<AccessRow> {
    subjects
        .iter()
        .map(|s| AccessRow {
            id: 0,
            at: 0,
            username: username.to_string(),
            role: role.to_string(),
            office_code: office.map(str::to_string),
            subject_jmbg: (*s).to_string(),
            entry_id,
            action: action.to_string(),
            purpose: why.purpose.clone(),
            case_number: why.case_number.clone(),
        })
        .collect()
}

impl Store {
    /// Logs that `actor` read the records of `subjects` (an entry's, when `entry_id` is
    /// given) doing `action`, for `why`; returns once the log is durable.
    pub async fn log_reads(&self, actor: &Actor, subjects: &[&str], entry_id: Option<i64>, action: &str, why: &ReadReason) -> Result<()> {
        if subjects.is_empty() {
            return Ok(());
        }
        let reader = (actor.username.as_str(), actor.role.as_str(), actor.office.as_deref());
        self.record_access(actor, reads_of(reader, subjects, entry_id, action, why)).await
    }

    /// Everything the registers say about a person at `time`, for `why`; the read is logged
    /// (`person.view`) before the view is returned. `None` when the node holds no entry of
    /// the person (as recorded at that moment); nothing is logged then.
    pub async fn read_person(&self, actor: &Actor, jmbg: &Jmbg, time: ViewTime, why: &ReadReason) -> Result<Option<PersonView>> {
        let records = self.inner.backend.reads().person_records(jmbg).await?;
        let Some(view) = person_view(jmbg, &records, time) else { return Ok(None) };
        self.log_reads(actor, &[jmbg.as_str()], None, "person.view", why).await?;
        Ok(Some(view))
    }

    /// The counter's person page: the view (its read logged, as [`Store::read_person`]), the
    /// latest reads of the records and the latest documents about the person.
    pub async fn person_file(&self, actor: &Actor, jmbg: &Jmbg, time: ViewTime, why: &ReadReason) -> Result<Option<PersonFile>> {
        let Some(view) = self.read_person(actor, jmbg, time, why).await? else { return Ok(None) };
        let access = self.inner.backend.reads().access_log(jmbg.as_str(), None, PERSON_FILE_LINES).await?;
        let documents = self.inner.backend.reads().extracts_of(jmbg.as_str(), None, PERSON_FILE_LINES).await?;
        Ok(Some(PersonFile { view, access, documents }))
    }

    /// One entry with all its annotations; the read is logged (`entry.read`) for everyone
    /// the entry is about. `None` when there is no such entry.
    pub async fn read_entry(&self, actor: &Actor, id: i64, why: &ReadReason) -> Result<Option<EntryWithAnnotations>> {
        let Some((entry, annotations)) = self.inner.backend.reads().entry(id).await? else { return Ok(None) };
        let subject = entry.content.subject().to_string();
        let partner = entry.content.partner().map(|j| j.to_string());
        let subjects: Vec<&str> = std::iter::once(subject.as_str()).chain(partner.as_deref()).collect();
        self.log_reads(actor, &subjects, Some(id), "entry.read", why).await?;
        Ok(Some(EntryWithAnnotations { entry, annotations }))
    }

    /// An entry as the registrar sees it on a form (its number and register, to name it),
    /// without its content being shown: not a read of the person's records.
    pub async fn entry_reference(&self, id: i64) -> Result<Option<String>> {
        Ok(self.inner.backend.reads().entry(id).await?.map(|(entry, _)| entry.reference()))
    }

    /// Who read a person's records, newest first, before the id `before`; reading the log
    /// is itself logged (`access_log.read`).
    pub async fn read_access_log(
        &self,
        actor: &Actor,
        jmbg: &Jmbg,
        before: Option<i64>,
        limit: i64,
        why: &ReadReason,
    ) -> Result<Vec<AccessRow>> {
        let items = self.inner.backend.reads().access_log(jmbg.as_str(), before, limit).await?;
        self.log_reads(actor, &[jmbg.as_str()], None, "access_log.read", why).await?;
        Ok(items)
    }

    /// Documents issued or refused about a person, newest first, for `why`; the read is
    /// logged (`extract.list`) for the person and every requester named by JMBG.
    pub async fn extracts_of(&self, actor: &Actor, jmbg: &Jmbg, limit: i64, why: &ReadReason) -> Result<Vec<ExtractRow>> {
        let rows = self.inner.backend.reads().extracts_of(jmbg.as_str(), None, limit).await?;
        self.disclose(actor, "extract.list", why, rows).await
    }

    /// What `office` recorded in `[from, to)` (microseconds): entries counted up to
    /// `count_cap` and listed up to `limit`, annotations up to `limit`, documents up to
    /// `documents`, oldest first — as `actor` reads it; the read of everyone it names (the
    /// entries' people, the annotated entries' people, the documents' subjects and
    /// requesters) is logged (`office.day`).
    pub async fn office_day(
        &self,
        actor: &Actor,
        office: &str,
        from: i64,
        to: i64,
        count_cap: i64,
        limit: i64,
        documents: i64,
    ) -> Result<OfficeDay> {
        let backend = &self.inner.backend;
        let annotations = backend.reads().annotations_recorded(office, from, to, limit).await?;
        let annotated: Vec<i64> = annotations.iter().map(|a| a.entry_id).collect();
        let day = OfficeDay {
            entry_count: backend.reads().count_entries_recorded(office, from, to, count_cap).await?,
            entries: backend.reads().entries_recorded(office, from, to, limit).await?,
            annotated: backend.reads().entry_people(&annotated).await?,
            annotations,
            extracts: backend.reads().extracts_at(office, from, to, documents).await?,
        };
        let why = ReadReason::new("dnevni pregled rada ureda", None);
        self.disclose(actor, "office.day", &why, day).await
    }

    /// The offices of the node (central office and local offices).
    pub async fn offices(&self) -> Result<Vec<OfficeRow>> {
        self.inner.backend.reads().offices().await
    }
}
