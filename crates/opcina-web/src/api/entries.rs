//! Register entries with their annotations.

use axum::Json;
use axum::extract::{Path, State};
use opcina_core::registry::person::EntryWithAnnotations;

use super::{Purpose, READERS, log_reads};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Params;

/// One entry with all its annotations (the read is logged for everyone the entry is about).
#[utoipa::path(get, path = "/api/v1/entries/{id}", tag = "entries", params(("id" = i64, Path, description = "Entry id"), Purpose), security(("bearer" = [])),
    responses((status = 200, body = EntryWithAnnotations), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Params(p): Params<Purpose>,
) -> ApiResult<Json<EntryWithAnnotations>> {
    caller.require(&READERS, "read entries")?;
    let purpose = p.required()?;
    let Some((entry, annotations)) = state.store.backend().entry(id).await? else {
        return Err(ApiError::not_found("registry.entry.not_found", format!("no entry {id} on this node")).field("id"));
    };
    let subject = entry.content.subject().to_string();
    let partner = entry.content.partner().map(|j| j.to_string());
    let subjects: Vec<&str> = std::iter::once(subject.as_str()).chain(partner.as_deref()).collect();
    log_reads(&state, &caller, &subjects, Some(id), "entry.read", &purpose, p.case_number.as_deref()).await?;
    Ok(Json(EntryWithAnnotations { entry, annotations }))
}
