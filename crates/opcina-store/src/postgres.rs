//! The PostgreSQL backend, for a node that outgrows SQLite (a canton, an entity, a country).
//! One pool serves reads and writes; concurrent writers (several `opcina serve` processes
//! behind a load balancer) queue on the journal head's row lock.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, Postgres};

type Db = Postgres;

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "registry", sql: include_str!("../migrations/postgres/0001_registry.sql") },
    Migration { version: 2, name: "extracts", sql: include_str!("../migrations/postgres/0002_extracts.sql") },
    Migration { version: 3, name: "web", sql: include_str!("../migrations/postgres/0003_web.sql") },
    Migration { version: 4, name: "daily", sql: include_str!("../migrations/postgres/0004_daily.sql") },
    Migration { version: 5, name: "orders", sql: include_str!("../migrations/postgres/0005_orders.sql") },
    Migration { version: 6, name: "citizens", sql: include_str!("../migrations/postgres/0006_citizens.sql") },
    Migration { version: 7, name: "federation", sql: include_str!("../migrations/postgres/0007_federation.sql") },
    Migration { version: 8, name: "notices", sql: include_str!("../migrations/postgres/0008_notices.sql") },
    Migration { version: 9, name: "docflow", sql: include_str!("../migrations/postgres/0009_docflow.sql") },
    Migration { version: 10, name: "attachments", sql: include_str!("../migrations/postgres/0010_attachments.sql") },
    Migration { version: 11, name: "archive", sql: include_str!("../migrations/postgres/0011_archive.sql") },
];

include!("sql/common.rs");
include!("sql/registry.rs");
include!("sql/extracts.rs");
include!("sql/accounts.rs");
include!("sql/federation.rs");
include!("sql/docflow.rs");
include!("sql/archive.rs");

pub type PgBackend = DbBackend;

impl DbBackend {
    /// Connects to a `postgres://` URL. `search_path` selects a schema (tests use one schema
    /// each).
    pub async fn open(url: &str, search_path: Option<&str>, max_connections: u32) -> Result<Self> {
        let mut options = PgConnectOptions::from_str(url)?.application_name("opcina");
        if let Some(schema) = search_path {
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new().max_connections(max_connections).connect_with(options).await?;
        Ok(Self { read: pool.clone(), write: pool, kind: "postgres", begin_statement: None })
    }
}
