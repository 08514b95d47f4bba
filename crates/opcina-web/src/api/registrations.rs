//! Registering entries and annotations. Each answers `201 Created` once the records are
//! durably committed (and, within a short wait, searchable), or a refusal naming the field.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use opcina_core::registry::Annotation;
use opcina_core::registry::Role;
use opcina_core::registry::commands::*;

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Body;
use crate::{AppState, INDEX_WAIT};

async fn register(state: &AppState, caller: &Caller, command: Command) -> ApiResult<Response> {
    caller.require(&[Role::Registrar], "register entries")?;
    let applied = state.store.execute(&caller.actor, command).await??;
    let last = applied.annotations.last().map(|a| a.id).or(applied.entry.as_ref().map(|e| e.id));
    if let Some(seq) = last {
        if !opcina_search::indexer::wait_for(&state.index, seq, INDEX_WAIT).await {
            tracing::warn!(seq, "a registration is committed but not yet searchable");
        }
    }
    let location = applied.entry.as_ref().map(|e| format!("/api/v1/entries/{}", e.id));
    let mut response = (StatusCode::CREATED, Json(applied)).into_response();
    if let Some(l) = location.and_then(|l| l.parse().ok()) {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

/// Register a birth (MKR); the child's JMBG is assigned.
#[utoipa::path(post, path = "/api/v1/births", tag = "registrations", request_body = RegisterBirth, security(("bearer" = [])),
    responses((status = 201, body = Applied), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn birth(State(state): State<AppState>, caller: Caller, Body(c): Body<RegisterBirth>) -> ApiResult<Response> {
    register(&state, &caller, Command::RegisterBirth(c)).await
}

/// Register citizenship (MKD).
#[utoipa::path(post, path = "/api/v1/citizenships", tag = "registrations", request_body = RegisterCitizenship, security(("bearer" = [])),
    responses((status = 201, body = Applied), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn citizenship(State(state): State<AppState>, caller: Caller, Body(c): Body<RegisterCitizenship>) -> ApiResult<Response> {
    register(&state, &caller, Command::RegisterCitizenship(c)).await
}

/// Register a marriage (MKV); the spouses' birth entries held here are annotated.
#[utoipa::path(post, path = "/api/v1/marriages", tag = "registrations", request_body = RegisterMarriage, security(("bearer" = [])),
    responses((status = 201, body = Applied), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn marriage(State(state): State<AppState>, caller: Caller, Body(c): Body<RegisterMarriage>) -> ApiResult<Response> {
    register(&state, &caller, Command::RegisterMarriage(c)).await
}

/// Register a death (MKU); the birth entry and a current marriage entry held here are
/// annotated.
#[utoipa::path(post, path = "/api/v1/deaths", tag = "registrations", request_body = RegisterDeath, security(("bearer" = [])),
    responses((status = 201, body = Applied), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn death(State(state): State<AppState>, caller: Caller, Body(c): Body<RegisterDeath>) -> ApiResult<Response> {
    register(&state, &caller, Command::RegisterDeath(c)).await
}

/// Register a divorce or an annulment; the marriage entry and the spouses' birth entries are
/// annotated.
#[utoipa::path(post, path = "/api/v1/divorces", tag = "registrations", request_body = RegisterDivorce, security(("bearer" = [])),
    responses((status = 201, body = Applied), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn divorce(State(state): State<AppState>, caller: Caller, Body(c): Body<RegisterDivorce>) -> ApiResult<Response> {
    register(&state, &caller, Command::RegisterDivorce(c)).await
}

/// Add an annotation to an entry.
#[utoipa::path(post, path = "/api/v1/entries/{id}/annotations", tag = "registrations", params(("id" = i64, Path, description = "Entry id")), request_body = Annotation,
    security(("bearer" = [])), responses((status = 201, body = Applied), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn annotate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(annotation): Body<Annotation>,
) -> ApiResult<Response> {
    register(&state, &caller, Command::AddAnnotation(AddAnnotation { entry_id: id, annotation })).await
}
