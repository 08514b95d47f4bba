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
use opcina_core::{CheckMode, Jmbg};
use serde::Deserialize;

use super::forms::Choice;
use super::issue::{IssueFields, IssueForm, context, issue_document, issue_path, office_name};
use super::{Ui, error_page, render};
use crate::AppState;
use crate::auth::READERS;

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
    relations: Vec<Choice>,
    error: Option<String>,
    searched: bool,
    holders: Vec<Holder>,
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
