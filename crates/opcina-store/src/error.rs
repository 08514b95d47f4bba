//! Storage errors. A refusal by the domain is not an error of the store: commands return
//! `Result<Applied, Refusal>` inside `Result<_, StoreError>`, so callers can tell "the clerk
//! must fix the form" from "the node has a problem".

use opcina_core::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the database URL {0:?} is not supported: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: i64, name: &'static str, source: sqlx::Error },
    #[error("the database has migration {applied} applied, which this program does not know: upgrade the program")]
    UnknownMigration { applied: i64 },
    #[error("migration {version} ({name}) was changed after it was applied (checksum differs)")]
    MigrationChanged { version: i64, name: &'static str },
    #[error("the node is not initialised: run `opcina init` (or `opcina demo`) first")]
    NotInitialised,
    #[error("stored data is unreadable: {table} row {id}: {reason}")]
    Corrupt { table: &'static str, id: i64, reason: String },
    #[error("{0}")]
    Invalid(FieldError),
    #[error("the journal head moved while a bulk load was prepared (expected {expected}, found {found}); run it again")]
    Concurrent { expected: i64, found: i64 },
    #[error("the node's writer has stopped")]
    WriterStopped,
    #[error("files: {0}")]
    Files(String),
}

impl StoreError {
    /// Stable code for logs and API bodies.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Database(_) => "store.database",
            StoreError::Files(_) => "store.files",
            StoreError::UnsupportedUrl(_) => "store.url.unsupported",
            StoreError::Migration { .. } => "store.migration.failed",
            StoreError::UnknownMigration { .. } => "store.migration.unknown",
            StoreError::MigrationChanged { .. } => "store.migration.changed",
            StoreError::NotInitialised => "store.not_initialised",
            StoreError::Corrupt { .. } => "store.corrupt",
            StoreError::Invalid(e) => e.code,
            StoreError::Concurrent { .. } => "store.concurrent",
            StoreError::WriterStopped => "store.writer_stopped",
        }
    }

    pub(crate) fn corrupt(table: &'static str, id: i64, reason: impl std::fmt::Display) -> Self {
        StoreError::Corrupt { table, id, reason: reason.to_string() }
    }

    /// Is this a violation of a uniqueness constraint (a username taken, say)?
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
