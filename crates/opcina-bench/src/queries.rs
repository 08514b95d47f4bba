//! The search scenarios (queries made from people in the books, spelled as clerks type
//! them, with and without a typo) and the commands of the register scenario.

use std::time::Instant;

use chrono::Duration;
use opcina_core::names::{fold, to_cyrillic, to_latin};
use opcina_core::registry::commands::examples::late_decision;
use opcina_core::registry::commands::{Command, NewChild, ParentInput, RegisterBirth, RegisterDeath};
use opcina_core::registry::{Place, Sex};
use opcina_core::{CheckMode, Jmbg};
use opcina_search::{PersonHit, PersonIndex, PersonQuery};
use opcina_store::calendar_today as today;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use crate::Sampled;
use crate::measure::{Latencies, emit, peak_rss_mb};

/// How a clerk might type a name.
fn spelling(p: &Sampled, variant: usize) -> String {
    let latin = format!("{} {}", to_latin(&p.given), to_latin(&p.surname));
    match variant % 5 {
        0 => latin,
        1 => fold(&latin),
        2 => to_cyrillic(&latin),
        3 => latin.to_uppercase(),
        _ => format!("{} {}", to_latin(&p.surname), to_latin(&p.given)),
    }
}

/// One random typo (deletion, insertion, substitution or transposition) in one word of
/// three letters or more.
fn typo(rng: &mut ChaCha8Rng, query: &str) -> String {
    let words: Vec<String> = query.split_whitespace().map(str::to_string).collect();
    let candidates: Vec<usize> = (0..words.len()).filter(|i| words[*i].chars().count() >= 3).collect();
    if candidates.is_empty() {
        return query.to_string();
    }
    let w = candidates[rng.random_range(0..candidates.len())];
    let mut chars: Vec<char> = words[w].chars().collect();
    let letters: Vec<char> = "abcdefghijklmnoprstuvzčćđšž".chars().collect();
    let pos = rng.random_range(0..chars.len());
    match rng.random_range(0..4) {
        0 if chars.len() > 3 => {
            chars.remove(pos);
        }
        1 => chars.insert(pos, letters[rng.random_range(0..letters.len())]),
        2 => chars[pos] = letters[rng.random_range(0..letters.len())],
        _ if pos + 1 < chars.len() => chars.swap(pos, pos + 1),
        _ => chars.insert(pos, letters[rng.random_range(0..letters.len())]),
    }
    let mut out = words.clone();
    out[w] = chars.into_iter().collect();
    out.join(" ")
}

fn names_of(h: &PersonHit) -> Vec<String> {
    let mut v = vec![fold(&format!("{} {}", h.given_name, h.surname))];
    v.extend(h.former_names.iter().map(|n| fold(n)));
    v
}

/// Runs the fuzzy and exact search scenarios and prints their figures.
pub fn run(index: &PersonIndex, sample: &[Sampled], n: usize, seed: u64, size: usize, backend: &str) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for (kind, with_typo) in [("search.fuzzy", false), ("search.fuzzy.typo", true)] {
        let mut lat = Latencies::default();
        let (mut right, mut asked, mut changed) = (0usize, 0usize, 0usize);
        for i in 0..n {
            let p = &sample[rng.random_range(0..sample.len())];
            let written = spelling(p, i);
            let q = if with_typo { typo(&mut rng, &written) } else { written.clone() };
            if fold(&q) != fold(&written) {
                changed += 1;
            }
            let target = fold(&format!("{} {}", p.given, p.surname));
            let t = Instant::now();
            let hits = index.search(&PersonQuery::new(&q, 10)).unwrap_or_default();
            lat.push(t.elapsed());
            asked += 1;
            if hits.iter().any(|h| h.jmbg.as_str() == p.jmbg || names_of(h).contains(&target)) {
                right += 1;
            }
        }
        emit(&json!({
            "scenario": kind, "backend": backend, "size": size, "ops": asked,
            "p50_ms": lat.percentile_ms(50.0), "p95_ms": lat.percentile_ms(95.0), "p99_ms": lat.percentile_ms(99.0),
            "right_name_in_top10": right as f64 / asked.max(1) as f64,
            "queries_with_a_real_typo": changed,
            "peak_rss_mb": peak_rss_mb(),
        }));
    }
    let mut lat = Latencies::default();
    let mut found = 0;
    for i in 0..n {
        let p = &sample[i % sample.len()];
        let Ok(j) = Jmbg::parse(&p.jmbg, CheckMode::Lenient) else { continue };
        let t = Instant::now();
        let hit = index.by_jmbg(&j).ok().flatten();
        lat.push(t.elapsed());
        if hit.is_some() {
            found += 1;
        }
    }
    let ops = lat.len();
    emit(&json!({
        "scenario": "search.exact_jmbg", "backend": backend, "size": size, "ops": ops,
        "p50_ms": lat.percentile_ms(50.0), "p95_ms": lat.percentile_ms(95.0), "p99_ms": lat.percentile_ms(99.0),
        "found": found as f64 / ops.max(1) as f64, "peak_rss_mb": peak_rss_mb(),
    }));
}

