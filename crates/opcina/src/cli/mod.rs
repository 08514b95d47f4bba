//! The commands of the `opcina` binary, and what they share.

pub mod admin;
pub mod data;
pub mod demo;
pub mod demo_federation;
pub mod extract;
pub mod federation;
pub mod serve;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use opcina_store::Store;

use crate::{Database, IndexDir};

/// Logs to stderr; `RUST_LOG` overrides the level (`info` for the server, `warn` otherwise).
pub fn init_logging(quiet: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

pub async fn open_store(database: &Database) -> anyhow::Result<Store> {
    Store::open(&database.url).await.with_context(|| format!("cannot open the database {}", redact(&database.url)))
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &credentials[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The index directory: given, or beside an SQLite database, or `./opcina-index`.
pub fn index_dir(database: &Database, index: &IndexDir) -> PathBuf {
    if let Some(d) = &index.dir {
        return d.clone();
    }
    let path =
        database.url.strip_prefix("sqlite://").or_else(|| database.url.strip_prefix("sqlite:")).map(|p| p.split('?').next().unwrap_or(p));
    match path.map(Path::new).and_then(Path::parent) {
        Some(dir) => dir.join("index"),
        None => PathBuf::from("opcina-index"),
    }
}

/// A progress bar on a terminal (hidden otherwise).
pub fn progress(len: Option<u64>, what: &str) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    let template =
        if len.is_some() { "{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, {eta})" } else { "{msg:>12} {spinner} {pos} ({per_sec})" };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(redact("postgres://ana:tajna@db:5432/x"), "postgres://ana:***@db:5432/x");
        assert_eq!(redact("postgres://ana@db/x"), "postgres://ana@db/x");
        assert_eq!(redact("sqlite://a/b.db"), "sqlite://a/b.db");
    }

    #[test]
    fn the_index_sits_beside_an_sqlite_database() {
        let db = |u: &str| Database { url: u.into() };
        let none = IndexDir { dir: None };
        assert_eq!(index_dir(&db("sqlite://data/opcina.db"), &none), PathBuf::from("data/index"));
        assert_eq!(index_dir(&db("postgres://x@y/z"), &none), PathBuf::from("opcina-index"));
    }
}
