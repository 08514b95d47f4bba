//! The HTTP interface of a node: the web application for staff and citizens ([`ui`]), the
//! JSON API under `/api/v1`, its OpenAPI description at `/api/openapi.json`, `/healthz`, the
//! public verification of extracts at `/verify/…`, and the operator's status page at
//! `/status`.
//!
//! Handlers hold no business rules: they authenticate the caller, check the role, hand the
//! request to one use case of the store (or of [`search`], which spans the indexes and the
//! store) and render its answer. The use case logs every read of a person's data before it
//! answers, so no handler has to remember it (`tests/reads_logged.rs` walks every route).

#![forbid(unsafe_code)]

pub mod anchor;
pub mod api;
pub mod archive;
pub mod auth;
pub mod error;
pub mod extract;
pub mod federation;
pub mod i18n;
pub mod limits;
pub mod mail;
pub mod open311;
pub mod openapi;
pub mod present;
pub mod press;
pub mod search;
pub mod ui;

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
    /// Failed sign-ins per username, for the lock-out.
    pub logins: Arc<ui::session::LoginGuard>,
    /// The node's seal; without it no document can be issued.
    pub sealer: Option<opcina_store::extracts::Sealer>,
    /// The base URL of this node's public pages (printed in the QR codes of documents).
    pub public_url: String,
    /// This node's membership of a federation, when it has one.
    pub federation: Option<Arc<federation::Federation>>,
    /// The full-text index of the files of cases, when the node keeps one.
    pub documents: Option<Arc<opcina_search::documents::DocumentIndex>>,
    /// The full-text index of the website's pieces, when the node keeps one.
    pub pieces: Option<Arc<opcina_search::pieces::PieceIndex>>,
    /// How the node is reached (behind a proxy, HSTS, secure cookies).
    pub http: limits::HttpSettings,
    /// The limits on the public's writes.
    pub limits: Arc<limits::Limits>,
}

impl AppState {
    pub fn new(store: Store, index: Arc<PersonIndex>) -> Self {
        AppState {
            store,
            index,
            tokens: Arc::new(auth::TokenCache::default()),
            logins: Arc::default(),
            sealer: None,
            public_url: "http://127.0.0.1:8080".into(),
            federation: None,
            documents: None,
            pieces: None,
            http: limits::HttpSettings::default(),
            limits: Arc::default(),
        }
    }

    /// Reached as `http` says (behind a proxy, over TLS).
    pub fn with_http(mut self, http: limits::HttpSettings) -> Self {
        self.http = http;
        self
    }

    /// Whether cookies go over HTTPS only: as configured, or when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.http.secure_cookies.unwrap_or_else(|| self.public_url.starts_with("https://"))
    }

    /// Searches the files of cases in `documents`.
    pub fn with_documents(mut self, documents: Arc<opcina_search::documents::DocumentIndex>) -> Self {
        self.documents = Some(documents);
        self
    }

    /// Searches the website's pieces in `pieces`.
    pub fn with_pieces(mut self, pieces: Arc<opcina_search::pieces::PieceIndex>) -> Self {
        self.pieces = Some(pieces);
        self
    }

    /// Reached by the public at `public_url` (links in messages and on documents).
    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.public_url = public_url.trim_end_matches('/').to_string();
        self
    }

    /// Issues documents sealed with `sealer`, verifiable at `public_url`.
    pub fn with_sealer(mut self, sealer: opcina_store::extracts::Sealer, public_url: &str) -> Self {
        self.sealer = Some(sealer);
        self.public_url = public_url.trim_end_matches('/').to_string();
        self
    }

    /// Takes part in a federation.
    pub fn with_federation(mut self, federation: Arc<federation::Federation>) -> Self {
        self.federation = Some(federation);
        self
    }
}

/// The whole application, built in one place.
pub fn app(state: AppState) -> Router {
    let hsts = state.http.hsts;
    Router::new()
        .merge(ui::routes(state.clone()))
        .route("/healthz", get(api::health::health))
        .route("/federation/v1/{service}", post(federation::endpoint))
        .route("/api/openapi.json", get(openapi::spec))
        .route(
            "/open311/v2/{file}",
            get(open311::get_file).post(open311::post).layer(axum::extract::DefaultBodyLimit::max(open311::MAX_BODY_BYTES)),
        )
        .route("/open311/v2/services/{file}", get(open311::definition))
        .route("/open311/v2/requests/{file}", get(open311::one))
        .route("/open311/v2/tokens/{file}", get(open311::token))
        .route("/api/v1/offices", get(api::offices::list))
        .route("/api/v1/protocol/config", get(api::cases::config))
        .route("/api/v1/protocol/records", get(api::cases::records))
        .route("/api/v1/cases", get(api::cases::list).post(api::cases::open))
        .route("/api/v1/cases/track", get(api::cases::track))
        .route("/api/v1/cases/on-time", get(api::cases::on_time))
        .route("/api/v1/cases/{id}", get(api::cases::read))
        .route("/api/v1/cases/{id}/steps", post(api::cases::take_step))
        .route("/api/v1/cases/{id}/records", post(api::cases::file))
        .route(
            "/api/v1/cases/{id}/attachments",
            get(api::cases::attachments)
                .post(api::cases::attach)
                .layer(axum::extract::DefaultBodyLimit::max(opcina_store::docflow::MAX_FILE_BYTES + 1)),
        )
        .route("/api/v1/attachments/{id}", get(api::cases::download))
        .route("/api/v1/documents/search", get(api::cases::search_documents))
        .route("/api/v1/cases/track/decision", get(api::cases::track_decision))
        .route("/api/v1/cases/{id}/access-code", post(api::cases::reissue))
        .route("/api/v1/cases/{id}/holds", get(api::archive::holds).post(api::archive::hold))
        .route("/api/v1/cases/{id}/export", get(api::archive::export))
        .route("/api/v1/archive/entries", post(api::archive::archive))
        .route("/api/v1/archive/book", get(api::archive::book))
        .route("/api/v1/archive/disposals", get(api::archive::disposals).post(api::archive::propose))
        .route("/api/v1/archive/disposals/{id}", get(api::archive::disposal))
        .route("/api/v1/archive/disposals/{id}/answer", post(api::archive::answer))
        .route("/api/v1/archive/disposals/{id}/destruction", post(api::archive::destroy))
        .route("/api/v1/pieces", get(api::publicinfo::list))
        .route("/api/v1/pieces/{slug}", get(api::publicinfo::read))
        .route("/api/v1/newsroom/pieces", get(api::publicinfo::newsroom).post(api::publicinfo::create))
        .route("/api/v1/newsroom/pieces/{id}", get(api::publicinfo::newsroom_piece).post(api::publicinfo::save))
        .route("/api/v1/newsroom/pieces/{id}/steps", post(api::publicinfo::step))
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
        .route("/api/v1/extracts", post(api::extracts::issue))
        .route("/api/v1/extracts/{number}/pdf", get(api::extracts::pdf))
        .route("/api/v1/refusals/{number}/pdf", get(api::extracts::refusal_pdf))
        .route("/api/v1/persons/{jmbg}/extracts", get(api::extracts::of_person))
        .with_state(state)
        .layer(axum::middleware::from_fn(error::api_answers))
        .layer(axum::middleware::map_response(move |mut response: axum::response::Response| async move {
            // Behind a TLS proxy: browsers come back over HTTPS only, for a year.
            if hsts {
                response
                    .headers_mut()
                    .insert(axum::http::header::STRICT_TRANSPORT_SECURITY, axum::http::HeaderValue::from_static("max-age=31536000"));
            }
            response
        }))
}
