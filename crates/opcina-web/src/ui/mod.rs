//! The web application: the citizen portal (public) and the counter for staff (signed in).
//!
//! Server-rendered HTML (askama templates in `templates/`), no scripts needed. Every page
//! runs behind [`context`], which decides the language (`?lang=`, then the `lang` cookie,
//! then the browser's `Accept-Language`, then Bosnian), finds the signed-in user, and refuses
//! any form whose CSRF token does not match the visitor's cookie — so no form can forget it.

// A refused page is an `Err(Response)` that the handler returns as it is; boxing it would only
// add a step to every handler.
#![allow(clippy::result_large_err)]

pub mod account;
pub mod admin;
pub mod archive;
pub mod case_files;
pub mod cases;
pub mod counter;
pub mod desk;
pub mod elsewhere;
pub mod extracts;
pub mod forms;
pub mod information;
pub mod issue;
pub mod media;
pub mod messages;
pub mod newsroom;
pub mod notices;
pub mod orders;
pub mod portal;
pub mod register;
pub mod reports;
pub mod session;
pub mod status;
pub mod today;
pub mod verify;
pub mod website;

use askama::Template;
use axum::Extension;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use opcina_core::registry::{Actor, Role};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::i18n::{Arg, Locale};

pub const SESSION_COOKIE: &str = "opcina_session";
pub const CSRF_COOKIE: &str = "opcina_csrf";
pub const CITIZEN_COOKIE: &str = "opcina_citizen";
pub const LANG_COOKIE: &str = "lang";
/// The name of the hidden field every form carries.
pub const CSRF_FIELD: &str = "csrf";
/// Forms are small; anything larger is refused before it is read.
const MAX_FORM_BYTES: usize = 256 * 1024;
/// The largest upload form: the largest file a case takes, and room for the form's fields.
pub const MAX_UPLOAD_BYTES: usize = opcina_store::docflow::MAX_FILE_BYTES + 64 * 1024;

