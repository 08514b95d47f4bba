//! Signing staff in and out, and the guard against guessing passwords.

use crate::ui::FieldErrors;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use opcina_core::registry::Role;
use opcina_store::sessions::{SESSION_MAX, SignInFailure};
use serde::Deserialize;

use super::{SESSION_COOKIE, Ui, internal_error, render, render_with, set_cookie, too_many};
use crate::AppState;
use crate::limits::Client;

/// Failed sign-ins for one username from one client before each further attempt from that
/// client waits.
pub const FREE_FAILURES: u32 = 5;
/// The first wait; it doubles with every further failure, up to [`MAX_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(30);
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failed sign-ins one client may make across all usernames within [`WINDOW`] (password
/// spraying).
pub const CLIENT_FAILURES: u32 = 30;
/// Failed sign-ins for one username from all clients within [`WINDOW`] before clients the
/// user never signed in from must wait (guessing from many addresses). Clients the user
/// signed in from keep their own count only.
pub const USER_FAILURES: u32 = 20;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The clients a user signed in from that are remembered (the latest).
const KNOWN_CLIENTS: usize = 5;

/// Counts failed sign-ins, so that guessing is slow and a stranger cannot lock anyone out:
///
/// - per username **and client**: five failures, then every further attempt from that
///   client waits 30 s, doubling with each failure up to 15 minutes — the user signing in
///   from their own address is not held up by someone else's failures;
/// - per **client**, across usernames: 30 failures in 15 minutes, then it waits out the
///   window (password spraying);
/// - per **username**, from all clients: 20 failures in 15 minutes, then clients the user
///   has not signed in from wait out the window; the ones they signed in from do not.
///
/// An attempt is counted when it begins (a success undoes it), so guesses sent in parallel
/// are counted before any of them is judged. Counts are kept in this process (a node with
/// several `serve` processes allows each its own) and in bounded memory.
#[derive(Debug, Default)]
pub struct LoginGuard {
    inner: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    pairs: HashMap<(String, String), Count>,
    clients: HashMap<String, Count>,
    users: HashMap<String, Count>,
    known: HashMap<String, VecDeque<String>>,
}

#[derive(Debug, Clone, Copy)]
struct Count {
    count: u32,
    first: Instant,
    last: Instant,
}

impl Count {
    /// A count of failures within a window that started at the first one.
    fn windowed(map: &mut HashMap<String, Count>, key: String, now: Instant) -> &mut Count {
        let c = map.entry(key).or_insert(Count { count: 0, first: now, last: now });
        if now.duration_since(c.first) >= WINDOW {
            *c = Count { count: 0, first: now, last: now };
        }
        c
    }

    /// How long the window still runs.
    fn window_left(&self, now: Instant) -> Option<Duration> {
        (self.first + WINDOW).checked_duration_since(now).filter(|d| !d.is_zero())
    }
}

/// How long the client waits after `failures` failures, the last at `last`.
fn pair_wait(failures: u32, last: Instant, now: Instant) -> Option<Duration> {
    let over = failures.checked_sub(FREE_FAILURES)?;
    let wait = FIRST_WAIT.saturating_mul(1u32 << over.min(10)).min(MAX_WAIT);
    (last + wait).checked_duration_since(now).filter(|d| !d.is_zero())
}

impl Counts {
    fn prune(&mut self, now: Instant) {
        if self.pairs.len() + self.clients.len() + self.users.len() > crate::limits::MAX_KEYS {
            self.pairs.retain(|_, c| now.duration_since(c.last) < WINDOW + MAX_WAIT);
            self.clients.retain(|_, c| c.window_left(now).is_some());
            self.users.retain(|_, c| c.window_left(now).is_some());
        }
        if self.known.len() > crate::limits::MAX_KEYS {
            self.known.clear();
        }
    }

    fn wait(&self, user: &str, client: &str, now: Instant) -> Option<Duration> {
        let pair = self.pairs.get(&(user.to_string(), client.to_string())).and_then(|c| {
            // A client silent for a whole window starts again.
            (now.duration_since(c.last) < WINDOW + MAX_WAIT).then(|| pair_wait(c.count, c.last, now)).flatten()
        });
        let spraying = self.clients.get(client).filter(|c| c.count >= CLIENT_FAILURES).and_then(|c| c.window_left(now));
        let known = self.known.get(user).is_some_and(|k| k.iter().any(|c| c == client));
        let many = self.users.get(user).filter(|c| !known && c.count >= USER_FAILURES).and_then(|c| c.window_left(now));
        [pair, spraying, many].into_iter().flatten().max()
    }
}

impl LoginGuard {
    /// Starts a sign-in attempt of `username` from `client`: refused with how long to wait,
    /// or counted at once as a failure that a success undoes.
    pub fn attempt(&self, username: &str, client: &str) -> Result<(), Duration> {
        let Ok(mut counts) = self.inner.lock() else { return Ok(()) };
        let (user, now) = (key(username), Instant::now());
        counts.prune(now);
        if let Some(wait) = counts.wait(&user, client, now) {
            return Err(wait);
        }
        let pair = counts.pairs.entry((user.clone(), client.to_string())).or_insert(Count { count: 0, first: now, last: now });
        if now.duration_since(pair.last) >= WINDOW + MAX_WAIT {
            *pair = Count { count: 0, first: now, last: now };
        }
        pair.count += 1;
        pair.last = now;
        Count::windowed(&mut counts.clients, client.to_string(), now).count += 1;
        Count::windowed(&mut counts.users, user, now).count += 1;
        Ok(())
    }

    /// How long the next attempt of `username` from `client` must wait, if it must (after a
    /// failure: to tell the user).
    pub fn waiting(&self, username: &str, client: &str) -> Option<Duration> {
        let counts = self.inner.lock().ok()?;
        counts.wait(&key(username), client, Instant::now())
    }

    /// The attempt succeeded: its count is undone, the client's failures for this user are
    /// forgiven, and the client is remembered as one the user signs in from.
    pub fn succeeded(&self, username: &str, client: &str) {
        let Ok(mut counts) = self.inner.lock() else { return };
        let user = key(username);
        counts.pairs.remove(&(user.clone(), client.to_string()));
        if let Some(c) = counts.clients.get_mut(client) {
            c.count = c.count.saturating_sub(1);
        }
        if let Some(c) = counts.users.get_mut(&user) {
            c.count = c.count.saturating_sub(1);
        }
        let known = counts.known.entry(user).or_default();
        known.retain(|c| c != client);
        known.push_back(client.to_string());
        while known.len() > KNOWN_CLIENTS {
            known.pop_front();
        }
    }
}

fn key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// "Try again in N minutes" for a wait.
pub fn wait_minutes(wait: Duration) -> String {
    wait.as_secs().div_ceil(60).max(1).to_string()
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    ui: &'a Ui,
    username: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    #[serde(rename = "signed-out")]
    signed_out: Option<String>,
}

/// Only a path on this node is followed after sign-in (never another site): `/` followed by
/// anything but a second `/` or `\`, with no backslash, whitespace or control character
/// anywhere — browsers drop tabs and line breaks from an address, so `/\t/evil.example`
/// would be read as `//evil.example`, and a line break cannot go into a header at all.
fn local_path(next: Option<&str>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()))
        .map(str::to_string)
}

