//! The `web` scenario: the web application's pages served by the real router over loopback
//! HTTP/1.1 (keep-alive), as a signed-in counter clerk and as a citizen would load them, on the
//! imported population. Each request's time is measured at the client from the first byte
//! sent to the last byte received: the server's time plus a loopback round trip (an upper
//! bound of the server time the target speaks of).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opcina_core::registry::{Actor, Role};
use opcina_search::PersonIndex;
use opcina_store::Store;
use opcina_web::{AppState, app};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::Sampled;
use crate::measure::{Latencies, emit, peak_rss_mb};

/// A keep-alive HTTP/1.1 connection that sends requests and reads whole responses (the
/// web and mixed scenarios).
pub(crate) struct Client {
    stream: BufReader<TcpStream>,
    host: String,
    /// Header lines sent with every request (`Cookie: …`, `Authorization: …`), each ending in CRLF.
    headers: String,
}

impl Client {
    pub(crate) async fn connect(addr: &str, headers: String) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Client { stream: BufReader::new(stream), host: addr.to_string(), headers })
    }

    /// Sends a GET; the status code.
    pub(crate) async fn get(&mut self, path: &str) -> anyhow::Result<u16> {
        self.send("GET", path, None).await
    }

    /// Sends a request (with a JSON body, if any) and reads the whole response; its status.
    pub(crate) async fn send(&mut self, method: &str, path: &str, body: Option<&str>) -> anyhow::Result<u16> {
        self.send_typed(method, path, "application/json", body).await
    }

    /// Sends a request with a body of `content_type` and reads the whole response; its status.
    pub(crate) async fn send_typed(&mut self, method: &str, path: &str, content_type: &str, body: Option<&str>) -> anyhow::Result<u16> {
        let body = body.unwrap_or("");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{}Accept-Language: bs\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            self.headers,
            body.len()
        );
        self.stream.get_mut().write_all(request.as_bytes()).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0usize;
        let mut chunked = false;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let l = line.trim_end().to_ascii_lowercase();
            if l.is_empty() {
                break;
            }
            if let Some(v) = l.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if l.starts_with("transfer-encoding:") && l.contains("chunked") {
                chunked = true;
            }
        }
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; n + 2];
                self.stream.read_exact(&mut chunk).await?;
                if n == 0 {
                    break;
                }
            }
        } else {
            let mut body = vec![0; length];
            self.stream.read_exact(&mut body).await?;
        }
        Ok(status)
    }
}

/// The page a browser asks for next: (worker, how many it asked before) → (page's name, path).
pub(crate) type Pages = Arc<dyn Fn(usize, usize) -> anyhow::Result<(&'static str, String)> + Send + Sync>;

/// Browses `addr` with `concurrency` keep-alive clients (each sending `headers`) for `time`,
/// each asking for the pages `next` names; each page's latencies and the answers other than
/// 200.
pub(crate) async fn browse(
    addr: &str,
    headers: &str,
    concurrency: usize,
    time: Duration,
    next: Pages,
) -> anyhow::Result<(BTreeMap<&'static str, Latencies>, u64)> {
    let deadline = Instant::now() + time;
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (addr, headers, next) = (addr.to_string(), headers.to_string(), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(&addr, headers).await?;
            let mut pages: BTreeMap<&'static str, Latencies> = BTreeMap::new();
            let mut errors = 0u64;
            let mut n = 0;
            while Instant::now() < deadline {
                let (page, path) = next(worker, n)?;
                n += 1;
                let t = Instant::now();
                let status = client.get(&path).await?;
                let took = t.elapsed();
                if status != 200 {
                    errors += 1;
                }
                pages.entry(page).or_default().push(took);
            }
            Ok::<_, anyhow::Error>((pages, errors))
        }));
    }
    let mut by_page: BTreeMap<&'static str, Latencies> = BTreeMap::new();
    let mut errors = 0;
    for t in tasks {
        let (pages, e) = t.await??;
        errors += e;
        for (page, lat) in pages {
            by_page.entry(page).or_default().extend(lat);
        }
    }
    Ok((by_page, errors))
}

/// All the latencies together, and each page's count and percentiles as the JSON line gives them.
pub(crate) fn summary(by_page: BTreeMap<&'static str, Latencies>) -> (Latencies, serde_json::Map<String, serde_json::Value>) {
    let mut all = Latencies::default();
    let mut per_page = serde_json::Map::new();
    for (page, mut lat) in by_page {
        per_page.insert(
            page.to_string(),
            json!({"ops": lat.len(), "p50_ms": lat.percentile_ms(50.0), "p95_ms": lat.percentile_ms(95.0), "p99_ms": lat.percentile_ms(99.0)}),
        );
        all.extend(lat);
    }
    (all, per_page)
}

pub async fn run(
    store: &Store,
    index: &Arc<PersonIndex>,
    sample: &[Sampled],
    seconds: u64,
    concurrency: usize,
    size: usize,
    backend: &str,
) -> anyhow::Result<()> {
    let system = Actor::system("bench");
    let spec = opcina_store::admin::UserSpec {
        username: "web.clerk".into(),
        full_name: "Šalter Kakanj".into(),
        role: Role::CounterClerk,
        office: Some("KAK".into()),
    };
    let user = store.add_user(&system, &spec).await?;
    let token = store.open_session(&user).await?;
    let indexer = opcina_search::indexer::spawn(Arc::clone(index), store.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let server = tokio::spawn(axum::serve(listener, app(AppState::new(store.clone(), Arc::clone(index)))).into_future());
    anyhow::ensure!(!sample.is_empty(), "no people to look up");
    let people: Arc<Vec<Sampled>> = Arc::new(sample.to_vec());
    let started = Instant::now();
    let next: Pages = Arc::new(move |worker, n| {
        let i = worker + n + 1;
        let p = &people[i % people.len()];
        Ok(match i % 6 {
            0 => ("home", "/".to_string()),
            1 => ("services", "/services".to_string()),
            2 | 3 => {
                let query = serde_urlencoded::to_string([("q", format!("{} {}", p.given, p.surname).as_str()), ("purpose", "check")])?;
                ("counter.search", format!("/counter?{query}"))
            }
            4 => ("counter.person", format!("/counter/persons/{}?purpose=check", p.jmbg)),
            _ => ("counter.today", "/counter/today".to_string()),
        })
    });
    let (by_page, errors) =
        browse(&addr, &format!("Cookie: opcina_session={token}\r\n"), concurrency, Duration::from_secs(seconds), next).await?;
    let seconds_run = started.elapsed().as_secs_f64();
    server.abort();
    indexer.abort();
    let (mut all, per_page) = summary(by_page);
    emit(&json!({
        "scenario": "web", "backend": backend, "size": size, "ops": all.len(), "ops_per_s": all.len() as f64 / seconds_run,
        "seconds": seconds_run, "concurrency": concurrency, "non_200": errors,
        "p50_ms": all.percentile_ms(50.0), "p95_ms": all.percentile_ms(95.0), "p99_ms": all.percentile_ms(99.0),
        "pages": per_page, "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}
