//! The typst world a document is compiled in: the bundled templates, the document's data as
//! `/data.json`, the embedded fonts. Nothing is read from disk or the network.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The templates a node renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Extracts and certificates (`templates/extract.typ`).
    Extract,
    /// A decision refusing a request (`templates/decision.typ`).
    Decision,
    /// The receipt for a registered submission (`templates/receipt.typ`).
    Receipt,
}

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// Libertinus Serif from typst's own assets: embedded in the binary, so every node
/// renders the same bytes.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> =
        typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).filter(|f| f.info().family.starts_with("Libertinus")).collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

#[allow(clippy::expect_used)] // the paths are constants of this file
fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid constant path")))
}

struct Sources {
    extract: Source,
    decision: Source,
    receipt: Source,
    data: FileId,
}

static SOURCES: LazyLock<Sources> = LazyLock::new(|| Sources {
    extract: Source::new(file_id("/extract.typ"), include_str!("../templates/extract.typ").to_string()),
    decision: Source::new(file_id("/decision.typ"), include_str!("../templates/decision.typ").to_string()),
    receipt: Source::new(file_id("/receipt.typ"), include_str!("../templates/receipt.typ").to_string()),
    data: file_id("/data.json"),
});

pub struct DocWorld {
    main: Source,
    data: Bytes,
}

impl DocWorld {
    pub fn new(template: Template, data: Vec<u8>) -> Self {
        let main = match template {
            Template::Extract => SOURCES.extract.clone(),
            Template::Decision => SOURCES.decision.clone(),
            Template::Receipt => SOURCES.receipt.clone(),
        };
        DocWorld { main, data: Bytes::new(data) }
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == SOURCES.data {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    /// Documents carry their own dates; the template never asks for today.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}
