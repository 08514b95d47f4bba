//! The SQLite backend: the embedded default. One write connection (the node has a single
//! writer), a pool of read-only connections, WAL journal with `synchronous = FULL` so a
//! committed transaction survives a crash or a power loss.
//!
//! The write-ahead log is copied back into the database by a connection of its own (a
//! passive checkpoint every [`CHECKPOINT_EVERY`], which never blocks the writer), not by the
//! writer at every thousandth page as SQLite does by default: that copy and its `fsync` ran
//! inside a commit and held up every write waiting behind it (the slowest writes under load).

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
            .pragma("temp_store", "memory");
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::from(sqlx::Error::Io(e)))?;
            }
        }
        let local_dir = std::path::absolute(options.get_filename()).ok().and_then(|f| f.parent().map(std::path::Path::to_path_buf));
        // The writer's cache holds the pages every write touches (the journal's tail, the
        // indexes being appended to); a reader's is smaller: reads are spread over the file,
        // which the operating system caches for all of them.
        let writer_options = options.clone().pragma("cache_size", "-32768").pragma("wal_autocheckpoint", "0");
        let write =
            SqlitePoolOptions::new().max_connections(1).min_connections(1).test_before_acquire(false).connect_with(writer_options).await?;
        let checkpointer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone().pragma("cache_size", "-256"))
            .await?;
        let checkpoints = tokio::spawn(checkpoint_continually(checkpointer));
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2).clamp(2, 16);
        // An embedded database's connections do not go stale: no ping before each use (each
        // ping is a round trip to the connection's worker thread, paid by every query).
        let read = SqlitePoolOptions::new()
            .max_connections(u32::try_from(readers).unwrap_or(4))
            .test_before_acquire(false)
            .connect_with(options.read_only(true).pragma("cache_size", "-8192"))
            .await?;
        Ok(Self { read, write, kind: "sqlite", begin_statement: "BEGIN IMMEDIATE", local_dir, background: Some(checkpoints) })
    }
}

/// How often the write-ahead log is copied back into the database.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Copies the write-ahead log back into the database, passively (frames a reader still
/// needs wait for the next round), until the pool is closed.
async fn checkpoint_continually(pool: sqlx::Pool<Sqlite>) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !pool.is_closed() {
        every.tick().await;
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            if !pool.is_closed() {
                tracing::warn!(%error, "the write-ahead log could not be copied into the database; trying again");
            }
        }
    }
}
