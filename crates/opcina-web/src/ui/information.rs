//! Access to information (ZOSPI FBiH): the public form a request is made from (no account; it
//! is registered as a case and followed on the tracking page with its number and access
//! code), the register of requests, a request with the decision on it — granted, granted in
//! part, refused on an exemption with the public-interest test and the appeal, or not held
//! by the body — and the quarter's figures the body reports to the Ombudsman.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::Datelike;
use opcina_core::docflow::case::{CaseAction, CaseState, Outcome};
use opcina_core::publicinfo::information::{
    AccessForm, Decision, DecisionFields, DecisionKind, Exemption, FORWARD_DAYS, Figures, RequestFields, Requester, TERM_DAYS, quarter,
    quarter_of,
};
use opcina_core::registry::Role;
use opcina_store::mail::Letter;
use opcina_store::publicinfo_information::{DecisionLetter, InformationItem};
use opcina_store::publicinfo_rows::InformationRequestRow;
use opcina_store::rows::CaseRow;
use serde::Deserialize;

use super::forms::Choice;
use super::{FieldErrors, Ui, date_label, error_page, internal_error, refusal_text, render, render_with};
use crate::AppState;
use crate::auth::REVIEWERS;
use crate::i18n::{Arg, Locale};
use crate::limits::Client;

/// Who reads the quarter's figures: everyone who reads cases, and the PR officer and the
/// approvers who answer for the body's openness (no one is named in them).
const FIGURES: [Role; 6] = [Role::CounterClerk, Role::Registrar, Role::Official, Role::Auditor, Role::PressOfficer, Role::Approver];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    requester: String,
    #[serde(default)]
    access: String,
    #[serde(default)]
    information: String,
    /// Left empty by people (the field is hidden from them); filled by robots.
    #[serde(default)]
    website: String,
}

impl RequestForm {
    fn fields(&self) -> RequestFields {
        RequestFields {
            name: self.name.clone(),
            address: self.address.clone(),
            email: self.email.clone(),
            requester: self.requester.clone(),
            access: self.access.clone(),
            information: self.information.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "information.html")]
struct RequestPage<'a> {
    ui: &'a Ui,
    f: RequestForm,
    requesters: Vec<Choice>,
    accesses: Vec<Choice>,
    term: String,
    errors: FieldErrors,
}

fn choices<T: Copy>(ui: &Ui, all: &[T], code: fn(T) -> &'static str, prefix: &str, chosen: &str) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: code(*v).to_string(),
            label: ui.t(&format!("{prefix}-{}", code(*v).replace('_', "-"))),
            selected: code(*v) == chosen,
        })
        .collect()
}

fn request_page(ui: &Ui, f: RequestForm, errors: FieldErrors) -> Response {
    let requester = if f.requester.is_empty() { Requester::Person.as_str().to_string() } else { f.requester.clone() };
    let access = if f.access.is_empty() { AccessForm::Email.as_str().to_string() } else { f.access.clone() };
    let requesters = choices(ui, &Requester::ALL, Requester::as_str, "information-requester", &requester);
    let accesses = choices(ui, &AccessForm::ALL, AccessForm::as_str, "information-access", &access);
    let term = ui.tn("information-term", TERM_DAYS as usize);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(status, &RequestPage { ui, f, requesters, accesses, term, errors })
}

/// `GET /information`: what the right to information is and the form to ask.
pub async fn form(Extension(ui): Extension<Ui>) -> Response {
    request_page(&ui, RequestForm::default(), FieldErrors::default())
}

#[derive(Template)]
#[template(path = "information_sent.html")]
struct SentPage<'a> {
    ui: &'a Ui,
    number: String,
    code: String,
    due: String,
}

/// `POST /information`: a request, within the limits per client and per address; registered
/// as a case, its number and access code shown once.
pub async fn request(State(state): State<AppState>, Extension(ui): Extension<Ui>, client: Client, Form(f): Form<RequestForm>) -> Response {
    if !f.website.is_empty() {
        tracing::warn!(%client, "a request for information refused: the field hidden from people was filled");
        let errors = FieldErrors(std::collections::BTreeMap::from([("general".to_string(), ui.t("message-not-taken"))]));
        return request_page(&ui, f, errors);
    }
    if let Err(wait) = state.limits.messages.hit(&client.key()) {
        tracing::warn!(%client, "a request for information refused: over the limit");
        return super::rate_limited(&ui, wait);
    }
    let email = f.email.trim().to_lowercase();
    if !email.is_empty() {
        if let Err(wait) = state.limits.messages.hit(&format!("mail:{email}")) {
            return super::rate_limited(&ui, wait);
        }
    }
    match state.store.request_information(&f.fields(), ui.locale.code()).await {
        Ok(Ok(r)) => render(&SentPage { ui: &ui, number: r.case.number, code: r.access_code, due: date_label(&ui, &r.case.due_on) }),
        Ok(Err(refusal)) => request_page(&ui, f, FieldErrors::of(&ui, &refusal)),
        Err(e) => internal_error(&ui, &e),
    }
}

