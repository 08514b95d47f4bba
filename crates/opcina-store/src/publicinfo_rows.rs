//! Rows of the public-information context: the website's pieces (rewritten, journaled, at
//! each step), their texts (every version kept) and the steps of their workflow.

use opcina_core::publicinfo::attachment::FileKind;
use opcina_core::publicinfo::desk::{AccreditationKind, AccreditationState, QuestionState};
use opcina_core::publicinfo::information::{AccessForm, DecisionKind, Requester};
use opcina_core::publicinfo::message::{MessageKind, MessageState};
use opcina_core::publicinfo::piece::{PieceAction, PieceKind, PieceState};
use opcina_core::publicinfo::report::ReportState;
use serde::Serialize;

use crate::table::Table;
use crate::{code_column, table_row};

/// A piece as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PieceRow {
    pub id: i64,
    /// Its address on the website, from its first title; kept for good.
    pub slug: String,
    pub kind: PieceKind,
    pub state: PieceState,
    /// Empty for none.
    pub category: String,
    pub category_key: String,
    /// Tags as written, joined with `, `.
    pub tags: String,
    /// `|key|key|`.
    pub tag_keys: String,
    /// The local community it concerns; empty for the whole municipality.
    pub local_community: String,
    pub local_community_key: String,
    /// An act's number in the official gazette.
    pub gazette: Option<String>,
    /// A public call's last day (`YYYY-MM-DD`).
    pub closes_on: Option<String>,
    /// Who created it.
    pub author: String,
    /// When the public sees it (microseconds): set when it is published; until then (an
    /// embargo) nothing of it is shown.
    pub publish_at: Option<i64>,
    /// Its last correction after publication.
    pub corrected_at: Option<i64>,
    /// Why it was withdrawn.
    pub unpublished_reason: Option<String>,
    pub created_at: i64,
    pub changed_at: i64,
}

impl PieceRow {
    /// The tags as a list.
    pub fn tag_list(&self) -> Vec<String> {
        self.tags.split(", ").filter(|t| !t.is_empty()).map(str::to_string).collect()
    }

    /// A public call's last day.
    pub fn closes(&self) -> Option<chrono::NaiveDate> {
        self.closes_on.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }
}

/// One version of a piece's text in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PieceTextRow {
    pub id: i64,
    pub piece_id: i64,
    /// `bs`, `hr`, `sr` or `en`.
    pub language: String,
    pub title: String,
    pub summary: String,
    /// Paragraphs separated by an empty line.
    pub body: String,
    pub written_by: String,
    pub written_at: i64,
}

/// A step of a piece's workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PieceStepRow {
    pub id: i64,
    pub piece_id: i64,
    pub action: PieceAction,
    /// The state it led to.
    pub state: PieceState,
    pub actor: String,
    /// Why (a return, a correction, a withdrawal); empty otherwise.
    pub reason: String,
    pub at: i64,
}

/// A media house or journalist on the media list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MediaContactRow {
    pub id: i64,
    pub outlet: String,
    pub name: String,
    /// Lowercase; one entry per address.
    pub email: String,
    /// Topics as written, joined with `, `; empty for everything.
    pub beats: String,
    /// `|key|key|`.
    pub beat_keys: String,
    /// `bs`, `hr`, `sr` or `en`.
    pub language: String,
    /// `latin` or `cyrillic`.
    pub script: String,
    pub active: bool,
    /// The token of the link that takes the contact off the list (never shown to staff).
    #[serde(skip)]
    pub unsubscribe_token: String,
    /// When the contact left the list by that link.
    pub unsubscribed_at: Option<i64>,
    pub created_at: i64,
    pub changed_at: i64,
}

/// A press release: a piece sent to the media list (or to those following one topic). Its
/// messages are written to the mail outbox once the piece is visible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DistributionRow {
    pub id: i64,
    pub piece_id: i64,
    /// A topic's key; empty for everyone on the list.
    pub beat: String,
    pub requested_by: String,
    pub requested_at: i64,
    /// When its messages were written to the outbox.
    pub queued_at: Option<i64>,
    /// How many messages.
    pub recipients: i64,
}

/// The public-information tables, parents first.
pub const TABLES: &[Table] = &[
    Table::mutable::<PieceRow>(),
    Table::append_only::<PieceTextRow>(),
    Table::append_only::<PieceStepRow>(),
    Table::mutable::<MediaContactRow>(),
    Table::mutable::<DistributionRow>(),
    Table::mutable::<CitizenMessageRow>(),
    Table::mutable::<ReportRouteRow>(),
    Table::mutable::<Open311ClientRow>(),
    Table::mutable::<ReportRow>(),
    Table::append_only::<ReportStepRow>(),
    Table::mutable::<PressQuestionRow>(),
    Table::append_only::<AnswerTermRow>(),
    Table::mutable::<AccreditationRow>(),
    Table::append_only::<InformationRequestRow>(),
    Table::append_only::<InformationDecisionRow>(),
    Table::mutable::<PieceFileRow>(),
];

