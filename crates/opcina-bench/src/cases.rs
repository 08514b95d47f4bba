//! The document flow: `cases.register` (submissions registered and cases opened by counter
//! clerks through the node's writer, durable), then the book filled to `--cases` cases handed
//! over to officials across the units, and `cases.list` (an official's and a unit's pending
//! cases in due order, first pages and pages deep into the list through the keyset cursor).

use std::time::{Duration, Instant};

use chrono::Duration as Days;
use opcina_core::docflow::case::CaseAction;
use opcina_core::registry::{Actor, Role};
use opcina_store::Store;
use opcina_store::docflow::{DocDone, DocOp, Intake, Party};
use opcina_store::rows::CaseQuery;
use serde_json::json;

use crate::measure::{Latencies, emit, peak_rss_mb};
use opcina_store::sql::prelude::*;

/// Officials per unit placed for the benchmark.
const OFFICIALS_PER_UNIT: usize = 8;
const KINDS: [(&str, &str); 5] = [("uvjerenje", "01/1"), ("pomoc", "01/1"), ("obrt", "03"), ("urbanisticka", "04"), ("komunalni", "05")];

pub struct Context<'a> {
    pub store: &'a Store,
    pub seconds: u64,
    pub concurrency: usize,
    pub cases: usize,
    pub size: usize,
    pub backend: &'a str,
}

fn intake(worker: usize, i: u64, received_on: chrono::NaiveDate) -> Intake {
    let (kind, _) = KINDS[(worker + i as usize) % KINDS.len()];
    Intake {
        case_type: kind.into(),
        channel: "counter".into(),
        party: Party {
            name: format!("Stranka {worker}-{i}"),
            jmbg: None,
            address: "Alije Izetbegovića 12, 72240 Kakanj".into(),
            contact: None,
        },
        subject: format!("Zahtjev {kind}"),
        received_on,
        appeal_of: None,
    }
}

fn official(unit: &str, n: usize) -> String {
    format!("sluzbenik.{}.{n}", unit.replace('/', "-"))
}

async fn set_up(store: &Store) -> anyhow::Result<Actor> {
    let system = Actor::system("bench");
    let mut setup = opcina_store::presets::kakanj_docflow();
    for (unit, _) in &setup.units.clone() {
        for n in 0..OFFICIALS_PER_UNIT {
            let username = official(unit, n);
            let spec = opcina_store::admin::UserSpec {
                username: username.clone(),
                full_name: String::new(),
                role: Role::Official,
                office: Some("KAK".into()),
            };
            store.add_user(&system, &spec).await?;
            setup.staff.push((username, unit.clone()));
        }
    }
    let spec = opcina_store::admin::UserSpec {
        username: "bench.pisarnica".into(),
        full_name: String::new(),
        role: Role::CounterClerk,
        office: Some("KAK".into()),
    };
    store.add_user(&system, &spec).await?;
    store.docflow_setup(&system, &setup).await?.map_err(|r| anyhow::anyhow!("setup refused: {r}"))?;
    Ok(Actor { username: "bench.pisarnica".into(), role: Role::CounterClerk, office: Some("KAK".into()) })
}

