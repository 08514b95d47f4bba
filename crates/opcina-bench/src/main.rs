//! `opcina-bench`: the scenarios of shared/PERFORMANCE.md on synthetic data, one JSON line
//! per scenario (name, size, operations, ops/s, p50/p95/p99 latency, peak RSS, and what else
//! the scenario measures). Figures and commands are in this crate's README.
//!
//! For each size, a fresh node is made (SQLite in a temporary directory, or a fresh schema of
//! a PostgreSQL database), then: `import` of digitised books (N birth entries with their
//! annotations) and `index` (building the person index from the database), `search.fuzzy`
//! and `search.exact`, and `register` (births and deaths through the node's writer, durable,
//! each waiting until it is searchable), and `extract.issue` (signed extract PDFs issued by
//! counter clerks), and `web` (the web application's pages over loopback HTTP).

#![forbid(unsafe_code)]

mod cases;
mod documents;
mod extracts;
mod federation;
mod measure;
mod mixed;
mod open311;
mod queries;
mod web;
mod website;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser;
use opcina_core::registry::import::ImportLine;
use opcina_core::registry::{Actor, Role};
use opcina_search::PersonIndex;
use opcina_store::Store;
use opcina_store::import::ImportOptions;
use serde_json::json;

use measure::{Latencies, emit, peak_rss_mb};

#[derive(Parser)]
#[command(name = "opcina-bench", about = "Benchmarks of an opcina node on synthetic data (JSON lines on stdout).")]
struct Args {
    /// Population sizes to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "40000")]
    sizes: Vec<usize>,
    /// Scenarios: import, search, register, extract, web, website, open311, mixed, federation, cases, documents (import always runs: the others need its data).
    #[arg(long, value_delimiter = ',', default_value = "import,search,register,extract,web")]
    scenarios: Vec<String>,
    /// Where to put the databases and files [default: a temporary directory].
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Run on PostgreSQL (a fresh schema per size) instead of SQLite.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Seconds the register scenario runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent registrars in the register scenario.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Concurrent counter clerks in the extract scenario (typesetting is CPU-bound: one per core).
    #[arg(long, default_value_t = 2)]
    extract_concurrency: usize,
    /// Requests per second of the mixed scenario (searches, views, registrations, extracts).
    #[arg(long, default_value_t = 50)]
    rate: u32,
    /// Concurrent browsers in the web scenario.
    #[arg(long, default_value_t = 2)]
    web_concurrency: usize,
    /// Search queries per kind.
    #[arg(long, default_value_t = 2000)]
    queries: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Count a registration once durable, without waiting until it is searchable (to see
    /// the cost of the index apart).
    #[arg(long)]
    no_index_wait: bool,
    /// Cases in the books for the cases scenario's lists.
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    /// Files in the index of the documents scenario's searches.
    #[arg(long, default_value_t = 1_000_000)]
    documents: usize,
    /// Published pieces of the website scenario.
    #[arg(long, default_value_t = 10_000)]
    pieces: usize,
    /// Reports posted in the open311 scenario.
    #[arg(long, default_value_t = 100_000)]
    reports: usize,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let temp = tempfile::tempdir()?;
    let base = args.dir.clone().unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&base)?;
    for &size in &args.sizes {
        run_size(&args, &base.join(format!("n{size}")), size).await?;
    }
    Ok(())
}

/// The database URL of a size's node.
fn store_url(args: &Args, dir: &Path, size: usize) -> String {
    match &args.postgres {
        None => format!("sqlite://{}", dir.join("opcina.db").display()),
        Some(base) => {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}options[search_path]=bench_{size}_{}", std::process::id())
        }
    }
}

async fn open(args: &Args, dir: &Path, size: usize) -> anyhow::Result<Store> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let url = match &args.postgres {
        None => store_url(args, dir, size),
        Some(base) => {
            let schema = format!("bench_{size}_{}", std::process::id());
            let backend = opcina_store::connect(base).await?;
            backend.execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await?;
            backend.execute_raw(&format!("CREATE SCHEMA {schema}")).await?;
            backend.close().await;
            store_url(args, dir, size)
        }
    };
    let store = Store::open(&url).await?;
    let (node, offices) = opcina_store::presets::kakanj();
    store.init_node(&Actor::system("bench"), &node, &offices).await?;
    Ok(store)
}

