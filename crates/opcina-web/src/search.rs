//! Searches: use cases that span an index and the store. The index finds; the store logs
//! what was shown before the hits are returned — a person search once, with its query, for
//! every person it returned (`person.search`: the citizen's "who read my data" then shows
//! "found in a search by office X"), a search of the files of cases for the parties of the
//! cases it found (`document.search`). Pages and the JSON API both call these; neither
//! searches an index any other way.

use opcina_core::Refusal;
use opcina_core::registry::Actor;
use opcina_search::documents::{DocumentHit, Scope};
use opcina_search::{PersonHit, PersonQuery};
use opcina_store::reads::ReadReason;

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// The longest query the access log keeps with a search's reads (a longer one is cut).
const LOGGED_QUERY_CHARS: usize = 100;

/// What a search's reads are logged with: the stated purpose and the query as typed.
fn searched(why: &ReadReason, query: &str) -> ReadReason {
    let query: String = query.trim().chars().take(LOGGED_QUERY_CHARS).collect();
    ReadReason { purpose: format!("{}; pretraga: {query}", why.purpose), case_number: why.case_number.clone() }
}

/// People matching `query`, best first, as `actor` searches for `why`; every person returned
/// is logged as found (`person.search`) before the hits are.
pub async fn people(state: &AppState, actor: &Actor, query: &PersonQuery, why: &ReadReason) -> ApiResult<Vec<PersonHit>> {
    let hits = state.index.search(query)?;
    let jmbgs: Vec<String> = hits.iter().map(|h| h.jmbg.to_string()).collect();
    state.store.disclose(actor, "person.search", &searched(why, &query.text), jmbgs).await?;
    Ok(hits)
}

/// The files of cases matching `text` that `actor` may find (an official: their unit's
/// cases), at most `limit`; the parties of the cases found are logged (`document.search`).
/// `None` when the node keeps no index of the files.
pub async fn documents(state: &AppState, actor: &Actor, text: &str, limit: usize) -> ApiResult<Result<Option<Vec<DocumentHit>>, Refusal>> {
    let scope = match state.store.file_scope(actor).await? {
        Ok(scope) => scope.map(|s| Scope { unit: s.unit, plus: s.plus, minus: s.minus }),
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(index) = state.documents.clone() else { return Ok(Ok(None)) };
    let query = text.to_string();
    let hits = tokio::task::spawn_blocking(move || index.search(&query, scope.as_ref(), limit)).await.map_err(ApiError::internal)??;
    let mut cases: Vec<i64> = hits.iter().map(|h| h.case_id).collect();
    cases.sort_unstable();
    cases.dedup();
    let why = searched(&ReadReason::new("pretraga spisa predmeta", None), text);
    state.store.disclose_cases(actor, "document.search", &why, &cases).await?;
    Ok(Ok(Some(hits)))
}
