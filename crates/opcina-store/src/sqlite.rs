//! The SQLite backend: the embedded default. One write connection (the node has a single
//! writer), a pool of read-only connections, WAL journal with `synchronous = FULL` so a
//! committed transaction survives a crash or a power loss.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

type Db = Sqlite;

include!("sql/common.rs");

pub type SqliteBackend = DbBackend;

impl DbBackend {
    /// Opens (creating when missing) the database at a `sqlite://PATH` URL.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::from(sqlx::Error::Io(e)))?;
            }
        }
        let local_dir = std::path::absolute(options.get_filename()).ok().and_then(|f| f.parent().map(std::path::Path::to_path_buf));
        let write =
            SqlitePoolOptions::new().max_connections(1).min_connections(1).test_before_acquire(false).connect_with(options.clone()).await?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2).clamp(2, 16);
        // An embedded database's connections do not go stale: no ping before each use (each
        // ping is a round trip to the connection's worker thread, paid by every query).
        let read = SqlitePoolOptions::new()
            .max_connections(u32::try_from(readers).unwrap_or(4))
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { read, write, kind: "sqlite", begin_statement: "BEGIN IMMEDIATE", local_dir })
    }
}