fn landing(ui_role: Role) -> &'static str {
    match ui_role {
        Role::Registrar | Role::CounterClerk => "/counter",
        Role::Admin => "/admin/users",
        Role::Auditor => "/",
        Role::Official => "/cases",
        Role::Editor | Role::PressOfficer | Role::Approver => "/newsroom",
    }
}

/// `GET /sign-in`
pub async fn sign_in_page(Extension(ui): Extension<Ui>, Query(q): Query<SignInQuery>) -> Response {
    if let Some(staff) = &ui.staff {
        let to = local_path(q.next.as_deref()).unwrap_or_else(|| landing(staff.caller.actor.role).to_string());
        return Redirect::to(&to).into_response();
    }
    let notice = q.signed_out.is_some().then(|| ui.t("signed-out"));
    render(&SignInPage { ui: &ui, username: String::new(), next: local_path(q.next.as_deref()).unwrap_or_default(), error: None, notice })
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /sign-in`
pub async fn sign_in(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    client: Client,
    Form(form): Form<SignInForm>,
) -> Response {
    let username = form.username.trim().to_string();
    let next = local_path(form.next.as_deref()).unwrap_or_default();
    let again = |status: StatusCode, error: String| {
        render_with(status, &SignInPage { ui: &ui, username: username.clone(), next: next.clone(), error: Some(error), notice: None })
    };
    if username.is_empty() || form.password.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, ui.t("sign-in-missing"));
    }
    let locked = |wait| too_many(again(StatusCode::TOO_MANY_REQUESTS, ui.ta("sign-in-locked", "minutes", &wait_minutes(wait))), wait);
    let from = client.key();
    if let Err(wait) = state.logins.attempt(&username, &from) {
        tracing::warn!(%username, %client, "sign-in refused: too many failures, waiting");
        return locked(wait);
    }
    let user = match state.store.check_password(&username, &form.password).await {
        Ok(Ok(user)) => user,
        Ok(Err(failure)) => {
            // Counted when the attempt began; the next one may have to wait now.
            let waiting = state.logins.waiting(&username, &from);
            tracing::warn!(%username, %client, ?failure, waiting = waiting.is_some(), "sign-in failed");
            if let Some(wait) = waiting {
                return locked(wait);
            }
            let message = if failure == SignInFailure::Inactive { ui.t("sign-in-inactive") } else { ui.t("sign-in-failed") };
            return again(StatusCode::UNAUTHORIZED, message);
        }
        Err(error) => return internal_error(&ui, &error),
    };
    state.logins.succeeded(&username, &from);
    let token = match state.store.open_session(&user).await {
        Ok(t) => t,
        Err(error) => return internal_error(&ui, &error),
    };
    tracing::info!(%username, %client, "signed in");
    let to = if next.is_empty() { landing(user.role).to_string() } else { next };
    let secure = state.secure_cookies();
    let mut response = Redirect::to(&to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, Some(SESSION_MAX / 1_000_000), "Lax", true, secure));
    response.headers_mut().append(header::SET_COOKIE, super::fresh_csrf_cookie(secure));
    response
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    ui: &'a Ui,
    errors: FieldErrors,
}

/// `GET /me/password`: a signed-in user changes their own password.
pub async fn password_form(Extension(ui): Extension<Ui>) -> Response {
    if let Err(page) = ui.require(&opcina_core::registry::Role::ALL) {
        return page;
    }
    render(&PasswordPage { ui: &ui, errors: FieldErrors::default() })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /me/password`: needs the current password; the new one ends the user's other
/// sessions (and this one: the user signs in again with it).
pub async fn change_password(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    client: Client,
    Form(f): Form<PasswordForm>,
) -> Response {
    let caller = match ui.require(&opcina_core::registry::Role::ALL) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let username = caller.actor.username.clone();
    let refuse = |field: &str, message: String| {
        let errors = std::collections::BTreeMap::from([(field.to_string(), message)]);
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage { ui: &ui, errors: FieldErrors::from(errors) })
    };
    // The current password is guessed no faster here than at the sign-in.
    let from = client.key();
    if let Err(wait) = state.logins.attempt(&username, &from) {
        return refuse("current", ui.ta("sign-in-locked", "minutes", &wait_minutes(wait)));
    }
    match state.store.check_password(&username, &f.current).await {
        Ok(Ok(_)) => state.logins.succeeded(&username, &from),
        Ok(Err(_)) => return refuse("current", ui.t("password-current-wrong")),
        Err(e) => return internal_error(&ui, &e),
    }
    if f.new != f.repeat {
        return refuse("repeat", ui.t("password-mismatch"));
    }
    match state.store.set_password(&caller.actor, &username, &f.new).await {
        Ok(()) => {
            tracing::info!(%username, "changed their password");
            let secure = state.secure_cookies();
            let mut response = Redirect::to("/sign-in?signed-out=1").into_response();
            response.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), "Lax", true, secure));
            response
        }
        Err(opcina_store::StoreError::Invalid(e)) => refuse("new", ui.error_text(e.code, &e.message)),
        Err(e) => internal_error(&ui, &e),
    }
}