async fn run_size(args: &Args, dir: &Path, size: usize) -> anyhow::Result<()> {
    let backend = if args.postgres.is_some() { "postgres" } else { "sqlite" };
    let store = open(args, dir, size).await?;
    let day = store.today();

    // The book file, and a sample of the people in it for the queries.
    let file = dir.join("books.jsonl");
    let started = Instant::now();
    let sample = write_books(&file, size, args.seed, day)?;
    eprintln!("[{size}] generated {} in {:.1} s", file.display(), started.elapsed().as_secs_f64());

    // import
    let options = ImportOptions { rejects: None, overwrite_rejects: false, mode: None, today: day };
    let actor = Actor { username: "bench".into(), role: Role::Admin, office: None };
    let started = Instant::now();
    let report = store.import(&actor, &file, &options, &()).await?;
    let import_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(report.errors.is_empty(), "the generated books did not import: {:?}", report.errors.first());
    let _ = std::fs::remove_file(&file);

    // index
    let index_dir = dir.join("index");
    let index = Arc::new(PersonIndex::open(&index_dir, 400_000_000, 2)?);
    let started = Instant::now();
    let indexed = opcina_search::indexer::rebuild(&index, store.raw(), &|_| {}).await?;
    let index_s = started.elapsed().as_secs_f64();
    emit(&json!({
        "scenario": "import", "backend": backend, "size": size, "ops": report.entries,
        "ops_per_s": report.entries as f64 / import_s, "seconds": import_s,
        "annotations": report.annotations, "check_seconds": report.check_seconds, "write_seconds": report.write_seconds,
        "index_seconds": index_s, "indexed": indexed, "index_per_s": indexed as f64 / index_s,
        "total_seconds": import_s + index_s,
        "peak_rss_mb": peak_rss_mb(),
    }));
    drop(index);
    // The live node's index: small writer, as `opcina serve` opens it.
    let index = Arc::new(PersonIndex::open(&index_dir, opcina_search::index::LIVE_WRITER_BYTES, 1)?);

    if args.scenarios.iter().any(|s| s == "search") {
        queries::run(&index, &sample, args.queries, args.seed, size, backend);
        queries::run_logged(&store, &index, &sample, args.queries.min(5_000), args.seed, size, backend).await?;
    }
    if args.scenarios.iter().any(|s| s == "web") {
        web::run(&store, &index, &sample, args.seconds, args.web_concurrency, size, backend).await?;
    }
    if args.scenarios.iter().any(|s| s == "website") {
        website::run(&store, &index, args.pieces, args.seconds, args.web_concurrency, backend).await?;
    }
    if args.scenarios.iter().any(|s| s == "open311") {
        open311::run(&store, &index, args.reports, args.seconds, args.web_concurrency, backend).await?;
    }
    if args.scenarios.iter().any(|s| s == "federation") {
        federation::run(&store, &index, &sample, dir, args.seconds, args.web_concurrency, size, backend).await?;
    }
    if args.scenarios.iter().any(|s| s == "extract") {
        extracts::run(&store, &sample, args.seconds, args.extract_concurrency, size, backend).await?;
    }
    if args.scenarios.iter().any(|s| s == "cases") {
        let context =
            cases::Context { store: &store, seconds: args.seconds, concurrency: args.concurrency, cases: args.cases, size, backend };
        cases::run(context).await?;
    }
    if args.scenarios.iter().any(|s| s == "documents") {
        let context = documents::Context {
            store: &store,
            dir,
            seconds: args.seconds,
            concurrency: args.concurrency,
            documents: args.documents,
            queries: args.queries,
            size,
            backend,
        };
        documents::run(context).await?;
    }
    if args.scenarios.iter().any(|s| s == "register") {
        register(args, &store, &index, &sample, size, backend).await?;
    }
    if args.scenarios.iter().any(|s| s == "mixed") {
        // The node runs in a process of its own, with the index this one built.
        drop(index);
        let context = mixed::Context {
            store: &store,
            url: store_url(args, dir, size),
            dir,
            sample: &sample,
            seconds: args.seconds,
            rate: args.rate,
            size,
            backend,
        };
        mixed::run(context).await?;
    }
    store.close().await;
    Ok(())
}

