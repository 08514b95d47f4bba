//! The document flow through the store, on SQLite and PostgreSQL: gap-free registry numbers
//! under concurrency, sub-numbers, the case life cycle and its refusals, the deadline and
//! its pauses, appeals, joining, tracking by number and access code, keyset lists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{Datelike, Duration};
use opcina_core::docflow::case::{CaseAction, Dispatch, Outcome};
use opcina_core::registry::Actor;
use opcina_store::docflow::{DocDone, DocOp, Filing, Upload, calendar};
use opcina_store::rows::{CaseQuery, RecordRow};
use opcina_store::sql::prelude::*;
use opcina_store::verify::verify;
use opcina_testkit::docflow::{self, intake, open, step};
use opcina_testkit::{Kakanj, backend_test, date};

/// Every record of the books: (book, unit, year) → serials in order.
async fn serials(store: &opcina_store::Store) -> BTreeMap<(String, String, i64), Vec<i64>> {
    let mut books: BTreeMap<(String, String, i64), Vec<i64>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = store.raw().rows_page("protocol_records", after, 1000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.id();
        for row in page {
            let r = row.downcast::<RecordRow>().expect("a record");
            if r.sub == 0 {
                books.entry((r.book, r.unit_code, r.year)).or_default().push(r.serial);
            }
        }
    }
    for serials in books.values_mut() {
        serials.sort_unstable();
    }
    books
}

fn refusal_code(done: Result<DocDone, opcina_core::Refusal>) -> &'static str {
    match done {
        Ok(d) => panic!("not refused: {d:?}"),
        Err(r) => r.errors[0].code,
    }
}

