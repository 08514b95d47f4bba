//! The counter (šalter): finding a person and reading their records.
//!
//! Every read of a person's record states its purpose (chosen with the search, carried in
//! the result links) and is logged before the page is sent.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use opcina_core::extract::document::{entry_text, marital_status_text};
use opcina_core::registry::{PersonView, Sex, Timestamp, ViewTime};
use opcina_core::{CheckMode, Jmbg};
use opcina_search::PersonQuery;
use opcina_store::reads::{PersonFile, ReadReason};
use serde::Deserialize;

use super::issue::{IssueFields, IssueForm};
use super::{Ui, error_page, internal_error, render, render_with};
use crate::AppState;
use crate::auth::READERS;

/// The purposes a clerk picks from, with the text the access log keeps (in Bosnian, the
/// language of the records, whatever the interface language).
pub const PURPOSES: [(&str, &str); 4] = [
    ("extract", "izdavanje izvoda ili uvjerenja (čl. 64 Zakona o matičnim knjigama)"),
    ("registration", "upis u matičnu knjigu"),
    ("check", "provjera podataka na zahtjev stranke"),
    ("official", "službena potreba organa uprave"),
];

fn purpose_text(key: &str) -> Option<&'static str> {
    PURPOSES.iter().find(|(k, _)| *k == key).map(|(_, text)| *text)
}

/// A choice of purpose in the search form.
pub struct PurposeOption {
    pub key: &'static str,
    pub label: String,
    pub selected: bool,
}

fn purpose_options(ui: &Ui, selected: &str) -> Vec<PurposeOption> {
    PURPOSES.iter().map(|(key, _)| PurposeOption { key, label: ui.t(&format!("purpose-{key}")), selected: *key == selected }).collect()
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    case: String,
    /// Born in this year (narrows a common name).
    #[serde(default)]
    year: String,
    /// `name`: in Bosnian alphabetical order instead of best matches first.
    #[serde(default)]
    sort: String,
}

/// A search result as the clerk scans it.
pub struct Row {
    pub name: String,
    pub former: String,
    pub jmbg: String,
    pub born: String,
    pub place: String,
    pub office: String,
    pub status: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "counter.html")]
struct SearchPage<'a> {
    ui: &'a Ui,
    q: String,
    case: String,
    year: String,
    by_name: bool,
    purposes: Vec<PurposeOption>,
    searched: bool,
    summary: String,
    rows: Vec<Row>,
    error: Option<String>,
    year_error: Option<String>,
    /// Whether this node can look in other municipalities' registers.
    federated: bool,
}

fn status_text(ui: &Ui, sex: Sex, alive: bool, death: Option<NaiveDate>) -> String {
    let sex = if sex == Sex::Female { "female" } else { "male" };
    if alive {
        ui.ta("person-alive", "sex", sex)
    } else {
        let date = death.map(|d| ui.locale.date(d)).unwrap_or_default();
        ui.locale.t_args("person-deceased", &[("sex", crate::i18n::Arg::Text(sex)), ("date", crate::i18n::Arg::Text(&date))])
    }
}