/// The pages, each behind [`context`].
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(portal::home))
        .route("/sign-in", get(session::sign_in_page).post(session::sign_in))
        .route("/sign-out", post(session::sign_out))
        .route("/me/password", get(session::password_form).post(session::change_password))
        .route("/counter", get(counter::search))
        .route("/counter/persons/{jmbg}", get(counter::person))
        .route("/counter/persons/{jmbg}/extracts", post(issue::issue))
        .route("/counter/today", get(today::today))
        .route("/counter/elsewhere", get(elsewhere::search))
        .route("/counter/notices", get(notices::list))
        .route("/counter/notices/{id}/handled", post(notices::handled))
        .route("/counter/elsewhere/{member}/{jmbg}", get(elsewhere::form).post(elsewhere::issue))
        .route("/counter/register", get(register::menu))
        .route("/counter/register/{kind}", get(register::form).post(register::submit))
        .route("/counter/entries/{id}/annotate", get(register::annotation_form).post(register::annotate))
        .route("/counter/extracts/{number}", get(extracts::issued))
        .route("/counter/extracts/{number}/pdf", get(extracts::issued_pdf))
        .route("/counter/refusals/{number}", get(extracts::refused))
        .route("/counter/refusals/{number}/pdf", get(extracts::refusal_pdf))
        .route("/account", get(account::account))
        .route("/account/register", get(account::register_form).post(account::register))
        .route("/account/confirm/{token}", get(account::confirm_form).post(account::confirm))
        .route("/account/sign-in", get(account::sign_in_form).post(account::sign_in))
        .route("/account/sign-out", post(account::sign_out))
        .route("/account/submit", get(account::submit_form).post(account::submit))
        .route("/counter/accounts", get(account::counter_find))
        .route("/counter/accounts/{id}/verify", post(account::counter_verify))
        .route("/admin/users", get(admin::users).post(admin::add))
        .route("/admin/reports", get(reports::setup))
        .route("/admin/reports/routes", post(reports::set_route))
        .route("/admin/reports/clients", post(reports::add_client))
        .route("/admin/reports/clients/withdraw", post(reports::withdraw_client))
        .route("/admin/users/{username}", get(admin::user).post(admin::change))
        .route("/admin/users/{username}/password", post(admin::password))
        .route("/news", get(website::news))
        .route("/search", get(website::search))
        .route("/news/{slug}", get(website::piece))
        .route("/news/{slug}/files/{file}", get(website::file))
        .route("/pages/{slug}", get(website::page))
        .route("/pages/{slug}/files/{file}", get(website::file))
        .route("/feed.atom", get(website::feed))
        .route("/sitemap.xml", get(website::sitemap))
        .route("/newsroom", get(newsroom::list).post(newsroom::create))
        .route("/newsroom/{id}", get(newsroom::piece).post(newsroom::save))
        .route("/newsroom/{id}/step", post(newsroom::step))
        .route("/newsroom/{id}/release", post(newsroom::release))
        .route("/newsroom/{id}/files", post(newsroom::put_file).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
        .route("/newsroom/{id}/files/{file}", get(newsroom::file))
        .route("/newsroom/{id}/files/{file}/remove", post(newsroom::remove_file))
        .route("/newsroom/media", get(media::list).post(media::add))
        .route("/newsroom/media/{id}", get(media::contact).post(media::change))
        .route("/messages", get(messages::published))
        .route("/messages/new", get(messages::new_form).post(messages::send))
        .route("/messages/track", get(messages::track))
        .route("/reports", get(reports::list))
        .route("/reports/new", get(reports::new_form).post(reports::send))
        .route("/reports/desk", get(reports::desk))
        .route("/reports/desk/{id}", get(reports::desk_item).post(reports::change))
        .route("/reports/desk/{id}/hand-over", post(reports::hand_over))
        .route("/reports/{number}", get(reports::report))
        .route("/reports/{number}/update", post(reports::reporter_update))
        .route("/information", get(information::form).post(information::request))
        .route("/information/requests", get(information::register))
        .route("/information/requests/{id}", get(information::request_item))
        .route("/information/requests/{id}/decide", post(information::decide))
        .route("/information/figures", get(information::figures))
        .route("/press/ask", get(desk::ask_form).post(desk::ask))
        .route("/desk", get(desk::desk))
        .route("/desk/new", get(desk::take_form).post(desk::take))
        .route("/desk/{id}", get(desk::question))
        .route("/desk/{id}/assign", post(desk::assign))
        .route("/desk/{id}/reply", post(desk::reply))
        .route("/press/accreditation", get(desk::accreditation_form).post(desk::request_accreditation))
        .route("/desk/accreditations", get(desk::accreditations))
        .route("/desk/accreditations/{id}", get(desk::accreditation).post(desk::decide_accreditation))
        .route("/responses", get(desk::figures))
        .route("/responses/terms", post(desk::set_terms))
        .route("/inbox", get(messages::inbox))
        .route("/inbox/{id}", get(messages::message))
        .route("/inbox/{id}/answer", post(messages::answer))
        .route("/press/unsubscribe/{token}", get(media::unsubscribe_form).post(media::unsubscribe))
        .route("/services", get(orders::services))
        .route("/order", get(orders::order_form).post(orders::place))
        .route("/order/track", get(orders::track_form))
        .route("/order/{code}", get(orders::track))
        .route("/counter/orders", get(orders::list))
        .route("/counter/orders/{id}", get(orders::detail))
        .route("/counter/orders/{id}/issue", post(orders::issue))
        .route("/counter/orders/{id}/step", post(orders::step))
        .route("/cases", get(cases::list))
        .route("/cases/find", get(cases::find))
        .route("/cases/new", get(cases::intake_form).post(cases::intake))
        .route("/cases/{id}", get(cases::file))
        .route("/cases/{id}/receipt", get(cases::receipt).post(cases::reissue))
        .route("/cases/{id}/receipt.pdf", get(cases::receipt_pdf))
        .route("/cases/{id}/step", post(cases::step))
        .route("/cases/{id}/records", post(cases::file_record))
        .route("/cases/{id}/files", post(archive::upload).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
        .route("/cases/{id}/files/{file}", get(archive::download))
        .route("/cases/{id}/export.zip", get(archive::export))
        .route("/cases/{id}/archive", post(archive::archive_case))
        .route("/cases/{id}/hold", post(archive::hold))
        .route("/archive", get(archive::book))
        .route("/archive/disposals", post(archive::propose))
        .route("/archive/disposals/{id}", get(archive::disposal))
        .route("/archive/disposals/{id}/answer", post(archive::answer))
        .route("/archive/disposals/{id}/destruction", post(archive::destroy))
        .route("/track", get(cases::track))
        .route("/verify", get(verify::form))
        .route("/verify/{number}", get(verify::verify))
        .route("/static/site.css", get(stylesheet))
        .route("/status", get(status::page))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state, context))
}

