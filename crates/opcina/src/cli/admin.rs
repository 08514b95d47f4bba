//! Administration: `init`, `user`, `office`, `token`, `jmbg-block`.

use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, Subcommand};
use opcina_core::registry::{Actor, Role, Sex};
use opcina_store::admin::{OfficeSpec, UserSpec};
use opcina_store::presets;

use super::open_store;
use crate::Database;
use opcina_store::sql::prelude::*;

/// Who the command line acts as in the journal.
pub fn operator() -> Actor {
    let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
    Actor::system(&format!("cli:{user}"))
}

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub database: Database,
    /// A known municipality (kakanj).
    #[arg(long, default_value = "kakanj")]
    pub preset: String,
}

pub async fn init(a: InitArgs) -> anyhow::Result<ExitCode> {
    let Some((node, offices)) = presets::preset(&a.preset) else {
        bail!("unknown preset {:?}; known: {}", a.preset, presets::NAMES.join(", "));
    };
    let store = open_store(&a.database).await?;
    store.init_node(&operator(), &node, &offices).await?;
    if a.preset.eq_ignore_ascii_case("kakanj") {
        for rule in presets::kakanj_fees() {
            store.set_fee(&operator(), rule.kind, rule.purpose, rule.amount, rule.note).await?;
        }
    }
    for (name, office) in presets::settlements(&a.preset.to_lowercase()) {
        store.add_settlement(&operator(), name, office).await?;
    }
    let appeal = presets::demo_appeal_route(presets::appeal_body(&a.preset.to_lowercase()));
    store.set_appeal_route(&operator(), &appeal).await?;
    println!("appeals against refusals: {} within {} days (change with `opcina appeal set`)", appeal.body, appeal.days);
    println!("initialised Općina {} (JMBG region {}) with {} offices", node.municipality, node.region, offices.len());
    Ok(ExitCode::SUCCESS)
}