/// A request as the register and its page show it.
pub struct RequestView {
    pub href: String,
    pub case_href: String,
    pub number: String,
    pub received: String,
    pub due: String,
    pub overdue: bool,
    pub requester_name: String,
    pub requester: String,
    pub access: String,
    pub email: String,
    pub address: String,
    pub subject: String,
    pub information: Vec<String>,
    pub state: String,
    pub decision: String,
    pub decided_on: String,
    pub appealed: bool,
}

fn lines(t: &str) -> Vec<String> {
    t.lines().map(str::to_string).collect()
}

fn view(ui: &Ui, item: &InformationItem, today: &str) -> RequestView {
    let case = &item.case;
    let request = item.request.as_ref();
    let pending = case.state.pending();
    RequestView {
        href: format!("/information/requests/{}", case.id),
        case_href: format!("/cases/{}", case.id),
        number: case.number.clone(),
        received: date_label(ui, &case.opened_on),
        due: date_label(ui, &case.due_on),
        overdue: pending && case.due_on.as_str() < today,
        requester_name: case.party_name.clone(),
        requester: request.map_or_else(|| ui.t("information-requester-unknown"), |r| ui.t(&requester_key(r.requester))),
        access: request.map(|r| ui.t(&format!("information-access-{}", r.access.as_str()))).unwrap_or_default(),
        email: request.and_then(|r| r.email.clone()).unwrap_or_default(),
        address: case.party_address.clone(),
        subject: case.subject.clone(),
        information: request.map(|r| lines(&r.information)).unwrap_or_default(),
        state: ui.t(&format!("case-state-{}", case.state.as_str().replace('_', "-"))),
        decision: item.decision.as_ref().map(|d| ui.t(&decision_key(d.kind))).unwrap_or_default(),
        decided_on: item.decision.as_ref().map(|d| date_label(ui, &d.decided_on)).unwrap_or_default(),
        appealed: item.appealed,
    }
}

fn requester_key(r: Requester) -> String {
    format!("information-requester-{}", r.as_str().replace('_', "-"))
}

fn decision_key(k: DecisionKind) -> String {
    format!("information-decision-{}", k.as_str().replace('_', "-"))
}

fn exemption_label(ui: &Ui, e: Exemption) -> String {
    ui.locale.t_args(&format!("information-exemption-{}", e.as_str()), &[("article", Arg::Number(i64::from(e.article())))])
}

#[derive(Debug, Default, Deserialize)]
pub struct YearParams {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    quarter: Option<u32>,
}

#[derive(Template)]
#[template(path = "information_register.html")]
struct RegisterPage<'a> {
    ui: &'a Ui,
    year: i32,
    years: Vec<i32>,
    items: Vec<RequestView>,
    summary: String,
}

/// `GET /information/requests?year=`: the register of requests of a year, newest first.
pub async fn register(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(p): Query<YearParams>) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let this_year = state.store.today().year();
    let year = p.year.unwrap_or(this_year);
    let items = match state.store.information_register(&caller.actor, year).await {
        Ok(Ok(items)) => items,
        Ok(Err(refusal)) => return error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(&ui, &refusal)),
        Err(e) => return internal_error(&ui, &e),
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let items: Vec<RequestView> = items.iter().map(|i| view(&ui, i, &today)).collect();
    let waiting = items.iter().filter(|i| i.decision.is_empty()).count();
    let overdue = items.iter().filter(|i| i.overdue).count();
    let summary = super::messages::waiting_summary(&ui, "information-waiting", waiting, overdue);
    let years = (this_year - 4..=this_year).rev().collect();
    render(&RegisterPage { ui: &ui, year, years, items, summary })
}

/// The decision on a request as its page shows it.
pub struct DecisionView {
    pub kind: String,
    pub exemptions: Vec<String>,
    pub reasons: Vec<String>,
    pub public_interest: Vec<String>,
    pub given: Vec<String>,
    pub forwarded_to: String,
    pub appeal_to: Vec<String>,
    pub decided_on: String,
    pub decided_by: String,
}

#[derive(Debug, Clone, Default)]
pub struct DecisionForm {
    kind: String,
    exemptions: Vec<String>,
    reasons: String,
    public_interest: String,
    given: String,
    forwarded_to: String,
    appeal_to: String,
}

