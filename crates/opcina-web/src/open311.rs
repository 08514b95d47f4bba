//! The Open311 GeoReport v2 server for reports of communal problems
//! (<https://wiki.open311.org/GeoReport_v2>): discovery, the service list and each
//! service's definition, requests (GET with `service_request_id`, `service_code`,
//! `start_date`, `end_date`, `status`, and `page`/`page_size` for paging; POST with an API
//! key), one request, and a submission's token — every one in XML (which the specification
//! requires) and JSON, by the extension of the address (`requests.xml`, `requests.json`).
//!
//! Each answer is one use case of the store, the same ones the website's report pages call.
//! Errors follow the specification's form (`<errors><error><code>` with the HTTP status and
//! a description) and name the field, the reason and the node's stable error code.
//! `jurisdiction_id` is accepted and ignored: a node serves one municipality.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use opcina_core::codes::Problem;
use opcina_core::publicinfo::report::{CATEGORIES, Category, Point, ReportFields, ReportState, category};
use opcina_core::registry::{Actor, Timestamp};
use opcina_core::{FieldError, Refusal};
use opcina_store::publicinfo_reports::Channel;
use opcina_store::publicinfo_rows::ReportRow;
use opcina_store::sql::publicinfo::ReportFilter;

use crate::AppState;
use crate::i18n::Locale;

/// The largest body a client may post.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The widest range of dates one list covers (the specification's 90 days).
const MAX_RANGE_DAYS: i64 = 90;
/// Requests in a page unless `page_size` says otherwise; the most one page holds.
const PAGE_SIZE: i64 = 100;
const MAX_PAGE_SIZE: i64 = 1_000;