/// Sets up the node from a preset when it is not set up yet; says so.
pub async fn ensure_node(store: &opcina_store::Store, preset: &str) -> anyhow::Result<()> {
    if store.raw().reads().node().await?.is_none() {
        let Some((node, offices)) = presets::preset(preset) else { bail!("unknown preset {preset:?}") };
        store.init_node(&operator(), &node, &offices).await?;
        eprintln!("the database was empty: initialised it as Općina {} ({} offices)", node.municipality, offices.len());
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user (registrars and counter clerks belong to an office).
    Add {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        username: String,
        /// registrar, counter_clerk, auditor or admin.
        #[arg(long)]
        role: String,
        /// Office code (see `opcina office list`).
        #[arg(long)]
        office: Option<String>,
        /// Full name as shown in logs.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Set a user's password for the web application (read from the first line of standard
    /// input, so it stays out of the shell history); ends the user's open sessions.
    Password {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        username: String,
    },
    /// List users, one a line.
    List {
        #[command(flatten)]
        database: Database,
    },
}

pub async fn user(c: UserCommand) -> anyhow::Result<ExitCode> {
    match c {
        UserCommand::Add { database, username, role, office, name } => {
            let Some(role) = Role::parse(&role) else {
                bail!("unknown role {role:?}: use one of registrar, counter_clerk, auditor, admin");
            };
            let store = open_store(&database).await?;
            let user = store.add_user(&operator(), &UserSpec { username, full_name: name, role, office }).await?;
            println!("added {} ({}{})", user.username, user.role, user.office_code.map(|o| format!(", {o}")).unwrap_or_default());
        }
        UserCommand::Password { database, username } => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let password = line.trim_end_matches(['\n', '\r']);
            let store = open_store(&database).await?;
            store.set_password(&operator(), &username, password).await?;
            println!("password set for {username}");
        }
        UserCommand::List { database } => {
            let store = open_store(&database).await?;
            for u in store.raw().reads().users().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.username,
                    u.role,
                    u.office_code.unwrap_or_else(|| "-".into()),
                    if u.active { "active" } else { "inactive" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum OfficeCommand {
    /// List offices, one a line, code first.
    List {
        #[command(flatten)]
        database: Database,
    },
    /// Add a registry office.
    Add {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        settlement: String,
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long, default_value = "")]
        hours: String,
    },
}

pub async fn office(c: OfficeCommand) -> anyhow::Result<ExitCode> {
    match c {
        OfficeCommand::List { database } => {
            let store = open_store(&database).await?;
            for o in store.raw().reads().offices().await? {
                println!("{}\t{}\t{}\t{}", o.code, o.name, o.address, o.hours);
            }
        }
        OfficeCommand::Add { database, code, name, settlement, address, hours } => {
            let store = open_store(&database).await?;
            let o = store.add_office(&operator(), &OfficeSpec { code, name, settlement, address, hours }).await?;
            println!("added office {} ({})", o.code, o.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum SettlementCommand {
    /// List the settlements the node knows by name (beside its offices' seats), with their office.
    List {
        #[command(flatten)]
        database: Database,
    },
    /// Add a settlement of the municipality: a residence naming it is then in the node's
    /// territory (births and deaths of its residents are entered here).
    Add {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        name: String,
        /// The office whose books hold its entries.
        #[arg(long)]
        office: String,
    },
}

pub async fn settlement(c: SettlementCommand) -> anyhow::Result<ExitCode> {
    match c {
        SettlementCommand::List { database } => {
            let store = open_store(&database).await?;
            for s in store.settlements().await? {
                println!("{}\t{}", s.name, s.office_code);
            }
        }
        SettlementCommand::Add { database, name, office } => {
            let store = open_store(&database).await?;
            let s = store.add_settlement(&operator(), &name, &office).await?;
            println!("added settlement {} ({})", s.name, s.office_code);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum JmbgBlockCommand {
    /// Print the block in force (FIRST+COUNT, the serials, the basis); "whole range" when none
    /// was set.
    Show {
        #[command(flatten)]
        database: Database,
    },
    /// Set the block the federation authority gave this node, e.g. `100+100` (serials 100–199
    /// for men, 600–699 for women). Every municipality of a JMBG region needs a block of its own.
    Set {
        #[command(flatten)]
        database: Database,
        /// FIRST+COUNT within 000–499.
        block: String,
        /// The authority's act or directory the block comes from.
        #[arg(long)]
        basis: String,
    },
}

pub async fn jmbg_block(c: JmbgBlockCommand) -> anyhow::Result<ExitCode> {
    match c {
        JmbgBlockCommand::Show { database } => {
            let store = open_store(&database).await?;
            match store.jmbg_block().await?.and_then(|r| r.block().map(|b| (b, r))) {
                Some((b, r)) => {
                    let (men, women) = (b.serials(Sex::Male), b.serials(Sex::Female));
                    println!(
                        "{b}\tserials {:03}-{:03} (men), {:03}-{:03} (women)\tregion {}\t{}",
                        men.start,
                        men.end - 1,
                        women.start,
                        women.end - 1,
                        r.region,
                        r.basis
                    )
                }
                None => println!("0+500\twhole range: no block set (the node is alone in its JMBG region)"),
            }
        }
        JmbgBlockCommand::Set { database, block, basis } => {
            let block = opcina_core::jmbg::SerialBlock::parse(&block).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = open_store(&database).await?;
            let r = store.set_jmbg_block(&operator(), block, &basis).await?;
            println!("newborns of region {} now receive serials {block} ({})", r.region, r.basis);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; the token is printed on the last line (shown once).
    Create {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        username: String,
        /// What the token is for (a device, an integration).
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

pub async fn token(c: TokenCommand) -> anyhow::Result<ExitCode> {
    match c {
        TokenCommand::Create { database, username, label } => {
            let store = open_store(&database).await?;
            let token = store.create_token(&operator(), &username, &label).await?;
            eprintln!("API token for {username} (shown once; send it as \"Authorization: Bearer <token>\"):");
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
