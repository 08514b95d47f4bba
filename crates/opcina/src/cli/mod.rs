//! The commands of the `opcina` binary, and what they share.

pub mod admin;
pub mod backup;
pub mod data;
pub mod demo;
pub mod demo_federation;
pub mod extract;
pub mod federation;
pub mod journal;
pub mod serve;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use opcina_store::Store;

use crate::{Database, IndexDir};

/// Logs to stderr; `RUST_LOG` overrides the level (`info` for the server, `warn` otherwise).
/// A command's own long reads (`journal verify` scans every table) are not warned about as
/// slow statements: only a server's are worth the operator's attention.
pub fn init_logging(quiet: bool) {
    let default = if quiet { "warn,sqlx::query=error" } else { "info" };
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

/// The index directory: given, or named after the database so that two databases never
/// share one (`data/kakanj.db` → `data/kakanj.index`; a PostgreSQL database `opcina` →
/// `./opcina.index`). An index is rebuilt from the journal when it is new.
pub fn index_dir(database: &Database, index: &IndexDir) -> PathBuf {
    if let Some(d) = &index.dir {
        return d.clone();
    }
    let url = database.url.split('?').next().unwrap_or(&database.url);
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let path = Path::new(path);
        let stem = path.file_stem().map_or_else(|| "opcina".into(), |s| s.to_string_lossy().into_owned());
        return path.with_file_name(format!("{stem}.index"));
    }
    // postgres://user@host:port/name: the database's name, in characters a file name takes.
    let name: String =
        url.rsplit('/').next().unwrap_or_default().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    PathBuf::from(format!("{}.index", if name.is_empty() { "opcina" } else { &name }))
}

/// The file in an index directory that names the node whose database the index was built
/// from.
const INDEX_OWNER: &str = "opcina-node";

/// Claims an index directory for the node `owner` (its code and the moment its database was
/// initialised): an index built from another node's database is emptied, so that it is
/// rebuilt from this one's journal instead of answering with the other node's people (two
/// nodes given one `--index`, or a database replaced under an old index). A directory that
/// names no node (new, or from before the name was kept) is claimed as it is.
pub fn claim_index_dir(dir: &Path, owner: &str) -> anyhow::Result<()> {
    let file = dir.join(INDEX_OWNER);
    match std::fs::read_to_string(&file) {
        Ok(found) if found.trim() == owner => return Ok(()),
        Ok(found) => {
            tracing::warn!(dir = %dir.display(), built_for = %found.trim(), node = %owner, "the index was built from another node's database; rebuilding it");
            std::fs::remove_dir_all(dir).with_context(|| format!("cannot empty {}", dir.display()))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(&file, format!("{owner}\n")).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(())
}

/// How an index names the node it belongs to.
pub fn index_owner(node: &opcina_store::rows::NodeRow) -> String {
    format!("{} {}", node.code, node.created_at)
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
    fn an_index_built_from_another_nodes_database_is_emptied() {
        let dir = std::env::temp_dir().join(format!("opcina-claim-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        claim_index_dir(&dir, "KAK 1").unwrap();
        std::fs::write(dir.join("segment"), "kakanj's people").unwrap();
        // The same node again: the index is kept.
        claim_index_dir(&dir, "KAK 1").unwrap();
        assert!(dir.join("segment").exists());
        // Another node (or another database of the same code): emptied and claimed.
        claim_index_dir(&dir, "ZEN 2").unwrap();
        assert!(!dir.join("segment").exists());
        assert_eq!(std::fs::read_to_string(dir.join(INDEX_OWNER)).unwrap().trim(), "ZEN 2");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn each_database_has_an_index_of_its_own() {
        let db = |u: &str| Database { url: u.into() };
        let none = IndexDir { dir: None };
        assert_eq!(index_dir(&db("sqlite://data/opcina.db"), &none), PathBuf::from("data/opcina.index"));
        // Two databases in one folder (two nodes on one machine) do not share an index.
        assert_eq!(index_dir(&db("sqlite://data/zenica.db?mode=rwc"), &none), PathBuf::from("data/zenica.index"));
        assert_eq!(index_dir(&db("sqlite:kakanj.db"), &none), PathBuf::from("kakanj.index"));
        assert_eq!(index_dir(&db("postgres://x@y:5432/kakanj"), &none), PathBuf::from("kakanj.index"));
        assert_eq!(index_dir(&db("postgres://x@y:5432/zenica?sslmode=disable"), &none), PathBuf::from("zenica.index"));
        let given = IndexDir { dir: Some(PathBuf::from("/srv/idx")) };
        assert_eq!(index_dir(&db("sqlite://data/opcina.db"), &given), PathBuf::from("/srv/idx"));
    }
}