/// A file a piece carries (or carried, once taken off it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PieceFileRow {
    pub id: i64,
    pub piece_id: i64,
    /// The name readers download it under.
    pub name: String,
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    /// What an image shows, in words (empty for a document).
    pub alt: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
    pub removed_by: Option<String>,
    pub removed_at: Option<i64>,
}

/// What a request for information made on the website adds to its case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InformationRequestRow {
    pub id: i64,
    pub case_id: i64,
    pub requester: Requester,
    pub access: AccessForm,
    pub email: Option<String>,
    /// The language of the page it came from: the decision's e-mail is written in it.
    pub language: String,
    /// The information asked for, as written.
    pub information: String,
    pub received_at: i64,
}

/// The decision on a request for information, entered with the case's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InformationDecisionRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: DecisionKind,
    /// The exemptions' codes, comma-separated, in order (empty when none).
    pub exemptions: String,
    pub reasons: String,
    pub public_interest: String,
    pub given: String,
    pub forwarded_to: Option<String>,
    pub appeal_to: Option<String>,
    pub decided_on: String,
    pub decided_by: String,
    pub decided_at: i64,
}

/// A journalist's accreditation: requested, then granted, refused, or revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AccreditationRow {
    pub id: i64,
    /// `A-2026-00042`.
    pub number: String,
    pub year: i64,
    pub serial: i64,
    pub outlet: String,
    pub name: String,
    pub email: String,
    /// The language of the page it came from: the decision's e-mail is written in it.
    pub language: String,
    pub kind: AccreditationKind,
    /// The event, for an event's accreditation (empty for the year's).
    pub event: String,
    pub state: AccreditationState,
    pub requested_on: String,
    /// The last day it is valid (the event's day, or the year's last).
    pub valid_until: String,
    /// Why it was refused or revoked (empty otherwise).
    pub reason: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub requested_at: i64,
}

/// A journalist's question at the desk and, once given, its assignment and reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PressQuestionRow {
    pub id: i64,
    /// `N-2026-00042`.
    pub number: String,
    pub year: i64,
    pub serial: i64,
    /// `web` (the journalists' form) or `desk` (taken down by the PR officer).
    pub channel: String,
    pub outlet: String,
    pub name: String,
    pub email: String,
    /// The language of the page it came from: the reply's e-mail is framed in it.
    pub language: String,
    pub subject: String,
    pub body: String,
    pub state: QuestionState,
    pub received_on: String,
    /// The day the reply is due.
    pub due_on: String,
    /// The unit that answers, once assigned.
    pub unit_code: Option<String>,
    /// The official of that unit who answers (`None`: the unit as a whole).
    pub assignee: Option<String>,
    pub assigned_by: Option<String>,
    pub reply: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
    pub answered_on: Option<String>,
    pub received_at: i64,
}

/// An answer term the body set (`term_of`: `messages` or `press`): it applies to what is
/// received from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AnswerTermRow {
    pub id: i64,
    pub term_of: String,
    pub days: i64,
    pub set_by: String,
    pub set_at: i64,
}

/// A citizen's message (question, suggestion, complaint) and, once given, its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CitizenMessageRow {
    pub id: i64,
    /// `P-2026-00042`.
    pub number: String,
    pub year: i64,
    pub serial: i64,
    pub kind: MessageKind,
    /// The unit it is for.
    pub unit_code: String,
    /// `web` or `counter`.
    pub channel: String,
    pub name: String,
    pub email: Option<String>,
    /// The language of the page it came from (`bs`, `hr`, `sr`, `sr-cyrl`, `en`).
    pub language: String,
    pub subject: String,
    pub body: String,
    /// The citizen agreed to its publication with the answer (without name and address).
    pub publish: bool,
    #[serde(skip)]
    pub access_hash: Vec<u8>,
    pub state: MessageState,
    pub received_on: String,
    /// The day the answer is due.
    pub due_on: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
    pub received_at: i64,
}

/// Which unit takes a category's reports in a local community (`local_community_key`
/// empty: anywhere no other route names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReportRouteRow {
    pub id: i64,
    pub category: String,
    pub local_community_key: String,
    pub unit_code: String,
    pub set_by: String,
    pub set_at: i64,
}

/// A client allowed to post reports through Open311 (its key kept only as its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Open311ClientRow {
    pub id: i64,
    pub name: String,
    #[serde(skip)]
    pub key_hash: Vec<u8>,
    pub active: bool,
    pub created_by: String,
    pub created_at: i64,
}

