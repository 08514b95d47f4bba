//! The citizen portal: public pages, no sign-in.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use opcina_core::publicinfo::piece::PieceKind;
use opcina_store::rows::OfficeRow;
use opcina_store::sql::publicinfo::PieceFilter;

use super::website::{PieceLine, line};
use super::{Ui, internal_error, render};
use crate::AppState;

/// Latest pieces on the home page.
const LATEST: i64 = 6;
/// Open public calls on the home page.
const CALLS: i64 = 5;

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    ui: &'a Ui,
    news: Vec<PieceLine>,
    announcements: Vec<PieceLine>,
    calls: Vec<PieceLine>,
    offices: Vec<OfficeRow>,
}

/// `GET /`: the municipality's home page — its latest news and announcements, the public
/// calls open today, what a citizen can do here, and its offices with their hours.
pub async fn home(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let news = PieceFilter { kind: Some(PieceKind::News), ..PieceFilter::default() };
    let notices = PieceFilter { kind: Some(PieceKind::Announcement), ..PieceFilter::default() };
    // The four reads side by side, each on a connection of the read pool.
    let loaded = tokio::try_join!(
        state.store.public_pieces(&news, None, LATEST),
        state.store.public_pieces(&notices, None, LATEST),
        state.store.open_calls(CALLS),
        state.store.offices(),
    );
    match loaded {
        Ok((news, notices, calls, offices)) => render(&Home {
            ui: &ui,
            news: news.iter().map(|p| line(&ui, p)).collect(),
            announcements: notices.iter().map(|p| line(&ui, p)).collect(),
            calls: calls.iter().map(|p| line(&ui, p)).collect(),
            offices,
        }),
        Err(error) => internal_error(&ui, &error),
    }
}
