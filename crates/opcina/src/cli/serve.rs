//! `opcina serve`: the node's HTTP interface, its search indexer, and a clean shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Args;
use opcina_search::PersonIndex;
use opcina_search::documents::DocumentIndex;
use opcina_search::index::LIVE_WRITER_BYTES;
use opcina_search::pieces::PieceIndex;
use opcina_store::Store;
use opcina_store::extracts::Sealer;
use opcina_store::files::Files;
use opcina_web::federation::{Federation, Settings};
use opcina_web::{AppState, app};

/// How often the outbox of annotation notices is looked at.
const OUTBOX_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// How often a serving node signs a checkpoint of its journal and sends it to its peers.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);
/// How often the mail sender looks for messages to send.
const MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
/// How often press releases whose embargo ended are written to the outbox.
const PRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
/// How often a node fetches the federation's directory again.
const DIRECTORY_REFRESH: std::time::Duration = std::time::Duration::from_secs(300);
use serde::Deserialize;

use super::{index_dir, open_store, redact};
use crate::{Database, IndexDir};

#[derive(Args)]
pub struct ServeArgs {
    /// A TOML file with `database`, `index` and `addr` (command-line options win).
    #[arg(long, env = "OPCINA_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://….
    #[arg(long = "database", env = "OPCINA_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
    /// Directory of the person search index.
    #[arg(long = "index", env = "OPCINA_INDEX_DIR", value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "OPCINA_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<SocketAddr>,
    /// The node's Ed25519 signing key (hex), to issue extracts.
    #[arg(long = "key", env = "OPCINA_SIGNING_KEY", value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The base URL citizens reach this node at (printed in the QR codes of extracts).
    #[arg(long = "public-url", env = "OPCINA_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Where the files of cases are kept: a directory, or s3://bucket/prefix [default:
    /// `files` beside an SQLite database, or ./opcina-files].
    #[arg(long = "files", env = "OPCINA_FILES", value_name = "DIR|URL")]
    pub files: Option<String>,
}

/// The node's configuration file. Relative paths are relative to the file's directory.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database: Option<String>,
    pub index: Option<PathBuf>,
    /// Where the files of cases are kept: a directory, or s3://bucket/prefix.
    pub files: Option<String>,
    pub addr: Option<SocketAddr>,
    /// The node's Ed25519 signing key (for extracts and federation).
    pub signing_key: Option<PathBuf>,
    /// The base URL citizens reach this node at (printed in the QR codes of extracts).
    pub public_url: Option<String>,
    /// Membership of a federation of municipalities.
    pub federation: Option<FederationConfig>,
    /// How the node is reached: behind a TLS proxy, HSTS, secure cookies.
    #[serde(default)]
    pub http: opcina_web::limits::HttpSettings,
    /// Where the node's e-mail goes (the links to open citizens' accounts).
    pub mail: Option<opcina_web::mail::MailSettings>,
}

/// `[federation]` in the node's configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationConfig {
    /// The federation authority's public key (hex, as `authority.pub` holds it).
    pub authority_key: String,
    /// Where the authority publishes the signed directory: a file or an http:// URL.
    pub directory: String,
    /// Where the last accepted directory is kept [default: federation-directory.json next
    /// to the configuration].
    pub cache: Option<PathBuf>,
    /// Seconds of clock difference tolerated between nodes.
    #[serde(default = "default_skew")]
    pub skew_seconds: i64,
    /// Milliseconds a call to another node may take.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

fn default_skew() -> i64 {
    30
}

fn default_timeout_ms() -> u64 {
    3_000
}

