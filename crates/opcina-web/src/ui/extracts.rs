//! Issuing documents at the counter: the form on the person page, the answer (the document
//! with its PDF for printing, or the refusal with its decision), and the PDFs.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::extract::{ExtractKind, ExtractNumber, Language, Relation};
use opcina_core::names::Script;
use opcina_core::registry::Role;
use opcina_core::{CheckMode, FieldError, Jmbg};
use opcina_store::extracts::{IssuePlace, Outcome, ReproduceError};
use opcina_store::orders::{RequestFields, parse_request};
use opcina_store::rows::ExtractRow;
use serde::Deserialize;

use super::{Ui, error_page, internal_error, render, render_with};
use crate::AppState;
use crate::api::extracts::pdf_response;
use crate::api::{READERS, log_reads};

/// A choice in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices<T: Copy>(items: &[T], value: impl Fn(T) -> &'static str, label: impl Fn(T) -> String, selected: &str) -> Vec<Choice> {
    items.iter().map(|&i| Choice { value: value(i).to_string(), label: label(i), selected: value(i) == selected }).collect()
}

/// The form's fields as typed (kept on a refusal so nothing is lost).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IssueFields {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub script: String,
    #[serde(default)]
    pub requester_name: String,
    #[serde(default)]
    pub requester_jmbg: String,
    #[serde(default)]
    pub requester_document: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub purpose: String,
    /// The person's name, carried from the person page (shown again on a refused form
    /// without reading the records a second time).
    #[serde(default)]
    pub subject_name: String,
    /// The read's purpose key and case number, carried from the search.
    #[serde(default)]
    pub read_purpose: String,
    #[serde(default)]
    pub case: String,
}

/// The issuing form, ready for the template.
pub struct IssueForm {
    pub action: String,
    pub kinds: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub scripts: Vec<Choice>,
    pub relations: Vec<Choice>,
    pub fields: IssueFields,
    /// Messages by field name (`general` for the request as a whole).
    pub errors: BTreeMap<String, String>,
}

impl IssueForm {
    pub fn new(ui: &Ui, jmbg: &str, fields: IssueFields) -> IssueForm {
        let kind = if fields.kind.is_empty() { "birth" } else { fields.kind.as_str() };
        let language = if fields.language.is_empty() { ui.locale.register_language().as_str() } else { fields.language.as_str() };
        let script = if fields.script.is_empty() { ui.locale.script().as_str() } else { fields.script.as_str() };
        let relation = if fields.relation.is_empty() { "self" } else { fields.relation.as_str() };
        IssueForm {
            action: format!("/counter/persons/{jmbg}/extracts"),
            kinds: choices(&ExtractKind::ALL, ExtractKind::as_str, |k| ui.t(&format!("kind-{}", k.as_str())), kind),
            languages: choices(
                &[Language::Bs, Language::Hr, Language::Sr],
                Language::as_str,
                |l| ui.t(&format!("doc-language-{}", l.as_str())),
                language,
            ),
            scripts: choices(&[Script::Latin, Script::Cyrillic], Script::as_str, |s| ui.t(&format!("script-{}", s.as_str())), script),
            relations: choices(&Relation::ALL, Relation::as_str, |r| ui.t(&format!("relation-{}", r.as_str())), relation),
            fields,
            errors: BTreeMap::new(),
        }
    }

    /// The message for a field, if it has one.
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    fn refuse(&mut self, ui: &Ui, e: &FieldError) {
        let field = match e.field.as_deref() {
            Some("requester.name") => "requester_name",
            Some(f) if f.starts_with("requester.jmbg") || f == "requester_jmbg" => "requester_jmbg",
            Some("requester.document") => "requester_document",
            Some("requester.evidence") => "evidence",
            Some("purpose") => "purpose",
            Some("relation") => "relation",
            Some("kind") | Some("entry_id") => "kind",
            Some("language") => "language",
            Some("script") => "script",
            _ => "general",
        };
        self.errors.entry(field.to_string()).or_insert_with(|| ui.error_text(e.code, &e.message));
    }
}

#[derive(Template)]
#[template(path = "issue.html")]
pub(crate) struct IssuePage<'a> {
    pub ui: &'a Ui,
    pub name: String,
    pub jmbg: String,
    pub form: IssueForm,
    pub back: String,
}