/// The same fuzzy queries as a counter clerk makes them: through the web crate's search use
/// case, which logs every person returned (durably, through the writer) before the hits are
/// given back — the latency a clerk sees beyond the index, in the same run as the index alone.
pub async fn run_logged(
    store: &opcina_store::Store,
    index: &std::sync::Arc<PersonIndex>,
    sample: &[Sampled],
    n: usize,
    seed: u64,
    size: usize,
    backend: &str,
) -> anyhow::Result<()> {
    let state = opcina_web::AppState::new(store.clone(), std::sync::Arc::clone(index));
    let clerk = opcina_core::registry::Actor {
        username: "bench.clerk".into(),
        role: opcina_core::registry::Role::CounterClerk,
        office: Some("KAK".into()),
    };
    let why = opcina_store::reads::ReadReason::new("provjera podataka na zahtjev stranke", None);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut lat = Latencies::default();
    let mut logged = 0usize;
    for i in 0..n {
        let p = &sample[rng.random_range(0..sample.len())];
        let query = PersonQuery::new(&spelling(p, i), 10);
        let t = Instant::now();
        let hits = opcina_web::search::people(&state, &clerk, &query, &why).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        lat.push(t.elapsed());
        logged += hits.len();
    }
    emit(&json!({
        "scenario": "search.logged", "backend": backend, "size": size, "ops": lat.len(),
        "p50_ms": lat.percentile_ms(50.0), "p95_ms": lat.percentile_ms(95.0), "p99_ms": lat.percentile_ms(99.0),
        "reads_logged": logged, "peak_rss_mb": peak_rss_mb(),
    }));
    Ok(())
}

const GIVEN: [&str; 8] = ["Amar", "Lejla", "Ivan", "Jelena", "Tarik", "Amina", "Luka", "Sara"];
const SURNAMES: [&str; 6] = ["Hodžić", "Kovač", "Begić", "Jurić", "Mehić", "Petrović"];

/// A birth registered today for a child born in the last two years.
pub fn birth(worker: usize, i: u64) -> Command {
    let k = worker as u64 * 7919 + i;
    let sex = if k.is_multiple_of(2) { Sex::Male } else { Sex::Female };
    let born = today() - Duration::days((k % 700) as i64 + 1);
    let surname = SURNAMES[(k % 6) as usize];
    Command::RegisterBirth(RegisterBirth {
        child: NewChild {
            given_name: GIVEN[(k % 8) as usize].into(),
            surname: surname.into(),
            sex,
            birth_date: born,
            birth_time: None,
            birth_place: Place::new("Zenica", "Zenica", "Bosna i Hercegovina"),
            citizenship: "Bosna i Hercegovina".into(),
        },
        mother: ParentInput {
            given_name: "Amra".into(),
            surname: surname.into(),
            maiden_surname: None,
            jmbg: None,
            birth_date: Some(born - Duration::days(365 * 27)),
            birth_place: None,
            citizenship: None,
            residence: Some("Kakanj".into()),
        },
        father: None,
        informant: "otac".into(),
        registered_on: None,
        script: Default::default(),
        note: None,
        competence: None,
        // Most of these births are registered late, on the municipality's decision.
        late_decision: opcina_core::registry::entry::is_late(born, today()).then(|| late_decision(today())),
    })
}

/// The death, today, of a person in the books.
pub fn death_of(jmbg: &str) -> Command {
    Command::RegisterDeath(RegisterDeath {
        jmbg: jmbg.into(),
        person: None,
        death_date: today() - Duration::days(2),
        death_time: None,
        death_place: Place::new("Kakanj", "Kakanj", "Bosna i Hercegovina"),
        last_residence: "Kakanj".into(),
        death_confirmation: "DZ Kakanj".into(),
        citizenship: None,
        father_name: None,
        mother_name: None,
        informant: "sin".into(),
        registered_on: None,
        script: Default::default(),
        competence: None,
        late_decision: None,
    })
}
