//! Extracts and certificates: issue one (or have the refusal decided and registered), fetch
//! the PDF of an issued document or of a refusal decision, list what was issued about a
//! person. Typesetting runs on the blocking pool: it is the expensive part.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use opcina_core::extract::{ExtractNumber, ExtractRequest};
use opcina_store::extracts::{IssuePlace, Outcome, ReproduceError};
use opcina_store::rows::ExtractRow;
use serde::Serialize;

use super::{Purpose, READERS, path_jmbg};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, Params};
use crate::present::pdf_response;

/// What became of a request for a document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExtractAnswer {
    /// `issued` or `refused`.
    pub outcome: String,
    /// The document's (or decision's) number, e.g. `KAK-2026-17`.
    pub number: String,
    pub kind: String,
    /// SHA-256 of the canonical content (issued documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// The public verification link printed in the QR code (issued documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
    /// The fee charged, in fening (issued documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<i64>,
    /// The decision's registry number (refusals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Why the request was refused: `extract.no_legal_relation`, `extract.relation_not_confirmed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal_code: Option<String>,
    /// Where to fetch the PDF.
    pub pdf: String,
}

fn sealer(state: &AppState) -> ApiResult<&opcina_store::extracts::Sealer> {
    state.sealer.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "extract.no_signing_key",
            "this node has no signing key configured (signing_key in its configuration)",
        )
    })
}

/// Issue an extract or certificate. The requester's relation is checked against the
/// registers; a requester without a legal relation gets a registered refusal decision
/// (`outcome: refused`) instead.
#[utoipa::path(post, path = "/api/v1/extracts", tag = "extracts", request_body = ExtractRequest, security(("bearer" = [])),
    responses((status = 201, body = ExtractAnswer), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue(State(state): State<AppState>, caller: Caller, Body(request): Body<ExtractRequest>) -> ApiResult<Response> {
    caller.require(&READERS, "issue documents")?;
    let sealer = sealer(&state)?;
    let place = IssuePlace { verify_base: state.public_url.clone() };
    let outcome = state.store.request_extract(&caller.actor, request, sealer, &place).await??;
    let answer = match outcome {
        Outcome::Issued(i) => {
            let n = &i.content.issue.number;
            ExtractAnswer {
                outcome: "issued".into(),
                number: n.id(),
                kind: i.content.kind.as_str().into(),
                content_hash: Some(hex::encode(i.content.hash())),
                verify_url: Some(opcina_core::extract::seal::verify_url(&i.content.issue.verify_base, n, &i.seal)),
                fee: Some(i.content.issue.fee.amount),
                decision: None,
                refusal_code: None,
                pdf: format!("/api/v1/extracts/{}/pdf", n.id()),
            }
        }
        Outcome::Refused(f) => ExtractAnswer {
            outcome: "refused".into(),
            number: f.number.id(),
            kind: f.kind.as_str().into(),
            content_hash: None,
            verify_url: None,
            fee: None,
            decision: Some(f.registry_number()),
            refusal_code: Some(f.denial.code.clone()),
            pdf: format!("/api/v1/refusals/{}/pdf", f.number.id()),
        },
    };
    let location = answer.pdf.clone();
    let mut response = (StatusCode::CREATED, Json(answer)).into_response();
    if let Ok(l) = location.parse() {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

fn parse_number(s: &str) -> ApiResult<ExtractNumber> {
    ExtractNumber::parse(s)
        .ok_or_else(|| ApiError::bad_request("extract.number.invalid", "number", "a document number looks like KAK-2026-17"))
}

/// The PDF of an issued document, reproduced from the register (the same content and seals
/// as when it was issued). The read of the person's records is logged.
#[utoipa::path(get, path = "/api/v1/extracts/{number}/pdf", tag = "extracts", params(("number" = String, Path, description = "e.g. KAK-2026-17", pattern = r"^[A-Za-z0-9]+-[0-9]{1,4}-0*[1-9][0-9]{0,17}$")),
    security(("bearer" = [])), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn pdf(State(state): State<AppState>, caller: Caller, Path(number): Path<String>) -> ApiResult<Response> {
    caller.require(&READERS, "read issued documents")?;
    let n = parse_number(&number)?;
    let sealer = sealer(&state)?.clone();
    let reproduced = state.store.print_extract(&caller.actor, &n).await.map_err(|e| match e {
        ReproduceError::NotFound(_) | ReproduceError::Refusal(_) => ApiError::not_found("extract.not_found", e.to_string()),
        other => ApiError::internal(other),
    })?;
    let pdf = tokio::task::spawn_blocking(move || opcina_pdf::issue_pdf(&reproduced.content, &reproduced.seal, sealer.key()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(pdf_response(pdf.pdf, &n.id()))
}

/// The PDF of a refusal decision, from the register.
#[utoipa::path(get, path = "/api/v1/refusals/{number}/pdf", tag = "extracts", params(("number" = String, Path, description = "e.g. KAK-2026-3", pattern = r"^[A-Za-z0-9]+-[0-9]{1,4}-0*[1-9][0-9]{0,17}$")),
    security(("bearer" = [])), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn refusal_pdf(State(state): State<AppState>, caller: Caller, Path(number): Path<String>) -> ApiResult<Response> {
    caller.require(&READERS, "read refusal decisions")?;
    let n = parse_number(&number)?;
    let facts = state
        .store
        .refusal_facts(&caller.actor, &n)
        .await?
        .ok_or_else(|| ApiError::not_found("extract.refusal_not_found", format!("no refusal {} on this node", n.id())))?;
    let pdf = tokio::task::spawn_blocking(move || opcina_pdf::decision_pdf(&facts))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(pdf_response(pdf.pdf, &format!("odluka-{}", n.id())))
}

/// One document issued or refused, as the register lists it (no personal data of the
/// requester beyond their name).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExtractListItem {
    pub number: String,
    pub outcome: String,
    pub kind: String,
    pub language: String,
    pub script: String,
    pub requester_name: String,
    pub relation: String,
    pub purpose: String,
    pub office: String,
    pub official: String,
    /// RFC 3339.
    pub at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExtractList {
    pub items: Vec<ExtractListItem>,
}

impl From<ExtractRow> for ExtractListItem {
    fn from(r: ExtractRow) -> Self {
        ExtractListItem {
            number: r.number().id(),
            outcome: r.outcome,
            kind: r.kind,
            language: r.language,
            script: r.script,
            requester_name: r.requester_name,
            relation: r.relation,
            purpose: r.purpose,
            office: r.office_code,
            official: r.official_username,
            at: opcina_core::registry::Timestamp(r.at).to_string(),
        }
    }
}

/// Documents issued or refused about a person, newest first (the last 100). A read of the
/// person's records: its purpose is required and logged.
#[utoipa::path(get, path = "/api/v1/persons/{jmbg}/extracts", tag = "extracts", params(("jmbg" = String, Path, description = "JMBG", pattern = r"^[0-9]{13}$"), Purpose),
    security(("bearer" = [])), responses((status = 200, body = ExtractList), (status = 400, body = ErrorBody)))]
pub async fn of_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(jmbg): Path<String>,
    Params(stated): Params<Purpose>,
) -> ApiResult<Json<ExtractList>> {
    caller.require(&READERS, "list issued documents")?;
    let why = stated.reason()?;
    let jmbg = path_jmbg(&jmbg)?;
    let rows = state.store.extracts_of(&caller.actor, &jmbg, 100, &why).await?;
    Ok(Json(ExtractList { items: rows.into_iter().map(ExtractListItem::from).collect() }))
}