fn person_back(jmbg: &str, f: &IssueFields) -> String {
    let mut pairs = vec![("purpose", f.read_purpose.as_str())];
    if !f.case.is_empty() {
        pairs.push(("case", f.case.as_str()));
    }
    format!("/counter/persons/{jmbg}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// `POST /counter/persons/{jmbg}/extracts`: issues the document, or has the refusal decided.
pub async fn issue(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(jmbg): Path<String>,
    Form(f): Form<IssueFields>,
) -> Response {
    issue_document(&state, &ui, &jmbg, f, None).await
}

/// Issues a document from this node's registers, or (with `holder`) from the records the
/// member holding the entry sends; a refused form keeps everything typed.
pub(crate) async fn issue_document(state: &AppState, ui: &Ui, jmbg: &str, f: IssueFields, holder: Option<&str>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(sealer) = state.sealer.as_ref() else {
        return error_page(ui, StatusCode::SERVICE_UNAVAILABLE, "error-500-title", &ui.t("issue-no-key"));
    };
    let Ok(subject) = Jmbg::parse(jmbg, CheckMode::Lenient) else {
        return error_page(ui, StatusCode::BAD_REQUEST, "error-404-title", &ui.ta("person-bad-jmbg", "jmbg", jmbg));
    };
    let mut form = IssueForm::new(ui, subject.as_str(), f.clone());
    if let Some(member) = holder {
        form.action = super::elsewhere::issue_path(member, subject.as_str());
    }
    let fields = RequestFields {
        kind: f.kind.clone(),
        subject_jmbg: subject.to_string(),
        language: f.language.clone(),
        script: f.script.clone(),
        requester_name: f.requester_name.clone(),
        requester_jmbg: f.requester_jmbg.clone(),
        requester_document: f.requester_document.clone(),
        relation: f.relation.clone(),
        evidence: f.evidence.clone(),
        purpose: f.purpose.clone(),
    };
    let request = match parse_request(&fields, CheckMode::Lenient) {
        Ok(request) => request,
        Err(errors) => {
            for e in &errors {
                form.refuse(ui, e);
            }
            return refused_form(ui, &subject, form);
        }
    };
    let place = IssuePlace { verify_base: state.public_url.clone() };
    let decided = match holder {
        None => state.store.request_extract(&caller.actor, request, sealer, &place).await,
        Some(member) => match super::elsewhere::fetch_records(state, &caller, member, &request, &f.case).await {
            Ok(source) => state.store.request_remote_extract(&caller.actor, request, source, sealer, &place).await,
            Err(message) => {
                form.errors.insert("general".into(), message(ui));
                return refused_form(ui, &subject, form);
            }
        },
    };
    match decided {
        Ok(Ok(Outcome::Issued(i))) => Redirect::to(&format!("/counter/extracts/{}", i.content.issue.number.id())).into_response(),
        Ok(Ok(Outcome::Refused(facts))) => Redirect::to(&format!("/counter/refusals/{}", facts.number.id())).into_response(),
        Ok(Err(refusal)) => {
            for e in &refusal.errors {
                form.refuse(ui, e);
            }
            refused_form(ui, &subject, form)
        }
        Err(error) => internal_error(ui, &error),
    }
}

fn refused_form(ui: &Ui, subject: &Jmbg, form: IssueForm) -> Response {
    let back =
        if form.action.starts_with("/counter/elsewhere") { form.action.clone() } else { person_back(subject.as_str(), &form.fields) };
    let page = IssuePage { ui, name: form.fields.subject_name.clone(), jmbg: subject.to_string(), back, form };
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "issued.html")]
struct IssuedPage<'a> {
    ui: &'a Ui,
    refused: bool,
    title: String,
    facts: Vec<(String, String)>,
    pdf: String,
    verify: Option<String>,
    reason: Option<String>,
}

