//! The `mixed` scenario: a real `opcina serve` process (the release binary beside this one)
//! on the imported population, its JSON API under a steady mixed load over loopback HTTP —
//! person searches, person views (each read logged through the writer), birth registrations
//! and extracts (signed PDFs) — sent open-loop at a fixed rate, so that a slow answer delays
//! no later request and the tail is measured as users would feel it; the server's process is
//! the node alone, as an operator runs it (its own memory, its own threads). It runs as long as asked
//! (`--seconds 1800` is the soak) and samples the server's resident memory every ten seconds.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::Sampled;
use crate::measure::{Latencies, emit, status_mb};
use crate::web::Client;
use ed25519_dalek::SigningKey;
use opcina_core::registry::{Actor, Role};
use opcina_store::Store;
use serde_json::json;

fn birth(n: u64) -> String {
    let day = chrono::Local::now().date_naive() - chrono::Duration::days((n % 300) as i64 + 1);
    let (given, sex) = [("Emir", "male"), ("Selma", "female"), ("Nedim", "male"), ("Amra", "female")][(n % 4) as usize];
    let surname = ["Begić", "Hodžić", "Mehić", "Šabić", "Čolić", "Đurić"][(n % 6) as usize];
    json!({
        "child": {"given_name": given, "surname": surname, "sex": sex, "birth_date": day,
                  "birth_place": {"settlement": "Zenica", "municipality": "Zenica"}},
        "mother": {"given_name": "Lejla", "surname": surname, "birth_date": day - chrono::Duration::days(365 * 28), "residence": "Doboj, Kakanj"},
        "informant": "otac",
        "registered_on": day
    })
    .to_string()
}

pub struct Context<'a> {
    pub store: &'a Store,
    /// The node's database and where the server keeps its index and key.
    pub url: String,
    pub dir: &'a std::path::Path,
    pub sample: &'a [Sampled],
    pub seconds: u64,
    pub rate: u32,
    pub size: usize,
    pub backend: &'a str,
}

