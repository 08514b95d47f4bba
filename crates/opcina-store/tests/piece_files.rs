//! The files of the website's pieces through the store, on SQLite and PostgreSQL: a file is
//! what its content says (a page claiming to be a picture is refused), an image says what it
//! shows, a piece under embargo keeps its files from the public like its text, putting a file
//! on a published piece or taking one off is a correction readers see, only editors do it, and
//! a disposal of cases does not remove content a piece still carries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use opcina_core::publicinfo::attachment::{FileFields, FileKind};
use opcina_core::publicinfo::piece::PieceAction;
use opcina_core::registry::Timestamp;
use opcina_store::publicinfo::PieceOp;
use opcina_store::sql::prelude::*;
use opcina_store::verify::verify;
use opcina_testkit::publicinfo::{bosnian, facts, publish};
use opcina_testkit::{Kakanj, backend_test, codes};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

fn file(name: &str, alt: &str) -> FileFields {
    FileFields { name: name.into(), alt: alt.into() }
}

backend_test! {
    async fn a_piece_carries_documents_and_described_images(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        k.store.set_files(opcina_store::files::Files::memory());
        let n = opcina_testkit::publicinfo::set_up(&k).await;
        let s = &k.store;
        let draft = s.piece(&n.editor, PieceOp::Create { facts: facts("news"), text: bosnian("Budžet 2027.", "Nacrt", "Tekst.") }).await.unwrap().unwrap().piece;
        // What is not a PDF or an image is refused, whatever it is called; an image needs its words.
        assert_eq!(codes(s.put_piece_file(&n.editor, draft.id, &file("slika.png", "Most"), Bytes::from_static(b"<html><script>alert(1)</script>")).await.unwrap()), [("publicinfo.file.kind", "file".to_string())]);
        assert_eq!(codes(s.put_piece_file(&n.editor, draft.id, &file("most.png", " "), Bytes::from_static(PNG)).await.unwrap()), [("publicinfo.file.alt_required", "alt".to_string())]);
        // Only the website's editors.
        assert_eq!(codes(s.put_piece_file(&k.clerk, draft.id, &file("a.pdf", ""), Bytes::from_static(b"%PDF-1.7")).await.unwrap()), [("publicinfo.permission", String::new())]);
        let pdf = s.put_piece_file(&n.editor, draft.id, &file("nacrt budžeta.pdf", ""), Bytes::from_static(b"%PDF-1.7 nacrt")).await.unwrap().unwrap();
        assert_eq!((pdf.kind, pdf.size, pdf.alt.as_str()), (FileKind::Pdf, 14, ""));
        assert_eq!(pdf.sha256, opcina_store::files::sha256_hex(b"%PDF-1.7 nacrt"));
        // A draft's files are the newsroom's only.
        assert!(s.public_piece_file(&draft.slug, pdf.id).await.unwrap().is_none());
        assert_eq!(s.newsroom_piece_file(&n.editor, draft.id, pdf.id).await.unwrap().unwrap().1, Bytes::from_static(b"%PDF-1.7 nacrt"));

        // Published tomorrow: under embargo, its files are not found either.
        let tomorrow = Timestamp(s.now().0 + 86_400_000_000);
        let later = publish(&k, &n, facts("news"), bosnian("Most", "Otvaranje", "Tekst."), Some(tomorrow)).await;
        let photo = s.put_piece_file(&n.press, later.id, &file("most.png", "Novi most preko Bosne"), Bytes::from_static(PNG)).await.unwrap().unwrap();
        assert!(s.public_piece_file(&later.slug, photo.id).await.unwrap().is_none(), "an embargo holds for files");

        // On a published piece: public, and a correction readers are told of.
        let now = publish(&k, &n, facts("news"), bosnian("Sjednica", "Dnevni red", "Tekst."), None).await;
        let agenda = s.put_piece_file(&n.press, now.id, &file("dnevni red.pdf", ""), Bytes::from_static(b"%PDF-1.4 dnevni red")).await.unwrap().unwrap();
        let (row, content) = s.public_piece_file(&now.slug, agenda.id).await.unwrap().unwrap();
        assert_eq!((row.name.as_str(), content), ("dnevni red.pdf", Bytes::from_static(b"%PDF-1.4 dnevni red")));
        assert!(s.public_piece_file(&later.slug, agenda.id).await.unwrap().is_none(), "a file is found under its own piece only");
        let public = s.public_piece(&now.slug).await.unwrap().unwrap();
        assert_eq!(public.files.len(), 1);
        assert_eq!(public.corrections.last().unwrap().reason, "Dodan prilog: dnevni red.pdf");
        assert!(public.piece.corrected_at.is_some());
        // An editor does not correct a published piece; the PR officer takes the file off.
        assert_eq!(codes(s.remove_piece_file(&n.editor, now.id, agenda.id).await.unwrap())[0].0, "publicinfo.permission");
        s.remove_piece_file(&n.press, now.id, agenda.id).await.unwrap().unwrap();
        assert!(s.public_piece_file(&now.slug, agenda.id).await.unwrap().is_none());
        assert_eq!(codes(s.remove_piece_file(&n.press, now.id, agenda.id).await.unwrap()), [("publicinfo.file.not_found", "file".to_string())]);
        let public = s.public_piece(&now.slug).await.unwrap().unwrap();
        assert!(public.files.is_empty());
        assert_eq!(public.corrections.last().unwrap().reason, "Uklonjen prilog: dnevni red.pdf");
        // Content a piece carried stays referenced, so no disposal of cases removes it.
        assert_eq!(s.raw().reads().live_references(&agenda.sha256).await.unwrap(), 1);
        // Withdrawn: its files go with it.
        opcina_testkit::publicinfo::step(&k, &n.press, later.id, PieceAction::Unpublish, "Greška u datumu.", None).await;
        assert!(s.public_piece_file(&later.slug, photo.id).await.unwrap().is_none());
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}
