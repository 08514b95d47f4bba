//! The JSON API, one module per resource.

pub mod archive;
pub mod cases;
pub mod entries;
pub mod extracts;
pub mod health;
pub mod offices;
pub mod persons;
pub mod registrations;

use axum::http::StatusCode;
use opcina_core::{CheckMode, Jmbg};
use opcina_store::reads::ReadReason;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};

pub use crate::auth::READERS;

pub async fn not_found() -> ApiError {
    ApiError::unknown_address()
}

/// Why a person's record is read: required with every read, and logged with it.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Purpose {
    /// The purpose of the read and its legal basis, e.g. `izdavanje izvoda, čl. 64`.
    pub purpose: Option<String>,
    /// Case or request number the read is for.
    pub case_number: Option<String>,
}

impl Purpose {
    /// The stated purpose, or the refusal to read without one.
    pub fn required(&self) -> ApiResult<String> {
        match self.purpose.as_deref().map(str::trim) {
            Some(p) if p.chars().count() >= 3 && p.chars().count() <= 300 => Ok(p.to_string()),
            Some(_) => Err(ApiError::bad_request("access.purpose.invalid", "purpose", "state the purpose in 3 to 300 characters")),
            None => Err(ApiError::bad_request(
                "access.purpose.required",
                "purpose",
                "every read of a person's record states its purpose (?purpose=…)",
            )),
        }
    }

    /// The stated purpose with its case number, as the access log records it.
    pub fn reason(&self) -> ApiResult<ReadReason> {
        Ok(ReadReason::new(self.required()?, self.case_number.as_deref()))
    }

    /// As [`Purpose::reason`], or `default` when no purpose is stated (a search, whose
    /// hits are logged with the query).
    pub fn reason_or(&self, default: &str) -> ApiResult<ReadReason> {
        if self.purpose.is_none() { Ok(ReadReason::new(default, self.case_number.as_deref())) } else { self.reason() }
    }
}

/// Parses a JMBG from a path (leniently: legacy numbers must stay readable).
pub fn path_jmbg(s: &str) -> ApiResult<Jmbg> {
    Jmbg::parse(s, CheckMode::Lenient).map_err(|e| ApiError::from(e).field("jmbg").with_status(StatusCode::BAD_REQUEST))
}

impl ApiError {
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}
