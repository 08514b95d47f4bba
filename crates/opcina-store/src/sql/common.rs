// The kernel's SQL, compiled once per backend: `sqlite.rs` and `postgres.rs` each
// `include!` this file after defining `type Db` (the sqlx database). It knows no context:
// it writes any table's rows through the contexts' table declarations (`contexts.rs`),
// keeps the journal and its head, pages rows for verification, applies the contexts'
// migrations, and runs the queries the contexts write once over `Reads` (`sql/*.rs`).
// Formatted with `rustfmt --edition 2024 src/sql/common.rs` (`cargo fmt` does not see an
// included file), which CI checks.
//
// This file is not a module of its own (it has no `mod` declaration): it is included.

use std::collections::HashMap;

use async_trait::async_trait;
use opcina_core::journal::JournalHead;
use sqlx::{AssertSqlSafe, Connection as _, QueryBuilder, Row as _};

use crate::backend::{Batch, EachRow, Reads, RowHash, StoredItem, WriteTx};
use crate::contexts;
use crate::error::{Result, StoreError};
use crate::migrate::Migration;
use crate::table::{Param, Record, Row, Sink, Source, Table};

type DbRow = <Db as sqlx::Database>::Row;
type Conn = <Db as sqlx::Database>::Connection;

const JOURNAL_COLUMNS: &str = StoredItem::COLUMNS;

/// Bind parameters per statement stay well under SQLite's 32,766 (and PostgreSQL's 65,535).
const MAX_PARAMS: usize = 30_000;

/// Splits `n` rows into chunk sizes drawn from a few fixed values (so that each table has a
/// handful of distinct INSERT statements, all of which stay in the prepared-statement cache).
fn chunk_sizes(n: usize, max_rows: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = n;
    let mut size = 1024usize.min(max_rows.max(1));
    while left > 0 {
        while size > 1 && size > left {
            size /= 4;
        }
        let size = size.max(1);
        sizes.push(size);
        left -= size;
    }
    sizes
}

/// Binds a row's columns into one tuple of a multi-row `INSERT`.
struct TupleSink<'a, 'qb>(&'a mut sqlx::query_builder::Separated<'qb, Db, &'static str>);

impl Sink for TupleSink<'_, '_> {
    fn int(&mut self, v: Option<i64>) {
        self.0.push_bind(v);
    }
    fn text(&mut self, v: Option<&str>) {
        self.0.push_bind(v);
    }
    fn bytes(&mut self, v: Option<&[u8]>) {
        self.0.push_bind(v);
    }
    fn bool(&mut self, v: bool) {
        self.0.push_bind(v);
    }
}

/// Binds a statement's parameters in order.
#[derive(Default)]
struct ArgSink {
    args: <Db as sqlx::Database>::Arguments,
    error: Option<sqlx::error::BoxDynError>,
}

impl ArgSink {
    fn add<'t, T: sqlx::Encode<'t, Db> + sqlx::Type<Db>>(&mut self, v: T) {
        use sqlx::Arguments as _;
        if let Err(e) = self.args.add(v) {
            self.error.get_or_insert(e);
        }
    }

    fn of(params: &[&dyn Param]) -> Result<<Db as sqlx::Database>::Arguments> {
        let mut sink = ArgSink::default();
        for p in params {
            p.bind(&mut sink);
        }
        sink.finish()
    }

    /// The arguments bound, or the first value that could not be encoded.
    fn finish(self) -> Result<<Db as sqlx::Database>::Arguments> {
        match self.error {
            Some(e) => Err(StoreError::Database(sqlx::Error::Encode(e))),
            None => Ok(self.args),
        }
    }
}

impl Sink for ArgSink {
    fn int(&mut self, v: Option<i64>) {
        self.add(v);
    }
    fn text(&mut self, v: Option<&str>) {
        self.add(v);
    }
    fn bytes(&mut self, v: Option<&[u8]>) {
        self.add(v);
    }
    fn bool(&mut self, v: bool) {
        self.add(v);
    }
}

/// Reads a result row into what the query returns.
fn read<T: Record>(r: &DbRow) -> Result<T> {
    T::read(&RowSource(r))
}

/// Reads a result row by column position.
struct RowSource<'a>(&'a DbRow);

