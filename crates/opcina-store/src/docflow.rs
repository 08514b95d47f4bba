//! The document flow in the store: registering submissions in the protocol books (each
//! opens a case, or joins one under the next sub-number), the steps of a case's life, the
//! body's configuration, and the public tracking of a case by its number and access code.
//!
//! Registrations and steps go through the node's single writer with group commit: the
//! writer holds the journal head, so serials are taken one after another — gap-free and
//! unique even when many counters register at once — and a refused or failed registration
//! takes no number.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use opcina_core::docflow::access::CaseUse;
use opcina_core::docflow::case::{CaseAction, CaseState};
use opcina_core::docflow::deadline::{Calendar, Term};
use opcina_core::docflow::number::{Book, Pattern, RegistryNumber};
use opcina_core::publicinfo::information;
use opcina_core::registry::validate::printable;
use opcina_core::registry::{Actor, Role, Timestamp};
use opcina_core::{CheckMode, FieldError, Jmbg, Refusal};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::backend::WriteTx;
use crate::error::{Result, StoreError};
use crate::orders::{normalise_code, readable_code};
use crate::rows::{
    AttachmentRow, CaseEventRow, CaseRow, CaseTypeRow, ClassRow, DocflowConfig, NodeRow, PatternRow, RecordRow, Row, StaffRow, UnitRow,
    date_text,
};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::txn::{Sequence, Txn};
use crate::writer::{WriteCx, WriteJob};

/// How a record came in (or goes out).
pub const CHANNELS: [&str; 5] = ["counter", "portal", "post", "email", "internal"];
/// Which way a record goes.
pub const DIRECTIONS: [&str; 3] = ["in", "out", "internal"];

/// Who submits: the party of the case.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
pub struct Party {
    pub name: String,
    #[serde(default)]
    pub jmbg: Option<String>,
    pub address: String,
    #[serde(default)]
    pub contact: Option<String>,
}

/// A submission that opens a case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
pub struct Intake {
    /// The kind of case (its code), which gives the book, class, unit and deadline.
    pub case_type: String,
    /// `counter`, `portal`, `post`, `email` or `internal`.
    pub channel: String,
    pub party: Party,
    pub subject: String,
    pub received_on: NaiveDate,
    /// For an appeal: the id of the first-instance case it is against.
    #[serde(default)]
    pub appeal_of: Option<i64>,
}

/// A later record in a case (the party's completion, a letter sent, a correction), entered
/// under the case's next sub-number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
pub struct Filing {
    /// `in`, `out` or `internal`.
    pub direction: String,
    pub channel: String,
    pub correspondent: String,
    pub subject: String,
    pub received_on: NaiveDate,
    /// The record of this case that this one corrects.
    #[serde(default)]
    pub corrects: Option<i64>,
}

/// A file for a case, as sent: its name and type, and the record or earlier version it
/// belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Upload {
    /// The file's name as the party or clerk gave it (`zahtjev.pdf`).
    pub name: String,
    /// The record (act) of the case this file is.
    #[serde(default)]
    pub record: Option<i64>,
    /// The attachment this is a new version of.
    #[serde(default)]
    pub replaces: Option<i64>,
}

/// The largest file a case takes (a scanned submission of many pages fits).
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;

/// A file kept, to be entered in its case.
#[derive(Debug, Clone)]
pub struct KeptFile {
    pub upload: Upload,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

/// What a citizen whose account was verified at the counter submits on the portal; the
/// party is the citizen, by the name and JMBG the counter verified.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct OnlineSubmission {
    pub case_type: String,
    pub subject: String,
    /// Where the decision is delivered.
    pub address: String,
}

/// What the writer does for the document flow.
#[derive(Debug, Clone)]
pub enum DocOp {
    Open(Box<Intake>),
    /// A submission from the portal (built only by [`Store::submit_online`], for a verified
    /// citizen): registered like one at the counter, on the channel `portal`.
    Submit(Box<Intake>),
    File {
        case_id: i64,
        filing: Box<Filing>,
    },
    Step {
        case_id: i64,
        action: Box<CaseAction>,
    },
    Attach {
        case_id: i64,
        file: Box<KeptFile>,
    },
    /// The party lost its receipt: a new access code replaces the old one (which stops
    /// working), given at the counter to the party in person.
    Reissue {
        case_id: i64,
    },
}

/// What came of it.
#[derive(Debug, Clone)]
pub enum DocDone {
    /// A case opened; the access code is shown this once (only its hash is kept).
    Opened {
        case: Box<CaseRow>,
        record: RecordRow,
        access_code: String,
    },
    Filed {
        case: Box<CaseRow>,
        record: RecordRow,
    },
    Stepped {
        case: Box<CaseRow>,
        event: CaseEventRow,
        record: Option<RecordRow>,
    },
    Attached {
        case: Box<CaseRow>,
        attachment: AttachmentRow,
    },
    /// A new access code, shown this once.
    Reissued {
        case: Box<CaseRow>,
        access_code: String,
    },
}

impl DocDone {
    pub fn case(&self) -> &CaseRow {
        match self {
            DocDone::Opened { case, .. }
            | DocDone::Filed { case, .. }
            | DocDone::Stepped { case, .. }
            | DocDone::Attached { case, .. }
            | DocDone::Reissued { case, .. } => case,
        }
    }
}

/// The calendar deadlines are counted in.
pub fn calendar() -> Calendar {
    Calendar::fbih()
}

/// The SHA-256 of an access code as people type it.
pub fn access_hash(code: &str) -> Vec<u8> {
    Sha256::digest(normalise_code(code).as_bytes()).to_vec()
}