/// A signed-in member of staff.
#[derive(Debug, Clone)]
pub struct Staff {
    pub caller: Caller,
    pub office_name: Option<String>,
}

/// What every page knows about its request.
#[derive(Debug, Clone)]
pub struct Ui {
    pub locale: Locale,
    pub csrf: String,
    pub staff: Option<Staff>,
    /// A citizen signed in to the portal.
    pub citizen: Option<opcina_store::citizens::Citizen>,
    pub municipality: String,
    /// The path and query of this page without `lang`, for the language switch.
    path: String,
    query: Vec<(String, String)>,
}

/// Messages by form field (`general` for the form as a whole), for the templates.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub std::collections::BTreeMap<String, String>);

impl FieldErrors {
    /// The message for a field, if it has one.
    pub fn error(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FieldErrors {
    /// A refusal's messages in the visitor's language, by field (the first per field; one
    /// that names no field under `general`).
    pub fn of(ui: &Ui, refusal: &opcina_core::Refusal) -> FieldErrors {
        let mut out = std::collections::BTreeMap::new();
        for e in &refusal.errors {
            out.entry(e.field.clone().unwrap_or_else(|| "general".into())).or_insert_with(|| ui.error_text(e.code, &e.message));
        }
        FieldErrors(out)
    }
}

impl From<std::collections::BTreeMap<String, String>> for FieldErrors {
    fn from(map: std::collections::BTreeMap<String, String>) -> Self {
        FieldErrors(map)
    }
}

/// A link of the language switch.
#[derive(Debug, Clone)]
pub struct LangLink {
    pub href: String,
    pub tag: &'static str,
    pub name: &'static str,
    pub current: bool,
}

impl Ui {
    pub fn t(&self, id: &str) -> String {
        self.locale.t(id)
    }

    /// Text the node recorded itself (an office's name and address) in the page's script:
    /// Cyrillic on a Serbian Cyrillic page, as the documents write it.
    pub fn recorded(&self, text: &str) -> String {
        self.locale.script().write_recorded(text)
    }

    /// A message with one text value.
    pub fn ta(&self, id: &str, name: &str, value: &str) -> String {
        self.locale.t_args(id, &[(name, Arg::Text(value))])
    }

    /// A message with a count.
    pub fn tn(&self, id: &str, count: usize) -> String {
        self.locale.t_args(id, &[("count", Arg::Number(i64::try_from(count).unwrap_or(i64::MAX)))])
    }

    /// A refusal's message in the visitor's language: the translation of its stable code
    /// (`err-` and the code with `.` and `_` as `-`), or the domain's English text when the
    /// code has none yet.
    pub fn error_text(&self, code: &str, english: &str) -> String {
        let id = opcina_core::codes::message_key(code);
        if self.locale.has(&id) { self.t(&id) } else { english.to_string() }
    }

    /// A document kind's name (`birth` → "Izvod iz matične knjige rođenih"); an unknown code
    /// as stored.
    pub fn kind_label(&self, kind: &str) -> String {
        opcina_core::extract::ExtractKind::parse(kind).map_or_else(|| kind.to_string(), |k| self.t(&format!("kind-{}", k.as_str())))
    }

    /// A requester's relation in words; an unknown code as stored.
    pub fn relation_label(&self, relation: &str) -> String {
        opcina_core::extract::Relation::parse(relation)
            .map_or_else(|| relation.to_string(), |r| self.t(&format!("relation-{}", r.as_str())))
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    /// The language of the website's texts this page shows (`bs`, `hr`, `sr`, `en`: Serbian
    /// is written once, shown in either script).
    pub fn text_language(&self) -> &'static str {
        match self.locale {
            Locale::Bs => "bs",
            Locale::Hr => "hr",
            Locale::SrLatn | Locale::SrCyrl => "sr",
            Locale::En => "en",
        }
    }

    /// A text of the website in this page's script (a Serbian page writes it in its script;
    /// other pages as written).
    pub fn published(&self, text: &str) -> String {
        match self.locale {
            Locale::SrLatn | Locale::SrCyrl => self.recorded(text),
            _ => text.to_string(),
        }
    }

    /// Whether the signed-in user answers citizens' messages.
    pub fn answers_messages(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| matches!(s.caller.actor.role, Role::Official | Role::PressOfficer | Role::Approver))
    }

    /// Whether the signed-in user edits the website.
    pub fn is_editor(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| opcina_core::publicinfo::piece::EDITORS.contains(&s.caller.actor.role))
    }

