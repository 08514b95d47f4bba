//! The counter's way to records another municipality keeps: find which member of the
//! federation holds a person's entries (by JMBG), then issue the document here from the
//! records the holder sends — "data travels, not citizens". Every question and answer is in
//! both nodes' message logs, and the holder logs the read in its own access log.

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use opcina_core::extract::{ExtractRequest, Relation};
use opcina_core::{CheckMode, Jmbg};
use opcina_federation::messages::{Context, EntryQuery};
use opcina_store::extracts::RemoteSource;
use serde::Deserialize;

use super::extracts::{IssueFields, IssueForm, issue_document};
use super::{Ui, error_page, render};
use crate::AppState;
use crate::api::READERS;
use crate::auth::Caller;
use crate::i18n::Arg;

/// Where the form to issue a document from `member`'s records posts.
pub fn issue_path(member: &str, jmbg: &str) -> String {
    format!("/counter/elsewhere/{member}/{jmbg}")
}

/// The search's fields (also what the issue form is prefilled with).
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    #[serde(default)]
    jmbg: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    case: String,
}

/// One member's answer, for the template.
pub struct Holder {
    name: String,
    code: String,
    holds: bool,
    registers: String,
    failed: Option<String>,
    issue: String,
}

#[derive(Template)]
#[template(path = "elsewhere.html")]
struct ElsewherePage<'a> {
    ui: &'a Ui,
    jmbg: String,
    purpose: String,
    case: String,
    relations: Vec<super::extracts::Choice>,
    error: Option<String>,
    searched: bool,
    holders: Vec<Holder>,
}

fn context(state_member: &str, caller: &Caller, office_name: String, purpose: &str, relation: &str, case: &str) -> Context {
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

async fn office_name(state: &AppState, caller: &Caller) -> String {
    let code = caller.actor.office.clone().unwrap_or_default();
    match state.store.backend().offices().await {
        Ok(offices) => offices.into_iter().find(|o| o.code == code).map_or(code, |o| o.name),
        Err(_) => code,
    }
}

/// `GET /counter/elsewhere`: the search by JMBG across the federation, and its answers.
pub async fn search(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<Search>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(federation) = state.federation.clone() else {
        return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("elsewhere-off"));
    };
    let relation = if q.relation.is_empty() { "self" } else { q.relation.as_str() };
    let relations = IssueForm::new(&ui, "", IssueFields { relation: relation.to_string(), ..IssueFields::default() }).relations;
    let mut page = ElsewherePage {
        ui: &ui,
        jmbg: q.jmbg.trim().to_string(),
        purpose: q.purpose.clone(),
        case: q.case.clone(),
        relations,
        error: None,
        searched: false,
        holders: Vec::new(),
    };
    if q.jmbg.trim().is_empty() {
        return render(&page);
    }
    let jmbg = match Jmbg::parse(q.jmbg.trim(), CheckMode::Lenient) {
        Ok(j) => j,
        Err(_) => {
            page.error = Some(ui.ta("person-bad-jmbg", "jmbg", q.jmbg.trim()));
            return render(&page);
        }
    };
    if q.purpose.trim().is_empty() {
        page.error = Some(ui.t("elsewhere-purpose-needed"));
        return render(&page);
    }
    let ctx = context(&federation.settings.member, &caller, office_name(&state, &caller).await, &q.purpose, relation, &q.case);
    match federation.locate(&state, &caller.actor, &ctx, &jmbg).await {
        Ok(found) => {
            page.searched = true;
            let query = serde_urlencoded::to_string([("purpose", q.purpose.trim()), ("relation", relation), ("case", q.case.trim())])
                .unwrap_or_default();
            page.holders = found
                .into_iter()
                .map(|l| {
                    let (holds, registers, failed) = match &l.result {
                        Ok(a) => (a.holds, a.registers.join(", "), None),
                        Err(e) => (false, String::new(), Some(ui.error_text(e.code(), &e.to_string()))),
                    };
                    Holder {
                        issue: format!("{}?{query}", issue_path(&l.member, jmbg.as_str())),
                        name: l.name,
                        code: l.member,
                        holds,
                        registers,
                        failed,
                    }
                })
                .collect();
        }
        Err(e) => page.error = Some(ui.error_text(e.code(), &e.to_string())),
    }
    render(&page)
}

#[derive(Template)]
#[template(path = "elsewhere_issue.html")]
struct IssueElsewherePage<'a> {
    ui: &'a Ui,
    jmbg: String,
    member: String,
    form: IssueForm,
    back: String,
}

/// `GET /counter/elsewhere/{member}/{jmbg}`: the form to issue a document drawn from the
/// entry `member` holds.
pub async fn form(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path((member, jmbg)): Path<(String, String)>,
    Query(p): Query<Search>,
) -> Response {
    if let Err(page) = ui.require(&READERS) {
        return page;
    }
    let Some(federation) = state.federation.clone() else {
        return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("elsewhere-off"));
    };
    let name = federation.directory().and_then(|d| d.member(&member).map(|m| m.name.clone())).unwrap_or_else(|| member.clone());
    let fields =
        IssueFields { purpose: p.purpose.clone(), relation: p.relation, case: p.case, read_purpose: p.purpose, ..IssueFields::default() };
    let mut form = IssueForm::new(&ui, &jmbg, fields);
    form.action = issue_path(&member, &jmbg);
    let back = format!("/counter/elsewhere?{}", serde_urlencoded::to_string([("jmbg", jmbg.as_str())]).unwrap_or_default());
    render(&IssueElsewherePage { ui: &ui, jmbg, member: name, form, back })
}

/// `POST /counter/elsewhere/{member}/{jmbg}`: issues the document here from `member`'s records.
pub async fn issue(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path((member, jmbg)): Path<(String, String)>,
    Form(f): Form<IssueFields>,
) -> Response {
    issue_document(&state, &ui, &jmbg, f, Some(&member)).await
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
