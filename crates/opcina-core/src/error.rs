//! Domain errors: every refusal carries a stable code (which doubles as a translation key),
//! the field it concerns (as a path into the request, e.g. `mother.birth_date`) and an
//! English message for logs and API clients. The web layer maps codes to HTTP statuses
//! and translates messages; nothing here knows about HTTP.

use std::fmt;

use serde::Serialize;

/// One reason a request was refused, tied to the field that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Stable machine-readable code, e.g. `registry.birth.date_in_future`.
    pub code: &'static str,
    /// Path of the offending field in the request, e.g. `mother.birth_date`; absent when the
    /// refusal concerns the request as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Human-readable explanation in English.
    pub message: String,
}

impl FieldError {
    pub fn new(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code, field: Some(field.into()), message: message.into() }
    }

    /// A refusal that concerns no single field.
    pub fn general(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, field: None, message: message.into() }
    }

    /// Re-roots the error under a parent field: `birth_date` becomes `mother.birth_date`.
    pub fn under(mut self, parent: &str) -> Self {
        self.field = Some(match self.field {
            Some(f) => format!("{parent}.{f}"),
            None => parent.to_string(),
        });
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {} [{}]", self.message, self.code),
            None => write!(f, "{} [{}]", self.message, self.code),
        }
    }
}

/// The refusal of a command: all the problems found, first one first. Validation collects
/// every independent problem so a clerk can fix the whole form at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Refusal {
    pub errors: Vec<FieldError>,
}

impl Refusal {
    pub fn one(error: FieldError) -> Self {
        Self { errors: vec![error] }
    }

    /// The first (most important) problem.
    pub fn primary(&self) -> Option<&FieldError> {
        self.errors.first()
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }
}

impl From<FieldError> for Refusal {
    fn from(e: FieldError) -> Self {
        Refusal::one(e)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for e in &self.errors {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Collects field errors while validating a request; turns into a [`Refusal`] when any.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Records the error of a fallible step and returns its value when it succeeded.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn extend(&mut self, r: Refusal) {
        self.0.extend(r.errors);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(())` when nothing was found, otherwise the refusal with every problem.
    pub fn finish(self) -> Result<(), Refusal> {
        if self.0.is_empty() { Ok(()) } else { Err(Refusal { errors: self.0 }) }
    }
}