/// A report of a communal problem as it stands (rewritten, journaled, at each change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub id: i64,
    /// `K-2026-00042`: also its Open311 `service_request_id`.
    pub number: String,
    pub year: i64,
    pub serial: i64,
    /// The category's code (the Open311 service code).
    pub category: String,
    pub state: ReportState,
    /// The unit it was routed to.
    pub unit_code: String,
    /// `web`, `counter` or `open311:<client>`.
    pub channel: String,
    pub description: String,
    pub local_community: String,
    pub local_community_key: String,
    pub address: String,
    /// Millionths of a degree (WGS 84), when the reporter gave the point.
    pub lat_e6: Option<i64>,
    pub lon_e6: Option<i64>,
    /// The category's attributes, `code=value` per line.
    pub attributes: String,
    /// The reporter (never shown to the public).
    #[serde(skip)]
    pub name: String,
    #[serde(skip)]
    pub email: Option<String>,
    /// The language the reporter's e-mails are written in.
    pub language: String,
    #[serde(skip)]
    pub access_hash: Vec<u8>,
    /// The Open311 token of the submission.
    #[serde(skip)]
    pub token: String,
    /// The body responsible, when it is not the municipality.
    pub responsible_body: Option<String>,
    pub received_at: i64,
    pub changed_at: i64,
}

/// A change to a report: its state after it, the note, who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReportStepRow {
    pub id: i64,
    pub report_id: i64,
    pub state: ReportState,
    pub note: String,
    pub body: Option<String>,
    /// The official's username; empty when the reporter made it.
    pub actor: String,
    pub by_reporter: bool,
    pub at: i64,
}

code_column!(
    PieceKind,
    PieceState,
    PieceAction,
    MessageKind,
    MessageState,
    ReportState,
    QuestionState,
    AccreditationKind,
    AccreditationState,
    Requester,
    AccessForm,
    DecisionKind,
    FileKind
);

table_row!(
    PieceRow,
    "pieces",
    [
        id,
        slug,
        kind,
        state,
        category,
        category_key,
        tags,
        tag_keys,
        local_community,
        local_community_key,
        gazette,
        closes_on,
        author,
        publish_at,
        corrected_at,
        unpublished_reason,
        created_at,
        changed_at
    ]
);
table_row!(PieceTextRow, "piece_texts", [id, piece_id, language, title, summary, body, written_by, written_at]);
table_row!(PieceStepRow, "piece_steps", [id, piece_id, action, state, actor, reason, at]);
table_row!(
    MediaContactRow,
    "media_contacts",
    [id, outlet, name, email, beats, beat_keys, language, script, active, unsubscribe_token, unsubscribed_at, created_at, changed_at]
);
table_row!(DistributionRow, "press_distributions", [id, piece_id, beat, requested_by, requested_at, queued_at, recipients]);
table_row!(
    CitizenMessageRow,
    "citizen_messages",
    [
        id,
        number,
        year,
        serial,
        kind,
        unit_code,
        channel,
        name,
        email,
        language,
        subject,
        body,
        publish,
        access_hash,
        state,
        received_on,
        due_on,
        answer,
        answered_by,
        answered_at,
        received_at
    ]
);
table_row!(ReportRouteRow, "report_routes", [id, category, local_community_key, unit_code, set_by, set_at]);
table_row!(Open311ClientRow, "open311_clients", [id, name, key_hash, active, created_by, created_at]);
table_row!(
    ReportRow,
    "reports",
    [
        id,
        number,
        year,
        serial,
        category,
        state,
        unit_code,
        channel,
        description,
        local_community,
        local_community_key,
        address,
        lat_e6,
        lon_e6,
        attributes,
        name,
        email,
        language,
        access_hash,
        token,
        responsible_body,
        received_at,
        changed_at
    ]
);
table_row!(ReportStepRow, "report_steps", [id, report_id, state, note, body, actor, by_reporter, at]);
table_row!(
    PressQuestionRow,
    "press_questions",
    [
        id,
        number,
        year,
        serial,
        channel,
        outlet,
        name,
        email,
        language,
        subject,
        body,
        state,
        received_on,
        due_on,
        unit_code,
        assignee,
        assigned_by,
        reply,
        answered_by,
        answered_at,
        answered_on,
        received_at
    ]
);
table_row!(AnswerTermRow, "answer_terms", [id, term_of, days, set_by, set_at]);
table_row!(
    AccreditationRow,
    "press_accreditations",
    [
        id,
        number,
        year,
        serial,
        outlet,
        name,
        email,
        language,
        kind,
        event,
        state,
        requested_on,
        valid_until,
        reason,
        decided_by,
        decided_at,
        requested_at
    ]
);
table_row!(InformationRequestRow, "information_requests", [id, case_id, requester, access, email, language, information, received_at]);
table_row!(
    InformationDecisionRow,
    "information_decisions",
    [id, case_id, kind, exemptions, reasons, public_interest, given, forwarded_to, appeal_to, decided_on, decided_by, decided_at]
);
table_row!(PieceFileRow, "piece_files", [id, piece_id, name, kind, size, sha256, alt, uploaded_by, uploaded_at, removed_by, removed_at]);