impl DecisionForm {
    fn parse(pairs: Vec<(String, String)>) -> DecisionForm {
        let mut f = DecisionForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => f.kind = v,
                "exemptions" => f.exemptions.push(v),
                "reasons" => f.reasons = v,
                "public_interest" => f.public_interest = v,
                "given" => f.given = v,
                "forwarded_to" => f.forwarded_to = v,
                "appeal_to" => f.appeal_to = v,
                _ => {}
            }
        }
        f
    }

    fn fields(&self) -> DecisionFields {
        DecisionFields {
            kind: self.kind.clone(),
            exemptions: self.exemptions.clone(),
            reasons: self.reasons.clone(),
            public_interest: self.public_interest.clone(),
            given: self.given.clone(),
            forwarded_to: self.forwarded_to.clone(),
            appeal_to: self.appeal_to.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "information_request.html")]
struct RequestItemPage<'a> {
    ui: &'a Ui,
    id: i64,
    r: RequestView,
    decision: Option<DecisionView>,
    /// The decision form is offered (the user may decide and the case is in work).
    may_decide: bool,
    /// The case still waits for the registry office to hand it to the unit.
    not_handed: bool,
    f: DecisionForm,
    kinds: Vec<Choice>,
    exemptions: Vec<Choice>,
    forward_days: String,
    errors: FieldErrors,
}