impl Source for RowSource<'_> {
    fn int(&self, i: usize) -> Result<i64> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.0.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<String> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.0.try_get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Vec<u8>> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        Ok(self.0.try_get(i)?)
    }
    fn bool(&self, i: usize) -> Result<bool> {
        Ok(self.0.try_get(i)?)
    }
}

async fn each_row(c: &mut Conn, sql: &str, params: &[&dyn Param], each: &mut EachRow<'_>) -> Result<()> {
    let rows = sqlx::query_with(AssertSqlSafe(sql.to_owned()), ArgSink::of(params)?).fetch_all(&mut *c).await?;
    for r in &rows {
        each(&RowSource(r))?;
    }
    Ok(())
}

/// Reads on the read pool, each query on a connection taken for it alone (so that no caller
/// can hold a connection while it waits for another: a pool of a few connections would
/// deadlock).
struct PoolReads<'a>(&'a sqlx::Pool<Db>);

#[async_trait]
impl Reads for PoolReads<'_> {
    async fn each(&mut self, sql: &str, params: &[&dyn Param], each: &mut EachRow<'_>) -> Result<()> {
        each_row(&mut *self.0.acquire().await?, sql, params, each).await
    }
}

fn unknown_table(name: &str, id: i64) -> StoreError {
    StoreError::corrupt("journal", id, format!("unknown table {name:?} (no context declares it)"))
}

/// Inserts rows of one table with multi-row `INSERT`s.
async fn insert_rows(c: &mut Conn, table: &Table, rows: &[&Row]) -> Result<()> {
    let mut start = 0usize;
    for size in chunk_sizes(rows.len(), MAX_PARAMS / table.arity) {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(format!("INSERT INTO {} ({}) ", table.name, table.columns));
        qb.push_values(&rows[start..start + size], |mut b, r| r.bind(&mut TupleSink(&mut b)));
        qb.build().execute(&mut *c).await?;
        start += size;
    }
    Ok(())
}

/// Rewrites a row in place: every column but the id, which binds first as `$1`.
async fn update_row(c: &mut Conn, table: &Table, row: &Row) -> Result<()> {
    if table.append_only {
        return Err(StoreError::corrupt(table.name, row.id(), "rows of this table are never updated"));
    }
    let sets: Vec<String> = table.columns.split(", ").enumerate().skip(1).map(|(i, column)| format!("{column} = ${}", i + 1)).collect();
    let sql = format!("UPDATE {} SET {} WHERE id = $1", table.name, sets.join(", "));
    let mut sink = ArgSink::default();
    row.bind(&mut sink);
    sqlx::query_with(AssertSqlSafe(sql), sink.finish()?).execute(&mut *c).await?;
    Ok(())
}

async fn write_batch(c: &mut Conn, batch: &Batch) -> Result<()> {
    let mut by_table: HashMap<&str, Vec<&Row>> = HashMap::new();
    for row in &batch.rows {
        by_table.entry(row.table()).or_default().push(row);
    }
    // Parents before children, for the foreign keys: the contexts' order.
    for table in contexts::tables() {
        if let Some(rows) = by_table.remove(table.name) {
            insert_rows(c, table, &rows).await?;
        }
    }
    if let Some((name, rows)) = by_table.into_iter().next() {
        return Err(unknown_table(name, rows[0].id()));
    }
    let items: Vec<StoredItem> = batch.journal.iter().map(StoredItem::from_item).collect();
    let mut start = 0usize;
    for size in chunk_sizes(items.len(), MAX_PARAMS / 9) {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(format!("INSERT INTO journal ({JOURNAL_COLUMNS}) "));
        qb.push_values(&items[start..start + size], |mut b, r| {
            b.push_bind(r.seq)
                .push_bind(r.at)
                .push_bind(r.actor.as_str())
                .push_bind(r.office_code.as_deref())
                .push_bind(r.action.as_str())
                .push_bind(r.table_name.as_str())
                .push_bind(r.row_id)
                .push_bind(r.row_hash.as_deref())
                .push_bind(r.hash.as_slice());
        });
        qb.build().execute(&mut *c).await?;
        start += size;
    }
    for row in &batch.updates {
        let table = contexts::table(row.table()).ok_or_else(|| unknown_table(row.table(), row.id()))?;
        update_row(c, table, row).await?;
    }
    Ok(())
}

