//! `/healthz`: whether the node can serve, for load balancers and operators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::AppState;
use crate::federation::{FederationHealth, federation_health};

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
    /// The node's part in a federation, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub federation: Option<FederationHealth>,
}

/// Health of the node.
#[utoipa::path(get, path = "/healthz", tag = "node", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let journal = state.store.journal_head().await;
    let health = Health {
        status: if journal.is_ok() { "ok" } else { "degraded" },
        backend: state.store.backend_kind(),
        journal: journal.as_ref().map_or(-1, |h| h.seq),
        index: state.index.watermark(),
        people_indexed: state.index.len(),
        federation: federation_health(&state).await.ok().flatten(),
    };
    (if journal.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(health))
}
