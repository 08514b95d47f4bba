//! Services and online orders. The portal lists what a citizen can get and for how much,
//! takes an order for an extract (delivered by post or picked up at a chosen office) and
//! shows its progress to whoever holds the tracking code; the counter lists its office's
//! orders, issues the document through the same path as at the counter, and records how it
//! was handed over.

use crate::ui::FieldErrors;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::Refusal;
use opcina_core::extract::form::RequestFields;
use opcina_core::extract::{ExtractKind, Language, Relation};
use opcina_core::names::Script;
use opcina_store::extracts::{IssuePlace, Outcome};
use opcina_store::orders::{Order, OrderSpec, next_statuses};
use opcina_store::rows::OfficeRow;
use serde::Deserialize;

use super::forms::Choice;
use super::{Ui, error_page, internal_error, render, render_with};
use crate::AppState;
use crate::auth::READERS;
use crate::limits::Client;

/// A service of the catalogue.
pub struct Service {
    pub kind: &'static str,
    pub title: String,
    pub what: String,
    pub fee: String,
}

#[derive(Template)]
#[template(path = "services.html")]
struct Services<'a> {
    ui: &'a Ui,
    services: Vec<Service>,
    offices: Vec<OfficeRow>,
}

/// `GET /services`: what a citizen can get here, for how much, how to ask.
pub async fn services(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let (rules, offices) = match (state.store.fee_rules().await, state.store.offices().await) {
        (Ok(r), Ok(o)) => (r, o),
        (Err(e), _) | (_, Err(e)) => return internal_error(&ui, &e),
    };
    let services = ExtractKind::ALL
        .iter()
        .map(|k| Service {
            kind: k.as_str(),
            title: ui.t(&format!("kind-{}", k.as_str())),
            what: ui.t(&format!("service-{}", k.as_str())),
            fee: ui.locale.money(opcina_store::extracts::resolve_fee(&rules, *k, "").amount),
        })
        .collect();
    render(&Services { ui: &ui, services, offices })
}

/// The order form's fields as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderFields {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject_name: String,
    #[serde(default)]
    subject_jmbg: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    script: String,
    #[serde(default)]
    requester_name: String,
    #[serde(default)]
    requester_jmbg: String,
    #[serde(default)]
    requester_document: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    delivery: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact: String,
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage<'a> {
    ui: &'a Ui,
    f: OrderFields,
    kinds: Vec<Choice>,
    languages: Vec<Choice>,
    scripts: Vec<Choice>,
    relations: Vec<Choice>,
    offices: Vec<Choice>,
    post: bool,
    errors: FieldErrors,
}

fn choices(items: Vec<(String, String)>, selected: &str, blank: Option<String>) -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::new();
    if let Some(label) = blank {
        out.push(Choice { value: String::new(), label, selected: selected.is_empty() });
    }
    out.extend(items.into_iter().map(|(value, label)| Choice { selected: value == selected, value, label }));
    out
}

async fn order_page<'a>(state: &AppState, ui: &'a Ui, f: OrderFields, errors: BTreeMap<String, String>) -> Result<OrderPage<'a>, Response> {
    let offices = state.store.offices().await.map_err(|e| internal_error(ui, &e))?;
    let language = if f.language.is_empty() { ui.locale.register_language().as_str().to_string() } else { f.language.clone() };
    let script = if f.script.is_empty() { ui.locale.script().as_str().to_string() } else { f.script.clone() };
    let choose = Some(ui.t("form-choose"));
    let office_choices =
        choices(offices.iter().map(|o| (o.code.clone(), format!("{} ({})", o.name, o.settlement))).collect(), &f.office, choose.clone());
    Ok(OrderPage {
        ui,
        kinds: choices(
            ExtractKind::ALL.iter().map(|k| (k.as_str().into(), ui.t(&format!("kind-{}", k.as_str())))).collect(),
            &f.kind,
            choose.clone(),
        ),
        languages: choices(
            [Language::Bs, Language::Hr, Language::Sr]
                .iter()
                .map(|l| (l.as_str().into(), ui.t(&format!("doc-language-{}", l.as_str()))))
                .collect(),
            &language,
            None,
        ),
        scripts: choices(
            [Script::Latin, Script::Cyrillic].iter().map(|s| (s.as_str().into(), ui.t(&format!("script-{}", s.as_str())))).collect(),
            &script,
            None,
        ),
        relations: choices(
            Relation::ALL.iter().map(|r| (r.as_str().into(), ui.t(&format!("relation-{}", r.as_str())))).collect(),
            &f.relation,
            choose,
        ),
        offices: office_choices,
        post: f.delivery != "pickup",
        f,
        errors: FieldErrors::from(errors),
    })
}

