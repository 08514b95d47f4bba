//! Reports of communal problems on the website — the form (no account needed), the public
//! list by local community and each report's page with its history (never its reporter),
//! where the reporter adds a note or reopens it with the access code — and the desk where a
//! unit moves its reports through their states (each change e-mailed to the reporter).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::publicinfo::report::{CATEGORIES, Point, ReportChange, ReportFields, ReportState, category};
use opcina_core::registry::Role;
use opcina_store::mail::Letter;
use opcina_store::publicinfo_reports::{Channel, ReportFile, ReportLetter};
use opcina_store::publicinfo_rows::{ReportRow, ReportStepRow};
use opcina_store::rows::DocflowConfig;
use opcina_store::sql::publicinfo::ReportFilter;
use serde::Deserialize;

use super::forms::Choice;
use super::{FieldErrors, Ui, error_page, internal_error, refusal_text, render, render_with};
use crate::AppState;
use crate::i18n::{Arg, Locale};
use crate::limits::Client;

/// Who works at the desk.
const DESK: [Role; 3] = [Role::Official, Role::PressOfficer, Role::Approver];
/// Who enters a report or a message at a counter (the form, signed in).
pub(crate) const COUNTER: [Role; 3] = [Role::CounterClerk, Role::Registrar, Role::Official];
/// Reports in a page of the public list.
const PAGE: i64 = 50;

/// The e-mail that tells a reporter of a change, in the language they reported in.
pub fn change_letter(public_url: String, municipality: String) -> ReportLetter {
    Box::new(move |r: &ReportRow, step: &ReportStepRow| {
        let locale = Locale::parse(&r.language).unwrap_or(Locale::Bs);
        let script = locale.script();
        let number = [("number", Arg::Text(&r.number))];
        let state = locale.t(&format!("report-state-{}", step.state.as_str()));
        let first = step.by_reporter;
        let subject = if first { locale.t_args("report-mail-received", &number) } else { locale.t_args("report-mail-changed", &number) };
        let mut body =
            format!("{}\n\n", locale.t_args("report-mail-state", &[("number", Arg::Text(&r.number)), ("state", Arg::Text(&state))]));
        if let Some(b) = &step.body {
            body.push_str(&format!("{}: {}\n\n", locale.t("report-responsible-body"), script.write_recorded(b)));
        }
        if !step.note.is_empty() {
            body.push_str(&format!("{}\n\n", script.write_recorded(&step.note)));
        }
        body.push_str(&format!(
            "{} {public_url}/reports/{}\n\n-- \n{}\n",
            locale.t("report-mail-follow"),
            r.number,
            locale.t_args("site-title", &[("municipality", Arg::Text(&script.write_recorded(&municipality)))])
        ));
        Letter { subject, body }
    })
}

/// The letter for this node (its public address and the municipality's name).
pub(crate) async fn letter(state: &AppState) -> Result<ReportLetter, opcina_store::StoreError> {
    let municipality = state.store.node_if_set_up().await?.map(|n| n.municipality).unwrap_or_default();
    Ok(change_letter(state.public_url.clone(), municipality))
}

/// A step of a report as a page shows it.
pub struct StepView {
    pub when: String,
    pub state: String,
    pub note: Vec<String>,
    pub body: String,
    pub by_reporter: bool,
    pub first: bool,
}

/// A report as a page shows it; `name`, `email` and `channel` only at the desk.
pub struct ReportView {
    pub id: i64,
    pub number: String,
    pub href: String,
    pub category: String,
    pub state: String,
    pub state_code: &'static str,
    pub closed: bool,
    pub place: String,
    pub point: String,
    pub description: Vec<String>,
    pub received: String,
    pub changed: String,
    pub unit: String,
    pub responsible_body: String,
    pub attributes: Vec<(String, String)>,
    pub steps: Vec<StepView>,
    pub name: String,
    pub email: String,
    pub channel: String,
}