pub(crate) fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A required text: filled in, and printable (it goes on the receipt and into the book).
fn blank(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    if value.trim().is_empty() {
        errors.push(FieldError::new("docflow.field.required", field, format!("{field} is required")));
    } else if let Err(e) = printable(field, value.trim()) {
        errors.push(e);
    }
}

/// An optional text, printable when given.
fn optional_text(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) {
    if let Some(Err(e)) = value.map(|v| printable(field, v.trim())) {
        errors.push(e);
    }
}

fn check_channel(errors: &mut Vec<FieldError>, channel: &str) {
    if !CHANNELS.contains(&channel) {
        errors.push(FieldError::new("docflow.channel.unknown", "channel", format!("the channel is one of {}", CHANNELS.join(", "))));
    }
}

fn denied(why: &str) -> Refusal {
    Refusal::one(FieldError::general("docflow.permission", why))
}

fn not_found(id: i64) -> Refusal {
    Refusal::one(FieldError::new("docflow.case.not_found", "case_id", format!("there is no case {id}")))
}

fn pattern(config: &DocflowConfig) -> std::result::Result<Pattern, Refusal> {
    let row = config.pattern.as_ref().ok_or_else(|| {
        Refusal::one(FieldError::general("docflow.pattern.unset", "the body has not set its registry-number pattern yet"))
    })?;
    Pattern::parse(&row.pattern).map_err(Refusal::one)
}

/// Staff who take submissions: the registry office (pisarnica), counter clerks, registrars
/// and officials.
fn may_register(actor: &Actor) -> std::result::Result<(), Refusal> {
    match actor.role {
        Role::CounterClerk | Role::Registrar | Role::Official => Ok(()),
        _ => Err(denied("only office staff register submissions")),
    }
}

/// Who may take a step in a case: whoever may work on it (`docflow::access`: the officials
/// of the unit answerable for it, the registry office), and of the registry office only
/// for what it does — it assigns new cases and sends and receives the post (dispatch,
/// delivery receipts, closing what came back); the unit's officials do the rest.
pub fn may_step(actor: &Actor, config: &DocflowConfig, case: &CaseRow, action: &CaseAction) -> std::result::Result<(), Refusal> {
    config.may(actor, case, CaseUse::Work).map_err(Refusal::one)?;
    match actor.role {
        Role::Official => Ok(()),
        Role::CounterClerk | Role::Registrar => match (action, case.state) {
            (CaseAction::HandOver { .. }, CaseState::Registered)
            | (CaseAction::Dispatch { .. } | CaseAction::Deliver { .. }, _)
            | (CaseAction::Close { .. }, CaseState::Delivered) => Ok(()),
            _ => Err(denied("the registry office assigns new cases and handles the post; the unit's officials do the rest")),
        },
        _ => Err(denied("only office staff work on cases")),
    }
}

/// Checks an intake against the configuration; every problem, named by field.
fn check_intake(intake: &Intake, config: &DocflowConfig, mode: CheckMode, today: NaiveDate) -> std::result::Result<CaseTypeRow, Refusal> {
    let mut errors = Vec::new();
    let case_type = config.case_type(&intake.case_type).cloned();
    if case_type.is_none() {
        errors.push(FieldError::new("docflow.case_type.unknown", "case_type", format!("there is no kind of case {:?}", intake.case_type)));
    }
    check_channel(&mut errors, &intake.channel);
    blank(&mut errors, "party.name", &intake.party.name);
    blank(&mut errors, "party.address", &intake.party.address);
    blank(&mut errors, "subject", &intake.subject);
    optional_text(&mut errors, "party.contact", intake.party.contact.as_deref());
    if let Some(j) = intake.party.jmbg.as_deref().filter(|j| !j.trim().is_empty()) {
        if let Err(e) = Jmbg::parse(j, mode) {
            errors.push(e.under("party"));
        }
    }
    if intake.received_on > today {
        errors.push(FieldError::new("docflow.received_on.future", "received_on", "a submission cannot be received in the future"));
    }
    if let Some(t) = &case_type {
        let appeal = t.book == Book::UpII.as_str();
        if appeal && intake.appeal_of.is_none() {
            errors.push(FieldError::new("docflow.appeal.against", "appeal_of", "an appeal names the case it is against"));
        }
        if !appeal && intake.appeal_of.is_some() {
            errors.push(FieldError::new("docflow.appeal.kind", "case_type", "an appeal is registered as a kind of case of the UP-II book"));
        }
    }
    match (errors.is_empty(), case_type) {
        (true, Some(t)) => Ok(t),
        _ => Err(Refusal { errors }),
    }
}

fn check_filing(filing: &Filing, today: NaiveDate) -> std::result::Result<(), Refusal> {
    let mut errors = Vec::new();
    if !DIRECTIONS.contains(&filing.direction.as_str()) {
        errors.push(FieldError::new(
            "docflow.direction.unknown",
            "direction",
            format!("the direction is one of {}", DIRECTIONS.join(", ")),
        ));
    }
    check_channel(&mut errors, &filing.channel);
    blank(&mut errors, "correspondent", &filing.correspondent);
    blank(&mut errors, "subject", &filing.subject);
    if filing.received_on > today {
        errors.push(FieldError::new("docflow.received_on.future", "received_on", "a record cannot be received in the future"));
    }
    if errors.is_empty() { Ok(()) } else { Err(Refusal { errors }) }
}

fn term_of(t: &CaseTypeRow) -> Term {
    match t.term_kind.as_str() {
        "direct" => Term::Direct,
        "examination" => Term::Examination,
        _ => Term::Special { days: u32::try_from(t.term_days).unwrap_or(0) },
    }
}

