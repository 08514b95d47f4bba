//! Citizens' messages on the website — a question, a suggestion or a complaint sent without
//! an account, followed by number and access code, the answers the citizens agreed to
//! publish — and the inbox where a unit answers them (by e-mail, in the citizen's language).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::publicinfo::message::{MessageFields, MessageKind, MessageState};
use opcina_core::registry::Role;
use opcina_store::mail::Letter;
use opcina_store::publicinfo_rows::CitizenMessageRow;
use serde::Deserialize;

use super::forms::Choice;
use super::reports::COUNTER;
use super::{FieldErrors, Ui, date_label, error_page, internal_error, refusal_text, render, render_with};
use crate::AppState;
use crate::i18n::{Arg, Locale};
use crate::limits::Client;

/// Who works in the inbox.
const INBOX: [Role; 3] = [Role::Official, Role::PressOfficer, Role::Approver];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    publish: Option<String>,
    /// Left empty by people (the field is hidden from them); filled by robots.
    #[serde(default)]
    website: String,
}

#[derive(Template)]
#[template(path = "message_form.html")]
struct FormPage<'a> {
    ui: &'a Ui,
    f: MessageForm,
    kinds: Vec<Choice>,
    units: Vec<Choice>,
    /// The form's lead: the term in force, or what a clerk at a counter does.
    intro: String,
    /// Entered at a counter by a signed-in clerk (the e-mail address may be left out).
    counter: bool,
    errors: FieldErrors,
}

async fn form_page(state: &AppState, ui: &Ui, f: MessageForm, errors: FieldErrors) -> Response {
    let (config, terms) = match (state.store.docflow_config().await, state.store.answer_terms().await) {
        (Ok(c), Ok(t)) => (c, t),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let kinds = MessageKind::ALL
        .iter()
        .map(|k| Choice { value: k.as_str().into(), label: ui.t(&format!("message-kind-{}", k.as_str())), selected: f.kind == k.as_str() })
        .collect();
    let units =
        config.units.iter().map(|u| Choice { value: u.code.clone(), label: ui.recorded(&u.name), selected: f.unit == u.code }).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let counter = ui.staff.as_ref().is_some_and(|s| COUNTER.contains(&s.caller.actor.role));
    let intro = if counter { ui.t("message-new-counter") } else { ui.tn("message-new-intro", terms.messages as usize) };
    render_with(status, &FormPage { ui, f, kinds, units, intro, counter, errors })
}

/// `GET /messages/new`: the form.
pub async fn new_form(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    form_page(&state, &ui, MessageForm { kind: "question".into(), ..MessageForm::default() }, FieldErrors::default()).await
}

#[derive(Template)]
#[template(path = "message_sent.html")]
struct SentPage<'a> {
    ui: &'a Ui,
    number: String,
    code: String,
    due: String,
}

