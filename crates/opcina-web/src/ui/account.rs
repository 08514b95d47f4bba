//! The citizen's account: opened online, verified at a counter, and then the citizen's own
//! view of who has read their records and which documents were issued about them.

use crate::ui::FieldErrors;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::Refusal;
use opcina_store::citizens::{AccountLetters, Citizen};
use opcina_store::mail::Letter;
use serde::Deserialize;

use super::session::wait_minutes;
use super::{CITIZEN_COOKIE, Ui, cookie, error_page, internal_error, render, render_with, set_cookie};
use super::{rate_limited, too_many};
use crate::AppState;
use crate::auth::READERS;
use crate::i18n::Arg;
use crate::limits::Client;

/// Reads of the access log shown a page.
const PAGE: i64 = 50;

fn errors_of(ui: &Ui, refusal: &Refusal) -> BTreeMap<String, String> {
    super::FieldErrors::of(ui, refusal).0
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountFields {
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "account_form.html")]
struct AccountForm<'a> {
    ui: &'a Ui,
    register: bool,
    f: AccountFields,
    errors: FieldErrors,
    notice: Option<String>,
}

fn signed_in(state: &AppState, token: &str, to: &str) -> Response {
    let secure = state.secure_cookies();
    let mut response = Redirect::to(to).into_response();
    let max = opcina_store::sessions::SESSION_MAX / 1_000_000;
    response.headers_mut().append(header::SET_COOKIE, set_cookie(CITIZEN_COOKIE, token, Some(max), "Lax", true, secure));
    response.headers_mut().append(header::SET_COOKIE, super::fresh_csrf_cookie(secure));
    response
}

/// `GET /account/register`
pub async fn register_form(Extension(ui): Extension<Ui>) -> Response {
    render(&AccountForm { ui: &ui, register: true, f: AccountFields::default(), errors: FieldErrors::default(), notice: None })
}

/// `POST /account/register`: sends a link to open the account to the address (or, when it
/// already has an account, a note to its owner) and answers alike either way, so the page
/// tells nobody whether an address is registered; a few registrations an hour from one
/// client, and a few messages an hour to one address (`limits::Limits`).
pub async fn register(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    client: Client,
    Form(f): Form<AccountFields>,
) -> Response {
    if let Err(wait) = state.limits.registrations.hit(&client.key()) {
        tracing::warn!(%client, "account registration refused: over the limit");
        return rate_limited(&ui, wait);
    }
    if let Err(wait) = state.limits.registration_mail.hit(&f.email.trim().to_lowercase()) {
        tracing::warn!(%client, "account registration refused: the address was sent enough messages this hour");
        return rate_limited(&ui, wait);
    }
    let letters = account_letters(&state, &ui, &f.full_name).await;
    let link_base = format!("{}/account/confirm/", state.public_url);
    match state.store.request_account(&f.email, &f.full_name, &letters, &link_base).await {
        Ok(Ok(())) => render(&Requested { ui: &ui, email: f.email.trim().to_lowercase() }),
        Ok(Err(refusal)) => {
            let errors = errors_of(&ui, &refusal);
            let f = AccountFields { password: String::new(), ..f };
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AccountForm { ui: &ui, register: true, f, errors: FieldErrors::from(errors), notice: None },
            )
        }
        Err(e) => internal_error(&ui, &e),
    }
}

/// The two messages registering may send, in the visitor's language (`{link}` stands for the
/// link the store makes).
async fn account_letters(state: &AppState, ui: &Ui, name: &str) -> AccountLetters {
    let municipality = state.store.node().await.map(|n| n.municipality).unwrap_or_default();
    let name = name.trim();
    let letter = |subject: &str, body: &str, link: &str| {
        let args = [("municipality", Arg::Text(&municipality)), ("name", Arg::Text(name)), ("link", Arg::Text(link))];
        Letter { subject: ui.locale.t_args(subject, &args), body: ui.locale.t_args(body, &args) }
    };
    let sign_in = format!("{}/account/sign-in", state.public_url);
    AccountLetters {
        confirm: letter("mail-account-confirm-subject", "mail-account-confirm-body", "{link}"),
        exists: letter("mail-account-exists-subject", "mail-account-exists-body", &sign_in),
    }
}

#[derive(Template)]
#[template(path = "account_requested.html")]
struct Requested<'a> {
    ui: &'a Ui,
    email: String,
}