/// The due date of a case with the days it has waited so far.
fn due_on(case: &CaseRow, paused_days: i64, today: NaiveDate) -> String {
    let start = date(&case.opened_on).unwrap_or(today);
    date_text(calendar().due(start, u32::try_from(case.term_days).unwrap_or(0), paused_days))
}

/// Appends a record to its book: the next serial of the book, unit and year (or the case's
/// next sub-number).
async fn append_record(txn: &mut Txn, actor: &Actor, pattern: &Pattern, mut record: RecordRow, now: Timestamp) -> Result<RecordRow> {
    let book = Book::parse(&record.book).ok_or_else(|| StoreError::corrupt("protocol_records", 0, format!("book {:?}", record.book)))?;
    if record.sub == 0 {
        record.serial = txn.next_serial(&ProtocolBook(book), &record.unit_code, record.year).await?;
    }
    let number = RegistryNumber {
        book,
        unit: record.unit_code.clone(),
        class: u8::try_from(record.class).unwrap_or(0),
        serial: record.serial,
        sub: (record.sub > 0).then(|| u32::try_from(record.sub).unwrap_or(0)),
        year: i32::try_from(record.year).unwrap_or(0),
    };
    record.number = pattern.format(&number);
    record.registered_at = now.0;
    record.id = txn.append(Row::new(record.clone()), now, actor, "docflow.record.registered").await?;
    Ok(record)
}

/// The kind of case under which the registry's refusals of documents are entered in the UP-I
/// book: its unit and classification mark number them.
pub const REGISTRY_REFUSALS: &str = "izvod";

/// Enters a first-instance decision taken at the counter outside a case (a refusal of an
/// extract or certificate) in the body's UP-I book, under the unit and classification mark of
/// the kind of case [`REGISTRY_REFUSALS`], numbered by the body's pattern. `None` when the body
/// has not set its pattern or that kind of case in the UP-I book.
pub(crate) async fn enter_decision(
    txn: &mut Txn,
    actor: &Actor,
    correspondent: &str,
    subject: &str,
    on: NaiveDate,
    now: Timestamp,
) -> Result<Option<RecordRow>> {
    let config = config(txn).await?;
    let (Ok(pattern), Some(kind)) = (pattern(&config), config.case_type(REGISTRY_REFUSALS)) else {
        return Ok(None);
    };
    if kind.book != Book::UpI.as_str() {
        return Ok(None);
    }
    let record = RecordRow {
        id: 0,
        book: kind.book.clone(),
        unit_code: kind.unit_code.clone(),
        class: kind.class,
        year: i64::from(on.year()),
        serial: 0,
        sub: 0,
        number: String::new(),
        case_id: None,
        direction: "out".into(),
        channel: "counter".into(),
        office_code: actor.office.clone().unwrap_or_default(),
        correspondent: correspondent.to_string(),
        subject: subject.to_string(),
        received_on: date_text(on),
        corrects_id: None,
        registered_by: actor.username.clone(),
        registered_at: 0,
    };
    append_record(txn, actor, &pattern, record, now).await.map(Some)
}

/// The record of a later act in a case, under the case's next sub-number.
fn later_act(case: &mut CaseRow, actor: &Actor, act: &Filing) -> RecordRow {
    case.last_sub += 1;
    RecordRow {
        id: 0,
        book: case.book.clone(),
        unit_code: case.unit_code.clone(),
        class: case.class,
        year: case.year,
        serial: case.serial,
        sub: case.last_sub,
        number: String::new(),
        case_id: Some(case.id),
        direction: act.direction.clone(),
        channel: act.channel.clone(),
        office_code: actor.office.clone().unwrap_or_default(),
        correspondent: act.correspondent.trim().to_string(),
        subject: act.subject.trim().to_string(),
        received_on: date_text(act.received_on),
        corrects_id: act.corrects,
        registered_by: actor.username.clone(),
        registered_at: 0,
    }
}

async fn append_event(txn: &mut Txn, actor: &Actor, mut event: CaseEventRow, now: Timestamp) -> Result<CaseEventRow> {
    event.at = now.0;
    event.by_user = actor.username.clone();
    let action = format!("docflow.case.{}", event.kind);
    event.id = txn.append(Row::new(event.clone()), now, actor, &action).await?;
    Ok(event)
}

/// A protocol book (djelovodnik or upisnik) of a unit: serials per unit and year.
struct ProtocolBook(Book);

#[async_trait]
impl Sequence for ProtocolBook {
    fn key(&self) -> String {
        format!("protocol:{}", self.0.as_str())
    }

    async fn last(&self, tx: &mut dyn WriteTx, unit: &str, year: i64) -> Result<i64> {
        tx.last_protocol_serial(self.0.as_str(), unit, year).await
    }
}

/// The configuration and its registry-number pattern, or the refusal that the body has not
/// set its pattern yet.
async fn config_and_pattern(txn: &mut Txn) -> Result<std::result::Result<(Arc<DocflowConfig>, Pattern), Refusal>> {
    let config = config(txn).await?;
    Ok(pattern(&config).map(|p| (config, p)))
}

/// The document flow's configuration, read once per write transaction.
pub(crate) async fn config(txn: &mut Txn) -> Result<Arc<DocflowConfig>> {
    if let Some(config) = txn.memo::<Arc<DocflowConfig>>() {
        return Ok(Arc::clone(config));
    }
    let config = Arc::new(txn.reader().await?.docflow_config().await?);
    txn.set_memo(Arc::clone(&config));
    Ok(config)
}

#[async_trait]
impl WriteJob for DocOp {
    type Output = std::result::Result<DocDone, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let node = cx.node()?;
        write(cx.txn, node, cx.actor, self, cx.today, cx.now).await
    }
}