pub async fn run(c: Context<'_>) -> anyhow::Result<()> {
    let system = Actor::system("bench");
    let mut tokens = BTreeMap::new();
    for (username, role, office) in [("mixed.registrar", Role::Registrar, "KAK"), ("mixed.clerk", Role::CounterClerk, "KAK")] {
        let spec = opcina_store::admin::UserSpec {
            username: username.into(),
            full_name: format!("Službenik {username}"),
            role,
            office: Some(office.into()),
        };
        c.store.add_user(&system, &spec).await?;
        tokens.insert(username, c.store.create_token(&system, username, "bench").await?);
    }
    let key = SigningKey::from_bytes(&[9; 32]);
    let key_file = c.dir.join("node.key");
    std::fs::write(&key_file, format!("{}\n", hex::encode(key.to_bytes())))?;
    let binary = std::env::current_exe()?.with_file_name("opcina");
    anyhow::ensure!(binary.exists(), "{} is missing: cargo build --release -p opcina", binary.display());
    let mut server = std::process::Command::new(&binary)
        .args(["serve", "--database", &c.url, "--addr", "127.0.0.1:0", "--public-url", "https://kakanj.opcina.test"])
        .arg("--index")
        .arg(c.dir.join("index"))
        .arg("--key")
        .arg(&key_file)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let pid = server.id().to_string();
    let addr = serving_address(&mut server, &c.dir.join("serve.log"))?;
    anyhow::ensure!(!c.sample.is_empty(), "no people to look up");
    let people: Arc<Vec<Sampled>> = Arc::new(c.sample.to_vec());
    let (registrar, clerk) = (Arc::new(tokens["mixed.registrar"].clone()), Arc::new(tokens["mixed.clerk"].clone()));
    // Idle connections by the token they carry (each user's requests on connections of its own).
    let idle: Arc<Mutex<BTreeMap<String, Vec<Client>>>> = Arc::default();
    let results: Arc<Mutex<BTreeMap<&'static str, (Latencies, u64)>>> = Arc::default();
    // (seconds, resident MiB, of which anonymous: the heap, not mapped files such as the index)
    let rss: Arc<Mutex<Vec<(u64, f64, f64)>>> = Arc::default();
    let started = Instant::now();
    let sampler = {
        let (rss, pid) = (Arc::clone(&rss), pid.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(10));
            loop {
                every.tick().await;
                if let Ok(mut r) = rss.lock() {
                    r.push((started.elapsed().as_secs(), status_mb(&pid, "VmRSS"), status_mb(&pid, "RssAnon")));
                }
            }
        })
    };
    // Open loop: a request every 1/rate seconds whatever the answers before it.
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(c.rate.max(1))));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let deadline = started + Duration::from_secs(c.seconds);
    let mut inflight = Vec::new();
    let mut n = 0u64;
    while Instant::now() < deadline {
        ticks.tick().await;
        n += 1;
        let p = &people[(n as usize * 7919) % people.len()];
        // Registrars 30 %, searchers 30 %, readers 30 %, extracts 10 %.
        let (kind, method, path, token, body) = match n % 10 {
            0..=2 => ("register", "POST", "/api/v1/births".to_string(), &registrar, Some(birth(n))),
            3..=5 => {
                let q = serde_urlencoded::to_string([("q", format!("{} {}", p.given, p.surname).as_str()), ("purpose", "provjera")])?;
                ("search", "GET", format!("/api/v1/persons?{q}"), &clerk, None)
            }
            6..=8 => ("view", "GET", format!("/api/v1/persons/{}?purpose=provjera", p.jmbg), &clerk, None),
            _ => {
                let body = json!({"kind": "birth", "jmbg": p.jmbg, "language": "bs", "script": "latin", "relation": "self",
                                  "purpose": "penzija", "requester": {"name": format!("{} {}", p.given, p.surname), "jmbg": p.jmbg}});
                ("extract", "POST", "/api/v1/extracts".to_string(), &clerk, Some(body.to_string()))
            }
        };
        let (idle, results, addr, token) = (Arc::clone(&idle), Arc::clone(&results), addr.clone(), Arc::clone(token));
        inflight.push(tokio::spawn(async move {
            let client = idle.lock().ok().and_then(|mut i| i.get_mut(token.as_str()).and_then(Vec::pop));
            let mut client = match client {
                Some(c) => c,
                None => Client::connect(&addr, format!("Authorization: Bearer {token}\r\n")).await?,
            };
            let t = Instant::now();
            let status = client.send(method, &path, body.as_deref()).await?;
            let took = t.elapsed();
            if let Ok(mut r) = results.lock() {
                let entry = r.entry(kind).or_default();
                entry.0.push(took);
                if !(200..300).contains(&status) {
                    entry.1 += 1;
                }
            }
            if let Ok(mut i) = idle.lock() {
                i.entry(token.to_string()).or_default().push(client);
            }
            Ok::<_, anyhow::Error>(())
        }));
        if inflight.len() > 1000 {
            inflight.retain(|t: &tokio::task::JoinHandle<anyhow::Result<()>>| !t.is_finished());
        }
    }
    for t in inflight {
        t.await??;
    }
    let seconds_run = started.elapsed().as_secs_f64();
    sampler.abort();
    let server_peak = status_mb(&pid, "VmHWM");
    let _ = server.kill();
    let _ = server.wait();
    let results = std::mem::take(&mut *results.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    let mut kinds = serde_json::Map::new();
    let mut all = Latencies::default();
    for (kind, (mut lat, failed)) in results {
        kinds.insert(
            kind.to_string(),
            json!({"ops": lat.len(), "non_2xx": failed, "p50_ms": lat.percentile_ms(50.0), "p95_ms": lat.percentile_ms(95.0),
                   "p99_ms": lat.percentile_ms(99.0), "max_ms": lat.percentile_ms(100.0)}),
        );
        all.extend(lat);
    }
    let rss = rss.lock().map(|r| r.clone()).unwrap_or_default();
    // Flat: the last sample against the first after a minute of warming up (caches filling).
    let warm = rss.iter().find(|(at, ..)| *at >= 60).or(rss.first()).copied().unwrap_or_default();
    let last = rss.last().copied().unwrap_or_default();
    let growth = |from: f64, to: f64| if from > 0.0 { (to - from) / from * 100.0 } else { 0.0 };
    emit(&json!({
        "scenario": "mixed", "backend": c.backend, "size": c.size, "rate": c.rate, "ops": all.len(),
        "ops_per_s": all.len() as f64 / seconds_run, "seconds": seconds_run,
        "p50_ms": all.percentile_ms(50.0), "p99_ms": all.percentile_ms(99.0), "max_ms": all.percentile_ms(100.0),
        "kinds": kinds,
        "rss_mb_after_1_min": warm.1, "rss_mb_last": last.1, "rss_growth_pct": growth(warm.1, last.1),
        "anon_mb_after_1_min": warm.2, "anon_mb_last": last.2, "anon_growth_pct": growth(warm.2, last.2),
        "rss_mb_max": rss.iter().map(|s| s.1).fold(0.0, f64::max),
        "rss_samples": rss.iter().map(|(at, mb, anon)| json!([at, mb.round(), anon.round()])).collect::<Vec<_>>(),
        "server_peak_rss_mb": server_peak,
    }));
    Ok(())
}

/// Reads the server's log until it says where it serves (the index caught up), then copies
/// the rest of its log into `log` in the background.
fn serving_address(server: &mut std::process::Child, log: &std::path::Path) -> anyhow::Result<String> {
    use std::io::{BufRead, Write};
    let stderr = server.stderr.take().ok_or_else(|| anyhow::anyhow!("no stderr"))?;
    let mut lines = std::io::BufReader::new(stderr).lines();
    let mut file = std::fs::File::create(log)?;
    for line in lines.by_ref() {
        let line = line?;
        writeln!(file, "{line}")?;
        if let Some(at) = line.find("serving on http://") {
            let addr: String = line[at + 18..].chars().take_while(|c| !c.is_whitespace()).collect();
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    let _ = writeln!(file, "{line}");
                }
            });
            return Ok(addr);
        }
    }
    anyhow::bail!("opcina serve stopped before serving; see {}", log.display())
}
