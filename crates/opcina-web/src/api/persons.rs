//! People: search, the person view, and the log of who read a person's records.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};
use opcina_core::registry::{PersonView, Role, Sex, Timestamp, ViewTime};
use opcina_search::{PersonHit, PersonQuery};
use opcina_store::reads::ReadReason;
use opcina_store::rows::AccessRow;
use serde::{Deserialize, Serialize};

use super::{Purpose, READERS, path_jmbg};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Params;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Names in any order, script or spelling (typos tolerated), or a JMBG.
    #[param(min_length = 1, pattern = r"\S")]
    pub q: String,
    /// At most this many results (default 20, at most 100).
    pub limit: Option<i64>,
    /// Born in this year.
    pub birth_year: Option<i32>,
    /// Born in this year or later.
    pub born_from: Option<i32>,
    /// Born in this year or earlier.
    pub born_to: Option<i32>,
    pub sex: Option<Sex>,
    /// Registry office holding the person's birth (or first) entry.
    pub office: Option<String>,
    /// `relevance` (default: best matches first) or `name` (the best matches, in Bosnian
    /// alphabetical order of surname, given name, then date of birth).
    #[param(inline)]
    pub sort: Option<SortOrder>,
    /// Why the search is made (default `pretraga osoba`): logged, with the query, for every
    /// person returned (3 to 300 characters).
    #[param(
        min_length = 3,
        max_length = 300,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x1f\x7f-\x9f]+[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub purpose: Option<String>,
    /// Case or request number the search is for.
    pub case_number: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Relevance,
    Name,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonHit>,
}

/// Find people by name or JMBG, best matches first. Every person returned is logged as
/// found in this search (with its query and purpose) before the answer is sent.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(SearchParams), security(("bearer" = [])),
    responses((status = 200, body = PersonList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn search(State(state): State<AppState>, caller: Caller, Params(p): Params<SearchParams>) -> ApiResult<Json<PersonList>> {
    caller.require(&READERS, "search people")?;
    if p.q.trim().is_empty() {
        return Err(ApiError::bad_request("search.query.empty", "q", "give a name or a JMBG to search for"));
    }
    let years = match (p.birth_year, p.born_from, p.born_to) {
        (Some(y), _, _) => Some(y..=y),
        (None, None, None) => None,
        (None, from, to) => Some(from.unwrap_or(i32::MIN)..=to.unwrap_or(i32::MAX)),
    };
    let why = Purpose { purpose: p.purpose, case_number: p.case_number }.reason_or("pretraga osoba")?;
    let query = PersonQuery {
        text: p.q,
        limit: usize::try_from(p.limit.unwrap_or(20).clamp(1, 100)).unwrap_or(20),
        birth_years: years,
        sex: p.sex,
        office: p.office,
    };
    let mut items = crate::search::people(&state, &caller.actor, &query, &why).await?;
    if p.sort == Some(SortOrder::Name) {
        opcina_core::names::sort_by_name(&mut items, |h| format!("{} {} {}", h.surname, h.given_name, h.birth_date));
    }
    Ok(Json(PersonList { items }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewParams {
    /// The purpose of the read and its legal basis, e.g. `izdavanje izvoda, čl. 64` (3 to
    /// 300 characters).
    #[param(
        required = true,
        min_length = 3,
        max_length = 300,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x1f\x7f-\x9f]+[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub purpose: Option<String>,
    /// Case or request number the read is for.
    pub case_number: Option<String>,
    /// The legal state on this date (default: today).
    pub as_of: Option<NaiveDate>,
    /// Only what was recorded by this moment (default: everything recorded).
    pub recorded_at: Option<DateTime<Utc>>,
}

/// Everything the registers say about a person, as of a date and as recorded at a moment.
/// The read is logged with its purpose before the answer is sent.
#[utoipa::path(get, path = "/api/v1/persons/{jmbg}", tag = "persons", params(("jmbg" = String, Path, description = "JMBG", pattern = r"^[0-9]{13}$"), ViewParams), security(("bearer" = [])),
    responses((status = 200, body = PersonView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn view(
    State(state): State<AppState>,
    caller: Caller,
    Path(jmbg): Path<String>,
    Params(p): Params<ViewParams>,
) -> ApiResult<Json<PersonView>> {
    caller.require(&READERS, "read people's records")?;
    let stated = Purpose { purpose: p.purpose, case_number: p.case_number };
    let purpose = stated.required()?;
    let jmbg = path_jmbg(&jmbg)?;
    let time = ViewTime { as_of: p.as_of.unwrap_or_else(|| state.store.today()), recorded_at: p.recorded_at.map(Timestamp::from_datetime) };
    let why = ReadReason::new(purpose, stated.case_number.as_deref());
    let Some(view) = state.store.read_person(&caller.actor, &jmbg, time, &why).await? else {
        return Err(ApiError::not_found(
            "registry.person.not_found",
            "this node holds no entry for this JMBG (as recorded at that moment)",
        )
        .field("jmbg"));
    };
    Ok(Json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// Entries older than this id (for the next page).
    pub before: Option<i64>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<i64>,
    /// Why the log is read (default `pregled evidencije pristupa`; 3 to 300 characters).
    #[param(
        min_length = 3,
        max_length = 300,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x1f\x7f-\x9f]+[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub purpose: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccessLog {
    /// Newest first.
    pub items: Vec<AccessRow>,
    /// Pass as `before` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// Who read this person's records, when, from which office and why (newest first).
#[utoipa::path(get, path = "/api/v1/persons/{jmbg}/access-log", tag = "persons", params(("jmbg" = String, Path, description = "JMBG", pattern = r"^[0-9]{13}$"), LogParams), security(("bearer" = [])),
    responses((status = 200, body = AccessLog), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn access_log(
    State(state): State<AppState>,
    caller: Caller,
    Path(jmbg): Path<String>,
    Params(p): Params<LogParams>,
) -> ApiResult<Json<AccessLog>> {
    caller.require(&[Role::Registrar, Role::CounterClerk, Role::Auditor], "read access logs")?;
    let jmbg = path_jmbg(&jmbg)?;
    let limit = p.limit.unwrap_or(50).clamp(1, 500);
    let why = Purpose { purpose: p.purpose, case_number: None }.reason_or("pregled evidencije pristupa")?;
    let items = state.store.read_access_log(&caller.actor, &jmbg, p.before, limit, &why).await?;
    let next = (items.len() as i64 == limit).then(|| items.last().map(|r| r.id)).flatten();
    Ok(Json(AccessLog { items, next }))
}