/// Carries out one document-flow operation inside the writer's transaction. A refusal
/// appends nothing. Other contexts whose acts are cases (a request for information) open and
/// step their cases through it, inside their own write.
pub(crate) async fn write(
    txn: &mut Txn,
    node: &NodeRow,
    actor: &Actor,
    op: &DocOp,
    today: NaiveDate,
    now: Timestamp,
) -> Result<std::result::Result<DocDone, Refusal>> {
    let (config, pattern) = match config_and_pattern(txn).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    match op {
        DocOp::Open(intake) => {
            if let Err(r) = may_register(actor) {
                return Ok(Err(r));
            }
            open(txn, node.check_mode(), actor, &config, &pattern, intake, today, now).await
        }
        DocOp::Submit(intake) => open(txn, node.check_mode(), actor, &config, &pattern, intake, today, now).await,
        DocOp::Step { case_id, action } => step(txn, actor, &config, &pattern, *case_id, action, today, now, false).await,
        DocOp::File { case_id, filing } => match case_to_work_on(txn, actor, &config, *case_id).await? {
            Ok(case) => file(txn, actor, &pattern, case, filing, today, now).await,
            Err(refused) => Ok(Err(refused)),
        },
        DocOp::Attach { case_id, file } => match case_to_work_on(txn, actor, &config, *case_id).await? {
            Ok(case) => attach(txn, actor, case, file, now).await,
            Err(refused) => Ok(Err(refused)),
        },
        DocOp::Reissue { case_id } => match case_to_work_on(txn, actor, &config, *case_id).await? {
            Ok(case) => reissue(txn, actor, case, now).await,
            Err(refused) => Ok(Err(refused)),
        },
    }
}

/// The case `actor` works on (a later record, a file, a new access code): refused when
/// there is no such case or it is not theirs (`docflow::access`).
async fn case_to_work_on(
    txn: &mut Txn,
    actor: &Actor,
    config: &DocflowConfig,
    case_id: i64,
) -> Result<std::result::Result<CaseRow, Refusal>> {
    let Some(case) = txn.reader().await?.case(case_id).await? else { return Ok(Err(not_found(case_id))) };
    Ok(config.may(actor, &case, CaseUse::Work).map(|()| case).map_err(Refusal::one))
}

/// A new access code for a case whose receipt was lost: the old code stops working, the
/// event names who gave it (the clerk who saw the party's identity document).
async fn reissue(txn: &mut Txn, actor: &Actor, mut case: CaseRow, now: Timestamp) -> Result<std::result::Result<DocDone, Refusal>> {
    let case_id = case.id;
    let access_code = readable_code(3)?;
    case.access_hash = access_hash(&access_code);
    case.updated_at = now.0;
    txn.update(Row::new(case.clone()), now, actor, "docflow.case.access_reissued").await?;
    let event = CaseEventRow {
        id: 0,
        case_id,
        kind: "access_reissued".into(),
        from_state: case.state,
        to_state: case.state,
        unit_code: None,
        official: None,
        record_id: None,
        detail: "{}".into(),
        at: 0,
        by_user: String::new(),
    };
    append_event(txn, actor, event, now).await?;
    Ok(Ok(DocDone::Reissued { case: Box::new(case), access_code }))
}

#[allow(clippy::too_many_arguments)]
async fn open(
    txn: &mut Txn,
    mode: CheckMode,
    actor: &Actor,
    config: &DocflowConfig,
    pattern: &Pattern,
    intake: &Intake,
    today: NaiveDate,
    now: Timestamp,
) -> Result<std::result::Result<DocDone, Refusal>> {
    let case_type = match check_intake(intake, config, mode, today) {
        Ok(t) => t,
        Err(r) => return Ok(Err(r)),
    };
    let mut against = None;
    if let Some(first) = intake.appeal_of {
        let Some(case) = txn.reader().await?.case(first).await? else {
            return Ok(Err(Refusal::one(FieldError::new("docflow.appeal.against", "appeal_of", format!("there is no case {first}")))));
        };
        let decided = matches!(
            Some(case.state),
            Some(CaseState::Decided | CaseState::Dispatched | CaseState::Delivered | CaseState::Closed | CaseState::Archived)
        );
        if case.book != Book::UpI.as_str() || !decided {
            return Ok(Err(Refusal::one(FieldError::new(
                "docflow.appeal.against",
                "appeal_of",
                format!("{} is not a decided first-instance case", case.number),
            ))));
        }
        against = Some(case);
    }
    let office = actor.office.clone().unwrap_or_default();
    let record = RecordRow {
        id: 0,
        book: case_type.book.clone(),
        unit_code: case_type.unit_code.clone(),
        class: case_type.class,
        // The book of the year the record is registered in.
        year: i64::from(today.year()),
        serial: 0,
        sub: 0,
        number: String::new(),
        case_id: None,
        direction: "in".into(),
        channel: intake.channel.clone(),
        office_code: office,
        correspondent: intake.party.name.trim().to_string(),
        subject: intake.subject.trim().to_string(),
        received_on: date_text(intake.received_on),
        corrects_id: None,
        registered_by: actor.username.clone(),
        registered_at: 0,
    };
    // The case takes the id after its first record's; the record names it.
    let case_id = txn.next_id() + 1;
    let record = append_record(txn, actor, pattern, RecordRow { case_id: Some(case_id), ..record }, now).await?;
    let access_code = readable_code(3)?;
    let mut case = CaseRow {
        id: 0,
        record_id: record.id,
        number: record.number.clone(),
        book: record.book.clone(),
        unit_code: record.unit_code.clone(),
        class: record.class,
        year: record.year,
        serial: record.serial,
        case_type: case_type.code.clone(),
        party_name: intake.party.name.trim().to_string(),
        party_jmbg: intake.party.jmbg.as_deref().map(str::trim).filter(|j| !j.is_empty()).map(str::to_string),
        party_address: intake.party.address.trim().to_string(),
        party_contact: intake.party.contact.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string),
        subject: record.subject.clone(),
        access_hash: access_hash(&access_code),
        term_kind: case_type.term_kind.clone(),
        term_days: i64::from(term_of(&case_type).days()),
        opened_on: record.received_on.clone(),
        appeal_of: against.as_ref().map(|c| c.id),
        state: CaseState::Registered,
        holder_unit: None,
        holder_official: None,
        held_since: now.0,
        due_on: String::new(),
        paused_days: 0,
        updated_at: now.0,
        ..CaseRow::default()
    };
    case.due_on = due_on(&case, 0, today);
    case.id = txn.append(Row::new(case.clone()), now, actor, "docflow.case.opened").await?;
    if case.id != case_id {
        return Err(StoreError::corrupt("cases", case.id, format!("expected id {case_id}")));
    }
    let event = CaseEventRow {
        id: 0,
        case_id,
        kind: "registered".into(),
        from_state: CaseState::Registered,
        to_state: CaseState::Registered,
        unit_code: Some(case.unit_code.clone()),
        official: None,
        record_id: Some(record.id),
        detail: json!({ "channel": intake.channel }).to_string(),
        at: 0,
        by_user: String::new(),
    };
    append_event(txn, actor, event, now).await?;
    if let Some(first) = against {
        let event = CaseEventRow {
            id: 0,
            case_id: first.id,
            kind: "appealed".into(),
            from_state: first.state,
            to_state: first.state,
            unit_code: None,
            official: None,
            record_id: Some(record.id),
            detail: json!({ "appeal": case.number, "appeal_case_id": case.id }).to_string(),
            at: 0,
            by_user: String::new(),
        };
        append_event(txn, actor, event, now).await?;
    }
    Ok(Ok(DocDone::Opened { case: Box::new(case), record, access_code }))
}

