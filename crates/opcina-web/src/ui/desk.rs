//! The journalists' desk: the form a journalist asks from (no account; the reply comes by
//! e-mail), the desk where the PR officer takes questions down, gives them to a unit and
//! perhaps one of its officials, and where the unit replies; and the response-time figures
//! per unit of the desk and of citizens' messages, with the answer terms both run on.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::Datelike;
use opcina_core::publicinfo::desk::{
    AccreditationFields, AccreditationKind, AccreditationState, QuestionFields, QuestionState, TermOf, UnitFigures,
};
use opcina_core::registry::Role;
use opcina_core::{FieldError, Refusal};
use opcina_store::mail::Letter;
use opcina_store::publicinfo_desk::{AccreditationLetter, ReplyLetter};
use opcina_store::publicinfo_rows::{AccreditationRow, PressQuestionRow};
use opcina_store::rows::DocflowConfig;
use serde::Deserialize;

use super::forms::Choice;
use super::{FieldErrors, Ui, date_label, error_page, internal_error, refusal_text, render, render_with};
use crate::AppState;
use crate::i18n::{Arg, Locale};
use crate::limits::Client;

// Who works at the desk, leads it, reads the figures and sets the terms: the same lists the
// store's use cases check.
use opcina_core::publicinfo::desk::{DESK, DESK_LEAD, FIGURE_READERS as FIGURES, TERM_SETTERS as TERMS};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AskForm {
    #[serde(default)]
    outlet: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    text: String,
    /// At the desk: the language the reply is framed in.
    #[serde(default)]
    language: String,
    /// Left empty by people (the field is hidden from them); filled by robots.
    #[serde(default)]
    website: String,
}

impl AskForm {
    fn fields(&self) -> QuestionFields {
        QuestionFields {
            outlet: self.outlet.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            subject: self.subject.clone(),
            text: self.text.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "press_ask.html")]
struct AskPage<'a> {
    ui: &'a Ui,
    f: AskForm,
    /// At the desk (the PR officer takes a question down) rather than the public form.
    desk: bool,
    languages: Vec<Choice>,
    /// The form's lead, with the term in force.
    intro: String,
    errors: FieldErrors,
}

async fn ask_page(state: &AppState, ui: &Ui, f: AskForm, desk: bool, errors: FieldErrors) -> Response {
    let terms = match state.store.answer_terms().await {
        Ok(t) => t,
        Err(e) => return internal_error(ui, &e),
    };
    let chosen = Locale::parse(&f.language).unwrap_or(ui.locale);
    let languages = Locale::ALL
        .iter()
        .map(|l| Choice { value: l.code().to_string(), label: l.native_name().to_string(), selected: *l == chosen })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let intro = if desk { ui.t("desk-new-intro") } else { ui.tn("press-ask-intro", terms.press as usize) };
    render_with(status, &AskPage { ui, f, desk, languages, intro, errors })
}

/// `GET /press/ask`: the journalists' form.
pub async fn ask_form(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    ask_page(&state, &ui, AskForm::default(), false, FieldErrors::default()).await
}

#[derive(Template)]
#[template(path = "press_asked.html")]
struct AskedPage<'a> {
    ui: &'a Ui,
    number: String,
    due: String,
    email: String,
}

