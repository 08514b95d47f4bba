//! The municipality's website, public: the news and the other published pieces, their
//! pages, the Atom feeds (RFC 4287) and the site map. Only what the public may see now is
//! shown anywhere (the store's use cases decide it): a piece under embargo has no page, no
//! feed entry and no place in the site map until its time.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use opcina_core::publicinfo::piece::{PieceKind, paragraphs};
use opcina_core::publicinfo::visible::choose;
use opcina_store::publicinfo_reads::{PieceWithTexts, PublicPiece};
use opcina_store::publicinfo_rows::{PieceFileRow, PieceRow, PieceTextRow};

use super::{Ui, error_page, internal_error, render};
use crate::AppState;
use crate::extract::Params;
pub use crate::present::piece_path;
use crate::present::{PieceQuery, piece_cursor};

/// Pieces on a page of the news list.
const PAGE: i64 = 20;
/// Entries in a feed.
const FEED: i64 = 50;

/// A link with its text.
pub struct Link {
    pub href: String,
    pub label: String,
}

/// A piece as a list shows it.
pub struct PieceLine {
    pub href: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// The text's language when it is not the page's (a fallback to Bosnian).
    pub lang: Option<&'static str>,
    pub day: String,
    pub closes: Option<String>,
    pub category: Option<Link>,
    pub local_community: Option<Link>,
}

/// A piece's kind in words.
pub fn kind_label(ui: &Ui, kind: PieceKind) -> String {
    ui.t(&format!("piece-kind-{}", kind.as_str()))
}

/// The text to show this page's reader, and the language attribute it needs when it is not
/// the page's.
pub fn text_for<'a>(ui: &Ui, texts: &'a [PieceTextRow]) -> Option<(&'a PieceTextRow, Option<&'static str>)> {
    let (text, fallback) = choose(texts, |t| t.language.as_str(), ui.text_language())?;
    let lang = fallback.then_some(match text.language.as_str() {
        "hr" => "hr",
        "sr" => "sr",
        "en" => "en",
        _ => "bs",
    });
    Some((text, lang))
}

pub fn line(ui: &Ui, p: &PieceWithTexts) -> PieceLine {
    let (title, summary, lang) = match text_for(ui, &p.texts) {
        Some((t, lang)) => (ui.published(&t.title), ui.published(&t.summary), lang),
        None => (p.piece.slug.clone(), String::new(), None),
    };
    PieceLine {
        href: piece_path(&p.piece),
        kind: kind_label(ui, p.piece.kind),
        title,
        summary,
        lang,
        day: p.piece.publish_at.map(|at| ui.locale.day(at)).unwrap_or_default(),
        closes: p.piece.closes().map(|d| ui.locale.date(d)),
        category: (!p.piece.category_key.is_empty())
            .then(|| Link { href: format!("/news?category={}", p.piece.category_key), label: ui.published(&p.piece.category) }),
        local_community: (!p.piece.local_community_key.is_empty())
            .then(|| Link { href: format!("/news?mz={}", p.piece.local_community_key), label: ui.published(&p.piece.local_community) }),
    }
}

#[derive(Template)]
#[template(path = "news.html")]
struct NewsPage<'a> {
    ui: &'a Ui,
    heading: String,
    kinds: Vec<(Link, bool)>,
    items: Vec<PieceLine>,
    feed: String,
    older: Option<String>,
}