/// A person written into the books, as the queries need them.
#[derive(Debug, Clone)]
pub struct Sampled {
    pub jmbg: String,
    pub given: String,
    pub surname: String,
}

/// Writes `size` import lines; keeps up to 20,000 people (evenly spread) as a sample.
fn write_books(path: &Path, size: usize, seed: u64, day: NaiveDate) -> anyhow::Result<Vec<Sampled>> {
    let mut out = std::io::BufWriter::with_capacity(1 << 22, std::fs::File::create(path).context("create the book file")?);
    let every = (size / 20_000).max(1);
    let mut sample = Vec::new();
    for (i, line) in opcina_synthetic::Historical::new(size, seed, 19, day).enumerate() {
        let line: ImportLine = line;
        if i % every == 0 {
            let child = &line.data["child"];
            sample.push(Sampled {
                jmbg: child["jmbg"].as_str().unwrap_or_default().into(),
                given: child["given_name"].as_str().unwrap_or_default().into(),
                surname: child["surname"].as_str().unwrap_or_default().into(),
            });
        }
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(sample)
}

/// Sustained registrations: `concurrency` registrars registering births (and deaths of
/// people from the sample) for `seconds`; each counts once durable and searchable.
async fn register(
    args: &Args,
    store: &Store,
    index: &Arc<PersonIndex>,
    sample: &[Sampled],
    size: usize,
    backend: &str,
) -> anyhow::Result<()> {
    let indexer = opcina_search::indexer::spawn(Arc::clone(index), store.clone());
    let system = Actor::system("bench");
    let offices = ["KAK", "KSU", "BRN", "BIL"];
    for o in offices {
        let spec = opcina_store::admin::UserSpec {
            username: format!("bench.{}", o.to_lowercase()),
            full_name: String::new(),
            role: Role::Registrar,
            office: Some(o.into()),
        };
        store.add_user(&system, &spec).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let deaths: Arc<std::sync::Mutex<Vec<Sampled>>> = Arc::new(std::sync::Mutex::new(sample.to_vec()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..args.concurrency {
        let store = store.clone();
        let index = Arc::clone(index);
        let deaths = Arc::clone(&deaths);
        let wait = !args.no_index_wait;
        let office = offices[worker % offices.len()];
        tasks.push(tokio::spawn(async move {
            let actor = Actor { username: format!("bench.{}", office.to_lowercase()), role: Role::Registrar, office: Some(office.into()) };
            let mut lat = Latencies::default();
            let (mut refused, mut i) = (0u64, 0u64);
            while Instant::now() < deadline {
                i += 1;
                let command = if i % 5 == 0 {
                    let victim = deaths.lock().ok().and_then(|mut d| d.pop());
                    match victim {
                        Some(v) => queries::death_of(&v.jmbg),
                        None => queries::birth(worker, i),
                    }
                } else {
                    queries::birth(worker, i)
                };
                let t = Instant::now();
                match store.execute(&actor, command).await {
                    Ok(Ok(applied)) => {
                        let last = applied.annotations.last().map(|a| a.id).or(applied.entry.as_ref().map(|e| e.id)).unwrap_or(0);
                        if wait {
                            opcina_search::indexer::wait_for(&index, last, Duration::from_secs(10)).await;
                        }
                        lat.push(t.elapsed());
                    }
                    Ok(Err(_)) => refused += 1,
                    Err(e) => return Err(anyhow::anyhow!(e)),
                }
            }
            Ok((lat, refused))
        }));
    }
    let mut all = Latencies::default();
    let mut refused = 0;
    for t in tasks {
        let (lat, r) = t.await??;
        all.extend(lat);
        refused += r;
    }
    let seconds = started.elapsed().as_secs_f64();
    indexer.abort();
    emit(&json!({
        "scenario": "register", "backend": backend, "size": size, "ops": all.len(),
        "ops_per_s": all.len() as f64 / seconds, "seconds": seconds, "concurrency": args.concurrency, "waits_for_index": !args.no_index_wait,
        "p50_ms": all.percentile_ms(50.0), "p95_ms": all.percentile_ms(95.0), "p99_ms": all.percentile_ms(99.0),
        "refused": refused, "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}