    /// The same page in each language.
    pub fn lang_links(&self) -> Vec<LangLink> {
        Locale::ALL
            .iter()
            .map(|&l| {
                let mut pairs: Vec<(&str, &str)> = self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                pairs.push(("lang", l.code()));
                let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
                LangLink { href: format!("{}?{query}", self.path), tag: l.tag(), name: l.native_name(), current: l == self.locale }
            })
            .collect()
    }

    pub fn signed_in(&self) -> bool {
        self.staff.is_some()
    }

    /// Whether the signed-in user administers the node.
    pub fn is_admin(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| s.caller.actor.role == Role::Admin)
    }

    /// Whether the signed-in user registers entries.
    pub fn is_registrar(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| s.caller.actor.role == Role::Registrar)
    }

    /// Whether the signed-in user reads people's records (the counter's roles).
    pub fn is_reader(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| crate::auth::READERS.contains(&s.caller.actor.role))
    }

    /// Staff and auditors: they read the work lists, cases and the archive book.
    pub fn is_case_reader(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| crate::auth::REVIEWERS.contains(&s.caller.actor.role))
    }

    /// "Ana Anić (matičar, Kakanj)" for the header.
    pub fn staff_line(&self) -> String {
        let Some(s) = &self.staff else { return String::new() };
        let role = self.t(&format!("role-{}", s.caller.actor.role.as_str()));
        match &s.office_name {
            Some(office) => format!("{} ({role}, {office})", s.caller.full_name),
            None => format!("{} ({role})", s.caller.full_name),
        }
    }

    /// Whether the current page is `path` (for `aria-current` in the navigation).
    pub fn at(&self, path: &str) -> bool {
        if path == "/" { self.path == "/" } else { self.path.starts_with(path) }
    }

    /// The signed-in caller with one of `roles`, or the page to answer instead: the sign-in
    /// page for a visitor, a refusal for a user whose role does not allow it.
    pub fn require(&self, roles: &[Role]) -> Result<Caller, Response> {
        let Some(staff) = &self.staff else {
            let next = serde_urlencoded::to_string([("next", self.here().as_str())]).unwrap_or_default();
            return Err(Redirect::to(&format!("/sign-in?{next}")).into_response());
        };
        if !roles.contains(&staff.caller.actor.role) {
            let role = self.t(&format!("role-{}", staff.caller.actor.role.as_str()));
            return Err(error_page(self, StatusCode::FORBIDDEN, "error-403-title", &self.ta("error-403-role", "role", &role)));
        }
        Ok(staff.caller.clone())
    }

    /// This page's path and query (without `lang`).
    pub fn here(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, serde_urlencoded::to_string(&self.query).unwrap_or_default())
        }
    }
}