async fn lock_head(c: &mut Conn) -> Result<JournalHead> {
    // An UPDATE that changes nothing still takes the row lock on PostgreSQL, so concurrent
    // writers queue here; SQLite has a single writer anyway.
    let r = sqlx::query("UPDATE journal_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *c).await?;
    let seq: i64 = r.try_get("seq")?;
    let hash: Vec<u8> = r.try_get("hash")?;
    let hash = <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| StoreError::corrupt("journal_head", 1, "hash is not 32 bytes"))?;
    Ok(JournalHead { seq, hash })
}

async fn read_head(c: &mut Conn) -> Result<JournalHead> {
    let r = sqlx::query("SELECT seq, hash FROM journal_head WHERE id = 1").fetch_one(&mut *c).await?;
    let seq: i64 = r.try_get("seq")?;
    let hash: Vec<u8> = r.try_get("hash")?;
    let hash = <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| StoreError::corrupt("journal_head", 1, "hash is not 32 bytes"))?;
    Ok(JournalHead { seq, hash })
}

async fn store_head(c: &mut Conn, head: JournalHead) -> Result<()> {
    sqlx::query("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(head.seq)
        .bind(head.hash.as_slice())
        .execute(&mut *c)
        .await?;
    Ok(())
}

async fn fetch_journal_page(c: &mut Conn, after: i64, limit: i64) -> Result<Vec<StoredItem>> {
    let sql = format!("SELECT {JOURNAL_COLUMNS} FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2");
    sqlx::query(AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?.iter().map(read::<StoredItem>).collect()
}

/// A declared table's rows after `after`, in id order, each read by `read`.
async fn table_page<T>(c: &mut Conn, name: &str, after: i64, limit: i64, read: fn(&Table, &dyn Source) -> Result<T>) -> Result<Vec<T>> {
    let table = contexts::table(name).ok_or_else(|| unknown_table(name, 0))?;
    let sql = format!("SELECT {} FROM {} WHERE id > $1 ORDER BY id LIMIT $2", table.columns, table.name);
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?;
    rows.iter().map(|r| read(table, &RowSource(r))).collect()
}

async fn fetch_row_hashes(c: &mut Conn, name: &str, after: i64, limit: i64) -> Result<Vec<RowHash>> {
    table_page(c, name, after, limit, |table, src| {
        let (id, hash) = (table.hash_stored)(src)?;
        Ok(RowHash { id, hash })
    })
    .await
}

async fn fetch_rows_page(c: &mut Conn, name: &str, after: i64, limit: i64) -> Result<Vec<Row>> {
    table_page(c, name, after, limit, |table, src| (table.decode)(src)).await
}

/// Applies the migrations the database lacks, each in its own transaction, recording a
/// checksum so that a migration edited after release is detected.
async fn run_migrations(c: &mut Conn, kind: &str, migrations: &[Migration]) -> Result<Vec<i64>> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *c)
    .await?;
    let applied: Vec<(i64, String)> = sqlx::query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("version")?, r.try_get("checksum")?)))
        .collect::<Result<_>>()?;
    for (version, checksum) in &applied {
        match migrations.iter().find(|m| m.version == *version) {
            None => return Err(StoreError::UnknownMigration { applied: *version }),
            Some(m) if &m.checksum(kind) != checksum => return Err(StoreError::MigrationChanged { version: m.version, name: m.name }),
            Some(_) => {}
        }
    }
    let mut done = Vec::new();
    for m in migrations.iter().filter(|m| !applied.iter().any(|(v, _)| *v == m.version)) {
        let wrap = |source| StoreError::Migration { version: m.version, name: m.name, source };
        let mut tx = c.begin().await.map_err(wrap)?;
        sqlx::raw_sql(m.sql(kind)).execute(&mut *tx).await.map_err(wrap)?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(m.checksum(kind))
            .bind(chrono::Utc::now().timestamp_micros())
            .execute(&mut *tx)
            .await
            .map_err(wrap)?;
        tx.commit().await.map_err(wrap)?;
        done.push(m.version);
    }
    Ok(done)
}

