//! The files of cases: `documents.register` (clerks attach text files to cases through the
//! node: the content kept by its hash in a local directory, the row journaled and durable),
//! `documents.searchable` (how long after its attachment a file is found, with the node's
//! document indexer running), and `documents.search` (full-text queries of one to three
//! words over an index of `--documents` files, as the registry office and as an official of
//! one unit). The big index is filled with the same kind of text straight into the index
//! (registering a million files through the node would only measure the register again).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use opcina_core::registry::{Actor, Role};
use opcina_search::documents::{DocumentIndex, DocumentText, Scope};
use opcina_store::Store;
use opcina_store::docflow::{DocDone, DocOp, Intake, Party, Upload};
use opcina_store::rows::AttachmentRow;
use serde_json::json;

use crate::measure::{Latencies, emit, peak_rss_mb};
use opcina_store::sql::prelude::*;

/// Words of the letters and requests a municipality receives (folded or not, the index sees
/// them the same).
const WORDS: &[&str] = &[
    "zahtjev",
    "rješenje",
    "uvjerenje",
    "kućna",
    "lista",
    "prihodi",
    "domaćinstvo",
    "općina",
    "Kakanj",
    "služba",
    "opća",
    "uprava",
    "urbanistička",
    "saglasnost",
    "građevinska",
    "dozvola",
    "objekat",
    "parcela",
    "katastarska",
    "čestica",
    "ulica",
    "Šehidska",
    "Alije",
    "Izetbegovića",
    "Zgošća",
    "Doboj",
    "Kraljeva",
    "Sutjeska",
    "Vukanovići",
    "komunalna",
    "naknada",
    "voda",
    "kanalizacija",
    "put",
    "rasvjeta",
    "žalba",
    "prigovor",
    "obrt",
    "djelatnost",
    "registracija",
    "pomoć",
    "jednokratna",
    "socijalna",
    "stipendija",
    "učenik",
    "student",
    "penzija",
    "boračka",
    "invalidnina",
    "izvod",
    "matična",
    "knjiga",
    "rođenih",
    "vjenčanih",
    "umrlih",
    "državljanstvo",
    "prebivalište",
    "boravište",
    "dokaz",
    "prilog",
    "kopija",
    "ovjerena",
    "potpis",
    "pečat",
    "taksa",
    "uplata",
    "račun",
    "banka",
    "rok",
    "dana",
    "dopuna",
    "nedostaje",
    "dostaviti",
    "stranka",
    "podnosilac",
    "punomoć",
    "advokat",
    "zapisnik",
    "uviđaj",
    "inspekcija",
    "nalaz",
    "vještak",
    "mišljenje",
    "odluka",
    "vijeće",
    "načelnik",
    "sjednica",
    "budžet",
    "grant",
    "udruženje",
    "mjesna",
    "zajednica",
    "projekat",
    "sanacija",
    "škola",
    "ambulanta",
    "most",
    "rijeka",
    "Bosna",
    "poplava",
    "šteta",
];
const SURNAMES: &[&str] = &[
    "Hodžić",
    "Mujić",
    "Begić",
    "Čaušević",
    "Delić",
    "Hadžić",
    "Kovačević",
    "Jukić",
    "Šehić",
    "Omerović",
    "Ibrahimović",
    "Đurić",
    "Marić",
    "Softić",
    "Mehmedović",
    "Alić",
    "Halilović",
    "Karić",
    "Zukić",
    "Bešić",
];
const UNITS: [&str; 5] = ["01/1", "02", "03", "04", "05"];

pub struct Context<'a> {
    pub store: &'a Store,
    pub dir: &'a std::path::Path,
    pub seconds: u64,
    pub concurrency: usize,
    pub documents: usize,
    pub queries: usize,
    pub size: usize,
    pub backend: &'a str,
}

