//! `opcina extract …`, `opcina fee set` and `opcina appeal set`: issuing extracts and certificates in batch,
//! reproducing an issued one from the register, revoking, and checking a PDF offline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use ed25519_dalek::{SigningKey, VerifyingKey};
use opcina_core::extract::kind::parse_script;
use opcina_core::extract::seal::{check_file, key_id, signing_key_from_hex, verify_content, verifying_key_from_hex};
use opcina_core::extract::{ExtractKind, ExtractNumber, ExtractRequest, Language, Relation, Requester};
use opcina_core::registry::{Actor, ViewTime, person_view};
use opcina_core::{CheckMode, Jmbg};
use opcina_store::Store;
use opcina_store::extracts::{IssuePlace, Outcome, Sealer, Status};

use super::open_store;
use crate::Database;
use opcina_store::sql::prelude::*;

/// The node's signing key file.
#[derive(Args, Clone, Debug)]
pub struct KeyFile {
    /// The node's Ed25519 key (hex) [default: keys/node.key beside an SQLite database].
    #[arg(long = "key", env = "OPCINA_SIGNING_KEY", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

/// The official acting.
#[derive(Args, Clone, Debug)]
pub struct Official {
    /// The user issuing (a registrar or counter clerk of an office).
    #[arg(long = "user", env = "OPCINA_USER", value_name = "USERNAME")]
    pub username: String,
}

#[derive(Subcommand)]
pub enum ExtractCommand {
    /// Issue a document (or register a refusal) and write its PDF.
    Issue(Box<IssueArgs>),
    /// Reproduce an issued document from the register (same content hash, same bytes).
    Render {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        key: KeyFile,
        /// The document's number, e.g. KAK-2026-17.
        #[arg(long)]
        number: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// Check a PDF's seal with the municipality's public key (exit 0 authentic, 1 not).
    Verify {
        /// The PDF to check.
        file: PathBuf,
        /// The municipality's public key: a file with it in hex, or the hex itself.
        #[arg(long = "public-key", env = "OPCINA_PUBLIC_KEY", value_name = "FILE|HEX")]
        public_key: Option<String>,
        /// Check against the keys registered in this node's database, and also say whether
        /// the document is current, superseded or revoked.
        #[arg(long = "database", value_name = "URL")]
        database: Option<String>,
    },
    /// Revoke an issued document (issued in error); its verification says so from now on.
    Revoke {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        official: Official,
        #[arg(long)]
        number: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args)]
pub struct IssueArgs {
    #[command(flatten)]
    pub database: Database,
    #[command(flatten)]
    pub key: KeyFile,
    #[command(flatten)]
    pub official: Official,
    /// The person the document is about.
    #[arg(long)]
    pub jmbg: String,
    /// birth, marriage, death, citizenship, no-impediment, life, birth-international,
    /// marriage-international, death-international.
    #[arg(long)]
    pub kind: String,
    /// bs, hr or sr.
    #[arg(long, default_value = "bs")]
    pub language: String,
    /// latin or cyrillic.
    #[arg(long, default_value = "latin")]
    pub script: String,
    /// The requester's relation to the person: self, proxy, spouse, extramarital-partner,
    /// child, stepchild, parent, step-parent, grandchild, grandparent, sibling, guardian, other.
    #[arg(long)]
    pub relation: String,
    /// What the document is for.
    #[arg(long)]
    pub purpose: String,
    /// The requester's name [default for `self`: the person's name in the registers].
    #[arg(long = "requester-name")]
    pub requester_name: Option<String>,
    /// The requester's JMBG [default for `self`: the person's].
    #[arg(long = "requester-jmbg")]
    pub requester_jmbg: Option<String>,
    /// The identity document the requester showed, when there is no JMBG.
    #[arg(long = "requester-document")]
    pub requester_document: Option<String>,
    /// The document showing a relation the registers cannot (power of attorney …).
    #[arg(long)]
    pub evidence: Option<String>,
    /// Which entry, when the person has several in the register.
    #[arg(long = "entry")]
    pub entry_id: Option<i64>,
    /// Base URL of the node's public verification page (printed in the QR code).
    #[arg(long = "public-url", env = "OPCINA_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct FeeArgs {
    #[command(flatten)]
    pub database: Database,
    /// The kind the fee applies to [default: every kind].
    #[arg(long)]
    pub kind: Option<String>,
    /// A purpose exempted or reduced (with `--note` giving the legal basis).
    #[arg(long)]
    pub purpose: Option<String>,
    /// In KM, e.g. 4.00 (0 for an exemption).
    #[arg(long)]
    pub amount: String,
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Args)]
pub struct AppealArgs {
    #[command(flatten)]
    pub database: Database,
    /// The body that decides appeals against refusals, as the instruction names it.
    #[arg(long)]
    pub body: String,
    /// Days to appeal from receipt.
    #[arg(long, default_value_t = 15)]
    pub days: u32,
    /// The fee of an appeal in KM, e.g. 10.00 (0 for none).
    #[arg(long)]
    pub fee: String,
    /// What the fee is, printed beside it.
    #[arg(long, default_value = "")]
    pub fee_note: String,
}

/// Reads the node's signing key: the file given, or `keys/node.key` beside an SQLite database.
pub fn load_key(database: &str, key: &KeyFile) -> anyhow::Result<SigningKey> {
    let path = match &key.path {
        Some(p) => p.clone(),
        None => {
            let db = database.strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap_or(p));
            match db.map(Path::new).and_then(Path::parent) {
                Some(dir) => dir.join("keys/node.key"),
                None => bail!("give the node's signing key: --key FILE or OPCINA_SIGNING_KEY"),
            }
        }
    };
    read_key(&path)
}

