//! The files and the archive on a case's page: the files of the case with an upload form
//! for the scans the counter takes in, downloads, the export of the case file as a ZIP, the
//! entry in the archive book and the legal hold; and the registry office's archive page with
//! the year's archive book and the disposal proposals.

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use opcina_store::archive::DisposalAnswer;
use opcina_store::docflow::Upload;
use opcina_store::rows::ArchiveEntryRow;
use serde::Deserialize;

use super::cases::{Failed, case_page};
use super::{Ui, api_page, date_label, error_page, internal_error, refusal_text};
use crate::AppState;
use crate::archive::{disposal_carried_out, export_response};
use crate::auth::{KEEPERS, REVIEWERS, STAFF};
use crate::error::ApiError;
use crate::present::file_response;

/// A refusal shown on the case's page, with the form that was sent open again.
async fn refused(state: &AppState, ui: &Ui, id: i64, action: &'static str, message: String) -> Response {
    let Ok(caller) = ui.require(&STAFF) else { return error_page(ui, StatusCode::FORBIDDEN, "error-403-title", &message) };
    let mut errors = super::forms::Errors::new();
    errors.insert("general".into(), message);
    case_page(state, ui, &caller, id, None, Some(Failed { action, values: Default::default(), errors })).await
}

/// `POST /cases/{id}/files`: a file for the case from the upload form (a scan at the
/// counter), as the API takes it: kept by its hash, never changed.
pub async fn upload(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>, mut form: Multipart) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let mut file = None;
    let mut record = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or("").to_string();
                    let media_type = field.content_type().unwrap_or("").to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, media_type, bytes)),
                        Err(_) => return error_page(&ui, StatusCode::BAD_REQUEST, "error-form-title", &ui.t("error-form-too-large")),
                    }
                }
                Some("record") => record = field.text().await.ok().and_then(|t| t.trim().parse::<i64>().ok()),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return error_page(&ui, StatusCode::BAD_REQUEST, "error-form-title", &ui.t("error-form-too-large")),
        }
    }
    let Some((name, media_type, bytes)) = file.filter(|(name, _, _)| !name.trim().is_empty()) else {
        return refused(&state, &ui, id, "upload", ui.t("case-file-missing")).await;
    };
    match state.store.attach(&caller.actor, id, Upload { name, record, replaces: None }, &media_type, bytes).await {
        Ok(Ok(_)) => Redirect::to(&format!("/cases/{id}?done=upload#files")).into_response(),
        Ok(Err(refusal)) => {
            let message = refusal_text(&ui, &refusal);
            refused(&state, &ui, id, "upload", message).await
        }
        Err(e) => api_page(&ui, &ApiError::from(e)),
    }
}

/// `GET /cases/{id}/files/{file}`: a file of the case (the read is logged).
pub async fn download(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path((id, file)): Path<(i64, i64)>) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.read_attachment(&caller.actor, file, Some(id)).await {
        Ok(Ok((attachment, content))) => file_response(&attachment, content),
        Ok(Err(refusal)) => api_page(&ui, &ApiError::from(refusal)),
        Err(e) => internal_error(&ui, &e),
    }
}

/// `GET /cases/{id}/export.zip`: the case file as a ZIP of its originals and metadata.
pub async fn export(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&REVIEWERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    export_response(&state, &caller.actor, id).await.unwrap_or_else(|e| api_page(&ui, &e))
}