fn parse_number(ui: &Ui, number: &str) -> Result<ExtractNumber, Response> {
    ExtractNumber::parse(number).ok_or_else(|| error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found")))
}

/// The counter's page of a registered document or refusal.
pub(crate) fn counter_href(row: &ExtractRow) -> String {
    format!("/counter/{}/{}", if row.outcome == "refused" { "refusals" } else { "extracts" }, row.number().id())
}

/// A row of the register of issued documents (`issued`) or refusals (`refused`), for a reader.
async fn registered(state: &AppState, ui: &Ui, outcome: &str, number: &str) -> Result<(ExtractNumber, ExtractRow), Response> {
    ui.require(&READERS)?;
    let n = parse_number(ui, number)?;
    match state.store.backend().extract_by_number(outcome, &n.office, i64::from(n.year), n.serial).await {
        Ok(Some(row)) => Ok((n, row)),
        Ok(None) => Err(error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found"))),
        Err(error) => Err(internal_error(ui, &error)),
    }
}

/// `GET /counter/extracts/{number}`: an issued document, with its PDF for printing.
pub async fn issued(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    let (n, row) = match registered(&state, &ui, "issued", &number).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let seal = row.seal.as_deref().and_then(|s| <[u8; 64]>::try_from(s).ok());
    let verify = seal.map(|s| opcina_core::extract::seal::verify_url(&row.verify_base, &n, &s));
    let mut facts = facts(&ui, &n, &row, Some(row.fee.map_or_else(String::new, |f| fee_text(&ui, f, row.fee_exemption.as_deref()))));
    // Drawn from another municipality's register: which one.
    match state.store.backend().remote_records(row.id).await {
        Ok(Some(kept)) => facts.insert(3, (ui.t("issued-holder"), format!("{} ({})", kept.municipality, kept.member))),
        Ok(None) => {}
        Err(error) => return internal_error(&ui, &error),
    }
    let page = IssuedPage {
        ui: &ui,
        refused: false,
        title: ui.t("issued-title"),
        facts,
        pdf: format!("/counter/extracts/{}/pdf", n.id()),
        verify,
        reason: None,
    };
    render(&page)
}

fn fee_text(ui: &Ui, fee: i64, exemption: Option<&str>) -> String {
    match exemption {
        Some(e) if fee == 0 => ui.ta("extract-fee-exempt", "basis", e),
        _ => ui.locale.money(fee),
    }
}

fn facts(ui: &Ui, n: &ExtractNumber, row: &ExtractRow, fee: Option<String>) -> Vec<(String, String)> {
    let kind = ui.kind_label(&row.kind);
    let relation = ui.relation_label(&row.relation);
    let mut out = vec![
        (ui.t("verify-number"), n.to_string()),
        (ui.t("verify-kind"), kind),
        (ui.t("person-jmbg"), row.subject_jmbg.clone()),
        (ui.t("issue-requester-name"), row.requester_name.clone()),
        (ui.t("issue-relation"), relation),
        (ui.t("issue-purpose"), row.purpose.clone()),
    ];
    if let Some(fee) = fee.filter(|f| !f.is_empty()) {
        out.push((ui.t("extract-fee"), fee));
    }
    out.push((ui.t("extract-official"), format!("{}, {}", row.official_name, row.office_name)));
    out
}

/// `GET /counter/refusals/{number}`: a refused request, with its decision.
pub async fn refused(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    let (n, row) = match registered(&state, &ui, "refused", &number).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let reason =
        row.refusal_code.as_deref().map(|code| ui.t(&format!("refusal-{}", code.trim_start_matches("extract.").replace('_', "-"))));
    let page = IssuedPage {
        ui: &ui,
        refused: true,
        title: ui.t("refused-title"),
        facts: facts(&ui, &n, &row, None),
        pdf: format!("/counter/refusals/{}/pdf", n.id()),
        verify: None,
        reason,
    };
    render(&page)
}

/// `GET /counter/extracts/{number}/pdf`: the document for printing, reproduced from the
/// register (logged as a read of the person's records).
pub async fn issued_pdf(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(sealer) = state.sealer.clone() else {
        return error_page(&ui, StatusCode::SERVICE_UNAVAILABLE, "error-500-title", &ui.t("issue-no-key"));
    };
    let n = match parse_number(&ui, &number) {
        Ok(n) => n,
        Err(page) => return page,
    };
    let reproduced = match state.store.reproduce_extract(&n).await {
        Ok(r) => r,
        Err(ReproduceError::NotFound(_) | ReproduceError::Refusal(_)) => {
            return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found"));
        }
        Err(error) => return internal_error(&ui, &error),
    };
    let subject = reproduced.row.subject_jmbg.clone();
    if let Err(error) =
        log_reads(&state, &caller, &[&subject], reproduced.row.entry_id, "extract.printed", "ispis izdanog dokumenta", Some(&n.id())).await
    {
        return internal_error(&ui, &error);
    }
    match tokio::task::spawn_blocking(move || opcina_pdf::issue_pdf(&reproduced.content, &reproduced.seal, sealer.key())).await {
        Ok(Ok(pdf)) => pdf_response(pdf.pdf, &n.id()),
        Ok(Err(error)) => internal_error(&ui, &error),
        Err(error) => internal_error(&ui, &error),
    }
}

/// `GET /counter/refusals/{number}/pdf`: the refusal decision for printing.
pub async fn refusal_pdf(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    if let Err(page) = ui.require(&[Role::Registrar, Role::CounterClerk]) {
        return page;
    }
    let n = match parse_number(&ui, &number) {
        Ok(n) => n,
        Err(page) => return page,
    };
    let facts = match state.store.refusal_facts(&n).await {
        Ok(Some(f)) => f,
        Ok(None) => return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found")),
        Err(error) => return internal_error(&ui, &error),
    };
    match tokio::task::spawn_blocking(move || opcina_pdf::decision_pdf(&facts)).await {
        Ok(Ok(pdf)) => pdf_response(pdf.pdf, &format!("odluka-{}", n.id())),
        Ok(Err(error)) => internal_error(&ui, &error),
        Err(error) => internal_error(&ui, &error),
    }
}