impl FederationConfig {
    /// The settings of a node whose member code is `member`.
    pub fn settings(&self, member: &str) -> anyhow::Result<Settings> {
        let bytes: [u8; 32] = hex::decode(self.authority_key.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .context("[federation] authority_key is not an Ed25519 public key in hex")?;
        let authority = ed25519_dalek::VerifyingKey::from_bytes(&bytes).context("[federation] authority_key is not a valid Ed25519 key")?;
        Ok(Settings {
            member: member.to_string(),
            authority,
            directory: self.directory.clone(),
            cache: self.cache.clone().unwrap_or_else(|| PathBuf::from("federation-directory.json")),
            skew: self.skew_seconds,
            timeout: std::time::Duration::from_millis(self.timeout_ms),
        })
    }
}

impl Config {
    pub fn load(path: &std::path::Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut c: Config = toml::from_str(&text).with_context(|| format!("{} is not a valid configuration", path.display()))?;
        let base = path.parent().unwrap_or(std::path::Path::new("."));
        let rel = |p: PathBuf| if p.is_relative() { base.join(p) } else { p };
        c.index = c.index.map(rel);
        c.signing_key = c.signing_key.map(rel);
        if let Some(m) = &mut c.mail {
            m.directory = m.directory.take().map(rel);
        }
        if let Some(f) = &mut c.federation {
            f.cache = Some(rel(f.cache.take().unwrap_or_else(|| PathBuf::from("federation-directory.json"))));
            if !f.directory.starts_with("http://") && !f.directory.starts_with("https://") {
                f.directory = rel(PathBuf::from(&f.directory)).display().to_string();
            }
        }
        if let Some(url) = &c.database {
            if let Some(p) = url.strip_prefix("sqlite://").filter(|p| !p.starts_with('/')) {
                c.database = Some(format!("sqlite://{}", base.join(p).display()));
            }
        }
        Ok(c)
    }
}

pub async fn run(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = match &a.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let Some(url) = a.database.or(config.database) else {
        bail!("give the database: --database URL, OPCINA_DATABASE_URL, or a --config file");
    };
    let database = Database { url };
    let dir = index_dir(&database, &IndexDir { dir: a.index.or(config.index) });
    let files = files_location(a.files.or(config.files), &dir);
    let files = Files::open(&files).with_context(|| format!("cannot keep files in {files}"))?;
    let addr = a.addr.or(config.addr).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let store = open_store(&database).await?;
    tracing::info!(files = %files.location(), "files of cases");
    store.set_files(files);
    let node = store.node().await.context("the database has no node: run `opcina init --database URL` first")?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let configured = a.public_url.or(config.public_url);
    let public_url = configured.clone().unwrap_or_else(|| format!("http://{}", addr));
    let seal = match a.key.or(config.signing_key) {
        Some(path) => {
            if configured.is_none() {
                tracing::warn!(
                    %public_url,
                    "no public address configured (--public-url or public_url): the QR code and verification link on every \
                     document issued point to this listening address, which citizens and other bodies may not reach"
                );
            }
            Some(load_seal(&store, &path, &public_url).await?)
        }
        None => {
            tracing::warn!("no signing key configured (--key or signing_key): extracts cannot be issued");
            None
        }
    };
    let (municipality, shown) = (node.municipality.clone(), redact(&database.url));
    let index_shown = dir.display().to_string();
    let announce: Box<dyn FnOnce(SocketAddr) + Send> = Box::new(move |at| {
        tracing::info!(%municipality, database = %shown, index = %index_shown, "serving on http://{at}");
    });
    let federation = match &config.federation {
        Some(f) if seal.is_some() => Some(f.settings(&node.code)?),
        Some(_) => bail!("[federation] needs the node's signing key (--key or signing_key)"),
        None => None,
    };
    let mail = match &config.mail {
        Some(settings) => Some(mailer(settings, &public_url)?),
        None => {
            tracing::warn!(
                "no [mail] configured: messages to citizens (the links to open an account) wait in the outbox until a relay is configured"
            );
            None
        }
    };
    let options = Options { http: config.http.clone(), mail, public_url };
    serve(store, &dir, listener, seal, federation, options, Some(announce)).await?;
    Ok(ExitCode::SUCCESS)
}

/// The sender `[mail]` describes; the node greets the relay with its public host name.
pub fn mailer(settings: &opcina_web::mail::MailSettings, public_url: &str) -> anyhow::Result<opcina_web::mail::Mailer> {
    let host = public_url.split("://").nth(1).unwrap_or(public_url).split(['/', ':']).next().unwrap_or("localhost");
    opcina_web::mail::Mailer::new(settings, host).map_err(anyhow::Error::msg)
}

/// How a node serves, besides its store, index, seal and federation.
pub struct Options {
    /// How it is reached (behind a proxy, HSTS, secure cookies).
    pub http: opcina_web::limits::HttpSettings,
    /// Where its e-mail goes; without it messages wait in the outbox.
    pub mail: Option<opcina_web::mail::Mailer>,
    /// The base URL people reach it at (links in messages, QR codes).
    pub public_url: String,
}

/// Where the node keeps the files of cases: as given, else `files` beside the index
/// directory (and so beside an SQLite database), else `./opcina-files`.
pub fn files_location(given: Option<String>, index_dir: &std::path::Path) -> String {
    given.unwrap_or_else(|| {
        let beside = index_dir.parent().filter(|p| !p.as_os_str().is_empty()).map(|p| p.join("files"));
        beside.unwrap_or_else(|| PathBuf::from("opcina-files")).display().to_string()
    })
}

/// The node's seal from its key file, registered on the node, with the public URL.
pub async fn load_seal(store: &Store, key: &std::path::Path, public_url: &str) -> anyhow::Result<(Sealer, String)> {
    let key = super::extract::read_key(key)?;
    store.register_key(&super::admin::operator(), &key.verifying_key()).await?;
    Ok((Sealer::new(key), public_url.to_string()))
}

/// The directory of another index beside the person index (`index` → `index-{what}`).
fn beside(index_dir: &std::path::Path, what: &str) -> PathBuf {
    let name = index_dir.file_name().map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    index_dir.with_file_name(format!("{name}-{what}"))
}

/// The document index's directory: beside the person index (`index` → `index-documents`).
pub fn documents_dir(index_dir: &std::path::Path) -> PathBuf {
    beside(index_dir, "documents")
}

/// The piece index's directory: beside the person index (`index` → `index-pieces`).
pub fn pieces_dir(index_dir: &std::path::Path) -> PathBuf {
    beside(index_dir, "pieces")
}

/// Serves a store until Ctrl-C or SIGTERM; `ready` is called once the person index has
/// caught up with the journal (what a killed process registered but had not yet indexed is
/// searchable before the first request is answered) and connections are being accepted.
pub async fn serve(
    store: Store,
    index_dir: &std::path::Path,
    listener: tokio::net::TcpListener,
    seal: Option<(Sealer, String)>,
    federation: Option<Settings>,
    options: Options,
    ready: Option<Box<dyn FnOnce(SocketAddr) + Send>>,
) -> anyhow::Result<()> {
    let owner = super::index_owner(&store.node().await?);
    super::claim_index_dir(index_dir, &owner)?;
    let index = Arc::new(
        PersonIndex::open(index_dir, LIVE_WRITER_BYTES, 1).with_context(|| format!("cannot open the index in {}", index_dir.display()))?,
    );
    let behind = store.raw().journal_head().await?.seq - index.watermark();
    if behind > 0 {
        tracing::info!(journal_items = behind, "the person index is behind the journal; catching up before serving");
        let updated = opcina_search::indexer::catch_up(&index, store.raw()).await.context("the person index could not catch up")?;
        opcina_search::indexer::commit(&index).await.context("the person index could not commit")?;
        tracing::info!(people = updated, "the person index has caught up");
    }
    let indexer = opcina_search::indexer::spawn(Arc::clone(&index), store.clone());
    // The files of cases are searched in an index of their own, beside the person index.
    let documents_dir = documents_dir(index_dir);
    super::claim_index_dir(&documents_dir, &owner)?;
    let documents = Arc::new(
        DocumentIndex::open(&documents_dir, LIVE_WRITER_BYTES)
            .with_context(|| format!("cannot open the document index in {}", documents_dir.display()))?,
    );
    let document_indexer = opcina_search::documents::spawn(Arc::clone(&documents), store.clone());
    // The website's pieces, in a third.
    let pieces_dir = pieces_dir(index_dir);
    super::claim_index_dir(&pieces_dir, &owner)?;
    let pieces = Arc::new(
        PieceIndex::open(&pieces_dir, LIVE_WRITER_BYTES)
            .with_context(|| format!("cannot open the piece index in {}", pieces_dir.display()))?,
    );
    let piece_indexer = opcina_search::pieces::spawn(Arc::clone(&pieces), store.clone());
    let mut state = AppState::new(store.clone(), Arc::clone(&index))
        .with_documents(documents)
        .with_pieces(pieces)
        .with_http(options.http)
        .with_public_url(&options.public_url);
    let mailer = options.mail.map(|m| {
        tracing::info!(to = %m.describe(), "mail is sent");
        m.spawn(store.clone(), MAIL_EVERY)
    });
    let press = Some(opcina_web::press::spawn(store.clone(), options.public_url.trim_end_matches('/').to_string(), PRESS_EVERY));
    let mut refresher = None;
    if let (Some(settings), Some((sealer, _))) = (federation, &seal) {
        let federation = Arc::new(Federation::new(settings, sealer.key().clone()));
        match federation.refresh().await {
            Ok(serial) => {
                tracing::info!(member = %federation.settings.member, keyid = %federation.keyid(), serial, "federation directory accepted")
            }
            Err(error) => {
                tracing::error!(%error, "no valid federation directory: the federation's services are unavailable until one is published")
            }
        }
        refresher = Some(Arc::clone(&federation).spawn_refresh(DIRECTORY_REFRESH));
        state = state.with_federation(federation);
    }
    // The journal is anchored at start, every period, and when the node stops.
    let anchoring = seal.as_ref().map(|(sealer, _)| (sealer.clone(), state.federation.clone()));
    let checkpoints = anchoring
        .clone()
        .map(|(sealer, federation)| opcina_web::anchor::spawn_checkpoints(store.clone(), sealer, federation, CHECKPOINT_EVERY));
    if let Some((sealer, public_url)) = seal {
        state = state.with_sealer(sealer, &public_url);
    }
    let outbox = state.federation.clone().map(|f| f.spawn_outbox(state.clone(), OUTBOX_EVERY));
    let router = app(state);
    if let Some(ready) = ready {
        ready(listener.local_addr()?);
    }
    // The peer's address reaches the handlers (`limits::Client`: per-client limits).
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown()).await?;
    indexer.abort();
    document_indexer.abort();
    piece_indexer.abort();
    for task in [refresher, outbox, mailer, press, checkpoints].into_iter().flatten() {
        task.abort();
    }
    if let Some((sealer, federation)) = anchoring {
        match opcina_web::anchor::checkpoint_now(&store, &sealer, federation.as_deref()).await {
            Ok((row, _)) => tracing::info!(seq = row.seq, checkpoint = row.id, "journal checkpoint on shutdown"),
            Err(error) => tracing::warn!(%error, "no journal checkpoint could be made on shutdown"),
        }
    }
    // What is staged in the index is committed, so that a restart need not catch up.
    if let Err(error) = opcina_search::indexer::commit(&index).await {
        tracing::warn!(%error, "the person index could not commit on shutdown; it will catch up on start");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_http_section_says_how_the_node_is_reached() {
        let c: Config = toml::from_str("public_url = \"https://opcina.example\"\n[http]\nbehind_proxy = true\nhsts = true\n").unwrap();
        assert_eq!(c.http, opcina_web::limits::HttpSettings { behind_proxy: true, hsts: true, secure_cookies: None });
        assert_eq!(toml::from_str::<Config>("").unwrap().http, opcina_web::limits::HttpSettings::default());
        assert!(toml::from_str::<Config>("[http]\nbehind_prox = true\n").is_err(), "a misspelt setting is refused");
    }
}