/// A small generator (xorshift) so that runs are alike.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// A letter of `words` words, naming a party.
fn letter(rng: &mut Rng, words: usize) -> String {
    let mut text = format!("Podnosilac: {} {}. ", rng.pick(&["Amra", "Haris", "Selma", "Emir", "Lejla", "Adnan"]), rng.pick(SURNAMES));
    for i in 0..words {
        text.push_str(rng.pick(WORDS));
        text.push(if i % 12 == 11 { '.' } else { ' ' });
    }
    text
}

async fn clerk(store: &Store) -> anyhow::Result<Actor> {
    let system = Actor::system("bench");
    let username = "bench.dokumenti";
    if store.raw().reads().user(username).await?.is_none() {
        let spec = opcina_store::admin::UserSpec {
            username: username.into(),
            full_name: String::new(),
            role: Role::CounterClerk,
            office: Some("KAK".into()),
        };
        store.add_user(&system, &spec).await?;
    }
    if store.raw().reads().docflow_config().await?.pattern.is_none() {
        store.docflow_setup(&system, &opcina_store::presets::kakanj_docflow()).await?.map_err(|r| anyhow::anyhow!("setup refused: {r}"))?;
    }
    Ok(Actor { username: username.into(), role: Role::CounterClerk, office: Some("KAK".into()) })
}

async fn open_cases(store: &Store, clerk: &Actor, n: usize) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let intake = Intake {
            case_type: ["uvjerenje", "obrt", "urbanisticka", "komunalni"][i % 4].into(),
            channel: "counter".into(),
            party: Party { name: format!("Stranka {i}"), jmbg: None, address: "Kakanj".into(), contact: None },
            subject: "Zahtjev".into(),
            received_on: store.today(),
            appeal_of: None,
        };
        match store.docflow(clerk, DocOp::Open(Box::new(intake))).await?.map_err(|r| anyhow::anyhow!("refused: {r}"))? {
            DocDone::Opened { case, .. } => ids.push(case.id),
            other => anyhow::bail!("not opened: {other:?}"),
        }
    }
    Ok(ids)
}

async fn attach(store: &Store, clerk: &Actor, case: i64, i: u64, text: String) -> anyhow::Result<AttachmentRow> {
    let upload = Upload { name: format!("dopis-{i}.txt"), ..Upload::default() };
    let (_, row) =
        store.attach(clerk, case, upload, "text/plain", Bytes::from(text)).await?.map_err(|r| anyhow::anyhow!("refused: {r}"))?;
    Ok(row)
}

