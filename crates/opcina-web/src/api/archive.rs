//! The archive's JSON API: the year's archive book, legal holds on cases, disposal
//! proposals with the competent archive's answer and their destruction, and the export of a
//! case file as a ZIP of its originals with JSON metadata.

use std::io::Write as _;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use opcina_core::registry::{Role, Timestamp};
use opcina_store::archive::{CaseFile, Destruction, DisposalAnswer, on_hold};
use opcina_store::rows::{ArchiveEntryRow, AttachmentRow, CaseEventRow, CaseRow, DisposalRow, HoldRow, RecordRow};
use serde::{Deserialize, Serialize};

use super::cases::STAFF;
use super::log_reads;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Body;

/// Who reads the archive book and the disposals: staff, and auditors preparing a review.
const READERS: [Role; 5] = [Role::CounterClerk, Role::Registrar, Role::Official, Role::Auditor, Role::Admin];
/// Most entries in one page of the book.
const MAX_PAGE: i64 = 500;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ArchiveRequest {
    /// Ids of closed cases to take into this year's archive book.
    pub cases: Vec<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryList {
    pub items: Vec<ArchiveEntryRow>,
}

/// Take closed cases into this year's archive book (the registry office). One case that
/// cannot go refuses the whole list, naming it by its position.
#[utoipa::path(post, path = "/api/v1/archive/entries", tag = "archive", request_body = ArchiveRequest, security(("bearer" = [])),
    responses((status = 201, body = EntryList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn archive(State(state): State<AppState>, caller: Caller, Body(request): Body<ArchiveRequest>) -> ApiResult<Response> {
    let items = state.store.archive_cases(&caller.actor, &request.cases).await??;
    Ok((StatusCode::CREATED, Json(EntryList { items })).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookQuery {
    /// The year of the book (this year when absent).
    pub year: Option<i64>,
    /// The `next` of the previous page.
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookPage {
    pub year: i64,
    pub items: Vec<ArchiveEntryRow>,
    /// Pass as `after` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// The archive book (arhivska knjiga) of a year, in the order of its numbers.
#[utoipa::path(get, path = "/api/v1/archive/book", tag = "archive", params(BookQuery), security(("bearer" = [])),
    responses((status = 200, body = BookPage), (status = 403, body = ErrorBody)))]
pub async fn book(State(state): State<AppState>, caller: Caller, Query(q): Query<BookQuery>) -> ApiResult<Json<BookPage>> {
    caller.require(&READERS, "read the archive book")?;
    let year = q.year.unwrap_or_else(|| i64::from(state.store.today().year()));
    Ok(Json(book_page(&state, year, q.after.unwrap_or(0), q.limit.unwrap_or(100)).await?))
}

/// A page of the archive book.
pub async fn book_page(state: &AppState, year: i64, after: i64, limit: i64) -> ApiResult<BookPage> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut items = state.store.backend().archive_book(year, after, limit + 1).await?;
    let more = items.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = if more { items.last().map(|e| e.serial) } else { None };
    Ok(BookPage { year, items, next })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HoldRequest {
    /// `true` places a hold, `false` releases it.
    pub placed: bool,
    /// The proceedings the hold is for, or why it ends.
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Holds {
    pub on_hold: bool,
    /// Every hold placed and released, in order.
    pub items: Vec<HoldRow>,
}

/// Place a legal hold on a case, or release it: a case on hold is never destroyed.
#[utoipa::path(post, path = "/api/v1/cases/{id}/holds", tag = "archive", params(("id" = i64, Path, description = "Case id")), request_body = HoldRequest,
    security(("bearer" = [])), responses((status = 201, body = HoldRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn hold(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(request): Body<HoldRequest>,
) -> ApiResult<Response> {
    let row = state.store.hold(&caller.actor, id, request.placed, &request.reason).await??;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// A case's legal holds.
#[utoipa::path(get, path = "/api/v1/cases/{id}/holds", tag = "archive", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 200, body = Holds), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn holds(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<Holds>> {
    caller.require(&READERS, "read legal holds")?;
    if state.store.backend().case(id).await?.is_none() {
        return Err(ApiError::not_found("docflow.case.not_found", format!("there is no case {id}")));
    }
    let items = state.store.backend().case_holds(id).await?;
    Ok(Json(Holds { on_hold: on_hold(&items), items }))
}

/// An entry a disposal listed, and what became of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisposalItem {
    pub entry: ArchiveEntryRow,
    /// `listed` (awaiting the archive or the destruction), `destroyed`, or `kept` (the
    /// archive refused, or the case was on hold when the disposal was carried out).
    pub outcome: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Disposal {
    pub disposal: DisposalRow,
    pub items: Vec<DisposalItem>,
}

async fn disposal_of(state: &AppState, row: DisposalRow) -> ApiResult<Disposal> {
    let entries = state.store.backend().disposal_entries(row.id).await?;
    let items = entries.into_iter().map(|entry| DisposalItem { outcome: entry.outcome_in(row.id).into(), entry }).collect();
    Ok(Disposal { disposal: row, items })
}

/// Draw up a disposal proposal: every case in the archive whose retention has run out and
/// that is not on legal hold.
#[utoipa::path(post, path = "/api/v1/archive/disposals", tag = "archive", security(("bearer" = [])),
    responses((status = 201, body = Disposal), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn propose(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let (row, _) = state.store.propose_disposal(&caller.actor).await??;
    Ok((StatusCode::CREATED, Json(disposal_of(&state, row).await?)).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DisposalList {
    pub items: Vec<DisposalRow>,
}

/// Disposal proposals, the latest first.
#[utoipa::path(get, path = "/api/v1/archive/disposals", tag = "archive", security(("bearer" = [])),
    responses((status = 200, body = DisposalList), (status = 403, body = ErrorBody)))]
pub async fn disposals(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<DisposalList>> {
    caller.require(&READERS, "read disposal proposals")?;
    Ok(Json(DisposalList { items: state.store.backend().disposals(MAX_PAGE).await? }))
}

/// A disposal proposal with what it listed and what became of each.
#[utoipa::path(get, path = "/api/v1/archive/disposals/{id}", tag = "archive", params(("id" = i64, Path, description = "Disposal id")), security(("bearer" = [])),
    responses((status = 200, body = Disposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn disposal(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<Disposal>> {
    caller.require(&READERS, "read disposal proposals")?;
    let row = state
        .store
        .backend()
        .disposal(id)
        .await?
        .ok_or_else(|| ApiError::not_found("archive.disposal.not_found", format!("there is no disposal proposal {id}")))?;
    Ok(Json(disposal_of(&state, row).await?))
}

/// Record the competent archive's answer to a proposal (its act's number and date). A
/// refusal returns everything listed to the archive.
#[utoipa::path(post, path = "/api/v1/archive/disposals/{id}/answer", tag = "archive", params(("id" = i64, Path, description = "Disposal id")),
    request_body = DisposalAnswer, security(("bearer" = [])),
    responses((status = 200, body = Disposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(answer): Body<DisposalAnswer>,
) -> ApiResult<Json<Disposal>> {
    let row = state.store.answer_disposal(&caller.actor, id, &answer).await??;
    Ok(Json(disposal_of(&state, row).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Destroyed {
    pub disposal: DisposalRow,
    pub destroyed: Vec<ArchiveEntryRow>,
    /// Approved, but on legal hold now: kept.
    pub held: Vec<ArchiveEntryRow>,
    /// Files whose content was removed from the file store.
    pub files_removed: usize,
    /// Content that could not be removed now (SHA-256; the operator's log names the cause).
    pub files_left: Vec<String>,
}

/// Carry out an approved disposal: the cases listed and not on hold are destroyed (their
/// entries stay in the archive book, their files are removed and leave the search index).
#[utoipa::path(post, path = "/api/v1/archive/disposals/{id}/destruction", tag = "archive", params(("id" = i64, Path, description = "Disposal id")),
    security(("bearer" = [])), responses((status = 200, body = Destroyed), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn destroy(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<Destroyed>> {
    let done = state.store.carry_out_disposal(&caller.actor, id).await??;
    forget_destroyed(&state, &done).await?;
    Ok(Json(Destroyed {
        disposal: done.disposal,
        destroyed: done.destroyed,
        held: done.held,
        files_removed: done.files_removed,
        files_left: done.files_left,
    }))
}

/// After a disposal: the destroyed cases' files leave the search index, and the operator's
/// log says what was done.
pub async fn forget_destroyed(state: &AppState, done: &Destruction) -> ApiResult<()> {
    if let Some(index) = state.documents.clone() {
        let cases: Vec<i64> = done.destroyed.iter().map(|e| e.case_id).collect();
        tokio::task::spawn_blocking(move || index.remove_cases(&cases)).await.map_err(ApiError::internal)??;
    }
    tracing::info!(
        disposal = done.disposal.id,
        destroyed = done.destroyed.len(),
        held = done.held.len(),
        files = done.files_removed,
        "disposal carried out"
    );
    Ok(())
}

/// Refuses the files of a case destroyed after a disposal: 410, with when and by which
/// disposal.
pub async fn ensure_kept(state: &AppState, case_id: i64) -> ApiResult<()> {
    match state.store.backend().archive_entry_of(case_id).await? {
        Some(e) if e.destroyed() => Err(ApiError::new(
            StatusCode::GONE,
            "archive.destroyed",
            format!("the files of {} were destroyed after disposal {}", e.number, e.disposal_id.unwrap_or_default()),
        )),
        _ => Ok(()),
    }
}

/// The metadata of an exported case file (`predmet.json` in the ZIP).
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    format: &'static str,
    exported_at: String,
    exported_by: &'a str,
    case: &'a CaseRow,
    records: &'a [RecordRow],
    events: &'a [CaseEventRow],
    files: Vec<ManifestFile<'a>>,
    archive_entry: Option<&'a ArchiveEntryRow>,
    holds: &'a [HoldRow],
}

#[derive(Debug, Serialize)]
struct ManifestFile<'a> {
    #[serde(flatten)]
    row: &'a AttachmentRow,
    /// Where the original is in the ZIP; absent when it was destroyed.
    path: Option<String>,
}

/// A file's path in the export: its chain, version and name, with nothing that could leave
/// the folder.
fn export_path(a: &AttachmentRow) -> String {
    let name: String = a.name.chars().map(|c| if c == '/' || c == '\\' || c == ':' || c.is_control() { '_' } else { c }).collect();
    let name = name.trim_start_matches('.');
    format!("datoteke/{}-v{}-{}", a.first_id, a.version, if name.is_empty() { "datoteka" } else { name })
}

/// The ZIP of a case file: `predmet.json` (the case, its records, steps, files, archive
/// entry and holds) and every file's original under `datoteke/`. Files are stored, not
/// compressed: scans and PDFs are compressed already, and the originals' bytes stay as they
/// were kept (each can be checked against its SHA-256 in the metadata).
pub async fn case_zip(state: &AppState, file: &CaseFile, exported_by: &str) -> ApiResult<Vec<u8>> {
    let destroyed = file.entry.as_ref().is_some_and(ArchiveEntryRow::destroyed);
    let mut originals = Vec::new();
    let mut files = Vec::new();
    for a in &file.attachments {
        let path = (!destroyed).then(|| export_path(a));
        if let Some(p) = &path {
            originals.push((p.clone(), state.store.attachment_content(a).await?));
        }
        files.push(ManifestFile { row: a, path });
    }
    let manifest = Manifest {
        format: "opcina.case-file/1",
        exported_at: Timestamp::now().to_datetime().to_rfc3339(),
        exported_by,
        case: &file.case,
        records: &file.records,
        events: &file.events,
        files,
        archive_entry: file.entry.as_ref(),
        holds: &file.holds,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || write_zip(&json, &originals)).await.map_err(ApiError::internal)?.map_err(ApiError::internal)
}

fn write_zip(manifest: &[u8], originals: &[(String, axum::body::Bytes)]) -> zip::result::ZipResult<Vec<u8>> {
    let size = manifest.len() + originals.iter().map(|(_, b)| b.len() + 128).sum::<usize>() + 1024;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(size)));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(size > u32::MAX as usize);
    zip.start_file("predmet.json", options)?;
    zip.write_all(manifest)?;
    for (path, content) in originals {
        zip.start_file(path.as_str(), options)?;
        zip.write_all(content)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A case file as a ZIP of its originals and JSON metadata (staff; logged as a read of the
/// party's data when the party is named by JMBG).
#[utoipa::path(get, path = "/api/v1/cases/{id}/export", tag = "archive", params(("id" = i64, Path, description = "Case id")), security(("bearer" = [])),
    responses((status = 200, description = "predmet.json and the originals under datoteke/", content_type = "application/zip"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    export_zip(&state, &caller, id).await
}

/// A case file's ZIP as a download, for the API and the pages.
pub async fn export_zip(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Response> {
    caller.require(&STAFF, "export case files")?;
    let file =
        state.store.case_file(id).await?.ok_or_else(|| ApiError::not_found("docflow.case.not_found", format!("there is no case {id}")))?;
    if let Some(jmbg) = &file.case.party_jmbg {
        log_reads(state, caller, &[jmbg.as_str()], None, "case.export", "izvoz spisa predmeta", Some(&file.case.number)).await?;
    }
    let zip = case_zip(state, &file, &caller.actor.username).await?;
    let name: String = file.case.number.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"predmet-{name}.zip\"")),
        ],
        zip,
    )
        .into_response())
}
