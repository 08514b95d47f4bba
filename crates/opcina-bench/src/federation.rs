//! The `federation` scenario (`federation.exchange` in shared/PERFORMANCE.md): a second node
//! (Zenica) asks the imported node (Kakanj) *locate* for people of the sample, over loopback
//! HTTP/1.1 through the real client and router. Each exchange is signed and verified both
//! ways and logged in both nodes' message logs (the provider logs before it answers, the
//! requester before it uses the answer) — the figure is the whole round trip as the
//! requesting clerk waits for it. The signing overhead alone (sign and verify the request,
//! sign and verify the response, in process) is measured separately: it is what the
//! signatures add to an exchange.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use opcina_core::Jmbg;
use opcina_core::registry::{Actor, Role};
use opcina_federation::client::unix_now;
use opcina_federation::directory::{Directory, Member, SERVICES, key_id};
use opcina_federation::httpsig::HttpMessage;
use opcina_federation::messages::{Context, LocateQuery};
use opcina_federation::profile::{NonceCache, check_request, check_response, sign_request, sign_response};
use opcina_search::PersonIndex;
use opcina_store::Store;
use opcina_web::federation::{Federation, Settings};
use opcina_web::{AppState, app};
use serde_json::json;

use crate::Sampled;
use crate::measure::{Latencies, emit, peak_rss_mb};

fn member(code: &str, addr: &str, key: &SigningKey) -> Member {
    Member::with_key(code, code, &format!("http://{addr}"), &key.verifying_key(), SERVICES.iter().map(|s| s.to_string()).collect())
}

/// Who asks in the benchmark: Zenica's counter clerk, for an extract.
fn zenica_clerk() -> Context {
    Context {
        member: "ZEN".into(),
        office: "ZEN".into(),
        office_name: "Matični ured Zenica".into(),
        username: "salter".into(),
        official: "Šalter Zenica".into(),
        purpose: "izdavanje izvoda".into(),
        legal_basis: "self".into(),
        case_number: None,
    }
}

fn settings(member: &str, dir: &std::path::Path, authority: &SigningKey) -> Settings {
    Settings {
        member: member.into(),
        authority: authority.verifying_key(),
        directory: dir.join("directory.json").display().to_string(),
        cache: dir.join(format!("cache-{member}.json")),
        skew: 30,
        timeout: Duration::from_secs(3),
    }
}