/// `POST /cases/{id}/archive`: takes the closed case into this year's archive book.
pub async fn archive_case(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&KEEPERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.archive_cases(&caller.actor, &[id]).await {
        Ok(Ok(_)) => Redirect::to(&format!("/cases/{id}?done=archive")).into_response(),
        Ok(Err(r)) => {
            let message = refusal_text(&ui, &r);
            refused(&state, &ui, id, "archive", message).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    placed: String,
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/hold`: places a legal hold on the case, or releases it.
pub async fn hold(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<HoldForm>,
) -> Response {
    let caller = match ui.require(&KEEPERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let placed = form.placed == "1";
    match state.store.hold(&caller.actor, id, placed, &form.reason).await {
        Ok(Ok(_)) => Redirect::to(&format!("/cases/{id}?done={}", if placed { "hold" } else { "release" })).into_response(),
        Ok(Err(r)) => {
            let message = refusal_text(&ui, &r);
            refused(&state, &ui, id, "hold", message).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

// ---------------------------------------------------------------------------------------
// The archive page

/// A line of the archive book.
pub struct BookLine {
    pub serial: i64,
    pub case_id: i64,
    pub number: String,
    pub content: String,
    pub closed_on: String,
    pub keep: String,
    pub files: i64,
    pub state: String,
}

/// A disposal proposal in the list.
pub struct DisposalLine {
    pub id: i64,
    pub as_of: String,
    pub state: String,
    pub answer: String,
}

#[derive(Template)]
#[template(path = "archive.html")]
struct ArchivePage<'a> {
    ui: &'a Ui,
    year: i64,
    years: Vec<i64>,
    book: Vec<BookLine>,
    next: Option<i64>,
    disposals: Vec<DisposalLine>,
    may_keep: bool,
    done: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct BookParams {
    year: Option<i64>,
    after: Option<i64>,
    #[serde(default)]
    done: String,
}

fn book_line(ui: &Ui, e: ArchiveEntryRow) -> BookLine {
    BookLine {
        serial: e.serial,
        case_id: e.case_id,
        closed_on: date_label(ui, &e.closed_on),
        keep: match &e.keep_until {
            Some(until) => ui.ta("archive-until", "date", &date_label(ui, until)),
            None => ui.t("archive-permanent"),
        },
        state: ui.t(&format!("archive-state-{}", e.state)),
        number: e.number,
        content: e.content,
        files: e.files,
    }
}

async fn archive_page(state: &AppState, ui: &Ui, p: &BookParams, error: Option<String>) -> Response {
    let this_year = i64::from(state.store.today().year());
    let year = p.year.unwrap_or(this_year);
    let loaded = async {
        let page = state.store.archive_book(year, p.after.unwrap_or(0), 100).await?;
        let disposals = state.store.disposals(50).await?;
        Ok::<_, opcina_store::StoreError>((page, disposals))
    }
    .await;
    let (page, disposals) = match loaded {
        Ok(l) => l,
        Err(e) => return internal_error(ui, &e),
    };
    let role = ui.staff.as_ref().map(|s| s.caller.actor.role);
    let done = match p.done.as_str() {
        "proposed" | "answered" | "destroyed" => Some(ui.t(&format!("archive-done-{}", p.done))),
        _ => None,
    };
    let page = ArchivePage {
        ui,
        year,
        years: (this_year - 10..=this_year).rev().collect(),
        book: page.items.into_iter().map(|e| book_line(ui, e)).collect(),
        next: page.next,
        disposals: disposals
            .into_iter()
            .map(|d| DisposalLine {
                id: d.id,
                as_of: date_label(ui, &d.as_of),
                state: ui.t(&format!("archive-disposal-{}", d.state)),
                answer: match (&d.answer_ref, &d.answered_on) {
                    (Some(r), Some(on)) => format!("{r}, {}", date_label(ui, on)),
                    _ => String::new(),
                },
            })
            .collect(),
        may_keep: role.is_some_and(|r| KEEPERS.contains(&r)),
        done,
        error,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    super::render_with(status, &page)
}

/// `GET /archive`: the year's archive book and the disposal proposals.
pub async fn book(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(p): Query<BookParams>) -> Response {
    if let Err(page) = ui.require(&REVIEWERS) {
        return page;
    }
    archive_page(&state, &ui, &p, None).await
}

/// `POST /archive/disposals`: draws up a disposal proposal of what has served its time.
pub async fn propose(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let caller = match ui.require(&KEEPERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.propose_disposal(&caller.actor).await {
        Ok(Ok((d, _))) => Redirect::to(&format!("/archive/disposals/{}?done=proposed", d.id)).into_response(),
        Ok(Err(r)) => {
            let message = refusal_text(&ui, &r);
            archive_page(&state, &ui, &BookParams::default(), Some(message)).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

/// An entry a proposal listed, and what became of it.
pub struct ItemLine {
    pub line: BookLine,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "archive_disposal.html")]
struct DisposalPage<'a> {
    ui: &'a Ui,
    id: i64,
    facts: Vec<(String, String)>,
    items: Vec<ItemLine>,
    may_answer: bool,
    may_destroy: bool,
    today: String,
    reference: String,
    done: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DisposalParams {
    #[serde(default)]
    done: String,
}

async fn disposal_page(state: &AppState, ui: &Ui, id: i64, done: &str, error: Option<(String, String)>) -> Response {
    let (row, entries) = match state.store.disposal(id).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("error-404")),
        Err(e) => return internal_error(ui, &e),
    };
    let keeper = ui.staff.as_ref().is_some_and(|s| KEEPERS.contains(&s.caller.actor.role));
    let day = |d: &Option<String>| d.as_deref().map(|d| date_label(ui, d)).unwrap_or_default();
    let facts = vec![
        (ui.t("archive-disposal-as-of"), date_label(ui, &row.as_of)),
        (ui.t("archive-disposal-state"), ui.t(&format!("archive-disposal-{}", row.state))),
        (ui.t("archive-disposal-proposed-by"), format!("{}, {}", row.proposed_by, ui.locale.date_time(row.proposed_at))),
        (ui.t("archive-answer-reference"), row.answer_ref.clone().unwrap_or_default()),
        (ui.t("archive-answer-on"), day(&row.answered_on)),
        (ui.t("archive-disposal-done-at"), row.done_at.map(|t| ui.locale.date_time(t)).unwrap_or_default()),
    ];
    let items = entries
        .into_iter()
        .map(|e| ItemLine { outcome: ui.t(&format!("archive-outcome-{}", e.outcome_in(id))), line: book_line(ui, e) })
        .collect();
    let (reference, error) = error.unzip();
    let page = DisposalPage {
        ui,
        id,
        facts: facts.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
        items,
        may_answer: keeper && row.state == opcina_core::docflow::archive::DisposalState::Proposed,
        may_destroy: keeper && row.state == opcina_core::docflow::archive::DisposalState::Approved,
        today: state.store.today().to_string(),
        reference: reference.unwrap_or_default(),
        done: matches!(done, "proposed" | "answered" | "destroyed").then(|| ui.t(&format!("archive-done-{done}"))),
        error,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    super::render_with(status, &page)
}

/// `GET /archive/disposals/{id}`: a proposal, what it lists and what became of it.
pub async fn disposal(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Query(p): Query<DisposalParams>,
) -> Response {
    if let Err(page) = ui.require(&REVIEWERS) {
        return page;
    }
    disposal_page(&state, &ui, id, &p.done, None).await
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    approved: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    on: String,
}

/// `POST /archive/disposals/{id}/answer`: records the competent archive's answer.
pub async fn answer(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<AnswerForm>,
) -> Response {
    let caller = match ui.require(&KEEPERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let fail = |message: String| (form.reference.clone(), message);
    let Ok(on) = chrono::NaiveDate::parse_from_str(form.on.trim(), "%Y-%m-%d") else {
        return disposal_page(&state, &ui, id, "", Some(fail(ui.t("archive-answer-on-invalid")))).await;
    };
    let answer = DisposalAnswer { approved: form.approved == "1", reference: form.reference.clone(), on };
    match state.store.answer_disposal(&caller.actor, id, &answer).await {
        Ok(Ok(_)) => Redirect::to(&format!("/archive/disposals/{id}?done=answered")).into_response(),
        Ok(Err(r)) => {
            let message = refusal_text(&ui, &r);
            disposal_page(&state, &ui, id, "", Some(fail(message))).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /archive/disposals/{id}/destruction`: carries out an approved disposal.
pub async fn destroy(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&KEEPERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match disposal_carried_out(&state, &caller.actor, id).await {
        Ok(Ok(_)) => Redirect::to(&format!("/archive/disposals/{id}?done=destroyed")).into_response(),
        Ok(Err(r)) => {
            let message = refusal_text(&ui, &r);
            disposal_page(&state, &ui, id, "", Some((String::new(), message))).await
        }
        Err(e) => api_page(&ui, &e),
    }
}