async fn file(
    txn: &mut Txn,
    actor: &Actor,
    pattern: &Pattern,
    mut case: CaseRow,
    filing: &Filing,
    today: NaiveDate,
    now: Timestamp,
) -> Result<std::result::Result<DocDone, Refusal>> {
    if let Err(r) = check_filing(filing, today) {
        return Ok(Err(r));
    }
    let case_id = case.id;
    if !case.state.open() {
        return Ok(Err(Refusal::one(FieldError::new(
            "docflow.case.closed",
            "case_id",
            format!("{} is {}: nothing more is entered in it", case.number, case.state.as_str()),
        ))));
    }
    if let Some(corrected) = filing.corrects {
        let belongs = txn.reader().await?.record(corrected).await?.is_some_and(|r| r.case_id == Some(case_id));
        if !belongs {
            return Ok(Err(Refusal::one(FieldError::new(
                "docflow.record.corrects",
                "corrects",
                "a correction names a record of the same case",
            ))));
        }
    }
    let record = later_act(&mut case, actor, filing);
    let record = append_record(txn, actor, pattern, record, now).await?;
    case.updated_at = now.0;
    txn.update(Row::new(case.clone()), now, actor, "docflow.case.filed").await?;
    Ok(Ok(DocDone::Filed { case: Box::new(case), record }))
}