#[derive(Debug, Deserialize)]
pub struct OrderQuery {
    #[serde(default)]
    kind: String,
}

/// `GET /order[?kind=…]`
pub async fn order_form(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<OrderQuery>) -> Response {
    let f = OrderFields { kind: q.kind, delivery: "post".into(), ..OrderFields::default() };
    match order_page(&state, &ui, f, BTreeMap::new()).await {
        Ok(page) => render(&page),
        Err(page) => page,
    }
}

fn errors_by_field(ui: &Ui, refusal: &Refusal) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in &refusal.errors {
        let field = match e.field.as_deref() {
            Some("requester.name") => "requester_name",
            Some(f) if f.starts_with("requester.jmbg") => "requester_jmbg",
            Some("requester.evidence") => "evidence",
            Some(f) => f,
            None => "general",
        };
        out.entry(field.to_string()).or_insert_with(|| ui.error_text(e.code, &e.message));
    }
    out
}

/// `POST /order`
pub async fn place(State(state): State<AppState>, Extension(ui): Extension<Ui>, client: Client, Form(f): Form<OrderFields>) -> Response {
    // A few orders an hour from one client: enough for a family, not enough to flood the
    // office's queue (151 orders a second were taken from one client).
    if let Err(wait) = state.limits.orders.hit(&client.key()) {
        tracing::warn!(%client, "an order refused: over the limit");
        return super::rate_limited(&ui, wait);
    }
    let spec = OrderSpec {
        request: RequestFields {
            kind: f.kind.clone(),
            subject_jmbg: f.subject_jmbg.clone(),
            language: f.language.clone(),
            script: f.script.clone(),
            requester_name: f.requester_name.clone(),
            requester_jmbg: f.requester_jmbg.clone(),
            requester_document: f.requester_document.clone(),
            relation: f.relation.clone(),
            evidence: f.evidence.clone(),
            purpose: f.purpose.clone(),
        },
        subject_name: f.subject_name.clone(),
        delivery: f.delivery.clone(),
        office: f.office.clone(),
        address: f.address.clone(),
        contact: f.contact.clone(),
    };
    match state.store.place_order(&spec).await {
        Ok(Ok(row)) => {
            tracing::info!(order = row.id, office = %row.office_code, "an extract was ordered online");
            Redirect::to(&format!("/order/{}?new=1", row.code)).into_response()
        }
        Ok(Err(refusal)) => {
            let errors = errors_by_field(&ui, &refusal);
            match order_page(&state, &ui, f, errors).await {
                Ok(page) => render_with(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(page) => page,
            }
        }
        Err(error) => internal_error(&ui, &error),
    }
}

/// A step of an order as the citizen sees it.
pub struct Step {
    pub when: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "track.html")]
struct Track<'a> {
    ui: &'a Ui,
    code: String,
    fresh: bool,
    kind: String,
    delivery: String,
    status: String,
    steps: Vec<Step>,
    not_found: bool,
}

#[derive(Debug, Deserialize)]
pub struct TrackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    new: Option<String>,
}

fn status_label(ui: &Ui, status: &str) -> String {
    ui.t(&format!("order-status-{status}"))
}

async fn office_name(state: &AppState, code: &str) -> String {
    state.store.offices().await.ok().and_then(|o| o.into_iter().find(|o| o.code == code)).map_or_else(|| code.to_string(), |o| o.name)
}

/// `GET /order/track?code=…`: the form's answer.
pub async fn track_form(Extension(ui): Extension<Ui>, Query(q): Query<TrackQuery>) -> Response {
    let code = opcina_store::orders::normalise_code(&q.code);
    if code.is_empty() {
        return render(&Track {
            ui: &ui,
            code,
            fresh: false,
            kind: String::new(),
            delivery: String::new(),
            status: String::new(),
            steps: Vec::new(),
            not_found: false,
        });
    }
    Redirect::to(&format!("/order/{code}")).into_response()
}

