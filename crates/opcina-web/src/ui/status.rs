//! The operator's status page at `/status` (for signed-in staff): which municipality the node
//! serves, its offices, the state of the journal, the index, the mail outbox and the federation,
//! and where the API is. Load balancers and public probes use `/healthz`.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use opcina_store::rows::OfficeRow;

use super::{Ui, internal_error, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "status.html")]
struct Status<'a> {
    ui: &'a Ui,
    offices: Vec<OfficeRow>,
    backend: &'static str,
    journal: String,
    people: String,
    index: String,
    federation: Option<crate::federation::FederationHealth>,
    valid_until: String,
    mail_pending: String,
    mail_oldest: Option<String>,
    mail_rejected: String,
}

/// `GET /status`, for the node's staff (the public probe is `/healthz`).
pub async fn page(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    if let Err(page) = ui.require(&opcina_core::registry::Role::ALL) {
        return page;
    }
    let read = async {
        Ok::<_, opcina_store::StoreError>((
            state.store.offices().await?,
            state.store.journal_head().await?,
            state.store.mail_counts().await?,
        ))
    };
    let (offices, head, mail) = match read.await {
        Ok(found) => found,
        Err(error) => return internal_error(&ui, &error),
    };
    let federation = match crate::federation::federation_health(&state).await {
        Ok(f) => f,
        Err(error) => return internal_error(&ui, &error),
    };
    let valid_until = federation
        .as_ref()
        .and_then(|f| f.directory_valid_until)
        .map_or_else(|| ui.t("status-federation-no-directory"), |t| ui.locale.date_time(t * 1_000_000));
    let page = Status {
        ui: &ui,
        offices,
        backend: state.store.backend_kind(),
        journal: ui.locale.number(head.seq),
        people: ui.locale.number(i64::try_from(state.index.len()).unwrap_or(i64::MAX)),
        index: ui.locale.number(state.index.watermark()),
        federation,
        valid_until,
        mail_pending: ui.locale.number(mail.pending),
        mail_oldest: mail.oldest_pending_at.map(|t| ui.locale.date_time(t)),
        mail_rejected: ui.locale.number(mail.rejected),
    };
    render(&page)
}
