//! The citizen portal: public pages, no sign-in.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use opcina_store::rows::OfficeRow;

use super::{Ui, internal_error, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    ui: &'a Ui,
    offices: Vec<OfficeRow>,
}

/// `GET /`: the municipality's registry offices, their addresses and hours, and what a
/// citizen can do here.
pub async fn home(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    match state.store.offices().await {
        Ok(offices) => render(&Home { ui: &ui, offices }),
        Err(error) => internal_error(&ui, &error),
    }
}
