//! What the JSON API and the pages present alike: downloads (PDFs, kept files), the public
//! tracking links, the cursors of the work lists, and the website's filters and addresses.
//! Both presentations import from here, never from each other.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use opcina_core::docflow::tracking::Tracking;
use opcina_core::docflow::worklist::View;
use opcina_store::rows::{AttachmentRow, CaseQuery, CaseRow};

use crate::error::{ApiError, ApiResult};

/// A PDF shown in the browser (`inline`), named for saving.
pub fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    let disposition = format!("inline; filename=\"{name}.pdf\"");
    ([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// The bytes of a kept file, as a download named as it was sent.
pub fn file_response(attachment: &AttachmentRow, content: axum::body::Bytes) -> Response {
    let name: String = attachment.name.chars().map(|c| if c == '"' || c.is_control() { '_' } else { c }).collect();
    let ascii: String = name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    let encoded: String =
        serde_urlencoded::to_string([("", name.as_str())]).unwrap_or_default().trim_start_matches('=').replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let etag = format!("\"{}\"", attachment.sha256);
    (
        [
            (header::CONTENT_TYPE, attachment.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::ETAG, etag),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        content,
    )
        .into_response()
}

/// A file of a website's piece: an image shown inline, a document offered for download,
/// both under the name the editor gave, typed by what their content is.
pub fn piece_file_response(file: &opcina_store::publicinfo_rows::PieceFileRow, content: axum::body::Bytes) -> Response {
    let name: String = file.name.chars().map(|c| if c == '"' || c.is_control() { '_' } else { c }).collect();
    let ascii: String = name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    let encoded: String =
        serde_urlencoded::to_string([("", name.as_str())]).unwrap_or_default().trim_start_matches('=').replace('+', "%20");
    let how = if file.kind.is_image() { "inline" } else { "attachment" };
    (
        [
            (header::CONTENT_TYPE, file.kind.media_type().to_string()),
            (header::CONTENT_DISPOSITION, format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")),
            (header::ETAG, format!("\"{}\"", file.sha256)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
        ],
        content,
    )
        .into_response()
}

/// The public tracking link of a case.
pub fn tracking_link(number: &str, code: &str) -> String {
    format!("/track?{}", serde_urlencoded::to_string([("number", number), ("code", code)]).unwrap_or_default())
}

/// The tracking of a case with the link to its decision, when one was published.
pub fn with_decision_link(mut tracking: Tracking, code: &str) -> Tracking {
    if tracking.decision_published {
        let query = serde_urlencoded::to_string([("number", tracking.number.as_str()), ("code", code.trim())]).unwrap_or_default();
        tracking.decision = Some(format!("/api/v1/cases/track/decision?{query}"));
    }
    tracking
}

fn bad_cursor() -> ApiError {
    ApiError::bad_request("request.cursor", "after", "not a cursor this list gave out")
}

/// The store's query for a work list, as of `today`, from the page's cursor.
pub fn case_query(
    view: View,
    unit: Option<String>,
    official: Option<String>,
    after: Option<&str>,
    limit: i64,
    today: NaiveDate,
) -> ApiResult<CaseQuery> {
    let (states, due_by) = view.query(today);
    let after = match after.filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => {
            // The due date is compared as the text it is stored as: its shape is enough.
            let (due, id) = a.split_once('~').ok_or_else(bad_cursor)?;
            let shaped = due.len() == 10 && due.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
            if !shaped {
                return Err(bad_cursor());
            }
            Some((due.to_string(), id.parse().map_err(|_| bad_cursor())?))
        }
    };
    Ok(CaseQuery {
        states: states.iter().map(|s| s.as_str().to_string()).collect(),
        unit: unit.filter(|u| !u.is_empty()),
        official: official.filter(|o| !o.is_empty()),
        due_by: due_by.map(|d| d.format("%Y-%m-%d").to_string()),
        after,
        limit,
    })
}

/// The cursor after a page of a work list (absent when the page was not full).
pub fn next_cursor(items: &[CaseRow], limit: i64) -> Option<String> {
    (items.len() as i64 == limit).then(|| items.last().map(|c| format!("{}~{}", c.due_on, c.id))).flatten()
}

/// What a list of the website's pieces may be narrowed to, as the address carries it
/// (`?kind=public_call&category=privreda&tag=poticaji&mz=kakanj-i`): the same for the
/// news pages, the Atom feeds and the JSON API.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PieceQuery {
    /// `news`, `announcement`, `public_call`, `act` or `page` (all but pages when absent).
    #[param(pattern = "^(news|announcement|public_call|act|page)?$")]
    pub kind: Option<String>,
    /// A category's key (`privreda`).
    #[param(pattern = "^[a-z0-9-]{0,88}$")]
    pub category: Option<String>,
    /// A tag's key.
    #[param(pattern = "^[a-z0-9-]{0,88}$")]
    pub tag: Option<String>,
    /// A local community's key (`kakanj-i`).
    #[param(pattern = "^[a-z0-9-]{0,88}$")]
    pub mz: Option<String>,
    /// The `next` of the previous page.
    #[param(pattern = "^(-?[0-9]{1,18}~-?[0-9]{1,18})?$")]
    pub after: Option<String>,
    pub limit: Option<i64>,
}

impl PieceQuery {
    /// The store's filter, or what is wrong with the address.
    pub fn filter(&self) -> ApiResult<opcina_store::sql::publicinfo::PieceFilter> {
        use opcina_core::publicinfo::key::is_key;
        use opcina_core::publicinfo::piece::PieceKind;
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(
                PieceKind::parse(k)
                    .ok_or_else(|| ApiError::bad_request("publicinfo.kind.unknown", "kind", format!("there is no kind of piece {k:?}")))?,
            ),
        };
        let key = |field: &str, v: &Option<String>| -> ApiResult<Option<String>> {
            match v.as_deref().filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) if is_key(v) => Ok(Some(v.to_string())),
                Some(_) => Err(ApiError::bad_request("request.query.invalid", field, "a key: lowercase letters, digits and dashes")),
            }
        };
        Ok(opcina_store::sql::publicinfo::PieceFilter {
            kind,
            category: key("category", &self.category)?,
            tag: key("tag", &self.tag)?,
            local_community: key("mz", &self.mz)?,
        })
    }

    /// Where the page starts.
    pub fn cursor(&self) -> ApiResult<Option<opcina_store::sql::publicinfo::PieceCursor>> {
        match self.after.as_deref().filter(|a| !a.is_empty()) {
            None => Ok(None),
            Some(a) => {
                let (at, id) = a.split_once('~').ok_or_else(bad_cursor)?;
                Ok(Some(opcina_store::sql::publicinfo::PieceCursor {
                    publish_at: at.parse().map_err(|_| bad_cursor())?,
                    id: id.parse().map_err(|_| bad_cursor())?,
                }))
            }
        }
    }

    /// The filters as a query string (without the page), for links and feeds.
    pub fn filters_query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [("kind", &self.kind), ("category", &self.category), ("tag", &self.tag), ("mz", &self.mz)]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
            .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// The cursor after a page of pieces (absent when the page was not full).
pub fn piece_cursor(items: &[opcina_store::publicinfo_reads::PieceWithTexts], limit: i64) -> Option<String> {
    (items.len() as i64 == limit).then(|| items.last().and_then(|p| p.piece.publish_at.map(|at| format!("{at}~{}", p.piece.id)))).flatten()
}

/// The address of a piece's page on the website (standing pages under `/pages/`, the rest
/// under `/news/`), as pages, feeds, the site map and press releases link to it.
pub fn piece_path(piece: &opcina_store::publicinfo_rows::PieceRow) -> String {
    match piece.kind {
        opcina_core::publicinfo::piece::PieceKind::Page => format!("/pages/{}", piece.slug),
        _ => format!("/news/{}", piece.slug),
    }
}
