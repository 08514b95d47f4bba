//! The archive through the store, on SQLite and PostgreSQL: closed cases entered in the
//! year's archive book without gaps, retention from the class, legal holds, disposal
//! proposals, the archive's answer, and destruction — never before approval, never of a case
//! on hold, never of content another case still holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use chrono::Datelike;
use opcina_core::Refusal;
use opcina_store::archive::DisposalAnswer;
use opcina_store::docflow::Upload;
use opcina_store::rows::ArchiveEntryRow;
use opcina_store::sql::prelude::*;
use opcina_store::verify::verify;
use opcina_testkit::docflow::{self, closed, intake, open};
use opcina_testkit::{Kakanj, backend_test, date};

fn code<T: std::fmt::Debug>(answer: Result<T, Refusal>) -> &'static str {
    match answer {
        Ok(t) => panic!("not refused: {t:?}"),
        Err(r) => r.errors[0].code,
    }
}

/// The archive's approval, dated the day it is recorded.
fn approval(store: &opcina_store::Store) -> DisposalAnswer {
    DisposalAnswer { approved: true, reference: "Arhiv ZDK 05-49-112/37".into(), on: store.today() }
}

async fn file(k: &Kakanj, case_id: i64, name: &str, content: &'static [u8]) -> String {
    let upload = Upload { name: name.into(), ..Default::default() };
    let (_, row) = k.store.attach(&k.clerk, case_id, upload, "text/plain", Bytes::from_static(content)).await.unwrap().unwrap();
    row.sha256
}

