//! The files a piece carries: documents (PDF) for readers to download and images shown on
//! its page. A file is what its first bytes say it is — a page claiming to be a picture is
//! refused — and an image says in words what it shows (its alternative text, WCAG 1.1.1),
//! because a reader who cannot see it is told that instead.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The largest file a piece takes (a scanned decision of many pages fits).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most files one piece carries.
pub const MAX_FILES: usize = 30;
pub const MAX_NAME_CHARS: usize = 160;
pub const MAX_ALT_CHARS: usize = 300;

/// What kind of file it is, as its content says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Webp,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [FileKind::Pdf, FileKind::Png, FileKind::Jpeg, FileKind::Webp];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
            FileKind::Webp => "webp",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The media type it is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
        }
    }

    /// An image, shown on the page (and so with an alternative text).
    pub fn is_image(self) -> bool {
        !matches!(self, FileKind::Pdf)
    }

    /// What the first bytes of `content` say it is (`None`: none of the kinds taken).
    pub fn sniff(content: &[u8]) -> Option<FileKind> {
        if content.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if content.len() >= 12 && &content[..4] == b"RIFF" && &content[8..12] == b"WEBP" {
            Some(FileKind::Webp)
        } else {
            None
        }
    }
}

/// A file as the editor sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileFields {
    /// The file's name as readers will download it (`odluka-o-budzetu.pdf`).
    pub name: String,
    /// For an image: what it shows, in words (required); for a document, ignored.
    #[serde(default)]
    pub alt: String,
}

/// A file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub name: String,
    pub kind: FileKind,
    /// Empty for a document.
    pub alt: String,
}

const REQUIRED: Option<&str> = Some("publicinfo.file.required");

/// Checks a file for a piece that already carries `carried` files: a name without a path,
/// content of a kind taken and not too large, an image's alternative text. Every problem at
/// once, each naming its field.
pub fn check_file(f: &FileFields, content: &[u8], carried: usize) -> Result<CheckedFile, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = super::text::line("name", &f.name, MAX_NAME_CHARS, REQUIRED, &mut errors);
    if name.contains(['/', '\\']) || name.starts_with('.') {
        errors.push(FieldError::new("publicinfo.file.name", "name", "a file's name, without a path"));
    }
    let kind = if content.is_empty() {
        errors.push(FieldError::new("publicinfo.file.empty", "file", "the file is empty"));
        None
    } else if content.len() > MAX_BYTES {
        errors.push(FieldError::new("publicinfo.file.too_large", "file", format!("a file is at most {} MB", MAX_BYTES / (1024 * 1024))));
        None
    } else {
        let kind = FileKind::sniff(content);
        if kind.is_none() {
            errors.push(FieldError::new("publicinfo.file.kind", "file", "a PDF document or a PNG, JPEG or WebP image"));
        }
        kind
    };
    let alt = super::text::line("alt", &f.alt, MAX_ALT_CHARS, None, &mut errors);
    if kind.is_some_and(FileKind::is_image) && alt.is_empty() {
        errors.push(FieldError::new("publicinfo.file.alt_required", "alt", "say in words what the image shows"));
    }
    if carried >= MAX_FILES {
        errors.push(FieldError::new("publicinfo.file.too_many", "file", format!("a piece carries at most {MAX_FILES} files")));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(CheckedFile { name, kind, alt: if kind.is_image() { alt } else { String::new() } }),
        _ => Err(errors),
    }
}

/// A size for readers: `840 KB`, `2.4 MB`.
pub fn size_label(bytes: i64) -> String {
    if bytes < 1024 * 1024 { format!("{} KB", (bytes + 1023) / 1024) } else { format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn fields(name: &str, alt: &str) -> FileFields {
        FileFields { name: name.into(), alt: alt.into() }
    }

    #[test]
    fn a_file_is_what_its_content_says() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(FileKind::sniff(PNG), Some(FileKind::Png));
        assert_eq!(FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileKind::Jpeg));
        assert_eq!(FileKind::sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(FileKind::sniff(b"<html><script>"), None);
        let pdf = check_file(&fields(" odluka  o budžetu.pdf ", "ignored"), b"%PDF-1.4", 0).unwrap();
        assert_eq!((pdf.name.as_str(), pdf.kind, pdf.alt.as_str()), ("odluka o budžetu.pdf", FileKind::Pdf, ""));
        let errors = check_file(&fields("slika.png", ""), b"<html>", 0).unwrap_err();
        assert_eq!((errors[0].code, errors[0].field.as_deref()), ("publicinfo.file.kind", Some("file")));
    }

    #[test]
    fn an_image_says_what_it_shows() {
        let errors = check_file(&fields("most.png", "  "), PNG, 0).unwrap_err();
        assert_eq!((errors[0].code, errors[0].field.as_deref()), ("publicinfo.file.alt_required", Some("alt")));
        let ok = check_file(&fields("most.png", "Novi most preko Bosne u Kaknju"), PNG, 0).unwrap();
        assert_eq!(ok.alt, "Novi most preko Bosne u Kaknju");
    }

    #[test]
    fn names_sizes_and_counts_are_bounded() {
        let codes = |r: Result<CheckedFile, Vec<FieldError>>| r.unwrap_err().into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert_eq!(codes(check_file(&fields("../etc/passwd", ""), b"%PDF-", 0)), ["publicinfo.file.name"]);
        assert_eq!(codes(check_file(&fields("", ""), b"", 0)), ["publicinfo.file.required", "publicinfo.file.empty"]);
        assert_eq!(codes(check_file(&fields("a.pdf", ""), &vec![b'%'; MAX_BYTES + 1], 0)), ["publicinfo.file.too_large"]);
        assert_eq!(codes(check_file(&fields("a.pdf", ""), b"%PDF-", MAX_FILES)), ["publicinfo.file.too_many"]);
        assert_eq!(size_label(840 * 1024), "840 KB");
        assert_eq!(size_label(2_516_583), "2.4 MB");
    }
}