/// Renders a template as a page.
pub fn render(template: &impl Template) -> Response {
    render_with(StatusCode::OK, template)
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page could not be rendered");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ui: &'a Ui,
    title: String,
    message: &'a str,
}

/// A page that says what went wrong, in the visitor's language.
pub fn error_page(ui: &Ui, status: StatusCode, title_id: &str, message: &str) -> Response {
    render_with(status, &ErrorPage { ui, title: ui.t(title_id), message })
}

/// The page for a refused read of one thing (a message, a report, a contact): 404 when the
/// refusal's reason is `not_found` (its code), else 403.
pub(crate) fn refused_one(ui: &Ui, refusal: &opcina_core::Refusal, not_found: &str) -> Response {
    let (status, title) =
        if refusal.has_code(not_found) { (StatusCode::NOT_FOUND, "error-404-title") } else { (StatusCode::FORBIDDEN, "error-403-title") };
    error_page(ui, status, title, &refusal_text(ui, refusal))
}

/// A response that asks the client to come back after `wait` (`Retry-After`, seconds).
pub fn too_many(mut response: Response, wait: std::time::Duration) -> Response {
    if let Ok(v) = axum::http::HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    response
}

/// The page for a public write over its limit (`limits::Limits`): what happened and when to
/// come back; nothing was saved.
pub fn rate_limited(ui: &Ui, wait: std::time::Duration) -> Response {
    let minutes = wait.as_secs().div_ceil(60).max(1).to_string();
    too_many(error_page(ui, StatusCode::TOO_MANY_REQUESTS, "error-429-title", &ui.ta("error-429", "minutes", &minutes)), wait)
}

/// The answer to a failure of the store or the index: logged in full, shown briefly.
pub fn internal_error<E: std::fmt::Display + 'static>(ui: &Ui, error: &E) -> Response {
    let any: &dyn std::any::Any = error;
    let storage = any
        .downcast_ref::<opcina_store::StoreError>()
        .and_then(|e| e.storage_fault())
        .map(|f| f.code())
        .or_else(|| any.downcast_ref::<ApiError>().map(|e| e.code.as_str()).filter(|c| c.starts_with("storage.")));
    if let Some(code) = storage {
        // Not a bug of the node: the clerk is told that nothing was written and why; the
        // writer has logged the fault once for the operator.
        let status = opcina_core::codes::problem(code).map_or(StatusCode::SERVICE_UNAVAILABLE, crate::error::status_of);
        return error_page(ui, status, "error-500-title", &ui.error_text(code, &error.to_string()));
    }
    tracing::error!(%error, "a page failed");
    error_page(ui, StatusCode::INTERNAL_SERVER_ERROR, "error-500-title", &ui.t("error-500"))
}

/// Cookies of a request, by name.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // Without randomness no token is safe; an empty one matches no form.
        return String::new();
    }
    hex::encode(bytes)
}

/// The token a form carries: for a visitor without a session, the CSRF cookie itself; once
/// signed in, a digest of the cookie and the session's token — bound to that session, so a
/// token seen in one session (or before the sign-in) is worth nothing in another. Sign-ins
/// also give a new cookie.
pub fn form_token(cookie: &str, session: Option<&str>) -> String {
    match session {
        None => cookie.to_string(),
        Some(session) => hex::encode(opcina_store::admin::token_hash(&format!("opcina-csrf\0{cookie}\0{session}"))),
    }
}

