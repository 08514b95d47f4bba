//! The `website` scenario: the municipality's website with many published pieces (10,000 by
//! default, `--pieces`), written through the newsroom's use cases (each piece created,
//! submitted, approved and published: four journaled writes), then its public pages, feeds
//! and site map served by the real router over loopback HTTP/1.1, as readers and feed readers
//! load them. Each request's time is measured at the client (server time plus a loopback
//! round trip).

use std::sync::Arc;
use std::time::{Duration, Instant};

use opcina_core::publicinfo::key::key;
use opcina_core::publicinfo::piece::{PieceAction, PieceFacts, PieceText};
use opcina_core::registry::{Actor, Role};
use opcina_search::PersonIndex;
use opcina_store::Store;
use opcina_store::admin::UserSpec;
use opcina_store::publicinfo::PieceOp;
use opcina_web::{AppState, app};
use serde_json::json;

use crate::measure::{emit, peak_rss_mb};
use crate::web::{Pages, browse, summary};

const CATEGORIES: [&str; 12] = [
    "Privreda",
    "Kultura",
    "Sport",
    "Obrazovanje",
    "Infrastruktura",
    "Zdravstvo",
    "Okoliš",
    "Uprava",
    "Socijalna zaštita",
    "Poljoprivreda",
    "Mladi",
    "Turizam",
];
const COMMUNITIES: [&str; 10] =
    ["Kakanj I", "Kakanj II", "Doboj", "Haljinići", "Kraljeva Sutjeska", "Brnjica", "Bilješevo", "Termoelektrana", "Zgošća", "Ričica"];

fn piece(i: usize) -> (PieceFacts, PieceText) {
    let kinds = ["news", "news", "news", "announcement", "announcement", "public_call", "act"];
    let kind = kinds[i % kinds.len()];
    let facts = PieceFacts {
        kind: kind.into(),
        category: CATEGORIES[i % CATEGORIES.len()].into(),
        tags: format!("tema{}, godina {}", i % 40, 2000 + i % 27),
        local_community: if i.is_multiple_of(3) { COMMUNITIES[i % COMMUNITIES.len()].into() } else { String::new() },
        gazette: if kind == "act" { format!("Službeni glasnik Općine Kakanj {}/{}", i % 20 + 1, 2000 + i % 27) } else { String::new() },
        closes_on: if kind == "public_call" { "2099-12-31".into() } else { String::new() },
    };
    let paragraph = "Općinski načelnik je sa saradnicima obišao radove i razgovarao s mještanima o rokovima, troškovima i narednim koracima. \
                     Radovi se finansiraju iz budžeta općine i sredstava kantona, a izvođač je izabran na javnom konkursu.";
    let body = (0..6).map(|_| paragraph).collect::<Vec<_>>().join("\n\n");
    let text = PieceText {
        language: "bs".into(),
        title: format!("{} — objava broj {i} za {}", CATEGORIES[i % CATEGORIES.len()], COMMUNITIES[i % COMMUNITIES.len()]),
        summary: "Kratak sažetak objave u jednoj ili dvije rečenice, kakav se prikazuje u listi i u feedu.".into(),
        body,
    };
    (facts, text)
}

/// Documents per piece whose text the search index holds.
const DOCUMENTS_PER_PIECE: usize = 5;

/// What readers type: without diacritics, in Cyrillic, in capitals, a year with a word, a
/// community's name, words only the documents hold.
const SEARCHES: [&str; 10] = [
    "radovi budzet",
    "kraljeva sutjeska",
    "КРАЉЕВА СУТЈЕСКА",
    "okolis objava",
    "tema7 2019",
    "socijalna zastita haljinici",
    "zapisnik komisije ponude",
    "načelnik rokovi",
    "ugovor vodovod bicer",
    "termoelektrana mladi",
];

/// Gives every piece in the index the text of [`DOCUMENTS_PER_PIECE`] documents (minutes,
/// contracts, decisions of a few pages), as its PDFs' text would be.
async fn with_documents(store: &Store, index: &Arc<opcina_search::pieces::PieceIndex>) -> anyhow::Result<()> {
    use opcina_store::sql::prelude::*;
    let document = |i: usize, d: usize| {
        format!(
            "Zapisnik komisije za otvaranje ponuda broj {i}-{d}. Ugovor o izvođenju radova na vodovodu Bičer i Ričica, \
             dionica {d}, vrijednost {} KM. Odluka o izboru najpovoljnijeg ponuđača donesena je u skladu sa Zakonom o javnim \
             nabavkama. Prilog: ponude, izjave, garancije, specifikacija radova po pozicijama {}",
            10_000 + (i * 37 + d * 11) % 90_000,
            "i stavkama predmjera ".repeat(40)
        )
    };
    let mut after = (0, 0);
    let mut last = index.after();
    loop {
        let batch = store.raw().reads().pieces_changed_after(after.0, after.1, 500).await?;
        let Some(end) = batch.last().map(|p| (p.changed_at, p.id)) else { break };
        let mut texts = Vec::with_capacity(batch.len());
        for p in &batch {
            let latest = store.raw().reads().latest_texts(&[p.id]).await?;
            let titles = latest.iter().map(|t| t.title.clone()).collect::<Vec<_>>().join("\n");
            let mut text = latest.iter().map(|t| format!("{}\n{}", t.summary, t.body)).collect::<Vec<_>>();
            text.push(format!("{}\n{}\n{}", p.category, p.tags, p.local_community));
            text.extend((0..DOCUMENTS_PER_PIECE).map(|d| document(usize::try_from(p.id).unwrap_or(0), d)));
            texts.push(opcina_search::pieces::PieceText { id: p.id, titles, text: text.join("\n") });
        }
        last = opcina_search::pieces::Watermark { changed_at: end.0, id: end.1 };
        let index = Arc::clone(index);
        tokio::task::spawn_blocking(move || index.put(&texts)).await??;
        after = end;
    }
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || index.commit(last)).await??;
    Ok(())
}