/// Checks a file's name: what a person would recognise, with no path in it.
fn check_upload(upload: &Upload, size: usize) -> std::result::Result<(), Refusal> {
    let name = upload.name.trim();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 200 || name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        errors.push(FieldError::new("docflow.attachment.name", "name", "a file has a name of at most 200 characters, without a path"));
    }
    if size == 0 {
        errors.push(FieldError::new("docflow.attachment.empty", "file", "the file is empty"));
    }
    if size > MAX_FILE_BYTES {
        errors.push(FieldError::new(
            "docflow.attachment.too_large",
            "file",
            format!("a file is at most {} MB", MAX_FILE_BYTES / (1024 * 1024)),
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(Refusal { errors }) }
}

async fn attach(
    txn: &mut Txn,
    actor: &Actor,
    case: CaseRow,
    file: &KeptFile,
    now: Timestamp,
) -> Result<std::result::Result<DocDone, Refusal>> {
    let case_id = case.id;
    if matches!(Some(case.state), Some(CaseState::Joined | CaseState::Archived)) {
        return Ok(Err(Refusal::one(FieldError::new(
            "docflow.case.closed",
            "case_id",
            format!("{} is {}: its files are with the case it went to or in the archive", case.number, case.state.as_str()),
        ))));
    }
    if let Some(record) = file.upload.record {
        if txn.reader().await?.record(record).await?.is_none_or(|r| r.case_id != Some(case_id)) {
            return Ok(Err(Refusal::one(FieldError::new(
                "docflow.attachment.record",
                "record",
                "the file belongs to a record of the same case",
            ))));
        }
    }
    let (first_id, version) = match file.upload.replaces {
        None => (txn.next_id(), 1),
        Some(earlier) => match txn.reader().await?.attachment(earlier).await? {
            Some(a) if a.case_id == case_id => (a.first_id, txn.reader().await?.last_attachment_version(a.first_id).await? + 1),
            _ => {
                return Ok(Err(Refusal::one(FieldError::new(
                    "docflow.attachment.replaces",
                    "replaces",
                    "a new version replaces a file of the same case",
                ))));
            }
        },
    };
    let mut row = AttachmentRow {
        id: 0,
        case_id,
        record_id: file.upload.record,
        first_id,
        version,
        name: file.upload.name.trim().to_string(),
        media_type: file.media_type.clone(),
        size: file.size,
        sha256: file.sha256.clone(),
        uploaded_by: actor.username.clone(),
        uploaded_at: now.0,
    };
    row.id = txn.append(Row::new(row.clone()), now, actor, "docflow.attachment.added").await?;
    if version == 1 && row.id != first_id {
        return Err(StoreError::corrupt("attachments", row.id, format!("expected id {first_id}")));
    }
    Ok(Ok(DocDone::Attached { case: Box::new(case), attachment: row }))
}

#[allow(clippy::too_many_arguments)]
async fn step(
    txn: &mut Txn,
    actor: &Actor,
    config: &DocflowConfig,
    pattern: &Pattern,
    case_id: i64,
    action: &CaseAction,
    today: NaiveDate,
    now: Timestamp,
    by_own_context: bool,
) -> Result<std::result::Result<DocDone, Refusal>> {
    if let Err(e) = action.check() {
        return Ok(Err(Refusal::one(e)));
    }
    let Some(mut case) = txn.reader().await?.case(case_id).await? else { return Ok(Err(not_found(case_id))) };
    if matches!(action, CaseAction::Decide { .. }) && case.case_type == information::CASE_TYPE && !by_own_context {
        return Ok(Err(Refusal::one(FieldError::general(
            "docflow.decide.elsewhere",
            "a request for information is decided on its own page, with the law's exemptions and the appeal",
        ))));
    }
    let from = case.state;
    let to = match action.after(from, case.book != Book::Djelovodnik.as_str()) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refusal::one(e))),
    };
    if let Err(r) = may_step(actor, config, &case, action) {
        return Ok(Err(r));
    }
    let mut event = CaseEventRow {
        id: 0,
        case_id,
        kind: action.name().into(),
        from_state: from,
        to_state: to,
        unit_code: None,
        official: None,
        record_id: None,
        detail: serde_json::to_string(action).map_err(|e| StoreError::corrupt("case_events", 0, e))?,
        at: 0,
        by_user: String::new(),
    };
    let mut record = None;
    let today_text = date_text(today);
    match action {
        CaseAction::HandOver { unit, official, .. } => {
            if config.unit(unit).is_none() {
                return Ok(Err(Refusal::one(FieldError::new("docflow.unit.unknown", "unit", format!("there is no unit {unit:?}")))));
            }
            let official = official.as_deref().map(str::trim).filter(|o| !o.is_empty());
            if let Some(o) = official {
                if config.unit_of(o) != Some(unit.as_str()) {
                    return Ok(Err(Refusal::one(FieldError::new(
                        "docflow.official.unit",
                        "official",
                        format!("{o} does not work in unit {unit}"),
                    ))));
                }
            }
            case.holder_unit = Some(unit.clone());
            case.holder_official = official.map(str::to_string);
            case.held_since = now.0;
            event.unit_code = case.holder_unit.clone();
            event.official = case.holder_official.clone();
        }
        CaseAction::WaitForParty { .. } => case.paused_since = Some(today_text),
        CaseAction::ReturnForCompletion { missing, .. } => {
            let missing: Vec<&str> = missing.iter().map(|m| m.trim()).filter(|m| !m.is_empty()).collect();
            case.paused_since = Some(today_text);
            case.missing = Some(serde_json::to_string(&missing).map_err(|e| StoreError::corrupt("cases", case.id, e))?);
        }
        CaseAction::Resume { .. } => {
            let since = case.paused_since.as_deref().and_then(date).unwrap_or(today);
            case.paused_days += (today - since).num_days().max(0);
            case.paused_since = None;
            case.missing = None;
            case.due_on = due_on(&case, case.paused_days, today);
        }
        CaseAction::Join { into } => {
            let targets = txn.reader().await?.cases_numbered(into.trim()).await?;
            let Some(target) = targets.into_iter().find(|t| t.id != case.id && t.state.pending()) else {
                return Ok(Err(Refusal::one(FieldError::new(
                    "docflow.join.target",
                    "into",
                    format!("there is no other case {into:?} still in work to join"),
                ))));
            };
            case.joined_to = Some(target.id);
            let joined = CaseEventRow {
                kind: "joined_from".into(),
                case_id: target.id,
                from_state: target.state,
                to_state: target.state,
                detail: json!({ "case": case.number, "case_id": case.id }).to_string(),
                ..event.clone()
            };
            append_event(txn, actor, joined, now).await?;
        }
        CaseAction::Decide { outcome, summary } => {
            let decision = Filing {
                direction: "out".into(),
                channel: "internal".into(),
                correspondent: case.party_name.clone(),
                subject: summary.clone(),
                received_on: today,
                corrects: None,
            };
            let decision = later_act(&mut case, actor, &decision);
            let r = append_record(txn, actor, pattern, decision, now).await?;
            event.record_id = Some(r.id);
            record = Some(r);
            case.outcome = Some(*outcome);
            case.decided_on = Some(today_text);
        }
        CaseAction::Dispatch { method, .. } => {
            case.dispatch = Some(*method);
            case.dispatched_on = Some(today_text);
        }
        CaseAction::Deliver { on } => {
            let sent = case.dispatched_on.as_deref().and_then(date).unwrap_or(today);
            if *on < sent || *on > today {
                return Ok(Err(Refusal::one(FieldError::new(
                    "docflow.delivered_on.range",
                    "on",
                    format!("the decision was delivered between its dispatch ({sent}) and today"),
                ))));
            }
            case.delivered_on = Some(date_text(*on));
        }
        CaseAction::Close { .. } => case.closed_on = Some(today_text),
    }
    case.state = to;
    case.updated_at = now.0;
    txn.update(Row::new(case.clone()), now, actor, &format!("docflow.case.{}", action.name())).await?;
    let event = append_event(txn, actor, event, now).await?;
    Ok(Ok(DocDone::Stepped { case: Box::new(case), event, record }))
}

