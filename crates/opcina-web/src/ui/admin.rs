//! The administrator's screen: the node's users, their roles and offices, their passwords.

use crate::ui::FieldErrors;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use opcina_core::registry::Role;
use opcina_store::StoreError;
use opcina_store::admin::{UserChange, UserSpec};
use opcina_store::rows::{OfficeRow, UserRow};
use serde::Deserialize;

use super::forms::Choice;
use super::{Ui, error_page, internal_error, render_with};
use crate::AppState;

const ADMINS: [Role; 1] = [Role::Admin];

/// A user as the list shows them.
pub struct UserLine {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub office: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserFields {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    active: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage<'a> {
    ui: &'a Ui,
    users: Vec<UserLine>,
    f: UserFields,
    roles: Vec<Choice>,
    offices: Vec<Choice>,
    errors: FieldErrors,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage<'a> {
    ui: &'a Ui,
    user: UserLine,
    f: UserFields,
    roles: Vec<Choice>,
    offices: Vec<Choice>,
    errors: FieldErrors,
    notice: Option<String>,
}

fn role_choices(ui: &Ui, selected: &str) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice { value: r.as_str().into(), label: ui.t(&format!("role-{}", r.as_str())), selected: r.as_str() == selected })
        .collect()
}

fn office_choices(ui: &Ui, offices: &[OfficeRow], selected: &str) -> Vec<Choice> {
    let mut out = vec![Choice { value: String::new(), label: ui.t("admin-no-office"), selected: selected.is_empty() }];
    out.extend(offices.iter().map(|o| Choice {
        value: o.code.clone(),
        label: format!("{} ({})", o.name, o.code),
        selected: o.code == selected,
    }));
    out
}

fn line(ui: &Ui, u: &UserRow, offices: &[OfficeRow]) -> UserLine {
    UserLine {
        username: u.username.clone(),
        full_name: u.full_name.clone(),
        role: ui.t(&format!("role-{}", u.role)),
        office: u
            .office_code
            .as_ref()
            .map(|c| offices.iter().find(|o| &o.code == c).map_or_else(|| c.clone(), |o| o.name.clone()))
            .unwrap_or_default(),
        active: u.active,
    }
}

fn refusal(ui: &Ui, error: &StoreError) -> Option<BTreeMap<String, String>> {
    match error {
        StoreError::Invalid(e) => {
            Some(BTreeMap::from([(e.field.clone().unwrap_or_else(|| "general".into()), ui.error_text(e.code, &e.message))]))
        }
        _ => None,
    }
}

