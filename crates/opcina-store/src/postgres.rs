//! The PostgreSQL backend, for a node that outgrows SQLite (a canton, an entity, a country).
//! One pool serves reads and writes; concurrent writers (several `opcina serve` processes
//! behind a load balancer) queue on the journal head's row lock.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, Postgres};

type Db = Postgres;

include!("sql/common.rs");

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
        Ok(Self { read: pool.clone(), write: pool, kind: "postgres", begin_statement: "BEGIN", local_dir: None, background: None })
    }
}
