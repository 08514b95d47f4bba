//! The newsroom: where the website's editors write pieces and take them through the
//! workflow (draft → review → approved → published, corrections, withdrawal). The same use
//! cases as the JSON API (`Store::piece`, `Store::newsroom`, `Store::newsroom_piece`).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::TimeZone;
use opcina_core::Refusal;
use opcina_core::publicinfo::attachment::FileFields;
use opcina_core::publicinfo::piece::{self, EDITORS, LANGUAGES, PieceAction, PieceFacts, PieceKind, PieceState, PieceText};
use opcina_core::registry::Timestamp;
use opcina_store::publicinfo::PieceOp;
use opcina_store::publicinfo_press::{PRESS, ReleaseLog};
use opcina_store::publicinfo_reads::{NewsroomPiece, PieceWithTexts};
use serde::Deserialize;

use super::forms::Choice;
use super::website::{kind_label, piece_path, text_for};
use super::{FieldErrors, Ui, error_page, internal_error, refusal_text, render_with};
use crate::AppState;

/// The form of a piece: its facts and one language's text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PieceFields {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    local_community: String,
    #[serde(default)]
    gazette: String,
    #[serde(default)]
    closes_on: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    reason: String,
}

impl PieceFields {
    fn facts(&self) -> PieceFacts {
        PieceFacts {
            kind: self.kind.clone(),
            category: self.category.clone(),
            tags: self.tags.clone(),
            local_community: self.local_community.clone(),
            gazette: self.gazette.clone(),
            closes_on: self.closes_on.clone(),
        }
    }

    fn text(&self) -> PieceText {
        PieceText { language: self.language.clone(), title: self.title.clone(), summary: self.summary.clone(), body: self.body.clone() }
    }

    /// The form filled with a piece's facts and its text in `language`.
    fn of(p: &NewsroomPiece, language: &str) -> PieceFields {
        let text = p.texts.iter().find(|t| t.language == language);
        PieceFields {
            kind: p.piece.kind.as_str().into(),
            category: p.piece.category.clone(),
            tags: p.piece.tags.clone(),
            local_community: p.piece.local_community.clone(),
            gazette: p.piece.gazette.clone().unwrap_or_default(),
            closes_on: p.piece.closes_on.clone().unwrap_or_default(),
            language: language.into(),
            title: text.map(|t| t.title.clone()).unwrap_or_default(),
            summary: text.map(|t| t.summary.clone()).unwrap_or_default(),
            body: text.map(|t| t.body.clone()).unwrap_or_default(),
            reason: String::new(),
        }
    }
}

fn kind_choices(ui: &Ui, selected: &str) -> Vec<Choice> {
    PieceKind::ALL
        .iter()
        .map(|k| Choice { value: k.as_str().into(), label: kind_label(ui, *k), selected: k.as_str() == selected })
        .collect()
}

fn language_choices(ui: &Ui, selected: &str) -> Vec<Choice> {
    LANGUAGES.iter().map(|l| Choice { value: (*l).into(), label: ui.t(&format!("language-{l}")), selected: *l == selected }).collect()
}

fn state_label(ui: &Ui, state: PieceState) -> String {
    ui.t(&format!("piece-state-{}", state.as_str()))
}

/// A piece as the newsroom's list shows it.
pub struct NewsroomLine {
    pub href: String,
    pub title: String,
    pub kind: String,
    pub state: String,
    /// When a published piece becomes (or became) visible.
    pub from: Option<String>,
    pub waiting: bool,
    pub changed: String,
    pub author: String,
}

fn newsroom_line(ui: &Ui, p: &PieceWithTexts, now: i64) -> NewsroomLine {
    NewsroomLine {
        href: format!("/newsroom/{}", p.piece.id),
        title: text_for(ui, &p.texts).map_or_else(|| p.piece.slug.clone(), |(t, _)| t.title.clone()),
        kind: kind_label(ui, p.piece.kind),
        state: state_label(ui, p.piece.state),
        from: p.piece.publish_at.filter(|_| p.piece.state == PieceState::Published).map(|at| ui.locale.date_time(at)),
        waiting: p.piece.state == PieceState::Published && p.piece.publish_at.is_some_and(|at| at > now),
        changed: ui.locale.date_time(p.piece.changed_at),
        author: p.piece.author.clone(),
    }
}

