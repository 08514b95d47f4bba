//! `opcina backup` and `opcina restore`: a copy of a node that can serve again — its database
//! (a consistent snapshot taken while the node serves), the files of its cases, and its key —
//! ending with a checkpoint signed just before the copy, which the restored node is verified
//! against. The indexes are not copied: they are derived, and a restored node builds them
//! from the journal (a live index copied mid-commit is exactly the truncated segment a node
//! must not be given).
//!
//! SQLite is copied with `VACUUM INTO` (one read transaction: in WAL mode writers go on, and
//! the copy is compacted and consistent); PostgreSQL with `pg_dump --format=custom` (one
//! snapshot) and restored with `pg_restore`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use opcina_store::Store;
use opcina_store::extracts::Sealer;
use opcina_store::verify::verify_anchored;
use serde::{Deserialize, Serialize};

use super::journal::JournalArgs;
use super::{open_store, redact};

/// The copy's description, `backup.toml` in its directory.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// When the copy was taken (RFC 3339).
    pub made_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The database's file in the copy: `opcina.db` or `database.pgdump`.
    pub database: String,
    /// The checkpoint signed just before the copy: the journal position the copy holds at
    /// least, and its hash (hex).
    pub checkpoint_seq: Option<i64>,
    pub checkpoint_hash: Option<String>,
    /// Files of cases copied, and their bytes.
    pub files: u64,
    pub file_bytes: u64,
    /// Whether the node's signing key is in `keys/node.key`.
    pub key: bool,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub node: JournalArgs,
    /// The directory to write the copy to (created; must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The directory a backup wrote.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Where to restore: the database (and, with --config, the node's files and key).
    #[command(flatten)]
    pub node: JournalArgs,
    /// Replace an existing SQLite database file (the node must be stopped).
    #[arg(long)]
    pub force: bool,
}

/// Where the node keeps the files of its cases, when on this machine.
fn files_dir(config: &super::serve::Config, database: &crate::Database) -> Option<PathBuf> {
    let index = super::index_dir(database, &crate::IndexDir { dir: config.index.clone() });
    let location = super::serve::files_location(config.files.clone(), &index);
    (!location.contains("://")).then(|| PathBuf::from(location))
}

