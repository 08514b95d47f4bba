//! The one error type of the HTTP interface. Every error answers with the body
//! `{"error": {"code", "message", "field", "details"}}`: a stable code (which doubles as a
//! translation key), the reason, the field at fault when there is one, and every other
//! problem found in the same request. Internal causes are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use opcina_core::codes::{self, Problem};
use opcina_core::{FieldError, Refusal};
use opcina_search::SearchError;
use opcina_store::StoreError;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable code, e.g. `registry.jmbg.checksum`.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// All problems found, when there were several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub details: Vec<FieldError>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status.as_u16(), self.message)
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        debug_assert!(codes::problem(code).is_some(), "the error code {code:?} is missing from opcina_core::codes::CODES");
        ApiError { status, code: code.to_string(), message: message.into(), field: None, details: Vec::new() }
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// An address the API does not have.
    pub fn unknown_address() -> Self {
        ApiError::not_found("request.not_found", "no such resource")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "auth.forbidden", message)
    }

    pub fn bad_request(code: &str, field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message).field(field)
    }

    /// A failure of the node itself: logged with its cause, answered without it.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let location = std::panic::Location::caller();
        tracing::error!(%cause, at = %location, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the node could not complete the request; the operator has been informed by the log",
        )
    }
}

/// The HTTP status of a kind of problem.
pub fn status_of(problem: Problem) -> StatusCode {
    match problem {
        Problem::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Problem::BadRequest => StatusCode::BAD_REQUEST,
        Problem::Unauthenticated => StatusCode::UNAUTHORIZED,
        Problem::Forbidden => StatusCode::FORBIDDEN,
        Problem::NotFound => StatusCode::NOT_FOUND,
        Problem::Gone => StatusCode::GONE,
        Problem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Problem::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Problem::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
        Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The status a refusal gets: the one its code's kind of problem has in the table of codes
/// ([`opcina_core::codes`]). A code missing from the table is a bug: tests fail on it; a
/// node that serves people answers 422 and logs it.
fn refusal_status(code: &str) -> StatusCode {
    match codes::problem(code) {
        Some(problem) => status_of(problem),
        None => {
            tracing::error!(code, "an error code is missing from the table of codes (opcina_core::codes)");
            debug_assert!(false, "the error code {code:?} is missing from opcina_core::codes::CODES");
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let first = r.errors.first().cloned().unwrap_or_else(|| FieldError::general("invalid", "the request was refused"));
        ApiError {
            status: refusal_status(first.code),
            code: first.code.to_string(),
            message: first.message,
            field: first.field,
            details: if r.errors.len() > 1 { r.errors } else { Vec::new() },
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::from(Refusal::one(e))
    }
}

impl From<StoreError> for ApiError {
    #[track_caller]
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(f) => f.into(),
            StoreError::NotInitialised => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store.not_initialised", e.to_string()),
            StoreError::WriterStopped => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store.writer_stopped", "the node is shutting down")
            }
            StoreError::Storage { fault, .. } => {
                let code = fault.code();
                ApiError::new(codes::problem(code).map_or(StatusCode::SERVICE_UNAVAILABLE, status_of), code, e.to_string())
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<SearchError> for ApiError {
    #[track_caller]
    fn from(e: SearchError) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message, field: self.field, details: self.details } };
        (self.status, Json(body)).into_response()
    }
}

/// Every failure under `/api/` answers with the error body, including the extractors'
/// rejections that axum writes as plain text: a query or path parameter that does not parse
/// (`/api/v1/cases?limit=abc`, `/api/v1/cases/abc`), a method the address does not take, a
/// body of the wrong type or size. The reason axum gave is kept as the message. Answers of
/// `/api/v1/` (people's records, their documents as PDF) are not kept by a browser or proxy.
pub async fn api_answers(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let private = request.uri().path().starts_with("/api/v1/");
    let mut response = next.run(request).await;
    if private {
        response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    }
    let status = response.status();
    let json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("application/problem+json"));
    if !api || json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let body = axum::body::to_bytes(response.into_body(), 16 * 1024).await.unwrap_or_default();
    let reason = String::from_utf8_lossy(&body).trim().to_string();
    let code = match status {
        StatusCode::BAD_REQUEST if reason.contains("query string") => "request.query.invalid",
        StatusCode::BAD_REQUEST if reason.contains("URL") || reason.contains("path") => "request.path.invalid",
        StatusCode::NOT_FOUND => "request.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "request.method.not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "request.body.unreadable",
        StatusCode::UNPROCESSABLE_ENTITY => "request.json.invalid",
        s if s.is_server_error() => "internal",
        _ => "request.body",
    };
    let message = if status.is_server_error() {
        "the server could not answer; the cause is logged".to_string()
    } else if reason.is_empty() {
        status.canonical_reason().unwrap_or("request refused").to_string()
    } else {
        reason
    };
    let mut answer = ApiError::new(status, code, message).into_response();
    if private {
        answer.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    }
    answer
}