/// Writes `pieces` published pieces through the newsroom's use cases, `concurrency` at a
/// time; returns their addresses.
async fn seed(store: &Store, pieces: usize, concurrency: usize) -> anyhow::Result<Vec<String>> {
    let system = Actor::system("bench");
    let mut actors = Vec::new();
    for (username, role) in [("web.urednik", Role::Editor), ("web.pr", Role::PressOfficer), ("web.kabinet", Role::Approver)] {
        store.add_user(&system, &UserSpec { username: username.into(), full_name: username.into(), role, office: None }).await?;
        actors.push(Actor { username: username.into(), role, office: None });
    }
    let actors = Arc::new(actors);
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let store = store.clone();
        let actors = Arc::clone(&actors);
        tasks.push(tokio::spawn(async move {
            let mut slugs = Vec::new();
            let mut i = worker;
            while i < pieces {
                let (facts, text) = piece(i);
                let done = store.piece(&actors[0], PieceOp::Create { facts, text }).await?.map_err(|r| anyhow::anyhow!("{r}"))?;
                let id = done.piece.id;
                for (who, action) in [(0, PieceAction::Submit), (2, PieceAction::Approve), (1, PieceAction::Publish)] {
                    let op = PieceOp::Step { piece_id: id, action, reason: String::new(), publish_at: None };
                    store.piece(&actors[who], op).await?.map_err(|r| anyhow::anyhow!("{r}"))?;
                }
                slugs.push(done.piece.slug);
                i += concurrency;
            }
            Ok::<_, anyhow::Error>(slugs)
        }));
    }
    let mut slugs = Vec::new();
    for t in tasks {
        slugs.extend(t.await??);
    }
    Ok(slugs)
}

pub async fn run(
    store: &Store,
    index: &Arc<PersonIndex>,
    pieces: usize,
    seconds: u64,
    concurrency: usize,
    backend: &str,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let slugs = Arc::new(seed(store, pieces, 64).await?);
    let seeding = started.elapsed().as_secs_f64();
    emit(&json!({
        "scenario": "website.seed", "backend": backend, "pieces": pieces, "seconds": seeding,
        "pieces_per_s": pieces as f64 / seeding, "writes_per_s": (pieces * 4) as f64 / seeding, "peak_rss_mb": peak_rss_mb(),
    }));
    // The search index of the pieces: built from the store as a node's indexer builds it,
    // then given the text of five documents per piece (the 50,000 attachments for
    // 10,000 pieces), so that searches run over an index of that size.
    let started = Instant::now();
    let pieces_index = Arc::new(opcina_search::pieces::PieceIndex::in_memory(200_000_000)?);
    opcina_search::pieces::catch_up(&pieces_index, store).await?;
    let indexing = started.elapsed().as_secs_f64();
    let started = Instant::now();
    with_documents(store, &pieces_index).await?;
    emit(&json!({
        "scenario": "website.index", "backend": backend, "pieces": pieces_index.len(), "attachments": pieces * DOCUMENTS_PER_PIECE,
        "catch_up_seconds": indexing, "documents_seconds": started.elapsed().as_secs_f64(), "peak_rss_mb": peak_rss_mb(),
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let state = AppState::new(store.clone(), Arc::clone(index)).with_pieces(pieces_index).with_public_url("https://kakanj.example");
    let server = tokio::spawn(axum::serve(listener, app(state)).into_future());
    let run_started = Instant::now();
    let next: Pages = Arc::new(move |worker, n| {
        let i = worker * 7919 + n + 1;
        let category = key(CATEGORIES[i % CATEGORIES.len()]);
        let community = key(COMMUNITIES[i % COMMUNITIES.len()]);
        Ok(match i % 10 {
            0 => ("home", "/".to_string()),
            1 => ("news", "/news".to_string()),
            2 => ("news.category", format!("/news?category={category}")),
            3 => ("news.mz", format!("/news?mz={community}")),
            4 | 5 => ("piece", format!("/news/{}", slugs[i.wrapping_mul(2_654_435_761) % slugs.len()])),
            6 => ("feed", "/feed.atom".to_string()),
            7 => ("feed.category", format!("/feed.atom?category={category}")),
            8 => ("api.pieces", "/api/v1/pieces?kind=public_call".to_string()),
            _ if i % 50 == 9 => ("sitemap", "/sitemap.xml".to_string()),
            _ if i % 4 == 1 => {
                ("search", format!("/search?{}", serde_urlencoded::to_string([("q", SEARCHES[i % SEARCHES.len()])]).unwrap_or_default()))
            }
            _ => ("news.tag", format!("/news?tag=tema{}", i % 40)),
        })
    });
    let (by_page, errors) = browse(&addr, "", concurrency, Duration::from_secs(seconds), next).await?;
    let seconds_run = run_started.elapsed().as_secs_f64();
    server.abort();
    let (mut all, per_page) = summary(by_page);
    emit(&json!({
        "scenario": "website", "backend": backend, "pieces": pieces, "ops": all.len(), "ops_per_s": all.len() as f64 / seconds_run,
        "seconds": seconds_run, "concurrency": concurrency, "non_200": errors,
        "p50_ms": all.percentile_ms(50.0), "p95_ms": all.percentile_ms(95.0), "p99_ms": all.percentile_ms(99.0),
        "pages": per_page, "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}
