//! A request for a document as typed into a form — at the counter, on the portal, in an
//! online order — and its reading into an [`ExtractRequest`]: every problem at once, each
//! named by its field.

use super::eligibility::check_form;
use super::{ExtractKind, ExtractRequest, Language, Relation, Requester};
use crate::{CheckMode, FieldError, Jmbg};

/// A request for a document as typed into a form (at the counter or on the portal).
#[derive(Debug, Clone, Default)]
pub struct RequestFields {
    pub kind: String,
    pub subject_jmbg: String,
    pub language: String,
    pub script: String,
    pub requester_name: String,
    pub requester_jmbg: String,
    pub requester_document: String,
    pub relation: String,
    pub evidence: String,
    pub purpose: String,
}

/// Reads a request from typed fields: every problem at once, each named by its field (`kind`,
/// `language`, `script`, `relation`, `subject_jmbg`, `requester_jmbg`, and the checks of the
/// request's form: `requester.name`, `requester.evidence`, `purpose` …). The subject's JMBG is
/// read in `subject_mode` (lenient at the counter, where it comes from the registers).
pub fn parse_request(f: &RequestFields, subject_mode: CheckMode) -> std::result::Result<ExtractRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = chosen(&mut errors, ExtractKind::parse(&f.kind), "order.kind_required", "kind", "choose the document");
    let language =
        chosen(&mut errors, Language::parse(&f.language), "order.language_required", "language", "choose the document's language");
    let script =
        chosen(&mut errors, super::kind::parse_script(&f.script), "order.script_required", "script", "choose the document's script");
    let relation = chosen(&mut errors, Relation::parse(&f.relation), "order.relation_required", "relation", "say whose document it is");
    let mut jmbg = |text: &str, mode: CheckMode, field: &str| match Jmbg::parse(text.trim(), mode) {
        Ok(j) => Some(j),
        Err(mut e) => {
            e.field = Some(field.into());
            errors.push(e);
            None
        }
    };
    let subject = jmbg(&f.subject_jmbg, subject_mode, "subject_jmbg");
    let requester_jmbg = opt(&f.requester_jmbg).and_then(|text| jmbg(&text, CheckMode::Strict, "requester_jmbg"));
    let (Some(kind), Some(language), Some(script), Some(relation), Some(subject)) = (kind, language, script, relation, subject) else {
        return Err(errors);
    };
    let request = ExtractRequest {
        kind,
        jmbg: subject,
        entry_id: None,
        language,
        script,
        requester: Requester {
            name: f.requester_name.trim().to_string(),
            jmbg: requester_jmbg,
            document: opt(&f.requester_document),
            evidence: opt(&f.evidence),
        },
        relation,
        purpose: f.purpose.trim().to_string(),
    };
    if let Err(refusal) = check_form(&request) {
        errors.extend(refusal.errors);
    }
    if errors.is_empty() { Ok(request) } else { Err(errors) }
}

/// A choice read from a form, or the problem of its absence.
fn chosen<T>(errors: &mut Vec<FieldError>, value: Option<T>, code: &'static str, field: &str, message: &str) -> Option<T> {
    if value.is_none() {
        errors.push(FieldError::new(code, field, message));
    }
    value
}

/// A trimmed text, or `None` when nothing was typed.
fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}