/// `GET /news`: the published pieces, newest first, by kind, category, tag or local
/// community.
pub async fn news(State(state): State<AppState>, Extension(ui): Extension<Ui>, Params(q): Params<PieceQuery>) -> Response {
    let (filter, cursor) = match (q.filter(), q.cursor()) {
        (Ok(f), Ok(c)) => (f, c),
        (Err(e), _) | (_, Err(e)) => {
            return error_page(&ui, StatusCode::BAD_REQUEST, "error-404-title", &ui.error_text(&e.code, &e.message));
        }
    };
    let items = match state.store.public_pieces(&filter, cursor, PAGE).await {
        Ok(items) => items,
        Err(e) => return internal_error(&ui, &e),
    };
    let older = piece_cursor(&items, PAGE).map(|after| {
        let filters = q.filters_query();
        let after = serde_urlencoded::to_string([("after", after)]).unwrap_or_default();
        if filters.is_empty() { format!("/news?{after}") } else { format!("/news?{filters}&{after}") }
    });
    let heading = match (filter.kind, items.first()) {
        (Some(k), _) => ui.t(&format!("news-title-{}", k.as_str())),
        (None, Some(first)) if filter.category.is_some() => ui.ta("news-title-category", "category", &ui.published(&first.piece.category)),
        (None, Some(first)) if filter.local_community.is_some() => {
            ui.ta("news-title-mz", "mz", &ui.published(&first.piece.local_community))
        }
        _ => ui.t("news-title"),
    };
    let mut kinds = vec![(Link { href: "/news".into(), label: ui.t("news-all") }, filter.kind.is_none())];
    kinds.extend(PieceKind::ALL.into_iter().filter(|k| *k != PieceKind::Page).map(|k| {
        (Link { href: format!("/news?kind={}", k.as_str()), label: ui.t(&format!("news-title-{}", k.as_str())) }, filter.kind == Some(k))
    }));
    let filters = q.filters_query();
    let feed = if filters.is_empty() { "/feed.atom".to_string() } else { format!("/feed.atom?{filters}") };
    let items = items.iter().map(|p| line(&ui, p)).collect();
    render(&NewsPage { ui: &ui, heading, kinds, items, feed, older })
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    ui: &'a Ui,
    q: String,
    items: Vec<PieceLine>,
    /// The node keeps no index of its pieces: nothing can be searched.
    unavailable: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

/// The most results one search shows.
const FOUND: usize = 50;

/// `GET /search?q=`: the published pieces whose titles, texts or documents hold every word
/// asked for, folded as BHS is written (`djordjevic` finds `Đorđević`, Cyrillic finds Latin),
/// best first; only what the public sees now.
pub async fn search(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    axum::extract::Query(p): axum::extract::Query<SearchParams>,
) -> Response {
    let q: String = p.q.chars().take(200).collect();
    let Some(index) = state.pieces.clone() else {
        return render(&SearchPage { ui: &ui, q, items: Vec::new(), unavailable: true });
    };
    let words = q.clone();
    // Visible pieces are fewer than those found when some are drafts: ask for more.
    let ids = match tokio::task::spawn_blocking(move || index.search(&words, FOUND * 2)).await {
        Ok(Ok(ids)) => ids,
        Ok(Err(e)) => return internal_error(&ui, &e),
        Err(e) => return internal_error(&ui, &e),
    };
    let found = match state.store.visible_pieces_of(&ids).await {
        Ok(found) => found,
        Err(e) => return internal_error(&ui, &e),
    };
    let items = found.iter().take(FOUND).map(|p| line(&ui, p)).collect();
    render(&SearchPage { ui: &ui, q, items, unavailable: false })
}

/// A paragraph of a body, with its lines.
pub struct Paragraph {
    pub lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "piece.html")]
struct PiecePage<'a> {
    ui: &'a Ui,
    title: String,
    summary: String,
    lang: Option<&'static str>,
    kind: String,
    day: String,
    paragraphs: Vec<Paragraph>,
    corrections: Vec<(String, String)>,
    category: Option<Link>,
    local_community: Option<Link>,
    tags: Vec<Link>,
    gazette: Option<String>,
    closes: Option<String>,
    canonical: String,
    feed: String,
    /// The images it carries, shown with their words.
    images: Vec<FileLink>,
    /// The documents it carries, to download.
    documents: Vec<FileLink>,
    /// The first image's address, for a shared link's preview.
    og_image: Option<String>,
}

/// A file of a piece as its page links it.
pub struct FileLink {
    pub href: String,
    pub name: String,
    pub alt: String,
    pub size: String,
}

/// The public address of a file of a piece.
pub fn file_path(piece: &PieceRow, file: &PieceFileRow) -> String {
    format!("{}/files/{}", piece_path(piece), file.id)
}

