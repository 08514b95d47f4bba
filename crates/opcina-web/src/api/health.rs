//! `/healthz`: whether the node can serve, for load balancers and operators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database cannot be read.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Position of the journal head.
    pub journal: i64,
    /// Journal position the person index reflects.
    pub index: i64,
    pub people_indexed: u64,
}

/// Health of the node.
#[utoipa::path(get, path = "/healthz", tag = "node", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let journal = state.store.backend().journal_head().await;
    let health = Health {
        status: if journal.is_ok() { "ok" } else { "degraded" },
        backend: state.store.backend().kind(),
        journal: journal.as_ref().map_or(-1, |h| h.seq),
        index: state.index.watermark(),
        people_indexed: state.index.len(),
    };
    (if journal.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(health))
}
