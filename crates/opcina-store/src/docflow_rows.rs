//! Rows of the document flow's tables: units and their staff, the classification plan, the
//! kinds of case, the registry-number pattern, the protocol books' records, the cases and
//! the steps of their lives.

use opcina_core::FieldError;
use opcina_core::docflow::access::{self, CaseUse, Seat};
use opcina_core::docflow::archive::{DisposalState, EntryState};
use opcina_core::docflow::case::{CaseState, Dispatch, Outcome};
use opcina_core::registry::Actor;

use crate::table::Table;
use crate::{code_column, record, table_row};
use serde::Serialize;

/// An organisational unit of the body (služba, odsjek), by the code its numbers carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: i64,
    /// As written in registry numbers, e.g. `01/1`.
    pub code: String,
    pub name: String,
    pub created_at: i64,
}

/// A user placed in a unit (their latest row counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub unit_code: String,
    pub since: i64,
}

/// A mark of the classification plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClassRow {
    pub id: i64,
    /// 1–49.
    pub mark: i64,
    pub title: String,
    /// Years a closed case of this class is kept; `None`: permanently.
    pub retention_years: Option<i64>,
    pub created_at: i64,
}

/// A kind of case the body decides, with the book it goes in, its class, legal deadline
/// and the unit that handles it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseTypeRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    /// `djelovodnik`, `up_i` or `up_ii`.
    pub book: String,
    pub class: i64,
    /// `direct`, `examination` or `special`.
    pub term_kind: String,
    pub term_days: i64,
    pub unit_code: String,
    pub created_at: i64,
}

/// The body's registry-number pattern (the latest row counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternRow {
    pub id: i64,
    pub pattern: String,
    pub set_by: String,
    pub set_at: i64,
}

/// A record of a protocol book: registered once, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecordRow {
    pub id: i64,
    pub book: String,
    pub unit_code: String,
    pub class: i64,
    pub year: i64,
    /// Gap-free per book, unit and year.
    pub serial: i64,
    /// 0 for a case's first record, 1, 2, … for the later acts in it.
    pub sub: i64,
    /// The registry number as the body writes it.
    pub number: String,
    pub case_id: Option<i64>,
    /// `in`, `out` or `internal`.
    pub direction: String,
    /// `counter`, `portal`, `post`, `email` or `internal`.
    pub channel: String,
    pub office_code: String,
    /// Who sent it (or to whom it goes).
    pub correspondent: String,
    pub subject: String,
    pub received_on: String,
    /// The record this one corrects.
    pub corrects_id: Option<i64>,
    pub registered_by: String,
    pub registered_at: i64,
}

/// A case as it stands (rewritten, journaled, at each step).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct CaseRow {
    pub id: i64,
    /// The first record's id.
    pub record_id: i64,
    pub number: String,
    pub book: String,
    pub unit_code: String,
    pub class: i64,
    pub year: i64,
    pub serial: i64,
    pub case_type: String,
    pub party_name: String,
    pub party_jmbg: Option<String>,
    pub party_address: String,
    pub party_contact: Option<String>,
    pub subject: String,
    #[serde(skip)]
    pub access_hash: Vec<u8>,
    pub term_kind: String,
    pub term_days: i64,
    pub opened_on: String,
    /// The UP-I case this appeal is against.
    pub appeal_of: Option<i64>,
    pub state: CaseState,
    pub holder_unit: Option<String>,
    pub holder_official: Option<String>,
    /// Since when the holder has the file (microseconds since the epoch).
    pub held_since: i64,
    pub due_on: String,
    pub paused_since: Option<String>,
    pub paused_days: i64,
    /// What the party was asked to bring (JSON list), while it is missing.
    pub missing: Option<String>,
    pub outcome: Option<Outcome>,
    pub decided_on: Option<String>,
    pub dispatch: Option<Dispatch>,
    pub dispatched_on: Option<String>,
    pub delivered_on: Option<String>,
    pub closed_on: Option<String>,
    pub joined_to: Option<i64>,
    /// The last sub-number given to an act of the case.
    pub last_sub: i64,
    pub updated_at: i64,
}

impl CaseRow {
    /// The unit answerable for the case: the one holding it or, before a hand-over, the
    /// unit its kind belongs to (the unit of its first record).
    pub fn answerable_unit(&self) -> &str {
        self.holder_unit.as_deref().unwrap_or(&self.unit_code)
    }
}