fn view(ui: &Ui, r: &ReportRow, steps: &[ReportStepRow], units: &DocflowConfig, desk: bool) -> ReportView {
    let lines = |t: &str| t.lines().map(str::to_string).collect::<Vec<_>>();
    let place = [r.local_community.as_str(), r.address.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ");
    let attributes = r
        .attributes
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(code, value)| {
            let c = category(&r.category).and_then(|c| c.attributes.iter().find(|a| a.code == code));
            let shown = match c {
                Some(a) if !a.values.is_empty() => ui.t(&format!("report-attribute-{code}-{value}")),
                _ => value.to_string(),
            };
            (ui.t(&format!("report-attribute-{code}")), shown)
        })
        .collect();
    ReportView {
        id: r.id,
        number: r.number.clone(),
        href: if desk { format!("/reports/desk/{}", r.id) } else { format!("/reports/{}", r.number) },
        category: ui.t(&format!("report-category-{}", r.category)),
        state: ui.t(&format!("report-state-{}", r.state.as_str())),
        state_code: r.state.as_str(),
        closed: r.state.is_closed(),
        place: ui.recorded(&place),
        point: match (r.lat_e6, r.lon_e6) {
            (Some(lat), Some(lon)) => format!("{}, {}", Point::degrees(lat), Point::degrees(lon)),
            _ => String::new(),
        },
        description: lines(&ui.recorded(&r.description)),
        received: ui.locale.day(r.received_at),
        changed: ui.locale.day(r.changed_at),
        unit: units.unit(&r.unit_code).map_or_else(|| r.unit_code.clone(), |u| ui.recorded(&u.name)),
        responsible_body: r.responsible_body.as_deref().map(|b| ui.recorded(b)).unwrap_or_default(),
        attributes,
        steps: steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepView {
                when: ui.locale.day(s.at),
                state: ui.t(&format!("report-state-{}", s.state.as_str())),
                note: lines(&ui.recorded(&s.note)),
                body: s.body.as_deref().map(|b| ui.recorded(b)).unwrap_or_default(),
                by_reporter: s.by_reporter,
                first: i == 0,
            })
            .collect(),
        name: if desk { r.name.clone() } else { String::new() },
        email: if desk { r.email.clone().unwrap_or_default() } else { String::new() },
        channel: if desk { r.channel.clone() } else { String::new() },
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    local_community: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default, rename = "attribute[size]")]
    size: String,
    #[serde(default, rename = "attribute[pole_number]")]
    pole_number: String,
    /// Left empty by people (the field is hidden from them); filled by robots.
    #[serde(default)]
    website: String,
}

/// A group of categories in the form's list.
pub struct Group {
    pub label: String,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage<'a> {
    ui: &'a Ui,
    f: ReportForm,
    groups: Vec<Group>,
    sizes: Vec<Choice>,
    places: Vec<String>,
    counter: bool,
    errors: FieldErrors,
}

async fn form_page(state: &AppState, ui: &Ui, f: ReportForm, errors: FieldErrors) -> Response {
    let places = match state.store.report_places().await {
        Ok(p) => p.into_iter().filter(|p| !p.name.is_empty()).map(|p| ui.recorded(&p.name)).collect(),
        Err(e) => return internal_error(ui, &e),
    };
    let mut groups: Vec<Group> = Vec::new();
    for c in &CATEGORIES {
        let choice = Choice { value: c.code.into(), label: ui.t(&format!("report-category-{}", c.code)), selected: f.category == c.code };
        let label = ui.t(&format!("report-group-{}", c.group));
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.choices.push(choice),
            None => groups.push(Group { label, choices: vec![choice] }),
        }
    }
    let sizes = ["small", "medium", "large"]
        .iter()
        .map(|v| Choice { value: (*v).into(), label: ui.t(&format!("report-attribute-size-{v}")), selected: f.size == *v })
        .collect();
    let counter = ui.staff.as_ref().is_some_and(|s| COUNTER.contains(&s.caller.actor.role));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(status, &FormPage { ui, f, groups, sizes, places, counter, errors })
}

/// `GET /reports/new`: the form.
pub async fn new_form(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    form_page(&state, &ui, ReportForm::default(), FieldErrors::default()).await
}

#[derive(Template)]
#[template(path = "report_sent.html")]
struct SentPage<'a> {
    ui: &'a Ui,
    number: String,
    code: String,
}

