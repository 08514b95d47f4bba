//! The document flow's JSON API: the protocol books and their configuration, cases (open,
//! list, read, take a step, file a later record), the on-time rate, and the public tracking
//! of a case by its number and access code.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use opcina_core::docflow::case::CaseAction;
use opcina_core::docflow::tracking::Tracking;
use opcina_core::docflow::worklist::View;
use opcina_store::docflow::{DocDone, DocOp, Filing, Intake, Upload};
use opcina_store::rows::{
    AttachmentRow, CaseEventRow, CaseRow, CaseTypeRow, ClassRow, DocflowConfig, OnTimeRow, RecordRow, StaffRow, UnitRow,
};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Caller, REVIEWERS};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Body;
use crate::present::{case_query, file_response, next_cursor, tracking_link, with_decision_link};

/// Most cases or records in one page.
const MAX_PAGE: i64 = 200;

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
    Ok(Json(state.store.docflow_config().await?.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookQuery {
    /// `djelovodnik`, `up_i` or `up_ii`.
    pub book: String,
    pub unit: String,
    pub year: i64,
    /// The `next` of the previous page (`serial.sub-number`).
    #[param(pattern = r"^([0-9]{1,18}\.[0-9]{1,18})?$")]
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
    let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => {
            let (serial, sub) = a.split_once('.').ok_or_else(bad_cursor)?;
            Some((serial.parse().map_err(|_| bad_cursor())?, sub.parse().map_err(|_| bad_cursor())?))
        }
    };
    let limit = limit(q.limit);
    let items = state.store.protocol_page(&caller.actor, &q.book, &q.unit, q.year, after, limit).await??;
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
    /// The `next` of the previous page (`due-date~id`).
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}~[0-9]{1,18})?$")]
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Cases in due-date order, a page at a time (keyset pagination).
#[utoipa::path(get, operation_id = "list_cases", path = "/api/v1/cases", tag = "cases", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = CasePage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult<Json<CasePage>> {
    caller.require(&REVIEWERS, "list cases")?;
    let official = if q.mine == Some(true) { Some(caller.actor.username.clone()) } else { q.official };
    let limit = limit(q.limit);
    let query = case_query(q.view.unwrap_or_default(), q.unit, official, q.after.as_deref(), limit, state.store.today())?;
    let items = state.store.work_list(&caller.actor, &query).await??;
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

/// A case with its steps and records.
#[utoipa::path(get, operation_id = "read_case", path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 200, body = CaseFile), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<CaseFile>> {
    caller.require(&REVIEWERS, "read cases")?;
    let file = state.store.case_file(&caller.actor, id).await??;
    Ok(Json(CaseFile { case: file.case, events: file.events, records: file.records }))
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
    let items = state.store.on_time(p.from, p.to).await?;
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

/// Follow a case with the number and access code from the counter receipt (public).
#[utoipa::path(get, path = "/api/v1/cases/track", tag = "cases", params(TrackQuery),
    responses((status = 200, body = Tracking), (status = 404, body = ErrorBody)))]
pub async fn track(State(state): State<AppState>, Query(q): Query<TrackQuery>) -> ApiResult<Json<Tracking>> {
    let found = state.store.track_case(&q.number, &q.code).await?;
    found
        .map(|t| Json(with_decision_link(t, &q.code)))
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
    caller.require(&REVIEWERS, "read cases")?;
    Ok(Json(AttachmentList { items: state.store.case_attachments(&caller.actor, id).await?? }))
}

/// A file of a case (staff; reading the file of a party named by JMBG is logged).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "cases", params(("id" = i64, Path, description = "Attachment id")), security(("bearer" = [])),
    responses((status = 200, description = "The file, with its media type", content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    caller.require(&REVIEWERS, "read the files of cases")?;
    let (attachment, content) = state.store.read_attachment(&caller.actor, id, None).await??;
    Ok(file_response(&attachment, content))
}

/// The decision of a case delivered electronically, with the number and access code from
/// the receipt (public; any wrong number or code answers the same 404).
#[utoipa::path(get, path = "/api/v1/cases/track/decision", tag = "cases", params(TrackQuery),
    responses((status = 200, description = "The decision", content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn track_decision(State(state): State<AppState>, Query(q): Query<TrackQuery>) -> ApiResult<Response> {
    let none = || ApiError::not_found("docflow.track.not_found", "no decision is published for this number and access code");
    let (attachment, content) = state.store.tracked_decision(&q.number, &q.code).await?.ok_or_else(none)?;
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
    caller.require(&REVIEWERS, "search the files of cases")?;
    let limit = usize::try_from(limit(q.limit)).unwrap_or(50);
    let items = crate::search::documents(&state, &caller.actor, &q.q, limit).await??.ok_or_else(|| {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "docflow.documents.unavailable", "this node keeps no index of the files of cases")
    })?;
    Ok(Json(DocumentHits { items }))
}