#[derive(Template)]
#[template(path = "account_confirm.html")]
struct Confirm<'a> {
    ui: &'a Ui,
    token: String,
    email: String,
    full_name: String,
    errors: FieldErrors,
}

#[derive(Debug, Deserialize)]
pub struct ConfirmFields {
    #[serde(default)]
    password: String,
}

/// The page for a link that no longer opens anything.
fn link_spent(ui: &Ui) -> Response {
    error_page(ui, StatusCode::NOT_FOUND, "account-link-spent-title", &ui.error_text("citizen.link_invalid", ""))
}

/// `GET /account/confirm/{token}`: the link from the message; asks for the password.
pub async fn confirm_form(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(token): Path<String>) -> Response {
    match state.store.account_request(&token).await {
        Ok(Some(request)) => {
            render(&Confirm { ui: &ui, token, email: request.email, full_name: request.full_name, errors: FieldErrors::default() })
        }
        Ok(None) => link_spent(&ui),
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /account/confirm/{token}`: opens the account with the password chosen and signs
/// the citizen in.
pub async fn confirm(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(token): Path<String>,
    Form(f): Form<ConfirmFields>,
) -> Response {
    match state.store.confirm_account(&token, &f.password).await {
        Ok(Ok(account)) => match state.store.open_citizen_session(&account).await {
            Ok(session) => signed_in(&state, &session, "/account"),
            Err(e) => internal_error(&ui, &e),
        },
        Ok(Err(refusal)) if refusal.errors.iter().any(|e| e.code == "citizen.link_invalid") => link_spent(&ui),
        Ok(Err(refusal)) => match state.store.account_request(&token).await {
            Ok(Some(request)) => render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &Confirm {
                    ui: &ui,
                    token,
                    email: request.email,
                    full_name: request.full_name,
                    errors: FieldErrors::from(errors_of(&ui, &refusal)),
                },
            ),
            Ok(None) => link_spent(&ui),
            Err(e) => internal_error(&ui, &e),
        },
        Err(e) => internal_error(&ui, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    #[serde(rename = "signed-out")]
    signed_out: Option<String>,
}

/// `GET /account/sign-in`
pub async fn sign_in_form(Extension(ui): Extension<Ui>, Query(q): Query<SignInQuery>) -> Response {
    if ui.citizen.is_some() {
        return Redirect::to("/account").into_response();
    }
    let notice = q.signed_out.is_some().then(|| ui.t("signed-out"));
    render(&AccountForm { ui: &ui, register: false, f: AccountFields::default(), errors: FieldErrors::default(), notice })
}

/// `POST /account/sign-in`: failures counted per e-mail address and client, and per client
/// across addresses, like staff sign-ins (`session::LoginGuard`); successes are not limited
/// (many citizens may sign in from one network, a municipal hall's).
pub async fn sign_in(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    client: Client,
    Form(f): Form<AccountFields>,
) -> Response {
    let key = format!("citizen:{}", f.email.trim().to_lowercase());
    let from = client.key();
    let again = |status: StatusCode, message: String| {
        let f = AccountFields { password: String::new(), ..f.clone() };
        render_with(
            status,
            &AccountForm {
                ui: &ui,
                register: false,
                f,
                errors: FieldErrors::from(BTreeMap::from([("general".to_string(), message)])),
                notice: None,
            },
        )
    };
    let locked = |wait| too_many(again(StatusCode::TOO_MANY_REQUESTS, ui.ta("sign-in-locked", "minutes", &wait_minutes(wait))), wait);
    if let Err(wait) = state.logins.attempt(&key, &from) {
        tracing::warn!(%client, "a citizen's sign-in refused: too many attempts");
        return locked(wait);
    }
    match state.store.check_citizen(&f.email, &f.password).await {
        Ok(Some(account)) => {
            state.logins.succeeded(&key, &from);
            match state.store.open_citizen_session(&account).await {
                Ok(token) => signed_in(&state, &token, "/account"),
                Err(e) => internal_error(&ui, &e),
            }
        }
        Ok(None) => match state.logins.waiting(&key, &from) {
            Some(wait) => locked(wait),
            None => again(StatusCode::UNAUTHORIZED, ui.t("account-sign-in-failed")),
        },
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /account/sign-out`
pub async fn sign_out(State(state): State<AppState>, Extension(ui): Extension<Ui>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, CITIZEN_COOKIE) {
        if let Err(e) = state.store.end_citizen_session(token).await {
            return internal_error(&ui, &e);
        }
    }
    let secure = state.secure_cookies();
    let mut response = Redirect::to("/account/sign-in?signed-out=1").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(CITIZEN_COOKIE, "", Some(0), "Lax", true, secure));
    response
}

