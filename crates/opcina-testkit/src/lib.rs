//! Test support shared by the workspace's test suites.
//!
//! Storage tests are written once and run on both backends with [`backend_test!`]: each test
//! gets a fresh SQLite file in a temporary directory, and a fresh schema in the PostgreSQL
//! database named by `OPCINA_TEST_POSTGRES_URL`. Without that variable the PostgreSQL half
//! of each test returns at once (the `postgres_status` test prints one line saying so);
//! with `OPCINA_TEST_REQUIRE_POSTGRES=1` (set by `.ci/run`) it fails instead.

#![forbid(unsafe_code)]
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

pub mod commands;
pub mod disk;
pub mod docflow;
pub mod extracts;
pub mod publicinfo;
pub mod reports;
pub mod smtp;
pub mod webdriver;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use opcina_core::registry::{Actor, Role};
use opcina_store::Store;
use opcina_store::admin::UserSpec;

/// The environment variable naming the PostgreSQL test database.
pub const POSTGRES_URL_VAR: &str = "OPCINA_TEST_POSTGRES_URL";
/// Set to 1 to make a missing or unreachable PostgreSQL a failure instead of a skip.
pub const REQUIRE_POSTGRES_VAR: &str = "OPCINA_TEST_REQUIRE_POSTGRES";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// The PostgreSQL URL tests should use, if any.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
            }
            None
        }
    }
}

/// A fresh, empty database of one backend, dropped with the test.
pub struct TestDb {
    pub kind: Kind,
    /// A URL the program accepts (`--database`), pointing at this test's database only.
    pub url: String,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let mut r = [0u8; 4];
    let _ = getrandom::fill(&mut r);
    format!("t{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), hex::encode(r))
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("opcina.db").display());
        TestDb { kind: Kind::Sqlite, url, dir: Some(dir), pg: None }
    }

    /// An SQLite database in `dir` (a small disk, say), which the caller keeps.
    pub fn sqlite_in(dir: &std::path::Path) -> TestDb {
        let url = format!("sqlite://{}", dir.join("opcina.db").display());
        TestDb { kind: Kind::Sqlite, url, dir: None, pg: None }
    }

    /// A fresh schema in the PostgreSQL test database, or `None` when none is configured.
    pub async fn postgres() -> Option<TestDb> {
        let base = postgres_url()?;
        let schema = unique_name();
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}={base}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&mut conn).await.expect("create schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options[search_path]={schema}");
        Some(TestDb { kind: Kind::Postgres, url, dir: None, pg: Some((base, schema)) })
    }

    pub async fn of(kind: Kind) -> Option<TestDb> {
        match kind {
            Kind::Sqlite => Some(TestDb::sqlite().await),
            Kind::Postgres => TestDb::postgres().await,
        }
    }

    /// A directory that lives as long as the test (for indexes, keys, files).
    pub fn scratch(&self) -> std::path::PathBuf {
        match &self.dir {
            Some(d) => d.path().to_path_buf(),
            // A database in a directory the caller keeps: that directory.
            None if self.kind == Kind::Sqlite => {
                let file = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                std::path::Path::new(file).parent().map(std::path::Path::to_path_buf).unwrap_or_else(std::env::temp_dir)
            }
            None => {
                let p = std::env::temp_dir().join(format!("opcina-test-{}", self.pg.as_ref().map_or("x", |(_, s)| s.as_str())));
                let _ = std::fs::create_dir_all(&p);
                p
            }
        }
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.url).await.unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.pg.take() {
            let scratch = std::env::temp_dir().join(format!("opcina-test-{schema}"));
            let _ = std::fs::remove_dir_all(scratch);
            // A runtime of its own: the test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                rt.block_on(async move {
                    if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&base).await {
                        let _ =
                            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))).execute(&mut conn).await;
                    }
                });
            })
            .join();
        }
    }
}

/// The Kakanj node with one user of each role, as most tests need it.
pub struct Kakanj {
    pub store: Store,
    pub registrar: Actor,
    /// A registrar of the Kraljeva Sutjeska office.
    pub registrar_ks: Actor,
    pub clerk: Actor,
    pub auditor: Actor,
    pub admin: Actor,
}

impl Kakanj {
    pub async fn set_up(db: &TestDb) -> Kakanj {
        let store = db.open().await;
        let system = Actor::system("test");
        let (node, offices) = opcina_store::presets::kakanj();
        store.init_node(&system, &node, &offices).await.expect("init node");
        let mut users = Vec::new();
        for (username, role, office) in [
            ("maticar", Role::Registrar, Some("KAK")),
            ("maticar.ks", Role::Registrar, Some("KSU")),
            ("salter", Role::CounterClerk, Some("KAK")),
            ("revizor", Role::Auditor, None),
            ("admin", Role::Admin, None),
        ] {
            let spec = UserSpec { username: username.into(), full_name: username.into(), role, office: office.map(str::to_string) };
            store.add_user(&system, &spec).await.expect("add user");
            users.push(Actor { username: username.into(), role, office: office.map(str::to_string) });
        }
        let mut users = users.into_iter();
        let mut next = || users.next().expect("user");
        Kakanj { store: store.clone(), registrar: next(), registrar_ks: next(), clerk: next(), auditor: next(), admin: next() }
    }
}

/// A calendar date, for brevity in tests.
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Runs one async test body on SQLite and on PostgreSQL:
///
/// ```ignore
/// backend_test! {
///     async fn journal_verifies_clean(db: TestDb) { ... }
/// }
/// ```
/// generates `journal_verifies_clean::sqlite` and `journal_verifies_clean::postgres`.
#[macro_export]
macro_rules! backend_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident : TestDb) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: $crate::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body($crate::TestDb::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDb::postgres().await {
                    body(db).await
                }
            }
        }
    };
}

/// What a use case refused, as (code, field) pairs (`""` for the request as a whole); panics
/// when it was not refused.
pub fn codes<T: std::fmt::Debug>(r: Result<T, opcina_core::Refusal>) -> Vec<(&'static str, String)> {
    match r {
        Ok(v) => panic!("not refused: {v:?}"),
        Err(r) => r.errors.iter().map(|e| (e.code, e.field.clone().unwrap_or_default())).collect(),
    }
}
