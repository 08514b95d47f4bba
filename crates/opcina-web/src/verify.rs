//! The public verification page, opened from an extract's QR code: `/verify/{number}?s=SEAL`.
//! No login. It says whether the document is authentic, what it is, when and where it was
//! issued, and whether it is still current, superseded by a later annotation, or revoked —
//! and shows no personal data beyond what the document itself prints (the person's name).
//! Plain HTML, no scripts; Bosnian by default, `?lang=hr|sr|sr-cyrl|en`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use opcina_core::extract::ExtractNumber;
use opcina_core::extract::seal::decode_seal;
use opcina_store::extracts::Status;
use serde::Deserialize;

use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct VerifyParams {
    /// The content seal, base64url.
    pub s: Option<String>,
    pub lang: Option<String>,
}

struct Texts {
    lang: &'static str,
    title: &'static str,
    authentic: &'static str,
    not_authentic: &'static str,
    not_authentic_help: &'static str,
    number: &'static str,
    kind: &'static str,
    person: &'static str,
    issued: &'static str,
    office: &'static str,
    status: &'static str,
    current: &'static str,
    superseded: &'static str,
    revoked: &'static str,
    fingerprint: &'static str,
    note: &'static str,
}

const BS: Texts = Texts {
    lang: "bs",
    title: "Provjera dokumenta iz matičnih knjiga",
    authentic: "Dokument je autentičan: izdala ga je ova općina i nije mijenjan.",
    not_authentic: "Dokument nije potvrđen.",
    not_authentic_help: "Ova općina nije izdala dokument s tim brojem i tim pečatom. Provjerite da je adresa prepisana tačno, ili se obratite matičnom uredu.",
    number: "Broj",
    kind: "Vrsta",
    person: "Lice",
    issued: "Izdan",
    office: "Izdao",
    status: "Stanje",
    current: "važeći: od izdavanja nije upisano ništa što mijenja njegov sadržaj",
    superseded: "zamijenjen: naknadni upis od {since} mijenja sadržaj; zatražite novi izvod",
    revoked: "opozvan {at}: {reason}",
    fingerprint: "Otisak sadržaja (SHA-256)",
    note: "Dokumenti iz matičnih knjiga nemaju rok važenja.",
};

const HR: Texts = Texts {
    lang: "hr",
    title: "Provjera isprave iz matičnih knjiga",
    authentic: "Isprava je vjerodostojna: izdala ju je ova općina i nije mijenjana.",
    not_authentic: "Isprava nije potvrđena.",
    not_authentic_help: "Ova općina nije izdala ispravu s tim brojem i tim pečatom. Provjerite je li adresa točno prepisana ili se obratite matičnom uredu.",
    office: "Izdalo",
    current: "važeća: od izdavanja nije upisano ništa što mijenja njezin sadržaj",
    superseded: "zamijenjena: naknadni upis od {since} mijenja sadržaj; zatražite novi izvadak",
    revoked: "opozvana {at}: {reason}",
    ..BS
};

const SR: Texts = Texts {
    lang: "sr",
    title: "Provjera dokumenta iz matičnih knjiga",
    authentic: "Dokument je autentičan: izdala ga je ova opština i nije mijenjan.",
    not_authentic_help: "Ova opština nije izdala dokument sa tim brojem i tim pečatom. Provjerite da li je adresa tačno prepisana ili se obratite matičnoj službi.",
    ..BS
};

