//! The archive in the store (shared/DOMAIN.md §5): closed cases entered in the year's archive
//! book, legal holds, disposal proposals with the archive's answer, and the destruction of
//! what the answer approved — never of a case on hold.
//!
//! These are rare acts of the registry office (a few a day, a disposal a year), so each runs
//! as one exclusive transaction of the node's writer: numbers in the archive book are taken
//! one after another, gap-free, and a hold placed while a disposal is being carried out is
//! seen by it or comes after it — never half-way.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use chrono::{Datelike, NaiveDate};
use opcina_core::docflow::archive::{DisposalState, DisposalStep, EntryState, Retention, may_dispose};
use opcina_core::docflow::case::CaseState;
use opcina_core::registry::{Actor, Role};
use opcina_core::{FieldError, Refusal};
use serde_json::json;

use crate::backend::WriteTx;
use crate::docflow::date;
use crate::error::Result;
use crate::rows::{
    ArchiveEntryRow, AttachmentRow, CaseEventRow, CaseRow, DisposalItemRow, DisposalRow, HoldRow, RecordRow, Row, date_text,
};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::txn::Sequence;

type Answer<T> = Result<std::result::Result<T, Refusal>>;

fn refused<T>(code: &'static str, field: &str, message: impl Into<String>) -> Answer<T> {
    Ok(Err(Refusal::one(FieldError::new(code, field, message))))
}

/// The registry office keeps the archive (pisarnica: its clerks and registrars).
fn may_keep(actor: &Actor) -> std::result::Result<(), Refusal> {
    match actor.role {
        Role::CounterClerk | Role::Registrar => Ok(()),
        _ => Err(Refusal::one(FieldError::general("archive.permission", "only the registry office keeps the archive"))),
    }
}

/// Holds are placed and released by the registry office and by the administrator (on the
/// legal service's word).
fn may_hold(actor: &Actor) -> std::result::Result<(), Refusal> {
    match actor.role {
        Role::CounterClerk | Role::Registrar | Role::Admin => Ok(()),
        _ => Err(Refusal::one(FieldError::general("archive.permission", "only the registry office or the administrator places holds"))),
    }
}

/// Is the case on legal hold (its latest hold row places one)?
pub fn on_hold(holds: &[HoldRow]) -> bool {
    holds.last().is_some_and(|h| h.placed)
}

/// The archive's answer to a disposal proposal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
pub struct DisposalAnswer {
    /// `true`: approved; `false`: refused (everything listed stays).
    pub approved: bool,
    /// The number of the archive's act.
    pub reference: String,
    /// The date of the archive's act.
    pub on: NaiveDate,
}

/// What carrying out a disposal did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destruction {
    pub disposal: DisposalRow,
    /// Entries destroyed now.
    pub destroyed: Vec<ArchiveEntryRow>,
    /// Entries approved but kept, because their case was on legal hold.
    pub held: Vec<ArchiveEntryRow>,
    /// Files whose content was removed from the file store (no other case holds it).
    pub files_removed: usize,
    /// Content (SHA-256) that should have been removed but could not be (logged).
    pub files_left: Vec<String>,
}

/// A page of the archive book.
#[derive(Debug, Clone)]
pub struct ArchivePage {
    pub items: Vec<ArchiveEntryRow>,
    /// The serial to continue after; `None` on the last page.
    pub next: Option<i64>,
}

/// Everything the node has of a case: its rows, records, steps, files, archive entry and
/// legal holds.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub case: CaseRow,
    pub records: Vec<RecordRow>,
    pub events: Vec<CaseEventRow>,
    pub attachments: Vec<AttachmentRow>,
    pub entry: Option<ArchiveEntryRow>,
    pub holds: Vec<HoldRow>,
}

/// The archive book (arhivska knjiga): one per body, numbered per year.
struct ArchiveBook;

#[async_trait::async_trait]
impl Sequence for ArchiveBook {
    fn key(&self) -> String {
        "archive".into()
    }

    async fn last(&self, tx: &mut dyn WriteTx, _scope: &str, year: i64) -> Result<i64> {
        tx.last_archive_serial(year).await
    }
}