/// A step in a case's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseEventRow {
    pub id: i64,
    pub case_id: i64,
    /// `registered`, or the step's name (`hand_over`, `decide`, …).
    pub kind: String,
    pub from_state: CaseState,
    pub to_state: CaseState,
    pub unit_code: Option<String>,
    pub official: Option<String>,
    /// The act registered with the step (a decision's record).
    pub record_id: Option<i64>,
    /// What the step says, as JSON.
    pub detail: String,
    pub at: i64,
    pub by_user: String,
}

/// A file of a case (a scan of the submission, a document, the decision): the content is
/// in the object store under its SHA-256; the row, once written, never changes. A new
/// version of a document is a new row of the same chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AttachmentRow {
    pub id: i64,
    pub case_id: i64,
    /// The record (act) of the case the file is, when it is one.
    pub record_id: Option<i64>,
    /// The id of the chain's first version (its own for a first version).
    pub first_id: i64,
    /// 1 for the first version, 2, 3, … for the later ones.
    pub version: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

/// An entry of the archive book (arhivska knjiga): a closed case taken into the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ArchiveEntryRow {
    pub id: i64,
    /// The year of the book.
    pub year: i64,
    /// The entry's number in the year's book, without gaps.
    pub serial: i64,
    pub case_id: i64,
    /// The case's registry number.
    pub number: String,
    pub class: i64,
    /// What the case is about (its subject).
    pub content: String,
    pub closed_on: String,
    /// Years kept, as the class said when the case was archived; `None`: permanently.
    pub retention_years: Option<i64>,
    /// The first day the case may be destroyed; `None`: never.
    pub keep_until: Option<String>,
    /// How many files (versions) the case has.
    pub files: i64,
    pub state: EntryState,
    /// The disposal proposal that lists it (or destroyed it).
    pub disposal_id: Option<i64>,
    pub archived_by: String,
    pub archived_at: i64,
    pub updated_at: i64,
}

impl ArchiveEntryRow {
    /// Destroyed after an approved disposal: the entry stays, the files are gone.
    pub fn destroyed(&self) -> bool {
        self.state == EntryState::Destroyed
    }

    /// What became of the entry in disposal `disposal_id` that listed it: `listed` (awaiting
    /// the archive or the destruction), `destroyed`, or `kept` (refused, or held).
    pub fn outcome_in(&self, disposal_id: i64) -> &'static str {
        match (self.state, self.disposal_id == Some(disposal_id)) {
            (EntryState::Destroyed, true) => "destroyed",
            (EntryState::Proposed, true) => "listed",
            _ => "kept",
        }
    }
}

/// A disposal proposal (prijedlog za izlučivanje) and the archive's answer to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DisposalRow {
    pub id: i64,
    /// Lists what may be destroyed as of this day.
    pub as_of: String,
    pub state: DisposalState,
    pub proposed_by: String,
    pub proposed_at: i64,
    /// The competent archive's act (its number), once it answered.
    pub answer_ref: Option<String>,
    pub answered_on: Option<String>,
    pub answered_by: Option<String>,
    pub done_by: Option<String>,
    pub done_at: Option<i64>,
    pub updated_at: i64,
}

/// A case as a disposal proposal listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DisposalItemRow {
    pub id: i64,
    pub disposal_id: i64,
    pub entry_id: i64,
    pub case_id: i64,
}

/// A legal hold placed on a case, or released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HoldRow {
    pub id: i64,
    pub case_id: i64,
    /// `true`: placed; `false`: released.
    pub placed: bool,
    pub reason: String,
    pub by_user: String,
    pub at: i64,
}

/// The document flow's configuration as it stands: units, who works where, the
/// classification plan, the kinds of case and the registry-number pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocflowConfig {
    pub units: Vec<UnitRow>,
    /// Each user's latest placement.
    pub staff: Vec<StaffRow>,
    pub classes: Vec<ClassRow>,
    pub case_types: Vec<CaseTypeRow>,
    /// `None` until the body sets one.
    pub pattern: Option<PatternRow>,
}

impl DocflowConfig {
    pub fn unit(&self, code: &str) -> Option<&UnitRow> {
        self.units.iter().find(|u| u.code == code)
    }

    pub fn class(&self, mark: i64) -> Option<&ClassRow> {
        self.classes.iter().find(|c| c.mark == mark)
    }

    pub fn case_type(&self, code: &str) -> Option<&CaseTypeRow> {
        self.case_types.iter().find(|t| t.code == code)
    }

    /// The unit a user works in.
    pub fn unit_of(&self, username: &str) -> Option<&str> {
        self.staff.iter().find(|s| s.username == username).map(|s| s.unit_code.as_str())
    }