/// Decides a case whose decision a context of its own takes (a request for information:
/// `publicinfo_information`), inside that context's write: the same rules as any decision
/// (who may, in which state), entered in the book under the case's next sub-number.
pub(crate) async fn decide_for_context(
    txn: &mut Txn,
    actor: &Actor,
    case_id: i64,
    action: &CaseAction,
    today: NaiveDate,
    now: Timestamp,
) -> Result<std::result::Result<DocDone, Refusal>> {
    let (config, pattern) = match config_and_pattern(txn).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    step(txn, actor, &config, &pattern, case_id, action, today, now, true).await
}

/// The body's document-flow configuration, as set up by an administrator (or a preset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocflowSetup {
    pub pattern: Option<String>,
    /// (code, name)
    pub units: Vec<(String, String)>,
    /// (mark, title, years kept or `None` for permanently)
    pub classes: Vec<(i64, String, Option<i64>)>,
    pub case_types: Vec<CaseTypeSpec>,
    /// (username, unit code)
    pub staff: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTypeSpec {
    pub code: String,
    pub title: String,
    pub book: Book,
    pub class: i64,
    pub term: Term,
    pub unit: String,
}

impl Store {
    /// Carries out a document-flow operation (registration, filing, a step of a case)
    /// through the writer; returns once it is durably committed.
    pub async fn docflow(&self, actor: &Actor, op: DocOp) -> Result<std::result::Result<DocDone, Refusal>> {
        self.submit(actor, op).await
    }

    /// Adds what the setup names and the node lacks (units, classes, kinds of case by code;
    /// a new pattern; a user's new unit). What exists is left as it is: registered numbers
    /// and cases refer to it.
    pub async fn docflow_setup(&self, actor: &Actor, setup: &DocflowSetup) -> Result<std::result::Result<(), Refusal>> {
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let mut config = config(&mut ex.txn).await?.as_ref().clone();
        let mut errors = Vec::new();
        if let Some(p) = &setup.pattern {
            match Pattern::parse(p) {
                Err(e) => errors.push(e),
                Ok(p) if config.pattern.as_ref().map(|r| r.pattern.as_str()) != Some(p.as_str()) => {
                    let row = PatternRow { id: 0, pattern: p.as_str().to_string(), set_by: actor.username.clone(), set_at: now.0 };
                    ex.txn.append(Row::new(row.clone()), now, actor, "docflow.pattern.set").await?;
                    config.pattern = Some(row);
                }
                Ok(_) => {}
            }
        }
        for (i, (code, name)) in setup.units.iter().enumerate() {
            if code.trim().is_empty() || name.trim().is_empty() || code.contains(char::is_whitespace) {
                errors.push(FieldError::new("docflow.unit.invalid", format!("units[{i}]"), "a unit has a code without spaces and a name"));
            } else if config.unit(code).is_none() {
                let row = UnitRow { id: 0, code: code.clone(), name: name.trim().to_string(), created_at: now.0 };
                ex.txn.append(Row::new(row.clone()), now, actor, "docflow.unit.added").await?;
                config.units.push(row);
            }
        }
        for (i, (mark, title, years)) in setup.classes.iter().enumerate() {
            if !(1..=49).contains(mark) || title.trim().is_empty() || years.is_some_and(|y| y < 1) {
                errors.push(FieldError::new(
                    "docflow.class.invalid",
                    format!("classes[{i}]"),
                    "a class has a mark 01–49, a title and a retention of at least a year",
                ));
            } else if config.class(*mark).is_none() {
                let row = ClassRow { id: 0, mark: *mark, title: title.trim().to_string(), retention_years: *years, created_at: now.0 };
                ex.txn.append(Row::new(row.clone()), now, actor, "docflow.class.added").await?;
                config.classes.push(row);
            }
        }
        for (i, t) in setup.case_types.iter().enumerate() {
            let field = format!("case_types[{i}]");
            if t.code.trim().is_empty() || t.title.trim().is_empty() || t.term.days() == 0 {
                errors.push(FieldError::new("docflow.case_type.invalid", field, "a kind of case has a code, a title and a deadline"));
            } else if config.class(t.class).is_none() {
                errors.push(FieldError::new(
                    "docflow.class.unknown",
                    format!("{field}.class"),
                    format!("there is no class {:02}", t.class),
                ));
            } else if config.unit(&t.unit).is_none() {
                errors.push(FieldError::new("docflow.unit.unknown", format!("{field}.unit"), format!("there is no unit {:?}", t.unit)));
            } else if config.case_type(&t.code).is_none() {
                let (term_kind, term_days) = match t.term {
                    Term::Direct => ("direct", 30),
                    Term::Examination => ("examination", 60),
                    Term::Special { days } => ("special", i64::from(days)),
                };
                let row = CaseTypeRow {
                    id: 0,
                    code: t.code.clone(),
                    title: t.title.trim().to_string(),
                    book: t.book.as_str().into(),
                    class: t.class,
                    term_kind: term_kind.into(),
                    term_days,
                    unit_code: t.unit.clone(),
                    created_at: now.0,
                };
                ex.txn.append(Row::new(row.clone()), now, actor, "docflow.case_type.added").await?;
                config.case_types.push(row);
            }
        }
        for (i, (username, unit)) in setup.staff.iter().enumerate() {
            if config.unit(unit).is_none() {
                errors.push(FieldError::new("docflow.unit.unknown", format!("staff[{i}]"), format!("there is no unit {unit:?}")));
            } else if ex.txn.reader().await?.user(username).await?.is_none() {
                errors.push(FieldError::new("docflow.staff.user", format!("staff[{i}]"), format!("there is no user {username:?}")));
            } else if config.unit_of(username) != Some(unit.as_str()) {
                let row = StaffRow { id: 0, username: username.clone(), unit_code: unit.clone(), since: now.0 };
                ex.txn.append(Row::new(row.clone()), now, actor, "docflow.staff.placed").await?;
                config.staff.retain(|s| &s.username != username);
                config.staff.push(row);
            }
        }
        if !errors.is_empty() {
            ex.rollback().await?;
            return Ok(Err(Refusal { errors }));
        }
        ex.commit().await?;
        Ok(Ok(()))
    }

