//! Full-text search over the files of cases, on SQLite and PostgreSQL: text read from a PDF
//! and from a text file, found with or without diacritics and in Cyrillic, limited to the
//! unit whose cases they are, and an index that resumes where it stopped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use bytes::Bytes;
use opcina_search::documents::{DocumentIndex, Scope, catch_up, extract_text};
use opcina_store::docflow::Upload;
use opcina_testkit::docflow::{self, intake, open};
use opcina_testkit::{Kakanj, backend_test, date};

/// A real PDF with text in it (the receipt the counter prints).
fn receipt_pdf() -> Vec<u8> {
    let facts = opcina_core::docflow::receipt::ReceiptFacts {
        municipality: "Općina Kakanj".into(),
        unit: "Služba za opću upravu".into(),
        number: "UP-I-01/1-25-1/26".into(),
        received_on: date(2026, 11, 24),
        registered_at: "24.11.2026. 10:15".into(),
        party: "Šemsa Čaušević".into(),
        subject: "Uvjerenje o kućnoj listi".into(),
        kind: "Uvjerenje".into(),
        term_days: 8,
        due_on: date(2026, 12, 2),
        access_code: "ABCD-EFGH-JKLM".into(),
        tracking_url: "https://kakanj.example/track".into(),
        tracking_page: "https://kakanj.example/track".into(),
        clerk: "Lejla Begić".into(),
    };
    opcina_pdf::receipt_pdf(&facts, opcina_core::registry::Timestamp(1_790_000_000_000_000)).unwrap().pdf
}

#[test]
fn text_is_read_from_pdf_and_text_files_and_nothing_breaks_on_garbage() {
    let text = extract_text("application/pdf", &receipt_pdf());
    assert!(text.contains("Čaušević") || text.contains("Causevic"), "{text}");
    assert_eq!(extract_text("text/plain; charset=utf-8", "Šehidska 3".as_bytes()), "Šehidska 3");
    assert_eq!(extract_text("application/pdf", b"%PDF-1.7 not really"), "");
    assert_eq!(extract_text("image/jpeg", b"\xff\xd8\xff"), "");
}

backend_test! {
    async fn files_are_found_by_their_words_folded_and_only_in_the_unit_s_cases(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        docflow::set_up(&k).await;
        let s = &k.store;
        let (a, _) = open(s, &k.clerk, intake("uvjerenje", "Šemsa Čaušević", s.today())).await;
        let (b, _) = open(s, &k.clerk, intake("urbanisticka", "Haris Mujić", s.today())).await;
        let upload = |name: &str| Upload { name: name.into(), ..Upload::default() };
        s.attach(&k.clerk, a.id, upload("potvrda.pdf"), "application/pdf", Bytes::from(receipt_pdf())).await.unwrap().unwrap();
        let letter = "Zahtjev za urbanističku saglasnost za stambeni objekat u ulici Šehidska, Kakanj";
        s.attach(&k.clerk, b.id, upload("zahtjev.txt"), "text/plain", Bytes::from(letter)).await.unwrap().unwrap();

        let dir = db.scratch().join("documents");
        let index = Arc::new(DocumentIndex::open(&dir, 15_000_000).unwrap());
        assert_eq!(catch_up(&index, s).await.unwrap(), 2);
        assert_eq!(index.len(), 2);
        let found = |q: &str, unit: Option<&str>| {
            let scope = unit.map(|u| Scope { unit: u.into(), ..Scope::default() });
            index.search(q, scope.as_ref(), 10).unwrap().into_iter().map(|h| h.case_id).collect::<Vec<_>>()
        };
        assert_eq!(found("causevic", None), vec![a.id], "the PDF's text, without diacritics");
        assert_eq!(found("ШЕХИДСКА", None), vec![b.id], "in Cyrillic");
        assert_eq!(found("urbanisticku saglasnost", None), vec![b.id]);
        assert_eq!(found("urbanisticku kakanj nepostojece", None), Vec::<i64>::new(), "every word must match");
        assert_eq!(found("sehidska", Some("01/1")), Vec::<i64>::new(), "another unit's case");
        assert_eq!(found("sehidska", Some("04")), vec![b.id]);
        assert_eq!(found("zahtjev.txt", None), vec![b.id], "by the file's name");
        // Handed over: the case goes with its new unit, and leaves the old one.
        let handed = |unit: &str, plus: Vec<i64>, minus: Vec<i64>| {
            let scope = Scope { unit: unit.into(), plus, minus };
            index.search("sehidska", Some(&scope), 10).unwrap().into_iter().map(|h| h.case_id).collect::<Vec<_>>()
        };
        assert_eq!(handed("01/1", vec![b.id], vec![]), vec![b.id]);
        assert_eq!(handed("04", vec![], vec![b.id]), Vec::<i64>::new());
        assert_eq!(handed("04", vec![], vec![a.id]), vec![b.id], "another case left out changes nothing");
        let hit = &index.search("sehidska", None, 1).unwrap()[0];
        assert_eq!((hit.case_number.as_str(), hit.name.as_str()), (b.number.as_str(), "zahtjev.txt"));

        // Reopened, the index resumes after what it holds.
        drop(index);
        let index = Arc::new(DocumentIndex::open(&dir, 15_000_000).unwrap());
        assert_eq!(index.len(), 2);
        assert_eq!(catch_up(&index, s).await.unwrap(), 0);

        // The files of a case destroyed after a disposal leave the index, and an index built
        // anew does not take them in again.
        index.remove_cases(&[b.id]).unwrap();
        assert!(index.search("sehidska", None, 10).unwrap().is_empty());
        assert_eq!(index.len(), 1);
        s.raw()
            .execute_raw(&format!(
                "INSERT INTO archive_entries (id, year, serial, case_id, number, class, content, closed_on, retention_years, keep_until, files, state, disposal_id, archived_by, archived_at, updated_at) VALUES (900001, 2026, 1, {}, 'x', 35, 'x', '2026-01-01', NULL, NULL, 1, 'destroyed', NULL, 'test', 0, 0)",
                b.id
            ))
            .await
            .unwrap();
        let fresh = Arc::new(DocumentIndex::in_memory(15_000_000).unwrap());
        assert_eq!(catch_up(&fresh, s).await.unwrap(), 1);
        assert!(fresh.search("sehidska", None, 10).unwrap().is_empty());
    }
}