/// `POST /sign-out`
pub async fn sign_out(State(state): State<AppState>, Extension(ui): Extension<Ui>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = super::cookie(&headers, SESSION_COOKIE) {
        if let Err(error) = state.store.end_session(token).await {
            return internal_error(&ui, &error);
        }
    }
    if let Some(staff) = &ui.staff {
        tracing::info!(username = %staff.caller.actor.username, "signed out");
    }
    let secure = state.secure_cookies();
    let mut response = Redirect::to("/sign-in?signed-out=1").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), "Lax", true, secure));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_s_failures_make_its_next_attempts_wait_longer_and_longer() {
        let guard = LoginGuard::default();
        for _ in 0..FREE_FAILURES {
            assert!(guard.attempt("Ana", "192.0.2.1").is_ok());
        }
        let first = guard.attempt("ana ", "192.0.2.1").unwrap_err();
        assert!(first <= FIRST_WAIT && first > FIRST_WAIT / 2, "the sixth waits, whatever the case or spacing: {first:?}");
        assert!(guard.waiting("ana", "192.0.2.1").is_some_and(|w| w <= first));
        assert!(guard.waiting("ana", "192.0.2.2").is_none(), "another client does not wait");
        // Counted up front, a success undoes it and forgives the client.
        guard.succeeded("ana", "192.0.2.1");
        assert!(guard.attempt("ana", "192.0.2.1").is_ok());
        let now = Instant::now();
        assert_eq!(pair_wait(FREE_FAILURES, now, now), Some(FIRST_WAIT));
        assert_eq!(pair_wait(FREE_FAILURES + 1, now, now), Some(FIRST_WAIT * 2));
        assert_eq!(pair_wait(FREE_FAILURES + 40, now, now), Some(MAX_WAIT), "at most fifteen minutes");
        assert_eq!(pair_wait(FREE_FAILURES - 1, now, now), None);
        assert_eq!(pair_wait(FREE_FAILURES, now, now + FIRST_WAIT), None, "waited out");
    }

    #[test]
    fn a_stranger_s_failures_do_not_hold_up_the_user_at_their_own_address() {
        let guard = LoginGuard::default();
        assert!(guard.attempt("admin", "192.0.2.1").is_ok());
        guard.succeeded("admin", "192.0.2.1");
        // A stranger fails from one address, then from many.
        for _ in 0..FREE_FAILURES {
            assert!(guard.attempt("admin", "198.51.100.7").is_ok());
        }
        assert!(guard.attempt("admin", "198.51.100.7").is_err(), "the stranger waits");
        assert!(guard.attempt("admin", "192.0.2.1").is_ok(), "the administrator does not");
        guard.succeeded("admin", "192.0.2.1");
        for i in 0..USER_FAILURES {
            let _ = guard.attempt("admin", &format!("203.0.113.{i}"));
        }
        assert!(guard.attempt("admin", "203.0.113.250").is_err(), "a new address waits once the username is under attack");
        assert!(guard.attempt("admin", "192.0.2.1").is_ok(), "the address the administrator signs in from does not");
    }

    #[test]
    fn one_client_trying_many_usernames_waits_out_the_window() {
        let guard = LoginGuard::default();
        for i in 0..CLIENT_FAILURES {
            assert!(guard.attempt(&format!("user{i}"), "198.51.100.7").is_ok());
        }
        assert!(guard.attempt("someone-else", "198.51.100.7").is_err_and(|w| w <= WINDOW));
        assert!(guard.attempt("someone-else", "192.0.2.1").is_ok(), "other clients are not held up");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path(Some("/counter?q=x")), Some("/counter?q=x".into()));
        assert_eq!(local_path(Some("//evil.example/")), None);
        assert_eq!(local_path(Some("https://evil.example/")), None);
        assert_eq!(local_path(Some("/\\evil.example")), None);
        assert_eq!(local_path(None), None);
        // What a browser would read as another site, or could not put into a header.
        for next in ["/\t/evil.example", "/\n/evil.example", "/\r\n/x", "/ /evil.example", "/\u{7f}", "/x\u{0}", "/\u{a0}/evil.example"] {
            assert_eq!(local_path(Some(next)), None, "{next:?}");
        }
        assert_eq!(local_path(Some("/")), Some("/".into()));
        assert!(local_path(Some("/counter/persons/0101990190006?purpose=izdavanje%20izvoda")).is_some());
    }
}