/// `GET /order/{code}`: an order's progress, to whoever holds its code (no personal data).
pub async fn track(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(code): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Response {
    let order = match state.store.order_by_code(&code).await {
        Ok(o) => o,
        Err(error) => return internal_error(&ui, &error),
    };
    let Some(order) = order else {
        let page = Track {
            ui: &ui,
            code,
            fresh: false,
            kind: String::new(),
            delivery: String::new(),
            status: String::new(),
            steps: Vec::new(),
            not_found: true,
        };
        return render_with(StatusCode::NOT_FOUND, &page);
    };
    let office = office_name(&state, &order.row.office_code).await;
    let delivery =
        if order.row.delivery == "post" { ui.t("order-delivery-post") } else { ui.ta("order-delivery-pickup-at", "office", &office) };
    let page = Track {
        ui: &ui,
        code: order.row.code.clone(),
        fresh: q.new.is_some(),
        kind: ui.kind_label(&order.row.kind),
        delivery,
        status: status_label(&ui, order.status()),
        steps: order.events.iter().map(|e| Step { when: ui.locale.day(e.at), what: status_label(&ui, &e.status) }).collect(),
        not_found: false,
    };
    render(&page)
}

/// An order in the office's list.
pub struct OrderLine {
    pub href: String,
    pub code: String,
    pub received: String,
    pub kind: String,
    pub subject: String,
    pub requester: String,
    pub delivery: String,
    pub status: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersPage<'a> {
    ui: &'a Ui,
    open: Vec<OrderLine>,
    closed: Vec<OrderLine>,
}

fn line(ui: &Ui, o: &Order) -> OrderLine {
    OrderLine {
        href: format!("/counter/orders/{}", o.row.id),
        code: o.row.code.clone(),
        received: ui.locale.day(o.row.created_at),
        kind: ui.kind_label(&o.row.kind),
        subject: o.row.subject_name.clone(),
        requester: o.row.requester_name.clone(),
        delivery: ui.t(&format!("order-delivery-{}", o.row.delivery)),
        status: status_label(ui, o.status()),
        open: o.is_open(),
    }
}

/// `GET /counter/orders`: the office's orders, open ones first.
pub async fn list(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let office = caller.actor.office.clone().unwrap_or_default();
    let orders = match state.store.orders_of_office(&caller.actor, &office, 300).await {
        Ok(o) => o,
        Err(error) => return internal_error(&ui, &error),
    };
    let (open, closed): (Vec<&Order>, Vec<&Order>) = orders.iter().partition(|o| o.is_open());
    render(&OrdersPage {
        ui: &ui,
        open: open.iter().rev().map(|o| line(&ui, o)).collect(),
        closed: closed.iter().take(50).map(|o| line(&ui, o)).collect(),
    })
}

#[derive(Template)]
#[template(path = "order_detail.html")]
struct Detail<'a> {
    ui: &'a Ui,
    id: i64,
    code: String,
    facts: Vec<(String, String)>,
    steps: Vec<Step>,
    can_issue: bool,
    next: Vec<Choice>,
    document: Option<(String, String)>,
    error: Option<String>,
}

/// An order of the caller's office (another office's orders are not shown: they hold
/// personal data that office handles).
async fn own_order(state: &AppState, ui: &Ui, id: i64) -> Result<Order, Response> {
    let caller = ui.require(&READERS)?;
    match state.store.order(&caller.actor, id).await {
        Ok(Ok(o)) => Ok(o),
        Ok(Err(r)) if r.errors.iter().any(|e| e.code == "order.other_office") => {
            Err(error_page(ui, StatusCode::FORBIDDEN, "error-403-title", &ui.t("err-order-other-office")))
        }
        Ok(Err(_)) => Err(error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("order-not-found"))),
        Err(e) => Err(internal_error(ui, &e)),
    }
}

