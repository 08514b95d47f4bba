//! The HTTP interface of a node: the JSON API under `/api/v1`, its OpenAPI description at
//! `/api/openapi.json`, `/healthz`, and the operator's status page at `/`.
//!
//! Handlers hold no business rules: they authenticate the caller, check the role, hand the
//! request to the store (commands) or the index (search), log every read of a person's
//! record before answering, and turn the result into JSON.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod status;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use opcina_search::PersonIndex;
use opcina_store::Store;

pub use error::{ApiError, ApiResult};

/// How long a registration waits for the search index to show it (so that a clerk who
/// registers and then searches finds the new entry); the write is durable before this.
pub const INDEX_WAIT: Duration = Duration::from_secs(2);

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub index: Arc<PersonIndex>,
    pub tokens: Arc<auth::TokenCache>,
}

impl AppState {
    pub fn new(store: Store, index: Arc<PersonIndex>) -> Self {
        AppState { store, index, tokens: Arc::new(auth::TokenCache::default()) }
    }
}

/// The whole application, built in one place.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(status::page))
        .route("/healthz", get(api::health::health))
        .route("/api/openapi.json", get(openapi::spec))
        .route("/api/v1/offices", get(api::offices::list))
        .route("/api/v1/persons", get(api::persons::search))
        .route("/api/v1/persons/{jmbg}", get(api::persons::view))
        .route("/api/v1/persons/{jmbg}/access-log", get(api::persons::access_log))
        .route("/api/v1/entries/{id}", get(api::entries::read))
        .route("/api/v1/entries/{id}/annotations", post(api::registrations::annotate))
        .route("/api/v1/births", post(api::registrations::birth))
        .route("/api/v1/citizenships", post(api::registrations::citizenship))
        .route("/api/v1/marriages", post(api::registrations::marriage))
        .route("/api/v1/deaths", post(api::registrations::death))
        .route("/api/v1/divorces", post(api::registrations::divorce))
        .fallback(api::not_found)
        .with_state(state)
}
