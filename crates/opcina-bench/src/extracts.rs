//! The `extract.issue` scenario: counter clerks issuing signed extract PDFs for people of the
//! imported books — lookup, eligibility, content at a journal position, number, seal, the
//! register row with its journal item and access record (durable), then typesetting and the
//! file seal. Each operation counts once its PDF is ready.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use opcina_core::extract::{ExtractKind, ExtractRequest, Language, Relation, Requester};
use opcina_core::names::Script;
use opcina_core::registry::{Actor, Role};
use opcina_core::{CheckMode, Jmbg};
use opcina_store::Store;
use opcina_store::extracts::{IssuePlace, Outcome, Sealer};
use serde_json::json;

use crate::Sampled;
use crate::measure::{Latencies, emit, peak_rss_mb};

pub async fn run(store: &Store, sample: &[Sampled], seconds: u64, concurrency: usize, size: usize, backend: &str) -> anyhow::Result<()> {
    let system = Actor::system("bench");
    let offices = ["KAK", "KSU", "BRN", "BIL"];
    for o in offices {
        let spec = opcina_store::admin::UserSpec {
            username: format!("clerk.{}", o.to_lowercase()),
            full_name: format!("Službenik {o}"),
            role: Role::CounterClerk,
            office: Some(o.into()),
        };
        store.add_user(&system, &spec).await?;
    }
    let key = SigningKey::from_bytes(&[9; 32]);
    store.register_key(&system, &key.verifying_key()).await?;
    let sealer = Sealer::new(key);
    let people: Arc<Vec<Jmbg>> = Arc::new(sample.iter().filter_map(|s| Jmbg::parse(&s.jmbg, CheckMode::Lenient).ok()).collect());
    anyhow::ensure!(!people.is_empty(), "no people to issue extracts for");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let store = store.clone();
        let sealer = sealer.clone();
        let people = Arc::clone(&people);
        let office = offices[worker % offices.len()];
        tasks.push(tokio::spawn(async move {
            let actor =
                Actor { username: format!("clerk.{}", office.to_lowercase()), role: Role::CounterClerk, office: Some(office.into()) };
            let place = IssuePlace { verify_base: "https://kakanj.opcina.test".into() };
            let (mut all, mut record, mut render) = (Latencies::default(), Latencies::default(), Latencies::default());
            let (mut bytes, mut refused, mut i) = (0usize, 0u64, worker);
            while Instant::now() < deadline {
                i += concurrency;
                let jmbg = people[i % people.len()].clone();
                let request = ExtractRequest {
                    kind: ExtractKind::Birth,
                    jmbg: jmbg.clone(),
                    entry_id: None,
                    language: Language::ALL[i % 3],
                    script: if i % 4 == 0 { Script::Cyrillic } else { Script::Latin },
                    requester: Requester { name: "Podnosilac".into(), jmbg: Some(jmbg), document: None, evidence: None },
                    relation: Relation::Myself,
                    purpose: "benchmark".into(),
                };
                let t = Instant::now();
                let issued = match store.request_extract(&actor, request, &sealer, &place).await? {
                    Ok(Outcome::Issued(issued)) => issued,
                    Ok(Outcome::Refused(_)) | Err(_) => {
                        refused += 1;
                        continue;
                    }
                };
                record.push(t.elapsed());
                let r = Instant::now();
                let key = sealer.clone();
                let pdf = tokio::task::spawn_blocking(move || opcina_pdf::issue_pdf(&issued.content, &issued.seal, key.key())).await??;
                render.push(r.elapsed());
                bytes += pdf.pdf.len();
                all.push(t.elapsed());
            }
            anyhow::Ok((all, record, render, bytes, refused))
        }));
    }
    let (mut all, mut record, mut render, mut bytes, mut refused) =
        (Latencies::default(), Latencies::default(), Latencies::default(), 0, 0);
    for t in tasks {
        let (a, rec, ren, b, r) = t.await??;
        all.extend(a);
        record.extend(rec);
        render.extend(ren);
        bytes += b;
        refused += r;
    }
    let seconds = started.elapsed().as_secs_f64();
    let n = all.len();
    emit(&json!({
        "scenario": "extract.issue", "backend": backend, "size": size, "ops": n, "ops_per_s": n as f64 / seconds, "seconds": seconds,
        "concurrency": concurrency,
        "p50_ms": all.percentile_ms(50.0), "p95_ms": all.percentile_ms(95.0), "p99_ms": all.percentile_ms(99.0),
        "record_p50_ms": record.percentile_ms(50.0), "record_p99_ms": record.percentile_ms(99.0),
        "render_p50_ms": render.percentile_ms(50.0), "render_p99_ms": render.percentile_ms(99.0),
        "avg_pdf_bytes": bytes.checked_div(n).unwrap_or(0), "refused": refused, "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}
