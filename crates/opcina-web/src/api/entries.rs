//! Register entries with their annotations.

use axum::Json;
use axum::extract::{Path, State};
use opcina_core::registry::person::EntryWithAnnotations;

use opcina_store::reads::ReadReason;

use super::{Purpose, READERS};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Params;

/// One entry with all its annotations (the read is logged for everyone the entry is about).
#[utoipa::path(get, operation_id = "read_entry", path = "/api/v1/entries/{id}", tag = "entries", params(("id" = i64, Path, description = "Entry id"), Purpose), security(("bearer" = [])),
    responses((status = 200, body = EntryWithAnnotations), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Params(p): Params<Purpose>,
) -> ApiResult<Json<EntryWithAnnotations>> {
    caller.require(&READERS, "read entries")?;
    let why = ReadReason::new(p.required()?, p.case_number.as_deref());
    let entry = state.store.read_entry(&caller.actor, id, &why).await?;
    entry.map(Json).ok_or_else(|| ApiError::not_found("registry.entry.not_found", format!("no entry {id} on this node")).field("id"))
}
