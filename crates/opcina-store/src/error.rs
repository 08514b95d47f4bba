//! Storage errors. A refusal by the domain is not an error of the store: commands return
//! `Result<Applied, Refusal>` inside `Result<_, StoreError>`, so callers can tell "the clerk
//! must fix the form" from "the node has a problem".

use opcina_core::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database could not write: its disk is full, or the disk failed. Nothing of the
    /// failed write was kept; the node serves writes again once the condition clears.
    #[error("{}: {detail}", fault.describe())]
    Storage { fault: StorageFault, detail: String },
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
            StoreError::Storage { fault, .. } => fault.code(),
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

/// Why the database could not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    /// No space left: the disk (or the database's quota) is full.
    Full,
    /// The disk failed to read or write (an I/O error, a read-only file system).
    Failed,
}

impl StorageFault {
    /// The stable code: `storage.full` or `storage.failed`.
    pub fn code(self) -> &'static str {
        match self {
            StorageFault::Full => "storage.full",
            StorageFault::Failed => "storage.failed",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            StorageFault::Full => "the database's disk is full; nothing of this write was kept",
            StorageFault::Failed => "the database's disk failed to write; nothing of this write was kept",
        }
    }

    /// The fault a database error reports, if it is one of storage: SQLite's `SQLITE_FULL`,
    /// `SQLITE_IOERR_*` and `SQLITE_READONLY`; PostgreSQL's class 53 (`disk_full`,
    /// `insufficient_resources`) and `io_error`; an operating system's "no space left".
    pub fn of(e: &sqlx::Error) -> Option<StorageFault> {
        match e {
            sqlx::Error::Database(db) => {
                let code = db.code()?;
                // PostgreSQL's SQLSTATE first: it is all digits too, and no SQLite code is
                // as large.
                match code.as_ref() {
                    "53100" | "53000" => return Some(StorageFault::Full),
                    "58030" => return Some(StorageFault::Failed),
                    _ => {}
                }
                // SQLite's extended codes keep the primary code in the low byte.
                match code.parse::<i64>().ok()? & 0xff {
                    13 => Some(StorageFault::Full),
                    8 | 10 => Some(StorageFault::Failed),
                    _ => None,
                }
            }
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => Some(StorageFault::Full),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match StorageFault::of(&e) {
            Some(fault) => StoreError::Storage { fault, detail: e.to_string() },
            None => StoreError::Database(e),
        }
    }
}

impl StoreError {
    /// The storage fault behind this error, if it is one.
    pub fn storage_fault(&self) -> Option<StorageFault> {
        match self {
            StoreError::Storage { fault, .. } => Some(*fault),
            StoreError::Migration { source, .. } => StorageFault::of(source),
            _ => None,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
