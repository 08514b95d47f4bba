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
use opcina_core::docflow::case::CaseState;
use opcina_core::registry::Role;
use opcina_store::archive::{DisposalAnswer, on_hold};
use opcina_store::docflow::Upload;
use opcina_store::rows::{ArchiveEntryRow, CaseRow, RecordRow};
use serde::Deserialize;

use super::cases::{Failed, case_page};
use super::{Ui, error_page, internal_error};
use crate::AppState;
use crate::api::cases::STAFF;
use crate::error::ApiError;

/// Who keeps the archive from the pages: the registry office.
const KEEPERS: [Role; 2] = [Role::CounterClerk, Role::Registrar];

/// A file in the case's list.
pub struct FileLine {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub record: String,
    pub size: String,
    pub added: String,
}

/// What the case page shows of its files and its place in the archive.
#[derive(Default)]
pub struct CaseArchive {
    pub files: Vec<FileLine>,
    /// The files were destroyed after a disposal.
    pub destroyed: bool,
    pub may_upload: bool,
    pub upload_open: bool,
    /// The records of the case a file may belong to: (id, number).
    pub records: Vec<(String, String)>,
    /// The entry in the archive book, as (label, value) lines.
    pub entry: Vec<(String, String)>,
    pub may_archive: bool,
    pub on_hold: bool,
    pub hold_reason: String,
    pub may_hold: bool,
    pub hold_open: bool,
}

fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn entry_lines(ui: &Ui, e: &ArchiveEntryRow) -> Vec<(String, String)> {
    let keep = match (&e.retention_years, &e.keep_until) {
        (Some(years), Some(until)) => format!(
            "{}, {}",
            ui.tn("archive-years", usize::try_from(*years).unwrap_or(0)),
            ui.ta("archive-until", "date", &super::cases::date_label(ui, until))
        ),
        _ => ui.t("archive-permanent"),
    };
    vec![
        (ui.t("archive-entry"), format!("{}/{}", e.serial, e.year)),
        (ui.t("archive-retention"), keep),
        (ui.t("archive-entry-state"), ui.t(&format!("archive-state-{}", e.state))),
    ]
}

/// The files and archive section of a case's page.
pub(super) async fn case_archive(
    state: &AppState,
    ui: &Ui,
    case: &CaseRow,
    records: &[RecordRow],
    failed: Option<&Failed>,
) -> Result<CaseArchive, opcina_store::StoreError> {
    let backend = state.store.backend();
    let role = ui.staff.as_ref().map(|s| s.caller.actor.role);
    let entry = backend.archive_entry_of(case.id).await?;
    let holds = backend.case_holds(case.id).await?;
    let numbers: std::collections::BTreeMap<i64, &str> = records.iter().map(|r| (r.id, r.number.as_str())).collect();
    let files = backend
        .case_attachments(case.id)
        .await?
        .into_iter()
        .map(|a| FileLine {
            id: a.id,
            record: a.record_id.and_then(|r| numbers.get(&r).map(|n| n.to_string())).unwrap_or_default(),
            name: a.name,
            version: a.version,
            size: size_label(a.size),
            added: ui.locale.date_time(a.uploaded_at),
        })
        .collect();
    let state_now = CaseState::parse(&case.state);
    let held = on_hold(&holds);
    Ok(CaseArchive {
        files,
        destroyed: entry.as_ref().is_some_and(ArchiveEntryRow::destroyed),
        may_upload: state_now.is_some_and(|s| s != CaseState::Joined && s != CaseState::Archived)
            && role.is_some_and(|r| STAFF.contains(&r)),
        upload_open: failed.is_some_and(|f| f.action == "upload"),
        records: records.iter().map(|r| (r.id.to_string(), r.number.clone())).collect(),
        entry: entry.as_ref().map(|e| entry_lines(ui, e)).unwrap_or_default(),
        may_archive: state_now == Some(CaseState::Closed) && role.is_some_and(|r| KEEPERS.contains(&r)),
        on_hold: held,
        hold_reason: holds.last().filter(|h| h.placed).map(|h| h.reason.clone()).unwrap_or_default(),
        may_hold: role.is_some_and(|r| KEEPERS.contains(&r)) && entry.as_ref().is_none_or(|e| !e.destroyed()),
        hold_open: failed.is_some_and(|f| f.action == "hold"),
    })
}