    /// Where a user sits for the rule of who reaches a case (`docflow::access`).
    pub fn seat<'a>(&'a self, actor: &Actor) -> Seat<'a> {
        Seat { role: actor.role, unit: self.unit_of(&actor.username) }
    }

    /// Whether `actor` may `usage` this case (`docflow::access::may`).
    pub fn may(&self, actor: &Actor, case: &CaseRow, usage: CaseUse) -> Result<(), FieldError> {
        access::may(self.seat(actor), Some(case.answerable_unit()), usage)
    }

    /// The people working in a unit.
    pub fn staff_of<'a>(&'a self, unit: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.staff.iter().filter(move |s| s.unit_code == unit).map(|s| s.username.as_str())
    }
}

/// Which cases a list shows, and where its page starts: cases in `states`, in order of due
/// date then id, after the cursor (keyset pagination).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    pub states: Vec<String>,
    pub unit: Option<String>,
    pub official: Option<String>,
    /// Only cases due on or before this day (`YYYY-MM-DD`).
    pub due_by: Option<String>,
    /// The last (due_on, id) of the previous page.
    pub after: Option<(String, i64)>,
    pub limit: i64,
}

/// Decided cases of a kind and unit in a period, and how many within the legal deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OnTimeRow {
    pub case_type: String,
    pub unit_code: String,
    pub decided: i64,
    pub on_time: i64,
}

/// The document flow's and the archive's tables, parents first.
pub const TABLES: &[Table] = &[
    Table::mutable::<UnitRow>(),
    Table::mutable::<StaffRow>(),
    Table::mutable::<ClassRow>(),
    Table::mutable::<CaseTypeRow>(),
    Table::mutable::<PatternRow>(),
    Table::append_only::<RecordRow>(),
    Table::mutable::<CaseRow>(),
    Table::append_only::<CaseEventRow>(),
    Table::append_only::<AttachmentRow>(),
    Table::mutable::<DisposalRow>(),
    Table::mutable::<ArchiveEntryRow>(),
    Table::append_only::<DisposalItemRow>(),
    Table::append_only::<HoldRow>(),
];

code_column!(CaseState, Outcome, Dispatch, EntryState, DisposalState);
record!(OnTimeRow, [case_type, unit_code, decided, on_time]);
table_row!(UnitRow, "protocol_units", [id, code, name, created_at]);
table_row!(StaffRow, "unit_staff", [id, username, unit_code, since]);
table_row!(ClassRow, "protocol_classes", [id, mark, title, retention_years, created_at]);
table_row!(CaseTypeRow, "case_types", [id, code, title, book, class, term_kind, term_days, unit_code, created_at]);
table_row!(PatternRow, "protocol_settings", [id, pattern, set_by, set_at]);
table_row!(
    RecordRow,
    "protocol_records",
    [
        id,
        book,
        unit_code,
        class,
        year,
        serial,
        sub,
        number,
        case_id,
        direction,
        channel,
        office_code,
        correspondent,
        subject,
        received_on,
        corrects_id,
        registered_by,
        registered_at
    ]
);
table_row!(
    CaseRow,
    "cases",
    [
        id,
        record_id,
        number,
        book,
        unit_code,
        class,
        year,
        serial,
        case_type,
        party_name,
        party_jmbg,
        party_address,
        party_contact,
        subject,
        access_hash,
        term_kind,
        term_days,
        opened_on,
        appeal_of,
        state,
        holder_unit,
        holder_official,
        held_since,
        due_on,
        paused_since,
        paused_days,
        missing,
        outcome,
        decided_on,
        dispatch,
        dispatched_on,
        delivered_on,
        closed_on,
        joined_to,
        last_sub,
        updated_at
    ]
);
table_row!(CaseEventRow, "case_events", [id, case_id, kind, from_state, to_state, unit_code, official, record_id, detail, at, by_user]);
table_row!(
    AttachmentRow,
    "attachments",
    [id, case_id, record_id, first_id, version, name, media_type, size, sha256, uploaded_by, uploaded_at]
);
table_row!(
    ArchiveEntryRow,
    "archive_entries",
    [
        id,
        year,
        serial,
        case_id,
        number,
        class,
        content,
        closed_on,
        retention_years,
        keep_until,
        files,
        state,
        disposal_id,
        archived_by,
        archived_at,
        updated_at
    ]
);
table_row!(
    DisposalRow,
    "disposals",
    [id, as_of, state, proposed_by, proposed_at, answer_ref, answered_on, answered_by, done_by, done_at, updated_at]
);
table_row!(DisposalItemRow, "disposal_items", [id, disposal_id, entry_id, case_id]);
table_row!(HoldRow, "legal_holds", [id, case_id, placed, reason, by_user, at]);
