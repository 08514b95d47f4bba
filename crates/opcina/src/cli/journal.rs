//! `opcina journal verify` and `opcina journal checkpoint`: proving the journal, and anchoring
//! it with a signed checkpoint kept by the node and by its federation peers.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use ed25519_dalek::VerifyingKey;
use opcina_core::checkpoint::Checkpoint;
use opcina_store::Store;
use opcina_store::extracts::Sealer;
use opcina_store::sql::prelude::*;
use opcina_store::verify::{Anchor, verify_anchored};
use opcina_web::federation::Federation;

use super::serve::Config;
use super::{open_store, progress, redact};
use crate::Database;

/// Which node: its database, and its configuration (the key file and the federation, for
/// checkpoints and their witnesses).
#[derive(Args, Debug)]
pub struct JournalArgs {
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB [default: the configuration's].
    #[arg(long = "database", env = "OPCINA_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
    /// The node's configuration file (as `opcina serve --config`): its signing key checks the
    /// checkpoints, and its `[federation]` names the peers that keep them as witnesses.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl JournalArgs {
    pub(crate) fn resolve(&self) -> anyhow::Result<(Database, Config)> {
        let config = match &self.config {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        let Some(url) = self.database.clone().or_else(|| config.database.clone()) else {
            bail!("give the database: --database URL, OPCINA_DATABASE_URL, or a --config file");
        };
        Ok((Database { url }, config))
    }
}

/// The node's public keys as its database lists them (weaker than its key file: whoever can
/// write the database can list a key of their own).
pub async fn listed_keys(store: &Store) -> anyhow::Result<Vec<VerifyingKey>> {
    let listed = store.raw().reads().node_keys().await?;
    Ok(listed
        .iter()
        .filter_map(|k| <[u8; 32]>::try_from(k.public_key.as_slice()).ok())
        .filter_map(|b| VerifyingKey::from_bytes(&b).ok())
        .collect())
}

/// The node's federation, when the configuration has one (and its key).
pub(crate) async fn federation(store: &Store, config: &Config) -> anyhow::Result<Option<Federation>> {
    let (Some(f), Some(key)) = (&config.federation, &config.signing_key) else { return Ok(None) };
    let node = store.node().await?;
    let federation = Federation::new(f.settings(&node.code)?, super::extract::read_key(key)?);
    if let Err(error) = federation.refresh().await {
        println!("the federation's directory could not be had ({error}): no witness can be asked");
    }
    Ok(Some(federation))
}

pub async fn verify(a: &JournalArgs) -> anyhow::Result<ExitCode> {
    let (database, config) = a.resolve()?;
    let store = open_store(&database).await?;
    let mut failures: Vec<String> = Vec::new();
    // The key the checkpoints must be signed with: the key file's, which an intruder in the
    // database cannot change; without a configuration, the keys the database lists.
    let keys: Vec<VerifyingKey> = match &config.signing_key {
        Some(path) => vec![super::extract::read_key(path)?.verifying_key()],
        None => {
            let keys = listed_keys(&store).await?;
            if !keys.is_empty() {
                println!("checkpoints checked with the keys the database lists (give --config for the node's key file)");
            }
            keys
        }
    };
    let (mut anchors, forged) = store.own_anchors(&keys).await?;
    for (id, error) in forged {
        failures.push(format!("checkpoint {id} is not the node's: {error}"));
    }
    let local = anchors.len();
    let mut witnesses = 0usize;
    if let Some(federation) = federation(&store, &config).await? {
        for answer in federation.held_checkpoints(&store).await {
            match answer.result {
                Ok(Some(held)) => {
                    let signature = hex::decode(&held.signature).unwrap_or_default();
                    match keys.iter().find_map(|k| Checkpoint::verify(&held.statement, &signature, k).ok()) {
                        Some(c) => {
                            println!("witness {} holds checkpoint {} (journal item {})", answer.member, hex::encode(&c.hash[..8]), c.seq);
                            anchors.push(Anchor::of(&c, format!("the checkpoint witness {} keeps", answer.member)));
                            witnesses += 1;
                        }
                        None => failures.push(format!("witness {} keeps a checkpoint this node's key did not sign", answer.member)),
                    }
                }
                Ok(None) => println!("witness {} keeps no checkpoint of this node yet", answer.member),
                Err(error) => println!("witness {} could not be asked: {error}", answer.member),
            }
        }
    }
    let bar = progress(None, "verifying");
    let report = verify_anchored(store.raw(), &anchors, &|n| bar.set_position(n as u64)).await?;
    bar.finish_and_clear();
    for p in &report.problems {
        println!("{p}");
    }
    for f in &failures {
        println!("{f}");
    }
    let latest = anchors.iter().map(|a| a.seq).max();
    if report.ok() && failures.is_empty() {
        println!(
            "journal verified: {} items, {} rows, head {}; anchored by {local} checkpoints and {witnesses} witnesses{}",
            report.items,
            report.rows,
            report.head.map_or(0, |h| h.seq),
            latest.map_or_else(|| " (none yet: the chain alone is proven)".to_string(), |s| format!(", the latest at item {s}")),
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("journal verification FAILED: {} problems", report.problems.len() + failures.len());
        Ok(ExitCode::from(1))
    }
}

/// Signs a checkpoint of the journal now and sends it to the peers.
pub async fn checkpoint(a: &JournalArgs) -> anyhow::Result<ExitCode> {
    let (database, config) = a.resolve()?;
    let Some(key) = &config.signing_key else {
        bail!("a checkpoint is signed with the node's key: give --config with signing_key");
    };
    let store = open_store(&database).await.with_context(|| format!("cannot open {}", redact(&database.url)))?;
    let sealer = Sealer::new(super::extract::read_key(key)?);
    let federation = federation(&store, &config).await?;
    let (row, receipts) = opcina_web::anchor::checkpoint_now(&store, &sealer, federation.as_ref()).await?;
    println!("checkpoint {} of journal item {} signed with key {}", row.id, row.seq, row.key_id);
    for r in receipts {
        match r.result {
            Ok(receipt) => println!("witness {}: {} (item {})", r.member, receipt.sequel, receipt.seq),
            Err(error) => println!("witness {}: not taken ({error})", r.member),
        }
    }
    Ok(ExitCode::SUCCESS)
}
