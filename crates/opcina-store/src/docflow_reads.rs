//! The document flow's read use cases: the books' configuration, work lists, a case's file
//! (its read logged when the party is named by JMBG), its files, the public tracking, the
//! on-time rate, and which cases' files an official may search.

use opcina_core::docflow::access::{self, CaseUse, Reach};
use opcina_core::docflow::case::{CaseState, Dispatch};
use opcina_core::docflow::tracking::{self, Tracking, TrackingFacts};
use opcina_core::registry::Actor;
use opcina_core::{FieldError, Refusal};

use crate::archive::CaseFile;
use crate::error::Result;
use crate::reads::ReadReason;
use crate::rows::{AttachmentRow, CaseQuery, CaseRow, DocflowConfig, OnTimeRow, RecordRow, date_text};
use crate::sql::prelude::*;
use crate::store::Store;

/// What the registry office needs to print a case's receipt.
#[derive(Debug, Clone)]
pub struct ReceiptSource {
    pub case: CaseRow,
    /// The municipality's name.
    pub municipality: String,
    /// The name of the unit the case belongs to.
    pub unit: String,
    /// The title of the kind of case.
    pub kind: String,
    /// When the submission was registered (its first record; microseconds): the receipt's
    /// moment, so that a reprint is the same document.
    pub registered_at: i64,
}

/// Which cases' files a user finds in the document search: `None` for everyone's (the
/// registry office registers everything), or one unit's with the exceptions hand-overs made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileScope {
    pub unit: String,
    /// Cases the unit holds though their kind belongs to another.
    pub plus: Vec<i64>,
    /// Cases of the unit's kinds held by another unit.
    pub minus: Vec<i64>,
}

fn case_not_found(id: i64) -> Refusal {
    Refusal::one(FieldError::new("docflow.case.not_found", "id", format!("there is no case {id}")))
}

/// Why staff read the file of a case.
fn work_on(case: &CaseRow) -> ReadReason {
    ReadReason::new("rad na predmetu", Some(&case.number))
}

impl Store {
    /// The document flow's configuration: the pattern, units and staff, classes, kinds.
    pub async fn docflow_config(&self) -> Result<DocflowConfig> {
        self.inner.backend.reads().docflow_config().await
    }