/// A new CSRF cookie, given at every sign-in (the token of the form before it is not reused).
pub(crate) fn fresh_csrf_cookie(secure: bool) -> HeaderValue {
    set_cookie(CSRF_COOKIE, &random_token(), None, "Lax", true, secure)
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A `Set-Cookie` value; `secure` when the node is served over HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, same_site: &str, http_only: bool, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; SameSite={same_site}");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Does the request come from a page of this node? (`Origin` when the browser sends it.)
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

/// Language, signed-in user and CSRF check for every page (see the module's description).
/// The text of one field of a multipart form (the CSRF token of an upload form).
async fn multipart_text(content_type: &str, body: axum::body::Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let query: Vec<(String, String)> = parts.uri.query().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default();
    let asked = query.iter().find(|(k, _)| k == "lang").and_then(|(_, v)| Locale::parse(v));
    let remembered = cookie(&parts.headers, LANG_COOKIE).and_then(Locale::parse);
    let browser = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Locale::from_accept_language);
    let locale = asked.or(remembered).or(browser).unwrap_or(Locale::Bs);
    let existing_csrf = cookie(&parts.headers, CSRF_COOKIE).filter(|t| is_token(t)).map(str::to_string);
    let csrf = existing_csrf.clone().unwrap_or_else(random_token);
    let session = cookie(&parts.headers, SESSION_COOKIE).filter(|t| is_token(t)).map(str::to_string);
    let citizen_session = cookie(&parts.headers, CITIZEN_COOKIE).filter(|t| is_token(t)).map(str::to_string);
    let secure = state.secure_cookies();

    let mut ui = Ui {
        locale,
        csrf: csrf.clone(),
        staff: None,
        citizen: None,
        municipality: String::new(),
        path: parts.uri.path().to_string(),
        query: query.into_iter().filter(|(k, _)| k != "lang").collect(),
    };
    let loaded = async {
        let node = state.store.node_if_set_up().await?;
        ui.municipality = node.map(|n| locale.script().write_recorded(&n.municipality)).unwrap_or_default();
        if let Some(token) = &session {
            if let Some(user) = state.store.session_user(token).await? {
                let office_name = match &user.office_code {
                    Some(code) => {
                        state.store.offices().await?.into_iter().find(|o| &o.code == code).map(|o| locale.script().write_recorded(&o.name))
                    }
                    None => None,
                };
                let actor = Actor { username: user.username.clone(), role: user.role, office: user.office_code.clone() };
                ui.staff = Some(Staff { caller: Caller { actor, full_name: user.full_name }, office_name });
            }
        }
        if let Some(token) = &citizen_session {
            ui.citizen = state.store.citizen_session(token).await?;
        }
        Ok::<_, opcina_store::StoreError>(())
    }
    .await;
    if let Err(error) = loaded {
        return internal_error(&ui, &error);
    }
    let bound_to = if ui.staff.is_some() {
        session.as_deref()
    } else if ui.citizen.is_some() {
        citizen_session.as_deref()
    } else {
        None
    };
    ui.csrf = form_token(&csrf, bound_to);

    let body = if parts.method == Method::POST {
        // A file sent from a form (a scan at the counter) comes as multipart, up to the
        // largest file a case takes; every other form is url-encoded and small.
        let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let multipart = content_type.to_ascii_lowercase().starts_with("multipart/form-data");
        // Only staff uploading to a case or a piece may send that much; any other form stays small, so
        // nobody can make the node hold large bodies before their token is checked.
        let path = parts.uri.path();
        let upload =
            multipart && ui.staff.is_some() && (path.starts_with("/cases/") || path.starts_with("/newsroom/")) && path.ends_with("/files");
        let limit = if upload { MAX_UPLOAD_BYTES } else { MAX_FORM_BYTES };
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => return error_page(&ui, StatusCode::PAYLOAD_TOO_LARGE, "error-form-title", &ui.t("error-form-too-large")),
        };
        let sent = if multipart {
            multipart_text(&content_type, bytes.clone(), CSRF_FIELD).await.unwrap_or_default()
        } else {
            let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            fields.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v).unwrap_or_default()
        };
        let valid = existing_csrf.as_deref().is_some_and(|c| bool::from(form_token(c, bound_to).as_bytes().ct_eq(sent.as_bytes())));
        if !valid || !same_origin(&parts.headers) {
            tracing::warn!(path = %parts.uri.path(), "a form without a valid CSRF token was refused");
            let mut response = error_page(&ui, StatusCode::FORBIDDEN, "error-403-title", &ui.t("error-csrf"));
            if existing_csrf.is_none() {
                response.headers_mut().append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &csrf, None, "Lax", true, secure));
            }
            return response;
        }
        Body::from(bytes)
    } else {
        body
    };

    let signed_in = ui.staff.is_some();
    let private = signed_in || ui.citizen.is_some();
    let stale_session = session.is_some() && !signed_in;
    parts.extensions.insert(ui);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let headers = response.headers_mut();
    if existing_csrf.is_none() {
        headers.append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &csrf, None, "Lax", true, secure));
    }
    if let Some(l) = asked.filter(|l| Some(*l) != remembered) {
        headers.append(header::SET_COOKIE, set_cookie(LANG_COOKIE, l.code(), Some(365 * 24 * 3600), "Lax", false, secure));
    }
    let handler_set_session = headers.get_all(header::SET_COOKIE).iter().any(|v| v.to_str().is_ok_and(|c| c.starts_with(SESSION_COOKIE)));
    if stale_session && !handler_set_session {
        headers.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), "Lax", true, secure));
    }
    if private {
        // Pages with personal data are not kept by the browser or a proxy.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// An unknown address: a page in the visitor's language, or the JSON error under `/api/`.
async fn not_found(Extension(ui): Extension<Ui>, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        return ApiError::unknown_address().into_response();
    }
    error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("error-404"))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/site.css"),
    )
}