pub async fn backup(a: &BackupArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (database, config) = a.node.resolve()?;
    if a.out.exists() && std::fs::read_dir(&a.out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("--out: {} exists and is not empty; a backup goes into a new directory", a.out.display());
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;
    let out = std::path::absolute(&a.out)?;
    let store = open_store(&database).await?;
    // A checkpoint first: the copy then holds a signed position to be verified against, and
    // the peers witness it.
    let key = config.signing_key.as_deref().map(super::extract::read_key).transpose()?;
    let checkpoint = match &key {
        Some(key) => {
            let federation = super::journal::federation(&store, &config).await?;
            let sealer = Sealer::new(key.clone());
            Some(opcina_web::anchor::checkpoint_now(&store, &sealer, federation.as_ref()).await?.0)
        }
        None => {
            println!("no signing key (give --config with signing_key): the copy has no checkpoint of its own to be verified against");
            None
        }
    };
    let file = match store.backend_kind() {
        "sqlite" => {
            let path = out.join("opcina.db");
            let quoted = path.display().to_string().replace('\'', "''");
            store.raw().execute_raw(&format!("VACUUM INTO '{quoted}'")).await.context("the database could not be copied")?;
            "opcina.db"
        }
        _ => {
            let path = out.join("database.pgdump");
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&path)
                .arg(&database.url)
                .status()
                .context("pg_dump could not be run (install the PostgreSQL client: apt-get install postgresql-client)")?;
            if !status.success() {
                bail!("pg_dump failed ({status}) for {}", redact(&database.url));
            }
            "database.pgdump"
        }
    };
    let (files, file_bytes) = match files_dir(&config, &database) {
        Some(dir) if dir.exists() => copy_tree(&dir, &out.join("files"))?,
        _ => (0, 0),
    };
    if let Some(path) = &config.signing_key {
        std::fs::create_dir_all(out.join("keys"))?;
        let text = std::fs::read_to_string(path)?;
        super::demo::write_private(&out.join("keys/node.key"), &text)?;
    }
    let manifest = Manifest {
        made_at: chrono::Utc::now().to_rfc3339(),
        backend: store.backend_kind().to_string(),
        database: file.to_string(),
        checkpoint_seq: checkpoint.as_ref().map(|c| c.seq),
        checkpoint_hash: checkpoint
            .as_ref()
            .and_then(|c| opcina_core::checkpoint::Checkpoint::parse(&c.statement).ok())
            .map(|c| hex::encode(c.hash)),
        files,
        file_bytes,
        key: config.signing_key.is_some(),
    };
    std::fs::write(out.join("backup.toml"), toml::to_string(&manifest)?)?;
    store.close().await;
    // The copy is checked as a restored node would be (an SQLite copy can be opened here).
    if file == "opcina.db" {
        let copy = Store::open(&format!("sqlite://{}", out.join(file).display())).await?;
        let keys: Vec<_> = key.iter().map(|k| k.verifying_key()).collect();
        let (anchors, forged) = copy.own_anchors(&keys).await?;
        let report = verify_anchored(copy.raw(), &anchors, &|_| {}).await?;
        copy.close().await;
        if !report.ok() || !forged.is_empty() {
            for p in &report.problems {
                println!("{p}");
            }
            bail!("the copy in {} does not verify: do not rely on it", out.display());
        }
        println!("the copy verifies: {} journal items, head {}", report.items, report.head.map_or(0, |h| h.seq));
    }
    println!(
        "backed up to {} in {:.1} s: {file}, {files} files ({:.1} MB){}",
        out.display(),
        started.elapsed().as_secs_f64(),
        file_bytes as f64 / 1e6,
        if manifest.key { ", the signing key" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(a: &RestoreArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let text = std::fs::read_to_string(a.from.join("backup.toml"))
        .with_context(|| format!("{} holds no backup.toml: is it a backup's directory?", a.from.display()))?;
    let manifest: Manifest = toml::from_str(&text).with_context(|| format!("{}/backup.toml is malformed", a.from.display()))?;
    let (database, config) = a.node.resolve()?;
    let sqlite = database.url.strip_prefix("sqlite://").or_else(|| database.url.strip_prefix("sqlite:"));
    match (manifest.backend.as_str(), sqlite) {
        ("sqlite", Some(path)) => {
            let target = PathBuf::from(path.split('?').next().unwrap_or(path));
            if target.exists() && !a.force {
                bail!("{} exists: stop the node and give --force to replace it", target.display());
            }
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            // Copied beside, made durable, then put in place at once; the old database's
            // write-ahead log must not be applied to the restored one.
            let partial = target.with_extension("restoring");
            std::fs::copy(a.from.join(&manifest.database), &partial)?;
            std::fs::File::open(&partial)?.sync_all()?;
            for stale in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{stale}", target.display()));
            }
            std::fs::rename(&partial, &target)?;
        }
        ("postgres", None) => {
            let mut command = std::process::Command::new("pg_restore");
            command.args(["--no-owner", "--exit-on-error", "--dbname"]).arg(&database.url);
            if a.force {
                command.args(["--clean", "--if-exists"]);
            }
            let status = command
                .arg(a.from.join(&manifest.database))
                .status()
                .context("pg_restore could not be run (install the PostgreSQL client: apt-get install postgresql-client)")?;
            if !status.success() {
                bail!("pg_restore failed ({status}) into {} (an empty database, or --force to replace)", redact(&database.url));
            }
        }
        (backend, _) => bail!("the backup is of a {backend} database; restore it into one of the same kind"),
    }
    if manifest.files > 0 {
        match files_dir(&config, &database) {
            Some(dir) => {
                copy_tree(&a.from.join("files"), &dir)?;
            }
            None => println!("the files of cases are not on this machine: copy {}/files yourself", a.from.display()),
        }
    }
    let key = match &config.signing_key {
        Some(path) if manifest.key && !path.exists() => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            super::demo::write_private(path, &std::fs::read_to_string(a.from.join("keys/node.key"))?)?;
            Some(super::extract::read_key(path)?)
        }
        Some(path) => Some(super::extract::read_key(path)?),
        None if manifest.key => Some(super::extract::read_key(&a.from.join("keys/node.key"))?),
        None => None,
    };
    // The restored node against its checkpoints: what the backup's checkpoint states must
    // be there, unchanged.
    let store = open_store(&database).await?;
    let keys: Vec<_> = key.iter().map(|k| k.verifying_key()).collect();
    let (anchors, forged) = store.own_anchors(&keys).await?;
    let report = verify_anchored(store.raw(), &anchors, &|_| {}).await?;
    let head = report.head.map_or(0, |h| h.seq);
    store.close().await;
    for p in &report.problems {
        println!("{p}");
    }
    for (id, e) in &forged {
        println!("checkpoint {id} is not the node's: {e}");
    }
    if !report.ok() || !forged.is_empty() || manifest.checkpoint_seq.is_some_and(|s| s > head) {
        println!("the restored database does not verify");
        return Ok(ExitCode::from(1));
    }
    println!(
        "restored {} from the backup of {} in {:.1} s: journal verified up to item {head}, {} checkpoints; \
         the indexes are built from the journal when the node starts",
        redact(&database.url),
        manifest.made_at,
        started.elapsed().as_secs_f64(),
        anchors.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Copies a directory tree (files are written once and never changed, so a copy taken
/// while the node adds files holds every file its database copy names, when taken after it).
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0u64, 0u64);
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            let (f, b) = copy_tree(&entry.path(), &target)?;
            files += f;
            bytes += b;
        } else {
            bytes += std::fs::copy(entry.path(), &target).with_context(|| format!("cannot copy {}", entry.path().display()))?;
            files += 1;
        }
    }
    Ok((files, bytes))
}