fn person_href(jmbg: &str, purpose: &str, case: &str) -> String {
    let mut pairs = vec![("purpose", purpose)];
    if !case.trim().is_empty() {
        pairs.push(("case", case.trim()));
    }
    format!("/counter/persons/{jmbg}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// `GET /counter?q=…&purpose=…`: finds people by name (any script or spelling) or JMBG.
pub async fn search(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(p): Query<SearchQuery>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let purpose = if purpose_text(&p.purpose).is_some() { p.purpose.clone() } else { PURPOSES[0].0.to_string() };
    let mut page = SearchPage {
        ui: &ui,
        q: p.q.clone(),
        case: p.case.clone(),
        year: p.year.clone(),
        by_name: p.sort == "name",
        purposes: purpose_options(&ui, &purpose),
        searched: false,
        summary: String::new(),
        rows: Vec::new(),
        error: None,
        year_error: None,
        federated: state.federation.is_some(),
    };
    let q = p.q.trim();
    if q.is_empty() {
        if p.q.is_empty() {
            return render(&page);
        }
        page.error = Some(ui.t("counter-query-empty"));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let year = match p.year.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) if (1800..=2200).contains(&y) => Some(y),
            _ => {
                page.year_error = Some(ui.t("counter-year-invalid"));
                return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
        },
    };
    let query = PersonQuery { text: q.to_string(), limit: 50, birth_years: year.map(|y| y..=y), sex: None, office: None };
    let why = ReadReason::new(purpose_text(&purpose).unwrap_or_default(), Some(p.case.as_str()));
    let mut hits = match crate::search::people(&state, &caller.actor, &query, &why).await {
        Ok(h) => h,
        Err(error) => return internal_error(&ui, &error),
    };
    if page.by_name {
        opcina_core::names::sort_by_name(&mut hits, |h| format!("{} {} {}", h.surname, h.given_name, h.birth_date));
    }
    page.searched = true;
    page.summary = if hits.is_empty() {
        ui.ta("counter-no-results", "query", q)
    } else {
        ui.locale.t_args("counter-results", &[("count", crate::i18n::Arg::Number(hits.len() as i64)), ("query", crate::i18n::Arg::Text(q))])
    };
    page.rows = hits
        .iter()
        .map(|h| Row {
            name: format!("{} {}", h.surname, h.given_name),
            former: if h.former_names.is_empty() { String::new() } else { ui.ta("former-names", "names", &h.former_names.join(", ")) },
            jmbg: h.jmbg.to_string(),
            born: ui.locale.date(h.birth_date),
            place: h.birth_place.clone().unwrap_or_default(),
            office: h.registry_office.clone().unwrap_or_default(),
            status: status_text(&ui, h.sex, h.alive, h.death_date),
            href: person_href(h.jmbg.as_str(), &purpose, &p.case),
        })
        .collect();
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct PersonQueryParams {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    case: String,
    /// The legal state on this date (`YYYY-MM-DD`).
    #[serde(default)]
    as_of: String,
    /// Only what was recorded up to the end of this day (`YYYY-MM-DD`).
    #[serde(default)]
    recorded: String,
}

/// A labelled value.
pub struct Item {
    pub label: String,
    pub value: String,
}

/// An entry as the person page shows it.
pub struct EntryBlock {
    pub id: i64,
    pub marriage: bool,
    pub title: String,
    pub reference: String,
    pub late: bool,
    pub fields: Vec<Item>,
    pub annotations: Vec<String>,
}

/// A line of the access log.
pub struct AccessLine {
    pub at: String,
    pub who: String,
    pub office: String,
    pub action: String,
    pub purpose: String,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    ui: &'a Ui,
    name: String,
    jmbg: String,
    summary: Vec<Item>,
    entries: Vec<EntryBlock>,
    access: Vec<AccessLine>,
    as_of: String,
    recorded: String,
    purpose: String,
    case: String,
    history_note: Option<String>,
    date_error: Option<String>,
    back: String,
    form: IssueForm,
    documents: Vec<DocumentLine>,
}

/// A document issued or refused about the person.
pub struct DocumentLine {
    pub number: String,
    pub href: String,
    pub kind: String,
    pub at: String,
    pub refused: bool,
    pub official: String,
}

fn parse_day(s: &str) -> Result<Option<NaiveDate>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s.trim_end_matches('.'), "%d.%m.%Y"))
        .map(Some)
        .map_err(|_| ())
}

/// `GET /counter/persons/{jmbg}?purpose=…`: everything the registers say about a person, as
/// of a date and as recorded by a day, and who has read it.
pub async fn person(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(jmbg): Path<String>,
    Query(p): Query<PersonQueryParams>,
) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(purpose) = purpose_text(&p.purpose) else {
        return error_page(&ui, StatusCode::BAD_REQUEST, "error-purpose-title", &ui.t("error-purpose"));
    };
    let Ok(jmbg) = Jmbg::parse(&jmbg, CheckMode::Lenient) else {
        return error_page(&ui, StatusCode::BAD_REQUEST, "error-404-title", &ui.ta("person-bad-jmbg", "jmbg", &jmbg));
    };
    let mut date_error = None;
    let as_of = parse_day(&p.as_of).unwrap_or_else(|()| {
        date_error = Some(ui.t("person-date-invalid"));
        None
    });
    let recorded = parse_day(&p.recorded).unwrap_or_else(|()| {
        date_error = Some(ui.t("person-date-invalid"));
        None
    });
    let time = ViewTime {
        as_of: as_of.unwrap_or_else(|| state.store.today()),
        recorded_at: recorded
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| Timestamp::from_datetime(t.and_utc())),
    };
    let case = p.case.trim();
    let why = ReadReason::new(purpose, Some(case));
    let PersonFile { view, access, documents } = match state.store.person_file(&caller.actor, &jmbg, time, &why).await {
        Ok(Some(file)) => file,
        Ok(None) => {
            return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.ta("person-not-found", "jmbg", jmbg.as_str()));
        }
        Err(error) => return internal_error(&ui, &error),
    };
    let documents: Vec<DocumentLine> = documents.iter().map(|r| document_line(&ui, r)).collect();
    let name = format!("{} {}", view.given_name, view.surname);
    let form = IssueForm::new(
        &ui,
        jmbg.as_str(),
        IssueFields {
            requester_name: name.clone(),
            requester_jmbg: jmbg.to_string(),
            subject_name: name.clone(),
            read_purpose: p.purpose.clone(),
            case: case.to_string(),
            ..IssueFields::default()
        },
    );
    let history_note = (as_of.is_some() || recorded.is_some()).then(|| ui.ta("person-history-note", "date", &ui.locale.date(time.as_of)));
    let page = PersonPage {
        ui: &ui,
        name,
        jmbg: jmbg.to_string(),
        summary: summary(&ui, &view),
        entries: entries(&ui, &view),
        access: access
            .iter()
            .map(|a| AccessLine {
                at: ui.locale.date_time(a.at),
                who: a.username.clone(),
                office: a.office_code.clone().unwrap_or_default(),
                action: action_label(&ui, &a.action),
                purpose: a.purpose.clone(),
            })
            .collect(),
        as_of: as_of.map(|d| d.to_string()).unwrap_or_default(),
        recorded: recorded.map(|d| d.to_string()).unwrap_or_default(),
        purpose: p.purpose.clone(),
        case: case.to_string(),
        history_note,
        date_error,
        back: format!("/counter?{}", serde_urlencoded::to_string([("purpose", p.purpose.as_str())]).unwrap_or_default()),
        form,
        documents,
    };
    render(&page)
}