#[derive(Template)]
#[template(path = "newsroom.html")]
struct ListPage<'a> {
    ui: &'a Ui,
    items: Vec<NewsroomLine>,
    f: PieceFields,
    kinds: Vec<Choice>,
    languages: Vec<Choice>,
    errors: FieldErrors,
}

async fn list_page(state: &AppState, ui: &Ui, f: PieceFields, errors: FieldErrors) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let items = match state.store.newsroom(&caller.actor, 500).await {
        Ok(Ok(items)) => items,
        Ok(Err(refusal)) => return error_page(ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(ui, &refusal)),
        Err(e) => return internal_error(ui, &e),
    };
    let now = state.store.now().0;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let kinds = kind_choices(ui, if f.kind.is_empty() { "news" } else { &f.kind });
    let languages = language_choices(ui, if f.language.is_empty() { "bs" } else { &f.language });
    let items = items.iter().map(|p| newsroom_line(ui, p, now)).collect();
    render_with(status, &ListPage { ui, items, f, kinds, languages, errors })
}

/// `GET /newsroom`: every piece, those waiting for a step first, and the form of a new one.
pub async fn list(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    list_page(&state, &ui, PieceFields::default(), FieldErrors::default()).await
}

/// `POST /newsroom`: a new piece, as a draft.
pub async fn create(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<PieceFields>) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.piece(&caller.actor, PieceOp::Create { facts: f.facts(), text: f.text() }).await {
        Ok(Ok(done)) => Redirect::to(&format!("/newsroom/{}?language={}", done.piece.id, f.language.trim())).into_response(),
        Ok(Err(refusal)) => list_page(&state, &ui, f, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// A step the user may take now, as a button with what it needs.
pub struct StepForm {
    pub action: &'static str,
    pub label: String,
    pub needs_reason: bool,
    pub publish: bool,
}

/// A step of the piece's history.
pub struct StepLine {
    pub at: String,
    pub action: String,
    pub state: String,
    pub actor: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "newsroom_piece.html")]
struct PiecePage<'a> {
    ui: &'a Ui,
    id: i64,
    title: String,
    state: String,
    public: Option<String>,
    waiting_until: Option<String>,
    unpublished: Option<String>,
    languages: Vec<(Choice, bool)>,
    f: PieceFields,
    kinds: Vec<Choice>,
    editable: bool,
    correcting: bool,
    steps: Vec<StepForm>,
    history: Vec<StepLine>,
    can_release: bool,
    releases: Vec<ReleaseLine>,
    /// The files it carries, and whether the user may put files on it or take them off.
    files: Vec<NewsroomFile>,
    files_editable: bool,
    errors: FieldErrors,
    notice: Option<String>,
}

/// A file of the piece as the newsroom lists it.
pub struct NewsroomFile {
    pub id: i64,
    pub href: String,
    pub name: String,
    pub kind: String,
    pub alt: String,
    pub size: String,
    pub added: String,
}

