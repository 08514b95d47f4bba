//! `opcina`: the node of a municipality's civil registry, and its command-line tools.

#![forbid(unsafe_code)]

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "opcina",
    version,
    about = "Civil registry node of a municipality (matične knjige): registers, journal, search, web application, JSON API."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the node's data is.
#[derive(Args, Clone, Debug)]
pub struct Database {
    /// Database URL: sqlite://PATH (created when missing) or postgres://USER@HOST:PORT/DB.
    #[arg(long = "database", env = "OPCINA_DATABASE_URL", value_name = "URL")]
    pub url: String,
}

/// Where the person index is.
#[derive(Args, Clone, Debug)]
pub struct IndexDir {
    /// Directory of the person search index [default: beside an SQLite database, else ./opcina-index].
    #[arg(long = "index", env = "OPCINA_INDEX_DIR", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or reuse) a demo node of Općina Kakanj with a synthetic population and serve it.
    Demo(cli::demo::DemoArgs),
    /// Serve the node: the web application (counter and citizen portal), JSON API, health.
    Serve(cli::serve::ServeArgs),
    /// Apply the database migrations this program has.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Set up a node: its municipality and offices.
    Init(cli::admin::InitArgs),
    /// Generate and load a deterministic synthetic population.
    Seed(cli::data::SeedArgs),
    /// Import digitised books from a JSON-lines file (format in the README).
    Import(cli::data::ImportArgs),
    /// The journal of changes.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// Copy the node (its database as a consistent snapshot taken while it serves, the files
    /// of its cases and its key) into a new directory, after a checkpoint the copy is verified
    /// against.
    Backup(cli::backup::BackupArgs),
    /// Put a backup back (the node stopped) and verify it against its checkpoints.
    Restore(cli::backup::RestoreArgs),
    /// The person search index.
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Users of the node.
    User {
        #[command(subcommand)]
        command: cli::admin::UserCommand,
    },
    /// Registry offices.
    Office {
        #[command(subcommand)]
        command: cli::admin::OfficeCommand,
    },
    /// The settlements of the municipality the node knows by name (its territory).
    Settlement {
        #[command(subcommand)]
        command: cli::admin::SettlementCommand,
    },
    /// The node's Ed25519 key pair (it seals extracts and signs federation messages).
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// The share of its JMBG region's serials this node assigns to newborns.
    JmbgBlock {
        #[command(subcommand)]
        command: cli::admin::JmbgBlockCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: cli::admin::TokenCommand,
    },
    /// Extracts and certificates: issue, reproduce, verify, revoke.
    Extract {
        #[command(subcommand)]
        command: Box<cli::extract::ExtractCommand>,
    },
    /// The federation: the authority's key, members and signed directory; a node's message log.
    Federation {
        #[command(subcommand)]
        command: cli::federation::FederationCommand,
    },
    /// The fee schedule of extracts and certificates.
    Fee {
        #[command(subcommand)]
        command: FeeCommand,
    },
    /// How refusals of documents are appealed (named in every refusal decision).
    Appeal {
        #[command(subcommand)]
        command: AppealCommand,
    },
}

#[derive(Subcommand)]
enum AppealCommand {
    /// Set the body that decides appeals, the days to appeal and the fee, from now on.
    Set(cli::extract::AppealArgs),
}

#[derive(Subcommand)]
enum FeeCommand {
    /// Add a rule: the fee of a kind, or an exemption for a purpose.
    Set(cli::extract::FeeArgs),
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Create DIR/node.key (private, readable by its owner only) and DIR/node.pub; refuses to
    /// overwrite an existing key.
    Generate {
        #[arg(long, value_name = "DIR")]
        dir: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum JournalCommand {
    /// Prove that the journal is unbroken and that every authoritative row is what it says,
    /// against the node's signed checkpoints and those its peers keep as witnesses; exits 1
    /// naming each row inserted, changed or deleted behind the program's back, a journal
    /// rewritten, cut or restored from an older copy.
    Verify(cli::journal::JournalArgs),
    /// Sign a checkpoint of the journal's head with the node's key, keep it, and send it to
    /// the federation's members to keep as witnesses (a serving node does this every hour).
    Checkpoint(cli::journal::JournalArgs),
}

#[derive(Subcommand)]
enum IndexCommand {
    /// Rebuild the person index from the database.
    Rebuild {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        index: IndexDir,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = !matches!(cli.command, Command::Serve(_) | Command::Demo(_));
    cli::init_logging(quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Demo(a) => cli::demo::run(a).await,
            Command::Serve(a) => cli::serve::run(a).await,
            Command::Migrate { database } => cli::data::migrate(&database).await,
            Command::Init(a) => cli::admin::init(a).await,
            Command::Seed(a) => cli::data::seed(a).await,
            Command::Import(a) => cli::data::import(a).await,
            Command::Journal { command: JournalCommand::Verify(a) } => cli::journal::verify(&a).await,
            Command::Journal { command: JournalCommand::Checkpoint(a) } => cli::journal::checkpoint(&a).await,
            Command::Backup(a) => cli::backup::backup(&a).await,
            Command::Restore(a) => cli::backup::restore(&a).await,
            Command::Index { command: IndexCommand::Rebuild { database, index } } => cli::data::rebuild_index(&database, &index).await,
            Command::User { command } => cli::admin::user(command).await,
            Command::Office { command } => cli::admin::office(command).await,
            Command::Settlement { command } => cli::admin::settlement(command).await,
            Command::Token { command } => cli::admin::token(command).await,
            Command::JmbgBlock { command } => cli::admin::jmbg_block(command).await,
            Command::Key { command: KeyCommand::Generate { dir } } => cli::demo::generate_key(&dir),
            Command::Extract { command } => cli::extract::run(*command).await,
            Command::Fee { command: FeeCommand::Set(a) } => cli::extract::fee(a).await,
            Command::Appeal { command: AppealCommand::Set(a) } => cli::extract::appeal(a).await,
            Command::Federation { command } => cli::federation::run(command).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