async fn detail_page(state: &AppState, ui: &Ui, id: i64, error: Option<String>) -> Response {
    let order = match own_order(state, ui, id).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let r = &order.row;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let relation = ui.relation_label(&r.relation);
    let facts = vec![
        (ui.t("verify-kind"), ui.kind_label(&r.kind)),
        (ui.t("order-subject"), format!("{}, {}", r.subject_name, r.subject_jmbg)),
        (ui.t("issue-language"), format!("{}, {}", ui.t(&format!("doc-language-{}", r.language)), ui.t(&format!("script-{}", r.script)))),
        (ui.t("issue-requester-name"), r.requester_name.clone()),
        (ui.t("issue-requester-jmbg"), opt(&r.requester_jmbg)),
        (ui.t("issue-requester-document"), opt(&r.requester_document)),
        (ui.t("issue-relation"), relation),
        (ui.t("issue-evidence"), opt(&r.evidence)),
        (ui.t("issue-purpose"), r.purpose.clone()),
        (ui.t("order-delivery"), ui.t(&format!("order-delivery-{}", r.delivery))),
        (ui.t("order-address"), opt(&r.address)),
        (ui.t("order-contact"), opt(&r.contact)),
    ];
    let status = order.status().to_string();
    let document = order.extract_number().map(|n| {
        let refused = order.events.iter().any(|e| e.status == "refused");
        (n.to_string(), format!("/counter/{}/{n}", if refused { "refusals" } else { "extracts" }))
    });
    let next = next_statuses(&status, &r.delivery)
        .iter()
        .filter(|s| !matches!(**s, "issued" | "refused"))
        .map(|s| Choice { value: (*s).to_string(), label: ui.t(&format!("order-step-{s}")), selected: false })
        .collect();
    let page = Detail {
        ui,
        id,
        code: r.code.clone(),
        facts: facts.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
        steps: order
            .events
            .iter()
            .map(|e| Step { when: format!("{}, {}", ui.locale.day(e.at), e.by_user), what: status_label(ui, &e.status) })
            .collect(),
        can_issue: status == "received",
        next,
        document,
        error,
    };
    render(&page)
}

/// `GET /counter/orders/{id}`
pub async fn detail(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    if let Err(page) = ui.require(&READERS) {
        return page;
    }
    detail_page(&state, &ui, id, None).await
}

/// `POST /counter/orders/{id}/issue`: issues the ordered document (or decides the refusal)
/// and records it on the order.
pub async fn issue(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(sealer) = state.sealer.as_ref() else {
        return error_page(&ui, StatusCode::SERVICE_UNAVAILABLE, "error-500-title", &ui.t("issue-no-key"));
    };
    let order = match own_order(&state, &ui, id).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    if order.status() != "received" {
        return detail_page(&state, &ui, id, Some(ui.t("err-order-step-not-allowed"))).await;
    }
    let request = match order.request() {
        Ok(r) => r,
        Err(refusal) => return detail_page(&state, &ui, id, refusal.errors.first().map(|e| ui.error_text(e.code, &e.message))).await,
    };
    let place = IssuePlace { verify_base: state.public_url.clone() };
    let (status, number, to) = match state.store.request_extract(&caller.actor, request, sealer, &place).await {
        Ok(Ok(Outcome::Issued(i))) => {
            let n = i.content.issue.number.id();
            ("issued", n.clone(), format!("/counter/extracts/{n}"))
        }
        Ok(Ok(Outcome::Refused(f))) => {
            let n = f.number.id();
            ("refused", n.clone(), format!("/counter/refusals/{n}"))
        }
        Ok(Err(refusal)) => return detail_page(&state, &ui, id, refusal.errors.first().map(|e| ui.error_text(e.code, &e.message))).await,
        Err(e) => return internal_error(&ui, &e),
    };
    match state.store.record_order_step(&caller.actor, id, status, Some(number), None).await {
        Ok(Ok(_)) => Redirect::to(&to).into_response(),
        Ok(Err(refusal)) => detail_page(&state, &ui, id, refusal.errors.first().map(|e| ui.error_text(e.code, &e.message))).await,
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /counter/orders/{id}/step`: sent by post, ready for pickup, collected, cancelled.
pub async fn step(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(id): Path<i64>, Form(f): Form<StepForm>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let note = Some(f.note.trim().to_string()).filter(|n| !n.is_empty());
    match state.store.record_order_step(&caller.actor, id, f.status.trim(), None, note).await {
        Ok(Ok(_)) => Redirect::to(&format!("/counter/orders/{id}")).into_response(),
        Ok(Err(refusal)) => detail_page(&state, &ui, id, refusal.errors.first().map(|e| ui.error_text(e.code, &e.message))).await,
        Err(e) => internal_error(&ui, &e),
    }
}
