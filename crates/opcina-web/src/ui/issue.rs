//! The counter's form to issue a document, and what happens when it is sent: the document
//! issued from this node's registers, or from the records the member holding the entry
//! sends (asked for through the federation), or the refusal decided — a refused form keeps
//! everything typed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::extract::form::{RequestFields, parse_request};
use opcina_core::extract::{ExtractKind, ExtractRequest, Language, Relation};
use opcina_core::names::Script;
use opcina_core::{CheckMode, FieldError, Jmbg};
use opcina_federation::messages::{Context, EntryQuery};
use opcina_store::extracts::{IssuePlace, Outcome, RemoteSource};
use serde::Deserialize;

use super::forms::Choice;
use super::{Ui, error_page, internal_error, render_with};
use crate::AppState;
use crate::auth::{Caller, READERS};
use crate::i18n::Arg;

/// Where the form to issue a document from `member`'s records posts.
pub fn issue_path(member: &str, jmbg: &str) -> String {
    format!("/counter/elsewhere/{member}/{jmbg}")
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
        form.action = issue_path(member, subject.as_str());
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
        Some(member) => match fetch_records(state, &caller, member, &request, &f.case).await {
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

pub(super) fn context(state_member: &str, caller: &Caller, office_name: String, purpose: &str, relation: &str, case: &str) -> Context {
    Context {
        member: state_member.to_string(),
        office: caller.actor.office.clone().unwrap_or_default(),
        office_name,
        username: caller.actor.username.clone(),
        official: caller.full_name.clone(),
        purpose: purpose.trim().to_string(),
        legal_basis: relation.to_string(),
        case_number: Some(case.trim().to_string()).filter(|c| !c.is_empty()),
    }
}

pub(super) async fn office_name(state: &AppState, caller: &Caller) -> String {
    let code = caller.actor.office.clone().unwrap_or_default();
    match state.store.offices().await {
        Ok(offices) => offices.into_iter().find(|o| o.code == code).map_or(code, |o| o.name),
        Err(_) => code,
    }
}

/// A message for the clerk, in the interface's language.
pub type Message = Box<dyn FnOnce(&Ui) -> String + Send>;

/// Asks `member` for the records the document is to be drawn from.
pub(crate) async fn fetch_records(
    state: &AppState,
    caller: &Caller,
    member: &str,
    request: &ExtractRequest,
    case: &str,
) -> Result<RemoteSource, Message> {
    let Some(federation) = state.federation.clone() else {
        return Err(Box::new(|ui: &Ui| ui.t("elsewhere-off")));
    };
    let relation: &str = Relation::as_str(request.relation);
    let ctx = context(&federation.settings.member, caller, office_name(state, caller).await, &request.purpose, relation, case);
    let query = EntryQuery { context: ctx, request: request.clone() };
    match federation.entry_for_extract(state, &caller.actor, member, &query).await {
        Ok(a) => Ok(RemoteSource { member: a.member, municipality: a.municipality, position: a.position, records: a.records }),
        Err(e) => {
            let member = member.to_string();
            Err(Box::new(move |ui: &Ui| {
                let reason = match &e {
                    // The holder's own refusal (not entitled, no entry): its code is the domain's.
                    opcina_federation::client::CallError::Refused { code, message, .. } => ui.error_text(code, message),
                    other => ui.error_text(other.code(), &other.to_string()),
                };
                ui.locale.t_args("elsewhere-failed-member", &[("member", Arg::Text(&member)), ("reason", Arg::Text(&reason))])
            }))
        }
    }
}
