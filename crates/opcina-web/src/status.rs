//! The operator's status page at `/status`: which municipality the node serves, its offices and
//! hours, the state of the journal and the index, and where the API is. (The staff and
//! citizen interfaces are separate.)

use axum::extract::State;
use axum::response::Html;

use crate::AppState;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn page(State(state): State<AppState>) -> Html<String> {
    let node = state.store.node().await.ok();
    let offices = state.store.backend().offices().await.unwrap_or_default();
    let head = state.store.backend().journal_head().await.map(|h| h.seq).unwrap_or(-1);
    let municipality = node.as_ref().map_or("—".to_string(), |n| escape(&n.municipality));
    let rows: String = offices
        .iter()
        .map(|o| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&o.code),
                escape(&o.name),
                escape(&o.address),
                escape(&o.hours)
            )
        })
        .collect();
    Html(format!(
        r#"<!doctype html>
<html lang="bs">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>opcina — Općina {municipality}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}}code{{background:#f2f2f2;padding:0 .2rem}}</style>
</head>
<body>
<h1>Općina {municipality} — čvor matičnih knjiga</h1>
<p>Matične knjige (MKR, MKD, MKV, MKU) vode se elektronski; podaci putuju, a ne građani.</p>
<h2>Matični uredi</h2>
<table><thead><tr><th>Šifra</th><th>Ured</th><th>Adresa</th><th>Radno vrijeme</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Stanje čvora</h2>
<ul>
<li>Baza podataka: <code>{backend}</code>, dnevnik promjena na poziciji <strong>{head}</strong></li>
<li>Pretraga osoba: <strong>{people}</strong> osoba, indeks na poziciji dnevnika {index}</li>
</ul>
<h2>Za sisteme</h2>
<ul>
<li><a href="/api/openapi.json">/api/openapi.json</a> — opis JSON API-ja (OpenAPI 3)</li>
<li><a href="/healthz">/healthz</a> — zdravlje čvora</li>
</ul>
</body>
</html>"#,
        backend = state.store.backend().kind(),
        people = state.index.len(),
        index = state.index.watermark(),
    ))
}