const EN: Texts = Texts {
    lang: "en",
    title: "Verification of a civil-register document",
    authentic: "The document is authentic: this municipality issued it and it has not been altered.",
    not_authentic: "The document could not be confirmed.",
    not_authentic_help: "This municipality has issued no document with this number and this seal. Check that the address was copied exactly, or contact the registry office.",
    number: "Number",
    kind: "Kind",
    person: "Person",
    issued: "Issued",
    office: "Issued by",
    status: "Status",
    current: "current: nothing recorded since it was issued changes what it says",
    superseded: "superseded: an annotation recorded on {since} changes its content; ask for a new extract",
    revoked: "revoked on {at}: {reason}",
    fingerprint: "Content fingerprint (SHA-256)",
    note: "Civil-register documents have no expiry date.",
};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(t: &Texts, cyrillic: bool, status: StatusCode, body: &str) -> Response {
    let w = |s: &str| if cyrillic { opcina_core::names::to_cyrillic(s) } else { s.to_string() };
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;line-height:1.5;color:#111}}\
.ok{{border-left:.4rem solid #1a7f37;padding:.5rem 1rem;background:#eef8f0}}.bad{{border-left:.4rem solid #b3261e;padding:.5rem 1rem;background:#fdeeee}}\
dt{{font-weight:600}}dd{{margin:0 0 .5rem 0}}code{{word-break:break-all}}</style></head><body><main><h1>{title}</h1>{body}<p><small>{note}</small></p></main></body></html>",
        lang = if cyrillic { "sr-Cyrl" } else { t.lang },
        title = escape(&w(t.title)),
        note = escape(&w(t.note)),
    );
    (status, Html(html)).into_response()
}

/// `GET /verify/{number}?s=SEAL`
pub async fn verify(State(state): State<AppState>, Path(number): Path<String>, Query(p): Query<VerifyParams>) -> Response {
    let (t, cyrillic) = match p.lang.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("hr") => (&HR, false),
        Some("sr") | Some("sr-latn") => (&SR, false),
        Some("sr-cyrl") => (&SR, true),
        Some("en") => (&EN, false),
        _ => (&BS, false),
    };
    let w = |s: &str| if cyrillic { opcina_core::names::to_cyrillic(s) } else { s.to_string() };
    let refused = || {
        page(
            t,
            cyrillic,
            StatusCode::NOT_FOUND,
            &format!(
                "<div class=\"bad\"><p><strong>{}</strong></p><p>{}</p></div>",
                escape(&w(t.not_authentic)),
                escape(&w(t.not_authentic_help))
            ),
        )
    };
    let (Some(n), Some(seal)) = (ExtractNumber::parse(&number), p.s.as_deref().and_then(decode_seal)) else { return refused() };
    let verification = match state.store.verify_extract(&n, &seal).await {
        Ok(Some(v)) => v,
        Ok(None) => return refused(),
        Err(error) => {
            tracing::error!(%error, "verification failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "verification is unavailable; try again later").into_response();
        }
    };
    let row = &verification.row;
    let person = match state.store.reproduce_extract(&n).await {
        Ok(r) => format!("{} {}", r.content.state.given_name, r.content.state.surname),
        Err(error) => {
            tracing::error!(%error, number = %n.id(), "an authentic document could not be rebuilt");
            String::new()
        }
    };
    let kind = opcina_core::extract::ExtractKind::parse(&row.kind)
        .map(|k| w(opcina_core::extract::document::kind_title(opcina_core::extract::Language::Bs, k)))
        .unwrap_or_else(|| row.kind.clone());
    let day = |micros: i64| opcina_core::registry::Timestamp(micros).to_datetime().format("%d.%m.%Y.").to_string();
    let status = match &verification.status {
        Status::Current => w(t.current),
        Status::Superseded { since, .. } => w(t.superseded).replace("{since}", &day(since.0)),
        Status::Revoked { at, reason } => w(t.revoked).replace("{at}", &day(at.0)).replace("{reason}", reason),
    };
    let class = if matches!(verification.status, Status::Current) { "ok" } else { "bad" };
    let fingerprint = row.content_hash.as_deref().map(hex::encode).unwrap_or_default();
    let body = format!(
        "<div class=\"{class}\"><p><strong>{authentic}</strong></p></div><dl>\
<dt>{l_number}</dt><dd>{number}</dd><dt>{l_kind}</dt><dd>{kind}</dd><dt>{l_person}</dt><dd>{person}</dd>\
<dt>{l_issued}</dt><dd>{issued}, {place}</dd><dt>{l_office}</dt><dd>{office}</dd><dt>{l_status}</dt><dd><strong>{status}</strong></dd>\
<dt>{l_fp}</dt><dd><code>{fingerprint}</code></dd></dl>",
        authentic = escape(&w(t.authentic)),
        l_number = escape(&w(t.number)),
        number = escape(&n.to_string()),
        l_kind = escape(&w(t.kind)),
        kind = escape(&kind),
        l_person = escape(&w(t.person)),
        person = escape(&person),
        l_issued = escape(&w(t.issued)),
        issued = escape(&day(row.at)),
        place = escape(&row.place),
        l_office = escape(&w(t.office)),
        office = escape(&row.office_name),
        l_status = escape(&w(t.status)),
        status = escape(&status),
        l_fp = escape(&w(t.fingerprint)),
    );
    page(t, cyrillic, StatusCode::OK, &body)
}
