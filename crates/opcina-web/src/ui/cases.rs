//! The document flow's pages: the registry office's intake (pisarnica) with the receipt the
//! party takes home, the officials' work lists (mine, due soon, overdue, waiting, …), a
//! case's file with the steps that can be taken from where it stands, and the public page
//! where a party follows its case with the number and access code from the receipt.
//!
//! The forms are the JSON API's commands written as fields ([`forms`]), so a page and the
//! API take the same input and give the same refusals.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use opcina_core::Refusal;
use opcina_core::docflow::access::{self, CaseUse, Reach};
use opcina_core::docflow::case::{CaseAction, CaseState, Dispatch, Outcome};
use opcina_core::docflow::receipt::ReceiptFacts;
use opcina_core::docflow::tracking::Tracking;
use opcina_core::docflow::worklist::{DUE_SOON_DAYS, View};
use opcina_core::registry::{Role, Timestamp};
use opcina_store::docflow::{CHANNELS, DIRECTIONS, DocDone, DocOp, Filing, Intake, access_hash, may_step};
use opcina_store::docflow_reads::ReceiptSource;
use opcina_store::rows::{CaseRow, DocflowConfig};
use serde::Deserialize;
use serde_json::Value;

use super::forms::Choice;
use super::forms::{self, Errors, Input, Options, Preset, Section, SectionView, Values, field, preset};
use super::{Ui, api_page, cookie, date_label, error_page, internal_error, parse_day, refusal_text, render, render_with, set_cookie};
use crate::AppState;
use crate::auth::{Caller, REVIEWERS, STAFF};
use crate::error::ApiError;
use crate::present::{case_query, next_cursor, pdf_response, tracking_link, with_decision_link};

/// Where the registry office finds the access code of the submission it just registered
/// (`{case id}.{code}`): shown on the receipt, printed on its PDF, never stored.
const RECEIPT_COOKIE: &str = "opcina_receipt";
/// Cases on one page of a work list.
const PAGE: i64 = 50;

/// Days until a due date, as a list and a file show them.
pub struct Deadline {
    pub text: String,
    /// `bad` (overdue), `warn` (due soon or waiting), or empty.
    pub class: &'static str,
}

fn deadline(ui: &Ui, case: &CaseRow, today: NaiveDate) -> Deadline {
    let pending = case.state.pending();
    let Some(due) = parse_day(&case.due_on).filter(|_| pending) else { return Deadline { text: String::new(), class: "" } };
    if let Some(since) = case.paused_since.as_deref().and_then(parse_day) {
        let left = usize::try_from((due - since).num_days().max(0)).unwrap_or(0);
        return Deadline { text: ui.tn("case-clock-stopped", left), class: "warn" };
    }
    let left = (due - today).num_days();
    match left {
        n if n < 0 => Deadline { text: ui.tn("case-days-over", usize::try_from(-n).unwrap_or(0)), class: "bad" },
        n => {
            Deadline { text: ui.tn("case-days-left", usize::try_from(n).unwrap_or(0)), class: if n <= DUE_SOON_DAYS { "warn" } else { "" } }
        }
    }
}

fn state_label(ui: &Ui, state: CaseState) -> String {
    ui.t(&format!("case-state-{}", state.as_str().replace('_', "-")))
}

fn step_label(ui: &Ui, kind: &str) -> String {
    ui.t(&format!("case-step-{}", kind.replace('_', "-")))
}

/// Staff's full names by username (for who holds a case and who took a step).
async fn names(state: &AppState) -> Result<BTreeMap<String, String>, opcina_store::StoreError> {
    Ok(state.store.users().await?.into_iter().map(|u| (u.username, u.full_name)).collect())
}

fn holder(case: &CaseRow, config: &DocflowConfig, names: &BTreeMap<String, String>) -> String {
    let unit = case.holder_unit.as_deref().unwrap_or(&case.unit_code);
    let unit = config.unit(unit).map_or_else(|| unit.to_string(), |u| u.name.clone());
    match case.holder_official.as_deref() {
        Some(o) => format!("{} ({unit})", names.get(o).map_or(o, String::as_str)),
        None => unit,
    }
}

fn kind_title(config: &DocflowConfig, code: &str) -> String {
    config.case_type(code).map_or_else(|| code.to_string(), |t| t.title.clone())
}

// ---------------------------------------------------------------------------------------
// Work lists

/// A case in a work list.
pub struct CaseLine {
    pub href: String,
    pub number: String,
    pub party: String,
    pub subject: String,
    pub kind: String,
    pub holder: String,
    pub due: String,
    pub deadline: Deadline,
    pub state: String,
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage<'a> {
    ui: &'a Ui,
    tabs: Vec<Tab>,
    heading: String,
    units: Vec<Choice>,
    official: bool,
    mine: bool,
    view: &'static str,
    lines: Vec<CaseLine>,
    next: Option<String>,
    first_page: Option<String>,
    find_error: Option<String>,
    find: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    view: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    mine: String,
    /// Sent by the filter form, so that an unticked "mine" is told from a first visit.
    #[serde(default)]
    f: String,
    #[serde(default)]
    after: String,
}