/// A read of the citizen's records, as they see it.
pub struct ReadLine {
    pub at: String,
    pub who: String,
    pub office: String,
    pub action: String,
    pub purpose: String,
}

/// A document issued about the citizen.
pub struct DocLine {
    pub number: String,
    pub kind: String,
    pub at: String,
    pub requester: String,
    pub refused: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    ui: &'a Ui,
    name: String,
    email: String,
    code: String,
    verified: bool,
    reads: Vec<ReadLine>,
    documents: Vec<DocLine>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    before: Option<i64>,
}

fn office_label(offices: &[opcina_store::rows::OfficeRow], code: &Option<String>) -> String {
    code.as_ref().map(|c| offices.iter().find(|o| &o.code == c).map_or_else(|| c.clone(), |o| o.name.clone())).unwrap_or_default()
}

/// `GET /account`: the account, its verification, and for a verified citizen the reads of
/// their records (the viewing itself is logged too).
pub async fn account(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<PageQuery>) -> Response {
    let Some(citizen) = ui.citizen.clone() else { return Redirect::to("/account/sign-in").into_response() };
    let mut page = AccountPage {
        ui: &ui,
        name: citizen.account.full_name.clone(),
        email: citizen.account.email.clone(),
        code: citizen.account.code.clone(),
        verified: citizen.verification.is_some(),
        reads: Vec::new(),
        documents: Vec::new(),
        next: None,
    };
    let (reads, documents, offices) = match state.store.own_records(&citizen, q.before, PAGE).await {
        Ok(Some(own)) => (own.reads, own.documents, own.offices),
        Ok(None) => return render(&page),
        Err(e) => return internal_error(&ui, &e),
    };
    page.next = (reads.len() as i64 == PAGE).then(|| reads.last().map(|r| format!("/account?before={}", r.id))).flatten();
    page.reads = reads
        .iter()
        .map(|a| ReadLine {
            at: ui.locale.date_time(a.at),
            who: if a.role == "citizen" { ui.t("account-you") } else { ui.t(&format!("role-{}", a.role)) },
            office: office_label(&offices, &a.office_code),
            action: super::counter::action_label(&ui, &a.action),
            purpose: a.purpose.clone(),
        })
        .collect();
    page.documents = documents
        .iter()
        .map(|r| DocLine {
            number: r.number().to_string(),
            kind: ui.kind_label(&r.kind),
            at: ui.locale.day(r.at),
            requester: r.requester_name.clone(),
            refused: r.outcome == "refused",
        })
        .collect();
    render(&page)
}

#[derive(Template)]
#[template(path = "counter_account.html")]
struct CounterAccount<'a> {
    ui: &'a Ui,
    code: String,
    found: Option<Citizen>,
    searched: bool,
    jmbg: String,
    document: String,
    errors: FieldErrors,
    done: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    done: Option<String>,
}

/// `GET /counter/accounts?code=…`: the clerk finds the account the citizen shows the code of.
pub async fn counter_find(State(state): State<AppState>, Extension(ui): Extension<Ui>, Query(q): Query<CodeQuery>) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let found = if q.code.trim().is_empty() {
        None
    } else {
        match state.store.account_by_code(&caller.actor, &q.code).await {
            Ok(f) => f,
            Err(e) => return internal_error(&ui, &e),
        }
    };
    let searched = !q.code.trim().is_empty();
    let status = if searched && found.is_none() { StatusCode::NOT_FOUND } else { StatusCode::OK };
    let page = CounterAccount {
        ui: &ui,
        code: q.code.clone(),
        found,
        searched,
        jmbg: String::new(),
        document: String::new(),
        errors: FieldErrors::default(),
        done: q.done.is_some(),
    };
    render_with(status, &page)
}

#[derive(Debug, Default, Deserialize)]
pub struct VerifyFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    jmbg: String,
    #[serde(default)]
    document: String,
}