async fn users_page(state: &AppState, ui: &Ui, f: UserFields, errors: BTreeMap<String, String>, notice: Option<String>) -> Response {
    let (users, offices) = match (state.store.users().await, state.store.offices().await) {
        (Ok(u), Ok(o)) => (u, o),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let mut users = users;
    opcina_core::names::sort_by_name(&mut users, |u| u.full_name.clone());
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = UsersPage {
        ui,
        users: users.iter().map(|u| line(ui, u, &offices)).collect(),
        roles: role_choices(ui, &f.role),
        offices: office_choices(ui, &offices, &f.office),
        f,
        errors: FieldErrors::from(errors),
        notice,
    };
    render_with(status, &page)
}

/// `GET /admin/users`
pub async fn users(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    if let Err(page) = ui.require(&ADMINS) {
        return page;
    }
    let f = UserFields { role: "counter_clerk".into(), ..UserFields::default() };
    users_page(&state, &ui, f, BTreeMap::new(), None).await
}

/// `POST /admin/users`: adds a user with a first password.
pub async fn add(State(state): State<AppState>, Extension(ui): Extension<Ui>, Form(f): Form<UserFields>) -> Response {
    let caller = match ui.require(&ADMINS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(role) = Role::parse(&f.role) else {
        return users_page(&state, &ui, f, BTreeMap::from([("role".into(), ui.t("issue-choose"))]), None).await;
    };
    if let Err(e) = opcina_store::sessions::check_new_password(&f.password) {
        let errors = refusal(&ui, &e).unwrap_or_default();
        return users_page(&state, &ui, f, errors, None).await;
    }
    let office = Some(f.office.trim().to_string()).filter(|o| !o.is_empty());
    let spec = UserSpec { username: f.username.clone(), full_name: f.full_name.clone(), role, office };
    match state.store.add_user(&caller.actor, &spec).await {
        Ok(user) => {
            if let Err(e) = state.store.set_password(&caller.actor, &user.username, &f.password).await {
                return internal_error(&ui, &e);
            }
            tracing::info!(username = %user.username, by = %caller.actor.username, "user added");
            let notice = ui.ta("admin-user-added", "username", &user.username);
            users_page(&state, &ui, UserFields { role: "counter_clerk".into(), ..UserFields::default() }, BTreeMap::new(), Some(notice))
                .await
        }
        Err(e) => match refusal(&ui, &e) {
            Some(errors) => users_page(&state, &ui, f, errors, None).await,
            None => internal_error(&ui, &e),
        },
    }
}

async fn user_page(state: &AppState, ui: &Ui, username: &str, errors: BTreeMap<String, String>, notice: Option<String>) -> Response {
    let (user, offices) = match (state.store.user(username).await, state.store.offices().await) {
        (Ok(Some(u)), Ok(o)) => (u, o),
        (Ok(None), _) => return error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("err-admin-user-unknown")),
        (Err(e), _) | (_, Err(e)) => return internal_error(ui, &e),
    };
    let f = UserFields {
        username: user.username.clone(),
        full_name: user.full_name.clone(),
        role: user.role.to_string(),
        office: user.office_code.clone().unwrap_or_default(),
        password: String::new(),
        active: if user.active { "1".into() } else { String::new() },
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = UserPage {
        ui,
        user: line(ui, &user, &offices),
        roles: role_choices(ui, &f.role),
        offices: office_choices(ui, &offices, &f.office),
        f,
        errors: FieldErrors::from(errors),
        notice,
    };
    render_with(status, &page)
}

/// `GET /admin/users/{username}`
pub async fn user(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(username): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    if let Err(page) = ui.require(&ADMINS) {
        return page;
    }
    let notice = q.contains_key("saved").then(|| ui.t("admin-saved"));
    user_page(&state, &ui, &username, BTreeMap::new(), notice).await
}

/// `POST /admin/users/{username}`: name, role, office, active.
pub async fn change(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(username): Path<String>,
    Form(f): Form<UserFields>,
) -> Response {
    let caller = match ui.require(&ADMINS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(role) = Role::parse(&f.role) else {
        return user_page(&state, &ui, &username, BTreeMap::from([("role".into(), ui.t("issue-choose"))]), None).await;
    };
    let change = UserChange {
        full_name: Some(f.full_name.clone()),
        role: Some(role),
        office: Some(Some(f.office.trim().to_string()).filter(|o| !o.is_empty())),
        active: Some(f.active == "1"),
    };
    match state.store.update_user(&caller.actor, &username, &change).await {
        Ok(_) => {
            tracing::info!(%username, by = %caller.actor.username, "user changed");
            Redirect::to(&format!("/admin/users/{username}?saved=1")).into_response()
        }
        Err(e) => match refusal(&ui, &e) {
            Some(errors) => user_page(&state, &ui, &username, errors, None).await,
            None => internal_error(&ui, &e),
        },
    }
}

/// `POST /admin/users/{username}/password`: a new password (the user's sessions end).
pub async fn password(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(username): Path<String>,
    Form(f): Form<UserFields>,
) -> Response {
    let caller = match ui.require(&ADMINS) {
        Ok(c) => c,
        Err(page) => return page,
    };
    match state.store.set_password(&caller.actor, &username, &f.password).await {
        Ok(()) => {
            tracing::info!(%username, by = %caller.actor.username, "password set");
            user_page(&state, &ui, &username, BTreeMap::new(), Some(ui.t("admin-password-set"))).await
        }
        Err(e) => match refusal(&ui, &e) {
            Some(errors) => user_page(&state, &ui, &username, errors, None).await,
            None => internal_error(&ui, &e),
        },
    }
}
