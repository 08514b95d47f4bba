//! The office's daily list: what the signed-in user's office registered and issued on a day,
//! with the day's fees for the till.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Local, NaiveDate, TimeZone};
use opcina_core::registry::{EntryContent, EntryRecord, Timestamp};
use serde::Deserialize;

use super::{Ui, internal_error, render};
use crate::AppState;
use crate::auth::READERS;

/// Most entries and annotations listed for a day (an office registers tens a day; a day of
/// imported books would list thousands, which nobody reads on one page).
const LIMIT: i64 = 200;
/// Entries are counted up to this many ("more than …" beyond: a day of imported books).
const COUNT_CAP: i64 = 10_000;
/// Most documents listed (all of a day's documents are needed for the till's totals).
const DOCUMENTS: i64 = 2_000;

#[derive(Debug, Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    date: String,
}

pub struct EntryLine {
    pub time: String,
    pub reference: String,
    pub register: String,
    pub who: String,
    pub href: String,
    pub late: bool,
    pub by: String,
}

pub struct AnnotationLine {
    pub time: String,
    pub text: String,
    pub by: String,
}

pub struct DocumentLine {
    pub time: String,
    pub number: String,
    pub href: String,
    pub kind: String,
    pub refused: bool,
    pub requester: String,
    pub fee: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "today.html")]
struct Today<'a> {
    ui: &'a Ui,
    title: String,
    date: String,
    entries: Vec<EntryLine>,
    annotations: Vec<AnnotationLine>,
    documents: Vec<DocumentLine>,
    totals: String,
    truncated: bool,
}

fn time(micros: i64) -> String {
    Timestamp(micros).to_datetime().with_timezone(&Local).format("%H:%M").to_string()
}

/// Who an entry is about, as the list names them.
fn subject(e: &EntryRecord) -> String {
    match &e.content {
        EntryContent::Birth(b) => format!("{} {}", b.child.given_name, b.child.surname),
        EntryContent::Marriage(m) => {
            format!(
                "{} {} — {} {}",
                m.spouses[0].person.given_name, m.spouses[0].person.surname, m.spouses[1].person.given_name, m.spouses[1].person.surname
            )
        }
        EntryContent::Death(d) => format!("{} {}", d.deceased.given_name, d.deceased.surname),
        EntryContent::Citizenship(c) => format!("{} {}", c.person.given_name, c.person.surname),
    }
}

/// `GET /counter/today[?date=YYYY-MM-DD]`
pub async fn today(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<DayQuery>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(office) = caller.actor.office.clone() else { return internal_error(&ui, &"a reader without an office") };
    let day = NaiveDate::parse_from_str(q.date.trim(), "%Y-%m-%d").unwrap_or_else(|_| state.store.today());
    let bounds =
        |d: NaiveDate| d.and_hms_opt(0, 0, 0).and_then(|t| Local.from_local_datetime(&t).earliest()).map_or(0, |t| t.timestamp_micros());
    let (from, to) = (bounds(day), bounds(day.succ_opt().unwrap_or(day)));
    let (entry_count, entries, annotations, extracts) =
        match state.store.office_day(&caller.actor, &office, from, to, COUNT_CAP + 1, LIMIT, DOCUMENTS).await {
            Ok(day) => (day.entry_count, day.entries, day.annotations, day.extracts),
            Err(error) => return internal_error(&ui, &error),
        };
    let truncated = entries.len() as i64 == LIMIT || annotations.len() as i64 == LIMIT || extracts.len() as i64 == DOCUMENTS;
    let issued: Vec<_> = extracts.iter().filter(|e| e.outcome == "issued").collect();
    let fees: i64 = issued.iter().filter_map(|e| e.fee).sum();
    let totals = ui.locale.t_args(
        "today-totals",
        &[
            (
                "entries",
                crate::i18n::Arg::Text(&if entry_count > COUNT_CAP {
                    format!("> {}", ui.locale.number(COUNT_CAP))
                } else {
                    ui.locale.number(entry_count)
                }),
            ),
            ("issued", crate::i18n::Arg::Number(issued.len() as i64)),
            ("refused", crate::i18n::Arg::Number((extracts.len() - issued.len()) as i64)),
            ("fees", crate::i18n::Arg::Text(&ui.locale.money(fees))),
        ],
    );
    let (language, script) = (ui.locale.register_language(), ui.locale.script());
    let page = Today {
        ui: &ui,
        title: ui.ta("today-title", "office", ui.staff.as_ref().and_then(|s| s.office_name.as_deref()).unwrap_or(&office)),
        date: day.to_string(),
        entries: entries
            .iter()
            .map(|e| EntryLine {
                time: time(e.recorded_at.0),
                reference: e.reference(),
                register: ui.t(&format!("register-{}", e.content.register().code())),
                who: subject(e),
                href: format!("/counter/persons/{}?purpose=official", e.content.subject()),
                late: e.late,
                by: e.recorded_by.clone(),
            })
            .collect(),
        annotations: annotations
            .iter()
            .map(|a| AnnotationLine {
                time: time(a.recorded_at.0),
                text: opcina_core::extract::document::annotation_sentence(language, script, a),
                by: a.recorded_by.clone(),
            })
            .collect(),
        documents: extracts
            .iter()
            .map(|r| DocumentLine {
                time: time(r.at),
                number: r.number().to_string(),
                href: super::extracts::counter_href(r),
                kind: ui.kind_label(&r.kind),
                refused: r.outcome == "refused",
                requester: r.requester_name.clone(),
                fee: r.fee.map(|f| ui.locale.money(f)).unwrap_or_default(),
                by: r.official_username.clone(),
            })
            .collect(),
        totals,
        truncated,
    };
    render(&page)
}