pub async fn run(c: Context<'_>) -> anyhow::Result<()> {
    c.store.set_files(opcina_store::files::Files::local(&c.dir.join("files"))?);
    let clerk = clerk(c.store).await?;
    let cases = Arc::new(open_cases(c.store, &clerk, 1000).await?);

    // Sustained attachment by `concurrency` clerks.
    let deadline = Instant::now() + Duration::from_secs(c.seconds);
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..c.concurrency {
        let (store, clerk, cases, counter) = (c.store.clone(), clerk.clone(), Arc::clone(&cases), Arc::clone(&counter));
        tasks.push(tokio::spawn(async move {
            let mut lat = Latencies::default();
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (worker as u64 + 1));
            while Instant::now() < deadline {
                let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let text = letter(&mut rng, 150);
                let t = Instant::now();
                attach(&store, &clerk, cases[(i % cases.len() as u64) as usize], i, text).await?;
                lat.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut lat = Latencies::default();
    for t in tasks {
        lat.extend(t.await??);
    }
    let seconds = started.elapsed().as_secs_f64();
    // The same files read back, their text taken and indexed, as the node's indexer does.
    let index = Arc::new(DocumentIndex::open(&c.dir.join("documents-index"), 200_000_000)?);
    let t = Instant::now();
    let indexed = opcina_search::documents::catch_up(&index, c.store).await?;
    let index_s = t.elapsed().as_secs_f64();
    emit(&json!({
        "scenario": "documents.register", "backend": c.backend, "size": c.size, "ops": lat.len(),
        "ops_per_s": lat.len() as f64 / seconds, "seconds": seconds, "concurrency": c.concurrency,
        "p50_ms": lat.percentile_ms(50.0), "p95_ms": lat.percentile_ms(95.0), "p99_ms": lat.percentile_ms(99.0),
        "indexed": indexed, "index_per_s": indexed as f64 / index_s,
        "register_and_index_per_s": lat.len() as f64 / (seconds + index_s), "peak_rss_mb": peak_rss_mb(),
    }));

    // Searchable after: one clerk attaches, the node's indexer follows, the file is looked for.
    let indexer = opcina_search::documents::spawn(Arc::clone(&index), c.store.clone());
    let mut visible = Latencies::default();
    let mut rng = Rng(42);
    for i in 0..50u64 {
        let marker = format!("oznaka{i}x{}", rng.next() % 1_000_000);
        let text = format!("{} {marker}", letter(&mut rng, 40));
        let t = Instant::now();
        attach(c.store, &clerk, cases[i as usize % cases.len()], 1_000_000 + i, text).await?;
        loop {
            if !index.search(&marker, None, 1)?.is_empty() {
                break;
            }
            if t.elapsed() > Duration::from_secs(30) {
                anyhow::bail!("a file was not searchable after 30 s");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        visible.push(t.elapsed());
    }
    indexer.abort();
    emit(&json!({
        "scenario": "documents.searchable", "backend": c.backend, "ops": visible.len(),
        "p50_ms": visible.percentile_ms(50.0), "p95_ms": visible.percentile_ms(95.0), "p99_ms": visible.percentile_ms(99.0),
    }));

    // Search at `documents` files.
    let big = DocumentIndex::open(&c.dir.join("documents-big"), 400_000_000)?;
    let t = Instant::now();
    let mut rng = Rng(7);
    let batch = 10_000;
    let mut id = 0i64;
    while (id as usize) < c.documents {
        let n = batch.min(c.documents - id as usize);
        let docs: Vec<DocumentText> = (0..n)
            .map(|_| {
                id += 1;
                DocumentText {
                    attachment: AttachmentRow {
                        id,
                        case_id: id / 3 + 1,
                        record_id: None,
                        first_id: id,
                        version: 1,
                        name: format!("dopis-{id}.pdf"),
                        media_type: "application/pdf".into(),
                        size: 0,
                        sha256: String::new(),
                        uploaded_by: String::new(),
                        uploaded_at: 0,
                    },
                    case_number: format!("UP-I-01/1-25-{id}/26"),
                    case_subject: format!("Zahtjev: {} {}", rng.pick(WORDS), rng.pick(WORDS)),
                    unit: UNITS[(id % UNITS.len() as i64) as usize].into(),
                    text: letter(&mut rng, 150),
                }
            })
            .collect();
        big.add(&docs)?;
    }
    big.commit(id)?;
    let fill_s = t.elapsed().as_secs_f64();
    eprintln!("[{}] {} documents indexed in {fill_s:.1} s", c.size, c.documents);
    let mut all = Latencies::default();
    let mut unit = Latencies::default();
    let mut found = 0usize;
    for q in 0..c.queries {
        let words = 1 + q % 3;
        let query: Vec<&str> = (0..words).map(|w| if w == 0 && q % 4 == 0 { rng.pick(SURNAMES) } else { rng.pick(WORDS) }).collect();
        let query = query.join(" ");
        let t = Instant::now();
        found += usize::from(!big.search(&query, None, 20)?.is_empty());
        all.push(t.elapsed());
        let t = Instant::now();
        let scope = Scope { unit: UNITS[q % UNITS.len()].to_string(), ..Scope::default() };
        big.search(&query, Some(&scope), 20)?;
        unit.push(t.elapsed());
    }
    emit(&json!({
        "scenario": "documents.search", "backend": c.backend, "documents": big.len(), "fill_seconds": fill_s, "queries": c.queries,
        "with_hits": found, "p50_ms": all.percentile_ms(50.0), "p95_ms": all.percentile_ms(95.0), "p99_ms": all.percentile_ms(99.0),
        "unit_p50_ms": unit.percentile_ms(50.0), "unit_p95_ms": unit.percentile_ms(95.0), "unit_p99_ms": unit.percentile_ms(99.0),
        "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}
