//! The website's JSON API: the published pieces for anyone (an app, a media house's
//! system), and the newsroom's work for the website's editors — the same use cases as the
//! pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use opcina_core::publicinfo::piece::{PieceAction, PieceFacts, PieceText};
use opcina_core::registry::Timestamp;
use opcina_store::publicinfo::{PieceDone, PieceOp};
use opcina_store::publicinfo_reads::{NewsroomPiece, PieceWithTexts, PublicPiece};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, Params};
use crate::present::{PieceQuery, piece_cursor};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PiecePage {
    pub items: Vec<PieceWithTexts>,
    /// Pass as `after` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Published pieces, newest first (what the website shows now: nothing under embargo).
#[utoipa::path(get, operation_id = "list_pieces", path = "/api/v1/pieces", tag = "website", params(PieceQuery),
    responses((status = 200, body = PiecePage), (status = 400, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, Params(q): Params<PieceQuery>) -> ApiResult<Json<PiecePage>> {
    let limit = q.limit.unwrap_or(20).clamp(1, opcina_store::publicinfo_reads::MAX_LIST);
    let items = state.store.public_pieces(&q.filter()?, q.cursor()?, limit).await?;
    let next = piece_cursor(&items, limit);
    Ok(Json(PiecePage { items, next }))
}

/// A published piece by its address, with the corrections made since it was published.
#[utoipa::path(get, operation_id = "read_piece", path = "/api/v1/pieces/{slug}", tag = "website", params(("slug" = String, Path)),
    responses((status = 200, body = PublicPiece), (status = 404, body = ErrorBody)))]
pub async fn read(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Json<PublicPiece>> {
    match state.store.public_piece(&slug).await? {
        Some(p) => Ok(Json(p)),
        None => Err(ApiError::not_found("publicinfo.piece.not_found", format!("there is no published piece {slug:?}"))),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewsroomList {
    pub items: Vec<PieceWithTexts>,
}

/// The newsroom: every piece, those waiting for a step first (the website's editors).
#[utoipa::path(get, path = "/api/v1/newsroom/pieces", tag = "website", security(("bearer" = [])),
    responses((status = 200, body = NewsroomList), (status = 403, body = ErrorBody)))]
pub async fn newsroom(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<NewsroomList>> {
    let items = state.store.newsroom(&caller.actor, 200).await??;
    Ok(Json(NewsroomList { items }))
}

/// One piece with its texts and every step of its workflow (the website's editors).
#[utoipa::path(get, path = "/api/v1/newsroom/pieces/{id}", tag = "website", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = NewsroomPiece), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn newsroom_piece(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<NewsroomPiece>> {
    Ok(Json(state.store.newsroom_piece(&caller.actor, id).await??))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewPiece {
    pub facts: PieceFacts,
    pub text: PieceText,
}

/// Writes a new piece as a draft with its first text.
#[utoipa::path(post, path = "/api/v1/newsroom/pieces", tag = "website", request_body = NewPiece, security(("bearer" = [])),
    responses((status = 201, body = PieceDone), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(State(state): State<AppState>, caller: Caller, Body(request): Body<NewPiece>) -> ApiResult<Response> {
    let done = state.store.piece(&caller.actor, PieceOp::Create { facts: request.facts, text: request.text }).await??;
    Ok((StatusCode::CREATED, Json(done)).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SavePiece {
    /// The piece's facts, when they change.
    pub facts: Option<PieceFacts>,
    /// One language's text, when it changes.
    pub text: Option<PieceText>,
    /// Required once the piece is published: the correction's reason, shown to readers.
    #[serde(default)]
    pub reason: String,
}

/// Saves a piece's facts or a text: an edit before publication, a correction after it.
#[utoipa::path(post, path = "/api/v1/newsroom/pieces/{id}", tag = "website", params(("id" = i64, Path)), request_body = SavePiece,
    security(("bearer" = [])),
    responses((status = 200, body = PieceDone), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(request): Body<SavePiece>,
) -> ApiResult<Json<PieceDone>> {
    let op = PieceOp::Save { piece_id: id, facts: request.facts, text: request.text, reason: request.reason };
    Ok(Json(state.store.piece(&caller.actor, op).await??))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PieceStep {
    /// `submit`, `return`, `approve`, `publish`, `unpublish` or `reopen`.
    pub action: String,
    /// Why: required to return, to withdraw.
    #[serde(default)]
    pub reason: String,
    /// When a piece being published becomes visible (RFC 3339, e.g. an embargo until
    /// `2026-12-08T09:00:00+01:00`); now when absent.
    pub publish_at: Option<String>,
}

/// Parses an action's code, or says what it is not.
pub fn parse_action(code: &str) -> ApiResult<PieceAction> {
    PieceAction::parse(code.trim()).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "publicinfo.step.unknown", format!("there is no step {code:?}")).field("action")
    })
}

/// Parses a moment given as RFC 3339.
pub fn parse_moment(field: &str, s: &str) -> ApiResult<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s.trim()).map(|t| Timestamp(t.timestamp_micros())).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "publicinfo.publish_at.invalid",
            "a moment as RFC 3339, e.g. 2026-12-08T09:00:00+01:00",
        )
        .field(field)
    })
}

/// Takes a step of a piece's workflow: submit, return, approve, publish (now or at a set
/// time), unpublish, reopen.
#[utoipa::path(post, path = "/api/v1/newsroom/pieces/{id}/steps", tag = "website", params(("id" = i64, Path)), request_body = PieceStep,
    security(("bearer" = [])),
    responses((status = 200, body = PieceDone), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(request): Body<PieceStep>,
) -> ApiResult<Json<PieceDone>> {
    let action = parse_action(&request.action)?;
    let publish_at = request.publish_at.as_deref().filter(|s| !s.trim().is_empty()).map(|s| parse_moment("publish_at", s)).transpose()?;
    let op = PieceOp::Step { piece_id: id, action, reason: request.reason, publish_at };
    Ok(Json(state.store.piece(&caller.actor, op).await??))
}