/// An API answer as a page: refusals of access, missing things and destroyed files say so;
/// anything else is the node's failure.
pub(crate) fn api_page(ui: &Ui, e: &ApiError) -> Response {
    let text = ui.error_text(&e.code, &e.message);
    match e.status {
        StatusCode::FORBIDDEN => error_page(ui, e.status, "error-403-title", &text),
        StatusCode::NOT_FOUND | StatusCode::GONE => error_page(ui, e.status, "error-404-title", &text),
        _ => internal_error(ui, e),
    }
}

/// Every message of a refusal, in the visitor's language.
pub(crate) fn refusal_text(ui: &Ui, refusal: &opcina_core::Refusal) -> String {
    refusal.errors.iter().map(|e| ui.error_text(e.code, &e.message)).collect::<Vec<_>>().join(" ")
}

/// A day as `YYYY-MM-DD`, as the store keeps it.
pub(crate) fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A stored day (`YYYY-MM-DD`) in the visitor's way of writing dates.
pub(crate) fn date_label(ui: &Ui, s: &str) -> String {
    parse_day(s).map_or_else(|| s.to_string(), |d| ui.locale.date(d))
}

#[cfg(test)]
mod fuzz {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    /// A multipart body as a browser, a broken client or an attacker might send it: parts with
    /// names and text, cut short, with a wrong or repeated boundary, or any bytes at all.
    fn body() -> impl Strategy<Value = (String, Vec<u8>)> {
        let boundary = "[A-Za-z0-9'()+_,./:=?-]{1,40}";
        let part = ("[a-z_]{0,10}", "[ -~]{0,40}", any::<bool>());
        (boundary, proptest::collection::vec(part, 0..5), any::<bool>(), 0usize..400, any::<Vec<u8>>()).prop_map(
            |(boundary, parts, closed, cut, noise)| {
                let mut body = Vec::new();
                for (name, value, file) in parts {
                    let filename = if file { "; filename=\"a.txt\"" } else { "" };
                    body.extend(
                        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{filename}\r\n\r\n{value}\r\n").bytes(),
                    );
                }
                if closed {
                    body.extend(format!("--{boundary}--\r\n").bytes());
                }
                body.truncate(cut.max(body.len() / 2));
                body.extend(noise);
                (format!("multipart/form-data; boundary={boundary}"), body)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]
        /// Fuzzing (`PROPTEST_CASES` bounds the run): the CSRF token of an upload form is read
        /// from any body — a field found, or none — without a panic or a hang.
        #[test]
        fn fuzz_multipart_form((content_type, body) in body(), header in prop_oneof![Just(None), "\\PC{0,60}".prop_map(Some)]) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let content_type = header.unwrap_or(content_type);
            let found = runtime.block_on(super::multipart_text(&content_type, axum::body::Bytes::from(body.clone()), "csrf"));
            if let Some(token) = found {
                prop_assert!(token.len() <= body.len());
            }
        }
    }
}
