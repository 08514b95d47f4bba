//! Typesetting of the documents a node issues — extracts, certificates, decisions — with
//! typst as a library: A4 pages, PDF/A-2b, the Libertinus Serif fonts (Latin with every
//! BHS diacritic, Cyrillic, Turkish) embedded, text extractable. Kept in a crate of its own
//! because typst is the heaviest dependency of the workspace.
//!
//! What a document says is decided in `opcina_core` (a [`Document`]); this crate only lays
//! it out. Rendering is deterministic: the same document gives the same bytes, which is
//! what lets an issued extract be reproduced and its file seal checked.

#![forbid(unsafe_code)]

mod qr;
mod world;

use ed25519_dalek::SigningKey;
use opcina_core::docflow::receipt::{ReceiptFacts, receipt};
use opcina_core::extract::decision::{RefusalFacts, decision};
use opcina_core::extract::document::document;
use opcina_core::extract::seal::{key_id, seal_file};
use opcina_core::extract::{Document, ExtractContent};
use opcina_core::registry::Timestamp;
use serde::Serialize;
use typst::foundations::{Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

pub use world::Template;

/// Why a document could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("PDF export failed: {0}")]
    Export(String),
    #[error("the QR code could not be made: {0}")]
    Qr(String),
    #[error("the PDF could not be sealed: {0}")]
    Seal(String),
}

/// The document's data as the template reads it.
#[derive(Serialize)]
struct Data<'a, T: Serialize> {
    #[serde(flatten)]
    doc: &'a T,
    /// The verification QR code as SVG.
    qr: String,
}

/// Typesets and exports: returns the PDF and the laid-out text.
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// The text of the pages as laid out, one item per run (for checks without a PDF reader).
    pub text: String,
}

/// Lays out, typesets and seals an issued document: the PDF carries the content seal (in
/// its QR code and metadata) and the file seal over its own bytes.
pub fn issue_pdf(content: &ExtractContent, content_seal: &[u8; 64], key: &SigningKey) -> Result<Rendered, PdfError> {
    let doc = document(content, content_seal, &key_id(&key.verifying_key()));
    let mut rendered = render_extract(&doc, &content.issue.number.id(), content.issue.issued_at)?;
    seal_file(&mut rendered.pdf, key).map_err(|e| PdfError::Seal(e.to_string()))?;
    Ok(rendered)
}

/// Typesets a decision refusing a request.
pub fn decision_pdf(facts: &RefusalFacts) -> Result<Rendered, PdfError> {
    render(Template::Decision, &decision(facts), &format!("decision-{}", facts.number.id()), facts.decided_at)
}

/// Typesets the receipt for a registered submission, with the QR code of its tracking
/// address. `created` is the moment of registration.
pub fn receipt_pdf(facts: &ReceiptFacts, created: Timestamp) -> Result<Rendered, PdfError> {
    let doc = receipt(facts);
    let qr = qr_svg(&facts.tracking_url)?;
    render(Template::Receipt, &Data { doc: &doc, qr }, &format!("receipt-{}", facts.number), created)
}

/// A QR code of `text` as SVG (level M, with its quiet zone), for pages that show one.
pub fn qr_svg(text: &str) -> Result<String, PdfError> {
    qr::svg(text).map_err(PdfError::Qr)
}

/// Renders an extract or certificate. `created` is the PDF's creation time (the time of
/// issue, so that a re-render gives the same bytes); `ident` a stable document identifier.
pub fn render_extract(doc: &Document, ident: &str, created: Timestamp) -> Result<Rendered, PdfError> {
    let qr = qr_svg(&doc.verify_url)?;
    render(Template::Extract, &Data { doc, qr }, ident, created)
}

/// Renders any template with serialisable data (a QR of `verify_url` is added when the
/// template needs one).
pub fn render<T: Serialize>(template: Template, data: &T, ident: &str, created: Timestamp) -> Result<Rendered, PdfError> {
    let json = serde_json::to_vec(data).map_err(|e| PdfError::Typeset(e.to_string()))?;
    let world = world::DocWorld::new(template, json);
    let warned = typst::compile::<PagedDocument>(&world);
    let document =
        warned.output.map_err(|errors| PdfError::Typeset(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    // Old memoised results (other documents' data) would otherwise pile up forever.
    typst::comemo::evict(30);
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("opcina".to_string())),
        timestamp: datetime(created).map(typst_pdf::Timestamp::new_utc),
        page_ranges: None,
        standards: typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b]).map_err(|e| PdfError::Export(e.message().to_string()))?,
        tagged: true,
        pretty: false,
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| PdfError::Export(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    let mut text = String::new();
    for page in document.pages() {
        collect_text(&page.frame, &mut text);
    }
    Ok(Rendered { pdf, text })
}

fn datetime(t: Timestamp) -> Option<Datetime> {
    use chrono::{Datelike, Timelike};
    let dt = t.to_datetime();
    Datetime::from_ymd_hms(
        dt.year(),
        u8::try_from(dt.month()).ok()?,
        u8::try_from(dt.day()).ok()?,
        u8::try_from(dt.hour()).ok()?,
        u8::try_from(dt.minute()).ok()?,
        u8::try_from(dt.second()).ok()?,
    )
}

fn collect_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => collect_text(&g.frame, out),
            FrameItem::Text(t) => {
                out.push_str(&t.text);
                out.push('\n');
            }
            _ => {}
        }
    }
}
