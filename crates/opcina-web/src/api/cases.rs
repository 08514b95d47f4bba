//! The document flow's JSON API: the protocol books and their configuration, cases (open,
//! list, read, take a step, file a later record), the on-time rate, and the public tracking
//! of a case by its number and access code.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use opcina_core::docflow::case::{CaseAction, CaseState};
use opcina_core::registry::Role;
use opcina_store::docflow::{DocDone, DocOp, Filing, Intake, Upload};
use opcina_store::rows::{
    AttachmentRow, CaseEventRow, CaseQuery, CaseRow, CaseTypeRow, ClassRow, DocflowConfig, OnTimeRow, RecordRow, StaffRow, UnitRow,
};
use serde::{Deserialize, Serialize};

use super::log_reads;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Body;

/// Staff who work with the books and cases.
pub const STAFF: [Role; 3] = [Role::CounterClerk, Role::Registrar, Role::Official];
/// Who reads the on-time rate: staff, and auditors preparing a review.
const REVIEWERS: [Role; 4] = [Role::CounterClerk, Role::Registrar, Role::Official, Role::Auditor];
/// Most cases or records in one page.
const MAX_PAGE: i64 = 200;
/// "Due soon": within this many days.
pub const DUE_SOON_DAYS: i64 = 7;

/// The books' configuration: the registry-number pattern, units and who works in them, the
/// classification plan and the kinds of case.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProtocolConfig {
    pub pattern: Option<String>,
    pub units: Vec<UnitRow>,
    pub staff: Vec<StaffRow>,
    pub classes: Vec<ClassRow>,
    pub case_types: Vec<CaseTypeRow>,
}

impl From<DocflowConfig> for ProtocolConfig {
    fn from(c: DocflowConfig) -> Self {
        ProtocolConfig {
            pattern: c.pattern.map(|p| p.pattern),
            units: c.units,
            staff: c.staff,
            classes: c.classes,
            case_types: c.case_types,
        }
    }
}

