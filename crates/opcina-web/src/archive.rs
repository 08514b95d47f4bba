//! The archive's use cases that reach past the store: a disposal carried out (the store
//! destroys, the document index forgets the destroyed cases' files) and a case file's
//! export as a ZIP of its originals. The JSON API and the pages both call these.

use std::io::Write as _;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use opcina_core::Refusal;
use opcina_core::registry::Actor;
use opcina_store::archive::{CaseFile, Destruction};
use opcina_store::rows::{ArchiveEntryRow, AttachmentRow, CaseEventRow, CaseRow, HoldRow, RecordRow};
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// Carries out an approved disposal: the store destroys what may be destroyed, then the
/// destroyed cases' files leave the search index, and the operator's log says what was done.
pub async fn disposal_carried_out(state: &AppState, actor: &Actor, id: i64) -> ApiResult<Result<Destruction, Refusal>> {
    let done = match state.store.carry_out_disposal(actor, id).await? {
        Ok(done) => done,
        Err(refusal) => return Ok(Err(refusal)),
    };
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
    Ok(Ok(done))
}

/// A case file's ZIP as a download (the read is logged by the store when the party is named
/// by JMBG).
pub async fn export_response(state: &AppState, actor: &Actor, id: i64) -> ApiResult<Response> {
    let file = state.store.case_export(actor, id).await??;
    let zip = case_zip(state, &file, &actor.username).await?;
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
async fn case_zip(state: &AppState, file: &CaseFile, exported_by: &str) -> ApiResult<Vec<u8>> {
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
        exported_at: state.store.now().to_datetime().to_rfc3339(),
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