async fn show(state: &AppState, ui: &Ui, slug: &str, pages: bool) -> Response {
    let found = match state.store.public_piece(slug).await {
        Ok(f) => f,
        Err(e) => return internal_error(ui, &e),
    };
    let Some(PublicPiece { piece, texts, corrections, files }) = found else {
        return error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("piece-not-found"));
    };
    // One address per piece: a page asked for under /news (or news under /pages) moves.
    if (piece.kind == PieceKind::Page) != pages {
        return Redirect::permanent(&piece_path(&piece)).into_response();
    }
    let Some((text, lang)) = text_for(ui, &texts) else {
        return error_page(ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("piece-not-found"));
    };
    let paragraphs =
        paragraphs(&text.body).into_iter().map(|p| Paragraph { lines: p.into_iter().map(|l| ui.published(l)).collect() }).collect();
    let corrections = corrections.iter().map(|c| (ui.locale.date_time(c.at), ui.published(&c.reason))).collect();
    let tags = piece
        .tag_list()
        .iter()
        .map(|t| Link { href: format!("/news?tag={}", opcina_core::publicinfo::key::key(t)), label: ui.published(t) })
        .collect();
    let link = |f: &PieceFileRow| FileLink {
        href: file_path(&piece, f),
        name: ui.published(&f.name),
        alt: ui.published(&f.alt),
        size: opcina_core::publicinfo::attachment::size_label(f.size),
    };
    let images: Vec<FileLink> = files.iter().filter(|f| f.kind.is_image()).map(link).collect();
    let documents: Vec<FileLink> = files.iter().filter(|f| !f.kind.is_image()).map(link).collect();
    let og_image = images.first().map(|i| format!("{}{}", state.public_url, i.href));
    let page = PiecePage {
        ui,
        title: ui.published(&text.title),
        summary: ui.published(&text.summary),
        lang,
        kind: kind_label(ui, piece.kind),
        day: piece.publish_at.map(|at| ui.locale.date_time(at)).unwrap_or_default(),
        paragraphs,
        corrections,
        category: (!piece.category_key.is_empty())
            .then(|| Link { href: format!("/news?category={}", piece.category_key), label: ui.published(&piece.category) }),
        local_community: (!piece.local_community_key.is_empty())
            .then(|| Link { href: format!("/news?mz={}", piece.local_community_key), label: ui.published(&piece.local_community) }),
        tags,
        gazette: piece.gazette.clone(),
        closes: piece.closes().map(|d| ui.locale.date(d)),
        canonical: format!("{}{}", state.public_url, piece_path(&piece)),
        feed: format!("/feed.atom?kind={}", piece.kind.as_str()),
        images,
        documents,
        og_image,
    };
    render(&page)
}

/// `GET /news/{slug}/files/{file}` (and under `/pages`): a file of a piece the public sees
/// now — a document to download, an image shown inline; not found while the piece is under
/// embargo, withdrawn, or once the file is taken off it.
pub async fn file(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path((slug, file)): Path<(String, i64)>) -> Response {
    match state.store.public_piece_file(&slug, file).await {
        Ok(Some((row, content))) => crate::present::piece_file_response(&row, content),
        Ok(None) => error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("piece-not-found")),
        Err(e) => internal_error(&ui, &e),
    }
}

/// `GET /news/{slug}`: a published piece.
pub async fn piece(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(slug): Path<String>) -> Response {
    show(&state, &ui, &slug, false).await
}

/// `GET /pages/{slug}`: a standing page (about the municipality, departments, local
/// communities).
pub async fn page(State(state): State<AppState>, Extension(ui): Extension<Ui>, Path(slug): Path<String>) -> Response {
    show(&state, &ui, &slug, true).await
}

