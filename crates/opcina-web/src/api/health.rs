//! `/healthz`: whether the node can serve, for load balancers and operators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::AppState;
use crate::federation::{FederationHealth, federation_health};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database cannot be read or does not take writes.
    pub status: &'static str,
    /// Why the database does not take writes, while it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageFailure>,
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

/// A storage fault that stops the node's writes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StorageFailure {
    /// `storage.full` (no space left) or `storage.failed` (the disk failed to write).
    pub code: &'static str,
    /// The database's own words.
    pub detail: String,
    /// When writes began to fail (RFC 3339).
    pub since: String,
    /// Writes refused since then.
    pub refused: u64,
}

/// Health of the node. While writes fail for want of storage, each call tries an empty write
/// first, so the node reports itself healthy again as soon as the condition clears, with or
/// without clerks writing.
#[utoipa::path(get, path = "/healthz", tag = "node", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let journal = state.store.journal_head().await;
    let storage = match state.store.storage_problem() {
        Some(_) => state.store.probe_storage().await,
        None => None,
    };
    let ok = journal.is_ok() && storage.is_none();
    let health = Health {
        status: if ok { "ok" } else { "degraded" },
        storage: storage.map(|p| StorageFailure {
            code: p.fault.code(),
            detail: p.detail,
            since: p.since.to_datetime().to_rfc3339(),
            refused: p.failures,
        }),
        backend: state.store.backend_kind(),
        journal: journal.as_ref().map_or(-1, |h| h.seq),
        index: state.index.watermark(),
        people_indexed: state.index.len(),
        federation: federation_health(&state).await.ok().flatten(),
    };
    (if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(health))
}