/// The document flow's configuration.
#[utoipa::path(get, path = "/api/v1/protocol/config", tag = "cases", security(("bearer" = [])),
    responses((status = 200, body = ProtocolConfig), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn config(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<ProtocolConfig>> {
    caller.require(&REVIEWERS, "read the books' configuration")?;
    Ok(Json(state.store.backend().docflow_config().await?.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookQuery {
    /// `djelovodnik`, `up_i` or `up_ii`.
    pub book: String,
    pub unit: String,
    pub year: i64,
    /// The `next` of the previous page.
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordPage {
    pub items: Vec<RecordRow>,
    /// Pass as `after` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

fn limit(asked: Option<i64>) -> i64 {
    asked.unwrap_or(50).clamp(1, MAX_PAGE)
}

fn bad_cursor() -> ApiError {
    ApiError::bad_request("request.cursor", "after", "not a cursor this list gave out")
}

/// A protocol book of a unit and year, in the order of its numbers (serial, then sub-number).
#[utoipa::path(get, path = "/api/v1/protocol/records", tag = "cases", params(BookQuery), security(("bearer" = [])),
    responses((status = 200, body = RecordPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn records(State(state): State<AppState>, caller: Caller, Query(q): Query<BookQuery>) -> ApiResult<Json<RecordPage>> {
    caller.require(&REVIEWERS, "read the protocol books")?;
    let after = match q.after.as_deref() {
        None => None,
        Some(a) => {
            let (serial, sub) = a.split_once('.').ok_or_else(bad_cursor)?;
            Some((serial.parse().map_err(|_| bad_cursor())?, sub.parse().map_err(|_| bad_cursor())?))
        }
    };
    let limit = limit(q.limit);
    let items = state.store.backend().protocol_page(&q.book, &q.unit, q.year, after, limit).await?;
    let next = (items.len() as i64 == limit).then(|| items.last().map(|r| format!("{}.{}", r.serial, r.sub))).flatten();
    Ok(Json(RecordPage { items, next }))
}

/// A case opened: its access code is shown this once, for the receipt.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Opened {
    pub case: CaseRow,
    pub record: RecordRow,
    pub access_code: String,
    /// Where the party follows the case (the receipt's QR code).
    pub tracking: String,
}

/// The public tracking link of a case.
pub fn tracking_link(number: &str, code: &str) -> String {
    format!("/track?{}", serde_urlencoded::to_string([("number", number), ("code", code)]).unwrap_or_default())
}

/// Register a submission in its book and open a case (the kind of case gives the book, the
/// unit, the class and the legal deadline).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = Intake, security(("bearer" = [])),
    responses((status = 201, body = Opened), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open(State(state): State<AppState>, caller: Caller, Body(intake): Body<Intake>) -> ApiResult<Response> {
    match state.store.docflow(&caller.actor, DocOp::Open(Box::new(intake))).await?? {
        DocDone::Opened { case, record, access_code } => {
            let tracking = tracking_link(&case.number, &access_code);
            let location = format!("/api/v1/cases/{}", case.id);
            let mut response = (StatusCode::CREATED, Json(Opened { case: *case, record, access_code, tracking })).into_response();
            if let Ok(l) = location.parse() {
                response.headers_mut().insert(header::LOCATION, l);
            }
            Ok(response)
        }
        other => Err(ApiError::internal(format!("unexpected answer to an intake: {other:?}"))),
    }
}

/// A new access code, shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reissued {
    pub case: CaseRow,
    pub access_code: String,
    /// Where the party follows the case with the new code.
    pub tracking: String,
}

/// A new access code for a party who lost the receipt (given at the counter after seeing
/// an identity document): the old code stops working.
#[utoipa::path(post, path = "/api/v1/cases/{id}/access-code", tag = "cases", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 201, body = Reissued), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reissue(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    match state.store.docflow(&caller.actor, DocOp::Reissue { case_id: id }).await?? {
        DocDone::Reissued { case, access_code } => {
            let tracking = tracking_link(&case.number, &access_code);
            Ok((StatusCode::CREATED, Json(Reissued { case: *case, access_code, tracking })).into_response())
        }
        other => Err(ApiError::internal(format!("unexpected answer to a reissue: {other:?}"))),
    }
}

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Not yet decided (registered, in work, waiting for the party).
    #[default]
    Pending,
    /// Undecided and due within a week (overdue ones first).
    DueSoon,
    /// Undecided past their legal deadline (not counting those waiting for the party).
    Overdue,
    Waiting,
    /// Decided, not yet delivered.
    Decided,
    Delivered,
    Closed,
}

impl View {
    pub const ALL: [View; 7] = [View::Pending, View::DueSoon, View::Overdue, View::Waiting, View::Decided, View::Delivered, View::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Pending => "pending",
            View::DueSoon => "due_soon",
            View::Overdue => "overdue",
            View::Waiting => "waiting",
            View::Decided => "decided",
            View::Delivered => "delivered",
            View::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The states shown and the last due date, as of `today`.
    pub fn query(self, today: NaiveDate) -> (Vec<CaseState>, Option<NaiveDate>) {
        use CaseState as S;
        match self {
            View::Pending => (vec![S::Registered, S::InWork, S::Waiting], None),
            View::DueSoon => (vec![S::Registered, S::InWork], Some(today + Duration::days(DUE_SOON_DAYS))),
            View::Overdue => (vec![S::Registered, S::InWork], Some(today - Duration::days(1))),
            View::Waiting => (vec![S::Waiting], None),
            View::Decided => (vec![S::Decided, S::Dispatched], None),
            View::Delivered => (vec![S::Delivered], None),
            View::Closed => (vec![S::Closed, S::Joined, S::Archived], None),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[param(inline)]
    pub view: Option<View>,
    /// Cases held by this unit.
    pub unit: Option<String>,
    /// Cases held by this official.
    pub official: Option<String>,
    /// Only the caller's own cases.
    pub mine: Option<bool>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Builds the store's query for a list.
pub fn case_query(
    view: View,
    unit: Option<String>,
    official: Option<String>,
    after: Option<&str>,
    limit: i64,
    today: NaiveDate,
) -> ApiResult<CaseQuery> {
    let (states, due_by) = view.query(today);
    let after = match after {
        None => None,
        Some(a) => {
            let (due, id) = a.split_once('~').ok_or_else(bad_cursor)?;
            NaiveDate::parse_from_str(due, "%Y-%m-%d").map_err(|_| bad_cursor())?;
            Some((due.to_string(), id.parse().map_err(|_| bad_cursor())?))
        }
    };
    Ok(CaseQuery {
        states: states.iter().map(|s| s.as_str().to_string()).collect(),
        unit: unit.filter(|u| !u.is_empty()),
        official: official.filter(|o| !o.is_empty()),
        due_by: due_by.map(|d| d.format("%Y-%m-%d").to_string()),
        after,
        limit,
    })
}

/// The cursor after a page (absent when the page was not full).
pub fn next_cursor(items: &[CaseRow], limit: i64) -> Option<String> {
    (items.len() as i64 == limit).then(|| items.last().map(|c| format!("{}~{}", c.due_on, c.id))).flatten()
}

/// Cases in due-date order, a page at a time (keyset pagination).
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = CasePage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult<Json<CasePage>> {
    caller.require(&REVIEWERS, "list cases")?;
    let official = if q.mine == Some(true) { Some(caller.actor.username.clone()) } else { q.official };
    let limit = limit(q.limit);
    let query = case_query(q.view.unwrap_or_default(), q.unit, official, q.after.as_deref(), limit, state.store.today())?;
    let mut items = state.store.backend().cases_page(&query).await?;
    // A work list names the parties; their JMBG and contact are read in the case's file,
    // where the read is logged.
    for case in &mut items {
        case.party_jmbg = None;
        case.party_contact = None;
    }
    let next = next_cursor(&items, limit);
    Ok(Json(CasePage { items, next }))
}

/// A case's file: the case, every step of it, its records.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseFile {
    pub case: CaseRow,
    pub events: Vec<CaseEventRow>,
    pub records: Vec<RecordRow>,
}

/// Reads a case's file; a read of a case whose party is named by JMBG is logged.
pub async fn case_file(state: &AppState, caller: &Caller, id: i64) -> ApiResult<CaseFile> {
    caller.require(&STAFF, "read cases")?;
    let backend = state.store.backend();
    let case = backend.case(id).await?.ok_or_else(|| ApiError::not_found("docflow.case.not_found", format!("there is no case {id}")))?;
    if let Some(jmbg) = &case.party_jmbg {
        log_reads(state, caller, &[jmbg.as_str()], None, "case.view", "rad na predmetu", Some(&case.number)).await?;
    }
    let events = backend.case_events(id).await?;
    let records = backend.case_records(id).await?;
    Ok(CaseFile { case, events, records })
}

/// A case with its steps and records.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 200, body = CaseFile), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<CaseFile>> {
    Ok(Json(case_file(&state, &caller, id).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Stepped {
    pub case: CaseRow,
    pub event: CaseEventRow,
    /// The act registered with the step (a decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordRow>,
}

/// Take a step in a case: hand it over, wait for the party, return it for completion,
/// resume, join it to another case, decide, dispatch, record the delivery, close it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/steps", tag = "cases", params(("id" = i64, Path, description = "Case id")), request_body = CaseAction,
    security(("bearer" = [])), responses((status = 200, body = Stepped), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn take_step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(action): Body<CaseAction>,
) -> ApiResult<Json<Stepped>> {
    match state.store.docflow(&caller.actor, DocOp::Step { case_id: id, action: Box::new(action) }).await?? {
        DocDone::Stepped { case, event, record } => Ok(Json(Stepped { case: *case, event, record })),
        other => Err(ApiError::internal(format!("unexpected answer to a step: {other:?}"))),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Filed {
    pub case: CaseRow,
    pub record: RecordRow,
}

/// Enter a later record in a case (the party's completion, a letter, a correction) under
/// the case's next sub-number.
#[utoipa::path(post, path = "/api/v1/cases/{id}/records", tag = "cases", params(("id" = i64, Path, description = "Case id")), request_body = Filing,
    security(("bearer" = [])), responses((status = 201, body = Filed), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn file(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>, Body(filing): Body<Filing>) -> ApiResult<Response> {
    match state.store.docflow(&caller.actor, DocOp::File { case_id: id, filing: Box::new(filing) }).await?? {
        DocDone::Filed { case, record } => Ok((StatusCode::CREATED, Json(Filed { case: *case, record })).into_response()),
        other => Err(ApiError::internal(format!("unexpected answer to a filing: {other:?}"))),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    pub from: NaiveDate,
    /// Last day, `YYYY-MM-DD`.
    pub to: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OnTimeList {
    pub items: Vec<OnTimeRow>,
}

/// Cases decided in a period per kind of case and unit, and how many within the deadline.
#[utoipa::path(get, path = "/api/v1/cases/on-time", tag = "cases", params(Period), security(("bearer" = [])),
    responses((status = 200, body = OnTimeList), (status = 403, body = ErrorBody)))]
pub async fn on_time(State(state): State<AppState>, caller: Caller, Query(p): Query<Period>) -> ApiResult<Json<OnTimeList>> {
    caller.require(&REVIEWERS, "read the on-time rate")?;
    let items = state.store.backend().on_time(&p.from.format("%Y-%m-%d").to_string(), &p.to.format("%Y-%m-%d").to_string()).await?;
    Ok(Json(OnTimeList { items }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrackQuery {
    /// The case's registry number as printed on the receipt.
    pub number: String,
    /// The access code printed on the receipt.
    pub code: String,
}

/// A step of a case as the public sees it: what happened, when, and at which unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackStep {
    pub on: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// What the party sees of its case — and nothing more: no names, no contents.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tracking {
    pub number: String,
    pub state: CaseState,
    /// The unit holding the case (its name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub opened_on: String,
    /// The legal deadline in days.
    pub term_days: i64,
    /// The due date as it stands (until the case is decided).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    /// Days left until the due date (negative when overdue); while the case waits for the
    /// party, the days that will remain when the clock runs again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Waiting for the party since this day (the clock stands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<String>,
    /// Documents the party was asked to bring.
    pub missing: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatched_on: Option<String>,
    /// `post`, `in_person` or `electronic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    pub steps: Vec<TrackStep>,
    /// Where to download the decision, when it was delivered electronically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

fn day_of(micros: i64) -> String {
    opcina_core::registry::Timestamp(micros).to_datetime().with_timezone(&chrono::Local).format("%Y-%m-%d").to_string()
}

/// The public view of a case.
pub fn tracking(case: &CaseRow, events: &[CaseEventRow], config: &DocflowConfig, today: NaiveDate) -> Tracking {
    let unit_name = |code: &str| config.unit(code).map_or_else(|| code.to_string(), |u| u.name.clone());
    let state = CaseState::parse(&case.state).unwrap_or(CaseState::Registered);
    let due = NaiveDate::parse_from_str(&case.due_on, "%Y-%m-%d").ok();
    let since = case.paused_since.as_deref().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let days_left = match (state.pending(), due, since) {
        (false, ..) => None,
        (true, Some(due), Some(since)) => Some((due - since).num_days()),
        (true, Some(due), None) => Some((due - today).num_days()),
        (true, None, _) => None,
    };
    let public = [
        "registered",
        "hand_over",
        "wait_for_party",
        "return_for_completion",
        "resume",
        "join",
        "decide",
        "dispatch",
        "deliver",
        "close",
        "appealed",
        "archive",
    ];
    let steps = events
        .iter()
        .filter(|e| public.contains(&e.kind.as_str()))
        .map(|e| TrackStep { on: day_of(e.at), kind: e.kind.clone(), unit: e.unit_code.as_deref().map(unit_name) })
        .collect();
    Tracking {
        number: case.number.clone(),
        state,
        unit: case.holder_unit.as_deref().or(Some(case.unit_code.as_str())).map(unit_name),
        opened_on: case.opened_on.clone(),
        term_days: case.term_days,
        due_on: state.pending().then(|| case.due_on.clone()),
        days_left,
        waiting_since: case.paused_since.clone(),
        missing: case.missing.as_deref().and_then(|m| serde_json::from_str(m).ok()).unwrap_or_default(),
        decided_on: case.decided_on.clone(),
        dispatched_on: case.dispatched_on.clone(),
        dispatch: case.dispatch.clone(),
        delivered_on: case.delivered_on.clone(),
        closed_on: case.closed_on.clone(),
        steps,
        decision: None,
    }
}

/// The public view of a case, found by its number and access code (both from the receipt).
/// Any wrong number or code answers the same 404, so nothing can be learnt by guessing.
pub async fn find_tracking(state: &AppState, number: &str, code: &str) -> ApiResult<Option<Tracking>> {
    match state.store.track(number, code).await? {
        None => Ok(None),
        Some((case, events)) => {
            let config = state.store.backend().docflow_config().await?;
            let mut t = tracking(&case, &events, &config, state.store.today());
            if published_decision(state, &case, &events).await?.is_some() {
                let query = serde_urlencoded::to_string([("number", case.number.as_str()), ("code", code.trim())]).unwrap_or_default();
                t.decision = Some(format!("/api/v1/cases/track/decision?{query}"));
            }
            Ok(Some(t))
        }
    }
}

/// Follow a case with the number and access code from the counter receipt (public).
#[utoipa::path(get, path = "/api/v1/cases/track", tag = "cases", params(TrackQuery),
    responses((status = 200, body = Tracking), (status = 404, body = ErrorBody)))]
pub async fn track(State(state): State<AppState>, Query(q): Query<TrackQuery>) -> ApiResult<Json<Tracking>> {
    find_tracking(&state, &q.number, &q.code)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("docflow.track.not_found", "no case has this number and access code; check both on the receipt"))
}

/// A case's files.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttachmentList {
    pub items: Vec<AttachmentRow>,
}

/// Adds a file to a case (a scan of the submission, a document, the decision): the body is
/// the file, its type the `Content-Type`. Content is kept by its SHA-256 and never changed;
/// `replaces` adds a new version of an earlier file.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "cases", params(("id" = i64, Path, description = "Case id"), Upload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), security(("bearer" = [])),
    responses((status = 201, body = AttachmentRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(upload): Query<Upload>,
    headers: HeaderMap,
    content: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Response> {
    let content = content.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "docflow.attachment.too_large",
            format!("a file is at most {} MB", opcina_store::docflow::MAX_FILE_BYTES / (1024 * 1024)),
        )
        .field("file"),
        status => ApiError::new(status, "request.body", rejection.body_text()),
    })?;
    let media_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (_, attachment) = state.store.attach(&caller.actor, id, upload, media_type, content).await??;
    let mut response = (StatusCode::CREATED, Json(attachment.clone())).into_response();
    if let Ok(l) = format!("/api/v1/attachments/{}", attachment.id).parse() {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

/// A case's files, every version, in the order they came.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments", tag = "cases", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 200, body = AttachmentList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attachments(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<AttachmentList>> {
    caller.require(&STAFF, "read cases")?;
    if state.store.backend().case(id).await?.is_none() {
        return Err(ApiError::not_found("docflow.case.not_found", format!("there is no case {id}")));
    }
    Ok(Json(AttachmentList { items: state.store.backend().case_attachments(id).await? }))
}

/// The bytes of a kept file, as a download named as it was sent.
pub fn file_response(attachment: &AttachmentRow, content: Bytes) -> Response {
    let name: String = attachment.name.chars().map(|c| if c == '"' || c.is_control() { '_' } else { c }).collect();
    let ascii: String = name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    let encoded: String =
        serde_urlencoded::to_string([("", name.as_str())]).unwrap_or_default().trim_start_matches('=').replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let etag = format!("\"{}\"", attachment.sha256);
    (
        [
            (header::CONTENT_TYPE, attachment.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::ETAG, etag),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        content,
    )
        .into_response()
}

/// A file of a case (staff; reading the file of a party named by JMBG is logged).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "cases", params(("id" = i64, Path, description = "Attachment id")), security(("bearer" = [])),
    responses((status = 200, description = "The file, with its media type", content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    file_download(&state, &caller, id).await
}

/// A file of a case as a download, for the API and the pages: staff only, refused once the
/// case was destroyed, the read logged when the party is named by JMBG.
pub async fn file_download(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Response> {
    caller.require(&STAFF, "read the files of cases")?;
    let backend = state.store.backend();
    let attachment = backend
        .attachment(id)
        .await?
        .ok_or_else(|| ApiError::not_found("docflow.attachment.not_found", format!("there is no file {id}")))?;
    let case = backend.case(attachment.case_id).await?.ok_or_else(|| ApiError::internal(format!("file {id} has no case")))?;
    super::archive::ensure_kept(state, case.id).await?;
    if let Some(jmbg) = &case.party_jmbg {
        log_reads(state, caller, &[jmbg.as_str()], None, "case.file.read", "rad na predmetu", Some(&case.number)).await?;
    }
    let content = state.store.attachment_content(&attachment).await?;
    Ok(file_response(&attachment, content))
}

/// The decision of a case the party may download: decided, dispatched electronically, and
/// its file kept (the latest version of the file of the decision's record).
pub async fn published_decision(state: &AppState, case: &CaseRow, events: &[CaseEventRow]) -> ApiResult<Option<AttachmentRow>> {
    let sent = matches!(
        CaseState::parse(&case.state),
        Some(CaseState::Dispatched | CaseState::Delivered | CaseState::Closed | CaseState::Archived)
    );
    if !sent || case.dispatch.as_deref() != Some("electronic") {
        return Ok(None);
    }
    let Some(record) = events.iter().rev().find(|e| e.kind == "decide").and_then(|e| e.record_id) else { return Ok(None) };
    let files = state.store.backend().case_attachments(case.id).await?;
    Ok(files.into_iter().filter(|a| a.record_id == Some(record)).max_by_key(|a| (a.version, a.id)))
}

/// The decision of a case delivered electronically, with the number and access code from
/// the receipt (public; any wrong number or code answers the same 404).
#[utoipa::path(get, path = "/api/v1/cases/track/decision", tag = "cases", params(TrackQuery),
    responses((status = 200, description = "The decision", content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn track_decision(State(state): State<AppState>, Query(q): Query<TrackQuery>) -> ApiResult<Response> {
    let none = || ApiError::not_found("docflow.track.not_found", "no decision is published for this number and access code");
    let (case, events) = state.store.track(&q.number, &q.code).await?.ok_or_else(none)?;
    super::archive::ensure_kept(&state, case.id).await.map_err(|_| none())?;
    let attachment = published_decision(&state, &case, &events).await?.ok_or_else(none)?;
    let content = state.store.attachment_content(&attachment).await?;
    Ok(file_response(&attachment, content))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// Words to find (every one must match), with or without diacritics, in either script.
    pub q: String,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentHits {
    pub items: Vec<opcina_search::documents::DocumentHit>,
}

/// The unit whose files a user finds: an official, their unit's; the registry office (which
/// registers everything), all. `Err` for an official placed in no unit.
pub async fn visible_unit(state: &AppState, caller: &Caller) -> ApiResult<Option<String>> {
    if caller.actor.role != Role::Official {
        return Ok(None);
    }
    let config = state.store.backend().docflow_config().await?;
    match config.unit_of(&caller.actor.username) {
        Some(unit) => Ok(Some(unit.to_string())),
        None => Err(ApiError::forbidden("you are not placed in a unit; ask the administrator")),
    }
}

/// Full-text search over the files of cases (their text, their names, the cases' subjects):
/// an official finds the files of the cases their unit holds (a case handed over to another
/// unit goes with it), the registry office all.
#[utoipa::path(get, path = "/api/v1/documents/search", tag = "cases", params(DocumentQuery), security(("bearer" = [])),
    responses((status = 200, body = DocumentHits), (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn search_documents(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DocumentQuery>,
) -> ApiResult<Json<DocumentHits>> {
    caller.require(&STAFF, "search the files of cases")?;
    let scope = match visible_unit(&state, &caller).await? {
        Some(unit) => {
            let (plus, minus) = state.store.backend().handed_across(&unit).await?;
            Some(opcina_search::documents::Scope { unit, plus, minus })
        }
        None => None,
    };
    let index = state.documents.clone().ok_or_else(|| {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "docflow.documents.unavailable", "this node keeps no index of the files of cases")
    })?;
    let limit = usize::try_from(limit(q.limit)).unwrap_or(50);
    let items = tokio::task::spawn_blocking(move || index.search(&q.q, scope.as_ref(), limit)).await.map_err(ApiError::internal)??;
    Ok(Json(DocumentHits { items }))
}