/// Reads an Ed25519 signing key kept in hex in a file.
pub fn read_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the signing key {}", path.display()))?;
    signing_key_from_hex(&text).with_context(|| format!("{} does not hold an Ed25519 key in hex", path.display()))
}

/// The user acting, as the store records them.
async fn actor(store: &Store, official: &Official) -> anyhow::Result<Actor> {
    let Some(user) = store.raw().reads().users().await?.into_iter().find(|u| u.username == official.username && u.active) else {
        bail!("no active user {:?} on this node (see `opcina user list`)", official.username);
    };
    let role = user.role;
    Ok(Actor { username: user.username, role, office: user.office_code })
}

fn parse<T>(what: &str, value: &str, parsed: Option<T>, known: &str) -> anyhow::Result<T> {
    parsed.with_context(|| format!("--{what}: {value:?} is not one of {known}"))
}

fn number(s: &str) -> anyhow::Result<ExtractNumber> {
    ExtractNumber::parse(s).with_context(|| format!("--number: {s:?} is not a document number like KAK-2026-17"))
}

pub async fn run(command: ExtractCommand) -> anyhow::Result<ExitCode> {
    match command {
        ExtractCommand::Issue(a) => issue(*a).await,
        ExtractCommand::Render { database, key, number: n, out } => {
            let store = open_store(&database).await?;
            let key = load_key(&database.url, &key)?;
            let n = number(&n)?;
            // Rendering shows the person's records again: the read is logged, by the operator.
            let reproduced = store.print_extract(&super::admin::operator(), &n).await?;
            let pdf = opcina_pdf::issue_pdf(&reproduced.content, &reproduced.seal, &key)?;
            std::fs::write(&out, &pdf.pdf).with_context(|| format!("cannot write {}", out.display()))?;
            println!("{}  {}  content {}", n.id(), out.display(), hex::encode(reproduced.content.hash()));
            Ok(ExitCode::SUCCESS)
        }
        ExtractCommand::Verify { file, public_key, database } => verify(&file, public_key.as_deref(), database.as_deref()).await,
        ExtractCommand::Revoke { database, official, number: n, reason } => {
            let store = open_store(&database).await?;
            let actor = actor(&store, &official).await?;
            store.revoke_extract(&actor, &number(&n)?, &reason).await?;
            println!("{n} revoked");
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn issue(a: IssueArgs) -> anyhow::Result<ExitCode> {
    let kind =
        parse("kind", &a.kind, ExtractKind::parse(&a.kind), "birth, marriage, death, citizenship, no-impediment, life, *-international")?;
    let language = parse("language", &a.language, Language::parse(&a.language), "bs, hr, sr")?;
    let script = parse("script", &a.script, parse_script(&a.script), "latin, cyrillic")?;
    let relation =
        parse("relation", &a.relation, Relation::parse(&a.relation), "self, proxy, spouse, child, parent, sibling, … (see --help)")?;
    let jmbg = Jmbg::parse(&a.jmbg, CheckMode::Lenient).map_err(|e| anyhow::anyhow!("--jmbg: {}", e.message))?;
    let requester_jmbg = match &a.requester_jmbg {
        Some(j) => Some(Jmbg::parse(j, CheckMode::Lenient).map_err(|e| anyhow::anyhow!("--requester-jmbg: {}", e.message))?),
        None if relation == Relation::Myself && a.requester_document.is_none() => Some(jmbg.clone()),
        None => None,
    };
    let store = open_store(&a.database).await?;
    let key = load_key(&a.database.url, &a.key)?;
    let actor = actor(&store, &a.official).await?;
    store.register_key(&actor, &key.verifying_key()).await?;
    let requester_name = match a.requester_name {
        Some(n) => n,
        None if relation == Relation::Myself => {
            let records = store.raw().reads().person_records(&jmbg).await?;
            person_view(&jmbg, &records, ViewTime::current(store.today()))
                .map(|v| format!("{} {}", v.given_name, v.surname))
                .unwrap_or_default()
        }
        None => bail!("--requester-name: give the requester's name as on their identity document"),
    };
    let request = ExtractRequest {
        kind,
        jmbg,
        entry_id: a.entry_id,
        language,
        script,
        requester: Requester { name: requester_name, jmbg: requester_jmbg, document: a.requester_document, evidence: a.evidence },
        relation,
        purpose: a.purpose,
    };
    let place = IssuePlace { verify_base: a.public_url };
    match store.request_extract(&actor, request, &Sealer::new(key.clone()), &place).await? {
        Err(refusal) => {
            for e in &refusal.errors {
                eprintln!("refused: {} ({}{})", e.message, e.code, e.field.as_deref().map(|f| format!(", field {f}")).unwrap_or_default());
            }
            Ok(ExitCode::from(1))
        }
        Ok(Outcome::Issued(issued)) => {
            let pdf = opcina_pdf::issue_pdf(&issued.content, &issued.seal, &key)?;
            std::fs::write(&a.out, &pdf.pdf).with_context(|| format!("cannot write {}", a.out.display()))?;
            println!("issued {}  {}  content {}", issued.content.issue.number.id(), a.out.display(), hex::encode(issued.content.hash()));
            Ok(ExitCode::SUCCESS)
        }
        Ok(Outcome::Refused(facts)) => {
            let pdf = opcina_pdf::decision_pdf(&facts)?;
            std::fs::write(&a.out, &pdf.pdf).with_context(|| format!("cannot write {}", a.out.display()))?;
            println!("REFUSED {} ({}): decision written to {}", facts.registry_number(), facts.denial.code, a.out.display());
            Ok(ExitCode::from(1))
        }
    }
}

fn read_public_key(arg: &str) -> anyhow::Result<VerifyingKey> {
    let text =
        if Path::new(arg).exists() { std::fs::read_to_string(arg).with_context(|| format!("cannot read {arg}"))? } else { arg.to_string() };
    verifying_key_from_hex(&text).with_context(|| format!("{arg:?} is not an Ed25519 public key in hex"))
}

async fn verify(file: &Path, public_key: Option<&str>, database: Option<&str>) -> anyhow::Result<ExitCode> {
    let pdf = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = match database {
        Some(url) => Some(Store::open(url).await.with_context(|| format!("cannot open the database {}", super::redact(url)))?),
        None => None,
    };
    let mut keys = Vec::new();
    if let Some(k) = public_key {
        keys.push(read_public_key(k)?);
    }
    if let Some(store) = &store {
        for k in store.raw().reads().node_keys().await? {
            if let Some(v) = <[u8; 32]>::try_from(k.public_key.as_slice()).ok().and_then(|b| VerifyingKey::from_bytes(&b).ok()) {
                keys.push(v);
            }
        }
    }
    if keys.is_empty() {
        bail!("give the municipality's public key: --public-key FILE|HEX, or --database URL");
    }
    let mut last_error = None;
    for key in &keys {
        match check_file(&pdf, key) {
            Ok(id) => {
                if !verify_content(key, &id.number, &id.content_hash, &id.content_seal) {
                    println!("NOT AUTHENTIC: the file seal holds but the content seal does not");
                    return Ok(ExitCode::from(1));
                }
                println!("authentic: {} sealed by key {}", id.number.id(), key_id(key));
                println!("content hash {}", hex::encode(id.content_hash));
                if let Some(store) = &store {
                    match store.verify_extract(&id.number, &id.content_seal).await? {
                        Some(v) => println!("status: {}", status_text(&v.status)),
                        None => {
                            println!("NOT AUTHENTIC: this node's register has no such document with this seal");
                            return Ok(ExitCode::from(1));
                        }
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            Err(e) => last_error = Some(e),
        }
    }
    println!("NOT AUTHENTIC: {}", last_error.map_or_else(|| "no key".to_string(), |e| e.to_string()));
    Ok(ExitCode::from(1))
}

pub fn status_text(s: &Status) -> String {
    match s {
        Status::Current => "current".into(),
        Status::Superseded { since, by } => format!("superseded since {since} ({by})"),
        Status::Revoked { at, reason } => format!("revoked at {at}: {reason}"),
    }
}

/// Parses an amount in KM (`4`, `4.00`, `4,50`) into fening.
pub fn parse_amount(flag: &str, s: &str) -> anyhow::Result<i64> {
    let s = s.trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, "0"));
    let frac = format!("{frac:0<2}");
    let ok = !whole.is_empty() && whole.chars().all(|c| c.is_ascii_digit()) && frac.len() == 2 && frac.chars().all(|c| c.is_ascii_digit());
    if !ok {
        bail!("{flag}: {s:?} is not an amount in KM like 4.00");
    }
    Ok(whole.parse::<i64>()? * 100 + frac.parse::<i64>()?)
}

pub async fn fee(a: FeeArgs) -> anyhow::Result<ExitCode> {
    let kind = match &a.kind {
        Some(k) => Some(parse("kind", k, ExtractKind::parse(k), "birth, marriage, … (see opcina extract issue --help)")?),
        None => None,
    };
    let amount = parse_amount("--amount", &a.amount)?;
    let store = open_store(&a.database).await?;
    let rule = store.set_fee(&super::admin::operator(), kind, a.purpose.as_deref(), amount, &a.note).await?;
    println!(
        "fee rule {}: {} {} → {},{:02} KM",
        rule.id,
        rule.kind.as_deref().unwrap_or("every kind"),
        rule.purpose.as_deref().map(|p| format!("for purpose {p:?}")).unwrap_or_default(),
        amount / 100,
        amount % 100
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn appeal(a: AppealArgs) -> anyhow::Result<ExitCode> {
    let fee = parse_amount("--fee", &a.fee)?;
    let route = opcina_core::extract::decision::AppealRoute { body: a.body, days: a.days, fee, fee_note: a.fee_note };
    let store = open_store(&a.database).await?;
    let row = store.set_appeal_route(&super::admin::operator(), &route).await?;
    println!("appeal route {}: {} within {} days, fee {},{:02} KM", row.id, row.body, row.days, row.fee / 100, row.fee % 100);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_convertible_marks() {
        assert_eq!(parse_amount("--amount", "4").unwrap(), 400);
        assert_eq!(parse_amount("--amount", "4.5").unwrap(), 450);
        assert_eq!(parse_amount("--amount", "10,05").unwrap(), 1005);
        assert!(parse_amount("--amount", "4.555").is_err());
        assert!(parse_amount("--amount", "-1").is_err());
    }
}
