//! The archive's JSON API: the year's archive book, legal holds on cases, disposal
//! proposals with the competent archive's answer and their destruction, and the export of a
//! case file as a ZIP of its originals with JSON metadata.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use opcina_store::archive::{DisposalAnswer, on_hold};
use opcina_store::rows::{ArchiveEntryRow, DisposalRow, HoldRow};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::archive::{disposal_carried_out, export_response};
use crate::auth::{ARCHIVE_READERS as READERS, Caller, REVIEWERS};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Body;
/// Most entries in one page of the book.
const MAX_PAGE: i64 = 500;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ArchiveRequest {
    /// Ids of closed cases to take into this year's archive book.
    pub cases: Vec<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryList {
    pub items: Vec<ArchiveEntryRow>,
}

/// Take closed cases into this year's archive book (the registry office). One case that
/// cannot go refuses the whole list, naming it by its position.
#[utoipa::path(post, path = "/api/v1/archive/entries", tag = "archive", request_body = ArchiveRequest, security(("bearer" = [])),
    responses((status = 201, body = EntryList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn archive(State(state): State<AppState>, caller: Caller, Body(request): Body<ArchiveRequest>) -> ApiResult<Response> {
    let items = state.store.archive_cases(&caller.actor, &request.cases).await??;
    Ok((StatusCode::CREATED, Json(EntryList { items })).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookQuery {
    /// The year of the book (this year when absent).
    pub year: Option<i64>,
    /// The `next` of the previous page.
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookPage {
    pub year: i64,
    pub items: Vec<ArchiveEntryRow>,
    /// Pass as `after` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// The archive book (arhivska knjiga) of a year, in the order of its numbers.
#[utoipa::path(get, path = "/api/v1/archive/book", tag = "archive", params(BookQuery), security(("bearer" = [])),
    responses((status = 200, body = BookPage), (status = 403, body = ErrorBody)))]
pub async fn book(State(state): State<AppState>, caller: Caller, Query(q): Query<BookQuery>) -> ApiResult<Json<BookPage>> {
    caller.require(&READERS, "read the archive book")?;
    let year = q.year.unwrap_or_else(|| i64::from(state.store.today().year()));
    let page = state.store.archive_book(year, q.after.unwrap_or(0), q.limit.unwrap_or(100).clamp(1, MAX_PAGE)).await?;
    Ok(Json(BookPage { year, items: page.items, next: page.next }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HoldRequest {
    /// `true` places a hold, `false` releases it.
    pub placed: bool,
    /// The proceedings the hold is for, or why it ends.
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Holds {
    pub on_hold: bool,
    /// Every hold placed and released, in order.
    pub items: Vec<HoldRow>,
}

/// Place a legal hold on a case, or release it: a case on hold is never destroyed.
#[utoipa::path(post, path = "/api/v1/cases/{id}/holds", tag = "archive", params(("id" = i64, Path, description = "Case id")), request_body = HoldRequest,
    security(("bearer" = [])), responses((status = 201, body = HoldRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn hold(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(request): Body<HoldRequest>,
) -> ApiResult<Response> {
    let row = state.store.hold(&caller.actor, id, request.placed, &request.reason).await??;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// A case's legal holds.
#[utoipa::path(get, path = "/api/v1/cases/{id}/holds", tag = "archive", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 200, body = Holds), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn holds(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<Holds>> {
    caller.require(&READERS, "read legal holds")?;
    let items = state.store.case_holds(id).await??;
    Ok(Json(Holds { on_hold: on_hold(&items), items }))
}

/// An entry a disposal listed, and what became of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisposalItem {
    pub entry: ArchiveEntryRow,
    /// `listed` (awaiting the archive or the destruction), `destroyed`, or `kept` (the
    /// archive refused, or the case was on hold when the disposal was carried out).
    pub outcome: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Disposal {
    pub disposal: DisposalRow,
    pub items: Vec<DisposalItem>,
}

async fn disposal_of(state: &AppState, id: i64) -> ApiResult<Disposal> {
    let (row, entries) = state
        .store
        .disposal(id)
        .await?
        .ok_or_else(|| ApiError::not_found("archive.disposal.not_found", format!("there is no disposal proposal {id}")))?;
    let items = entries.into_iter().map(|entry| DisposalItem { outcome: entry.outcome_in(row.id).into(), entry }).collect();
    Ok(Disposal { disposal: row, items })
}

/// Draw up a disposal proposal: every case in the archive whose retention has run out and
/// that is not on legal hold.
#[utoipa::path(post, path = "/api/v1/archive/disposals", tag = "archive", security(("bearer" = [])),
    responses((status = 201, body = Disposal), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn propose(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let (row, _) = state.store.propose_disposal(&caller.actor).await??;
    Ok((StatusCode::CREATED, Json(disposal_of(&state, row.id).await?)).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisposalList {
    pub items: Vec<DisposalRow>,
}

/// Disposal proposals, the latest first.
#[utoipa::path(get, path = "/api/v1/archive/disposals", tag = "archive", security(("bearer" = [])),
    responses((status = 200, body = DisposalList), (status = 403, body = ErrorBody)))]
pub async fn disposals(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<DisposalList>> {
    caller.require(&READERS, "read disposal proposals")?;
    Ok(Json(DisposalList { items: state.store.disposals(MAX_PAGE).await? }))
}

/// A disposal proposal with what it listed and what became of each.
#[utoipa::path(get, path = "/api/v1/archive/disposals/{id}", tag = "archive", params(("id" = i64, Path, description = "Disposal id")), security(("bearer" = [])),
    responses((status = 200, body = Disposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn disposal(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<Disposal>> {
    caller.require(&READERS, "read disposal proposals")?;
    Ok(Json(disposal_of(&state, id).await?))
}

/// Record the competent archive's answer to a proposal (its act's number and date). A
/// refusal returns everything listed to the archive.
#[utoipa::path(post, path = "/api/v1/archive/disposals/{id}/answer", tag = "archive", params(("id" = i64, Path, description = "Disposal id")),
    request_body = DisposalAnswer, security(("bearer" = [])),
    responses((status = 200, body = Disposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(answer): Body<DisposalAnswer>,
) -> ApiResult<Json<Disposal>> {
    let row = state.store.answer_disposal(&caller.actor, id, &answer).await??;
    Ok(Json(disposal_of(&state, row.id).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Destroyed {
    pub disposal: DisposalRow,
    pub destroyed: Vec<ArchiveEntryRow>,
    /// Approved, but on legal hold now: kept.
    pub held: Vec<ArchiveEntryRow>,
    /// Files whose content was removed from the file store.
    pub files_removed: usize,
    /// Content that could not be removed now (SHA-256; the operator's log names the cause).
    pub files_left: Vec<String>,
}

/// Carry out an approved disposal: the cases listed and not on hold are destroyed (their
/// entries stay in the archive book, their files are removed and leave the search index).
#[utoipa::path(post, path = "/api/v1/archive/disposals/{id}/destruction", tag = "archive", params(("id" = i64, Path, description = "Disposal id")),
    security(("bearer" = [])), responses((status = 200, body = Destroyed), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn destroy(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<Destroyed>> {
    let done = disposal_carried_out(&state, &caller.actor, id).await??;
    Ok(Json(Destroyed {
        disposal: done.disposal,
        destroyed: done.destroyed,
        held: done.held,
        files_removed: done.files_removed,
        files_left: done.files_left,
    }))
}

/// A case file as a ZIP of its originals and JSON metadata (staff; logged as a read of the
/// party's data when the party is named by JMBG).
#[utoipa::path(get, path = "/api/v1/cases/{id}/export", tag = "archive", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 200, description = "predmet.json and the originals under datoteke/", content_type = "application/zip"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    caller.require(&REVIEWERS, "export case files")?;
    export_response(&state, &caller.actor, id).await
}