    /// A protocol book of a unit and year in the order of its numbers, after (serial, sub),
    /// as `actor` reads it; its records name correspondents, so the read of their cases'
    /// parties named by JMBG is logged (`protocol.list`).
    /// An official reads the books of their own unit only (`docflow::access`).
    pub async fn protocol_page(
        &self,
        actor: &Actor,
        book: &str,
        unit: &str,
        year: i64,
        after: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<std::result::Result<Vec<RecordRow>, Refusal>> {
        let config = self.inner.backend.reads().docflow_config().await?;
        if let Err(refused) = access::may(config.seat(actor), Some(unit), CaseUse::Read) {
            return Ok(Err(Refusal::one(refused)));
        }
        let records = self.inner.backend.reads().protocol_page(book, unit, year, after, limit).await?;
        let cases: Vec<i64> = records.iter().filter_map(|r| r.case_id).collect();
        let why = ReadReason::new("pregled knjige protokola", None);
        self.disclose_cases(actor, "protocol.list", &why, &cases).await?;
        Ok(Ok(records))
    }

    /// Logs that `actor` was shown these cases (a list of them, search hits in their
    /// files): the read of each party named by JMBG (`action`, `why`).
    pub async fn disclose_cases(&self, actor: &Actor, action: &str, why: &ReadReason, case_ids: &[i64]) -> Result<()> {
        if case_ids.is_empty() {
            return Ok(());
        }
        let parties = self.inner.backend.reads().case_parties(case_ids).await?;
        self.disclose(actor, action, why, parties).await.map(drop)
    }

    /// A page of a work list, as `actor` reads it. A work list names the parties: the read
    /// of those named by JMBG is logged (`case.list`); their JMBG and contact are left out of
    /// the list (the case's file shows them). An official lists the cases their unit holds
    /// (asking for another unit's is refused, asking for every unit's gives their own).
    pub async fn work_list(&self, actor: &Actor, query: &CaseQuery) -> Result<std::result::Result<Vec<CaseRow>, Refusal>> {
        let config = self.inner.backend.reads().docflow_config().await?;
        let mut query = query.clone();
        match access::reach(config.seat(actor), CaseUse::Read) {
            Err(refused) => return Ok(Err(Refusal::one(refused))),
            Ok(Reach::All) => {}
            Ok(Reach::Unit(mine)) => match query.unit.as_deref().filter(|u| !u.is_empty()) {
                Some(asked) => {
                    if let Err(refused) = access::may(config.seat(actor), Some(asked), CaseUse::Read) {
                        return Ok(Err(Refusal::one(refused)));
                    }
                }
                None => query.unit = Some(mine.to_string()),
            },
        }
        let items = self.inner.backend.reads().cases_page(&query).await?;
        let why = ReadReason::new("pregled radne liste predmeta", None);
        let mut items = self.disclose(actor, "case.list", &why, items).await?;
        for case in &mut items {
            case.party_jmbg = None;
            case.party_contact = None;
        }
        Ok(Ok(items))
    }

    /// The id of the case with this registry number, as printed (the first, when a number
    /// repeats across books).
    pub async fn case_numbered(&self, number: &str) -> Result<Option<i64>> {
        let number = number.trim();
        if number.is_empty() {
            return Ok(None);
        }
        Ok(self.inner.backend.reads().cases_numbered(number).await?.first().map(|c| c.id))
    }

    /// A case's row, without its file (to check it exists, or to print its receipt).
    pub async fn case(&self, id: i64) -> Result<Option<CaseRow>> {
        self.inner.backend.reads().case(id).await
    }

    /// The case `actor` may `usage` (`docflow::access`): refused when there is no such case
    /// or it is not theirs to read or work on. Nothing is logged: the use case that shows
    /// the case logs what it shows.
    pub async fn case_for(&self, actor: &Actor, id: i64, usage: CaseUse) -> Result<std::result::Result<CaseRow, Refusal>> {
        let Some(case) = self.inner.backend.reads().case(id).await? else { return Ok(Err(case_not_found(id))) };
        let config = self.inner.backend.reads().docflow_config().await?;
        Ok(config.may(actor, &case, usage).map(|()| case).map_err(Refusal::one))
    }

    /// Everything the node has of a case, read by staff at work on it (or an auditor); the
    /// read is logged (`case.view`) when the party is named by JMBG.
    pub async fn case_file(&self, actor: &Actor, id: i64) -> Result<std::result::Result<CaseFile, Refusal>> {
        let case = match self.case_for(actor, id, CaseUse::Read).await? {
            Ok(c) => c,
            Err(refused) => return Ok(Err(refused)),
        };
        let file = self.case_everything(case).await?;
        let why = work_on(&file.case);
        self.disclose(actor, "case.view", &why, file).await.map(Ok)
    }

    /// A case's file for its export; the read is logged (`case.export`) when the party is
    /// named by JMBG.
    pub async fn case_export(&self, actor: &Actor, id: i64) -> Result<std::result::Result<CaseFile, Refusal>> {
        let case = match self.case_for(actor, id, CaseUse::Read).await? {
            Ok(c) => c,
            Err(refused) => return Ok(Err(refused)),
        };
        let file = self.case_everything(case).await?;
        let why = ReadReason::new("izvoz spisa predmeta", Some(&file.case.number));
        self.disclose(actor, "case.export", &why, file).await.map(Ok)
    }

    /// A case's files, every version, in the order they came, as `actor` lists them (their
    /// names are the party's documents: the read is logged, `case.files`, when the party is
    /// named by JMBG); a refusal when there is no such case or it is not the actor's.
    pub async fn case_attachments(&self, actor: &Actor, id: i64) -> Result<std::result::Result<Vec<AttachmentRow>, Refusal>> {
        let case = match self.case_for(actor, id, CaseUse::Read).await? {
            Ok(c) => c,
            Err(refused) => return Ok(Err(refused)),
        };
        let files = self.inner.backend.reads().case_attachments(id).await?;
        self.disclose(actor, "case.files", &work_on(&case), case).await?;
        Ok(Ok(files))
    }

    /// A file of a case, with its content, for staff: refused once the case was destroyed
    /// (`archive.destroyed`); the read is logged (`case.file.read`) when the party is named
    /// by JMBG. `in_case` checks that the file belongs to that case.
    pub async fn read_attachment(
        &self,
        actor: &Actor,
        id: i64,
        in_case: Option<i64>,
    ) -> Result<std::result::Result<(AttachmentRow, bytes::Bytes), Refusal>> {
        let not_found = || Refusal::one(FieldError::new("docflow.attachment.not_found", "id", format!("there is no file {id}")));
        let Some(attachment) = self.inner.backend.reads().attachment(id).await? else { return Ok(Err(not_found())) };
        if in_case.is_some_and(|c| c != attachment.case_id) {
            return Ok(Err(not_found()));
        }
        let Some(case) = self.inner.backend.reads().case(attachment.case_id).await? else {
            return Err(crate::StoreError::corrupt("attachments", id, "a file without its case"));
        };
        let config = self.inner.backend.reads().docflow_config().await?;
        if let Err(refused) = config.may(actor, &case, CaseUse::Read) {
            return Ok(Err(Refusal::one(refused)));
        }
        if let Err(gone) = self.ensure_kept(case.id).await? {
            return Ok(Err(gone));
        }
        if let Some(jmbg) = &case.party_jmbg {
            self.log_reads(actor, &[jmbg.as_str()], None, "case.file.read", &work_on(&case)).await?;
        }
        let content = self.attachment_content(&attachment).await?;
        Ok(Ok((attachment, content)))
    }

    /// Refuses the files of a case destroyed after a disposal (`archive.destroyed`, naming
    /// the disposal).
    pub async fn ensure_kept(&self, case_id: i64) -> Result<std::result::Result<(), Refusal>> {
        Ok(match self.inner.backend.reads().archive_entry_of(case_id).await? {
            Some(e) if e.destroyed() => Err(Refusal::one(FieldError::general(
                "archive.destroyed",
                format!("the files of {} were destroyed after disposal {}", e.number, e.disposal_id.unwrap_or_default()),
            ))),
            _ => Ok(()),
        })
    }

    /// What the receipt of a case states (the access code is the caller's: it is never kept),
    /// printed by `actor`; the read of the party is logged (`case.receipt`) when named by JMBG.
    pub async fn receipt_source(&self, actor: &Actor, id: i64) -> Result<std::result::Result<ReceiptSource, Refusal>> {
        let case = match self.case_for(actor, id, CaseUse::Read).await? {
            Ok(c) => c,
            Err(refused) => return Ok(Err(refused)),
        };
        let source = self.receipt_facts(case).await?;
        let why = ReadReason::new("ispis potvrde o prijemu", Some(&source.case.number));
        self.disclose(actor, "case.receipt", &why, source).await.map(Ok)
    }

    async fn receipt_facts(&self, case: CaseRow) -> Result<ReceiptSource> {
        let backend = &self.inner.backend;
        let config = backend.reads().docflow_config().await?;
        let municipality = backend.reads().node().await?.map(|n| n.municipality).unwrap_or_default();
        let registered_at = backend.reads().case_records(case.id).await?.first().map_or(case.held_since, |r| r.registered_at);
        Ok(ReceiptSource {
            unit: config.unit(&case.unit_code).map_or_else(|| case.unit_code.clone(), |u| u.name.clone()),
            kind: config.case_type(&case.case_type).map_or_else(|| case.case_type.clone(), |t| t.title.clone()),
            municipality,
            registered_at,
            case,
        })
    }

    /// Cases decided between two days (inclusive), per kind and unit, and how many on time.
    pub async fn on_time(&self, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<Vec<OnTimeRow>> {
        self.inner.backend.reads().on_time(&date_text(from), &date_text(to)).await
    }

    /// The public view of a case, found by its number and access code (both from the
    /// receipt); `None` for any wrong number or code, without saying which.
    pub async fn track_case(&self, number: &str, code: &str) -> Result<Option<Tracking>> {
        let Some((case, events)) = self.track(number, code).await? else { return Ok(None) };
        let config = self.inner.backend.reads().docflow_config().await?;
        let decision = self.published_decision(&case, &events).await?.is_some();
        let facts = TrackingFacts {
            number: &case.number,
            state: case.state,
            unit: case.holder_unit.as_deref().unwrap_or(&case.unit_code),
            opened_on: &case.opened_on,
            term_days: case.term_days,
            due_on: &case.due_on,
            paused_since: case.paused_since.as_deref(),
            missing: case.missing.as_deref(),
            decided_on: case.decided_on.as_deref(),
            dispatched_on: case.dispatched_on.as_deref(),
            dispatch: case.dispatch.map(Dispatch::as_str),
            delivered_on: case.delivered_on.as_deref(),
            closed_on: case.closed_on.as_deref(),
        };
        let steps = events.iter().map(|e| (e.at, e.kind.as_str(), e.unit_code.as_deref()));
        let unit_name = |code: &str| config.unit(code).map_or_else(|| code.to_string(), |u| u.name.clone());
        Ok(Some(tracking::public_view(&facts, steps, unit_name, self.today(), decision)))
    }

    /// The decision a party downloads with the number and access code from the receipt:
    /// decided, dispatched electronically, its file kept; `None` otherwise.
    pub async fn tracked_decision(&self, number: &str, code: &str) -> Result<Option<(AttachmentRow, bytes::Bytes)>> {
        let Some((case, events)) = self.track(number, code).await? else { return Ok(None) };
        if self.ensure_kept(case.id).await?.is_err() {
            return Ok(None);
        }
        let Some(attachment) = self.published_decision(&case, &events).await? else { return Ok(None) };
        let content = self.attachment_content(&attachment).await?;
        Ok(Some((attachment, content)))
    }

    /// The file of a case's decision the party may download: decided, dispatched
    /// electronically, the latest version of the file of the decision's record.
    async fn published_decision(&self, case: &CaseRow, events: &[crate::rows::CaseEventRow]) -> Result<Option<AttachmentRow>> {
        let sent = matches!(case.state, CaseState::Dispatched | CaseState::Delivered | CaseState::Closed | CaseState::Archived);
        if !sent || case.dispatch != Some(Dispatch::Electronic) {
            return Ok(None);
        }
        let Some(record) = events.iter().rev().find(|e| e.kind == "decide").and_then(|e| e.record_id) else { return Ok(None) };
        let files = self.inner.backend.reads().case_attachments(case.id).await?;
        Ok(files.into_iter().filter(|a| a.record_id == Some(record)).max_by_key(|a| (a.version, a.id)))
    }

    /// Whose files `actor` finds in the document search (`docflow::access`): an official,
    /// those of the cases their unit holds; the registry office and auditors, everyone's.
    /// Refused to an official placed in no unit and to administrators.
    pub async fn file_scope(&self, actor: &Actor) -> Result<std::result::Result<Option<FileScope>, Refusal>> {
        let config = self.inner.backend.reads().docflow_config().await?;
        let unit = match access::reach(config.seat(actor), CaseUse::Read) {
            Err(refused) => return Ok(Err(Refusal::one(refused))),
            Ok(Reach::All) => return Ok(Ok(None)),
            Ok(Reach::Unit(unit)) => unit,
        };
        let (plus, minus) = self.inner.backend.reads().handed_across(unit).await?;
        Ok(Ok(Some(FileScope { unit: unit.to_string(), plus, minus })))
    }
}
