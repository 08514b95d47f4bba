//! The public verification of documents, opened from an extract's QR code
//! (`/verify/{number}?s=SEAL`) or by typing the number and code into the form at `/verify`.
//! No login. It says whether the document is authentic, what it is, when and where it was
//! issued, and whether it is still current, superseded by a later annotation, or revoked —
//! and shows no personal data beyond what the document itself prints (the person's name).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use opcina_core::extract::ExtractNumber;
use opcina_core::extract::seal::decode_seal;
use opcina_store::extracts::Status;
use serde::Deserialize;

use super::{Ui, error_page, render, render_with};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct VerifyParams {
    /// The content seal, base64url.
    pub s: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FormParams {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

/// What the page found.
pub struct Found {
    pub ok: bool,
    pub facts: Vec<(String, String)>,
    pub status: String,
    pub fingerprint: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    ui: &'a Ui,
    number: String,
    code: String,
    found: Option<Found>,
    refused: bool,
    number_error: Option<String>,
}

/// `GET /verify[?number=…&code=…]`: the form, or the answer for what was typed into it.
pub async fn form(Extension(ui): Extension<Ui>, Query(p): Query<FormParams>) -> Response {
    let (number, code) = (p.number.trim(), p.code.trim().trim_start_matches("s="));
    if number.is_empty() && code.is_empty() {
        return render(&VerifyPage {
            ui: &ui,
            number: String::new(),
            code: String::new(),
            found: None,
            refused: false,
            number_error: None,
        });
    }
    let Some(n) = ExtractNumber::parse(number) else {
        let page = VerifyPage {
            ui: &ui,
            number: number.to_string(),
            code: code.to_string(),
            found: None,
            refused: false,
            number_error: Some(ui.t("verify-number-invalid")),
        };
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let query = serde_urlencoded::to_string([("s", code)]).unwrap_or_default();
    Redirect::to(&format!("/verify/{}?{query}", n.id())).into_response()
}

/// `GET /verify/{number}?s=SEAL`
pub async fn verify(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(number): Path<String>,
    Query(p): Query<VerifyParams>,
) -> Response {
    let code = p.s.clone().unwrap_or_default();
    let refused = |ui: &Ui| {
        render_with(
            StatusCode::NOT_FOUND,
            &VerifyPage { ui, number: number.clone(), code: code.clone(), found: None, refused: true, number_error: None },
        )
    };
    let (Some(n), Some(seal)) = (ExtractNumber::parse(&number), p.s.as_deref().and_then(decode_seal)) else { return refused(&ui) };
    let verification = match state.store.verify_extract(&n, &seal).await {
        Ok(Some(v)) => v,
        Ok(None) => return refused(&ui),
        Err(error) => {
            tracing::error!(%error, "verification failed");
            return error_page(&ui, StatusCode::SERVICE_UNAVAILABLE, "error-500-title", &ui.t("verify-unavailable"));
        }
    };
    let row = &verification.row;
    let person = match state.store.verified_holder(&verification).await {
        Ok(name) => name.unwrap_or_default(),
        Err(error) => {
            tracing::error!(%error, "verification failed");
            return error_page(&ui, StatusCode::SERVICE_UNAVAILABLE, "error-500-title", &ui.t("verify-unavailable"));
        }
    };
    let kind = ui.kind_label(&row.kind);
    let day = |micros: i64| ui.locale.day(micros);
    let status = match &verification.status {
        Status::Current => ui.t("verify-current"),
        Status::Superseded { since, .. } => ui.ta("verify-superseded", "since", &day(since.0)),
        Status::Revoked { at, reason } => {
            ui.locale.t_args("verify-revoked", &[("at", crate::i18n::Arg::Text(&day(at.0))), ("reason", crate::i18n::Arg::Text(reason))])
        }
    };
    let found = Found {
        ok: matches!(verification.status, Status::Current),
        facts: vec![
            (ui.t("verify-number"), n.to_string()),
            (ui.t("verify-kind"), kind),
            (ui.t("verify-person"), person),
            (ui.t("verify-issued"), format!("{}, {}", day(row.at), row.place)),
            (ui.t("verify-office"), row.office_name.clone()),
        ],
        status,
        fingerprint: row.content_hash.as_deref().map(hex::encode).unwrap_or_default(),
    };
    render(&VerifyPage { ui: &ui, number: n.to_string(), code, found: Some(found), refused: false, number_error: None })
}
