//! Importing digitised books and loading generated populations, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;

use opcina_core::registry::import::ImportLine;
use opcina_core::registry::person::{ViewTime, person_view};
use opcina_core::registry::{Actor, Role};
use opcina_store::calendar_today as today;
use opcina_store::import::ImportOptions;
use opcina_store::sql::prelude::*;
use opcina_store::verify::verify;
use opcina_synthetic::Historical;
use opcina_testkit::{Kakanj, backend_test};

fn operator() -> Actor {
    Actor { username: "uvoz".into(), role: Role::Admin, office: None }
}

fn write_lines(dir: &std::path::Path, name: &str, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    path
}

fn lines(n: usize, seed: u64) -> Vec<String> {
    Historical::new(n, seed, 19, today()).map(|l: ImportLine| serde_json::to_string(&l).unwrap()).collect()
}

fn options(rejects: Option<std::path::PathBuf>) -> ImportOptions {
    ImportOptions { rejects, overwrite_rejects: false, mode: None, today: today() }
}

backend_test! {
    async fn a_clean_file_is_imported_with_its_annotations_and_journaled(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let file = write_lines(&db.scratch(), "books.jsonl", &lines(300, 1));
        let report = k.store.import(&operator(), &file, &options(None), &()).await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!((report.lines, report.entries), (300, 300));
        assert!(report.annotations > 50);
        let check = verify(k.store.raw(), &|_| {}).await.unwrap();
        assert!(check.ok(), "{:?}", check.problems);
        // The same file again: every number is taken.
        let again = k.store.import(&operator(), &file, &options(None), &()).await.unwrap();
        assert_eq!(again.entries, 0);
        assert_eq!(again.rejected, 300);
        assert!(again.errors.iter().any(|e| e.error.code == "import.number.taken"));
    }
}

backend_test! {
    async fn bad_lines_are_all_reported_and_nothing_is_imported(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let mut all = lines(50, 2);
        let valid = all[5].clone();
        all[3] = all[3].replacen("\"office\":\"", "\"office\":\"X", 1);
        all[7] = "{not json".into();
        all[11] = all[11].replacen("\"birth_date\":\"", "\"birth_date\":\"2", 1);
        all.push(valid); // the same entry number twice
        let file = write_lines(&db.scratch(), "bad.jsonl", &all);
        let head = k.store.raw().journal_head().await.unwrap();
        let report = k.store.import(&operator(), &file, &options(None), &()).await.unwrap();
        let found: Vec<(usize, &str)> = report.errors.iter().map(|e| (e.line, e.error.code)).collect();
        assert!(found.contains(&(4, "import.office.unknown")), "{found:?}");
        assert!(found.contains(&(8, "import.json.syntax")), "{found:?}");
        assert!(found.iter().any(|(l, _)| *l == 12), "{found:?}");
        assert!(found.contains(&(51, "import.number.duplicate")), "{found:?}");
        assert!(report.errors.iter().all(|e| e.line != 12 || e.error.field.as_deref().is_some_and(|f| f.contains("birth_date"))), "{:?}", report.errors);
        assert_eq!(report.entries, 0);
        assert_eq!(k.store.raw().journal_head().await.unwrap(), head, "nothing written");
    }
}

backend_test! {
    async fn with_a_rejects_file_the_good_lines_are_imported(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let mut all = lines(40, 3);
        all[9] = "{\"register\":\"MKR\"}".into();
        let file = write_lines(&db.scratch(), "mixed.jsonl", &all);
        let rejects = db.scratch().join("rejects.jsonl");
        let report = k.store.import(&operator(), &file, &options(Some(rejects.clone())), &()).await.unwrap();
        assert_eq!((report.entries, report.rejected), (39, 1));
        assert_eq!(std::fs::read_to_string(&rejects).unwrap().trim(), all[9]);
    }
}

