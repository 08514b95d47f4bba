//! Data commands: `migrate`, `seed`, `import`, `index rebuild`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use opcina_core::CheckMode;
use opcina_core::registry::{Actor, Role};
use opcina_search::PersonIndex;
use opcina_store::Store;
use opcina_store::import::{ImportOptions, Progress};

use super::admin::ensure_node;
use super::{index_dir, open_store, progress};
use crate::{Database, IndexDir};

pub async fn migrate(database: &Database) -> anyhow::Result<ExitCode> {
    let backend = opcina_store::connect(&database.url).await?;
    let applied = backend.migrate().await?;
    if applied.is_empty() {
        println!("the database is up to date");
    } else {
        println!("applied migrations {applied:?}");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub database: Database,
    /// People born in the municipality (each with a birth entry).
    #[arg(long, default_value_t = 40_000)]
    pub persons: usize,
    /// Same seed, same population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Municipality to set up if the database is empty.
    #[arg(long, default_value = "kakanj")]
    pub preset: String,
}

/// Generates a population and loads it; returns what was generated.
pub async fn seed_store(store: &Store, persons: usize, seed: u64) -> anyhow::Result<opcina_synthetic::Population> {
    let node = store.node().await?;
    let head = store.raw().journal_head().await?;
    let bar = progress(None, "generating");
    let options = opcina_synthetic::Options {
        persons,
        seed,
        first_id: head.seq + 1,
        today: store.today(),
        municipality: node.municipality.clone(),
        region: node.region_u8(),
        settlements: settlements(&store.offices().await?),
        // Newborns take JMBGs from the node's share of its region, as at the counter.
        serial_block: store.jmbg_block().await?.and_then(|r| r.block()).unwrap_or(opcina_core::jmbg::SerialBlock::WHOLE),
    };
    let population = tokio::task::spawn_blocking(move || opcina_synthetic::generate(&options)).await?;
    bar.finish_and_clear();
    let bar = progress(Some(population.records.len() as u64), "loading");
    store.load_records("seed", &population.records, &|n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    Ok(population)
}

/// Where a seeded population lives: Kakanj's settlements on a node with Kakanj's offices,
/// otherwise the settlement of each of the node's offices (a Zenica node's people live in
/// Zenica and Nemila, with their entries in those offices' books).
fn settlements(offices: &[opcina_store::rows::OfficeRow]) -> Vec<(String, String)> {
    let has = |code: &str| offices.iter().any(|o| o.code == code);
    if opcina_synthetic::places::SETTLEMENTS.iter().all(|(_, office)| has(office)) {
        return Vec::new();
    }
    offices.iter().map(|o| (o.settlement.clone(), o.code.clone())).collect()
}

pub async fn seed(a: SeedArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(&a.database).await?;
    ensure_node(&store, &a.preset).await?;
    let started = Instant::now();
    let p = seed_store(&store, a.persons, a.seed).await?;
    println!(
        "seeded {} births, {} citizenships, {} marriages, {} divorces, {} deaths, {} name changes, {} corrections ({} records) in {:.1} s",
        p.births,
        p.citizenships,
        p.marriages,
        p.divorces,
        p.deaths,
        p.name_changes,
        p.corrections,
        p.records.len(),
        started.elapsed().as_secs_f64()
    );
    println!("a running `opcina serve` indexes them within a second; otherwise they are indexed when it starts");
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub database: Database,
    /// The JSON-lines file to import.
    pub file: PathBuf,
    /// Write rejected lines here and import the rest (without it, any bad line stops the import).
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Overwrite the rejects file when it exists (it is never the file imported).
    #[arg(long)]
    pub force: bool,
    /// Accept legacy JMBGs whose check value is 10 (check digit 0).
    #[arg(long)]
    pub lenient: bool,
    /// Who is importing, for the journal.
    #[arg(long, default_value = "import")]
    pub user: String,
}

struct Bars {
    checked: indicatif::ProgressBar,
    written: indicatif::ProgressBar,
}

impl Progress for Bars {
    fn checked(&self, lines: u64) {
        self.checked.set_position(lines);
    }

    fn written(&self, entries: u64) {
        self.written.set_position(entries);
    }
}

pub async fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(&a.database).await?;
    let actor = Actor { username: a.user.clone(), role: Role::Admin, office: None };
    let options = ImportOptions {
        rejects: a.rejects.clone(),
        overwrite_rejects: a.force,
        mode: a.lenient.then_some(CheckMode::Lenient),
        today: store.today(),
    };
    let bars = Bars { checked: progress(None, "checking"), written: progress(None, "importing") };
    let started = Instant::now();
    let report = store.import(&actor, &a.file, &options, &bars).await?;
    bars.checked.finish_and_clear();
    bars.written.finish_and_clear();
    for e in &report.errors {
        eprintln!("{}: {e}", a.file.display());
    }
    let seconds = started.elapsed().as_secs_f64();
    if report.rejected > 0 && a.rejects.is_none() {
        eprintln!(
            "{} of {} lines are bad: nothing was imported (fix them, or pass --rejects FILE to import the rest)",
            report.rejected, report.lines
        );
        return Ok(ExitCode::from(1));
    }
    println!(
        "imported {} entries with {} annotations from {} lines in {seconds:.1} s ({:.0} entries/s){}",
        report.entries,
        report.annotations,
        report.lines,
        report.entries as f64 / seconds.max(1e-9),
        match (&a.rejects, report.rejected) {
            (Some(f), n) if n > 0 => format!("; {n} rejected lines written to {}", f.display()),
            _ => String::new(),
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn rebuild_index(database: &Database, index: &IndexDir) -> anyhow::Result<ExitCode> {
    let store = open_store(database).await?;
    let dir = index_dir(database, index);
    let started = Instant::now();
    let n = rebuild(&store, &dir).await?;
    println!("indexed {n} people in {} in {:.1} s", dir.display(), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// Rebuilds the index in `dir` with a large writer (bulk), returning how many were indexed.
pub async fn rebuild(store: &Store, dir: &std::path::Path) -> anyhow::Result<u64> {
    super::claim_index_dir(dir, &super::index_owner(&store.node().await?))?;
    let index = Arc::new(PersonIndex::open(dir, 400_000_000, 2)?);
    let bar = progress(None, "indexing");
    let n = opcina_search::indexer::rebuild(&index, store.raw(), &|n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    Ok(n)
}
