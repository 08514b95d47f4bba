//! The `open311` scenario: reports of communal problems posted through the Open311 GeoReport
//! v2 server by keyed clients (`--reports`, 100,000 by default) over loopback HTTP/1.1, each a
//! numbered, routed, journaled report with its first step (and its receipt in the mail
//! outbox when it gives an address), then the server's reads as clients poll it: the
//! default list (the last 90 days, newest 100), by status, service and week, several ids at
//! once, one request, the service list — in JSON and XML. The reports are made hard: every
//! category, local communities in Latin, Cyrillic and without diacritics, markup and quotes in
//! descriptions, points and no points.

use std::sync::Arc;
use std::time::{Duration, Instant};

use opcina_core::publicinfo::report::CATEGORIES;
use opcina_core::registry::Actor;
use opcina_search::PersonIndex;
use opcina_store::Store;
use opcina_web::{AppState, app};
use serde_json::json;

use crate::measure::{Latencies, emit, peak_rss_mb};
use crate::web::{Client, Pages, browse, summary};

const PLACES: [&str; 12] = [
    "Centar",
    "Doboj",
    "Haljinići",
    "Haljinici",
    "Kraljeva Sutjeska",
    "Краљева Сутјеска",
    "Ćatići",
    "Zgošća",
    "Brnjica",
    "Termoelektrana",
    "Modrinje",
    "",
];

/// The `i`th report as a client posts it.
fn form(i: usize, key: &str) -> String {
    let category = &CATEGORIES[i % CATEGORIES.len()];
    let place = PLACES[i % PLACES.len()];
    let mut fields: Vec<(&str, String)> = vec![
        ("api_key", key.to_string()),
        ("service_code", category.code.to_string()),
        ("description", format!("Prijava {i}: \"problem\" <b>kod</b> kuće & škole, već {} dana.", i % 30 + 1)),
        ("local_community", place.to_string()),
        ("address_string", if place.is_empty() { format!("Ulica {} br. {}", i % 97, i % 13) } else { String::new() }),
        ("first_name", "Građanin".into()),
        ("last_name", format!("{i}")),
    ];
    if i.is_multiple_of(2) {
        fields.push(("lat", format!("44.{:06}", 100_000 + i % 60_000)));
        fields.push(("long", format!("18.{:06}", 50_000 + i % 90_000)));
    }
    if i.is_multiple_of(3) {
        fields.push(("email", format!("gradjanin{i}@example.test")));
    }
    if category.code == "pothole" {
        fields.push(("attribute[size]", ["small", "medium", "large"][i % 3].into()));
    }
    serde_urlencoded::to_string(&fields).unwrap_or_default()
}

/// Posts `reports` reports with `concurrency` clients; their latencies and the numbers given.
async fn post(addr: &str, key: &str, reports: usize, concurrency: usize) -> anyhow::Result<(Latencies, u64)> {
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (addr, key) = (addr.to_string(), key.to_string());
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(&addr, String::new()).await?;
            let mut lat = Latencies::default();
            let mut errors = 0u64;
            let mut i = worker;
            while i < reports {
                let body = form(i, &key);
                let t = Instant::now();
                let status =
                    client.send_typed("POST", "/open311/v2/requests.json", "application/x-www-form-urlencoded", Some(&body)).await?;
                lat.push(t.elapsed());
                errors += u64::from(status != 200);
                i += concurrency;
            }
            Ok::<_, anyhow::Error>((lat, errors))
        }));
    }
    let mut all = Latencies::default();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await??;
        all.extend(lat);
        errors += e;
    }
    Ok((all, errors))
}

pub async fn run(
    store: &Store,
    index: &Arc<PersonIndex>,
    reports: usize,
    seconds: u64,
    concurrency: usize,
    backend: &str,
) -> anyhow::Result<()> {
    let admin = Actor::system("bench");
    if store.docflow_config().await?.pattern.is_none() {
        store.docflow_setup(&admin, &opcina_store::presets::kakanj_docflow()).await?.map_err(|r| anyhow::anyhow!("setup refused: {r}"))?;
    }
    for c in &CATEGORIES {
        store.route_reports(&admin, c.code, "", "05").await?.map_err(|r| anyhow::anyhow!("a route refused: {r}"))?;
    }
    store.route_reports(&admin, "street_light", "Centar", "04").await?.map_err(|r| anyhow::anyhow!("a route refused: {r}"))?;
    let (_, key) = store.add_open311_client(&admin, "bench").await?.map_err(|r| anyhow::anyhow!("the client refused: {r}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let state = AppState::new(store.clone(), Arc::clone(index)).with_public_url("https://kakanj.example");
    let server = tokio::spawn(axum::serve(listener, app(state)).into_future());

    let started = Instant::now();
    let (mut posted, errors) = post(&addr, &key, reports, 64).await?;
    let took = started.elapsed().as_secs_f64();
    emit(&json!({
        "scenario": "open311.post", "backend": backend, "reports": reports, "seconds": took, "concurrency": 64,
        "posts_per_s": reports as f64 / took, "non_200": errors,
        "p50_ms": posted.percentile_ms(50.0), "p95_ms": posted.percentile_ms(95.0), "p99_ms": posted.percentile_ms(99.0),
        "peak_rss_mb": peak_rss_mb(),
    }));

    // The planner's statistics, as autovacuum keeps them on a node that gathered its reports
    // over months (right after 100,000 inserts PostgreSQL still believes the table small and
    // sorts the whole of it for a list by status: 60-110 ms instead of under 1 ms).
    if backend == "postgres" {
        store.raw().execute_raw("ANALYZE reports").await?;
    }
    let year = store.today().format("%Y").to_string();
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let run_started = Instant::now();
    let next: Pages = Arc::new(move |worker, n| {
        let i = worker * 7919 + n + 1;
        let id = |j: usize| format!("K-{year}-{:05}", j.wrapping_mul(2_654_435_761) % reports + 1);
        let code = CATEGORIES[i % CATEGORIES.len()].code;
        Ok(match i % 10 {
            0 => ("requests.json", "/open311/v2/requests.json".to_string()),
            1 => ("requests.xml", "/open311/v2/requests.xml".to_string()),
            2 => ("requests.status", "/open311/v2/requests.json?status=open".to_string()),
            3 => ("requests.service", format!("/open311/v2/requests.xml?service_code={code}&status=open")),
            4 => ("requests.week", format!("/open311/v2/requests.json?start_date={week_ago}&page_size=50&page={}", i % 20 + 1)),
            5 => ("requests.ids", format!("/open311/v2/requests.json?service_request_id={},{},{}", id(i), id(i + 1), id(i + 2))),
            6 | 7 => ("request", format!("/open311/v2/requests/{}.json", id(i))),
            8 => ("request.xml", format!("/open311/v2/requests/{}.xml", id(i))),
            _ => ("services", "/open311/v2/services.xml".to_string()),
        })
    });
    let (by_page, errors) = browse(&addr, "", concurrency, Duration::from_secs(seconds), next).await?;
    let seconds_run = run_started.elapsed().as_secs_f64();
    server.abort();
    let (mut all, per_page) = summary(by_page);
    emit(&json!({
        "scenario": "open311", "backend": backend, "reports": reports, "ops": all.len(), "ops_per_s": all.len() as f64 / seconds_run,
        "seconds": seconds_run, "concurrency": concurrency, "non_200": errors,
        "p50_ms": all.percentile_ms(50.0), "p95_ms": all.percentile_ms(95.0), "p99_ms": all.percentile_ms(99.0),
        "pages": per_page, "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}
