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
    /// The node's part in a federation, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub federation: Option<FederationHealth>,
}

/// What an operator watches of the federation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FederationHealth {
    pub member: String,
    /// The directory in force (none: the federation's services are unavailable).
    pub directory_serial: Option<u64>,
    /// Seconds since the epoch.
    pub directory_valid_until: Option<i64>,
    /// Annotation notices not yet delivered, and how long the oldest has waited (seconds).
    pub outbox_pending: i64,
    pub outbox_oldest_seconds: Option<i64>,
    /// Notices received that wait for this node's registrar.
    pub notices_queued: i64,
}

/// The federation's figures for `/healthz` and `/status`.
pub async fn federation_health(state: &AppState) -> Result<Option<FederationHealth>, opcina_store::StoreError> {
    let Some(f) = &state.federation else { return Ok(None) };
    let directory = f.directory();
    let counts = state.store.backend().notice_counts().await?;
    let now = opcina_core::registry::Timestamp::now().0;
    Ok(Some(FederationHealth {
        member: f.settings.member.clone(),
        directory_serial: directory.as_ref().map(|d| d.serial),
        directory_valid_until: directory.as_ref().map(|d| d.valid_until),
        outbox_oldest_seconds: counts.oldest_pending_at.map(|at| (now - at) / 1_000_000),
        outbox_pending: counts.pending,
        notices_queued: counts.queued,
    }))
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
        federation: federation_health(&state).await.ok().flatten(),
    };
    (if journal.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(health))
}
