//! The media list in the newsroom (the PR officer keeps it), and the page where a contact
//! leaves it by the link in every press release.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::publicinfo::media::ContactFields;
use opcina_core::publicinfo::piece::{EDITORS, LANGUAGES};
use opcina_store::publicinfo_press::ContactOp;
use opcina_store::publicinfo_rows::MediaContactRow;
use serde::Deserialize;

use super::forms::Choice;
use super::{FieldErrors, Ui, error_page, internal_error, refusal_text, render, render_with};
use crate::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    outlet: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    beats: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    script: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    active: Option<String>,
}

impl ContactForm {
    fn fields(&self) -> ContactFields {
        ContactFields {
            outlet: self.outlet.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            beats: self.beats.clone(),
            language: self.language.clone(),
            script: self.script.clone(),
        }
    }

    fn of(c: &MediaContactRow) -> ContactForm {
        ContactForm {
            outlet: c.outlet.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            beats: c.beats.clone(),
            language: c.language.clone(),
            script: c.script.clone(),
            active: c.active.then(|| "on".into()),
        }
    }
}

fn language_choices(ui: &Ui, selected: &str) -> Vec<Choice> {
    LANGUAGES.iter().map(|l| Choice { value: (*l).into(), label: ui.t(&format!("language-{l}")), selected: *l == selected }).collect()
}

fn script_choices(ui: &Ui, selected: &str) -> Vec<Choice> {
    ["latin", "cyrillic"]
        .iter()
        .map(|s| Choice { value: (*s).into(), label: ui.t(&format!("script-{s}")), selected: *s == selected })
        .collect()
}

/// A contact as the list shows it.
pub struct ContactLine {
    pub href: String,
    pub outlet: String,
    pub name: String,
    pub email: String,
    pub beats: String,
    pub language: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "media.html")]
struct ListPage<'a> {
    ui: &'a Ui,
    items: Vec<ContactLine>,
    count: String,
    f: ContactForm,
    languages: Vec<Choice>,
    scripts: Vec<Choice>,
    errors: FieldErrors,
}

fn line(ui: &Ui, c: &MediaContactRow) -> ContactLine {
    let state = match (c.active, c.unsubscribed_at) {
        (true, _) => ui.t("media-active"),
        (false, Some(at)) => ui.ta("media-unsubscribed", "when", &ui.locale.day(at)),
        (false, None) => ui.t("media-inactive"),
    };
    ContactLine {
        href: format!("/newsroom/media/{}", c.id),
        outlet: c.outlet.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        beats: c.beats.clone(),
        language: format!("{}, {}", ui.t(&format!("language-{}", c.language)), ui.t(&format!("script-{}", c.script))),
        state,
    }
}

async fn list_page(state: &AppState, ui: &Ui, f: ContactForm, errors: FieldErrors) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let contacts = match state.store.media_list(&caller.actor).await {
        Ok(Ok(c)) => c,
        Ok(Err(refusal)) => return error_page(ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(ui, &refusal)),
        Err(e) => return internal_error(ui, &e),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let languages = language_choices(ui, if f.language.is_empty() { "bs" } else { &f.language });
    let scripts = script_choices(ui, if f.script.is_empty() { "latin" } else { &f.script });
    let count = ui.tn("media-count", contacts.iter().filter(|c| c.active).count());
    let items = contacts.iter().map(|c| line(ui, c)).collect();
    render_with(status, &ListPage { ui, items, count, f, languages, scripts, errors })
}

/// `GET /newsroom/media`: the media list and the form to add to it.
pub async fn list(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    list_page(&state, &ui, ContactForm::default(), FieldErrors::default()).await
}

/// `POST /newsroom/media`: a new contact.
pub async fn add(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<ContactForm>) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.add_media_contact(&caller.actor, f.fields()).await {
        Ok(Ok(_)) => Redirect::to("/newsroom/media").into_response(),
        Ok(Err(refusal)) => list_page(&state, &ui, f, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Template)]
#[template(path = "media_contact.html")]
struct ContactPage<'a> {
    ui: &'a Ui,
    id: i64,
    title: String,
    f: ContactForm,
    languages: Vec<Choice>,
    scripts: Vec<Choice>,
    errors: FieldErrors,
}

async fn contact_page(state: &AppState, ui: &Ui, id: i64, f: Option<ContactForm>, errors: FieldErrors) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let contact = match state.store.media_contact_row(&caller.actor, id).await {
        Ok(Ok(c)) => c,
        Ok(Err(refusal)) => return super::refused_one(ui, &refusal, "publicinfo.contact.not_found"),
        Err(e) => return internal_error(ui, &e),
    };
    let f = f.unwrap_or_else(|| ContactForm::of(&contact));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ContactPage {
        ui,
        id,
        title: format!("{} — {}", contact.outlet, contact.email),
        languages: language_choices(ui, &f.language),
        scripts: script_choices(ui, &f.script),
        f,
        errors,
    };
    render_with(status, &page)
}

/// `GET /newsroom/media/{id}`: a contact.
pub async fn contact(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    contact_page(&state, &ui, id, None, FieldErrors::default()).await
}

/// `POST /newsroom/media/{id}`: a contact's details, on or off the list.
pub async fn change(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<ContactForm>,
) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let op = ContactOp::Change { id, fields: f.fields(), active: f.active.is_some() };
    match state.store.media_contact(&caller.actor, op).await {
        Ok(Ok(_)) => Redirect::to("/newsroom/media").into_response(),
        Ok(Err(refusal)) => contact_page(&state, &ui, id, Some(f), FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage<'a> {
    ui: &'a Ui,
    token: String,
    email: String,
    done: bool,
}

/// `GET /press/unsubscribe/{token}`: asks before taking the address off the list (a mail
/// scanner following the link changes nothing).
pub async fn unsubscribe_form(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(token): Path<String>) -> Response {
    match state.store.contact_by_token(&token).await {
        Ok(Some(c)) => render(&UnsubscribePage { ui: &ui, token, email: c.email, done: !c.active }),
        Ok(None) => error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("media-link-unknown")),
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /press/unsubscribe/{token}`: takes the address off the list.
pub async fn unsubscribe(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(token): Path<String>) -> Response {
    match state.store.unsubscribe(&token).await {
        Ok(Some(c)) => render(&UnsubscribePage { ui: &ui, token, email: c.email, done: true }),
        Ok(None) => error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("media-link-unknown")),
        Err(e) => internal_error(&ui, &e),
    }
}