fn list_href(view: View, unit: &str, mine: bool, after: Option<&str>) -> String {
    let mut pairs = vec![("view", view.as_str()), ("unit", unit), ("mine", if mine { "1" } else { "" }), ("f", "1")];
    if let Some(a) = after {
        pairs.push(("after", a));
    }
    format!("/cases?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// `GET /cases`: the work list. Officials see their own cases unless they ask for their
/// unit's or all; the registry office sees every unit's.
pub async fn list(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(p): Query<ListParams>) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let view = View::parse(&p.view).unwrap_or_default();
    let official = caller.actor.role == Role::Official;
    let mine = official && (p.mine == "1" || p.f.is_empty());
    render_list(&state, &ui, &caller, view, p.unit.trim(), mine, p.after.trim(), None, String::new()).await
}

#[allow(clippy::too_many_arguments)]
async fn render_list(
    state: &AppState,
    ui: &Ui,
    caller: &Caller,
    view: View,
    unit: &str,
    mine: bool,
    after: &str,
    find_error: Option<String>,
    find: String,
) -> Response {
    let today = state.store.today();
    let query = match case_query(
        view,
        Some(unit.to_string()),
        mine.then(|| caller.actor.username.clone()),
        Some(after).filter(|a| !a.is_empty()),
        PAGE,
        today,
    ) {
        Ok(q) => q,
        Err(_) => return error_page(ui, StatusCode::BAD_REQUEST, "error-form-title", &ui.t("err-request-cursor")),
    };
    let loaded = async {
        let config = state.store.docflow_config().await?;
        let cases = state.store.work_list(&caller.actor, &query).await?;
        let names = names(state).await?;
        Ok::<_, opcina_store::StoreError>((config, cases, names))
    }
    .await;
    let (config, cases, names) = match loaded {
        Ok((config, Ok(cases), names)) => (config, cases, names),
        Ok((_, Err(refused), _)) => return api_page(ui, &ApiError::from(refused)),
        Err(e) => return internal_error(ui, &e),
    };
    let next = next_cursor(&cases, PAGE).map(|n| list_href(view, unit, mine, Some(&n)));
    let lines = cases
        .iter()
        .map(|c| CaseLine {
            href: format!("/cases/{}", c.id),
            number: c.number.clone(),
            party: c.party_name.clone(),
            subject: c.subject.clone(),
            kind: kind_title(&config, &c.case_type),
            holder: holder(c, &config, &names),
            due: date_label(ui, &c.due_on),
            deadline: deadline(ui, c, today),
            state: state_label(ui, c.state),
        })
        .collect();
    let mut units = vec![Choice { value: String::new(), label: ui.t("cases-all-units"), selected: unit.is_empty() }];
    // An official lists their own unit's cases only (`docflow::access`).
    let own = match access::reach(config.seat(&caller.actor), CaseUse::Read) {
        Ok(Reach::Unit(unit)) => Some(unit),
        _ => None,
    };
    units.extend(config.units.iter().filter(|u| own.is_none_or(|o| o == u.code)).map(|u| Choice {
        value: u.code.clone(),
        label: format!("{} {}", u.code, u.name),
        selected: u.code == unit,
    }));
    let page = CasesPage {
        ui,
        tabs: View::ALL
            .iter()
            .map(|v| Tab {
                href: list_href(*v, unit, mine, None),
                label: ui.t(&format!("cases-view-{}", v.as_str().replace('_', "-"))),
                current: *v == view,
            })
            .collect(),
        heading: ui.t(&format!("cases-view-{}", view.as_str().replace('_', "-"))),
        units,
        official: caller.actor.role == Role::Official,
        mine,
        view: view.as_str(),
        lines,
        next,
        first_page: (!after.is_empty()).then(|| list_href(view, unit, mine, None)),
        find_error,
        find,
    };
    render(&page)
}

#[derive(Debug, Default, Deserialize)]
pub struct FindParams {
    #[serde(default)]
    number: String,
}

/// `GET /cases/find?number=…`: straight to the case with this registry number.
pub async fn find(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(p): Query<FindParams>) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let number = p.number.trim();
    match state.store.case_numbered(number).await {
        Ok(Some(id)) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Ok(None) => {
            let mine = caller.actor.role == Role::Official;
            let message = ui.ta("cases-find-none", "number", number);
            render_list(&state, &ui, &caller, View::Pending, "", mine, "", Some(message), number.to_string()).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

// ---------------------------------------------------------------------------------------
// Intake and receipt

const INTAKE: &[Section] = &[
    Section {
        title: "case-new-submission",
        optional: false,
        fields: &[
            field("case_type", "case-field-kind", Input::Options, true),
            preset("channel", "case-field-channel", Input::Select(&CHANNELS), true, Preset::None),
            preset("received_on", "case-field-received-on", Input::Date, true, Preset::Today),
            field("subject", "case-field-subject", Input::Textarea, true),
            field("appeal_of", "case-field-appeal-of", Input::Text, false),
        ],
    },
    Section {
        title: "case-party",
        optional: false,
        fields: &[
            field("party.name", "case-field-party-name", Input::Text, true),
            field("party.jmbg", "case-field-party-jmbg", Input::Text, false),
            field("party.address", "case-field-party-address", Input::Text, true),
            field("party.contact", "case-field-party-contact", Input::Text, false),
        ],
    },
];

#[derive(Template)]
#[template(path = "case_new.html")]
struct IntakePage<'a> {
    ui: &'a Ui,
    sections: Vec<SectionView>,
    general: Option<String>,
}

fn kinds(config: &DocflowConfig, ui: &Ui) -> Options {
    let mut options = Options::new();
    let kinds = config
        .case_types
        .iter()
        .map(|t| {
            let book = ui.t(&format!("case-book-{}", t.book.replace('_', "-")));
            (t.code.clone(), format!("{} — {book}, {}", t.title, ui.tn("case-term-days", usize::try_from(t.term_days).unwrap_or(0))))
        })
        .collect();
    options.insert("case_type", kinds);
    options
}

async fn intake_page(state: &AppState, ui: &Ui, values: &Values, errors: &Errors, status: StatusCode) -> Response {
    let config = match state.store.docflow_config().await {
        Ok(c) => c,
        Err(e) => return internal_error(ui, &e),
    };
    let page = IntakePage {
        ui,
        sections: forms::view_with(ui, INTAKE, values, errors, &kinds(&config, ui)),
        general: errors.get("general").cloned(),
    };
    render_with(status, &page)
}

/// `GET /cases/new`: the registry office's intake form.
pub async fn intake_form(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    if let Err(page) = ui.require(&STAFF) {
        return page;
    }
    let mut values = forms::presets(&ui, INTAKE, state.store.today());
    values.insert("channel".into(), "counter".into());
    values.insert("received_on".into(), state.store.today().to_string());
    intake_page(&state, &ui, &values, &Errors::new(), StatusCode::OK).await
}

/// A refusal's messages by form field (`general` for the form as a whole); `rename` maps
/// the command's field paths to the form's where they differ.
fn refusal_errors(ui: &Ui, refusal: &Refusal, sections: &[Section], rename: &[(&str, &str)]) -> Errors {
    let mut errors = Errors::new();
    for e in &refusal.errors {
        let path = e.field.as_deref().unwrap_or("general");
        let path = rename.iter().find(|(from, _)| path == *from || path.starts_with(&format!("{from}."))).map_or(path, |(_, to)| to);
        errors.entry(forms::owner(sections, path)).or_insert_with(|| ui.error_text(e.code, &e.message));
    }
    errors
}

/// `POST /cases/new`: registers the submission and opens its case, then shows the receipt.
pub async fn intake(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let values = form_values(fields);
    let mut errors = forms::missing(&ui, INTAKE, &values);
    let mut json = forms::to_json(INTAKE, &values);
    // The clerk types the number of the decision appealed against; the command names its case.
    if let Some(number) = values.get("appeal_of").map(|n| n.trim()).filter(|n| !n.is_empty()) {
        match state.store.case_numbered(number).await {
            Ok(found) => match found {
                Some(id) => json["appeal_of"] = Value::from(id),
                None => {
                    errors.insert("appeal_of".into(), ui.ta("cases-find-none", "number", number));
                }
            },
            Err(e) => return internal_error(&ui, &e),
        }
    }
    if !errors.is_empty() {
        return intake_page(&state, &ui, &values, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let intake: Intake = match forms::parse(&ui, INTAKE, json) {
        Ok(i) => i,
        Err(errors) => return intake_page(&state, &ui, &values, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state.store.docflow(&caller.actor, DocOp::Open(Box::new(intake))).await {
        Ok(Ok(DocDone::Opened { case, access_code, .. })) => {
            tracing::info!(case = case.id, number = %case.number, "a submission was registered at the counter");
            to_receipt(&state, case.id, &access_code)
        }
        Ok(Ok(other)) => internal_error(&ui, &format!("unexpected answer to an intake: {other:?}")),
        Ok(Err(refusal)) => {
            let errors = refusal_errors(&ui, &refusal, INTAKE, &[]);
            intake_page(&state, &ui, &values, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

/// To the receipt of a case, with its access code for this browser only (an HttpOnly,
/// same-site cookie: never in a URL, never stored).
fn to_receipt(state: &AppState, id: i64, access_code: &str) -> Response {
    let mut response = Redirect::to(&format!("/cases/{id}/receipt")).into_response();
    let secure = state.secure_cookies();
    let value = format!("{id}.{access_code}");
    response.headers_mut().append(header::SET_COOKIE, set_cookie(RECEIPT_COOKIE, &value, Some(8 * 3600), "Strict", true, secure));
    response
}

/// `POST /cases/{id}/receipt`: the party lost its receipt: a new access code (the old one
/// stops working) and the receipt to print again.
pub async fn reissue(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.docflow(&caller.actor, DocOp::Reissue { case_id: id }).await {
        Ok(Ok(DocDone::Reissued { case, access_code })) => {
            tracing::info!(case = case.id, number = %case.number, "a new access code was given at the counter");
            to_receipt(&state, case.id, &access_code)
        }
        Ok(Ok(other)) => internal_error(&ui, &format!("unexpected answer to a reissue: {other:?}")),
        Ok(Err(refusal)) => {
            let mut errors = Errors::new();
            errors.insert("general".into(), refusal_text(&ui, &refusal));
            case_page(&state, &ui, &caller, id, None, Some(Failed { action: "reissue", values: Values::new(), errors })).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

/// The access code of case `id` if this browser registered it (and it matches the case).
fn receipt_code(headers: &HeaderMap, case: &CaseRow) -> Option<String> {
    let (id, code) = cookie(headers, RECEIPT_COOKIE)?.split_once('.')?;
    (id.parse() == Ok(case.id) && access_hash(code) == case.access_hash).then(|| code.to_string())
}

#[derive(Template)]
#[template(path = "case_receipt.html")]
struct ReceiptPage<'a> {
    ui: &'a Ui,
    id: i64,
    number: String,
    rows: Vec<(String, String)>,
    code: Option<String>,
    qr: String,
    tracking_url: String,
}

async fn receipt_or_page(state: &AppState, ui: &Ui, caller: &Caller, id: i64) -> Result<ReceiptSource, Response> {
    match state.store.receipt_source(&caller.actor, id).await {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(refused)) => Err(api_page(ui, &ApiError::from(refused))),
        Err(e) => Err(internal_error(ui, &e)),
    }
}

/// What a case's receipt states, and when its submission was registered (its first record,
/// in microseconds: the receipt's moment, so a reprint is the same document).
fn receipt_facts(state: &AppState, source: &ReceiptSource, code: &str, clerk: &str) -> (ReceiptFacts, i64) {
    let case = &source.case;
    let registered_at = source.registered_at;
    let base = state.public_url.trim_end_matches('/');
    let facts = ReceiptFacts {
        municipality: format!("Općina {}", source.municipality),
        unit: source.unit.clone(),
        number: case.number.clone(),
        received_on: parse_day(&case.opened_on).unwrap_or_else(|| state.store.today()),
        registered_at: crate::i18n::Locale::Bs.date_time(registered_at),
        party: case.party_name.clone(),
        subject: case.subject.clone(),
        kind: source.kind.clone(),
        term_days: case.term_days,
        due_on: parse_day(&case.due_on).unwrap_or_else(|| state.store.today()),
        access_code: code.to_string(),
        tracking_url: format!("{base}{}", tracking_link(&case.number, code)),
        tracking_page: format!("{base}/track"),
        clerk: clerk.to_string(),
    };
    (facts, registered_at)
}

/// `GET /cases/{id}/receipt`: the receipt of a submission just registered, with its access
/// code and QR code (the code only in the browser that registered it, right after).
pub async fn receipt(State(state): State<AppState>, Extension(ui): Extension<Ui>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let source = match receipt_or_page(&state, &ui, &caller, id).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let case = &source.case;
    let code = receipt_code(&headers, case);
    let (facts, registered) = receipt_facts(&state, &source, code.as_deref().unwrap_or(""), &caller.full_name);
    let qr = match code.as_ref().map(|_| opcina_pdf::qr_svg(&facts.tracking_url)).transpose() {
        Ok(q) => q.unwrap_or_default(),
        Err(e) => return internal_error(&ui, &e),
    };
    let rows = vec![
        (ui.t("case-field-received-on"), ui.locale.date(facts.received_on)),
        (ui.t("case-registered-at"), ui.locale.date_time(registered)),
        (ui.t("case-field-party-name"), facts.party.clone()),
        (ui.t("case-field-subject"), facts.subject.clone()),
        (ui.t("case-field-kind"), facts.kind.clone()),
        (ui.t("case-unit"), facts.unit.clone()),
        (
            ui.t("case-due"),
            format!("{} ({})", ui.locale.date(facts.due_on), ui.tn("case-term-days", usize::try_from(case.term_days).unwrap_or(0))),
        ),
    ];
    render(&ReceiptPage { ui: &ui, id, number: case.number.clone(), rows, code, qr, tracking_url: facts.tracking_url })
}

/// `GET /cases/{id}/receipt.pdf`: the receipt to print, while the access code is at hand.
pub async fn receipt_pdf(State(state): State<AppState>, Extension(ui): Extension<Ui>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let source = match receipt_or_page(&state, &ui, &caller, id).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let case = &source.case;
    let Some(code) = receipt_code(&headers, case) else {
        return error_page(&ui, StatusCode::GONE, "case-receipt-title", &ui.t("case-receipt-code-gone"));
    };
    let (facts, registered) = receipt_facts(&state, &source, &code, &caller.full_name);
    let created = Timestamp(registered);
    match tokio::task::spawn_blocking(move || opcina_pdf::receipt_pdf(&facts, created)).await {
        Ok(Ok(pdf)) => pdf_response(pdf.pdf, &format!("potvrda-{}", case.number.replace(['/', ' '], "-"))),
        Ok(Err(e)) => internal_error(&ui, &e),
        Err(e) => internal_error(&ui, &e),
    }
}

// ---------------------------------------------------------------------------------------
// A case's file and its steps

const OUTCOMES: [&str; 5] = ["granted", "refused", "rejected", "discontinued", "answered"];
const DISPATCHES: [&str; 3] = ["post", "in_person", "electronic"];

/// A step's form: which action, and its fields (named as in the API's `CaseAction`).
struct StepSpec {
    action: &'static str,
    sections: &'static [Section],
    /// An instance of the step, to ask whether it may be taken now.
    sample: fn() -> CaseAction,
}

macro_rules! step_form {
    ($action:literal, $sample:expr, [$($field:expr),* $(,)?]) => {
        StepSpec {
            action: $action,
            sections: &[Section { title: "case-step", optional: false, fields: &[$($field),*] }],
            sample: || $sample,
        }
    };
}

const STEPS: &[StepSpec] = &[
    step_form!(
        "hand_over",
        CaseAction::HandOver { unit: String::new(), official: None, note: None },
        [field("to", "case-field-to", Input::Options, true), field("note", "case-field-note", Input::Text, false),]
    ),
    step_form!(
        "return_for_completion",
        CaseAction::ReturnForCompletion { missing: Vec::new(), until: None },
        [field("missing", "case-field-missing", Input::Lines, true), field("until", "case-field-until", Input::Date, false),]
    ),
    step_form!(
        "wait_for_party",
        CaseAction::WaitForParty { until: None, note: String::new() },
        [field("note", "case-field-wait-why", Input::Text, true), field("until", "case-field-until", Input::Date, false),]
    ),
    step_form!("resume", CaseAction::Resume { note: None }, [field("note", "case-field-note", Input::Text, false)]),
    step_form!(
        "decide",
        CaseAction::Decide { outcome: Outcome::Granted, summary: String::new() },
        [
            field("outcome", "case-field-outcome", Input::Select(&OUTCOMES), true),
            field("summary", "case-field-summary", Input::Textarea, true),
        ]
    ),
    step_form!(
        "dispatch",
        CaseAction::Dispatch { method: Dispatch::Post, to: String::new() },
        [field("method", "case-field-method", Input::Select(&DISPATCHES), true), field("to", "case-field-dispatch-to", Input::Text, true),]
    ),
    step_form!(
        "deliver",
        CaseAction::Deliver { on: NaiveDate::MIN },
        [preset("on", "case-field-delivered-on", Input::Date, true, Preset::Today)]
    ),
    step_form!("join", CaseAction::Join { into: String::new() }, [field("into", "case-field-join-into", Input::Text, true)]),
    step_form!("close", CaseAction::Close { note: None }, [field("note", "case-field-note", Input::Text, false)]),
];

const FILING: &[Section] = &[Section {
    title: "case-filing",
    optional: false,
    fields: &[
        preset("direction", "case-field-direction", Input::Select(&DIRECTIONS), true, Preset::None),
        preset("channel", "case-field-channel", Input::Select(&CHANNELS), true, Preset::None),
        field("correspondent", "case-field-correspondent", Input::Text, true),
        field("subject", "case-field-subject", Input::Text, true),
        preset("received_on", "case-field-received-on", Input::Date, true, Preset::Today),
        field("corrects", "case-field-corrects", Input::Options, false),
    ],
}];

/// A step form as the page shows it.
pub struct StepView {
    pub action: &'static str,
    pub title: String,
    pub s: SectionView,
    pub open: bool,
}

pub struct EventLine {
    pub when: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

pub struct RecordLine {
    pub number: String,
    pub direction: String,
    pub date: String,
    pub correspondent: String,
    pub subject: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    ui: &'a Ui,
    id: i64,
    number: String,
    subject: String,
    state: String,
    deadline: Deadline,
    facts: Vec<(String, String)>,
    links: Vec<(String, String, String)>,
    missing: Vec<String>,
    records: Vec<RecordLine>,
    events: Vec<EventLine>,
    steps: Vec<StepView>,
    filing: Option<StepView>,
    /// Whether the user may give a new access code (and add records and files).
    may_work: bool,
    more: super::case_files::CaseArchive,
    done: Option<String>,
    error: Option<String>,
}

/// A form that failed: which one, what was typed, what was wrong.
pub(super) struct Failed {
    pub action: &'static str,
    pub values: Values,
    pub errors: Errors,
}

/// What an event's detail says, in a line (notes, missing documents, the outcome).
fn event_detail(
    ui: &Ui,
    kind: &str,
    detail: &str,
    config: &DocflowConfig,
    names: &BTreeMap<String, String>,
    official: Option<&str>,
    unit: Option<&str>,
) -> String {
    let v: Value = serde_json::from_str(detail).unwrap_or(Value::Null);
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let mut parts = Vec::new();
    match kind {
        "hand_over" | "registered" => {
            if let Some(u) = unit {
                parts.push(config.unit(u).map_or_else(|| u.to_string(), |u| u.name.clone()));
            }
            if let Some(o) = official {
                parts.push(names.get(o).cloned().unwrap_or_else(|| o.to_string()));
            }
            if kind == "registered" {
                parts.push(ui.t(&format!("opt-{}", text("channel").replace('_', "-"))));
            }
        }
        "return_for_completion" => {
            let missing: Vec<String> =
                v.get("missing").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
            parts.push(missing.join(", "));
        }
        "decide" => parts.push(format!("{}: {}", ui.t(&format!("opt-{}", text("outcome"))), text("summary"))),
        "dispatch" => parts.push(format!("{}, {}", ui.t(&format!("opt-{}", text("method").replace('_', "-"))), text("to"))),
        "deliver" => parts.push(date_label(ui, &text("on"))),
        "join" => parts.push(text("into")),
        "joined_from" => parts.push(text("case")),
        "appealed" => parts.push(text("appeal")),
        _ => {}
    }
    parts.push(text("note"));
    if let Some(until) = v.get("until").and_then(Value::as_str) {
        parts.push(ui.ta("case-until", "date", &date_label(ui, until)));
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join(" · ")
}

/// The hand-over choices: each unit, and each person placed in it.
fn hand_over_options(config: &DocflowConfig, names: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for u in &config.units {
        out.push((u.code.clone(), format!("{} {}", u.code, u.name)));
        for who in config.staff_of(&u.code) {
            let name = names.get(who).map_or(who, String::as_str);
            out.push((format!("{}|{who}", u.code), format!("{} {} — {name}", u.code, u.name)));
        }
    }
    out
}

pub(super) async fn case_page(state: &AppState, ui: &Ui, caller: &Caller, id: i64, done: Option<&str>, failed: Option<Failed>) -> Response {
    if let Err(page) = ui.require(&REVIEWERS) {
        return page;
    }
    let file = match state.store.case_file(&caller.actor, id).await {
        Ok(Ok(f)) => f,
        Ok(Err(refused)) => return api_page(ui, &ApiError::from(refused)),
        Err(e) => return internal_error(ui, &e),
    };
    let loaded = async {
        let config = state.store.docflow_config().await?;
        let names = names(state).await?;
        Ok::<_, opcina_store::StoreError>((config, names))
    }
    .await;
    let (config, names) = match loaded {
        Ok(l) => l,
        Err(e) => return internal_error(ui, &e),
    };
    let case = &file.case;
    let today = state.store.today();
    let case_state = case.state;
    let procedure = case.book != "djelovodnik";
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let day = |v: &Option<String>| v.as_deref().map(|d| date_label(ui, d)).unwrap_or_default();
    let facts: Vec<(String, String)> = vec![
        (ui.t("case-field-kind"), kind_title(&config, &case.case_type)),
        (
            ui.t("case-book"),
            format!("{}, {} {}", ui.t(&format!("case-book-{}", case.book.replace('_', "-"))), ui.t("case-class"), case.class),
        ),
        (ui.t("case-field-party-name"), case.party_name.clone()),
        (ui.t("case-field-party-jmbg"), opt(&case.party_jmbg)),
        (ui.t("case-field-party-address"), case.party_address.clone()),
        (ui.t("case-field-party-contact"), opt(&case.party_contact)),
        (ui.t("case-field-received-on"), date_label(ui, &case.opened_on)),
        (
            ui.t("case-holder"),
            format!("{} ({} {})", holder(case, &config, &names), ui.t("case-since"), ui.locale.date_time(case.held_since)),
        ),
        (ui.t("case-term"), ui.tn("case-term-days", usize::try_from(case.term_days).unwrap_or(0))),
        (ui.t("case-due"), if case_state.pending() { date_label(ui, &case.due_on) } else { String::new() }),
        (
            ui.t("case-paused-days"),
            if case.paused_days > 0 { ui.tn("case-term-days", usize::try_from(case.paused_days).unwrap_or(0)) } else { String::new() },
        ),
        (ui.t("case-field-outcome"), case.outcome.map(|o| ui.t(&format!("opt-{o}"))).unwrap_or_default()),
        (ui.t("case-decided-on"), day(&case.decided_on)),
        (
            ui.t("case-dispatched-on"),
            case.dispatch
                .map(|m| format!("{}, {}", day(&case.dispatched_on), ui.t(&format!("opt-{}", m.as_str().replace('_', "-")))))
                .unwrap_or_default(),
        ),
        (ui.t("case-field-delivered-on"), day(&case.delivered_on)),
        (ui.t("case-closed-on"), day(&case.closed_on)),
    ];
    let mut links = Vec::new();
    for (label, other) in [("case-appeal-of", case.appeal_of), ("case-joined-to", case.joined_to)] {
        if let Some(other) = other {
            let number = state.store.case(other).await.ok().flatten().map_or_else(|| other.to_string(), |c| c.number);
            links.push((ui.t(label), number, format!("/cases/{other}")));
        }
    }
    // A request for information is decided on its own page, with what the law adds.
    let information = case.case_type == opcina_core::publicinfo::information::CASE_TYPE;
    if information {
        links.push((ui.t("information-decision"), ui.t("information-open-request"), format!("/information/requests/{}", case.id)));
    }
    let record_numbers: Vec<(String, String)> = file.records.iter().map(|r| (r.id.to_string(), r.number.clone())).collect();
    let mut given = Options::new();
    given.insert("to", hand_over_options(&config, &names));
    given.insert("corrects", record_numbers);
    let failed_action = failed.as_ref().map(|f| f.action);
    let mut steps = Vec::new();
    for spec in STEPS {
        let sample = (spec.sample)();
        if sample.after(case_state, procedure).is_err()
            || may_step(&caller.actor, &config, case, &sample).is_err()
            || (information && spec.action == "decide")
        {
            continue;
        }
        let (values, errors) = match &failed {
            Some(f) if f.action == spec.action => (f.values.clone(), f.errors.clone()),
            _ => (step_presets(ui, spec, case, today), Errors::new()),
        };
        steps.push(step_view(
            ui,
            spec.action,
            &format!("case-do-{}", spec.action.replace('_', "-")),
            spec.sections,
            &values,
            &errors,
            &given,
            failed_action,
        ));
    }
    // What the user may do here besides the steps: enter a later record, add a file, give a
    // new access code (`docflow::access`); an auditor reads only.
    let may_work = config.may(&caller.actor, case, CaseUse::Work).is_ok();
    let filing = (may_work && case.state.open()).then(|| {
        let (values, errors) = match &failed {
            Some(f) if f.action == "file" => (f.values.clone(), f.errors.clone()),
            _ => {
                let mut v = forms::presets(ui, FILING, today);
                v.insert("direction".into(), "in".into());
                v.insert("channel".into(), "counter".into());
                v.insert("received_on".into(), today.to_string());
                v.insert("correspondent".into(), case.party_name.clone());
                (v, Errors::new())
            }
        };
        step_view(ui, "file", "case-do-file", FILING, &values, &errors, &given, failed_action)
    });
    let error = failed.as_ref().and_then(|f| f.errors.get("general").cloned());
    let more = super::case_files::case_archive(ui, &file, may_work, failed.as_ref().map(|f| f.action));
    let page = CasePage {
        ui,
        id,
        number: case.number.clone(),
        subject: case.subject.clone(),
        state: state_label(ui, case.state),
        deadline: deadline(ui, case, today),
        facts: facts.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
        links,
        missing: case.missing.as_deref().and_then(|m| serde_json::from_str(m).ok()).unwrap_or_default(),
        records: file
            .records
            .iter()
            .map(|r| RecordLine {
                number: r.number.clone(),
                direction: ui.t(&format!("opt-{}", r.direction)),
                date: date_label(ui, &r.received_on),
                correspondent: r.correspondent.clone(),
                subject: r.subject.clone(),
            })
            .collect(),
        events: file
            .events
            .iter()
            .map(|e| EventLine {
                when: ui.locale.date_time(e.at),
                who: names.get(&e.by_user).cloned().unwrap_or_else(|| e.by_user.clone()),
                what: step_label(ui, &e.kind),
                detail: event_detail(ui, &e.kind, &e.detail, &config, &names, e.official.as_deref(), e.unit_code.as_deref()),
            })
            .collect(),
        steps,
        filing,
        may_work,
        more,
        done: done.map(|d| ui.ta("case-step-saved", "step", &step_label(ui, d))),
        error,
    };
    let status = if failed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render_with(status, &page)
}

/// What a step's form starts with: today for dates, the party for a dispatch.
fn step_presets(ui: &Ui, spec: &StepSpec, case: &CaseRow, today: NaiveDate) -> Values {
    let mut v = forms::presets(ui, spec.sections, today);
    if v.contains_key("on") {
        v.insert("on".into(), today.to_string());
    }
    if spec.action == "dispatch" {
        v.insert("to".into(), format!("{}, {}", case.party_name, case.party_address));
    }
    v
}

#[allow(clippy::too_many_arguments)]
fn step_view(
    ui: &Ui,
    action: &'static str,
    title: &str,
    sections: &[Section],
    values: &Values,
    errors: &Errors,
    given: &Options,
    failed: Option<&str>,
) -> StepView {
    let mut s = forms::view_with(ui, sections, values, errors, given).into_iter().next().unwrap_or(SectionView {
        title: String::new(),
        optional: false,
        fields: Vec::new(),
    });
    // Several forms on one page: their fields' ids carry the action.
    for f in &mut s.fields {
        f.id = format!("{}-{}", action.replace('_', "-"), f.id);
    }
    StepView { action, title: ui.t(title), s, open: failed == Some(action) }
}

#[derive(Debug, Default, Deserialize)]
pub struct FileParams {
    #[serde(default)]
    done: String,
}

/// `GET /cases/{id}`: the case's file (the read is logged when the party has a JMBG).
pub async fn file(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Query(p): Query<FileParams>,
) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let done = STEPS.iter().map(|s| s.action).chain(["file", "upload", "archive", "hold", "release"]).find(|a| *a == p.done);
    case_page(&state, &ui, &caller, id, done, None).await
}

/// The fields of a submitted form, without its CSRF token.
fn form_values(fields: Vec<(String, String)>) -> Values {
    fields.into_iter().filter(|(k, _)| k != super::CSRF_FIELD).collect()
}

/// Runs one of a case's forms: the required fields, the command built from the fields, the
/// store's answer. Anything refused shows the file again with that form open, what was
/// typed in it, and the messages by field (`rename` maps the command's fields to the form's).
#[allow(clippy::too_many_arguments)]
async fn submit_case_form(
    state: &AppState,
    ui: &Ui,
    caller: &Caller,
    id: i64,
    action: &'static str,
    sections: &'static [Section],
    values: Values,
    rename: &[(&str, &str)],
    build: impl FnOnce(Value) -> Result<DocOp, Errors>,
) -> Response {
    let fail = |errors: Errors| Some(Failed { action, values: values.clone(), errors });
    let errors = forms::missing(ui, sections, &values);
    if !errors.is_empty() {
        return case_page(state, ui, caller, id, None, fail(errors)).await;
    }
    let op = match build(forms::to_json(sections, &values)) {
        Ok(op) => op,
        Err(errors) => return case_page(state, ui, caller, id, None, fail(errors)).await,
    };
    match state.store.docflow(&caller.actor, op).await {
        Ok(Ok(_)) => Redirect::to(&format!("/cases/{id}?done={action}")).into_response(),
        Ok(Err(refusal)) => {
            let errors = refusal_errors(ui, &refusal, sections, rename);
            case_page(state, ui, caller, id, None, fail(errors)).await
        }
        Err(e) => internal_error(ui, &e),
    }
}

/// `POST /cases/{id}/step`: takes the step the form names.
pub async fn step(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let values = form_values(fields);
    let asked = values.get("action").cloned().unwrap_or_default();
    let Some(spec) = STEPS.iter().find(|s| s.action == asked) else {
        return error_page(&ui, StatusCode::BAD_REQUEST, "error-form-title", &ui.t("err-docflow-case-transition"));
    };
    let hand_over = spec.action == "hand_over";
    let rename: &[(&str, &str)] = if hand_over { &[("unit", "to"), ("official", "to")] } else { &[] };
    let build = |mut json: Value| {
        json["action"] = Value::from(spec.action);
        if hand_over {
            // One choice names the unit and, after a bar, the official.
            let to = json.get("to").and_then(Value::as_str).unwrap_or("").to_string();
            let (unit, official) = to.split_once('|').map_or((to.as_str(), None), |(u, o)| (u, Some(o)));
            json["unit"] = Value::from(unit);
            if let Some(o) = official {
                json["official"] = Value::from(o);
            }
            if let Some(map) = json.as_object_mut() {
                map.remove("to");
            }
        }
        forms::parse::<CaseAction>(&ui, spec.sections, json).map(|action| DocOp::Step { case_id: id, action: Box::new(action) })
    };
    submit_case_form(&state, &ui, &caller, id, spec.action, spec.sections, values, rename, build).await
}

/// `POST /cases/{id}/records`: enters a later record (a completion the party brought, a
/// letter sent, a correction) under the case's next sub-number.
pub async fn file_record(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let build = |mut json: Value| {
        if let Some(corrects) = json.get("corrects").and_then(Value::as_str).and_then(|c| c.parse::<i64>().ok()) {
            json["corrects"] = Value::from(corrects);
        }
        forms::parse::<Filing>(&ui, FILING, json).map(|filing| DocOp::File { case_id: id, filing: Box::new(filing) })
    };
    submit_case_form(&state, &ui, &caller, id, "file", FILING, form_values(fields), &[], build).await
}

// ---------------------------------------------------------------------------------------
// Public tracking

#[derive(Debug, Default, Deserialize)]
pub struct TrackParams {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

pub struct TrackLine {
    pub on: String,
    pub what: String,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "case_track.html")]
struct TrackPage<'a> {
    ui: &'a Ui,
    number: String,
    code: String,
    not_found: bool,
    found: Option<Tracking>,
    state: String,
    facts: Vec<(String, String)>,
    missing: Vec<String>,
    steps: Vec<TrackLine>,
}

/// `GET /track?number=…&code=…`: what a party may see of its case (the receipt's QR code
/// leads here). A wrong number or code gets the same answer, naming neither.
pub async fn track(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(p): Query<TrackParams>) -> Response {
    let (number, code) = (p.number.trim().to_string(), p.code.trim().to_string());
    let mut page = TrackPage {
        ui: &ui,
        number,
        code,
        not_found: false,
        found: None,
        state: String::new(),
        facts: Vec::new(),
        missing: Vec::new(),
        steps: Vec::new(),
    };
    if page.number.is_empty() && page.code.is_empty() {
        return render(&page);
    }
    let found = match state.store.track_case(&page.number, &page.code).await {
        Ok(f) => f.map(|t| with_decision_link(t, &page.code)),
        Err(e) => return internal_error(&ui, &e),
    };
    let Some(t) = found else {
        page.not_found = true;
        return render_with(StatusCode::NOT_FOUND, &page);
    };
    let day = |v: &Option<String>| v.as_deref().map(|d| date_label(&ui, d)).unwrap_or_default();
    let mut facts = vec![
        (ui.t("case-unit"), t.unit.clone().unwrap_or_default()),
        (ui.t("case-field-received-on"), date_label(&ui, &t.opened_on)),
        (ui.t("case-term"), ui.tn("case-term-days", usize::try_from(t.term_days).unwrap_or(0))),
    ];
    if let Some(due) = &t.due_on {
        let left = match (t.days_left, &t.waiting_since) {
            (Some(n), Some(_)) => ui.tn("case-clock-stopped", usize::try_from(n.max(0)).unwrap_or(0)),
            (Some(n), None) if n < 0 => ui.tn("case-days-over", usize::try_from(-n).unwrap_or(0)),
            (Some(n), None) => ui.tn("case-days-left", usize::try_from(n).unwrap_or(0)),
            (None, _) => String::new(),
        };
        facts.push((ui.t("case-due"), format!("{} ({left})", date_label(&ui, due))));
    }
    facts.push((ui.t("case-waiting-since"), day(&t.waiting_since)));
    facts.push((ui.t("case-decided-on"), day(&t.decided_on)));
    facts.push((
        ui.t("case-dispatched-on"),
        t.dispatch
            .as_deref()
            .map(|m| format!("{}, {}", day(&t.dispatched_on), ui.t(&format!("opt-{}", m.replace('_', "-")))))
            .unwrap_or_default(),
    ));
    facts.push((ui.t("case-field-delivered-on"), day(&t.delivered_on)));
    facts.push((ui.t("case-closed-on"), day(&t.closed_on)));
    page.state = state_label(&ui, t.state);
    page.facts = facts.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    page.missing = t.missing.clone();
    page.steps = t
        .steps
        .iter()
        .map(|s| TrackLine { on: date_label(&ui, &s.on), what: step_label(&ui, &s.kind), unit: s.unit.clone().unwrap_or_default() })
        .collect();
    page.found = Some(t);
    render(&page)
}