/// Text for XML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A moment as RFC 3339 (Atom's dates), in UTC.
fn rfc3339(micros: i64) -> String {
    opcina_core::registry::Timestamp(micros).to_datetime().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A body as escaped HTML paragraphs (the feed's `content`, itself escaped once more as
/// XML text).
fn body_html(ui: &Ui, body: &str) -> String {
    let mut html = String::new();
    for p in paragraphs(body) {
        html.push_str("<p>");
        let lines: Vec<String> = p.into_iter().map(|l| xml_escape(&ui.published(l))).collect();
        html.push_str(&lines.join("<br>"));
        html.push_str("</p>");
    }
    html
}

/// `GET /feed.atom`: an Atom feed of the published pieces, newest first, narrowed as the
/// news list is (`?kind=`, `?category=`, `?tag=`, `?mz=`), in the visitor's language.
pub async fn feed(State(state): State<AppState>, Extension(ui): Extension<Ui>, Params(q): Params<PieceQuery>) -> Response {
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return error_page(&ui, StatusCode::BAD_REQUEST, "error-404-title", &ui.error_text(&e.code, &e.message)),
    };
    let items = match state.store.public_pieces(&filter, None, FEED).await {
        Ok(items) => items,
        Err(e) => return internal_error(&ui, &e),
    };
    let base = &state.public_url;
    let filters = q.filters_query();
    let self_href = if filters.is_empty() { format!("{base}/feed.atom") } else { format!("{base}/feed.atom?{filters}") };
    let html_href = if filters.is_empty() { format!("{base}/news") } else { format!("{base}/news?{filters}") };
    let site = ui.ta("site-title", "municipality", &ui.municipality);
    let updated = items.iter().filter_map(|p| p.piece.corrected_at.max(p.piece.publish_at)).max().unwrap_or(0);
    let mut xml = String::with_capacity(4096 + items.len() * 1024);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n", ui.lang()));
    xml.push_str(&format!("<id>{}</id>\n", xml_escape(&self_href)));
    xml.push_str(&format!("<title>{}</title>\n", xml_escape(&format!("{} — {}", ui.t("news-title"), site))));
    xml.push_str(&format!("<updated>{}</updated>\n", rfc3339(updated)));
    xml.push_str(&format!("<author><name>{}</name><uri>{}</uri></author>\n", xml_escape(&site), xml_escape(base)));
    xml.push_str(&format!("<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml_escape(&self_href)));
    xml.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml_escape(&html_href)));
    for p in &items {
        let Some((text, lang)) = text_for(&ui, &p.texts) else { continue };
        let href = format!("{base}{}", piece_path(&p.piece));
        let published = p.piece.publish_at.unwrap_or(0);
        let lang_attr = lang.map(|l| format!(" xml:lang=\"{l}\"")).unwrap_or_default();
        xml.push_str(&format!("<entry{lang_attr}>\n"));
        xml.push_str(&format!("<id>{}</id>\n", xml_escape(&href)));
        xml.push_str(&format!("<title>{}</title>\n", xml_escape(&ui.published(&text.title))));
        xml.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml_escape(&href)));
        xml.push_str(&format!("<published>{}</published>\n", rfc3339(published)));
        xml.push_str(&format!("<updated>{}</updated>\n", rfc3339(p.piece.corrected_at.unwrap_or(published).max(published))));
        xml.push_str(&format!("<category term=\"{}\" label=\"{}\"/>\n", p.piece.kind.as_str(), xml_escape(&kind_label(&ui, p.piece.kind))));
        if !p.piece.category_key.is_empty() {
            xml.push_str(&format!(
                "<category term=\"{}\" label=\"{}\"/>\n",
                xml_escape(&p.piece.category_key),
                xml_escape(&ui.published(&p.piece.category))
            ));
        }
        if !text.summary.is_empty() {
            xml.push_str(&format!("<summary>{}</summary>\n", xml_escape(&ui.published(&text.summary))));
        }
        xml.push_str(&format!("<content type=\"html\">{}</content>\n", xml_escape(&body_html(&ui, &text.body))));
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=60")], xml).into_response()
}

/// `GET /sitemap.xml`: the public pages and every published piece, with its last change.
pub async fn sitemap(State(state): State<AppState>, Extension(ui): Extension<Ui>) -> Response {
    let pieces = match state.store.site_map().await {
        Ok(p) => p,
        Err(e) => return internal_error(&ui, &e),
    };
    let base = &state.public_url;
    let mut xml = String::with_capacity(1024 + pieces.len() * 160);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for path in ["/", "/news", "/services", "/order", "/verify", "/track"] {
        xml.push_str(&format!("<url><loc>{}</loc></url>\n", xml_escape(&format!("{base}{path}"))));
    }
    for p in &pieces {
        let changed = p.corrected_at.unwrap_or(0).max(p.publish_at.unwrap_or(0));
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&format!("{base}{}", piece_path(p))),
            rfc3339(changed)
        ));
    }
    xml.push_str("</urlset>\n");
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")], xml).into_response()
}