/// An answer in either format: a tree the two writers share.
#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Number(String),
    Bool(bool),
    Null,
    /// A list, each item an element of this name in XML.
    List(&'static str, Vec<Node>),
    Object(Vec<(&'static str, Node)>),
}

fn text(s: impl Into<String>) -> Node {
    Node::Text(s.into())
}

fn opt(s: Option<String>) -> Node {
    s.map_or(Node::Null, Node::Text)
}

impl Node {
    fn json(&self, out: &mut String) {
        match self {
            Node::Text(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
            Node::Number(n) => out.push_str(n),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Null => out.push_str("null"),
            Node::List(_, items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.json(out);
                }
                out.push(']');
            }
            Node::Object(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&format!("\"{name}\":"));
                    value.json(out);
                }
                out.push('}');
            }
        }
    }

    fn xml(&self, name: &str, out: &mut String) {
        match self {
            Node::Null => out.push_str(&format!("<{name}/>")),
            Node::Text(s) => out.push_str(&format!("<{name}>{}</{name}>", crate::ui::website::xml_escape(s))),
            Node::Number(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
            Node::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
            Node::List(item, items) => {
                out.push_str(&format!("<{name}>"));
                for i in items {
                    i.xml(item, out);
                }
                out.push_str(&format!("</{name}>"));
            }
            Node::Object(fields) => {
                out.push_str(&format!("<{name}>"));
                for (field, value) in fields {
                    value.xml(field, out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }
}

/// `json` or `xml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// An answer: `root` names the XML document's element.
fn answer(status: StatusCode, format: Format, root: &str, node: &Node) -> Response {
    let mut body = String::new();
    let content_type = match format {
        Format::Json => {
            node.json(&mut body);
            "application/json; charset=utf-8"
        }
        Format::Xml => {
            body.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            node.xml(root, &mut body);
            "text/xml; charset=utf-8"
        }
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// An error answer: one `error` per problem, the HTTP status as its code.
fn errors(status: StatusCode, format: Format, problems: &[FieldError]) -> Response {
    let items = problems
        .iter()
        .map(|e| {
            let field = e.field.as_deref().map(|f| format!("{f}: ")).unwrap_or_default();
            Node::Object(vec![
                ("code", Node::Number(status.as_u16().to_string())),
                ("description", text(format!("{field}{} ({})", e.message, e.code))),
            ])
        })
        .collect();
    answer(status, format, "errors", &Node::List("error", items))
}

/// A refused report: each problem named by the field as the client sent it (`service_code`,
/// `long`, `address_string`), not as the report's use case calls it.
fn refused(format: Format, refusal: &Refusal) -> Response {
    let problem = refusal.errors.first().and_then(|e| opcina_core::codes::problem(e.code)).unwrap_or(Problem::Invalid);
    let status = match problem {
        Problem::Forbidden | Problem::Unauthenticated => StatusCode::FORBIDDEN,
        Problem::NotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    let named: Vec<FieldError> = refusal
        .errors
        .iter()
        .map(|e| {
            let field = e.field.as_deref().map(|f| match f {
                "category" => "service_code",
                "lon" => "long",
                "address" => "address_string",
                "name" => "first_name",
                other => other,
            });
            FieldError { field: field.map(str::to_string), ..e.clone() }
        })
        .collect();
    errors(status, format, &named)
}

/// The store failed: the status and code the JSON API would answer (a full disk is a 507),
/// the cause in the operator's log.
fn failed(format: Format, e: opcina_store::StoreError) -> Response {
    let api = crate::ApiError::from(e);
    let item = Node::Object(vec![
        ("code", Node::Number(api.status.as_u16().to_string())),
        ("description", text(format!("{} ({})", api.message, api.code))),
    ]);
    answer(api.status, format, "errors", &Node::List("error", vec![item]))
}

fn bad(format: Format, field: &str, why: impl Into<String>) -> Response {
    errors(StatusCode::BAD_REQUEST, format, &[FieldError::new("open311.param.invalid", field, why.into())])
}

/// `requests.xml` → (`requests`, XML); `None` for another extension.
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

/// An address without `.xml` or `.json`, answered in JSON.
fn unknown_format() -> Response {
    errors(StatusCode::NOT_FOUND, Format::Json, &[FieldError::new("open311.format.unknown", "format", "use .xml or .json")])
}

/// The language of names and descriptions: the `locale` parameter (an extension), else
/// Bosnian.
fn locale(params: &[(String, String)]) -> Locale {
    param(params, "locale").and_then(Locale::parse).unwrap_or(Locale::Bs)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// ISO 8601 with the node's offset: `2026-12-07T15:04:05+01:00`.
fn moment(micros: i64) -> String {
    Timestamp(micros).to_datetime().with_timezone(&chrono::Local).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn service(locale: Locale, c: &Category) -> Node {
    Node::Object(vec![
        ("service_code", text(c.code)),
        ("service_name", text(locale.t(&format!("report-category-{}", c.code)))),
        ("description", text(locale.t(&format!("report-category-{}-hint", c.code)))),
        ("metadata", Node::Bool(!c.attributes.is_empty())),
        ("type", text("realtime")),
        ("keywords", text(c.group)),
        ("group", text(locale.t(&format!("report-group-{}", c.group)))),
    ])
}

/// A report as Open311 shows it (never its reporter).
fn request(state: &AppState, locale: Locale, r: &ReportRow, notes: Option<String>, units: &opcina_store::rows::DocflowConfig) -> Node {
    let agency = match &r.responsible_body {
        Some(body) => body.clone(),
        None => units.unit(&r.unit_code).map_or_else(|| r.unit_code.clone(), |u| u.name.clone()),
    };
    let address = [r.address.as_str(), r.local_community.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(", ");
    Node::Object(vec![
        ("service_request_id", text(&r.number)),
        ("status", text(if r.state.is_closed() { "closed" } else { "open" })),
        ("status_notes", opt(notes)),
        (
            "service_name",
            text(category(&r.category).map_or_else(|| r.category.clone(), |c| locale.t(&format!("report-category-{}", c.code)))),
        ),
        ("service_code", text(&r.category)),
        ("description", text(&r.description)),
        ("agency_responsible", text(agency)),
        ("service_notice", text(locale.t(&format!("report-state-{}", r.state.as_str())))),
        ("requested_datetime", text(moment(r.received_at))),
        ("updated_datetime", text(moment(r.changed_at))),
        ("expected_datetime", Node::Null),
        ("address", text(address)),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        ("lat", r.lat_e6.map_or(Node::Null, |v| Node::Number(Point::degrees(v)))),
        ("long", r.lon_e6.map_or(Node::Null, |v| Node::Number(Point::degrees(v)))),
        ("media_url", Node::Null),
        ("url", text(format!("{}/reports/{}", state.public_url, r.number))),
    ])
}

/// `GET /open311/v2/{discovery|services|requests}.{xml|json}`.
pub async fn get_file(State(state): State<AppState>, Path(file): Path<String>, Query(params): Query<Vec<(String, String)>>) -> Response {
    let Some((name, format)) = split(&file) else {
        return unknown_format();
    };
    let locale = locale(&params);
    match name {
        "discovery" => {
            let endpoint = Node::Object(vec![
                ("specification", text("http://wiki.open311.org/GeoReport_v2")),
                ("url", text(format!("{}/open311/v2", state.public_url))),
                ("changeset", text("2026-12-07T00:00:00Z")),
                ("type", text("production")),
                ("formats", Node::List("format", vec![text("text/xml"), text("application/json")])),
            ]);
            let node = Node::Object(vec![
                ("changeset", text("2026-12-07T00:00:00Z")),
                ("contact", text(format!("{}/messages/new", state.public_url))),
                ("key_service", text(locale.t("open311-key-service"))),
                ("endpoints", Node::List("endpoint", vec![endpoint])),
            ]);
            answer(StatusCode::OK, format, "discovery", &node)
        }
        "services" => {
            let items = CATEGORIES.iter().map(|c| service(locale, c)).collect();
            answer(StatusCode::OK, format, "services", &Node::List("service", items))
        }
        "requests" => requests(&state, format, locale, &params).await,
        _ => errors(
            StatusCode::NOT_FOUND,
            format,
            &[FieldError::new("open311.service.not_found", "path", format!("there is no {name} here"))],
        ),
    }
}

/// A moment as a client writes it: RFC 3339 (`2026-12-01T00:00:00Z`, `…+01:00`) or a day
/// (its midnight, UTC).
fn parse_moment(s: &str) -> Option<i64> {
    let at = DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc()))?;
    Some(at.timestamp_micros())
}

fn number(params: &[(String, String)], name: &str, default: i64, max: i64) -> Result<i64, String> {
    match param(params, name) {
        None => Ok(default),
        Some(v) => v.parse::<i64>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| format!("a whole number from 1 to {max}")),
    }
}

async fn requests(state: &AppState, format: Format, locale: Locale, params: &[(String, String)]) -> Response {
    let list = |name: &str| -> Vec<String> {
        param(params, name).map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()).unwrap_or_default()
    };
    let mut filter = ReportFilter { numbers: list("service_request_id"), ..ReportFilter::default() };
    if filter.numbers.len() > MAX_PAGE_SIZE as usize {
        return bad(format, "service_request_id", format!("at most {MAX_PAGE_SIZE} at once"));
    }
    if filter.numbers.is_empty() {
        filter.categories = list("service_code");
        if let Some(unknown) = filter.categories.iter().find(|c| category(c).is_none()) {
            return bad(format, "service_code", format!("there is no service {unknown:?}"));
        }
        for status in list("status") {
            match ReportState::of_open311(&status) {
                Some(states) => filter.states.extend(states),
                None => return bad(format, "status", "open or closed"),
            }
        }
        let mut dates = [None, None];
        for (i, name) in ["start_date", "end_date"].into_iter().enumerate() {
            if let Some(v) = param(params, name) {
                match parse_moment(v) {
                    Some(at) => dates[i] = Some(at),
                    None => return bad(format, name, "a date and time in ISO 8601, such as 2026-12-01T00:00:00Z"),
                }
            }
        }
        let span = Duration::days(MAX_RANGE_DAYS).num_microseconds().unwrap_or(i64::MAX);
        let (from, to) = match dates {
            [Some(f), Some(t)] => (f, t),
            [Some(f), None] => (f, f.saturating_add(span)),
            [None, Some(t)] => (t.saturating_sub(span), t),
            [None, None] => {
                let now = state.store.now().0;
                (now.saturating_sub(span), now)
            }
        };
        if to < from {
            return bad(format, "end_date", "after start_date");
        }
        if to - from > span {
            return bad(format, "end_date", format!("at most {MAX_RANGE_DAYS} days after start_date"));
        }
        filter.from = Some(from);
        filter.to = Some(to);
    }
    let (page_size, page) = match (number(params, "page_size", PAGE_SIZE, MAX_PAGE_SIZE), number(params, "page", 1, 1_000_000)) {
        (Ok(s), Ok(p)) => (s, p),
        (Err(why), _) => return bad(format, "page_size", why),
        (_, Err(why)) => return bad(format, "page", why),
    };
    let rows = match state.store.reports_with_notes(&filter, page_size, (page - 1) * page_size).await {
        Ok(r) => r,
        Err(e) => return failed(format, e),
    };
    let config = match state.store.docflow_config().await {
        Ok(c) => c,
        Err(e) => return failed(format, e),
    };
    let items = rows.into_iter().map(|(r, notes)| request(state, locale, &r, notes, &config)).collect();
    answer(StatusCode::OK, format, "service_requests", &Node::List("request", items))
}

/// `GET /open311/v2/services/{code}.{xml|json}`: a service's definition (its attributes).
pub async fn definition(Path(file): Path<String>, Query(params): Query<Vec<(String, String)>>) -> Response {
    let Some((code, format)) = split(&file) else {
        return unknown_format();
    };
    let locale = locale(&params);
    let Some(c) = category(code) else {
        return errors(
            StatusCode::NOT_FOUND,
            format,
            &[FieldError::new("open311.service.not_found", "service_code", format!("there is no service {code:?}"))],
        );
    };
    let attributes = c
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let values = a
                .values
                .iter()
                .map(|v| Node::Object(vec![("key", text(*v)), ("name", text(locale.t(&format!("report-attribute-{}-{v}", a.code))))]))
                .collect();
            Node::Object(vec![
                ("variable", Node::Bool(true)),
                ("code", text(a.code)),
                ("datatype", text(if a.values.is_empty() { "string" } else { "singlevaluelist" })),
                ("required", Node::Bool(a.required)),
                ("datatype_description", text(locale.t(&format!("report-attribute-{}-hint", a.code)))),
                ("order", Node::Number((i + 1).to_string())),
                ("description", text(locale.t(&format!("report-attribute-{}", a.code)))),
                ("values", Node::List("value", values)),
            ])
        })
        .collect();
    let node = Node::Object(vec![("service_code", text(c.code)), ("attributes", Node::List("attribute", attributes))]);
    answer(StatusCode::OK, format, "service_definition", &node)
}

/// `GET /open311/v2/requests/{id}.{xml|json}`: one request, as a list of one.
pub async fn one(State(state): State<AppState>, Path(file): Path<String>, Query(params): Query<Vec<(String, String)>>) -> Response {
    let Some((number, format)) = split(&file) else {
        return unknown_format();
    };
    let locale = locale(&params);
    let (found, config) = match (state.store.public_report(number).await, state.store.docflow_config().await) {
        (Ok(f), Ok(c)) => (f, c),
        (Err(e), _) | (_, Err(e)) => return failed(format, e),
    };
    let Some(file) = found else {
        return errors(
            StatusCode::NOT_FOUND,
            format,
            &[FieldError::new("publicinfo.report.not_found", "service_request_id", format!("there is no request {number}"))],
        );
    };
    let last = file.steps.iter().rev().find(|s| !s.by_reporter && !s.note.is_empty()).map(|s| s.note.clone());
    let item = request(&state, locale, &file.report, last, &config);
    answer(StatusCode::OK, format, "service_requests", &Node::List("request", vec![item]))
}

/// `GET /open311/v2/tokens/{token}.{xml|json}`: the request a submission's token became.
pub async fn token(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((token, format)) = split(&file) else {
        return unknown_format();
    };
    match state.store.report_by_token(token).await {
        Ok(Some(r)) => {
            let item = Node::Object(vec![("service_request_id", text(&r.number)), ("token", text(token))]);
            answer(StatusCode::OK, format, "service_requests", &Node::List("request", vec![item]))
        }
        Ok(None) => {
            errors(StatusCode::NOT_FOUND, format, &[FieldError::new("publicinfo.report.not_found", "token", "no request has this token")])
        }
        Err(e) => failed(format, e),
    }
}

/// The report a client's POST describes (`attribute[code]=value` for the attributes).
fn fields(params: &[(String, String)]) -> ReportFields {
    let get = |name: &str| param(params, name).unwrap_or("").to_string();
    let name = [get("first_name"), get("last_name")].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(" ");
    let mut address = get("address_string");
    if address.is_empty() {
        address = get("address_id");
    }
    let attributes =
        params.iter().filter_map(|(k, v)| Some((k.strip_prefix("attribute[")?.strip_suffix(']')?.to_string(), v.clone()))).collect();
    ReportFields {
        category: get("service_code"),
        description: get("description"),
        local_community: get("local_community"),
        address,
        lat: get("lat"),
        lon: get("long"),
        name,
        email: get("email"),
        attributes,
    }
}

/// `POST /open311/v2/requests.{xml|json}`: a client's report, with its API key (in the
/// body or the query).
pub async fn post(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Response {
    let Some((name, format)) = split(&file) else {
        return unknown_format();
    };
    if name != "requests" {
        return errors(
            StatusCode::NOT_FOUND,
            format,
            &[FieldError::new("open311.service.not_found", "path", format!("nothing is posted to {name}"))],
        );
    }
    let Ok(mut params) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return bad(format, "body", "a form (application/x-www-form-urlencoded) in UTF-8");
    };
    params.extend(query);
    let Some(key) = param(&params, "api_key").map(str::to_string) else {
        return errors(StatusCode::FORBIDDEN, format, &[FieldError::new("open311.key.invalid", "api_key", "posting needs an API key")]);
    };
    let locale = locale(&params);
    let letter = match crate::ui::reports::letter(&state).await {
        Ok(l) => l,
        Err(e) => return failed(format, e),
    };
    let fields = fields(&params);
    match state.store.report_problem(&Actor::system("open311"), Channel::Open311 { key }, fields, locale.code(), Some(letter)).await {
        Ok(Ok((row, _code))) => {
            let item = Node::Object(vec![
                ("service_request_id", text(&row.number)),
                ("token", text(&row.token)),
                ("service_notice", text(locale.t("open311-received"))),
                ("account_id", Node::Null),
            ]);
            answer(StatusCode::OK, format, "service_requests", &Node::List("request", vec![item]))
        }
        Ok(Err(refusal)) => refused(format, &refusal),
        Err(e) => failed(format, e),
    }
}