backend_test! {
    async fn serials_are_gap_free_and_unique_under_concurrent_registrations(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        docflow::set_up(&k).await;
        // A second store on the same database: another process registering at the same time.
        let other = db.open().await;
        let today = k.store.today();
        let mut tasks = Vec::new();
        for i in 0..240 {
            let store = if i % 2 == 0 { k.store.clone() } else { other.clone() };
            let clerk = k.clerk.clone();
            tasks.push(tokio::spawn(async move {
                let kind = match i % 6 {
                    0 => "komunalni",
                    5 => "nepostojeci",
                    _ => "uvjerenje",
                };
                store.docflow(&clerk, DocOp::Open(Box::new(intake(kind, &format!("Stranka {i}"), today)))).await.unwrap()
            }));
        }
        let mut refused = 0;
        for t in tasks {
            if t.await.unwrap().is_err() {
                refused += 1;
            }
        }
        assert_eq!(refused, 40, "the unknown kind of case is refused and takes no number");
        let books = serials(&k.store).await;
        let year = i64::from(today.year());
        assert_eq!(books[&("up_i".to_string(), "01/1".to_string(), year)], (1..=160).collect::<Vec<_>>());
        assert_eq!(books[&("djelovodnik".to_string(), "05".to_string(), year)], (1..=40).collect::<Vec<_>>());
        assert!(verify(k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn the_serial_starts_again_each_year_and_later_acts_take_sub_numbers(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        s.set_today(Some(date(2026, 12, 30)));
        let (a, _) = open(s, &k.clerk, intake("pomoc", "Amela Hodžić", date(2026, 12, 30))).await;
        let (b, _) = open(s, &k.clerk, intake("pomoc", "Benjamin Hodžić", date(2026, 12, 30))).await;
        assert_eq!((a.number.as_str(), b.number.as_str()), ("UP-I-01/1-12-1/26", "UP-I-01/1-12-2/26"));
        s.set_today(Some(date(2027, 1, 4)));
        // Received on the last day of the year, registered in the new year's book.
        let (c, _) = open(s, &k.clerk, intake("pomoc", "Cvijeta Marić", date(2026, 12, 31))).await;
        assert_eq!(c.number, "UP-I-01/1-12-1/27");
        // The party's completion and a correction join the case under sub-numbers.
        step(s, &k.clerk, a.id, CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None }).await;
        let filing = |subject: &str, corrects| Filing {
            direction: "in".into(),
            channel: "counter".into(),
            correspondent: "Amela Hodžić".into(),
            subject: subject.into(),
            received_on: date(2027, 1, 4),
            corrects,
        };
        let Ok(DocDone::Filed { record: first, .. }) = s.docflow(&k.clerk, DocOp::File { case_id: a.id, filing: Box::new(filing("Dopuna zahtjeva", None)) }).await.unwrap() else {
            panic!("not filed")
        };
        assert_eq!(first.number, "UP-I-01/1-12-1-1/26");
        let Ok(DocDone::Filed { record: fix, .. }) = s.docflow(&k.clerk, DocOp::File { case_id: a.id, filing: Box::new(filing("Ispravka dopune", Some(first.id))) }).await.unwrap() else {
            panic!("not filed")
        };
        assert_eq!((fix.number.as_str(), fix.corrects_id), ("UP-I-01/1-12-1-2/26", Some(first.id)));
        // A correction names a record of its own case.
        let wrong = s.docflow(&k.clerk, DocOp::File { case_id: b.id, filing: Box::new(filing("Ispravka", Some(first.id))) }).await.unwrap();
        assert_eq!(refusal_code(wrong), "docflow.record.corrects");
        let decided = step(s, &o.amra, a.id, CaseAction::Decide { outcome: Outcome::Granted, summary: "Rješenje o pomoći".into() }).await;
        assert_eq!(decided.last_sub, 3);
        let records = s.raw().reads().case_records(a.id).await.unwrap();
        assert_eq!(records.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(), ["UP-I-01/1-12-1/26", "UP-I-01/1-12-1-1/26", "UP-I-01/1-12-1-2/26", "UP-I-01/1-12-1-3/26"]);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn a_case_goes_from_intake_to_closing_with_every_step_logged(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        s.set_today(Some(date(2026, 3, 2)));
        let (case, _) = open(s, &k.clerk, intake("pomoc", "Amela Hodžić", date(2026, 3, 2))).await;
        assert_eq!((case.state.as_str(), case.due_on.as_str()), ("registered", "2026-04-01"));
        let case = step(s, &k.clerk, case.id, CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None }).await;
        assert_eq!((case.state.as_str(), case.holder_official.as_deref()), ("in_work", Some("amra")));
        // Amra passes the file to Haris; the hand-over log says who has had it since when.
        s.set_today(Some(date(2026, 3, 3)));
        let case = step(s, &o.amra, case.id, CaseAction::HandOver { unit: "01/1".into(), official: Some("haris".into()), note: Some("godišnji".into()) }).await;
        let case = step(s, &o.haris, case.id, CaseAction::Decide { outcome: Outcome::Granted, summary: "Usvaja se zahtjev".into() }).await;
        let case = step(s, &k.clerk, case.id, CaseAction::Dispatch { method: Dispatch::Post, to: "Amela Hodžić, Kakanj".into() }).await;
        s.set_today(Some(date(2026, 3, 9)));
        let early = s.docflow(&k.clerk, DocOp::Step { case_id: case.id, action: Box::new(CaseAction::Deliver { on: date(2026, 3, 2) }) }).await.unwrap();
        assert_eq!(refusal_code(early), "docflow.delivered_on.range");
        let case = step(s, &k.clerk, case.id, CaseAction::Deliver { on: date(2026, 3, 6) }).await;
        let case = step(s, &k.clerk, case.id, CaseAction::Close { note: None }).await;
        assert_eq!(case.state.as_str(), "closed");
        assert_eq!(
            (case.decided_on.as_deref(), case.dispatched_on.as_deref(), case.delivered_on.as_deref(), case.closed_on.as_deref()),
            (Some("2026-03-03"), Some("2026-03-03"), Some("2026-03-06"), Some("2026-03-09"))
        );
        let events = s.raw().reads().case_events(case.id).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["registered", "hand_over", "hand_over", "decide", "dispatch", "deliver", "close"]);
        let hand_overs: Vec<_> = events.iter().filter(|e| e.kind == "hand_over").map(|e| (e.official.clone(), e.by_user.clone())).collect();
        assert_eq!(hand_overs, [(Some("amra".into()), "salter".into()), (Some("haris".into()), "amra".into())]);
        // The on-time rate counts it: decided the day after it came in.
        let rate = s.raw().reads().on_time("2026-01-01", "2026-12-31").await.unwrap();
        assert_eq!((rate[0].case_type.as_str(), rate[0].decided, rate[0].on_time), ("pomoc", 1, 1));
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn steps_out_of_order_or_by_the_wrong_person_are_refused_and_write_nothing(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        let (case, _) = open(s, &k.clerk, intake("uvjerenje", "Amela Hodžić", s.today())).await;
        let before = s.raw().journal_head().await.unwrap();
        let attempt = |actor: &Actor, action: CaseAction| {
            let actor = actor.clone();
            async move { s.docflow(&actor, DocOp::Step { case_id: case.id, action: Box::new(action) }).await.unwrap() }
        };
        let decide = CaseAction::Decide { outcome: Outcome::Granted, summary: "x".into() };
        assert_eq!(refusal_code(attempt(&o.amra, decide.clone()).await), "docflow.case.transition");
        step(s, &k.clerk, case.id, CaseAction::HandOver { unit: "01/1".into(), official: None, note: None }).await;
        let after_hand_over = s.raw().journal_head().await.unwrap();
        assert_eq!(refusal_code(attempt(&o.selma, decide.clone()).await), "docflow.case.other_unit", "another unit's official");
        assert_eq!(refusal_code(attempt(&k.clerk, decide.clone()).await), "docflow.permission", "the registry office does not decide");
        assert_eq!(refusal_code(attempt(&k.auditor, decide.clone()).await), "docflow.case.read_only");
        assert_eq!(refusal_code(attempt(&o.amra, CaseAction::HandOver { unit: "01/1".into(), official: Some("selma".into()), note: None }).await), "docflow.official.unit");
        assert_eq!(refusal_code(attempt(&o.amra, CaseAction::HandOver { unit: "99".into(), official: None, note: None }).await), "docflow.unit.unknown");
        assert_eq!(refusal_code(attempt(&o.amra, CaseAction::Close { note: None }).await), "docflow.case.transition", "a procedure closes after delivery");
        assert_eq!(refusal_code(attempt(&o.amra, CaseAction::ReturnForCompletion { missing: vec![], until: None }).await), "docflow.field.required");
        assert_eq!(s.raw().journal_head().await.unwrap(), after_hand_over, "refusals wrote nothing");
        assert!(after_hand_over.seq > before.seq);
        // A bad intake names every field.
        let mut bad = intake("nepostojeci", " ", s.today() + Duration::days(1));
        bad.party.jmbg = Some("123".into());
        bad.channel = "golub".into();
        let Err(refusal) = s.docflow(&k.clerk, DocOp::Open(Box::new(bad))).await.unwrap() else { panic!("accepted") };
        let fields: Vec<_> = refusal.errors.iter().map(|e| e.field.clone().unwrap_or_default()).collect();
        assert_eq!(fields, ["case_type", "channel", "party.name", "party.jmbg", "received_on"]);
        assert_eq!(refusal_code(s.docflow(&k.auditor, DocOp::Open(Box::new(intake("pomoc", "X", s.today())))).await.unwrap()), "docflow.permission");
    }
}

backend_test! {
    async fn waiting_for_the_party_stops_the_deadline_and_overdue_cases_are_listed(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        s.set_today(Some(date(2026, 3, 2)));
        let (waits, _) = open(s, &k.clerk, intake("pomoc", "Amela Hodžić", date(2026, 3, 2))).await;
        let (runs, _) = open(s, &k.clerk, intake("pomoc", "Benjamin Kovač", date(2026, 3, 2))).await;
        for id in [waits.id, runs.id] {
            step(s, &k.clerk, id, CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None }).await;
        }
        s.set_today(Some(date(2026, 3, 10)));
        let asked = step(s, &o.amra, waits.id, CaseAction::ReturnForCompletion { missing: vec!["Uvjerenje o prihodima".into()], until: Some(date(2026, 3, 25)) }).await;
        assert_eq!((asked.state.as_str(), asked.paused_since.as_deref()), ("waiting", Some("2026-03-10")));
        assert_eq!(asked.missing.as_deref(), Some(r#"["Uvjerenje o prihodima"]"#));
        // Eighteen days later the party brings what was missing: the deadline moves by 18 days.
        s.set_today(Some(date(2026, 3, 28)));
        let resumed = step(s, &o.amra, waits.id, CaseAction::Resume { note: None }).await;
        assert_eq!((resumed.paused_days, resumed.missing.as_deref()), (18, None));
        assert_eq!(resumed.due_on, calendar().due(date(2026, 3, 2), 30, 18).format("%Y-%m-%d").to_string());
        assert_eq!(resumed.due_on, "2026-04-20");
        // On 2 April the other case is overdue, this one is not.
        let overdue = CaseQuery { states: vec!["in_work".into(), "waiting".into()], due_by: Some("2026-04-01".into()), limit: 50, ..CaseQuery::default() };
        let late: Vec<i64> = s.raw().reads().cases_page(&overdue).await.unwrap().iter().map(|c| c.id).collect();
        assert_eq!(late, [runs.id]);
    }
}

backend_test! {
    async fn appeals_open_an_up_ii_case_and_joined_cases_follow_their_main_case(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        let today = s.today();
        let (first, _) = open(s, &k.clerk, intake("pomoc", "Amela Hodžić", today)).await;
        let mut appeal = intake("zalba", "Amela Hodžić", today);
        appeal.appeal_of = Some(first.id);
        let undecided = s.docflow(&k.clerk, DocOp::Open(Box::new(appeal.clone()))).await.unwrap();
        assert_eq!(refusal_code(undecided), "docflow.appeal.against");
        step(s, &k.clerk, first.id, CaseAction::HandOver { unit: "01/1".into(), official: None, note: None }).await;
        step(s, &o.haris, first.id, CaseAction::Decide { outcome: Outcome::Refused, summary: "Odbija se".into() }).await;
        let (second, _) = open(s, &k.clerk, appeal).await;
        let yy = today.format("%y");
        assert_eq!(second.number, format!("UP-II-01/1-25-1/{yy}"));
        assert_eq!(second.appeal_of, Some(first.id));
        let events = s.raw().reads().case_events(first.id).await.unwrap();
        assert_eq!(events.last().map(|e| e.kind.as_str()), Some("appealed"));

        let (main, _) = open(s, &k.clerk, intake("komunalni", "MZ Doboj", today)).await;
        let (dup, _) = open(s, &k.clerk, intake("komunalni", "Jasmin Smajić", today)).await;
        let closed_target = s.docflow(&k.clerk, DocOp::Step { case_id: dup.id, action: Box::new(CaseAction::Join { into: "nema-1/26".into() }) }).await.unwrap();
        assert_eq!(refusal_code(closed_target), "docflow.permission", "the registry office does not join cases");
        let placed = opcina_store::docflow::DocflowSetup { staff: vec![("selma".into(), "05".into())], ..Default::default() };
        s.docflow_setup(&Actor::system("test"), &placed).await.unwrap().unwrap();
        let nowhere = s.docflow(&o.selma, DocOp::Step { case_id: dup.id, action: Box::new(CaseAction::Join { into: "nema-1/26".into() }) }).await.unwrap();
        assert_eq!(refusal_code(nowhere), "docflow.join.target");
        let joined = step(s, &o.selma, dup.id, CaseAction::Join { into: main.number.clone() }).await;
        assert_eq!((joined.state.as_str(), joined.joined_to), ("joined", Some(main.id)));
        assert_eq!(s.raw().reads().case_events(main.id).await.unwrap().last().map(|e| e.kind.clone()), Some("joined_from".into()));
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn tracking_needs_the_number_and_its_access_code(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        docflow::set_up(&k).await;
        let s = &k.store;
        let (case, code) = open(s, &k.clerk, intake("uvjerenje", "Amela Hodžić", s.today())).await;
        let (other, other_code) = open(s, &k.clerk, intake("uvjerenje", "Benjamin Kovač", s.today())).await;
        assert_eq!(code.len(), 14, "{code}");
        let (found, events) = s.track(&case.number, &code).await.unwrap().expect("tracked");
        assert_eq!((found.id, events.len()), (case.id, 1));
        // However the citizen types the code.
        assert!(s.track(&format!(" {} ", case.number), &code.to_lowercase().replace('-', "")).await.unwrap().is_some());
        assert!(s.track(&case.number, &other_code).await.unwrap().is_none(), "another case's code");
        assert!(s.track(&other.number, &code).await.unwrap().is_none());
        assert!(s.track(&case.number, "").await.unwrap().is_none());
        assert!(s.track("UP-I-01/1-25-999/26", &code).await.unwrap().is_none());
        // However the citizen types the number: in small letters, with a space.
        let typed = case.number.to_lowercase().replacen('/', " /", 1);
        assert!(s.track(&typed, &code).await.unwrap().is_some(), "{typed}");

        // A lost receipt: a new code, given at the counter; the old one stops working.
        let reissue = |actor: opcina_core::registry::Actor| async move { s.docflow(&actor, DocOp::Reissue { case_id: case.id }).await.unwrap() };
        assert_eq!(refusal_code(reissue(k.auditor.clone()).await), "docflow.case.read_only");
        let Ok(DocDone::Reissued { access_code: new_code, .. }) = reissue(k.clerk.clone()).await else { panic!("not reissued") };
        assert_ne!(new_code, code);
        assert!(s.track(&case.number, &code).await.unwrap().is_none(), "the lost code");
        let (_, events) = s.track(&case.number, &new_code).await.unwrap().expect("the new code");
        assert_eq!(events.last().unwrap().kind, "access_reissued");
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn case_lists_page_by_due_date_with_a_keyset(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        let start = date(2026, 2, 2);
        let mut ids = Vec::new();
        for day in 0..25 {
            s.set_today(Some(start + Duration::days(day % 5)));
            let (c, _) = open(s, &k.clerk, intake(if day % 2 == 0 { "pomoc" } else { "uvjerenje" }, &format!("Stranka {day}"), start + Duration::days(day % 5))).await;
            let official = if day % 3 == 0 { "haris" } else { "amra" };
            step(s, &k.clerk, c.id, CaseAction::HandOver { unit: "01/1".into(), official: Some(official.into()), note: None }).await;
            ids.push(c.id);
        }
        step(s, &o.amra, ids[1], CaseAction::WaitForParty { until: None, note: "čeka se stranka".into() }).await;
        let mut query = CaseQuery { states: vec!["in_work".into(), "waiting".into()], unit: Some("01/1".into()), limit: 10, ..CaseQuery::default() };
        let mut seen = Vec::new();
        loop {
            let page = s.raw().reads().cases_page(&query).await.unwrap();
            assert!(page.len() <= 10);
            let Some(last) = page.last() else { break };
            query.after = Some((last.due_on.clone(), last.id));
            seen.extend(page.iter().map(|c| (c.due_on.clone(), c.id)));
        }
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "in due order");
        assert_eq!(seen.len(), 25, "every case once");
        let mine = CaseQuery { states: vec!["in_work".into()], official: Some("haris".into()), limit: 100, ..CaseQuery::default() };
        assert_eq!(s.raw().reads().cases_page(&mine).await.unwrap().len(), 9);
    }
}

backend_test! {
    async fn files_of_a_case_are_kept_by_hash_and_versioned_never_changed(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        let (case, _) = open(s, &k.clerk, intake("uvjerenje", "Amra Hodžić", s.today())).await;
        let (other, _) = open(s, &k.clerk, intake("uvjerenje", "Haris Mujić", s.today())).await;
        let upload = |name: &str| Upload { name: name.into(), ..Upload::default() };
        let (_, first) = s.attach(&k.clerk, case.id, upload("zahtjev.txt"), "text/plain", Bytes::from_static(b"Zahtjev za uvjerenje")).await.unwrap().unwrap();
        assert_eq!((first.version, first.first_id), (1, first.id));
        assert_eq!(first.sha256, opcina_store::files::sha256_hex(b"Zahtjev za uvjerenje"));
        // A corrected scan is a new version; the first stays as it was.
        let again = Upload { replaces: Some(first.id), ..upload("zahtjev-ispravljen.txt") };
        let (_, second) = s.attach(&o.amra, case.id, again, "text/plain", Bytes::from_static(b"Zahtjev za uvjerenje, potpisan")).await.unwrap().unwrap();
        assert_eq!((second.version, second.first_id), (2, first.id));
        assert_eq!(s.attachment_content(&first).await.unwrap(), Bytes::from_static(b"Zahtjev za uvjerenje"));
        let files = s.raw().reads().case_attachments(case.id).await.unwrap();
        assert_eq!(files, vec![first.clone(), second.clone()]);
        // Refused: a version of another case's file, a nameless or empty file, a record of another case.
        let cross = Upload { replaces: Some(first.id), ..upload("x.txt") };
        let head = s.raw().journal_head().await.unwrap();
        let code = |r: Result<(opcina_store::rows::CaseRow, opcina_store::rows::AttachmentRow), opcina_core::Refusal>| r.unwrap_err().errors[0].code;
        assert_eq!(code(s.attach(&k.clerk, other.id, cross, "text/plain", Bytes::from_static(b"x")).await.unwrap()), "docflow.attachment.replaces");
        assert_eq!(code(s.attach(&k.clerk, case.id, upload("../etc/passwd"), "text/plain", Bytes::from_static(b"x")).await.unwrap()), "docflow.attachment.name");
        assert_eq!(code(s.attach(&k.clerk, case.id, upload("prazno.txt"), "text/plain", Bytes::new()).await.unwrap()), "docflow.attachment.empty");
        let wrong_record = Upload { record: Some(other.record_id), ..upload("akt.txt") };
        assert_eq!(code(s.attach(&k.clerk, case.id, wrong_record, "text/plain", Bytes::from_static(b"x")).await.unwrap()), "docflow.attachment.record");
        assert_eq!(code(s.attach(&k.auditor, case.id, upload("a.txt"), "text/plain", Bytes::from_static(b"x")).await.unwrap()), "docflow.case.read_only");
        assert_eq!(s.raw().journal_head().await.unwrap(), head, "refusals write nothing");
        // Journaled, append-only: the chain verifies, and a changed row is caught.
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
        s.raw().execute_raw(&format!("UPDATE attachments SET name = 'drugo.txt' WHERE id = {}", first.id)).await.unwrap();
        assert!(!verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    /// A citizen submits a request from the portal: only once the account was verified at a
    /// counter; the case is registered like one at the counter, on the portal's channel, with
    /// the verified citizen as the party; appeals are not taken online.
    async fn a_verified_citizen_submits_a_request_online(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        docflow::set_up(&k).await;
        let s = &k.store;
        let account = s.open_account("amila@example.test", "Amila Softić", "lozinka-građanke-1").await.unwrap().unwrap();
        let submission = opcina_store::docflow::OnlineSubmission {
            case_type: "pomoc".into(),
            subject: "Zahtjev za jednokratnu pomoć".into(),
            address: "Alije Izetbegovića 12, 72240 Kakanj".into(),
        };
        let unverified = opcina_store::citizens::Citizen { account: account.clone(), verification: None };
        assert_eq!(s.submit_online(&unverified, &submission).await.unwrap().unwrap_err().errors[0].code, "docflow.portal.unverified");
        let amila = opcina_testkit::commands::born(s, &k.registrar, "Amila", "Softić", opcina_core::registry::Sex::Female, date(1990, 2, 2)).await;
        s.verify_account(&k.clerk, account.id, amila.as_str(), "lična karta 1E2345678").await.unwrap().unwrap();
        let citizen = s.account_by_code(&k.clerk, &account.code).await.unwrap().unwrap();
        let log = s.raw().reads().access_log(amila.as_str(), None, 10).await.unwrap();
        assert_eq!((log[0].action.as_str(), log[0].username.as_str()), ("account.view", k.clerk.username.as_str()), "the clerk's look logged");
        let (case, code) = s.submit_online(&citizen, &submission).await.unwrap().unwrap();
        assert_eq!((case.party_jmbg.as_deref(), case.party_name.as_str(), case.party_contact.as_deref()), (Some(amila.as_str()), "Amila Softić", Some("amila@example.test")));
        let records = s.raw().reads().case_records(case.id).await.unwrap();
        assert_eq!((records[0].channel.as_str(), records[0].registered_by.as_str()), ("portal", "portal"));
        assert!(s.track(&case.number, &code).await.unwrap().is_some());
        let appeal = opcina_store::docflow::OnlineSubmission { case_type: "zalba".into(), ..submission.clone() };
        assert_eq!(s.submit_online(&citizen, &appeal).await.unwrap().unwrap_err().errors[0].code, "docflow.portal.kind");
        let blank = opcina_store::docflow::OnlineSubmission { address: " ".into(), ..submission };
        assert_eq!(s.submit_online(&citizen, &blank).await.unwrap().unwrap_err().errors[0].field.as_deref(), Some("party.address"));
    }
}

backend_test! {
    /// Issue 16: the texts of cases (a party's name, the subject, a decision's summary) went
    /// onto receipts and into the books without the rule the registers' texts follow.
    async fn the_texts_of_a_case_follow_the_free_text_rule(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = docflow::set_up(&k).await;
        let s = &k.store;
        let head = s.raw().journal_head().await.unwrap();
        let refused = |i: opcina_store::docflow::Intake| {
            let clerk = k.clerk.clone();
            async move {
                match s.docflow(&clerk, DocOp::Open(Box::new(i))).await.unwrap() {
                    Ok(d) => panic!("not refused: {d:?}"),
                    Err(r) => r.errors.into_iter().map(|e| (e.code, e.field.unwrap_or_default())).collect::<Vec<_>>(),
                }
            }
        };
        let mut i = intake("pomoc", "Amela Hodžić", s.today());
        i.subject = "Zahtjev <b>hitno</b>".into();
        i.party.name = "Amela \u{202E}ćiždoH".into();
        i.party.contact = Some("061\u{7}111".into());
        let found = refused(i).await;
        for (code, field) in [("registry.field.markup", "subject"), ("registry.field.control_character", "party.name"), ("registry.field.control_character", "party.contact")] {
            assert!(found.contains(&(code, field.to_string())), "{code} {field}: {found:?}");
        }
        let mut i = intake("pomoc", "Amela Hodžić", s.today());
        i.party.address = "x".repeat(501);
        assert_eq!(refused(i).await, [("registry.field.too_long", "party.address".to_string())]);
        assert_eq!(s.raw().journal_head().await.unwrap(), head, "nothing written");
        // The steps' texts too.
        let (case, _) = open(s, &k.clerk, intake("pomoc", "Amela Hodžić", s.today())).await;
        step(s, &k.clerk, case.id, CaseAction::HandOver { unit: "01/1".into(), official: Some(o.amra.username.clone()), note: None }).await;
        let decide = CaseAction::Decide { outcome: Outcome::Granted, summary: "Usvaja se <script>".into() };
        let done = s.docflow(&o.amra, DocOp::Step { case_id: case.id, action: Box::new(decide) }).await.unwrap();
        assert_eq!(refusal_code(done), "registry.field.markup");
        let missing = CaseAction::ReturnForCompletion { missing: vec!["Kućna lista".into(), "Uvjerenje\u{1b}[2J".into()], until: None };
        let done = s.docflow(&o.amra, DocOp::Step { case_id: case.id, action: Box::new(missing) }).await.unwrap();
        assert_eq!(refusal_code(done), "registry.field.control_character");
    }
}