pub async fn run(
    store: &Store,
    index: &Arc<PersonIndex>,
    sample: &[Sampled],
    dir: &std::path::Path,
    seconds: u64,
    concurrency: usize,
    size: usize,
    backend: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(!sample.is_empty(), "no people to look up");
    let authority = SigningKey::from_bytes(&[42; 32]);
    let (kak_key, zen_key) = (SigningKey::from_bytes(&[1; 32]), SigningKey::from_bytes(&[2; 32]));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let fed_dir = dir.join("federation");
    std::fs::create_dir_all(&fed_dir)?;
    let directory = Directory {
        serial: 1,
        issued_at: unix_now() - 10,
        valid_until: unix_now() + 86_400,
        members: vec![member("KAK", &addr, &kak_key), member("ZEN", "127.0.0.1:9", &zen_key)],
    };
    std::fs::write(fed_dir.join("directory.json"), serde_json::to_vec(&directory.sign(&authority).map_err(|e| anyhow::anyhow!("{e}"))?)?)?;

    // The provider: the imported node.
    let provider = Arc::new(Federation::new(settings("KAK", &fed_dir, &authority), kak_key.clone()));
    provider.refresh().await.map_err(|e| anyhow::anyhow!(e))?;
    let state = AppState::new(store.clone(), Arc::clone(index)).with_federation(provider);
    let server = tokio::spawn(axum::serve(listener, app(state)).into_future());

    // The requester: a second node with its own database (on the same backend kind when
    // SQLite; on SQLite in any case, to keep the PostgreSQL run about the provider).
    let zen_store = Store::open(&format!("sqlite://{}", dir.join("zenica.db").display())).await?;
    let (node, offices) = opcina_store::presets::zenica();
    zen_store.init_node(&Actor::system("bench"), &node, &offices).await?;
    let zen_index = Arc::new(PersonIndex::open(&dir.join("zenica-index"), opcina_search::index::LIVE_WRITER_BYTES, 1)?);
    let requester = Arc::new(Federation::new(settings("ZEN", &fed_dir, &authority), zen_key.clone()));
    requester.refresh().await.map_err(|e| anyhow::anyhow!(e))?;
    let zen_state = AppState::new(zen_store.clone(), zen_index).with_federation(Arc::clone(&requester));
    let clerk = Actor { username: "salter".into(), role: Role::CounterClerk, office: Some("ZEN".into()) };
    let context = zenica_clerk();
    let people: Arc<Vec<Jmbg>> =
        Arc::new(sample.iter().filter_map(|p| Jmbg::parse(&p.jmbg, opcina_core::CheckMode::Lenient).ok()).collect());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (requester, zen_state, clerk, context, people) =
            (Arc::clone(&requester), zen_state.clone(), clerk.clone(), context.clone(), Arc::clone(&people));
        tasks.push(tokio::spawn(async move {
            let mut lat = Latencies::default();
            let (mut failed, mut held) = (0u64, 0u64);
            let mut i = worker;
            while Instant::now() < deadline {
                i += concurrency;
                let t = Instant::now();
                let found = requester.locate(&zen_state, &clerk, &context, &people[i % people.len()]).await?;
                lat.push(t.elapsed());
                match found.first().map(|l| &l.result) {
                    Some(Ok(a)) if a.holds => held += 1,
                    Some(Ok(_)) => {}
                    _ => failed += 1,
                }
            }
            Ok::<_, anyhow::Error>((lat, failed, held))
        }));
    }
    let mut all = Latencies::default();
    let (mut failed, mut held) = (0, 0);
    for t in tasks {
        let (lat, f, h) = t.await??;
        all.extend(lat);
        failed += f;
        held += h;
    }
    let seconds_run = started.elapsed().as_secs_f64();
    server.abort();
    let chain = opcina_store::federation::verify_chain(store, &[]).await?;
    let mut overhead = signing_overhead(&kak_key, &zen_key, 20_000);
    emit(&json!({
        "scenario": "federation.exchange", "backend": backend, "size": size, "ops": all.len(),
        "ops_per_s": all.len() as f64 / seconds_run, "seconds": seconds_run, "concurrency": concurrency,
        "failed": failed, "held": held,
        "p50_ms": all.percentile_ms(50.0), "p95_ms": all.percentile_ms(95.0), "p99_ms": all.percentile_ms(99.0),
        "signing_p50_ms": overhead.percentile_ms(50.0), "signing_p99_ms": overhead.percentile_ms(99.0),
        "provider_log_messages": chain.messages, "provider_log_intact": chain.problems.is_empty(),
        "peak_rss_mb": peak_rss_mb(),
    }));
    zen_store.close().await;
    Ok(())
}

/// What the signatures add to one exchange: sign and check the request, sign and check the
/// response (with their digests), in process.
fn signing_overhead(provider: &SigningKey, requester: &SigningKey, n: usize) -> Latencies {
    let (zen_id, kak_id) = (key_id("ZEN", &requester.verifying_key()), key_id("KAK", &provider.verifying_key()));
    let (zen_vk, kak_vk) = (requester.verifying_key(), provider.verifying_key());
    let nonces = NonceCache::default();
    let body = serde_json::to_vec(&LocateQuery { context: zenica_clerk(), jmbg: "0101990190004".into() }).unwrap_or_default();
    let answer = br#"{"member":"KAK","holds":true,"registers":["MKR"]}"#;
    let mut lat = Latencies::default();
    for i in 0..n {
        let t = Instant::now();
        let mut request = HttpMessage {
            method: "POST".into(),
            authority: "127.0.0.1:8080".into(),
            path: "/federation/v1/locate".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            ..HttpMessage::default()
        };
        let now = unix_now();
        let ok = sign_request(requester, &zen_id, &mut request, &body, now, &format!("n{i}")).is_ok()
            && check_request(&request, &body, now, 30, &nonces, |k| (k == zen_id).then_some(zen_vk)).is_ok();
        let mut response = HttpMessage { status: Some(200), ..HttpMessage::default() };
        let ok = ok
            && sign_response(provider, &kak_id, &mut response, answer, &request, now).is_ok()
            && check_response(&response, answer, &request, |k| (k == kak_id).then_some(kak_vk)).is_ok();
        if ok {
            lat.push(t.elapsed());
        }
    }
    lat
}