fn document_line(ui: &Ui, r: &opcina_store::rows::ExtractRow) -> DocumentLine {
    DocumentLine {
        number: r.number().to_string(),
        href: super::extracts::counter_href(r),
        kind: ui.kind_label(&r.kind),
        at: ui.locale.date_time(r.at),
        refused: r.outcome == "refused",
        official: r.official_username.clone(),
    }
}

/// The message that labels an action of the access log.
pub(crate) fn action_key(action: &str) -> String {
    format!("access-action-{}", action.replace(['.', '_'], "-"))
}

/// What a logged read was, in words (an action this page does not know is shown as logged).
pub(crate) fn action_label(ui: &Ui, action: &str) -> String {
    if opcina_store::shown::ACTIONS.contains(&action) { ui.t(&action_key(action)) } else { action.to_string() }
}

fn summary(ui: &Ui, v: &PersonView) -> Vec<Item> {
    let item = |id: &str, value: String| Item { label: ui.t(id), value };
    let mut out = vec![
        item("person-jmbg", v.jmbg.to_string()),
        item("person-sex", ui.t(if v.sex == Sex::Female { "sex-female" } else { "sex-male" })),
        item(
            "person-born",
            format!("{}{}", ui.locale.date(v.birth_date), v.birth_place.as_ref().map(|p| format!(", {p}")).unwrap_or_default()),
        ),
        item("person-status", status_text(ui, v.sex, v.alive, v.death_date)),
        item("person-marital", marital_status_text(ui.locale.register_language(), ui.locale.script(), v.marital_status, v.sex)),
    ];
    // Replaced by a corrected sex or date of birth: the registrar sees them, documents do not.
    if !v.former_jmbgs.is_empty() {
        out.insert(1, item("person-former-jmbgs", v.former_jmbgs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")));
    }
    if let Some(s) = &v.spouse {
        out.push(item(
            "person-spouse",
            format!("{} {}{}", s.given_name, s.surname, s.jmbg.as_ref().map(|j| format!(", {j}")).unwrap_or_default()),
        ));
    }
    if !v.citizenships.is_empty() {
        out.push(item("person-citizenship", v.citizenships.join(", ")));
    }
    let relatives = |list: &[opcina_core::registry::person::Relative]| {
        list.iter()
            .map(|r| format!("{} {}{}", r.given_name, r.surname, r.jmbg.as_ref().map(|j| format!(" ({j})")).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if !v.parents.is_empty() {
        out.push(item("person-parents", relatives(&v.parents)));
    }
    if !v.children.is_empty() {
        out.push(item("person-children", relatives(&v.children)));
    }
    if let Some(office) = &v.registry_office {
        out.push(item("person-office", office.clone()));
    }
    out
}

fn entries(ui: &Ui, v: &PersonView) -> Vec<EntryBlock> {
    v.entries
        .iter()
        .map(|e| {
            let (fields, annotations) =
                entry_text(ui.locale.register_language(), ui.locale.script(), &e.entry, &e.annotations, v.view_time.as_of);
            EntryBlock {
                id: e.entry.id,
                marriage: e.entry.content.register() == opcina_core::registry::Register::Marriages,
                title: ui.t(&format!("register-{}", e.entry.content.register().code())),
                reference: e.entry.reference(),
                late: e.entry.late,
                fields: fields.into_iter().map(|f| Item { label: f.label, value: f.value }).collect(),
                annotations,
            }
        })
        .collect()
}
