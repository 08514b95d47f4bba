//! Issuing documents at the counter: the form on the person page, the answer (the document
//! with its PDF for printing, or the refusal with its decision), and the PDFs.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use opcina_core::extract::ExtractNumber;
use opcina_core::registry::Role;
use opcina_store::extracts::ReproduceError;
use opcina_store::rows::ExtractRow;

use super::{Ui, error_page, internal_error, render};
use crate::AppState;
use crate::auth::READERS;
use crate::present::pdf_response;

#[derive(Template)]
#[template(path = "issued.html")]
struct IssuedPage<'a> {
    ui: &'a Ui,
    refused: bool,
    title: String,
    facts: Vec<(String, String)>,
    pdf: String,
    verify: Option<String>,
    reason: Option<String>,
}

fn parse_number(ui: &Ui, number: &str) -> Result<ExtractNumber, Response> {
    ExtractNumber::parse(number).ok_or_else(|| error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found")))
}

/// The counter's page of a registered document or refusal.
pub(crate) fn counter_href(row: &ExtractRow) -> String {
    format!("/counter/{}/{}", if row.outcome == "refused" { "refusals" } else { "extracts" }, row.number().id())
}

/// A row of the register of issued documents (`issued`) or refusals (`refused`), for a reader.
async fn registered(state: &AppState, ui: &Ui, outcome: &str, number: &str) -> Result<(ExtractNumber, ExtractRow), Response> {
    let caller = ui.require(&READERS)?;
    let n = parse_number(ui, number)?;
    match state.store.registered_extract(&caller.actor, outcome, &n).await {
        Ok(Some(row)) => Ok((n, row)),
        Ok(None) => Err(error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found"))),
        Err(error) => Err(internal_error(ui, &error)),
    }
}

/// `GET /counter/extracts/{number}`: an issued document, with its PDF for printing.
pub async fn issued(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    let (n, row) = match registered(&state, &ui, "issued", &number).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let seal = row.seal.as_deref().and_then(|s| <[u8; 64]>::try_from(s).ok());
    let verify = seal.map(|s| opcina_core::extract::seal::verify_url(&row.verify_base, &n, &s));
    let mut facts = facts(&ui, &n, &row, Some(row.fee.map_or_else(String::new, |f| fee_text(&ui, f, row.fee_exemption.as_deref()))));
    // Drawn from another municipality's register: which one.
    match state.store.drawn_from(row.id).await {
        Ok(Some(kept)) => facts.insert(3, (ui.t("issued-holder"), format!("{} ({})", kept.municipality, kept.member))),
        Ok(None) => {}
        Err(error) => return internal_error(&ui, &error),
    }
    let page = IssuedPage {
        ui: &ui,
        refused: false,
        title: ui.t("issued-title"),
        facts,
        pdf: format!("/counter/extracts/{}/pdf", n.id()),
        verify,
        reason: None,
    };
    render(&page)
}

fn fee_text(ui: &Ui, fee: i64, exemption: Option<&str>) -> String {
    match exemption {
        Some(e) if fee == 0 => ui.ta("extract-fee-exempt", "basis", e),
        _ => ui.locale.money(fee),
    }
}

fn facts(ui: &Ui, n: &ExtractNumber, row: &ExtractRow, fee: Option<String>) -> Vec<(String, String)> {
    let kind = ui.kind_label(&row.kind);
    let relation = ui.relation_label(&row.relation);
    let mut out = vec![
        (ui.t("verify-number"), n.to_string()),
        (ui.t("verify-kind"), kind),
        (ui.t("person-jmbg"), row.subject_jmbg.clone()),
        (ui.t("issue-requester-name"), row.requester_name.clone()),
        (ui.t("issue-relation"), relation),
        (ui.t("issue-purpose"), row.purpose.clone()),
    ];
    if let Some(fee) = fee.filter(|f| !f.is_empty()) {
        out.push((ui.t("extract-fee"), fee));
    }
    out.push((ui.t("extract-official"), format!("{}, {}", row.official_name, row.office_name)));
    out
}

/// `GET /counter/refusals/{number}`: a refused request, with its decision.
pub async fn refused(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    let (n, row) = match registered(&state, &ui, "refused", &number).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let reason =
        row.refusal_code.as_deref().map(|code| ui.t(&format!("refusal-{}", code.trim_start_matches("extract.").replace('_', "-"))));
    let page = IssuedPage {
        ui: &ui,
        refused: true,
        title: ui.t("refused-title"),
        facts: facts(&ui, &n, &row, None),
        pdf: format!("/counter/refusals/{}/pdf", n.id()),
        verify: None,
        reason,
    };
    render(&page)
}

/// `GET /counter/extracts/{number}/pdf`: the document for printing, reproduced from the
/// register (logged as a read of the person's records).
pub async fn issued_pdf(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(sealer) = state.sealer.clone() else {
        return error_page(&ui, StatusCode::SERVICE_UNAVAILABLE, "error-500-title", &ui.t("issue-no-key"));
    };
    let n = match parse_number(&ui, &number) {
        Ok(n) => n,
        Err(page) => return page,
    };
    let reproduced = match state.store.print_extract(&caller.actor, &n).await {
        Ok(r) => r,
        Err(ReproduceError::NotFound(_) | ReproduceError::Refusal(_)) => {
            return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found"));
        }
        Err(error) => return internal_error(&ui, &error),
    };
    match tokio::task::spawn_blocking(move || opcina_pdf::issue_pdf(&reproduced.content, &reproduced.seal, sealer.key())).await {
        Ok(Ok(pdf)) => pdf_response(pdf.pdf, &n.id()),
        Ok(Err(error)) => internal_error(&ui, &error),
        Err(error) => internal_error(&ui, &error),
    }
}

/// `GET /counter/refusals/{number}/pdf`: the refusal decision for printing.
pub async fn refusal_pdf(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(number): Path<String>) -> Response {
    let caller = match ui.require(&[Role::Registrar, Role::CounterClerk]) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let n = match parse_number(&ui, &number) {
        Ok(n) => n,
        Err(page) => return page,
    };
    let facts = match state.store.refusal_facts(&caller.actor, &n).await {
        Ok(Some(f)) => f,
        Ok(None) => return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("extract-not-found")),
        Err(error) => return internal_error(&ui, &error),
    };
    match tokio::task::spawn_blocking(move || opcina_pdf::decision_pdf(&facts)).await {
        Ok(Ok(pdf)) => pdf_response(pdf.pdf, &format!("odluka-{}", n.id())),
        Ok(Err(error)) => internal_error(&ui, &error),
        Err(error) => internal_error(&ui, &error),
    }
}