/// Makes the database refuse a journal item at a position below 1 and a row of any
/// declared table with an id below 1 (ids are journal positions). The verifiers read from
/// the lowest id anyway and name such a row as inserted behind the program's back; this
/// refuses it outright. Done at every start for every table the contexts declare, so a new
/// context's tables get it without a migration of their own: a `CHECK` constraint on
/// PostgreSQL, triggers on SQLite (which cannot add a `CHECK` to a table). Rows already
/// there are not checked (`NOT VALID`): a node whose database holds such a row starts, and
/// `journal verify` names the row.
async fn require_positive_ids(c: &mut Conn, kind: &str) -> Result<()> {
    let columns = std::iter::once(("journal", "seq")).chain(contexts::tables().map(|t| (t.name, "id")));
    let mut sql = String::new();
    for (table, column) in columns {
        let name = format!("{table}_{column}_positive");
        if kind == "sqlite" {
            for (event, suffix) in [("INSERT".to_string(), "insert"), (format!("UPDATE OF {column}"), "update")] {
                sql.push_str(&format!(
                    "CREATE TRIGGER IF NOT EXISTS {name}_{suffix} BEFORE {event} ON {table} WHEN NEW.{column} < 1 \
                     BEGIN SELECT RAISE(ABORT, '{table}.{column} must be positive'); END;\n"
                ));
            }
        } else {
            sql.push_str(&format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{name}' AND conrelid = '{table}'::regclass) \
                 THEN ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} > 0) NOT VALID; END IF; END $$;\n"
            ));
        }
    }
    sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *c).await?;
    Ok(())
}

/// A write transaction on one connection of the write pool, begun, committed and rolled
/// back with plain statements. When any of them fails (a full disk, an I/O error, a lost
/// connection) the connection is closed instead of being returned to the pool: the
/// database discards whatever the transaction had done, and the pool opens a fresh
/// connection for the next one. (A connection kept after a failed `COMMIT` may still be
/// inside the transaction, or believe it is: SQLite rolls back by itself on a full disk, and
/// a driver that then counts a transaction still open refuses every later `BEGIN`.) A
/// transaction dropped without an end is discarded the same way.
pub struct Tx {
    conn: sqlx::pool::PoolConnection<Db>,
    open: bool,
}

impl Tx {
    async fn begin(pool: &sqlx::Pool<Db>, statement: &'static str) -> Result<Tx> {
        let mut tx = Tx { conn: pool.acquire().await?, open: true };
        tx.control(statement).await?;
        Ok(tx)
    }