backend_test! {
    /// Rejected lines never overwrite the file imported (which would leave nothing to
    /// import), nor an existing file unless asked; nothing is read or written then.
    async fn the_rejects_file_is_never_the_input_nor_an_existing_file_unasked(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let mut all = lines(10, 3);
        all[4] = "{\"register\":\"MKR\"}".into();
        let file = write_lines(&db.scratch(), "mixed.jsonl", &all);
        let before = std::fs::read(&file).unwrap();
        let head = k.store.raw().journal_head().await.unwrap();
        let link = db.scratch().join("same.jsonl");
        std::fs::hard_link(&file, &link).unwrap();
        let dotted = db.scratch().join(".").join("mixed.jsonl");
        for target in [file.clone(), dotted, link] {
            let mut o = options(Some(target.clone()));
            o.overwrite_rejects = true;
            match k.store.import(&operator(), &file, &o, &()).await {
                Err(opcina_store::StoreError::Invalid(e)) => {
                    assert_eq!((e.code, e.field.as_deref()), ("import.rejects.is_input", Some("rejects")), "{}", target.display())
                }
                other => panic!("{}: {other:?}", target.display()),
            }
        }
        assert_eq!(std::fs::read(&file).unwrap(), before, "the input is untouched");
        let kept = write_lines(&db.scratch(), "kept.jsonl", &["{}".to_string()]);
        match k.store.import(&operator(), &file, &options(Some(kept.clone())), &()).await {
            Err(opcina_store::StoreError::Invalid(e)) => assert_eq!(e.code, "import.rejects.exists"),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&kept).unwrap().trim(), "{}");
        assert_eq!(k.store.raw().journal_head().await.unwrap(), head, "nothing was imported");
        let mut o = options(Some(kept.clone()));
        o.overwrite_rejects = true;
        let report = k.store.import(&operator(), &file, &o, &()).await.unwrap();
        assert_eq!((report.entries, report.rejected), (9, 1));
        assert_eq!(std::fs::read_to_string(&kept).unwrap().trim(), all[4]);
    }
}

backend_test! {
    /// Issue 16: one line that was not UTF-8 (a book typed in Windows-1250) refused the whole
    /// file without saying where. It is now a bad line like any other, named by its line and
    /// byte, and the rejects file keeps it byte for byte.
    async fn a_line_that_is_not_utf8_is_named_and_the_rest_is_read(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let all = lines(20, 4);
        let path = db.scratch().join("cp1250.jsonl");
        let mut bytes = Vec::new();
        for (i, l) in all.iter().enumerate() {
            if i == 6 {
                // "Kova\xe8" — Kovač in Windows-1250, CRLF line end.
                bytes.extend_from_slice(b"{\"note\":\"Kova\xe8\"}\r\n");
            } else {
                bytes.extend_from_slice(l.as_bytes());
                bytes.push(b'\n');
            }
        }
        std::fs::write(&path, &bytes).unwrap();
        let report = k.store.import(&operator(), &path, &options(None), &()).await.unwrap();
        let found: Vec<_> = report.errors.iter().map(|e| (e.line, e.error.code, e.error.message.as_str())).collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (7, "import.line.encoding"));
        assert!(found[0].2.contains("byte 14"), "{found:?}");
        let rejects = db.scratch().join("cp1250-rejects.jsonl");
        let report = k.store.import(&operator(), &path, &options(Some(rejects.clone())), &()).await.unwrap();
        assert_eq!((report.entries, report.rejected), (19, 1));
        assert_eq!(std::fs::read(&rejects).unwrap(), b"{\"note\":\"Kova\xe8\"}\n");
    }
}

backend_test! {
    async fn a_generated_population_loads_and_verifies(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let head = k.store.raw().journal_head().await.unwrap();
        let node = k.store.node().await.unwrap();
        let population = opcina_synthetic::generate(&opcina_synthetic::Options {
            persons: 400,
            seed: 5,
            first_id: head.seq + 1,
            today: today(),
            municipality: node.municipality.clone(),
            region: 19,
            settlements: Vec::new(),
            serial_block: opcina_core::jmbg::SerialBlock::WHOLE,
        });
        k.store.load_records("seed", &population.records, &|_| {}).await.unwrap();
        let check = verify(k.store.raw(), &|_| {}).await.unwrap();
        assert!(check.ok(), "{:?}", check.problems);
        // Stored records give the same person views as the generator's.
        let first_birth = population.records.iter().find_map(|r| match r {
            opcina_core::registry::memory::Record::Entry(e) => Some(e.content.subject().clone()),
            _ => None,
        }).unwrap();
        let records = k.store.raw().reads().person_records(&first_birth).await.unwrap();
        assert!(person_view(&first_birth, &records, ViewTime::current(today())).is_some());
        // Loading the same records again is refused: their ids are taken.
        assert_eq!(k.store.load_records("seed", &population.records, &|_| {}).await.unwrap_err().code(), "store.concurrent");
    }
}