/// `workers` clerks open cases (and, with `hand_over`, pass each to an official of its unit)
/// until `until` says stop; returns the latencies of the openings.
async fn clerks(
    store: &Store,
    clerk: &Actor,
    workers: usize,
    hand_over: bool,
    until: impl Fn(u64) -> bool + Clone + Send + 'static,
) -> anyhow::Result<Latencies> {
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (store, clerk, until, counter) = (store.clone(), clerk.clone(), until.clone(), std::sync::Arc::clone(&counter));
        tasks.push(tokio::spawn(async move {
            let mut lat = Latencies::default();
            let today = store.today();
            loop {
                let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if !until(i) {
                    break;
                }
                let received = today - Days::days((i % 60) as i64);
                let t = Instant::now();
                let done = store.docflow(&clerk, DocOp::Open(Box::new(intake(worker, i, received)))).await?;
                lat.push(t.elapsed());
                let DocDone::Opened { case, .. } = done.map_err(|r| anyhow::anyhow!("refused: {r}"))? else { anyhow::bail!("not opened") };
                if hand_over {
                    let unit = case.unit_code.clone();
                    let action =
                        CaseAction::HandOver { official: Some(official(&unit, i as usize % OFFICIALS_PER_UNIT)), unit, note: None };
                    store
                        .docflow(&clerk, DocOp::Step { case_id: case.id, action: Box::new(action) })
                        .await?
                        .map_err(|r| anyhow::anyhow!("refused: {r}"))?;
                }
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut all = Latencies::default();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}

pub async fn run(c: Context<'_>) -> anyhow::Result<()> {
    let clerk = set_up(c.store).await?;
    // Sustained registration.
    let deadline = Instant::now() + Duration::from_secs(c.seconds);
    let started = Instant::now();
    let mut lat = clerks(c.store, &clerk, c.concurrency, false, move |_| Instant::now() < deadline).await?;
    let seconds = started.elapsed().as_secs_f64();
    emit(&json!({
        "scenario": "cases.register", "backend": c.backend, "size": c.size, "ops": lat.len(),
        "ops_per_s": lat.len() as f64 / seconds, "seconds": seconds, "concurrency": c.concurrency,
        "p50_ms": lat.percentile_ms(50.0), "p95_ms": lat.percentile_ms(95.0), "p99_ms": lat.percentile_ms(99.0),
        "peak_rss_mb": peak_rss_mb(),
    }));
    // Fill the books: every case opened and handed over to an official.
    let target = c.cases.saturating_sub(lat.len()) as u64;
    let started = Instant::now();
    clerks(c.store, &clerk, 256, true, move |i| i < target).await?;
    let fill_s = started.elapsed().as_secs_f64();
    eprintln!("[{}] {} cases opened and handed over in {fill_s:.1} s", c.size, target);
    // Lists: first pages and deep pages of an official's and a unit's pending cases.
    let pending: Vec<String> = ["registered", "in_work", "waiting"].iter().map(|s| s.to_string()).collect();
    let mut first = Latencies::default();
    let mut deep = Latencies::default();
    let units = ["01/1", "03", "04", "05"];
    let rounds = 400;
    for round in 0..rounds {
        let unit = units[round % units.len()];
        let mut q = CaseQuery { states: pending.clone(), limit: 50, ..CaseQuery::default() };
        if round % 2 == 0 {
            q.official = Some(official(unit, round % OFFICIALS_PER_UNIT));
        } else {
            q.unit = Some(unit.into());
        }
        let t = Instant::now();
        let page = c.store.raw().reads().cases_page(&q).await?;
        first.push(t.elapsed());
        // Ten pages on through the cursor.
        let mut last = page.last().map(|l| (l.due_on.clone(), l.id));
        for _ in 0..10 {
            let Some(after) = last.take() else { break };
            q.after = Some(after);
            let t = Instant::now();
            let page = c.store.raw().reads().cases_page(&q).await?;
            deep.push(t.elapsed());
            last = page.last().map(|l| (l.due_on.clone(), l.id));
        }
    }
    let total = c.store.raw().rows_page("cases", 0, 1).await?.len();
    emit(&json!({
        "scenario": "cases.list", "backend": c.backend, "size": c.size, "cases": c.cases, "has_cases": total > 0,
        "fill_seconds": fill_s, "page": 50,
        "first_page_p50_ms": first.percentile_ms(50.0), "first_page_p95_ms": first.percentile_ms(95.0), "first_page_p99_ms": first.percentile_ms(99.0),
        "next_page_p50_ms": deep.percentile_ms(50.0), "next_page_p95_ms": deep.percentile_ms(95.0), "next_page_p99_ms": deep.percentile_ms(99.0),
        "pages": first.len() + deep.len(), "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}