async fn request_item_page(state: &AppState, ui: &Ui, id: i64, f: DecisionForm, errors: FieldErrors) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (item, config) = match (state.store.information_request(&caller.actor, id).await, state.store.docflow_config().await) {
        (Ok(Ok(i)), Ok(c)) => (i, c),
        (Ok(Err(refusal)), _) => return super::refused_one(ui, &refusal, "publicinfo.information.not_found"),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let sample = CaseAction::Decide { outcome: Outcome::Granted, summary: String::new() };
    let may_decide = item.decision.is_none()
        && item.case.state == CaseState::InWork
        && opcina_store::docflow::may_step(&caller.actor, &config, &item.case, &sample).is_ok();
    let not_handed = item.decision.is_none() && item.case.state == CaseState::Registered;
    let decision = item.decision.as_ref().map(|d| DecisionView {
        kind: ui.t(&decision_key(d.kind)),
        exemptions: d.exemptions.split(',').filter_map(Exemption::parse).map(|e| exemption_label(ui, e)).collect(),
        reasons: lines(&d.reasons),
        public_interest: lines(&d.public_interest),
        given: lines(&d.given),
        forwarded_to: d.forwarded_to.clone().unwrap_or_default(),
        appeal_to: d.appeal_to.as_deref().map(lines).unwrap_or_default(),
        decided_on: date_label(ui, &d.decided_on),
        decided_by: d.decided_by.clone(),
    });
    let chosen = if f.kind.is_empty() { DecisionKind::Granted.as_str().to_string() } else { f.kind.clone() };
    let kinds = DecisionKind::ALL
        .iter()
        .map(|k| Choice { value: k.as_str().to_string(), label: ui.t(&decision_key(*k)), selected: k.as_str() == chosen })
        .collect();
    let exemptions = Exemption::ALL
        .iter()
        .map(|e| Choice {
            value: e.as_str().to_string(),
            label: exemption_label(ui, *e),
            selected: f.exemptions.iter().any(|x| x == e.as_str()),
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = RequestItemPage {
        ui,
        id,
        r: view(ui, &item, &today),
        decision,
        may_decide,
        not_handed,
        f,
        kinds,
        exemptions,
        forward_days: ui.tn("information-forward-days", FORWARD_DAYS as usize),
        errors,
    };
    render_with(status, &page)
}

/// `GET /information/requests/{id}`: a request, its decision or the form to decide it.
pub async fn request_item(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    request_item_page(&state, &ui, id, DecisionForm::default(), FieldErrors::default()).await
}

/// The e-mail that carries a decision, in the language of the page the request came from.
pub fn decision_letter(municipality: String) -> DecisionLetter {
    Box::new(move |case: &CaseRow, request: &InformationRequestRow, d: &Decision| {
        let locale = Locale::parse(&request.language).unwrap_or(Locale::Bs);
        let script = locale.script();
        let number = [("number", Arg::Text(&case.number))];
        let subject = locale.t_args("information-mail-subject", &number);
        let mut parts = vec![
            format!(
                "{}\n\n{}",
                locale.t_args("information-mail-intro", &[("name", Arg::Text(&case.party_name))]),
                locale.t_args("information-mail-decided", &number)
            ),
            locale.t(&format!("information-mail-{}", d.kind.as_str().replace('_', "-"))),
        ];
        let section = |label: &str, text: &str| format!("{}:\n{}", locale.t(label), script.write_recorded(text));
        if !d.given.is_empty() {
            parts.push(section("information-given", &d.given));
        }
        if !d.exemptions.is_empty() {
            let names: Vec<String> = d
                .exemptions
                .iter()
                .map(|e| {
                    format!(
                        "- {}",
                        locale
                            .t_args(&format!("information-exemption-{}", e.as_str()), &[("article", Arg::Number(i64::from(e.article())))])
                    )
                })
                .collect();
            parts.push(format!("{}:\n{}", locale.t("information-exemptions"), names.join("\n")));
        }
        if !d.reasons.is_empty() {
            parts.push(section("information-reasons", &d.reasons));
        }
        if !d.public_interest.is_empty() {
            parts.push(section("information-public-interest", &d.public_interest));
        }
        if let Some(to) = &d.forwarded_to {
            parts.push(section("information-forwarded-to", to));
        }
        if let Some(appeal) = &d.appeal_to {
            parts.push(section("information-appeal", appeal));
            parts.push(locale.t("information-mail-ombudsman"));
        }
        parts.push(locale.t_args("information-mail-track", &number));
        let body = format!(
            "{}\n\n-- \n{}\n",
            parts.join("\n\n"),
            locale.t_args("site-title", &[("municipality", Arg::Text(&script.write_recorded(&municipality)))]),
        );
        Letter { subject, body }
    })
}

/// `POST /information/requests/{id}/decide`: the decision, entered in the book as the case's
/// and mailed to the requester when they gave an address.
pub async fn decide(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let f = DecisionForm::parse(pairs);
    let municipality = match state.store.node_if_set_up().await {
        Ok(n) => n.map(|n| n.municipality).unwrap_or_default(),
        Err(e) => return internal_error(&ui, &e),
    };
    match state.store.decide_information(&caller.actor, id, f.fields(), decision_letter(municipality)).await {
        Ok(Ok(_)) => Redirect::to(&format!("/information/requests/{id}")).into_response(),
        Ok(Err(refusal)) if refusal.has_code("publicinfo.information.not_found") => {
            super::refused_one(&ui, &refusal, "publicinfo.information.not_found")
        }
        Ok(Err(refusal)) => request_item_page(&state, &ui, id, f, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// A line of the figures: what is counted and how many.
pub struct CountLine {
    pub label: String,
    pub count: u32,
}

#[derive(Template)]
#[template(path = "information_figures.html")]
struct FiguresPage<'a> {
    ui: &'a Ui,
    year: i32,
    quarter: u32,
    quarters: Vec<u32>,
    years: Vec<i32>,
    period: String,
    f: Figures,
    requesters: Vec<CountLine>,
    decisions: Vec<CountLine>,
    exemptions: Vec<CountLine>,
}

/// `GET /information/figures?year=&quarter=`: the quarter's figures for the Ombudsman.
pub async fn figures(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(p): Query<YearParams>) -> Response {
    if let Err(r) = ui.require(&FIGURES) {
        return r;
    }
    let today = state.store.today();
    let year = p.year.unwrap_or(today.year());
    let q = p.quarter.unwrap_or(quarter_of(today));
    let Some((from, to)) = quarter(year, q).filter(|_| (2000..=9999).contains(&year)) else {
        return error_page(&ui, StatusCode::BAD_REQUEST, "information-figures-title", &ui.t("information-quarter-invalid"));
    };
    let f = match state.store.information_figures(from, to).await {
        Ok(f) => f,
        Err(e) => return internal_error(&ui, &e),
    };
    let count = |code: &str, key: String| CountLine {
        label: ui.t(&key),
        count: f.by_requester.iter().chain(&f.by_decision).chain(&f.by_exemption).find(|c| c.code == code).map_or(0, |c| c.count),
    };
    let requesters = Requester::ALL
        .iter()
        .map(|r| count(r.as_str(), requester_key(*r)))
        .chain([count("unknown", "information-requester-unknown".into())])
        .collect();
    let decisions = DecisionKind::ALL.iter().map(|k| count(k.as_str(), decision_key(*k))).collect();
    let exemptions = Exemption::ALL
        .iter()
        .map(|e| CountLine {
            label: exemption_label(&ui, *e),
            count: f.by_exemption.iter().find(|c| c.code == e.as_str()).map_or(0, |c| c.count),
        })
        .collect();
    let period = format!("{} – {}", ui.locale.date(from), ui.locale.date(to));
    let years = (today.year() - 4..=today.year()).rev().collect();
    render(&FiguresPage { ui: &ui, year, quarter: q, quarters: vec![1, 2, 3, 4], years, period, f, requesters, decisions, exemptions })
}
