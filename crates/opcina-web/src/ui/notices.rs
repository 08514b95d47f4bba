//! The registrar's queue of annotation notices from other municipalities that could not be
//! applied by themselves (no birth entry of the person here, or the annotation refused): each
//! with the person, the sender, the annotation and why it waits; the registrar annotates the
//! entry by hand (or finds nothing to annotate) and marks the notice handled.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::registry::annotation::Annotation;
use serde::Deserialize;

use super::register::REGISTRARS;
use super::{Ui, error_page, internal_error, render};
use crate::AppState;

pub struct Waiting {
    id: i64,
    jmbg: String,
    from: String,
    what: String,
    effective: String,
    reason: String,
    received: String,
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage<'a> {
    ui: &'a Ui,
    notices: Vec<Waiting>,
}

/// `GET /counter/notices`.
pub async fn list(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let caller = match ui.require(&REGISTRARS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let rows = match state.store.queued_notices(&caller.actor, 500).await {
        Ok(rows) => rows,
        Err(error) => return internal_error(&ui, &error),
    };
    let names = state.federation.as_ref().and_then(|f| f.directory());
    let notices = rows
        .into_iter()
        .map(|n| {
            let annotation: Option<Annotation> = serde_json::from_str(&n.annotation).ok();
            Waiting {
                id: n.id,
                from: names.as_ref().and_then(|d| d.member(&n.member).map(|m| m.name.clone())).unwrap_or_else(|| n.member.clone()),
                what: annotation.as_ref().map_or_else(String::new, |a| {
                    opcina_core::extract::document::annotation_sentence(ui.locale.register_language(), ui.locale.script(), &record(a))
                }),
                effective: annotation.as_ref().map_or_else(String::new, |a| ui.locale.date(a.effective_date)),
                reason: n.reason.unwrap_or_default(),
                received: ui.locale.date_time(n.received_at),
                jmbg: n.subject_jmbg,
            }
        })
        .collect();
    render(&NoticesPage { ui: &ui, notices })
}

/// The annotation as a record, for the sentence the registers print.
fn record(a: &Annotation) -> opcina_core::registry::AnnotationRecord {
    opcina_core::registry::AnnotationRecord {
        id: 0,
        entry_id: 0,
        annotation: a.clone(),
        recorded_at: opcina_core::registry::Timestamp(0),
        office: String::new(),
        recorded_by: String::new(),
        cause_entry_id: None,
    }
}

#[derive(Debug, Deserialize)]
pub struct Handled {
    #[serde(default)]
    note: String,
}

/// `POST /counter/notices/{id}/handled`.
pub async fn handled(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>, Form(f): Form<Handled>) -> Response {
    let caller = match ui.require(&REGISTRARS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.notice_handled(&caller.actor, id, &f.note).await {
        Ok(Some(_)) => Redirect::to("/counter/notices").into_response(),
        Ok(None) => error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("notices-not-found")),
        Err(error) => internal_error(&ui, &error),
    }
}