    /// Runs `BEGIN`, `COMMIT` or `ROLLBACK`; on failure the connection is not reused. The
    /// transaction counts as open until its end succeeded, so one whose `COMMIT` was
    /// interrupted (its task cancelled) is discarded with its connection too.
    async fn control(&mut self, statement: &'static str) -> Result<()> {
        match sqlx::raw_sql(statement).execute(&mut *self.conn).await {
            Ok(_) => {
                self.open = statement.starts_with("BEGIN");
                Ok(())
            }
            Err(e) => {
                self.conn.close_on_drop();
                self.open = false;
                Err(e.into())
            }
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

#[async_trait]
impl Reads for Tx {
    async fn each(&mut self, sql: &str, params: &[&dyn Param], each: &mut EachRow<'_>) -> Result<()> {
        each_row(&mut self.conn, sql, params, each).await
    }
}

#[async_trait]
impl WriteTx for Tx {
    async fn lock_head(&mut self) -> Result<JournalHead> {
        lock_head(&mut self.conn).await
    }

    async fn store_head(&mut self, head: JournalHead) -> Result<()> {
        store_head(&mut self.conn, head).await
    }

    async fn write(&mut self, batch: &Batch) -> Result<()> {
        write_batch(&mut self.conn, batch).await
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        self.control("COMMIT").await
    }

    async fn rollback(mut self: Box<Self>) -> Result<()> {
        self.control("ROLLBACK").await
    }
}

/// A backend on one kind of database: a pool for reads and a pool for the writer (the same
/// pool on PostgreSQL; a single connection on SQLite).
pub struct DbBackend {
    read: sqlx::Pool<Db>,
    write: sqlx::Pool<Db>,
    kind: &'static str,
    /// How a write transaction begins (`BEGIN IMMEDIATE` on SQLite takes the write lock at
    /// once, so a second process waits instead of failing on the lock upgrade).
    begin_statement: &'static str,
    /// The directory of the database's files, when they are local.
    local_dir: Option<std::path::PathBuf>,
    /// Work the backend does beside the writer (SQLite's checkpoints), stopped with it.
    background: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for DbBackend {
    fn drop(&mut self) {
        if let Some(task) = &self.background {
            task.abort();
        }
    }
}

#[async_trait]
impl crate::backend::Backend for DbBackend {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn local_dir(&self) -> Option<&std::path::Path> {
        self.local_dir.as_deref()
    }

    async fn migrate(&self) -> Result<Vec<i64>> {
        let mut c = self.write.acquire().await?;
        let done = run_migrations(&mut c, self.kind, &contexts::migrations()).await?;
        require_positive_ids(&mut c, self.kind).await?;
        Ok(done)
    }

    async fn begin(&self) -> Result<Box<dyn WriteTx>> {
        Ok(Box::new(Tx::begin(&self.write, self.begin_statement).await?))
    }

    fn reads(&self) -> Box<dyn Reads + '_> {
        Box::new(PoolReads(&self.read))
    }

    async fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64> {
        let done = sqlx::query_with(AssertSqlSafe(sql.to_owned()), ArgSink::of(params)?).execute(&mut *self.write.acquire().await?).await?;
        Ok(done.rows_affected())
    }

    async fn close(&self) {
        if let Some(task) = &self.background {
            task.abort();
        }
        self.read.close().await;
        self.write.close().await;
    }

    async fn after_bulk_load(&self) -> Result<()> {
        use sqlx::Executor as _;
        let mut c = self.write.acquire().await?;
        // SQLite samples at most 1,000 rows per index (enough for the planner, fast at any size).
        let statements: &[&'static str] = if self.kind == "sqlite" {
            &["PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"]
        } else {
            &["ANALYZE"]
        };
        for s in statements {
            (&mut *c).execute(*s).await?;
        }
        Ok(())
    }

    async fn journal_head(&self) -> Result<JournalHead> {
        read_head(&mut *self.read.acquire().await?).await
    }

    async fn journal_page(&self, after_seq: i64, limit: i64) -> Result<Vec<StoredItem>> {
        fetch_journal_page(&mut *self.read.acquire().await?, after_seq, limit).await
    }

    async fn rows_page(&self, table: &str, after_id: i64, limit: i64) -> Result<Vec<Row>> {
        fetch_rows_page(&mut *self.read.acquire().await?, table, after_id, limit).await
    }

    async fn row_hashes(&self, table: &str, after_id: i64, limit: i64) -> Result<Vec<RowHash>> {
        fetch_row_hashes(&mut *self.read.acquire().await?, table, after_id, limit).await
    }

    async fn execute_raw(&self, sql: &str) -> Result<u64> {
        use sqlx::Executor as _;
        let mut c = self.write.acquire().await?;
        let done = (&mut *c).execute(AssertSqlSafe(sql.to_string())).await?;
        Ok(done.rows_affected())
    }
}
