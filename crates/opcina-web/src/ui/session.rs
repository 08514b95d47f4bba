//! Signing staff in and out, and the guard against guessing passwords.

use crate::ui::FieldErrors;
use std::collections::HashMap;
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

use super::{SESSION_COOKIE, Ui, internal_error, render, render_with, set_cookie};
use crate::AppState;

/// Failed sign-ins for one username allowed within [`WINDOW`] before it is locked.
pub const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a username stays locked.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Counts failed sign-ins per username (in this process: a node with several `serve`
/// processes allows each its own count).
#[derive(Debug, Default)]
pub struct LoginGuard {
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

impl LoginGuard {
    /// How long the username is still locked, if it is.
    pub fn locked(&self, username: &str) -> Option<Duration> {
        let map = self.failures.lock().ok()?;
        let until = map.get(&key(username))?.locked_until?;
        until.checked_duration_since(Instant::now())
    }

    /// Starts a sign-in attempt: refused (with the time left) while the username is locked;
    /// otherwise counted at once as a failure, which a success undoes — so that guesses sent
    /// in parallel are counted before any of them is judged (30 parallel guesses were all
    /// judged when failures were counted afterwards).
    pub fn attempt(&self, username: &str) -> Result<(), Duration> {
        let Ok(mut map) = self.failures.lock() else { return Ok(()) };
        let now = Instant::now();
        if let Some(left) = map.get(&key(username)).and_then(|f| f.locked_until).and_then(|u| u.checked_duration_since(now)) {
            return Err(left);
        }
        record_failure(&mut map, username, now);
        Ok(())
    }

    /// Records a failure; returns true when it locks the username.
    pub fn failed(&self, username: &str) -> bool {
        let Ok(mut map) = self.failures.lock() else { return false };
        record_failure(&mut map, username, Instant::now())
    }

    pub fn succeeded(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&key(username));
        }
    }
}

/// Counts a failure for `username`; true when it locks the username.
fn record_failure(map: &mut HashMap<String, Failures>, username: &str, now: Instant) -> bool {
    if map.len() > 100_000 {
        map.retain(|_, f| now.duration_since(f.first) < WINDOW || f.locked_until.is_some_and(|u| u > now));
    }
    let f = map.entry(key(username)).or_insert(Failures { count: 0, first: now, locked_until: None });
    if now.duration_since(f.first) > WINDOW && f.locked_until.is_none_or(|u| u <= now) {
        *f = Failures { count: 0, first: now, locked_until: None };
    }
    f.count += 1;
    if f.count >= MAX_FAILURES && f.locked_until.is_none_or(|u| u <= now) {
        f.locked_until = Some(now + LOCKOUT);
        return true;
    }
    false
}

fn key(username: &str) -> String {
    username.trim().to_lowercase()
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
pub async fn sign_in(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(form): Form<SignInForm>) -> Response {
    let username = form.username.trim().to_string();
    let next = local_path(form.next.as_deref()).unwrap_or_default();
    let again = |status: StatusCode, error: String| {
        render_with(status, &SignInPage { ui: &ui, username: username.clone(), next: next.clone(), error: Some(error), notice: None })
    };
    if username.is_empty() || form.password.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, ui.t("sign-in-missing"));
    }
    if let Err(left) = state.logins.attempt(&username) {
        let minutes = left.as_secs().div_ceil(60).max(1);
        tracing::warn!(%username, "sign-in refused: locked after repeated failures");
        return again(StatusCode::TOO_MANY_REQUESTS, ui.ta("sign-in-locked", "minutes", &minutes.to_string()));
    }
    let user = match state.store.check_password(&username, &form.password).await {
        Ok(Ok(user)) => user,
        Ok(Err(failure)) => {
            // Counted when the attempt began; locked now if it was the last one allowed.
            let locked = state.logins.locked(&username).is_some();
            tracing::warn!(%username, ?failure, locked, "sign-in failed");
            if locked {
                let minutes = LOCKOUT.as_secs() / 60;
                return again(StatusCode::TOO_MANY_REQUESTS, ui.ta("sign-in-locked", "minutes", &minutes.to_string()));
            }
            let message = if failure == SignInFailure::Inactive { ui.t("sign-in-inactive") } else { ui.t("sign-in-failed") };
            return again(StatusCode::UNAUTHORIZED, message);
        }
        Err(error) => return internal_error(&ui, &error),
    };
    state.logins.succeeded(&username);
    let token = match state.store.open_session(&user).await {
        Ok(t) => t,
        Err(error) => return internal_error(&ui, &error),
    };
    tracing::info!(%username, "signed in");
    let to = if next.is_empty() { landing(user.role).to_string() } else { next };
    let secure = state.public_url.starts_with("https://");
    let mut response = Redirect::to(&to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, Some(SESSION_MAX / 1_000_000), "Lax", true, secure));
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
pub async fn change_password(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<PasswordForm>) -> Response {
    let caller = match ui.require(&opcina_core::registry::Role::ALL) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let username = caller.actor.username.clone();
    let refuse = |field: &str, message: String| {
        let errors = std::collections::BTreeMap::from([(field.to_string(), message)]);
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage { ui: &ui, errors: FieldErrors::from(errors) })
    };
    if let Some(left) = state.logins.locked(&username) {
        return refuse("current", ui.ta("sign-in-locked", "minutes", &left.as_secs().div_ceil(60).max(1).to_string()));
    }
    match state.store.check_password(&username, &f.current).await {
        Ok(Ok(_)) => state.logins.succeeded(&username),
        Ok(Err(_)) => {
            state.logins.failed(&username);
            return refuse("current", ui.t("password-current-wrong"));
        }
        Err(e) => return internal_error(&ui, &e),
    }
    if f.new != f.repeat {
        return refuse("repeat", ui.t("password-mismatch"));
    }
    match state.store.set_password(&caller.actor, &username, &f.new).await {
        Ok(()) => {
            tracing::info!(%username, "changed their password");
            let secure = state.public_url.starts_with("https://");
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
    let secure = state.public_url.starts_with("https://");
    let mut response = Redirect::to("/sign-in?signed-out=1").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), "Lax", true, secure));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_is_locked_after_repeated_failures_and_freed_by_a_success() {
        let guard = LoginGuard::default();
        for _ in 1..MAX_FAILURES {
            assert!(!guard.failed("Ana"));
            assert!(guard.locked("ana").is_none());
        }
        assert!(guard.failed("ana "), "the fifth failure locks, whatever the case or spacing");
        assert!(guard.locked("ANA").is_some_and(|d| d <= LOCKOUT));
        assert!(guard.locked("marko").is_none());
        guard.succeeded("ana");
        assert!(guard.locked("ana").is_none());
    }

    #[test]
    fn an_attempt_counts_before_it_is_judged_and_a_success_clears_the_count() {
        let guard = LoginGuard::default();
        for _ in 0..MAX_FAILURES {
            assert!(guard.attempt("ana").is_ok());
        }
        assert!(guard.attempt("Ana").is_err_and(|left| left <= LOCKOUT), "a sixth attempt waits, however it would end");
        guard.succeeded("ana");
        assert!(guard.attempt("ana").is_ok(), "one of the five was right: the count is cleared");
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