/// `POST /messages/new`: a message from the website, within the limits per client and per
/// address.
pub async fn send(State(state): State<AppState>, Extension(ui): Extension<Ui>, client: Client, Form(f): Form<MessageForm>) -> Response {
    if !f.website.is_empty() {
        tracing::warn!(%client, "a message refused: the field hidden from people was filled");
        let errors = FieldErrors(std::collections::BTreeMap::from([("general".to_string(), ui.t("message-not-taken"))]));
        return form_page(&state, &ui, f, errors).await;
    }
    let at_counter = ui.staff.as_ref().filter(|s| COUNTER.contains(&s.caller.actor.role)).map(|s| s.caller.actor.clone());
    if at_counter.is_none() {
        if let Err(wait) = state.limits.messages.hit(&client.key()) {
            tracing::warn!(%client, "a message refused: over the limit");
            return super::rate_limited(&ui, wait);
        }
        let email = f.email.trim().to_lowercase();
        if !email.is_empty() {
            if let Err(wait) = state.limits.messages.hit(&format!("mail:{email}")) {
                return super::rate_limited(&ui, wait);
            }
        }
    }
    let fields = MessageFields {
        kind: f.kind.clone(),
        unit: f.unit.clone(),
        name: f.name.clone(),
        email: f.email.clone(),
        subject: f.subject.clone(),
        text: f.text.clone(),
        publish: f.publish.is_some(),
    };
    let sent = match at_counter {
        Some(actor) => state.store.take_message(&actor, fields, ui.locale.code()).await,
        None => state.store.send_message(fields, ui.locale.code()).await,
    };
    match sent {
        Ok(Ok((row, code))) => render(&SentPage { ui: &ui, number: row.number, code, due: date_label(&ui, &row.due_on) }),
        Ok(Err(refusal)) => form_page(&state, &ui, f, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// A message as a page shows it.
pub struct MessageView {
    pub href: String,
    pub number: String,
    pub kind: String,
    pub unit: String,
    pub subject: String,
    pub body: Vec<String>,
    pub name: String,
    pub email: String,
    pub received: String,
    pub due: String,
    pub overdue: bool,
    pub answered: bool,
    pub answer: Vec<String>,
    pub answered_on: String,
    pub publish: bool,
}

fn view(ui: &Ui, m: &CitizenMessageRow, units: &opcina_store::rows::DocflowConfig, today: &str) -> MessageView {
    let lines = |t: &str| t.lines().map(str::to_string).collect::<Vec<_>>();
    MessageView {
        href: format!("/inbox/{}", m.id),
        number: m.number.clone(),
        kind: ui.t(&format!("message-kind-{}", m.kind.as_str())),
        unit: units.unit(&m.unit_code).map_or_else(|| m.unit_code.clone(), |u| ui.recorded(&u.name)),
        subject: m.subject.clone(),
        body: lines(&m.body),
        name: m.name.clone(),
        email: m.email.clone().unwrap_or_default(),
        received: date_label(ui, &m.received_on),
        due: date_label(ui, &m.due_on),
        overdue: m.state == MessageState::Received && m.due_on.as_str() < today,
        answered: m.state == MessageState::Answered,
        answer: m.answer.as_deref().map(lines).unwrap_or_default(),
        answered_on: m.answered_at.map(|at| ui.locale.day(at)).unwrap_or_default(),
        publish: m.publish,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TrackQuery {
    number: Option<String>,
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "message_track.html")]
struct TrackPage<'a> {
    ui: &'a Ui,
    number: String,
    found: Option<MessageView>,
    not_found: bool,
}

/// `GET /messages/track?number=&code=`: a message and its answer, for the holder of its code.
pub async fn track(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<TrackQuery>) -> Response {
    let (Some(number), Some(code)) = (q.number.filter(|n| !n.trim().is_empty()), q.code.filter(|c| !c.trim().is_empty())) else {
        return render(&TrackPage { ui: &ui, number: String::new(), found: None, not_found: false });
    };
    let (found, config) = match (state.store.track_message(&number, &code).await, state.store.docflow_config().await) {
        (Ok(f), Ok(c)) => (f, c),
        (Err(e), _) | (_, Err(e)) => return internal_error(&ui, &e),
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let found = found.map(|m| view(&ui, &m, &config, &today));
    let status = if found.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let not_found = found.is_none();
    render_with(status, &TrackPage { ui: &ui, number, found, not_found })
}

#[derive(Template)]
#[template(path = "messages.html")]
struct PublishedPage<'a> {
    ui: &'a Ui,
    items: Vec<MessageView>,
}

/// `GET /messages`: the questions and answers the citizens agreed to publish (without their
/// names and addresses), and the way to ask.
pub async fn published(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let (rows, config) = match (state.store.published_messages(50).await, state.store.docflow_config().await) {
        (Ok(r), Ok(c)) => (r, c),
        (Err(e), _) | (_, Err(e)) => return internal_error(&ui, &e),
    };
    let items = rows.iter().map(|m| view(&ui, m, &config, "")).collect();
    render(&PublishedPage { ui: &ui, items })
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage<'a> {
    ui: &'a Ui,
    waiting: Vec<MessageView>,
    answered: Vec<MessageView>,
    summary: String,
}

/// `GET /inbox`: the messages the user's unit answers (every unit's for the PR officer and
/// approvers), the first due first, overdue ones marked.
pub async fn inbox(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let caller = match ui.require(&INBOX) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (rows, config) = match (state.store.message_inbox(&caller.actor).await, state.store.docflow_config().await) {
        (Ok(Ok(r)), Ok(c)) => (r, c),
        (Ok(Err(refusal)), _) => return error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(&ui, &refusal)),
        (Err(e), _) | (_, Err(e)) => return internal_error(&ui, &e),
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let (answered, waiting): (Vec<MessageView>, Vec<MessageView>) =
        rows.iter().map(|m| view(&ui, m, &config, &today)).partition(|m| m.answered);
    let overdue = waiting.iter().filter(|m| m.overdue).count();
    let summary = waiting_summary(&ui, "inbox-waiting", waiting.len(), overdue);
    render(&InboxPage { ui: &ui, waiting, answered, summary })
}

/// "3 waiting · 1 past its deadline" (`id`: the message that counts what waits).
pub(crate) fn waiting_summary(ui: &Ui, id: &str, waiting: usize, overdue: usize) -> String {
    let summary = ui.tn(id, waiting);
    if overdue > 0 { format!("{summary} · {}", ui.tn("inbox-overdue", overdue)) } else { summary }
}

#[derive(Template)]
#[template(path = "inbox_message.html")]
struct InboxMessagePage<'a> {
    ui: &'a Ui,
    id: i64,
    m: MessageView,
    answer: String,
    errors: FieldErrors,
}

async fn message_page(state: &AppState, ui: &Ui, id: i64, answer: String, errors: FieldErrors) -> Response {
    let caller = match ui.require(&INBOX) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (row, config) = match (state.store.inbox_message(&caller.actor, id).await, state.store.docflow_config().await) {
        (Ok(Ok(r)), Ok(c)) => (r, c),
        (Ok(Err(refusal)), _) => return super::refused_one(ui, &refusal, "publicinfo.message.not_found"),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let today = state.store.today().format("%Y-%m-%d").to_string();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(status, &InboxMessagePage { ui, id, m: view(ui, &row, &config, &today), answer, errors })
}

/// `GET /inbox/{id}`: a message and the form to answer it.
pub async fn message(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    message_page(&state, &ui, id, String::new(), FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

/// The e-mail that carries an answer, in the language of the page the message came from.
pub fn answer_letter(public_url: String, municipality: String) -> opcina_store::publicinfo_messages::AnswerLetter {
    Box::new(move |m: &CitizenMessageRow, answer: &str| {
        let locale = Locale::parse(&m.language).unwrap_or(Locale::Bs);
        let script = locale.script();
        let number = [("number", Arg::Text(&m.number))];
        let subject = locale.t_args("message-mail-subject", &number);
        let link = format!("{public_url}/messages/track?number={}", m.number);
        let body = format!(
            "{}\n\n{}\n\n{}\n\n{} {link}\n\n-- \n{}\n",
            locale.t_args("message-mail-intro", &[("name", Arg::Text(&m.name)), ("subject", Arg::Text(&m.subject))]),
            script.write_recorded(answer),
            locale.t_args("message-mail-number", &number),
            locale.t("message-mail-track"),
            locale.t_args("site-title", &[("municipality", Arg::Text(&script.write_recorded(&municipality)))]),
        );
        Letter { subject, body }
    })
}

/// `POST /inbox/{id}/answer`: answers the message (by e-mail when the citizen gave an
/// address).
pub async fn answer(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> Response {
    let caller = match ui.require(&INBOX) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let municipality = match state.store.node_if_set_up().await {
        Ok(n) => n.map(|n| n.municipality).unwrap_or_default(),
        Err(e) => return internal_error(&ui, &e),
    };
    let letter = answer_letter(state.public_url.clone(), municipality);
    match state.store.answer_message(&caller.actor, id, &f.answer, letter).await {
        Ok(Ok(_)) => Redirect::to("/inbox").into_response(),
        Ok(Err(refusal)) => message_page(&state, &ui, id, f.answer, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}
