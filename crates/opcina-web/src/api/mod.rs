//! The JSON API, one module per resource.

pub mod archive;
pub mod cases;
pub mod entries;
pub mod extracts;
pub mod health;
pub mod offices;
pub mod persons;
pub mod publicinfo;
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

/// The form of a stated purpose, as [`Purpose::required`] checks it: 3 to 300 characters once
/// the white space around it (Unicode's, as `str::trim` removes it) is left out, and no control
/// character. The OpenAPI description states it for every `purpose` (written out in each
/// parameter's attribute, which takes only a literal; a test holds them equal).
pub const PURPOSE_PATTERN: &str = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x1f\x7f-\x9f]+[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";

/// Why a person's record is read: required with every read, and logged with it.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Purpose {
    /// The purpose of the read and its legal basis, e.g. `izdavanje izvoda, čl. 64` (3 to
    /// 300 characters).
    #[param(
        required = true,
        min_length = 3,
        max_length = 300,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x1f\x7f-\x9f]+[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub purpose: Option<String>,
    /// Case or request number the read is for.
    pub case_number: Option<String>,
}

impl Purpose {
    /// The stated purpose, or the refusal to read without one.
    pub fn required(&self) -> ApiResult<String> {
        match self.purpose.as_deref().map(str::trim) {
            Some(p) if (3..=300).contains(&p.chars().count()) && !p.chars().any(char::is_control) => Ok(p.to_string()),
            Some(_) => Err(ApiError::bad_request(
                "access.purpose.invalid",
                "purpose",
                "state the purpose in 3 to 300 characters, without control characters",
            )),
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
    // Not 13 digits: the address is malformed (400). Thirteen digits that break a rule of
    // the JMBG (its date, its check digit): refused as the same rule is in a body (422).
    let malformed = s.len() != 13 || !s.bytes().all(|b| b.is_ascii_digit());
    Jmbg::parse(s, CheckMode::Lenient).map_err(|e| {
        let err = ApiError::from(e).field("jmbg");
        if malformed { err.with_status(StatusCode::BAD_REQUEST) } else { err }
    })
}

impl ApiError {
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pattern the API's description states for `purpose` accepts exactly what the
    /// server accepts (schemathesis found the two apart: control characters, white space at
    /// the edges that `trim` removes, or that it does not).
    #[test]
    fn the_described_purpose_pattern_is_the_rule() {
        let pattern = regex::Regex::new(PURPOSE_PATTERN).unwrap();
        let cases = [
            "izdavanje izvoda",
            "abc",
            "ab",
            "  ab  ",
            " \u{a0}abc\u{3000}",
            "\u{a0}a\u{a0}",
            "a\u{2003}b",
            "\x12A\x13\nk",
            "abc\n",
            "\tčl. 64\t",
            "a\u{85}b",
            "\u{1c}abc",
            "abc\u{7f}",
            "   ",
            "\u{200b}ab",
        ];
        for s in cases {
            let accepted = Purpose { purpose: Some(s.to_string()), case_number: None }.required().is_ok();
            assert_eq!(pattern.is_match(s), accepted, "{s:?}");
        }
        let described = serde_json::to_value(<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
        let mut stated = 0;
        for item in described["paths"].as_object().unwrap().values() {
            for p in item["get"]["parameters"].as_array().into_iter().flatten().filter(|p| p["name"] == "purpose") {
                assert_eq!(p["schema"]["pattern"], PURPOSE_PATTERN, "{p}");
                stated += 1;
            }
        }
        assert!(stated >= 4, "{stated}");
    }
}
