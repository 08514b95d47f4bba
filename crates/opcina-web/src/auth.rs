//! Authentication by API token (`Authorization: Bearer opc_…`) and the caller it yields.
//! Tokens are stored hashed; a small cache spares the database a lookup per request
//! (a revoked token or deactivated user stops working within [`CACHE_TTL`]).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use opcina_core::registry::{Actor, Role};
use opcina_store::admin::token_hash;
use opcina_store::rows::UserRow;

use crate::AppState;
use crate::error::ApiError;

pub const CACHE_TTL: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct TokenCache {
    users: RwLock<HashMap<Vec<u8>, (UserRow, Instant)>>,
}

impl TokenCache {
    fn get(&self, hash: &[u8]) -> Option<UserRow> {
        let users = self.users.read().ok()?;
        let (user, at) = users.get(hash)?;
        (at.elapsed() < CACHE_TTL).then(|| user.clone())
    }

    fn put(&self, hash: Vec<u8>, user: UserRow) {
        if let Ok(mut users) = self.users.write() {
            if users.len() > 10_000 {
                users.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
            }
            users.insert(hash, (user, Instant::now()));
        }
    }
}

/// Roles that read people's records.
pub const READERS: [Role; 2] = [Role::Registrar, Role::CounterClerk];
/// Staff who work with the books and cases.
pub const STAFF: [Role; 3] = [Role::CounterClerk, Role::Registrar, Role::Official];
/// Who reads the books and the on-time rate: staff, and auditors preparing a review.
pub const REVIEWERS: [Role; 4] = [Role::CounterClerk, Role::Registrar, Role::Official, Role::Auditor];
/// Who reads the archive book, legal holds and disposal proposals.
pub const ARCHIVE_READERS: [Role; 5] = [Role::CounterClerk, Role::Registrar, Role::Official, Role::Auditor, Role::Admin];
/// Who keeps the archive: takes cases in, places holds, proposes disposals.
pub const KEEPERS: [Role; 2] = [Role::CounterClerk, Role::Registrar];
/// Who registers entries and annotations.
pub const REGISTRARS: [Role; 1] = [Role::Registrar];

/// The authenticated user making a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub full_name: String,
}

impl Caller {
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), ApiError> {
        if roles.contains(&self.actor.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("a user with the role {} may not {what}", self.actor.role)))
        }
    }
}

fn unauthorized(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer "))) else {
            return Err(unauthorized("auth.token.missing", "send an API token: Authorization: Bearer <token>"));
        };
        let hash = token_hash(token);
        let user = match state.tokens.get(&hash) {
            Some(u) => u,
            None => {
                let Some(user) = state.store.user_by_token(&hash).await? else {
                    return Err(unauthorized(
                        "auth.token.invalid",
                        "the API token is not valid (unknown, revoked, or its user is inactive)",
                    ));
                };
                state.tokens.put(hash, user.clone());
                user
            }
        };
        let role = user.role;
        Ok(Caller { actor: Actor { username: user.username.clone(), role, office: user.office_code.clone() }, full_name: user.full_name })
    }
}