/// `POST /press/ask`: a journalist's question, within the limits per client and per address.
pub async fn ask(State(state): State<AppState>, Extension(ui): Extension<Ui>, client: Client, Form(f): Form<AskForm>) -> Response {
    if !f.website.is_empty() {
        tracing::warn!(%client, "a journalist's question refused: the field hidden from people was filled");
        let errors = FieldErrors(std::collections::BTreeMap::from([("general".to_string(), ui.t("message-not-taken"))]));
        return ask_page(&state, &ui, f, false, errors).await;
    }
    if let Err(wait) = state.limits.messages.hit(&client.key()) {
        tracing::warn!(%client, "a journalist's question refused: over the limit");
        return super::rate_limited(&ui, wait);
    }
    let email = f.email.trim().to_lowercase();
    if !email.is_empty() {
        if let Err(wait) = state.limits.messages.hit(&format!("mail:{email}")) {
            return super::rate_limited(&ui, wait);
        }
    }
    match state.store.ask_press(f.fields(), ui.locale.code()).await {
        Ok(Ok(row)) => render(&AskedPage { ui: &ui, number: row.number, due: date_label(&ui, &row.due_on), email: row.email }),
        Ok(Err(refusal)) => ask_page(&state, &ui, f, false, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// `GET /desk/new`: the form the PR officer takes a question down in.
pub async fn take_form(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    if let Err(r) = ui.require(&DESK_LEAD) {
        return r;
    }
    ask_page(&state, &ui, AskForm::default(), true, FieldErrors::default()).await
}

/// `POST /desk/new`: a question taken down at the desk (a call, a mail); on to its page.
pub async fn take(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<AskForm>) -> Response {
    let caller = match ui.require(&DESK_LEAD) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(language) = Locale::parse(&f.language) else {
        let refusal = Refusal::one(FieldError::new("publicinfo.language.unknown", "language", "choose the reply's language"));
        return ask_page(&state, &ui, f, true, FieldErrors::of(&ui, &refusal)).await;
    };
    match state.store.take_press_question(&caller.actor, f.fields(), language.code()).await {
        Ok(Ok(row)) => Redirect::to(&format!("/desk/{}", row.id)).into_response(),
        Ok(Err(refusal)) => ask_page(&state, &ui, f, true, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// A question as the desk shows it.
pub struct QuestionView {
    pub href: String,
    pub number: String,
    pub outlet: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub body: Vec<String>,
    pub channel: String,
    pub language: String,
    pub received: String,
    pub due: String,
    pub overdue: bool,
    pub answered: bool,
    pub state_label: String,
    pub unit: String,
    pub assignee: String,
    pub reply: Vec<String>,
    pub answered_on: String,
    pub answered_by: String,
}

fn unit_name(ui: &Ui, config: &DocflowConfig, code: &str) -> String {
    config.unit(code).map_or_else(|| code.to_string(), |u| format!("{} {}", u.code, ui.recorded(&u.name)))
}

fn view(ui: &Ui, q: &PressQuestionRow, config: &DocflowConfig, today: &str) -> QuestionView {
    let lines = |t: &str| t.lines().map(str::to_string).collect::<Vec<_>>();
    QuestionView {
        href: format!("/desk/{}", q.id),
        number: q.number.clone(),
        outlet: q.outlet.clone(),
        name: q.name.clone(),
        email: q.email.clone(),
        subject: q.subject.clone(),
        body: lines(&q.body),
        channel: ui.t(&format!("desk-channel-{}", q.channel)),
        language: Locale::parse(&q.language).unwrap_or(Locale::Bs).native_name().to_string(),
        received: date_label(ui, &q.received_on),
        due: date_label(ui, &q.due_on),
        overdue: q.state != QuestionState::Answered && q.due_on.as_str() < today,
        answered: q.state == QuestionState::Answered,
        state_label: ui.t(&format!("desk-state-{}", q.state.as_str())),
        unit: q.unit_code.as_deref().map(|c| unit_name(ui, config, c)).unwrap_or_default(),
        assignee: q.assignee.clone().unwrap_or_default(),
        reply: q.reply.as_deref().map(lines).unwrap_or_default(),
        answered_on: q.answered_on.as_deref().map(|d| date_label(ui, d)).unwrap_or_default(),
        answered_by: q.answered_by.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage<'a> {
    ui: &'a Ui,
    unassigned: Vec<QuestionView>,
    assigned: Vec<QuestionView>,
    answered: Vec<QuestionView>,
    summary: String,
    lead: bool,
}

/// `GET /desk`: the questions waiting (those not yet given to a unit first, then by due day,
/// overdue ones marked) and the latest answered; an official sees their unit's.
pub async fn desk(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let caller = match ui.require(&DESK) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (rows, config) = match (state.store.press_desk(&caller.actor).await, state.store.docflow_config().await) {
        (Ok(Ok(r)), Ok(c)) => (r, c),
        (Ok(Err(refusal)), _) => return error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(&ui, &refusal)),
        (Err(e), _) | (_, Err(e)) => return internal_error(&ui, &e),
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let (mut unassigned, mut assigned, mut answered) = (Vec::new(), Vec::new(), Vec::new());
    for q in &rows {
        let v = view(&ui, q, &config, &today);
        match q.state {
            QuestionState::Received => unassigned.push(v),
            QuestionState::Assigned => assigned.push(v),
            QuestionState::Answered => answered.push(v),
        }
    }
    let waiting = unassigned.len() + assigned.len();
    let overdue = unassigned.iter().chain(&assigned).filter(|q| q.overdue).count();
    let summary = super::messages::waiting_summary(&ui, "desk-waiting", waiting, overdue);
    let lead = DESK_LEAD.contains(&caller.actor.role);
    render(&DeskPage { ui: &ui, unassigned, assigned, answered, summary, lead })
}

/// A choice of whom to give a question to: a unit as a whole, or one of its officials.
pub struct TargetGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "desk_question.html")]
struct QuestionPage<'a> {
    ui: &'a Ui,
    id: i64,
    q: QuestionView,
    lead: bool,
    targets: Vec<TargetGroup>,
    reply: String,
    errors: FieldErrors,
}

async fn question_page(state: &AppState, ui: &Ui, id: i64, reply: String, errors: FieldErrors) -> Response {
    let caller = match ui.require(&DESK) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (row, config) = match (state.store.press_question(&caller.actor, id).await, state.store.docflow_config().await) {
        (Ok(Ok(r)), Ok(c)) => (r, c),
        (Ok(Err(refusal)), _) => return super::refused_one(ui, &refusal, "publicinfo.question.not_found"),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let lead = DESK_LEAD.contains(&caller.actor.role);
    let targets = if lead && row.state != QuestionState::Answered {
        let staff = match state.store.desk_staff().await {
            Ok(s) => s,
            Err(e) => return internal_error(ui, &e),
        };
        let current = |unit: &str, official: Option<&str>| row.unit_code.as_deref() == Some(unit) && row.assignee.as_deref() == official;
        staff
            .iter()
            .map(|u| {
                let name = unit_name(ui, &config, &u.code);
                let mut options =
                    vec![Choice { value: u.code.clone(), label: ui.ta("desk-to-unit", "unit", &name), selected: current(&u.code, None) }];
                options.extend(u.officials.iter().map(|o| Choice {
                    value: format!("{}|{o}", u.code),
                    label: format!("{name} — {o}"),
                    selected: current(&u.code, Some(o)),
                }));
                TargetGroup { label: name, options }
            })
            .collect()
    } else {
        Vec::new()
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(status, &QuestionPage { ui, id, q: view(ui, &row, &config, &today), lead, targets, reply, errors })
}

/// `GET /desk/{id}`: a question, the form to give it to a unit (the PR officer) and the form
/// to reply.
pub async fn question(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    question_page(&state, &ui, id, String::new(), FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct AssignForm {
    /// `unit` or `unit|official`.
    #[serde(default)]
    to: String,
}

/// `POST /desk/{id}/assign`: gives the question to a unit, or to one of its officials.
pub async fn assign(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    let caller = match ui.require(&DESK_LEAD) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (unit, official) = f.to.split_once('|').unwrap_or((f.to.as_str(), ""));
    match state.store.assign_question(&caller.actor, id, unit, official).await {
        Ok(Ok(_)) => Redirect::to(&format!("/desk/{id}")).into_response(),
        Ok(Err(refusal)) => {
            let mut errors = FieldErrors::of(&ui, &refusal);
            // The one select names both the unit and the official.
            if let Some(e) = errors.0.remove("unit").or_else(|| errors.0.remove("assignee")) {
                errors.0.insert("to".into(), e);
            }
            question_page(&state, &ui, id, String::new(), errors).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    reply: String,
}

/// The e-mail that carries a reply, in the language the question was asked in.
pub fn reply_letter(municipality: String) -> ReplyLetter {
    Box::new(move |q: &PressQuestionRow, reply: &str| {
        let locale = Locale::parse(&q.language).unwrap_or(Locale::Bs);
        let script = locale.script();
        let number = [("number", Arg::Text(&q.number)), ("subject", Arg::Text(&q.subject))];
        let subject = locale.t_args("desk-mail-subject", &number);
        let body = format!(
            "{}\n\n{}\n\n{}\n\n-- \n{}\n{}\n",
            locale.t_args("desk-mail-intro", &[("name", Arg::Text(&q.name)), ("subject", Arg::Text(&q.subject))]),
            script.write_recorded(reply),
            locale.t_args("desk-mail-number", &number),
            locale.t("desk-mail-signature"),
            locale.t_args("site-title", &[("municipality", Arg::Text(&script.write_recorded(&municipality)))]),
        );
        Letter { subject, body }
    })
}

/// `POST /desk/{id}/reply`: replies to the journalist by e-mail; the reply stays with the
/// question.
pub async fn reply(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>, Form(f): Form<ReplyForm>) -> Response {
    let caller = match ui.require(&DESK) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let municipality = match state.store.node_if_set_up().await {
        Ok(n) => n.map(|n| n.municipality).unwrap_or_default(),
        Err(e) => return internal_error(&ui, &e),
    };
    match state.store.reply_question(&caller.actor, id, &f.reply, reply_letter(municipality)).await {
        Ok(Ok(_)) => Redirect::to("/desk").into_response(),
        Ok(Err(refusal)) if refusal.has_code("publicinfo.permission") => {
            error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(&ui, &refusal))
        }
        Ok(Err(refusal)) => question_page(&state, &ui, id, f.reply, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// One unit's line of the figures.
pub struct FiguresLine {
    pub unit: String,
    pub received: u32,
    pub answered: u32,
    pub on_time: String,
    pub median: String,
    pub longest: String,
    pub open: u32,
    pub overdue: u32,
}

fn lines(ui: &Ui, config: &DocflowConfig, figures: &[UnitFigures]) -> Vec<FiguresLine> {
    let days = |d: Option<u32>| d.map_or_else(|| "—".to_string(), |d| d.to_string());
    figures
        .iter()
        .map(|f| FiguresLine {
            unit: if f.unit.is_empty() { ui.t("desk-not-assigned") } else { unit_name(ui, config, &f.unit) },
            received: f.received,
            answered: f.answered,
            on_time: f.on_time_percent().map_or_else(|| "—".to_string(), |p| format!("{p} %")),
            median: days(f.median_days),
            longest: days(f.longest_days),
            open: f.open,
            overdue: f.overdue,
        })
        .collect()
}

/// One table of the figures: citizens' messages or journalists' questions.
pub struct FiguresTable {
    pub caption: String,
    pub rows: Vec<FiguresLine>,
}

#[derive(Template)]
#[template(path = "responses.html")]
struct FiguresPage<'a> {
    ui: &'a Ui,
    years: Vec<Choice>,
    tables: Vec<FiguresTable>,
    /// The terms in force, in words.
    terms_now: String,
    may_set: bool,
    messages_days: String,
    press_days: String,
    errors: FieldErrors,
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    year: Option<String>,
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    messages_days: String,
    #[serde(default)]
    press_days: String,
}

async fn figures_page(state: &AppState, ui: &Ui, year: Option<i32>, form: Option<TermsForm>, errors: FieldErrors, saved: bool) -> Response {
    let roles: Vec<Role> = FIGURES.iter().chain(&TERMS).copied().collect();
    let caller = match ui.require(&roles) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let this_year = state.store.today().year();
    let year = year.filter(|y| (2000..=this_year).contains(y)).unwrap_or(this_year);
    let figures = if FIGURES.contains(&caller.actor.role) {
        match state.store.response_figures(&caller.actor, year).await {
            Ok(Ok(f)) => Some(f),
            Ok(Err(refusal)) => return error_page(ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(ui, &refusal)),
            Err(e) => return internal_error(ui, &e),
        }
    } else {
        None
    };
    let (terms, config) = match (state.store.answer_terms().await, state.store.docflow_config().await) {
        (Ok(t), Ok(c)) => (t, c),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let y = year.to_string();
    let tables = figures
        .map(|f| {
            vec![
                FiguresTable { caption: ui.ta("responses-messages", "year", &y), rows: lines(ui, &config, &f.messages) },
                FiguresTable { caption: ui.ta("responses-press", "year", &y), rows: lines(ui, &config, &f.press) },
            ]
        })
        .unwrap_or_default();
    let years =
        (this_year - 4..=this_year).rev().map(|y| Choice { value: y.to_string(), label: y.to_string(), selected: y == year }).collect();
    let (messages_days, press_days) = match form {
        Some(f) => (f.messages_days, f.press_days),
        None => (terms.messages.to_string(), terms.press.to_string()),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let may_set = TERMS.contains(&caller.actor.role);
    let terms_now =
        format!("{} {}", ui.tn("responses-terms-now", terms.messages as usize), ui.tn("responses-terms-press", terms.press as usize));
    render_with(status, &FiguresPage { ui, years, tables, terms_now, may_set, messages_days, press_days, errors, saved })
}

/// `GET /responses?year=`: how fast each unit answered citizens' messages and journalists'
/// questions received in a year, and the answer terms.
pub async fn figures(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<FiguresQuery>) -> Response {
    let year = q.year.and_then(|y| y.trim().parse().ok());
    figures_page(&state, &ui, year, None, FieldErrors::default(), q.saved.is_some()).await
}

/// `POST /responses/terms`: sets both answer terms (for what is received from now on); a
/// wrong one sets neither.
pub async fn set_terms(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<TermsForm>) -> Response {
    let caller = match ui.require(&TERMS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let terms = [(TermOf::Messages, f.messages_days.as_str()), (TermOf::Press, f.press_days.as_str())];
    match state.store.set_answer_terms(&caller.actor, &terms).await {
        Ok(Ok(_)) => Redirect::to("/responses?saved=1").into_response(),
        Ok(Err(refusal)) if refusal.has_code("publicinfo.permission") => {
            error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(&ui, &refusal))
        }
        Ok(Err(refusal)) => figures_page(&state, &ui, None, Some(f), FieldErrors::of(&ui, &refusal), false).await,
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccreditationForm {
    #[serde(default)]
    outlet: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    event_on: String,
    /// Left empty by people (the field is hidden from them); filled by robots.
    #[serde(default)]
    website: String,
}

#[derive(Template)]
#[template(path = "accreditation_form.html")]
struct AccreditationFormPage<'a> {
    ui: &'a Ui,
    f: AccreditationForm,
    /// Always the journalist's own form (the contact fields' `desk` is false).
    desk: bool,
    errors: FieldErrors,
}

fn accreditation_form_page(ui: &Ui, f: AccreditationForm, errors: FieldErrors) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(status, &AccreditationFormPage { ui, f, desk: false, errors })
}

/// `GET /press/accreditation`: the journalists' request for accreditation.
pub async fn accreditation_form(Extension(ui): Extension<Ui>) -> Response {
    accreditation_form_page(&ui, AccreditationForm { kind: "event".into(), ..AccreditationForm::default() }, FieldErrors::default())
}

#[derive(Template)]
#[template(path = "accreditation_sent.html")]
struct AccreditationSentPage<'a> {
    ui: &'a Ui,
    number: String,
    email: String,
}

/// `POST /press/accreditation`: a request for accreditation, within the limits per client and
/// per address.
pub async fn request_accreditation(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    client: Client,
    Form(f): Form<AccreditationForm>,
) -> Response {
    if !f.website.is_empty() {
        tracing::warn!(%client, "a request for accreditation refused: the field hidden from people was filled");
        let errors = FieldErrors(std::collections::BTreeMap::from([("general".to_string(), ui.t("message-not-taken"))]));
        return accreditation_form_page(&ui, f, errors);
    }
    if let Err(wait) = state.limits.messages.hit(&client.key()) {
        tracing::warn!(%client, "a request for accreditation refused: over the limit");
        return super::rate_limited(&ui, wait);
    }
    let fields = AccreditationFields {
        outlet: f.outlet.clone(),
        name: f.name.clone(),
        email: f.email.clone(),
        kind: f.kind.clone(),
        event: f.event.clone(),
        event_on: f.event_on.clone(),
    };
    match state.store.request_accreditation(fields, ui.locale.code()).await {
        Ok(Ok(row)) => render(&AccreditationSentPage { ui: &ui, number: row.number, email: row.email }),
        Ok(Err(refusal)) => accreditation_form_page(&ui, f, FieldErrors::of(&ui, &refusal)),
        Err(e) => internal_error(&ui, &e),
    }
}

/// An accreditation as the desk shows it.
pub struct AccreditationView {
    pub href: String,
    pub number: String,
    pub outlet: String,
    pub name: String,
    pub email: String,
    pub what: String,
    pub state: String,
    pub requested: String,
    pub valid_until: String,
    pub reason: String,
    pub may_decide: bool,
    pub may_revoke: bool,
}

fn accreditation_view(ui: &Ui, a: &AccreditationRow) -> AccreditationView {
    let what = match a.kind {
        AccreditationKind::Event => ui.ta("accreditation-for-event", "event", &a.event),
        AccreditationKind::Year => ui.ta("accreditation-for-year", "year", &a.year.to_string()),
    };
    AccreditationView {
        href: format!("/desk/accreditations/{}", a.id),
        number: a.number.clone(),
        outlet: a.outlet.clone(),
        name: a.name.clone(),
        email: a.email.clone(),
        what,
        state: ui.t(&format!("accreditation-state-{}", a.state.as_str())),
        requested: date_label(ui, &a.requested_on),
        valid_until: date_label(ui, &a.valid_until),
        reason: a.reason.clone(),
        may_decide: a.state == AccreditationState::Requested,
        may_revoke: a.state == AccreditationState::Granted,
    }
}

#[derive(Template)]
#[template(path = "accreditations.html")]
struct AccreditationsPage<'a> {
    ui: &'a Ui,
    tables: Vec<AccreditationTable>,
}

/// One table of the accreditations: requested, valid, or the others.
pub struct AccreditationTable {
    pub caption: String,
    pub rows: Vec<AccreditationView>,
}

/// `GET /desk/accreditations`: requests waiting, the accreditations valid today or later, and
/// the latest refused, revoked or lapsed.
pub async fn accreditations(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let caller = match ui.require(&DESK_LEAD) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let rows = match state.store.accreditations(&caller.actor).await {
        Ok(Ok(r)) => r,
        Ok(Err(refusal)) => return error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(&ui, &refusal)),
        Err(e) => return internal_error(&ui, &e),
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let (mut requested, mut valid, mut others) = (Vec::new(), Vec::new(), Vec::new());
    for a in &rows {
        let v = accreditation_view(&ui, a);
        match a.state {
            AccreditationState::Requested => requested.push(v),
            AccreditationState::Granted if a.valid_until >= today => valid.push(v),
            _ => others.push(v),
        }
    }
    let tables = [("accreditations-requested", requested), ("accreditations-valid", valid), ("accreditations-others", others)]
        .into_iter()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(caption, rows)| AccreditationTable { caption: ui.t(caption), rows })
        .collect();
    render(&AccreditationsPage { ui: &ui, tables })
}

#[derive(Template)]
#[template(path = "accreditation.html")]
struct AccreditationPage<'a> {
    ui: &'a Ui,
    id: i64,
    a: AccreditationView,
    reason: String,
    errors: FieldErrors,
}

async fn accreditation_page(state: &AppState, ui: &Ui, id: i64, reason: String, errors: FieldErrors) -> Response {
    let caller = match ui.require(&DESK_LEAD) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let row = match state.store.accreditation(&caller.actor, id).await {
        Ok(Ok(r)) => r,
        Ok(Err(refusal)) => return super::refused_one(ui, &refusal, "publicinfo.accreditation.not_found"),
        Err(e) => return internal_error(ui, &e),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(status, &AccreditationPage { ui, id, a: accreditation_view(ui, &row), reason, errors })
}

/// `GET /desk/accreditations/{id}`: a request and the forms to decide it.
pub async fn accreditation(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    accreditation_page(&state, &ui, id, String::new(), FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    /// `granted`, `refused` or `revoked`.
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

/// The e-mail that tells a journalist what became of their accreditation, in the language of
/// the request.
pub fn accreditation_letter(municipality: String) -> AccreditationLetter {
    Box::new(move |a: &AccreditationRow| {
        let locale = Locale::parse(&a.language).unwrap_or(Locale::Bs);
        let script = locale.script();
        let state = locale.t(&format!("accreditation-state-{}", a.state.as_str()));
        let subject = locale.t_args("accreditation-mail-subject", &[("number", Arg::Text(&a.number)), ("state", Arg::Text(&state))]);
        let what = match a.kind {
            AccreditationKind::Event => locale.t_args("accreditation-for-event", &[("event", Arg::Text(&a.event))]),
            AccreditationKind::Year => locale.t_args("accreditation-for-year", &[("year", Arg::Text(&a.year.to_string()))]),
        };
        let until = super::parse_day(&a.valid_until).map(|d| locale.date(d)).unwrap_or_else(|| a.valid_until.clone());
        let mut body = format!(
            "{}\n\n{}",
            locale.t_args("accreditation-mail-intro", &[("name", Arg::Text(&a.name)), ("outlet", Arg::Text(&a.outlet))]),
            locale.t_args(&format!("accreditation-mail-{}", a.state.as_str()), &[("what", Arg::Text(&what)), ("until", Arg::Text(&until))]),
        );
        if !a.reason.is_empty() {
            body = format!("{body}\n\n{}", script.write_recorded(&a.reason));
        }
        body = format!(
            "{body}\n\n-- \n{}\n{}\n",
            locale.t("desk-mail-signature"),
            locale.t_args("site-title", &[("municipality", Arg::Text(&script.write_recorded(&municipality)))])
        );
        Letter { subject, body }
    })
}

/// `POST /desk/accreditations/{id}`: grants, refuses or revokes it; the journalist is told by
/// e-mail.
pub async fn decide_accreditation(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let caller = match ui.require(&DESK_LEAD) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(to) = AccreditationState::parse(f.to.trim()) else {
        let refusal = Refusal::one(FieldError::general("publicinfo.accreditation.not_now", "grant, refuse or revoke"));
        return accreditation_page(&state, &ui, id, f.reason, FieldErrors::of(&ui, &refusal)).await;
    };
    let municipality = match state.store.node_if_set_up().await {
        Ok(n) => n.map(|n| n.municipality).unwrap_or_default(),
        Err(e) => return internal_error(&ui, &e),
    };
    match state.store.decide_accreditation(&caller.actor, id, to, &f.reason, accreditation_letter(municipality)).await {
        Ok(Ok(_)) => Redirect::to("/desk/accreditations").into_response(),
        Ok(Err(refusal)) => accreditation_page(&state, &ui, id, f.reason, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}