    /// Keeps a file and enters it in its case (a new version when it replaces one). The
    /// file is written to the object store first, so an acknowledged attachment always has
    /// its content; a file whose row was refused stays unreferenced (content-addressed, it
    /// costs nothing when it comes again).
    pub async fn attach(
        &self,
        actor: &Actor,
        case_id: i64,
        upload: Upload,
        media_type: &str,
        content: bytes::Bytes,
    ) -> Result<std::result::Result<(CaseRow, AttachmentRow), Refusal>> {
        if let Err(r) = check_upload(&upload, content.len()) {
            return Ok(Err(r));
        }
        // Whose case it is is checked again when the row is written; checked here too so
        // that a stranger's upload is not kept first.
        if let Err(refused) = self.case_for(actor, case_id, CaseUse::Work).await? {
            return Ok(Err(refused));
        }
        let files = self.files().ok_or_else(|| StoreError::Files("the node has no place for files configured".into()))?;
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        let deletions = self.deletions().load(std::sync::atomic::Ordering::SeqCst);
        let sha256 = files.put(content.clone()).await?;
        let media_type = if media_type.trim().is_empty() { "application/octet-stream".to_string() } else { media_type.trim().to_string() };
        let file = KeptFile { upload, media_type, size, sha256 };
        match self.docflow(actor, DocOp::Attach { case_id, file: Box::new(file) }).await? {
            Ok(DocDone::Attached { case, attachment }) => {
                // A disposal that ran meanwhile may have removed this very content (it was
                // kept already for a destroyed case): put it back.
                if self.deletions().load(std::sync::atomic::Ordering::SeqCst) != deletions {
                    files.put(content).await?;
                }
                Ok(Ok((*case, attachment)))
            }
            Ok(other) => Err(StoreError::corrupt("attachments", 0, format!("unexpected answer {other:?}"))),
            Err(r) => Ok(Err(r)),
        }
    }

    /// A request a citizen sends from the portal: only from an account verified at the
    /// counter (the party is who the counter saw), and not an appeal (which names the decided
    /// case and is lodged at the counter or by post). Returns the case and its access code.
    pub async fn submit_online(
        &self,
        citizen: &crate::citizens::Citizen,
        submission: &OnlineSubmission,
    ) -> Result<std::result::Result<(CaseRow, String), Refusal>> {
        let Some(verified) = &citizen.verification else {
            return Ok(Err(Refusal::one(FieldError::general(
                "docflow.portal.unverified",
                "requests are submitted online from an account verified at a counter",
            ))));
        };
        let config = self.backend().reads().docflow_config().await?;
        if config.case_type(&submission.case_type).is_some_and(|t| t.book == Book::UpII.as_str()) {
            return Ok(Err(Refusal::one(FieldError::new(
                "docflow.portal.kind",
                "case_type",
                "an appeal is lodged at the counter or by post, naming the decided case",
            ))));
        }
        let intake = Intake {
            case_type: submission.case_type.clone(),
            channel: "portal".into(),
            party: Party {
                name: citizen.account.full_name.clone(),
                jmbg: Some(verified.jmbg.clone()),
                address: submission.address.clone(),
                contact: Some(citizen.account.email.clone()),
            },
            subject: submission.subject.clone(),
            received_on: self.today(),
            appeal_of: None,
        };
        let portal = Actor::system("portal");
        match self.docflow(&portal, DocOp::Submit(Box::new(intake))).await? {
            Ok(DocDone::Opened { case, access_code, .. }) => Ok(Ok((*case, access_code))),
            Ok(other) => Err(StoreError::corrupt("cases", 0, format!("unexpected answer {other:?}"))),
            Err(r) => Ok(Err(r)),
        }
    }

    /// A file's content, checked against its hash.
    pub async fn attachment_content(&self, attachment: &AttachmentRow) -> Result<bytes::Bytes> {
        let files = self.files().ok_or_else(|| StoreError::Files("the node has no place for files configured".into()))?;
        files.get(&attachment.sha256).await
    }

    /// A case as the public may see it: the number and its access code must both match, and
    /// nothing says which one did not.
    pub async fn track(&self, number: &str, code: &str) -> Result<Option<(CaseRow, Vec<CaseEventRow>)>> {
        let hash = access_hash(code);
        // As typed, then as printed (the books' letters are capitals; spaces are not part of
        // a number): "up-i-01/1-25-3 /26" finds UP-I-01/1-25-3/26.
        let typed: String = number.chars().filter(|c| !c.is_whitespace()).collect();
        let mut numbered = self.backend().reads().cases_numbered(&typed).await?;
        if numbered.is_empty() && typed.to_uppercase() != typed {
            numbered = self.backend().reads().cases_numbered(&typed.to_uppercase()).await?;
        }
        let found = numbered.into_iter().find(|c| c.access_hash == hash);
        match found {
            Some(case) => {
                let events = self.backend().reads().case_events(case.id).await?;
                Ok(Some((case, events)))
            }
            None => Ok(None),
        }
    }
}
