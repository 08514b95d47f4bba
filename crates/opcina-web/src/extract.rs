//! Request extractors whose failures name the field at fault: JSON bodies read with their
//! path (`mother.birth_date: invalid date`), and query strings.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request.body.unreadable", e.body_text()))?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "request.json.syntax", e.to_string()))?;
        serde_path_to_error::deserialize(integral(value)).map(Body).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            let mut err = match domain_refusal(&message) {
                Some((code, text)) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, text),
                None => ApiError::new(StatusCode::BAD_REQUEST, "request.json.invalid", message),
            };
            if path != "." && !path.is_empty() {
                err = err.field(&path);
            }
            err
        })
    }
}

/// A rule of the domain that a value broke while the body was read (a JMBG's check digit:
/// `jmbg: the check digit … [jmbg.checksum]`): its own code and message, refused as the same
/// rule is everywhere else (422), not as a malformed body.
fn domain_refusal(message: &str) -> Option<(&str, &str)> {
    let end = message.rfind(']')?;
    let start = message[..end].rfind('[')?;
    let code = &message[start + 1..end];
    let text = message[..start].trim_end();
    let text = text.split_once(": ").map_or(text, |(_, rest)| rest);
    (opcina_core::codes::problem(code) == Some(opcina_core::codes::Problem::Invalid)).then_some((code, text))
}

/// A number JSON writes as a float but that is whole (`12.0`) read as the integer it is: JSON
/// Schema's `integer` admits it, and an id or a count sent that way is meant as one.
fn integral(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            #[allow(clippy::cast_possible_truncation)]
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integral).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, integral(v))).collect()),
        other => other,
    }
}

/// Query-string parameters.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|q| Params(q.0))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "request.query.invalid", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_domain_rule_keeps_its_code_and_a_whole_float_is_an_integer() {
        let message = "jmbg: the check digit of the JMBG is wrong (expected 4, found 7) [jmbg.checksum] at line 1 column 41";
        assert_eq!(domain_refusal(message), Some(("jmbg.checksum", "the check digit of the JMBG is wrong (expected 4, found 7)")));
        assert_eq!(domain_refusal("invalid length 0, expected an array of length 2"), None);
        assert_eq!(domain_refusal("unknown variant `x` [not.a.code]"), None);
        let read = integral(serde_json::json!({"cases": [1, -164934.0, 2.5], "n": {"m": 3.0}}));
        assert_eq!(read, serde_json::json!({"cases": [1, -164934, 2.5], "n": {"m": 3}}));
    }
}