impl Store {
    /// Takes closed cases into this year's archive book, each under the book's next number,
    /// with the retention its class has now. Every case is checked first; one that cannot be
    /// archived refuses the whole list (nothing is entered), naming it.
    pub async fn archive_cases(&self, actor: &Actor, case_ids: &[i64]) -> Answer<Vec<ArchiveEntryRow>> {
        if let Err(r) = may_keep(actor) {
            return Ok(Err(r));
        }
        if case_ids.is_empty() {
            return refused("archive.cases.empty", "cases", "name at least one closed case");
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let today = self.today();
        let config = crate::docflow::config(&mut ex.txn).await?;
        let mut errors = Vec::new();
        let mut cases = Vec::new();
        for (i, id) in case_ids.iter().enumerate() {
            let field = format!("cases[{i}]");
            match ex.txn.reader().await?.case(*id).await? {
                None => errors.push(FieldError::new("docflow.case.not_found", field, format!("there is no case {id}"))),
                Some(c) if c.state == CaseState::Archived => {
                    errors.push(FieldError::new("archive.case.archived", field, format!("{} is in the archive already", c.number)));
                }
                Some(c) if c.state != CaseState::Closed || c.closed_on.is_none() => errors.push(FieldError::new(
                    "archive.case.open",
                    field,
                    format!("{} is {}: only a case closed a/a goes to the archive", c.number, c.state.as_str()),
                )),
                // A case named twice is entered once.
                Some(c) => {
                    if !cases.iter().any(|k: &CaseRow| k.id == c.id) {
                        cases.push(c);
                    }
                }
            }
        }
        if !errors.is_empty() {
            ex.rollback().await?;
            return Ok(Err(Refusal { errors }));
        }
        let year = i64::from(today.year());
        let mut entries = Vec::new();
        for mut case in cases {
            let closed_on = case.closed_on.as_deref().and_then(date).unwrap_or(today);
            let retention = Retention::from_years(config.class(case.class).and_then(|c| c.retention_years));
            let files = i64::try_from(self.backend().reads().case_attachments(case.id).await?.len()).unwrap_or(i64::MAX);
            let mut entry = ArchiveEntryRow {
                id: 0,
                year,
                serial: ex.txn.next_serial(&ArchiveBook, "", year).await?,
                case_id: case.id,
                number: case.number.clone(),
                class: case.class,
                content: case.subject.clone(),
                closed_on: date_text(closed_on),
                retention_years: retention.years(),
                keep_until: retention.keep_until(closed_on).map(date_text),
                files,
                state: EntryState::Kept,
                disposal_id: None,
                archived_by: actor.username.clone(),
                archived_at: now.0,
                updated_at: now.0,
            };
            entry.id = ex.txn.append(Row::new(entry.clone()), now, actor, "archive.entry.added").await?;
            let event = CaseEventRow {
                id: 0,
                case_id: case.id,
                kind: "archive".into(),
                from_state: case.state,
                to_state: CaseState::Archived,
                unit_code: None,
                official: None,
                record_id: None,
                detail: json!({ "year": entry.year, "serial": entry.serial, "keep_until": entry.keep_until }).to_string(),
                at: now.0,
                by_user: actor.username.clone(),
            };
            ex.txn.append(Row::new(event), now, actor, "docflow.case.archive").await?;
            case.state = CaseState::Archived;
            case.updated_at = now.0;
            ex.txn.update(Row::new(case), now, actor, "docflow.case.archive").await?;
            entries.push(entry);
        }
        ex.commit().await?;
        Ok(Ok(entries))
    }

    /// Places a legal hold on a case (`placed`), or releases it. A hold needs a reason (the
    /// proceedings it is for); placing a hold twice, or releasing none, is refused.
    pub async fn hold(&self, actor: &Actor, case_id: i64, placed: bool, reason: &str) -> Answer<HoldRow> {
        if let Err(r) = may_hold(actor) {
            return Ok(Err(r));
        }
        if reason.trim().is_empty() {
            return refused("docflow.field.required", "reason", "reason is required");
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let Some(case) = ex.txn.reader().await?.case(case_id).await? else {
            ex.rollback().await?;
            return refused("docflow.case.not_found", "case_id", format!("there is no case {case_id}"));
        };
        let holds = ex.txn.reader().await?.case_holds(case_id).await?;
        if on_hold(&holds) == placed {
            ex.rollback().await?;
            let why = if placed { "is on hold already" } else { "is not on hold" };
            return refused("archive.hold.state", "placed", format!("{} {why}", case.number));
        }
        let mut row = HoldRow { id: 0, case_id, placed, reason: reason.trim().to_string(), by_user: actor.username.clone(), at: now.0 };
        let action = if placed { "archive.hold.placed" } else { "archive.hold.released" };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, action).await?;
        ex.commit().await?;
        Ok(Ok(row))
    }

    /// Draws up a disposal proposal: every entry kept whose retention has run out by today and
    /// whose case is not on hold. Refused when there is nothing to propose.
    pub async fn propose_disposal(&self, actor: &Actor) -> Answer<(DisposalRow, Vec<ArchiveEntryRow>)> {
        if let Err(r) = may_keep(actor) {
            return Ok(Err(r));
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let as_of = date_text(self.today());
        let entries = ex.txn.reader().await?.disposable_entries(&as_of).await?;
        if entries.is_empty() {
            ex.rollback().await?;
            return Ok(Err(Refusal::one(FieldError::general(
                "archive.disposal.nothing",
                format!("nothing in the archive may be destroyed as of {as_of}"),
            ))));
        }
        let mut disposal = DisposalRow {
            id: 0,
            as_of,
            state: DisposalState::Proposed,
            proposed_by: actor.username.clone(),
            proposed_at: now.0,
            updated_at: now.0,
            ..DisposalRow::default()
        };
        disposal.id = ex.txn.append(Row::new(disposal.clone()), now, actor, "archive.disposal.proposed").await?;
        let mut listed = Vec::with_capacity(entries.len());
        for mut entry in entries {
            let item = DisposalItemRow { id: 0, disposal_id: disposal.id, entry_id: entry.id, case_id: entry.case_id };
            ex.txn.append(Row::new(item), now, actor, "archive.disposal.item").await?;
            entry.state = EntryState::Proposed;
            entry.disposal_id = Some(disposal.id);
            entry.updated_at = now.0;
            ex.txn.update(Row::new(entry.clone()), now, actor, "archive.entry.proposed").await?;
            listed.push(entry);
        }
        ex.commit().await?;
        Ok(Ok((disposal, listed)))
    }

    /// Records the competent archive's answer to a proposal. A refusal returns everything
    /// listed to the archive as it was.
    pub async fn answer_disposal(&self, actor: &Actor, id: i64, answer: &DisposalAnswer) -> Answer<DisposalRow> {
        if let Err(r) = may_keep(actor) {
            return Ok(Err(r));
        }
        if answer.reference.trim().is_empty() {
            return refused("docflow.field.required", "reference", "reference is required: the number of the archive's act");
        }
        if answer.on > self.today() {
            return refused("archive.answer.future", "on", "the archive's act cannot be dated in the future");
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let Some(mut disposal) = ex.txn.reader().await?.disposal(id).await? else {
            ex.rollback().await?;
            return refused("archive.disposal.not_found", "id", format!("there is no disposal proposal {id}"));
        };
        let step = if answer.approved { DisposalStep::Approve } else { DisposalStep::Refuse };
        let next = match disposal.state.after(step) {
            Ok(s) => s,
            Err(e) => {
                ex.rollback().await?;
                return Ok(Err(Refusal::one(e)));
            }
        };
        if answer.on < date(&disposal.as_of).unwrap_or(answer.on) {
            ex.rollback().await?;
            return refused("archive.answer.before", "on", format!("the archive answered after the proposal of {}", disposal.as_of));
        }
        if !answer.approved {
            for mut entry in ex.txn.reader().await?.disposal_entries(id).await? {
                if entry.state == EntryState::Proposed && entry.disposal_id == Some(id) {
                    entry.state = EntryState::Kept;
                    entry.disposal_id = None;
                    entry.updated_at = now.0;
                    ex.txn.update(Row::new(entry), now, actor, "archive.entry.kept").await?;
                }
            }
        }
        disposal.state = next;
        disposal.answer_ref = Some(answer.reference.trim().to_string());
        disposal.answered_on = Some(date_text(answer.on));
        disposal.answered_by = Some(actor.username.clone());
        disposal.updated_at = now.0;
        let action = if answer.approved { "archive.disposal.approved" } else { "archive.disposal.refused" };
        ex.txn.update(Row::new(disposal.clone()), now, actor, action).await?;
        ex.commit().await?;
        Ok(Ok(disposal))
    }

    /// Carries out an approved disposal: each listed case not on hold now is marked
    /// destroyed in the archive book (which keeps its entry) and its files' content is
    /// removed from the file store, unless another case still holds the same content. A case
    /// put on hold after the approval is kept and named in the answer; it returns to the
    /// archive and can be proposed again once released.
    pub async fn carry_out_disposal(&self, actor: &Actor, id: i64) -> Answer<Destruction> {
        if let Err(r) = may_keep(actor) {
            return Ok(Err(r));
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let Some(mut disposal) = ex.txn.reader().await?.disposal(id).await? else {
            ex.rollback().await?;
            return refused("archive.disposal.not_found", "id", format!("there is no disposal proposal {id}"));
        };
        let next = match disposal.state.after(DisposalStep::Destroy) {
            Ok(s) => s,
            Err(e) => {
                ex.rollback().await?;
                return Ok(Err(Refusal::one(e)));
            }
        };
        let today = self.today();
        let mut destroyed = Vec::new();
        let mut held = Vec::new();
        for mut entry in ex.txn.reader().await?.disposal_entries(id).await? {
            if entry.disposal_id != Some(id) || entry.state != EntryState::Proposed {
                continue;
            }
            let holds = ex.txn.reader().await?.case_holds(entry.case_id).await?;
            let keep_until = entry.keep_until.as_deref().and_then(date);
            entry.updated_at = now.0;
            match may_dispose(EntryState::Proposed, keep_until, on_hold(&holds), today) {
                Ok(()) => {
                    entry.state = EntryState::Destroyed;
                    ex.txn.update(Row::new(entry.clone()), now, actor, "archive.entry.destroyed").await?;
                    destroyed.push(entry);
                }
                Err(_) => {
                    entry.state = EntryState::Kept;
                    entry.disposal_id = None;
                    ex.txn.update(Row::new(entry.clone()), now, actor, "archive.entry.kept").await?;
                    held.push(entry);
                }
            }
        }
        // The content no case that is kept still holds.
        let mut unreferenced = BTreeSet::new();
        for entry in &destroyed {
            for file in self.backend().reads().case_attachments(entry.case_id).await? {
                unreferenced.insert(file.sha256);
            }
        }
        let mut gone = Vec::new();
        for sha in unreferenced {
            if ex.txn.reader().await?.live_references(&sha).await? == 0 {
                gone.push(sha);
            }
        }
        disposal.state = next;
        disposal.done_by = Some(actor.username.clone());
        disposal.done_at = Some(now.0);
        disposal.updated_at = now.0;
        ex.txn.update(Row::new(disposal.clone()), now, actor, "archive.disposal.done").await?;
        // Uploads that raced with this see the count move and put their content back.
        self.deletions().fetch_add(1, Ordering::SeqCst);
        ex.commit().await?;
        // The disposal is recorded; content that cannot be removed now is named in the log
        // for the operator (it is no longer handed out: its cases are destroyed).
        let mut files_removed = 0;
        let mut files_left = Vec::new();
        match self.files() {
            Some(files) => {
                for sha in gone {
                    match files.delete(&sha).await {
                        Ok(()) => files_removed += 1,
                        Err(error) => {
                            tracing::error!(%error, sha256 = %sha, disposal = id, "a destroyed file could not be removed from the file store");
                            files_left.push(sha);
                        }
                    }
                }
            }
            None => {
                tracing::error!(
                    disposal = id,
                    files = gone.len(),
                    "the node has no file store configured: destroyed files were not removed"
                );
                files_left = gone;
            }
        }
        Ok(Ok(Destruction { disposal, destroyed, held, files_removed, files_left }))
    }

    /// Everything the node has of a case (no read logged: the use cases that show it log).
    pub(crate) async fn case_everything(&self, case: CaseRow) -> Result<CaseFile> {
        let backend = self.backend();
        let case_id = case.id;
        Ok(CaseFile {
            records: backend.reads().case_records(case_id).await?,
            events: backend.reads().case_events(case_id).await?,
            attachments: backend.reads().case_attachments(case_id).await?,
            entry: backend.reads().archive_entry_of(case_id).await?,
            holds: backend.reads().case_holds(case_id).await?,
            case,
        })
    }

    /// A page of the archive book of a year, in the order of its numbers, after a serial.
    pub async fn archive_book(&self, year: i64, after: i64, limit: i64) -> Result<ArchivePage> {
        let page = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut items = self.inner.backend.reads().archive_book(year, after, limit.saturating_add(1)).await?;
        let more = items.len() > page;
        items.truncate(page);
        let next = if more { items.last().map(|e| e.serial) } else { None };
        Ok(ArchivePage { items, next })
    }

    /// A case's legal holds, placed and released, in order (a refusal when there is no such
    /// case).
    pub async fn case_holds(&self, case_id: i64) -> Result<std::result::Result<Vec<HoldRow>, Refusal>> {
        if self.inner.backend.reads().case(case_id).await?.is_none() {
            return Ok(Err(Refusal::one(FieldError::new("docflow.case.not_found", "id", format!("there is no case {case_id}")))));
        }
        Ok(Ok(self.inner.backend.reads().case_holds(case_id).await?))
    }

    /// Disposal proposals, the latest first.
    pub async fn disposals(&self, limit: i64) -> Result<Vec<DisposalRow>> {
        self.inner.backend.reads().disposals(limit).await
    }

    /// A disposal proposal with the entries it listed (what became of each is
    /// [`ArchiveEntryRow::outcome_in`]).
    pub async fn disposal(&self, id: i64) -> Result<Option<(DisposalRow, Vec<ArchiveEntryRow>)>> {
        let Some(row) = self.inner.backend.reads().disposal(id).await? else { return Ok(None) };
        let entries = self.inner.backend.reads().disposal_entries(id).await?;
        Ok(Some((row, entries)))
    }
}