/// `POST /reports/new`: a report from the website (within the limits per client and per
/// address), or entered at a counter by a signed-in clerk.
pub async fn send(State(state): State<AppState>, Extension(ui): Extension<Ui>, client: Client, Form(f): Form<ReportForm>) -> Response {
    if !f.website.is_empty() {
        tracing::warn!(%client, "a report refused: the field hidden from people was filled");
        let errors = FieldErrors(std::collections::BTreeMap::from([("general".to_string(), ui.t("message-not-taken"))]));
        return form_page(&state, &ui, f, errors).await;
    }
    let at_counter = ui.staff.as_ref().filter(|s| COUNTER.contains(&s.caller.actor.role)).map(|s| s.caller.actor.clone());
    if at_counter.is_none() {
        if let Err(wait) = state.limits.messages.hit(&client.key()) {
            tracing::warn!(%client, "a report refused: over the limit");
            return super::rate_limited(&ui, wait);
        }
        let email = f.email.trim().to_lowercase();
        if !email.is_empty() {
            if let Err(wait) = state.limits.messages.hit(&format!("mail:{email}")) {
                return super::rate_limited(&ui, wait);
            }
        }
    }
    // The form shows every category's attributes; the report keeps the chosen one's.
    let own = category(f.category.trim()).map(|c| c.attributes).unwrap_or_default();
    let attributes = [("size", &f.size), ("pole_number", &f.pole_number)]
        .into_iter()
        .filter(|(code, v)| !v.trim().is_empty() && own.iter().any(|a| a.code == *code))
        .map(|(code, v)| (code.to_string(), v.clone()))
        .collect();
    let fields = ReportFields {
        category: f.category.clone(),
        description: f.description.clone(),
        local_community: f.local_community.clone(),
        address: f.address.clone(),
        lat: f.lat.clone(),
        lon: f.lon.clone(),
        name: f.name.clone(),
        email: f.email.clone(),
        attributes,
    };
    let letter = match letter(&state).await {
        Ok(l) => l,
        Err(e) => return internal_error(&ui, &e),
    };
    let (actor, channel) = match at_counter {
        Some(actor) => (actor, Channel::Counter),
        None => (opcina_core::registry::Actor::system("portal"), Channel::Web),
    };
    match state.store.report_problem(&actor, channel, fields, ui.locale.code(), Some(letter)).await {
        Ok(Ok((row, code))) => render(&SentPage { ui: &ui, number: row.number, code }),
        Ok(Err(refusal)) => form_page(&state, &ui, f, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    mz: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    page: Option<u32>,
}

/// A local community in the public list.
pub struct PlaceView {
    pub href: String,
    pub name: String,
    pub open: String,
    pub closed: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage<'a> {
    ui: &'a Ui,
    places: Vec<PlaceView>,
    items: Vec<ReportView>,
    heading: String,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    mz: String,
    next: String,
    previous: String,
}

/// The list's address with these filters and page.
fn list_href(mz: &str, status: &str, category: &str, page: u32) -> String {
    let mut q: Vec<(&str, String)> = Vec::new();
    for (k, v) in [("mz", mz), ("status", status), ("category", category)] {
        if !v.is_empty() {
            q.push((k, v.to_string()));
        }
    }
    if page > 1 {
        q.push(("page", page.to_string()));
    }
    if q.is_empty() { "/reports".into() } else { format!("/reports?{}", serde_urlencoded::to_string(&q).unwrap_or_default()) }
}

/// `GET /reports`: the reports by local community, the latest first, with their states.
pub async fn list(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<ListQuery>) -> Response {
    let mz = opcina_core::publicinfo::key::key(&q.mz);
    let status = if ["open", "closed"].contains(&q.status.as_str()) { q.status.clone() } else { String::new() };
    let chosen = category(&q.category).map(|c| c.code.to_string()).unwrap_or_default();
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let filter = ReportFilter {
        states: ReportState::of_open311(&status).unwrap_or_default(),
        categories: if chosen.is_empty() { Vec::new() } else { vec![chosen.clone()] },
        local_community_key: (!q.mz.trim().is_empty()).then(|| mz.clone()),
        ..ReportFilter::default()
    };
    let (rows, places, config) = match (
        state.store.reports(&filter, PAGE + 1, (i64::from(page) - 1) * PAGE).await,
        state.store.report_places().await,
        state.store.docflow_config().await,
    ) {
        (Ok(r), Ok(p), Ok(c)) => (r, p, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return internal_error(&ui, &e),
    };
    let more = rows.len() as i64 > PAGE;
    let items = rows.iter().take(PAGE as usize).map(|r| view(&ui, r, &[], &config, false)).collect();
    let heading = places.iter().find(|p| p.key == mz && !q.mz.trim().is_empty()).map(|p| ui.recorded(&p.name)).unwrap_or_default();
    let places = places
        .iter()
        .map(|p| PlaceView {
            href: list_href(if p.key.is_empty() { "-" } else { &p.key }, &status, &chosen, 1),
            name: if p.name.is_empty() { ui.t("report-place-unnamed") } else { ui.recorded(&p.name) },
            open: ui.tn("reports-open-count", usize::try_from(p.open).unwrap_or(0)),
            closed: ui.tn("reports-closed-count", usize::try_from(p.closed).unwrap_or(0)),
            current: p.key == mz && !q.mz.trim().is_empty(),
        })
        .collect();
    let statuses = ["", "open", "closed"]
        .iter()
        .map(|s| Choice {
            value: (*s).into(),
            label: ui.t(&format!("report-status-{}", if s.is_empty() { "all" } else { s })),
            selected: status == *s,
        })
        .collect();
    let mut categories = vec![Choice { value: String::new(), label: ui.t("report-category-all"), selected: chosen.is_empty() }];
    categories.extend(CATEGORIES.iter().map(|c| Choice {
        value: c.code.into(),
        label: ui.t(&format!("report-category-{}", c.code)),
        selected: chosen == c.code,
    }));
    let next = if more { list_href(&q.mz, &status, &chosen, page + 1) } else { String::new() };
    let previous = if page > 1 { list_href(&q.mz, &status, &chosen, page - 1) } else { String::new() };
    render(&ListPage { ui: &ui, places, items, heading, statuses, categories, mz: q.mz.clone(), next, previous })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReporterForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reopen: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    ui: &'a Ui,
    r: ReportView,
    f: ReporterForm,
    errors: FieldErrors,
    updated: bool,
}

async fn report_page(state: &AppState, ui: &Ui, number: &str, f: ReporterForm, errors: FieldErrors, updated: bool) -> Response {
    let (found, config) = match (state.store.public_report(number).await, state.store.docflow_config().await) {
        (Ok(f), Ok(c)) => (f, c),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let Some(ReportFile { report, steps }) = found else {
        return error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("report-not-found"));
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let f = ReporterForm { code: String::new(), ..f };
    render_with(status, &ReportPage { ui, r: view(ui, &report, &steps, &config, false), f, errors, updated })
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    updated: Option<String>,
}

/// `GET /reports/{number}`: a report and its history, for everyone.
pub async fn report(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(number): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    report_page(&state, &ui, &number, ReporterForm::default(), FieldErrors::default(), q.updated.is_some()).await
}

/// `POST /reports/{number}/update`: the reporter's note, or their reopening of a closed
/// report, with the access code.
pub async fn reporter_update(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(number): Path<String>,
    client: Client,
    Form(f): Form<ReporterForm>,
) -> Response {
    if let Err(wait) = state.limits.messages.hit(&client.key()) {
        return super::rate_limited(&ui, wait);
    }
    let change =
        ReportChange { state: if f.reopen.is_some() { "open".into() } else { String::new() }, note: f.note.clone(), body: String::new() };
    match state.store.reporter_change(&number, &f.code, change).await {
        Ok(Ok(_)) => Redirect::to(&format!("/reports/{number}?updated=1")).into_response(),
        Ok(Err(refusal)) => report_page(&state, &ui, &number, f, FieldErrors::of(&ui, &refusal), false).await,
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Template)]
#[template(path = "report_desk.html")]
struct DeskPage<'a> {
    ui: &'a Ui,
    open: Vec<ReportView>,
    closed: Vec<ReportView>,
}

/// `GET /reports/desk`: the reports the user's unit handles (every unit's for the PR officer
/// and approvers): open ones, the oldest first, then the latest closed.
pub async fn desk(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let caller = match ui.require(&DESK) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (rows, config) = match (state.store.report_desk(&caller.actor).await, state.store.docflow_config().await) {
        (Ok(Ok(r)), Ok(c)) => (r, c),
        (Ok(Err(refusal)), _) => return error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(&ui, &refusal)),
        (Err(e), _) | (_, Err(e)) => return internal_error(&ui, &e),
    };
    let (closed, open): (Vec<ReportView>, Vec<ReportView>) = rows.iter().map(|r| view(&ui, r, &[], &config, true)).partition(|r| r.closed);
    render(&DeskPage { ui: &ui, open, closed })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    body: String,
}

#[derive(Template)]
#[template(path = "report_desk_item.html")]
struct DeskItemPage<'a> {
    ui: &'a Ui,
    r: ReportView,
    states: Vec<Choice>,
    f: ChangeForm,
    /// The other units it may be handed to, and the reason typed.
    units: Vec<Choice>,
    hand_over: HandOverForm,
    errors: FieldErrors,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HandOverForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    reason: String,
}

async fn desk_page(state: &AppState, ui: &Ui, id: i64, f: ChangeForm, hand_over: HandOverForm, errors: FieldErrors) -> Response {
    let caller = match ui.require(&DESK) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (file, config) = match (state.store.desk_report(&caller.actor, id).await, state.store.docflow_config().await) {
        (Ok(Ok(r)), Ok(c)) => (r, c),
        (Ok(Err(refusal)), _) => return super::refused_one(ui, &refusal, "publicinfo.report.not_found"),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let mut states = vec![Choice { value: String::new(), label: ui.t("report-state-keep"), selected: f.state.is_empty() }];
    states.extend(ReportState::ALL.iter().filter(|s| **s != file.report.state).map(|s| Choice {
        value: s.as_str().into(),
        label: ui.t(&format!("report-state-{}", s.as_str())),
        selected: f.state == s.as_str(),
    }));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let units = config
        .units
        .iter()
        .filter(|u| u.code != file.report.unit_code)
        .map(|u| Choice {
            value: u.code.clone(),
            label: format!("{} {}", u.code, ui.recorded(&u.name)),
            selected: hand_over.unit == u.code,
        })
        .collect();
    let r = view(ui, &file.report, &file.steps, &config, true);
    render_with(status, &DeskItemPage { ui, r, states, f, units, hand_over, errors })
}

/// `GET /reports/desk/{id}`: a report with its reporter's contact, and the form to change it.
pub async fn desk_item(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    desk_page(&state, &ui, id, ChangeForm::default(), HandOverForm::default(), FieldErrors::default()).await
}

/// `POST /reports/desk/{id}`: a change of state or a note, e-mailed to the reporter.
pub async fn change(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let caller = match ui.require(&DESK) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let letter = match letter(&state).await {
        Ok(l) => l,
        Err(e) => return internal_error(&ui, &e),
    };
    let change = ReportChange { state: f.state.clone(), note: f.note.clone(), body: f.body.clone() };
    match state.store.change_report(&caller.actor, id, change, letter).await {
        Ok(Ok(_)) => Redirect::to(&format!("/reports/desk/{id}")).into_response(),
        Ok(Err(refusal)) => desk_page(&state, &ui, id, f, HandOverForm::default(), FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /reports/desk/{id}/hand-over`: hands the report to another unit, saying why (shown
/// on its page, e-mailed to the reporter); back to the desk, where it is no longer the unit's.
pub async fn hand_over(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<HandOverForm>,
) -> Response {
    let caller = match ui.require(&DESK) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let letter = match letter(&state).await {
        Ok(l) => l,
        Err(e) => return internal_error(&ui, &e),
    };
    match state.store.hand_over_report(&caller.actor, id, &f.unit, &f.reason, letter).await {
        Ok(Ok(_)) => Redirect::to("/reports/desk").into_response(),
        Ok(Err(refusal)) if refusal.has_code("publicinfo.permission") || refusal.has_code("publicinfo.report.not_found") => {
            super::refused_one(&ui, &refusal, "publicinfo.report.not_found")
        }
        Ok(Err(refusal)) => desk_page(&state, &ui, id, ChangeForm::default(), f, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// Who keeps the routes and the Open311 clients.
const ADMINS: [Role; 1] = [Role::Admin];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    local_community: String,
    #[serde(default)]
    unit: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClientForm {
    #[serde(default)]
    name: String,
}

/// A route as the administrator's page shows it.
pub struct RouteView {
    pub category: String,
    pub local_community: String,
    pub unit: String,
}

/// An Open311 client as the administrator's page shows it.
pub struct ClientView {
    pub name: String,
    pub active: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "report_setup.html")]
struct SetupPage<'a> {
    ui: &'a Ui,
    routes: Vec<RouteView>,
    clients: Vec<ClientView>,
    categories: Vec<Choice>,
    units: Vec<Choice>,
    route: RouteForm,
    client: ClientForm,
    /// The key of the client just added, shown once.
    key: Option<(String, String)>,
    /// What was just done (a key withdrawn).
    notice: Option<String>,
    errors: FieldErrors,
}

async fn setup_page(
    state: &AppState,
    ui: &Ui,
    route: RouteForm,
    client: ClientForm,
    key: Option<(String, String)>,
    notice: Option<String>,
    errors: FieldErrors,
) -> Response {
    let caller = match ui.require(&ADMINS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (setup, config) = match (state.store.report_setup(&caller.actor).await, state.store.docflow_config().await) {
        (Ok(Ok(s)), Ok(c)) => (s, c),
        (Ok(Err(refusal)), _) => return error_page(ui, StatusCode::FORBIDDEN, "error-403-title", &refusal_text(ui, &refusal)),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let unit_name = |code: &str| config.unit(code).map_or_else(|| code.to_string(), |u| format!("{} {}", u.code, ui.recorded(&u.name)));
    let routes = setup
        .routes
        .iter()
        .map(|r| RouteView {
            category: ui.t(&format!("report-category-{}", r.category)),
            local_community: if r.local_community_key.is_empty() { ui.t("report-route-everywhere") } else { r.local_community_key.clone() },
            unit: unit_name(&r.unit_code),
        })
        .collect();
    let clients =
        setup.clients.iter().map(|c| ClientView { name: c.name.clone(), active: c.active, created: ui.locale.day(c.created_at) }).collect();
    let categories = CATEGORIES
        .iter()
        .map(|c| Choice { value: c.code.into(), label: ui.t(&format!("report-category-{}", c.code)), selected: route.category == c.code })
        .collect();
    let units =
        config.units.iter().map(|u| Choice { value: u.code.clone(), label: unit_name(&u.code), selected: route.unit == u.code }).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(status, &SetupPage { ui, routes, clients, categories, units, route, client, key, notice, errors })
}

/// `GET /admin/reports`: the routes of reports to the units and the Open311 clients, with
/// the forms to set a route and to add a client.
pub async fn setup(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    setup_page(&state, &ui, RouteForm::default(), ClientForm::default(), None, None, FieldErrors::default()).await
}

/// `POST /admin/reports/routes`: routes a category's reports (in one local community, or
/// everywhere no other route names) to a unit.
pub async fn set_route(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<RouteForm>) -> Response {
    let caller = match ui.require(&ADMINS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.route_reports(&caller.actor, &f.category, &f.local_community, &f.unit).await {
        Ok(Ok(_)) => Redirect::to("/admin/reports").into_response(),
        Ok(Err(refusal)) => setup_page(&state, &ui, f, ClientForm::default(), None, None, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /admin/reports/clients`: allows a client (a mobile application) to post reports
/// through Open311; its key is shown once, on the page that answers.
pub async fn add_client(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<ClientForm>) -> Response {
    let caller = match ui.require(&ADMINS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.add_open311_client(&caller.actor, &f.name).await {
        Ok(Ok((row, key))) => {
            setup_page(&state, &ui, RouteForm::default(), ClientForm::default(), Some((row.name, key)), None, FieldErrors::default()).await
        }
        Ok(Err(refusal)) => setup_page(&state, &ui, RouteForm::default(), f, None, None, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /admin/reports/clients/withdraw`: withdraws a client's key; its posts are refused
/// from then on.
pub async fn withdraw_client(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<ClientForm>) -> Response {
    let caller = match ui.require(&ADMINS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.store.withdraw_open311_client(&caller.actor, &f.name).await {
        Ok(Ok(row)) => {
            let notice = ui.ta("report-client-withdrawn-notice", "name", &row.name);
            setup_page(&state, &ui, RouteForm::default(), ClientForm::default(), None, Some(notice), FieldErrors::default()).await
        }
        Ok(Err(refusal)) => setup_page(&state, &ui, RouteForm::default(), f, None, None, FieldErrors::of(&ui, &refusal)).await,
        Err(e) => internal_error(&ui, &e),
    }
}