/// An API answer as a page: refusals of access, missing things and destroyed files say so;
/// anything else is the node's failure.
fn api_page(ui: &Ui, e: &ApiError) -> Response {
    let text = ui.error_text(&e.code, &e.message);
    match e.status {
        StatusCode::FORBIDDEN => error_page(ui, e.status, "error-403-title", &text),
        StatusCode::NOT_FOUND | StatusCode::GONE => error_page(ui, e.status, "error-404-title", &text),
        _ => internal_error(ui, e),
    }
}

/// Every message of a refusal, in the visitor's language.
pub(super) fn refusal_text(ui: &Ui, refusal: &opcina_core::Refusal) -> String {
    refusal.errors.iter().map(|e| ui.error_text(e.code, &e.message)).collect::<Vec<_>>().join(" ")
}

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
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.backend().attachment(file).await {
        Ok(Some(a)) if a.case_id == id => {}
        Ok(_) => return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("error-404")),
        Err(e) => return internal_error(&ui, &e),
    }
    crate::api::cases::file_download(&state, &caller, file).await.unwrap_or_else(|e| api_page(&ui, &e))
}

/// `GET /cases/{id}/export.zip`: the case file as a ZIP of its originals and metadata.
pub async fn export(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&STAFF) {
        Ok(c) => c,
        Err(page) => return page,
    };
    crate::api::archive::export_zip(&state, &caller, id).await.unwrap_or_else(|e| api_page(&ui, &e))
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
        closed_on: super::cases::date_label(ui, &e.closed_on),
        keep: match &e.keep_until {
            Some(until) => ui.ta("archive-until", "date", &super::cases::date_label(ui, until)),
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
        let page = crate::api::archive::book_page(state, year, p.after.unwrap_or(0), 100).await?;
        let disposals = state.store.backend().disposals(50).await?;
        Ok::<_, ApiError>((page, disposals))
    }
    .await;
    let (page, disposals) = match loaded {
        Ok(l) => l,
        Err(e) => return api_page(ui, &e),
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
                as_of: super::cases::date_label(ui, &d.as_of),
                state: ui.t(&format!("archive-disposal-{}", d.state)),
                answer: match (&d.answer_ref, &d.answered_on) {
                    (Some(r), Some(on)) => format!("{r}, {}", super::cases::date_label(ui, on)),
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
    if let Err(page) = ui.require(&[Role::CounterClerk, Role::Registrar, Role::Official, Role::Auditor]) {
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
    let row = match state.store.backend().disposal(id).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("error-404")),
        Err(e) => return internal_error(ui, &e),
    };
    let entries = match state.store.backend().disposal_entries(id).await {
        Ok(e) => e,
        Err(e) => return internal_error(ui, &e),
    };
    let keeper = ui.staff.as_ref().is_some_and(|s| KEEPERS.contains(&s.caller.actor.role));
    let day = |d: &Option<String>| d.as_deref().map(|d| super::cases::date_label(ui, d)).unwrap_or_default();
    let facts = vec![
        (ui.t("archive-disposal-as-of"), super::cases::date_label(ui, &row.as_of)),
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
        may_answer: keeper && row.state == "proposed",
        may_destroy: keeper && row.state == "approved",
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
    if let Err(page) = ui.require(&[Role::CounterClerk, Role::Registrar, Role::Official, Role::Auditor]) {
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
    match state.store.carry_out_disposal(&caller.actor, id).await {
        Ok(Ok(done)) => match crate::api::archive::forget_destroyed(&state, &done).await {
            Ok(()) => Redirect::to(&format!("/archive/disposals/{id}?done=destroyed")).into_response(),
            Err(e) => api_page(&ui, &e),
        },
        Ok(Err(r)) => {
            let message = refusal_text(&ui, &r);
            disposal_page(&state, &ui, id, "", Some((String::new(), message))).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}
