//! The registry offices of the node.

use axum::Json;
use axum::extract::State;
use opcina_store::rows::OfficeRow;
use serde::Serialize;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfficeList {
    pub items: Vec<OfficeRow>,
}

/// The node's registry offices.
#[utoipa::path(get, operation_id = "list_offices", path = "/api/v1/offices", tag = "node", security(("bearer" = [])),
    responses((status = 200, body = OfficeList), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, _caller: Caller) -> ApiResult<Json<OfficeList>> {
    Ok(Json(OfficeList { items: state.store.offices().await? }))
}