/// `POST /counter/accounts/{id}/verify`: the identity document was seen; the account is
/// linked to its holder's JMBG.
pub async fn counter_verify(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(f): Form<VerifyFields>,
) -> Response {
    let caller = match ui.require(&READERS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.verify_account(&caller.actor, id, &f.jmbg, &f.document).await {
        Ok(Ok(_)) => {
            tracing::info!(account = id, by = %caller.actor.username, "a citizen's account was verified");
            let q = serde_urlencoded::to_string([("code", f.code.as_str()), ("done", "1")]).unwrap_or_default();
            Redirect::to(&format!("/counter/accounts?{q}")).into_response()
        }
        Ok(Err(refusal)) => {
            let found = match state.store.account_by_code(&caller.actor, &f.code).await {
                Ok(Some(c)) if c.account.id == id => Some(c),
                Ok(_) => return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("account-not-found")),
                Err(e) => return internal_error(&ui, &e),
            };
            let page = CounterAccount {
                ui: &ui,
                code: f.code.clone(),
                found,
                searched: true,
                jmbg: f.jmbg.clone(),
                document: f.document.clone(),
                errors: FieldErrors::from(errors_of(&ui, &refusal)),
                done: false,
            };
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => internal_error(&ui, &e),
    }
}

// ---------------------------------------------------------------------------------------
// Requests submitted online

#[derive(Template)]
#[template(path = "account_submit.html")]
struct SubmitPage<'a> {
    ui: &'a Ui,
    verified: bool,
    /// The kinds of case a citizen may submit: (code, title).
    kinds: Vec<(String, String)>,
    f: opcina_store::docflow::OnlineSubmission,
    errors: FieldErrors,
    /// Once registered: the number, the access code and the tracking address.
    done: Option<(String, String, String)>,
}

async fn submit_page(
    state: &AppState,
    ui: &Ui,
    citizen: &Citizen,
    f: opcina_store::docflow::OnlineSubmission,
    errors: FieldErrors,
    done: Option<(String, String, String)>,
    status: StatusCode,
) -> Response {
    let config = match state.store.docflow_config().await {
        Ok(c) => c,
        Err(e) => return internal_error(ui, &e),
    };
    let kinds = config.case_types.iter().filter(|t| t.book != "up_ii").map(|t| (t.code.clone(), t.title.clone())).collect();
    render_with(status, &SubmitPage { ui, verified: citizen.verification.is_some(), kinds, f, errors, done })
}

/// `GET /account/submit`: the form of a request to the municipality (for a verified account).
pub async fn submit_form(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let Some(citizen) = ui.citizen.clone() else { return Redirect::to("/account/sign-in").into_response() };
    submit_page(&state, &ui, &citizen, Default::default(), FieldErrors::default(), None, StatusCode::OK).await
}

/// `POST /account/submit`: registers the request in the books; the page shows its number
/// and access code (this once) and where to follow it.
pub async fn submit(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    client: Client,
    Form(f): Form<opcina_store::docflow::OnlineSubmission>,
) -> Response {
    let Some(citizen) = ui.citizen.clone() else { return Redirect::to("/account/sign-in").into_response() };
    // Per client and per account: a verified citizen cannot flood a unit's work list either.
    let limit = &state.limits.submissions;
    if let Err(wait) = limit.hit(&client.key()).and_then(|()| limit.hit(&format!("account:{}", citizen.account.id))) {
        tracing::warn!(%client, account = citizen.account.id, "a portal submission refused: over the limit");
        return rate_limited(&ui, wait);
    }
    match state.store.submit_online(&citizen, &f).await {
        Ok(Ok((case, code))) => {
            tracing::info!(case = case.id, number = %case.number, "a request was submitted on the portal");
            let link = crate::present::tracking_link(&case.number, &code);
            let done = Some((case.number, code, link));
            submit_page(&state, &ui, &citizen, Default::default(), FieldErrors::default(), done, StatusCode::CREATED).await
        }
        Ok(Err(refusal)) => {
            let mut errors = errors_of(&ui, &refusal);
            // The party's address is the form's address.
            if let Some(e) = errors.remove("party.address") {
                errors.insert("address".into(), e);
            }
            submit_page(&state, &ui, &citizen, f, FieldErrors::from(errors), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => internal_error(&ui, &e),
    }
}
