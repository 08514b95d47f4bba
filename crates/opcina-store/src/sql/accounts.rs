//! The reads of staff passwords and sessions and of citizens' accounts, written once for
//! both databases; and the session writes (operational state outside the journal).

use async_trait::async_trait;

use crate::backend::{AccountKey, Backend, Reads, SessionKind, one};
use crate::error::Result;
use crate::rows::{AccountPasswordRow, AccountRow, PasswordRow, SessionRow, VerificationRow};
use crate::table::Record;

#[async_trait]
pub trait AccountReads: Reads {
    /// A user's current password (their latest).
    async fn password(&mut self, user_id: i64) -> Result<Option<PasswordRow>> {
        let sql = format!("SELECT {} FROM user_passwords WHERE user_id = $1 ORDER BY id DESC LIMIT 1", PasswordRow::COLUMNS);
        one(self, &sql, &[&user_id]).await
    }

    /// A session by the hash of its token (whatever its state).
    async fn session(&mut self, kind: SessionKind, token_hash: &[u8]) -> Result<Option<SessionRow>> {
        let sql = format!("SELECT {} FROM {} WHERE token_hash = $1", SessionRow::COLUMNS, kind.table());
        one(self, &sql, &[&token_hash]).await
    }

    async fn account(&mut self, key: AccountKey<'_>) -> Result<Option<AccountRow>> {
        let (column, value): (&str, &dyn crate::table::Param) = match &key {
            AccountKey::Id(id) => ("id", id),
            AccountKey::Email(email) => ("email", email),
            AccountKey::Code(code) => ("code", code),
        };
        one(self, &format!("SELECT {} FROM citizen_accounts WHERE {column} = $1", AccountRow::COLUMNS), &[value]).await
    }

    /// A citizen's current password.
    async fn account_password(&mut self, account_id: i64) -> Result<Option<AccountPasswordRow>> {
        let sql = format!("SELECT {} FROM citizen_passwords WHERE account_id = $1 ORDER BY id DESC LIMIT 1", AccountPasswordRow::COLUMNS);
        one(self, &sql, &[&account_id]).await
    }

    /// An account's current verification (the JMBG it belongs to).
    async fn verification(&mut self, account_id: i64) -> Result<Option<VerificationRow>> {
        let sql = format!("SELECT {} FROM citizen_verifications WHERE account_id = $1 ORDER BY id DESC LIMIT 1", VerificationRow::COLUMNS);
        one(self, &sql, &[&account_id]).await
    }
}

impl<R: Reads + ?Sized> AccountReads for R {}

pub(crate) async fn insert_session(backend: &dyn Backend, kind: SessionKind, s: &SessionRow) -> Result<()> {
    let sql = format!("INSERT INTO {} ({}) VALUES ($1, $2, $3, $4, $5, $6)", kind.table(), SessionRow::COLUMNS);
    backend.execute(&sql, &[&s.token_hash, &s.user_id, &s.created_at, &s.seen_at, &s.expires_at, &s.ended_at]).await?;
    Ok(())
}

/// Records that a session was used at `at`.
pub(crate) async fn touch_session(backend: &dyn Backend, kind: SessionKind, token_hash: &[u8], at: i64) -> Result<()> {
    let sql = format!("UPDATE {} SET seen_at = $1 WHERE token_hash = $2 AND seen_at < $1", kind.table());
    backend.execute(&sql, &[&at, &token_hash]).await?;
    Ok(())
}

/// Ends one session (by token) or all of a user's (an account's); returns how many were open.
pub(crate) async fn end_sessions(
    backend: &dyn Backend,
    kind: SessionKind,
    token_hash: Option<&[u8]>,
    user_id: Option<i64>,
    at: i64,
) -> Result<u64> {
    let sql = format!("UPDATE {} SET ended_at = $1 WHERE ended_at IS NULL AND (token_hash = $2 OR user_id = $3)", kind.table());
    backend.execute(&sql, &[&at, &token_hash, &user_id]).await
}
