//! `opcina federation`: the federation authority's work — its key, the members it enrols,
//! and the signed directory it publishes. The authority's files live in one directory:
//! `authority.key` (private, hex), `authority.pub`, `members.json`, `directory.json` (the last
//! published, signed).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use ed25519_dalek::{SigningKey, VerifyingKey};
use opcina_federation::directory::{Directory, Member, SERVICES, SignedDirectory, key_id};

#[derive(Subcommand)]
pub enum FederationCommand {
    /// Create the federation authority's key pair in a directory.
    InitAuthority(AuthorityDir),
    /// Enrol a member (or update it): its code, name, base URL, public key and services.
    Enroll(EnrollArgs),
    /// Sign and publish the directory of members for a validity period.
    Publish(PublishArgs),
    /// A node's message log of exchanges with other members.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
}

#[derive(Subcommand)]
pub enum LogCommand {
    /// Check the message log's hash chain: names every message changed, removed or inserted.
    Verify {
        #[command(flatten)]
        database: crate::Database,
    },
}

#[derive(Args)]
pub struct AuthorityDir {
    /// The authority's directory.
    #[arg(long = "dir", value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Args)]
pub struct EnrollArgs {
    #[command(flatten)]
    pub authority: AuthorityDir,
    /// The member's code (2–16 capital letters or digits), e.g. KAK.
    #[arg(long)]
    pub code: String,
    /// The member's name, e.g. "Općina Kakanj".
    #[arg(long)]
    pub name: String,
    /// Where the member's node answers, e.g. https://kakanj.opcina.ba.
    #[arg(long = "base-url")]
    pub base_url: String,
    /// The node's public key: a file (such as keys/node.pub) or the key in hex.
    #[arg(long = "public-key", value_name = "FILE|HEX")]
    pub public_key: String,
    /// Services the member offers (comma-separated) [default: all].
    #[arg(long, value_delimiter = ',')]
    pub services: Vec<String>,
}

#[derive(Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub authority: AuthorityDir,
    /// Days the directory is valid.
    #[arg(long, default_value_t = 30)]
    pub days: i64,
    /// Where to write the signed directory as well (for the members to fetch).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn key_from_hex(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

fn public_key(arg: &str) -> anyhow::Result<VerifyingKey> {
    if let Some(key) = key_from_hex(arg) {
        return Ok(key);
    }
    let text = std::fs::read_to_string(arg).with_context(|| format!("--public-key: {arg} is neither a key in hex nor a readable file"))?;
    key_from_hex(&text).with_context(|| format!("{arg} does not hold an Ed25519 public key in hex"))
}

fn members_path(dir: &Path) -> PathBuf {
    dir.join("members.json")
}

fn read_members(dir: &Path) -> anyhow::Result<Vec<Member>> {
    let path = members_path(dir);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a list of members", path.display()))
}

fn authority_key(dir: &Path) -> anyhow::Result<SigningKey> {
    super::extract::read_key(&dir.join("authority.key")).context("run `opcina federation init-authority --dir DIR` first")
}

pub async fn run(command: FederationCommand) -> anyhow::Result<ExitCode> {
    match command {
        FederationCommand::Log { command: LogCommand::Verify { database } } => {
            let store = super::open_store(&database).await?;
            // The log up to each checkpoint's last message is proven by its signature.
            let (checkpoints, forged) = store.own_checkpoints(&super::journal::listed_keys(&store).await?).await?;
            for (id, error) in &forged {
                println!("checkpoint {id} is not the node's: {error}");
            }
            let report = opcina_store::federation::verify_chain(&store, &checkpoints).await?;
            for p in &report.problems {
                println!("{p}");
            }
            return Ok(if report.problems.is_empty() && forged.is_empty() {
                println!("message log verified: {} messages, {} checkpoints", report.messages, checkpoints.len());
                ExitCode::SUCCESS
            } else {
                println!("message log verification FAILED: {} problems in {} messages", report.problems.len(), report.messages);
                ExitCode::from(1)
            });
        }
        FederationCommand::InitAuthority(a) => {
            let key_path = a.dir.join("authority.key");
            if key_path.exists() {
                bail!("{} exists: this directory already has an authority", key_path.display());
            }
            let key = init_authority(&a.dir)?;
            println!("authority key {} created in {}", opcina_federation::directory::fingerprint(&key.verifying_key()), a.dir.display());
        }
        FederationCommand::Enroll(a) => {
            authority_key(&a.authority.dir)?;
            let code = a.code.trim().to_string();
            if !(2..=16).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                bail!("--code: {code:?} is not 2–16 capital letters or digits");
            }
            if !(a.base_url.starts_with("https://") || a.base_url.starts_with("http://")) {
                bail!("--base-url: {:?} is not an http(s) URL", a.base_url);
            }
            let services: Vec<String> =
                if a.services.is_empty() { SERVICES.iter().map(|s| s.to_string()).collect() } else { a.services.clone() };
            if let Some(unknown) = services.iter().find(|s| !SERVICES.contains(&s.as_str())) {
                bail!("--services: {unknown:?} is not one of {}", SERVICES.join(", "));
            }
            let key = public_key(&a.public_key)?;
            let member = Member::with_key(&code, &a.name, &a.base_url, &key, services);
            let count = enroll(&a.authority.dir, member)?;
            println!("enrolled {code} with key {} ({count} members)", key_id(&code, &key));
        }
        FederationCommand::Publish(a) => {
            if a.days < 1 {
                bail!("--days: a directory is valid for at least one day");
            }
            let signed = publish(&a.authority.dir, a.days, a.out.as_deref())?;
            println!(
                "published directory {} with {} members, valid {} days",
                signed.directory.serial,
                signed.directory.members.len(),
                a.days
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates the authority's key pair in `dir`.
pub(crate) fn init_authority(dir: &Path) -> anyhow::Result<SigningKey> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no randomness for the authority's key: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    super::demo::write_private(&dir.join("authority.key"), &format!("{}\n", hex::encode(key.to_bytes())))?;
    std::fs::write(dir.join("authority.pub"), format!("{}\n", hex::encode(key.verifying_key().to_bytes())))?;
    Ok(key)
}

/// Enrols (or updates) a member; returns how many members there are.
pub(crate) fn enroll(dir: &Path, member: Member) -> anyhow::Result<usize> {
    let mut members = read_members(dir)?;
    members.retain(|m| m.code != member.code);
    members.push(member);
    members.sort_by(|x, y| x.code.cmp(&y.code));
    std::fs::write(members_path(dir), serde_json::to_string_pretty(&members)?)?;
    Ok(members.len())
}

/// Signs and publishes the directory of the enrolled members for `days` (its serial one
/// more than the last published), into `dir/directory.json` and `out`.
pub(crate) fn publish(dir: &Path, days: i64, out: Option<&Path>) -> anyhow::Result<SignedDirectory> {
    let key = authority_key(dir)?;
    let members = read_members(dir)?;
    if members.is_empty() {
        bail!("no members enrolled: run `opcina federation enroll` first");
    }
    let last = dir.join("directory.json");
    let serial = match std::fs::read_to_string(&last) {
        Ok(text) => serde_json::from_str::<SignedDirectory>(&text).map(|d| d.directory.serial).unwrap_or(0),
        Err(_) => 0,
    } + 1;
    let now = chrono::Utc::now().timestamp();
    let directory = Directory { serial, issued_at: now, valid_until: now + days * 86_400, members };
    let signed = directory.sign(&key).map_err(|e| anyhow::anyhow!("{e}"))?;
    let json = serde_json::to_string_pretty(&signed)?;
    std::fs::write(&last, &json)?;
    if let Some(out) = out {
        std::fs::write(out, &json).with_context(|| format!("cannot write {}", out.display()))?;
    }
    Ok(signed)
}

pub(crate) fn authority_public(dir: &Path) -> anyhow::Result<VerifyingKey> {
    Ok(authority_key(dir)?.verifying_key())
}