backend_test! {
    async fn closed_cases_enter_the_year_book_in_order_with_their_class_retention(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        let first = closed(&k, &o, "Amila Softić").await;
        let second = closed(&k, &o, "Edin Mehić").await;
        file(&k, second.id, "rjesenje.txt", b"Rjesenje o pomoci").await;
        let (open_case, _) = open(s, &k.clerk, intake("pomoc", "Lejla Hadžić", s.today())).await;
        // One case that may not go refuses the list, naming it; nothing is entered.
        let refused = s.archive_cases(&k.clerk, &[first.id, open_case.id]).await.unwrap().unwrap_err();
        assert_eq!(refused.errors.len(), 1);
        assert_eq!(refused.errors[0].code, "archive.case.open");
        assert_eq!(refused.errors[0].field.as_deref(), Some("cases[1]"));
        assert!(s.raw().reads().archive_entry_of(first.id).await.unwrap().is_none());
        assert_eq!(code(s.archive_cases(&o.amra, &[first.id]).await.unwrap()), "archive.permission");
        assert_eq!(code(s.archive_cases(&k.clerk, &[]).await.unwrap()), "archive.cases.empty");

        let entries = s.archive_cases(&k.clerk, &[first.id, second.id, first.id]).await.unwrap().unwrap();
        let year = i64::from(s.today().year());
        assert_eq!(entries.iter().map(|e| (e.year, e.serial)).collect::<Vec<_>>(), [(year, 1), (year, 2)]);
        // Class 12 (social protection) is kept 10 years, counted from the next first of January.
        let keep_until = date(s.today().year() + 11, 1, 1).to_string();
        assert_eq!(entries[0].retention_years, Some(10));
        assert_eq!(entries[0].keep_until.as_deref(), Some(keep_until.as_str()));
        assert_eq!((entries[0].files, entries[1].files), (0, 1));
        assert_eq!(entries[1].content, second.subject);
        assert_eq!(s.raw().reads().case(first.id).await.unwrap().unwrap().state.as_str(), "archived");
        let events = s.raw().reads().case_events(first.id).await.unwrap();
        assert_eq!(events.last().unwrap().kind, "archive");
        // Once in the archive: not again, and no new files.
        assert_eq!(code(s.archive_cases(&k.clerk, &[first.id]).await.unwrap()), "archive.case.archived");
        let late = Upload { name: "kasno.txt".into(), ..Default::default() };
        assert_eq!(code(s.attach(&k.clerk, first.id, late, "text/plain", Bytes::from_static(b"x")).await.unwrap()), "docflow.case.closed");
        // The next case takes the next number of the book.
        let third = closed(&k, &o, "Mirza Kovač").await;
        let entries = s.archive_cases(&k.clerk, &[third.id]).await.unwrap().unwrap();
        assert_eq!(entries[0].serial, 3);
        let book = s.raw().reads().archive_book(year, 0, 10).await.unwrap();
        assert_eq!(book.iter().map(|e| e.serial).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(s.raw().reads().archive_book(year, 2, 10).await.unwrap().len(), 1);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    /// The rule of the "Done when": a case on legal hold is never destroyed — not
    /// proposed while held, and kept when a hold comes after the archive's approval.
    async fn disposal_is_refused_on_hold_and_before_approval(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        let held_early = closed(&k, &o, "Amila Softić").await;
        let goes = closed(&k, &o, "Edin Mehić").await;
        let held_late = closed(&k, &o, "Lejla Hadžić").await;
        let shared = file(&k, goes.id, "zahtjev.txt", b"Zahtjev za jednokratnu pomoc").await;
        file(&k, held_early.id, "zahtjev.txt", b"Zahtjev za jednokratnu pomoc").await;
        let only_gone = file(&k, goes.id, "rjesenje.txt", b"Rjesenje: usvaja se").await;
        let only_held = file(&k, held_late.id, "rjesenje.txt", b"Rjesenje: usvaja se, Hadzic").await;
        s.archive_cases(&k.clerk, &[held_early.id, goes.id, held_late.id]).await.unwrap().unwrap();
        // Nothing has served its time yet.
        assert_eq!(code(s.propose_disposal(&k.clerk).await.unwrap()), "archive.disposal.nothing");

        assert_eq!(code(s.hold(&k.auditor, held_early.id, true, "spor").await.unwrap()), "archive.permission");
        assert_eq!(code(s.hold(&k.admin, held_early.id, true, " ").await.unwrap()), "docflow.field.required");
        s.hold(&k.admin, held_early.id, true, "Upravni spor pred Kantonalnim sudom u Zenici").await.unwrap().unwrap();
        assert_eq!(code(s.hold(&k.admin, held_early.id, true, "još jednom").await.unwrap()), "archive.hold.state");

        // Ten years on, the proposal lists what served its time and is not held.
        s.set_today(Some(date(s.today().year() + 11, 1, 2)));
        let (disposal, listed) = s.propose_disposal(&k.clerk).await.unwrap().unwrap();
        assert_eq!(listed.iter().map(|e| e.case_id).collect::<Vec<_>>(), [goes.id, held_late.id]);
        assert_eq!(disposal.state.as_str(), "proposed");
        // Nothing goes before the archive's approval.
        assert_eq!(code(s.carry_out_disposal(&k.clerk, disposal.id).await.unwrap()), "archive.disposal.not_approved");
        assert!(s.files().unwrap().exists(&only_gone).await.unwrap());
        // A second proposal finds nothing more: what is listed is not listed again.
        assert_eq!(code(s.propose_disposal(&k.clerk).await.unwrap()), "archive.disposal.nothing");

        let blank = DisposalAnswer { reference: " ".into(), ..approval(s) };
        assert_eq!(code(s.answer_disposal(&k.clerk, disposal.id, &blank).await.unwrap()), "docflow.field.required");
        let approved = s.answer_disposal(&k.clerk, disposal.id, &approval(s)).await.unwrap().unwrap();
        assert_eq!((approved.state.as_str(), approved.answer_ref.as_deref()), ("approved", Some("Arhiv ZDK 05-49-112/37")));
        assert_eq!(code(s.answer_disposal(&k.clerk, disposal.id, &approval(s)).await.unwrap()), "archive.disposal.transition");
        // A hold placed after the approval still stops the destruction of that case.
        s.hold(&k.clerk, held_late.id, true, "Zahtjev suda za dostavu spisa").await.unwrap().unwrap();

        let done = s.carry_out_disposal(&k.clerk, disposal.id).await.unwrap().unwrap();
        assert_eq!(done.destroyed.iter().map(|e| e.case_id).collect::<Vec<_>>(), [goes.id]);
        assert_eq!(done.held.iter().map(|e| e.case_id).collect::<Vec<_>>(), [held_late.id]);
        assert_eq!(done.files_removed, 1, "the shared content stays for the case that holds it too");
        let files = s.files().unwrap();
        assert!(!files.exists(&only_gone).await.unwrap());
        assert!(files.exists(&shared).await.unwrap());
        assert!(files.exists(&only_held).await.unwrap());
        let entry = |id| async move { s.raw().reads().archive_entry_of(id).await.unwrap().unwrap() };
        let gone: ArchiveEntryRow = entry(goes.id).await;
        assert_eq!((gone.state.as_str(), gone.disposal_id), ("destroyed", Some(disposal.id)));
        let kept: ArchiveEntryRow = entry(held_late.id).await;
        assert_eq!((kept.state.as_str(), kept.disposal_id), ("kept", None));
        assert_eq!(entry(held_early.id).await.state.as_str(), "kept");
        assert_eq!(code(s.carry_out_disposal(&k.clerk, disposal.id).await.unwrap()), "archive.disposal.transition");
        // What the proposal listed stays on record, destroyed or not.
        assert_eq!(s.raw().reads().disposal_entries(disposal.id).await.unwrap().len(), 2);

        // Released, the early case can be proposed; the late one is still held.
        s.hold(&k.admin, held_early.id, false, "Presuda pravosnažna").await.unwrap().unwrap();
        let (next, listed) = s.propose_disposal(&k.clerk).await.unwrap().unwrap();
        assert_eq!(listed.iter().map(|e| e.case_id).collect::<Vec<_>>(), [held_early.id]);
        // The archive refuses: the case returns to the archive as it was.
        let refusal = DisposalAnswer { approved: false, ..approval(s) };
        assert_eq!(s.answer_disposal(&k.clerk, next.id, &refusal).await.unwrap().unwrap().state.as_str(), "refused");
        assert_eq!(entry(held_early.id).await.state.as_str(), "kept");
        assert_eq!(code(s.carry_out_disposal(&k.clerk, next.id).await.unwrap()), "archive.disposal.transition");
        s.set_today(None);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn what_is_kept_permanently_is_never_proposed(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        // A certificate (class 25, personal status) is kept permanently.
        let (case, _) = open(s, &k.clerk, intake("uvjerenje", "Amila Softić", s.today())).await;
        use opcina_core::docflow::case::{CaseAction, Dispatch, Outcome};
        let hand_over = CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None };
        docflow::step(s, &k.clerk, case.id, hand_over).await;
        docflow::step(s, &o.amra, case.id, CaseAction::Decide { outcome: Outcome::Answered, summary: "Izdato uvjerenje".into() }).await;
        docflow::step(s, &k.clerk, case.id, CaseAction::Dispatch { method: Dispatch::InPerson, to: "Amila Softić".into() }).await;
        docflow::step(s, &k.clerk, case.id, CaseAction::Deliver { on: s.today() }).await;
        docflow::step(s, &k.clerk, case.id, CaseAction::Close { note: None }).await;
        let entries = s.archive_cases(&k.clerk, &[case.id]).await.unwrap().unwrap();
        assert_eq!((entries[0].retention_years, entries[0].keep_until.as_deref()), (None, None));
        s.set_today(Some(date(2199, 1, 1)));
        assert_eq!(code(s.propose_disposal(&k.clerk).await.unwrap()), "archive.disposal.nothing");
        s.set_today(None);
    }
}

backend_test! {
    /// Two processes on one database take cases into the archive book at once: the year's
    /// numbers come out gap-free and unique.
    async fn archive_numbers_are_gap_free_under_concurrent_archiving(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let mut ids = Vec::new();
        for i in 0..24 {
            ids.push(closed(&k, &o, &format!("Stranka {i}")).await.id);
        }
        let other = db.open().await;
        let mut tasks = Vec::new();
        for (i, pair) in ids.chunks(2).enumerate() {
            let store = if i % 2 == 0 { k.store.clone() } else { other.clone() };
            let (clerk, pair) = (k.clerk.clone(), pair.to_vec());
            tasks.push(tokio::spawn(async move { store.archive_cases(&clerk, &pair).await.unwrap().unwrap() }));
        }
        let mut serials = Vec::new();
        for t in tasks {
            serials.extend(t.await.unwrap().into_iter().map(|e| e.serial));
        }
        serials.sort_unstable();
        assert_eq!(serials, (1..=24).collect::<Vec<i64>>());
        let year = i64::from(k.store.today().year());
        assert_eq!(k.store.raw().reads().archive_book(year, 0, 100).await.unwrap().len(), 24);
        assert!(verify(k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}