/// A press release of the piece and what became of its messages.
pub struct ReleaseLine {
    pub requested: String,
    pub by: String,
    pub beat: String,
    /// When its messages were written (empty: waiting for the piece to be visible).
    pub queued: Option<String>,
    pub messages: Vec<(String, String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PieceParams {
    language: Option<String>,
    done: Option<String>,
}

fn release_lines(ui: &Ui, logs: &[ReleaseLog]) -> Vec<ReleaseLine> {
    logs.iter()
        .map(|l| ReleaseLine {
            requested: ui.locale.date_time(l.distribution.requested_at),
            by: l.distribution.requested_by.clone(),
            beat: if l.distribution.beat.is_empty() { ui.t("press-everyone") } else { l.distribution.beat.clone() },
            queued: l.distribution.queued_at.map(|at| ui.locale.date_time(at)),
            messages: l
                .messages
                .iter()
                .map(|m| (m.recipient.clone(), ui.t(&format!("press-status-{}", m.status)), m.reply.clone()))
                .collect(),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn piece_page(
    state: &AppState,
    ui: &Ui,
    p: &NewsroomPiece,
    logs: &[ReleaseLog],
    f: Option<PieceFields>,
    errors: FieldErrors,
    notice: Option<String>,
) -> Response {
    let Some(staff) = &ui.staff else { return internal_error(ui, &"no caller") };
    let role = staff.caller.actor.role;
    let now = state.store.now().0;
    let language = f.as_ref().map(|f| f.language.clone()).filter(|l| LANGUAGES.contains(&l.as_str())).unwrap_or_else(|| "bs".into());
    let f = f.unwrap_or_else(|| PieceFields::of(p, &language));
    let wrote_last = p.texts.iter().max_by_key(|t| t.id).is_some_and(|t| t.written_by == staff.caller.actor.username);
    let steps =
        [PieceAction::Submit, PieceAction::Return, PieceAction::Approve, PieceAction::Publish, PieceAction::Unpublish, PieceAction::Reopen]
            .into_iter()
            .filter(|a| piece::step(role, *a, p.piece.state, wrote_last).is_ok())
            .map(|a| StepForm {
                action: a.as_str(),
                label: ui.t(&format!("piece-step-{}", a.as_str())),
                needs_reason: a.needs_reason(),
                publish: a == PieceAction::Publish,
            })
            .collect();
    let correcting = p.piece.state == PieceState::Published;
    let edit_action = if correcting { PieceAction::Correct } else { PieceAction::Write };
    let editable = piece::step(role, edit_action, p.piece.state, false).is_ok();
    let visible = opcina_core::publicinfo::visible::visible(p.piece.state, p.piece.publish_at, now);
    let history = p
        .steps
        .iter()
        .rev()
        .map(|s| StepLine {
            at: ui.locale.date_time(s.at),
            action: ui.t(&format!("piece-action-{}", s.action.as_str())),
            state: state_label(ui, s.state),
            actor: s.actor.clone(),
            reason: s.reason.clone(),
        })
        .collect();
    let languages = LANGUAGES
        .iter()
        .map(|l| {
            let written = p.texts.iter().any(|t| t.language == *l);
            (Choice { value: (*l).into(), label: ui.t(&format!("language-{l}")), selected: *l == language }, written)
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = PiecePage {
        ui,
        id: p.piece.id,
        title: text_for(ui, &p.texts).map_or_else(|| p.piece.slug.clone(), |(t, _)| t.title.clone()),
        state: state_label(ui, p.piece.state),
        public: visible.then(|| piece_path(&p.piece)),
        waiting_until: p
            .piece
            .publish_at
            .filter(|at| p.piece.state == PieceState::Published && *at > now)
            .map(|at| ui.locale.date_time(at)),
        unpublished: p.piece.unpublished_reason.clone().filter(|_| p.piece.state == PieceState::Unpublished),
        languages,
        kinds: kind_choices(ui, &f.kind),
        f,
        editable,
        correcting,
        steps,
        history,
        can_release: PRESS.contains(&role) && matches!(p.piece.state, PieceState::Approved | PieceState::Published),
        releases: release_lines(ui, logs),
        files: p
            .files
            .iter()
            .map(|f| NewsroomFile {
                id: f.id,
                href: format!("/newsroom/{}/files/{}", p.piece.id, f.id),
                name: f.name.clone(),
                kind: f.kind.as_str().to_uppercase(),
                alt: f.alt.clone(),
                size: opcina_core::publicinfo::attachment::size_label(f.size),
                added: format!("{}, {}", ui.locale.date_time(f.uploaded_at), f.uploaded_by),
            })
            .collect(),
        files_editable: editable,
        errors,
        notice,
    };
    render_with(status, &page)
}

async fn load(state: &AppState, ui: &Ui, id: i64) -> Result<(NewsroomPiece, Vec<ReleaseLog>), Response> {
    let caller = ui.require(&EDITORS)?;
    let piece = match state.store.newsroom_piece(&caller.actor, id).await {
        Ok(Ok(p)) => p,
        Ok(Err(refusal)) => return Err(refused(ui, &refusal)),
        Err(e) => return Err(internal_error(ui, &e)),
    };
    match state.store.release_log(&caller.actor, id).await {
        Ok(Ok(logs)) => Ok((piece, logs)),
        Ok(Err(refusal)) => Err(refused(ui, &refusal)),
        Err(e) => Err(internal_error(ui, &e)),
    }
}

fn refused(ui: &Ui, refusal: &Refusal) -> Response {
    let status = refusal
        .primary()
        .and_then(|e| opcina_core::codes::problem(e.code))
        .map_or(StatusCode::UNPROCESSABLE_ENTITY, crate::error::status_of);
    let title = if status == StatusCode::NOT_FOUND { "error-404-title" } else { "error-403-title" };
    error_page(ui, status, title, &refusal_text(ui, refusal))
}

/// `GET /newsroom/{id}`: a piece — its state, its text in a language (`?language=`), the
/// steps the user may take, its history.
pub async fn piece(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Query(q): Query<PieceParams>,
) -> Response {
    let (p, logs) = match load(&state, &ui, id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let language = q.language.filter(|l| LANGUAGES.contains(&l.as_str())).unwrap_or_else(|| "bs".into());
    let notice = match q.done.as_deref() {
        Some("release") => Some(ui.t("press-done")),
        Some("file") => Some(ui.t("piece-file-added")),
        Some("file-removed") => Some(ui.t("piece-file-removed")),
        done => done.and_then(PieceAction::parse).map(|a| ui.t(&format!("piece-done-{}", a.as_str()))),
    };
    piece_page(&state, &ui, &p, &logs, Some(PieceFields::of(&p, &language)), FieldErrors::default(), notice)
}

/// `POST /newsroom/{id}`: saves the facts and the text in the form's language (a correction,
/// with its reason, once the piece is published).
pub async fn save(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<PieceFields>,
) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let op = PieceOp::Save { piece_id: id, facts: Some(f.facts()), text: Some(f.text()), reason: f.reason.clone() };
    match state.store.piece(&caller.actor, op).await {
        Ok(Ok(done)) => {
            let action = done.step.map_or("write", |s| s.action.as_str());
            Redirect::to(&format!("/newsroom/{id}?language={}&done={action}", f.language.trim())).into_response()
        }
        Ok(Err(refusal)) => match load(&state, &ui, id).await {
            Ok((p, logs)) => piece_page(&state, &ui, &p, &logs, Some(f), FieldErrors::of(&ui, &refusal), None),
            Err(r) => r,
        },
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StepFields {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    /// `YYYY-MM-DDTHH:MM` in the node's local time (a `datetime-local` field).
    #[serde(default)]
    publish_at: String,
}

/// A `datetime-local` value in the node's local time.
fn local_moment(s: &str) -> Option<Timestamp> {
    let naive = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").ok()?;
    chrono::Local.from_local_datetime(&naive).earliest().map(|t| Timestamp(t.timestamp_micros()))
}

/// `POST /newsroom/{id}/step`: submit, return, approve, publish (now or at a set time),
/// unpublish, reopen.
pub async fn step(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>, Form(f): Form<StepFields>) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = std::collections::BTreeMap::new();
    let action = PieceAction::parse(f.action.trim());
    if action.is_none() {
        errors.insert("general".to_string(), ui.error_text("publicinfo.step.unknown", "there is no such step"));
    }
    let publish_at = match f.publish_at.trim() {
        "" => None,
        s => {
            let at = local_moment(s);
            if at.is_none() {
                errors.insert(format!("publish_at-{}", f.action), ui.error_text("publicinfo.publish_at.invalid", "a day and a time"));
            }
            at
        }
    };
    let outcome = match (action, errors.is_empty()) {
        (Some(action), true) => {
            match state.store.piece(&caller.actor, PieceOp::Step { piece_id: id, action, reason: f.reason.clone(), publish_at }).await {
                Ok(Ok(_)) => return Redirect::to(&format!("/newsroom/{id}?done={}", action.as_str())).into_response(),
                Ok(Err(refusal)) => {
                    // The step's fields are named after it (`reason-return`), so the message
                    // stands beside the button that was pressed.
                    FieldErrors::of(&ui, &refusal)
                        .0
                        .into_iter()
                        .map(|(k, v)| if k == "reason" || k == "publish_at" { (format!("{k}-{}", action.as_str()), v) } else { (k, v) })
                        .collect()
                }
                Err(e) => return internal_error(&ui, &e),
            }
        }
        _ => errors,
    };
    match load(&state, &ui, id).await {
        Ok((p, logs)) => piece_page(&state, &ui, &p, &logs, None, FieldErrors(outcome), None),
        Err(r) => r,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReleaseFields {
    #[serde(default)]
    beat: String,
}

/// `POST /newsroom/{id}/release`: sends the piece to the media list (all of it, or those
/// following a topic) once it is visible.
pub async fn release(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<ReleaseFields>,
) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.distribute(&caller.actor, id, &f.beat).await {
        Ok(Ok(_)) => Redirect::to(&format!("/newsroom/{id}?done=release")).into_response(),
        Ok(Err(refusal)) => match load(&state, &ui, id).await {
            Ok((p, logs)) => {
                let errors = FieldErrors::of(&ui, &refusal).0.into_values().map(|v| ("beat".to_string(), v)).collect();
                piece_page(&state, &ui, &p, &logs, None, FieldErrors(errors), None)
            }
            Err(r) => r,
        },
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /newsroom/{id}/files` (a multipart form): puts a PDF or an image on the piece, under
/// the name given (the file's own when none is) and, for an image, the words that say what it
/// shows.
pub async fn put_file(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>, mut form: Multipart) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (mut fields, mut content, mut own_name) = (FileFields::default(), None, String::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    own_name = field.file_name().unwrap_or("").to_string();
                    match field.bytes().await {
                        Ok(bytes) => content = Some(bytes),
                        Err(_) => return error_page(&ui, StatusCode::BAD_REQUEST, "error-form-title", &ui.t("error-form-too-large")),
                    }
                }
                Some("name") => fields.name = field.text().await.unwrap_or_default(),
                Some("alt") => fields.alt = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return error_page(&ui, StatusCode::BAD_REQUEST, "error-form-title", &ui.t("error-form-too-large")),
        }
    }
    if fields.name.trim().is_empty() {
        fields.name = own_name;
    }
    match state.store.put_piece_file(&caller.actor, id, &fields, content.unwrap_or_default()).await {
        Ok(Ok(_)) => Redirect::to(&format!("/newsroom/{id}?done=file#files")).into_response(),
        Ok(Err(refusal)) if refusal.has_code("publicinfo.piece.not_found") || refusal.has_code("publicinfo.permission") => {
            refused(&ui, &refusal)
        }
        Ok(Err(refusal)) => match load(&state, &ui, id).await {
            Ok((p, logs)) => piece_page(&state, &ui, &p, &logs, None, FieldErrors::of(&ui, &refusal), None),
            Err(r) => r,
        },
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /newsroom/{id}/files/{file}/remove`: takes a file off the piece.
pub async fn remove_file(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path((id, file)): Path<(i64, i64)>) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.remove_piece_file(&caller.actor, id, file).await {
        Ok(Ok(_)) => Redirect::to(&format!("/newsroom/{id}?done=file-removed#files")).into_response(),
        Ok(Err(refusal)) => refused(&ui, &refusal),
        Err(e) => internal_error(&ui, &e),
    }
}

/// `GET /newsroom/{id}/files/{file}`: a file of the piece, whatever the piece's state.
pub async fn file(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path((id, file)): Path<(i64, i64)>) -> Response {
    let caller = match ui.require(&EDITORS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.newsroom_piece_file(&caller.actor, id, file).await {
        Ok(Ok((row, content))) => crate::present::piece_file_response(&row, content),
        Ok(Err(refusal)) => refused(&ui, &refusal),
        Err(e) => internal_error(&ui, &e),
    }
}
