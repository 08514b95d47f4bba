//! The journal proves the tables: rows inserted, changed or deleted behind the program's back
//! (through raw SQL) are found and named, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Datelike;
use opcina_core::docflow::case::{CaseAction, Dispatch, Outcome as Decision};
use opcina_core::extract::{ExtractKind, Relation};
use opcina_core::registry::Sex;
use opcina_store::Store;
use opcina_store::citizens::AccountLetters;
use opcina_store::contexts;
use opcina_store::docflow::{DocOp, Filing};
use opcina_store::extracts::{Outcome, RemoteSource};
use opcina_store::mail::{Letter, MailOutcome};
use opcina_store::rows::MessageRow;
use opcina_store::sql::prelude::*;
use opcina_store::verify::{Problem, verify};
use opcina_testkit::commands::*;
use opcina_testkit::extracts;
use opcina_testkit::{Kakanj, Kind, TestDb, backend_test, date};
use sqlx::{AssertSqlSafe, Connection, Row};

/// The two messages registering may send.
fn letters() -> AccountLetters {
    AccountLetters {
        confirm: Letter { subject: "Otvaranje računa".into(), body: "Slijedite link: {link}".into() },
        exists: Letter { subject: "Vaš račun".into(), body: "Račun s ovom adresom već postoji.".into() },
    }
}

/// A node with some of everything: births, a marriage (annotations), a read (access log).
async fn populated(db: &TestDb) -> Kakanj {
    let k = Kakanj::set_up(db).await;
    let (s, r) = (&k.store, &k.registrar);
    let block = opcina_core::jmbg::SerialBlock::new(0, 100).unwrap();
    s.set_jmbg_block(&k.admin, block, "imenik federacije br. 1").await.unwrap();
    s.add_settlement(&k.admin, "Vukanovići", "KSU").await.unwrap();
    let him = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
    let her = born(s, r, "Selma", "Pašić", Sex::Female, date(1991, 3, 3)).await;
    ok(s, r, marriage(&him, "Begić", &her, "Begić", date(2015, 5, 10))).await;
    let misdated = born(s, r, "Nedim", "Alić", Sex::Male, date(1992, 4, 4)).await;
    correct_identity(s, r, &misdated, Sex::Male, date(1992, 3, 14), date(2020, 1, 10)).await;
    let row = opcina_store::rows::AccessRow {
        id: 0,
        at: 0,
        username: "salter".into(),
        role: "counter_clerk".into(),
        office_code: Some("KAK".into()),
        subject_jmbg: him.to_string(),
        entry_id: None,
        action: "person.view".into(),
        purpose: "izdavanje izvoda".into(),
        case_number: None,
    };
    s.record_access(&k.clerk, vec![row]).await.unwrap();
    s.create_token(&k.admin, "salter", "counter").await.unwrap();
    s.set_password(&k.admin, "salter", "lozinka-za-šalter").await.unwrap();
    // A piece of the website, published with its facts filled in.
    let newsroom = opcina_testkit::publicinfo::set_up(&k).await;
    let facts = opcina_core::publicinfo::piece::PieceFacts {
        kind: "act".into(),
        category: "Akti vijeća".into(),
        tags: "budžet".into(),
        local_community: "Brnjica".into(),
        gazette: "Službeni glasnik 1/2026".into(),
        closes_on: String::new(),
    };
    let text = opcina_testkit::publicinfo::bosnian("Odluka o budžetu", "Usvojena.", "Tekst odluke.");
    let piece = opcina_testkit::publicinfo::publish(&k, &newsroom, facts, text, None).await;
    let contact = opcina_core::publicinfo::media::ContactFields {
        outlet: "Radio Kakanj".into(),
        name: "Redakcija".into(),
        email: "radio@kakanj.example".into(),
        beats: "politika".into(),
        language: "bs".into(),
        script: "latin".into(),
    };
    s.add_media_contact(&newsroom.press, contact).await.unwrap().unwrap();
    s.distribute(&newsroom.press, piece.id, "politika").await.unwrap().unwrap();
    opcina_testkit::publicinfo::step(&k, &newsroom.press, piece.id, opcina_core::publicinfo::piece::PieceAction::Unpublish, "greška", None)
        .await;
    // A checkpoint of this node's journal, and one a peer sent to keep.
    let (sealer, _) = sealer();
    s.checkpoint(&k.admin, &sealer).await.unwrap();
    let peer = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
    let theirs =
        opcina_core::checkpoint::Checkpoint { node: "ZEN".into(), seq: 10, hash: [1; 32], at: 1, messages_id: 0, messages_hash: [0; 32] };
    let witnessed = s.witness(&k.admin, "ZEN", &theirs.statement(), &theirs.sign(&peer), "ZEN:key", peer.verifying_key()).await.unwrap();
    assert!(witnessed.is_ok());
    // An order from the portal, and its first step at the counter.
    let request = opcina_core::extract::form::RequestFields {
        kind: "birth".into(),
        subject_jmbg: him.to_string(),
        language: "bs".into(),
        script: "latin".into(),
        requester_name: "Emir Begić".into(),
        requester_jmbg: him.to_string(),
        relation: "self".into(),
        purpose: "penzija".into(),
        ..Default::default()
    };
    let spec = opcina_store::orders::OrderSpec {
        request,
        subject_name: "Emir Begić".into(),
        delivery: "post".into(),
        office: "KAK".into(),
        address: "Alije Izetbegovića 1, 72240 Kakanj".into(),
        ..Default::default()
    };
    let order = s.place_order(&spec).await.unwrap().unwrap();
    s.record_order_step(&k.clerk, order.id, "cancelled", None, Some("na zahtjev stranke".into())).await.unwrap().unwrap();
    // A citizen's account, verified at the counter.
    let account = s.open_account("emir@example.test", "Emir Begić", "lozinka-građanina").await.unwrap().unwrap();
    s.verify_account(&k.clerk, account.id, him.as_str(), "lična karta 1E2345678").await.unwrap().unwrap();
    // A request to open an account (its link in the mail outbox), the relay's answer.
    s.request_account("selma@example.test", "Selma Begić", &letters(), "http://kakanj.example/account/confirm/").await.unwrap().unwrap();
    let sent = s.pending_mail(1).await.unwrap().remove(0);
    s.record_mail_delivery(sent.id, MailOutcome::Sent, "250 2.0.0 Ok: queued").await.unwrap();
    // Documents: a fee rule, the appeal route, the node's key, an issued extract (then revoked), a refusal.
    s.set_fee(&k.admin, None, Some("socijalna zaštita"), 0, "oslobođeno").await.unwrap();
    let route = opcina_core::extract::decision::AppealRoute {
        body: "Ministarstvo unutrašnjih poslova Zeničko-dobojskog kantona".into(),
        days: 15,
        fee: 1000,
        fee_note: "kantonalna administrativna taksa".into(),
    };
    s.set_appeal_route(&k.admin, &route).await.unwrap();
    let sealer = extracts::seal(s).await;
    let mine = extracts::request(ExtractKind::Birth, &him, &him, Relation::Myself);
    let Outcome::Issued(issued) = extracts::outcome(s, &k.clerk, mine, &sealer).await else { panic!("not issued") };
    s.revoke_extract(&k.clerk, &issued.content.issue.number, "izdano greškom").await.unwrap();
    let not_hers = extracts::request(ExtractKind::Birth, &him, &her, Relation::Parent);
    assert!(matches!(extracts::outcome(s, &k.clerk, not_hers, &sealer).await, Outcome::Refused(_)));
    // The federation: an exchange in the message log, and a document drawn from records
    // another member sent (here the node's own, as if Zenica had sent them).
    let exchange = MessageRow {
        direction: "out".into(),
        peer: "ZEN".into(),
        service: "locate".into(),
        nonce: "n-1".into(),
        case_number: Some("UP-1/2026".into()),
        status: 200,
        outcome: "ok".into(),
        request_signature: "opcina=(...)\nopcina=:...:".into(),
        request_digest: "sha-256=:...:".into(),
        response_signature: Some("opcina=(...)\nopcina=:...:".into()),
        response_digest: Some("sha-256=:...:".into()),
        ..MessageRow::default()
    };
    s.log_exchange(&k.clerk, exchange, Vec::new()).await.unwrap();
    let source = RemoteSource {
        member: "ZEN".into(),
        municipality: "Zenica".into(),
        position: 42,
        records: s.raw().reads().person_records(&him).await.unwrap(),
    };
    let mine = extracts::request(ExtractKind::Birth, &him, &him, Relation::Myself);
    let remote = s.request_remote_extract(&k.clerk, mine, source, &sealer, &extracts::place()).await.unwrap().unwrap();
    assert!(matches!(remote, Outcome::Issued(_)));
    // Annotation notices: the death of a man born elsewhere waits in the outbox and is
    // delivered; a notice from another member is applied to her birth entry.
    let outsider = opcina_core::Jmbg::compose(date(1950, 2, 3), 17, 123, opcina_core::CheckMode::Strict).unwrap();
    let mut death = death(&outsider, date(2025, 5, 5));
    if let opcina_core::registry::commands::Command::RegisterDeath(d) = &mut death {
        d.person = Some(opcina_core::registry::commands::PersonInput {
            given_name: "Stranac".into(),
            surname: "Sarajlić".into(),
            sex: None,
            birth_place: opcina_core::registry::Place::new("Sarajevo", "Centar Sarajevo", "Bosna i Hercegovina"),
        });
    }
    assert_eq!(ok(s, &k.registrar, death).await.notices.len(), 1);
    let pending = s.raw().reads().pending_notices(10).await.unwrap();
    s.record_delivery(pending[0].id, "SCE", "applied", "{}").await.unwrap();
    let name_change = opcina_core::registry::annotation::Annotation {
        content: opcina_core::registry::annotation::AnnotationContent::NameChange { given_name: None, surname: Some("Begović".into()) },
        legal_basis: decision(date(2025, 1, 1)),
        effective_date: date(2025, 1, 1),
        note: None,
    };
    let notice = opcina_store::federation::IncomingNotice {
        notice_id: "ZEN:7".into(),
        member: "ZEN".into(),
        subject: her.clone(),
        annotation: name_change,
    };
    assert_eq!(s.apply_notice(notice).await.unwrap().status, "applied");
    // The document flow: a case with a party's JMBG and contact, handed over, waiting for a
    // document that is still missing, decided, sent and joined by a second case; a
    // correction filed in it.
    let o = opcina_testkit::docflow::set_up(&k).await;
    // A citizen's complaint to a unit, answered.
    let question = opcina_core::publicinfo::message::MessageFields {
        kind: "complaint".into(),
        unit: "01/1".into(),
        name: "Ivana Jurić".into(),
        email: "ivana@example.test".into(),
        subject: "Red na šalteru".into(),
        text: "Čekala sam sat vremena.".into(),
        publish: true,
    };
    let (message, _) = s.send_message(question, "hr").await.unwrap().unwrap();
    let letter: opcina_store::publicinfo_messages::AnswerLetter =
        Box::new(|m, answer| opcina_store::mail::Letter { subject: m.number.clone(), body: answer.to_string() });
    s.answer_message(&newsroom.press, message.id, "Ispričavamo se.", letter).await.unwrap().unwrap();
    // A street light reported, routed, moved by its unit and reopened by its reporter; an
    // Open311 client allowed.
    opcina_testkit::reports::routes(&k).await;
    let (light, code) = s
        .report_problem(
            &opcina_core::registry::Actor::system("portal"),
            opcina_store::publicinfo_reports::Channel::Web,
            opcina_testkit::reports::street_light("Centar"),
            "bs",
            Some(opcina_testkit::reports::letter()),
        )
        .await
        .unwrap()
        .unwrap();
    let fixed =
        opcina_core::publicinfo::report::ReportChange { state: "fixed".into(), note: "Zamijenjena sijalica.".into(), body: String::new() };
    s.change_report(&newsroom.press, light.id, fixed, opcina_testkit::reports::letter()).await.unwrap().unwrap();
    let reopen = opcina_core::publicinfo::report::ReportChange { state: "open".into(), note: "Opet ne radi.".into(), body: String::new() };
    s.reporter_change(&light.number, &code, reopen).await.unwrap().unwrap();
    s.add_open311_client(&k.admin, "Mobilna aplikacija").await.unwrap().unwrap();
    // A journalist's question given to an official and replied to; an answer term set.
    let asked = opcina_core::publicinfo::desk::QuestionFields {
        outlet: "Radio Kakanj".into(),
        name: "Lejla Mušić".into(),
        email: "lejla@radio.example".into(),
        subject: "Budžet".into(),
        text: "Koliko je planirano?".into(),
    };
    let asked = s.ask_press(asked, "bs").await.unwrap().unwrap();
    s.assign_question(&newsroom.press, asked.id, "01/1", "amra").await.unwrap().unwrap();
    let reply: opcina_store::publicinfo_desk::ReplyLetter =
        Box::new(|q, r| opcina_store::mail::Letter { subject: q.number.clone(), body: r.to_string() });
    s.reply_question(&newsroom.press, asked.id, "Milion KM.", reply).await.unwrap().unwrap();
    s.set_answer_terms(&k.admin, &[(opcina_core::publicinfo::desk::TermOf::Press, "3")]).await.unwrap().unwrap();
    // An accreditation for the year, refused with a reason.
    let accreditation = opcina_core::publicinfo::desk::AccreditationFields {
        outlet: "Radio Kakanj".into(),
        name: "Lejla Mušić".into(),
        email: "lejla@radio.example".into(),
        kind: "year".into(),
        event: String::new(),
        event_on: String::new(),
    };
    let accreditation = s.request_accreditation(accreditation, "bs").await.unwrap().unwrap();
    let told: opcina_store::publicinfo_desk::AccreditationLetter =
        Box::new(|a| opcina_store::mail::Letter { subject: a.number.clone(), body: a.reason.clone() });
    let refused = opcina_core::publicinfo::desk::AccreditationState::Refused;
    s.decide_accreditation(&newsroom.press, accreditation.id, refused, "Nije medij.", told).await.unwrap().unwrap();
    // A request for information, handed to the unit and granted in part on privacy.
    let asked = opcina_core::publicinfo::information::RequestFields {
        name: "Udruženje Zeleni Kakanj".into(),
        address: "Zgošća bb, Kakanj".into(),
        email: "zeleni@example.test".into(),
        requester: "ngo".into(),
        access: "email".into(),
        information: "Spisak korisnika pomoći.".into(),
    };
    let information = s.request_information(&asked, "bs").await.unwrap().unwrap().case;
    let hand_over = CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None };
    opcina_testkit::docflow::step(s, &k.clerk, information.id, hand_over).await;
    let partial = opcina_core::publicinfo::information::DecisionFields {
        kind: "partial".into(),
        exemptions: vec!["privacy".into()],
        reasons: "Imena korisnika su lične informacije.".into(),
        public_interest: "Iznosi po mjesnim zajednicama dovoljni su.".into(),
        given: "Iznosi bez imena.".into(),
        forwarded_to: String::new(),
        appeal_to: "Općinskom načelniku u roku od 15 dana.".into(),
    };
    let told: opcina_store::publicinfo_information::DecisionLetter =
        Box::new(|c, _, d| opcina_store::mail::Letter { subject: c.number.clone(), body: d.summary() });
    s.decide_information(&o.amra, information.id, partial, told).await.unwrap().unwrap();
    // A draft piece of the website with a document on it.
    let draft = opcina_store::publicinfo::PieceOp::Create {
        facts: opcina_testkit::publicinfo::facts("news"),
        text: opcina_testkit::publicinfo::bosnian("Nacrt budžeta", "Za raspravu", "Tekst."),
    };
    let draft = s.piece(&newsroom.editor, draft).await.unwrap().unwrap().piece;
    let document = opcina_core::publicinfo::attachment::FileFields { name: "nacrt.pdf".into(), alt: String::new() };
    s.put_piece_file(&newsroom.editor, draft.id, &document, bytes::Bytes::from_static(b"%PDF-1.7 nacrt")).await.unwrap().unwrap();
    // A refusal now entered in the UP-I book (a protocol record and its link).
    let still_not_hers = extracts::request(ExtractKind::Birth, &him, &her, Relation::Parent);
    assert!(matches!(extracts::outcome(s, &k.clerk, still_not_hers, &extracts::seal(s).await).await, Outcome::Refused(_)));
    let mut submission = opcina_testkit::docflow::intake("pomoc", "Emir Begić", s.today());
    submission.party.jmbg = Some(him.to_string());
    submission.party.contact = Some("061 123 456".into());
    let (case, _) = opcina_testkit::docflow::open(s, &k.clerk, submission).await;
    let hand_over = CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None };
    opcina_testkit::docflow::step(s, &k.clerk, case.id, hand_over).await;
    let missing = CaseAction::ReturnForCompletion { missing: vec!["Kućna lista".into()], until: None };
    opcina_testkit::docflow::step(s, &o.amra, case.id, missing).await;
    let (second, _) = opcina_testkit::docflow::open(s, &k.clerk, opcina_testkit::docflow::intake("pomoc", "Selma Begić", s.today())).await;
    let hand_over = CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None };
    opcina_testkit::docflow::step(s, &k.clerk, second.id, hand_over).await;
    opcina_testkit::docflow::step(s, &o.amra, second.id, CaseAction::Join { into: case.number.clone() }).await;
    let filing = Filing {
        direction: "in".into(),
        channel: "counter".into(),
        correspondent: "Emir Begić".into(),
        subject: "Dopuna".into(),
        received_on: s.today(),
        corrects: Some(case.record_id),
    };
    assert!(s.docflow(&k.clerk, DocOp::File { case_id: case.id, filing: Box::new(filing) }).await.unwrap().is_ok());
    // The scanned completion, and a second version of it naming its record.
    let scan = opcina_store::docflow::Upload { name: "kucna-lista.pdf".into(), ..Default::default() };
    let (_, first) =
        s.attach(&k.clerk, case.id, scan, "application/pdf", bytes::Bytes::from_static(b"%PDF-1.7 kucna lista")).await.unwrap().unwrap();
    let again = opcina_store::docflow::Upload { name: "kucna-lista-2.pdf".into(), record: Some(case.record_id), replaces: Some(first.id) };
    s.attach(&o.amra, case.id, again, "application/pdf", bytes::Bytes::from_static(b"%PDF-1.7 kucna lista, potpisana"))
        .await
        .unwrap()
        .unwrap();
    let decide = CaseAction::Decide { outcome: Decision::Granted, summary: "Usvaja se".into() };
    let waiting = s.docflow(&o.amra, DocOp::Step { case_id: case.id, action: Box::new(decide.clone()) }).await.unwrap();
    assert!(waiting.is_err(), "no decision while waiting");
    opcina_testkit::docflow::step(s, &o.amra, case.id, CaseAction::Resume { note: None }).await;
    opcina_testkit::docflow::step(s, &o.amra, case.id, decide).await;
    opcina_testkit::docflow::step(s, &k.clerk, case.id, CaseAction::Dispatch { method: Dispatch::Post, to: "Emir Begić".into() }).await;
    opcina_testkit::docflow::step(s, &k.clerk, case.id, CaseAction::Deliver { on: s.today() }).await;
    opcina_testkit::docflow::step(s, &k.clerk, case.id, CaseAction::Close { note: None }).await;
    // The archive: the closed case entered in the book, held and released, proposed once its
    // ten years ran out, approved by the archive and destroyed.
    s.archive_cases(&k.clerk, &[case.id]).await.unwrap().unwrap();
    s.hold(&k.admin, case.id, true, "Upravni spor").await.unwrap().unwrap();
    s.hold(&k.admin, case.id, false, "Presuda pravosnažna").await.unwrap().unwrap();
    s.set_today(Some(date(s.today().year() + 11, 1, 2)));
    let (disposal, _) = s.propose_disposal(&k.clerk).await.unwrap().unwrap();
    let approval = opcina_store::archive::DisposalAnswer { approved: true, reference: "Arhiv 05-49-1".into(), on: s.today() };
    s.answer_disposal(&k.clerk, disposal.id, &approval).await.unwrap().unwrap();
    s.carry_out_disposal(&k.clerk, disposal.id).await.unwrap().unwrap();
    s.set_today(None);
    k
}

async fn problems(store: &Store) -> Vec<Problem> {
    verify(store.raw(), &|_| {}).await.unwrap().problems
}

backend_test! {
    async fn the_journal_of_a_working_node_verifies(db: TestDb) {
        let k = populated(&db).await;
        let report = verify(k.store.raw(), &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
        assert_eq!(report.items, k.store.raw().journal_head().await.unwrap().seq);
        // Every row is written by exactly one item here, but the rows rewritten at each
        // step: a case, an entry of the archive book, a disposal proposal, a piece of the
        // website.
        let items = k.store.raw().journal_page(0, 10_000).await.unwrap();
        let mut rewrites = Vec::new();
        for table in ["cases", "archive_entries", "disposals", "pieces", "citizen_messages", "reports", "press_questions", "press_accreditations"] {
            let written = items.iter().filter(|i| i.table_name == table).count() as i64;
            let rows = k.store.raw().rows_page(table, 0, 100).await.unwrap().len() as i64;
            rewrites.push(written - rows);
        }
        assert_eq!(report.rows, report.items - rewrites.iter().sum::<i64>());
        assert_eq!(
            rewrites,
            [13, 2, 2, 5, 1, 2, 2, 1],
            "two cases: ten steps and the archiving, and the request for information handed over and decided; the entry proposed and destroyed; the proposal approved and done; the piece submitted, approved, published and withdrawn, and the draft given a file; the complaint answered; the report fixed and reopened; the journalist's question assigned and replied to; the accreditation refused"
        );
    }
}

backend_test! {
    async fn a_changed_entry_is_named(db: TestDb) {
        let k = populated(&db).await;
        let id: i64 = first_id(&db, "entries").await;
        k.store.raw().execute_raw(&format!("UPDATE entries SET data = replace(data, 'Emir', 'Amir') WHERE id = {id}")).await.unwrap();
        let found = problems(&k.store).await;
        assert!(matches!(found.as_slice(), [Problem::RowChanged { table, id: i, .. }] if table == "entries" && *i == id), "{found:?}");
        assert!(found[0].to_string().contains(&format!("entries row {id}")));
    }
}

backend_test! {
    async fn a_deleted_annotation_and_an_inserted_read_are_named(db: TestDb) {
        let k = populated(&db).await;
        let annotation = first_id(&db, "annotations").await;
        k.store.raw().execute_raw(&format!("DELETE FROM annotations WHERE id = {annotation}")).await.unwrap();
        k.store
            .raw()
            .execute_raw("INSERT INTO access_log (id, at, username, role, office_code, subject_jmbg, entry_id, action, purpose, case_number) VALUES (999999, 0, 'x', 'admin', NULL, '0101990190004', NULL, 'person.view', 'x', NULL)")
            .await
            .unwrap();
        let found = problems(&k.store).await;
        assert!(found.contains(&Problem::RowDeleted { table: "annotations".into(), id: annotation, seq: annotation }), "{found:?}");
        assert!(found.contains(&Problem::RowInserted { table: "access_log".into(), id: 999_999 }), "{found:?}");
        assert_eq!(found.len(), 2);
    }
}

backend_test! {
    async fn an_altered_or_cut_journal_is_detected(db: TestDb) {
        let k = populated(&db).await;
        k.store.raw().execute_raw("UPDATE journal SET actor = 'someone else' WHERE seq = 3").await.unwrap();
        let found = problems(&k.store).await;
        assert!(found.contains(&Problem::ChainBroken { seq: 3 }), "{found:?}");
        k.store.raw().execute_raw("DELETE FROM journal WHERE seq = 4").await.unwrap();
        let found = problems(&k.store).await;
        assert!(found.contains(&Problem::ItemsMissing { from: 4, to: 4 }), "{found:?}");
    }
}

backend_test! {
    async fn a_changed_user_is_named(db: TestDb) {
        let k = populated(&db).await;
        k.store.raw().execute_raw("UPDATE users SET role = 'admin' WHERE username = 'salter'").await.unwrap();
        let found = problems(&k.store).await;
        assert!(matches!(found.as_slice(), [Problem::RowChanged { table, .. }] if table == "users"), "{found:?}");
    }
}

backend_test! {
    /// Every column of every authoritative table is covered by the row hash: changing any
    /// one of them (where the database's constraints allow it at all) is detected.
    async fn tampering_with_any_column_of_any_table_is_detected(db: TestDb) {
        let k = populated(&db).await;
        let mut tamper = Tamperer::connect(&db).await;
        for table in contexts::tables().map(|t| t.name) {
            let id = first_id(&db, table).await;
            for (column, kind) in tamper.columns(table).await {
                let Some(undo) = tamper.change(table, &column, &kind, id).await else {
                    continue; // the database's own constraints refused every change
                };
                let found = problems(&k.store).await;
                let named = found.iter().any(|p| match p {
                    Problem::RowChanged { table: t, id: i, .. } | Problem::RowDeleted { table: t, id: i, .. } => t == table && *i == id,
                    _ => false,
                });
                assert!(named, "{table}.{column}: tampering not detected: {found:?}");
                tamper.exec(&undo).await.unwrap_or_else(|e| panic!("undo {undo}: {e}"));
                let clean = problems(&k.store).await;
                assert!(clean.is_empty(), "{table}.{column}: undo left {clean:?}");
            }
        }
    }
}

async fn first_id(db: &TestDb, table: &str) -> i64 {
    let mut t = Tamperer::connect(db).await;
    t.scalar(&format!("SELECT MIN(id) AS v FROM {table}")).await
}

/// A database administrator with raw SQL access, acting behind the program's back.
enum Tamperer {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Tamperer {
    async fn connect(db: &TestDb) -> Tamperer {
        match db.kind {
            Kind::Sqlite => Tamperer::Sqlite(sqlx::SqliteConnection::connect(&db.url).await.unwrap()),
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
                // Foreign keys would stop some changes; an administrator can switch them off.
                sqlx::query("SET session_replication_role = replica").execute(&mut c).await.unwrap();
                Tamperer::Postgres(c)
            }
        }
    }

    async fn exec(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        match self {
            Tamperer::Sqlite(c) => sqlx::query(AssertSqlSafe(sql.to_string())).execute(c).await.map(|r| r.rows_affected()),
            Tamperer::Postgres(c) => sqlx::query(AssertSqlSafe(sql.to_string())).execute(c).await.map(|r| r.rows_affected()),
        }
    }

    async fn scalar(&mut self, sql: &str) -> i64 {
        match self {
            Tamperer::Sqlite(c) => sqlx::query(AssertSqlSafe(sql.to_string())).fetch_one(c).await.unwrap().get::<i64, _>("v"),
            Tamperer::Postgres(c) => sqlx::query(AssertSqlSafe(sql.to_string())).fetch_one(c).await.unwrap().get::<i64, _>("v"),
        }
    }

    async fn text(&mut self, sql: &str) -> String {
        match self {
            Tamperer::Sqlite(c) => sqlx::query(AssertSqlSafe(sql.to_string())).fetch_one(c).await.unwrap().get::<String, _>("v"),
            Tamperer::Postgres(c) => sqlx::query(AssertSqlSafe(sql.to_string())).fetch_one(c).await.unwrap().get::<String, _>("v"),
        }
    }

    async fn columns(&mut self, table: &str) -> Vec<(String, String)> {
        match self {
            Tamperer::Sqlite(c) => sqlx::query(AssertSqlSafe(format!("SELECT name, type FROM pragma_table_info('{table}')")))
                .fetch_all(c)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get::<String, _>("name"), r.get::<String, _>("type").to_lowercase()))
                .collect(),
            Tamperer::Postgres(c) => sqlx::query(
                "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String, _>("name"), r.get::<String, _>("type").to_lowercase()))
            .collect(),
        }
    }

    /// Changes one column of one row; returns the SQL that undoes it, or `None` when the
    /// database refused every attempt.
    async fn change(&mut self, table: &str, column: &str, kind: &str, id: i64) -> Option<String> {
        let is_null = self
            .scalar(&format!("SELECT CAST(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END AS BIGINT) AS v FROM {table} WHERE id = {id}"))
            .await
            == 1;
        let pg = matches!(self, Tamperer::Postgres(_));
        let value = if pg { "'\\x01'::bytea" } else { "x'01'" };
        // (change, undo) pairs tried in order; the row keeps its id except when `id` itself changes.
        let attempts: Vec<(String, String)> = if is_null {
            let v = match kind {
                k if k.contains("int") => "7".to_string(),
                k if k.contains("bool") => "true".to_string(),
                k if k.contains("blob") || k.contains("bytea") => value.to_string(),
                _ => "'x'".to_string(),
            };
            vec![(
                format!("UPDATE {table} SET {column} = {v} WHERE id = {id}"),
                format!("UPDATE {table} SET {column} = NULL WHERE id = {id}"),
            )]
        } else if column == "id" {
            vec![(
                format!("UPDATE {table} SET id = {} WHERE id = {id}", id + 1_000_000),
                format!("UPDATE {table} SET id = {id} WHERE id = {}", id + 1_000_000),
            )]
        } else {
            match kind {
                k if k.contains("int") => vec![
                    (
                        format!("UPDATE {table} SET {column} = 1 - {column} WHERE id = {id}"),
                        format!("UPDATE {table} SET {column} = 1 - {column} WHERE id = {id}"),
                    ),
                    (
                        format!("UPDATE {table} SET {column} = {column} + 1 WHERE id = {id}"),
                        format!("UPDATE {table} SET {column} = {column} - 1 WHERE id = {id}"),
                    ),
                ],
                k if k.contains("bool") => vec![(
                    format!("UPDATE {table} SET {column} = NOT {column} WHERE id = {id}"),
                    format!("UPDATE {table} SET {column} = NOT {column} WHERE id = {id}"),
                )],
                k if k.contains("blob") || k.contains("bytea") => {
                    let original = self
                        .text(&format!(
                            "SELECT {} AS v FROM {table} WHERE id = {id}",
                            if pg { format!("encode({column}, 'hex')") } else { format!("hex({column})") }
                        ))
                        .await;
                    let literal = if pg { format!("decode('{original}', 'hex')") } else { format!("x'{original}'") };
                    vec![(
                        format!("UPDATE {table} SET {column} = {value} WHERE id = {id}"),
                        format!("UPDATE {table} SET {column} = {literal} WHERE id = {id}"),
                    )]
                }
                _ => vec![(
                    format!("UPDATE {table} SET {column} = {column} || 'x' WHERE id = {id}"),
                    format!("UPDATE {table} SET {column} = substr({column}, 1, length({column}) - 1) WHERE id = {id}"),
                )],
            }
        };
        for (change, undo) in attempts {
            if matches!(self.exec(&change).await, Ok(1)) {
                return Some(undo);
            }
        }
        None
    }
}

backend_test! {
    /// Issue 16: registering told whether an address had an account (a new one was signed in,
    /// a known one refused). Now both answer alike and the difference goes only to the
    /// address's mailbox: a link that opens the account (once, within a day), or a note to the
    /// owner. Nothing is opened before the link is followed.
    async fn registering_tells_only_the_mailbox_whether_an_address_has_an_account(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let s = &k.store;
        let base = "https://kakanj.example/account/confirm/";
        assert_eq!(s.request_account(" Amra@Example.test ", "Amra Hodžić", &letters(), base).await.unwrap(), Ok(()));
        assert!(s.check_citizen("amra@example.test", "lozinka-građanke").await.unwrap().is_none(), "nothing is opened yet");
        let mail = s.mail_to("amra@example.test", 10).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!((mail[0].purpose.as_str(), mail[0].subject.as_str()), ("account.confirm", "Otvaranje računa"));
        let token = mail[0].body.split(base).nth(1).expect("the link is in the message").to_string();
        assert_eq!(token.len(), 64, "{}", mail[0].body);
        // The link shows whose account it opens; a short password is refused and spends nothing.
        let request = s.account_request(&token).await.unwrap().expect("a live link");
        assert_eq!((request.email.as_str(), request.full_name.as_str()), ("amra@example.test", "Amra Hodžić"));
        let short = s.confirm_account(&token, "kratka").await.unwrap().unwrap_err();
        assert_eq!(short.errors[0].field.as_deref(), Some("password"));
        let account = s.confirm_account(&token, "lozinka-građanke").await.unwrap().unwrap();
        assert_eq!(account.email, "amra@example.test");
        assert!(s.check_citizen("amra@example.test", "lozinka-građanke").await.unwrap().is_some());
        // The link is spent; an unknown token opens nothing.
        assert!(s.account_request(&token).await.unwrap().is_none());
        let spent = s.confirm_account(&token, "druga-lozinka-1").await.unwrap().unwrap_err();
        assert_eq!(spent.errors[0].code, "citizen.link_invalid");
        assert_eq!(s.confirm_account(&"0".repeat(64), "druga-lozinka-1").await.unwrap().unwrap_err().errors[0].code, "citizen.link_invalid");
        // Registering the address again answers as before; the mailbox gets a note, no link.
        assert_eq!(s.request_account("amra@example.test", "Neko Drugi", &letters(), base).await.unwrap(), Ok(()));
        let mail = s.mail_to("amra@example.test", 10).await.unwrap();
        assert_eq!(mail.len(), 2);
        assert_eq!(mail[0].purpose, "account.exists");
        assert!(!mail[0].body.contains(base), "{}", mail[0].body);
        // Two requests for a new address: whichever link is followed first opens it.
        s.request_account("dino@example.test", "Dino Kovač", &letters(), base).await.unwrap().unwrap();
        s.request_account("dino@example.test", "Dino Kovač", &letters(), base).await.unwrap().unwrap();
        let links: Vec<String> = s.mail_to("dino@example.test", 10).await.unwrap().iter().map(|m| m.body.split(base).nth(1).unwrap().to_string()).collect();
        assert_ne!(links[0], links[1]);
        s.confirm_account(&links[1], "lozinka-građanina").await.unwrap().unwrap();
        assert_eq!(s.confirm_account(&links[0], "lozinka-građanina").await.unwrap().unwrap_err().errors[0].code, "citizen.link_invalid");
        // Bad input is named and nothing is written.
        let before = s.mail_counts().await.unwrap();
        let refused = s.request_account("nije-adresa", "", &letters(), base).await.unwrap().unwrap_err();
        let fields: Vec<_> = refused.errors.iter().map(|e| e.field.clone().unwrap_or_default()).collect();
        assert_eq!(fields, ["email", "full_name"]);
        let markup = s.request_account("x@example.test", "<b>Ana</b>", &letters(), base).await.unwrap().unwrap_err();
        assert_eq!(markup.errors[0].code, "registry.field.markup");
        assert_eq!(s.mail_counts().await.unwrap(), before);
        // Four messages wait; the relay's answers are recorded once each.
        assert_eq!(before.pending, 4);
        let first = s.pending_mail(10).await.unwrap().remove(0);
        s.record_mail_delivery(first.id, MailOutcome::Rejected, "550 5.1.1 mailbox unknown").await.unwrap();
        let again = s.record_mail_delivery(first.id, MailOutcome::Sent, "250 ok").await.unwrap();
        assert_eq!(again.status, "rejected", "the first answer stands");
        let counts = s.mail_counts().await.unwrap();
        assert_eq!((counts.pending, counts.rejected), (3, 1));
        assert!(problems(s).await.is_empty());
    }
}

/// Makes the database refuse to grow: on SQLite the writer's connection may use no page more
/// than the file has (`max_page_count`, which lasts as long as that connection); on
/// PostgreSQL every commit of a write transaction (each takes the journal head's row) fails
/// as a full disk does (`disk_full`, raised by a deferred trigger, so the failure comes from
/// the COMMIT itself).
async fn fill_the_disk(db: &TestDb, store: &Store) {
    match db.kind {
        Kind::Sqlite => {
            let mut t = Tamperer::connect(db).await;
            let pages = t.scalar("SELECT page_count AS v FROM pragma_page_count()").await;
            store.raw().execute_raw(&format!("PRAGMA max_page_count = {pages}")).await.unwrap();
        }
        Kind::Postgres => {
            store
                .raw()
                .execute_raw(
                    "CREATE OR REPLACE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                     RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$; \
                     DROP TRIGGER IF EXISTS disk_full ON journal_head; CREATE CONSTRAINT TRIGGER disk_full AFTER UPDATE ON journal_head \
                     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION disk_full()",
                )
                .await
                .unwrap();
        }
    }
}

/// Frees the space [`fill_the_disk`] took.
async fn free_the_disk(db: &TestDb, store: &Store) {
    let sql = match db.kind {
        Kind::Sqlite => "PRAGMA max_page_count = 1073741823",
        Kind::Postgres => "DROP TRIGGER disk_full ON journal_head; DROP FUNCTION disk_full()",
    };
    store.raw().execute_raw(sql).await.unwrap();
}

/// Registers births until the store refuses one; the error, and the people registered.
async fn register_until_refused(k: &Kakanj, from: u32) -> (opcina_store::StoreError, Vec<opcina_core::jmbg::Jmbg>) {
    let home = k.store.node().await.unwrap().municipality;
    let mut registered = Vec::new();
    for i in from..from + 3000 {
        let day = date(1960, 1, 1) + chrono::Days::new(u64::from(i));
        let given = ["Emir", "Selma", "Nedim", "Amra", "Haris", "Lejla"][i as usize % 6];
        match k.store.execute(&k.registrar, living_in(&home, birth(given, "Begić", Sex::Male, day))).await {
            Ok(Ok(applied)) => match applied.entry.map(|e| e.content) {
                Some(opcina_core::registry::EntryContent::Birth(b)) => registered.push(b.child.jmbg),
                other => panic!("not a birth: {other:?}"),
            },
            Ok(Err(refusal)) => panic!("refused: {refusal}"),
            Err(e) => return (e, registered),
        }
    }
    panic!("3,000 births fitted on a full disk");
}

backend_test! {
    async fn a_full_disk_refuses_writes_clearly_and_the_node_writes_again_once_it_clears(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let first = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        assert!(s.storage_problem().is_none());

        fill_the_disk(&db, s).await;
        let (error, mut kept) = register_until_refused(&k, 0).await;
        assert_eq!(error.code(), "storage.full", "{error}");
        assert!(error.to_string().contains("disk is full"), "{error}");
        let problem = s.storage_problem().expect("the fault is reported");
        assert_eq!(problem.fault, opcina_store::StorageFault::Full);
        assert!(problem.failures >= 1);
        let head = s.journal_head().await.unwrap();

        // While the condition lasts every write is refused the same way, not with a broken
        // writer's error; nothing of them is written.
        fill_the_disk(&db, s).await;
        let (again, none) = register_until_refused(&k, 5000).await;
        assert!(none.is_empty() || db.kind == Kind::Sqlite, "{none:?}");
        assert_eq!(again.code(), "storage.full", "{again}");
        assert!(s.probe_storage().await.is_some() || db.kind == Kind::Sqlite);

        // Space freed: the node finds out by itself and takes writes again.
        free_the_disk(&db, s).await;
        assert!(s.probe_storage().await.is_none(), "{:?}", s.storage_problem());
        kept.extend(none);
        kept.push(born(s, r, "Amra", "Pašić", Sex::Female, date(1993, 1, 1)).await);
        assert!(s.journal_head().await.unwrap().seq > head.seq);

        // Every acknowledged write is there, and the journal proves the tables.
        for jmbg in std::iter::once(&first).chain(&kept) {
            assert!(!s.raw().reads().person_records(jmbg).await.unwrap().entries.is_empty(), "{jmbg} lost");
        }
        let report = verify(s.raw(), &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
    }
}

backend_test! {
    async fn rows_and_items_below_one_are_refused_and_named_when_forced_in(db: TestDb) {
        let k = populated(&db).await;
        let mut t = Tamperer::connect(&db).await;
        let copy = |id: i64| {
            format!(
                "INSERT INTO access_log (id, at, username, role, office_code, subject_jmbg, entry_id, action, purpose, case_number) \
                 SELECT {id}, at, username, role, office_code, subject_jmbg, entry_id, action, purpose, case_number FROM access_log \
                 WHERE id = (SELECT MIN(id) FROM access_log)"
            )
        };
        let item = "INSERT INTO journal (seq, at, actor, office_code, action, table_name, row_id, row_hash, hash) \
                    SELECT 0, at, actor, office_code, action, table_name, row_id, row_hash, hash FROM journal WHERE seq = 1";
        for sql in [copy(0), copy(-1), item.to_string()] {
            let refused = t.exec(&sql).await.expect_err("the database takes an id below 1");
            assert!(refused.to_string().contains("positive"), "{refused}");
        }
        // An administrator can drop the checks; the verifier still sees every row.
        let drop = match db.kind {
            Kind::Sqlite => "DROP TRIGGER access_log_id_positive_insert; DROP TRIGGER journal_seq_positive_insert",
            Kind::Postgres => {
                "ALTER TABLE access_log DROP CONSTRAINT access_log_id_positive; ALTER TABLE journal DROP CONSTRAINT journal_seq_positive"
            }
        };
        for statement in drop.split("; ") {
            t.exec(statement).await.unwrap();
        }
        for sql in [copy(0), copy(-1), item.to_string()] {
            t.exec(&sql).await.unwrap();
        }
        let found = problems(&k.store).await;
        assert!(found.contains(&Problem::RowInserted { table: "access_log".into(), id: 0 }), "{found:?}");
        assert!(found.contains(&Problem::RowInserted { table: "access_log".into(), id: -1 }), "{found:?}");
        assert!(found.contains(&Problem::ItemInserted { seq: 0 }), "{found:?}");
        assert_eq!(found.len(), 3, "{found:?}");
        // The next start puts the checks back.
        k.store.raw().migrate().await.unwrap();
        let refused = t.exec(&copy(-2)).await.expect_err("the check is back");
        assert!(refused.to_string().contains("positive"), "{refused}");
    }
}

/// A byte string as a literal of the database's SQL.
fn blob(db: &TestDb, bytes: &[u8]) -> String {
    match db.kind {
        Kind::Sqlite => format!("X'{}'", hex::encode(bytes)),
        Kind::Postgres => format!("decode('{}', 'hex')", hex::encode(bytes)),
    }
}

/// What an intruder with the database but not the node's key does to hide a change: the
/// row changed, the journal's chain computed again from its item on, the head moved.
async fn rewrite_with_chain(db: &TestDb, store: &Store, table: &str, id: i64, change: &str) {
    let mut t = Tamperer::connect(db).await;
    t.exec(&format!("UPDATE {table} SET {change} WHERE id = {id}")).await.unwrap();
    let row = store.raw().rows_page(table, id - 1, 1).await.unwrap().pop().unwrap();
    let mut prev = opcina_core::journal::GENESIS;
    for stored in store.raw().journal_page(0, 1_000_000).await.unwrap() {
        let mut item = stored.to_item(prev);
        if stored.table_name == table && stored.row_id == id {
            item.row_hash = Some(row.hash());
        }
        let hash = item.computed_hash();
        if hash.as_slice() != stored.hash.as_slice() {
            let row_hash = item.row_hash.map_or("NULL".to_string(), |h| blob(db, &h));
            t.exec(&format!("UPDATE journal SET row_hash = {row_hash}, hash = {} WHERE seq = {}", blob(db, &hash), stored.seq))
                .await
                .unwrap();
        }
        prev = hash;
    }
    t.exec(&format!("UPDATE journal_head SET hash = {} WHERE id = 1", blob(db, &prev))).await.unwrap();
}

/// Cuts the journal's end off after position `keep`, with the rows its items appended, and
/// moves the head back: what an intruder does to remove the latest records.
async fn cut_journal(db: &TestDb, store: &Store, keep: i64) {
    let mut t = Tamperer::connect(db).await;
    let items = store.raw().journal_page(keep - 1, 1_000_000).await.unwrap();
    for stored in items.iter().skip(1).rev() {
        t.exec(&format!("DELETE FROM {} WHERE id = {}", stored.table_name, stored.row_id)).await.unwrap();
    }
    t.exec(&format!("DELETE FROM journal WHERE seq > {keep}")).await.unwrap();
    t.exec(&format!("UPDATE journal_head SET seq = {keep}, hash = {} WHERE id = 1", blob(db, &items[0].hash))).await.unwrap();
}

fn sealer() -> (opcina_store::extracts::Sealer, ed25519_dalek::VerifyingKey) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let public = key.verifying_key();
    (opcina_store::extracts::Sealer::new(key), public)
}

backend_test! {
    async fn a_rewritten_journal_and_a_cut_one_pass_the_chain_but_not_the_checkpoints(db: TestDb) {
        let k = populated(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let (sealer, public) = sealer();
        let first = s.checkpoint(&k.admin, &sealer).await.unwrap();
        assert_eq!(s.checkpoint(&k.admin, &sealer).await.unwrap(), first, "nothing new: the last checkpoint stands");
        born(s, r, "Lejla", "Hodžić", Sex::Female, date(2001, 6, 6)).await;
        born(s, r, "Haris", "Hodžić", Sex::Male, date(2002, 7, 7)).await;
        let second = s.checkpoint(&k.admin, &sealer).await.unwrap();
        assert!(second.seq > first.seq);
        // What the peers keep: the latest checkpoint, signed.
        let (witnessed, forged) = s.own_anchors(&[public]).await.unwrap();
        assert!(forged.is_empty());
        assert_eq!(witnessed.len(), 3, "populated() made one too");
        let report = opcina_store::verify::verify_anchored(s.raw(), &witnessed, &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);

        // The last two births cut off, with the second checkpoint: the chain holds, and so
        // does every checkpoint left in the database.
        cut_journal(&db, s, first.id).await;
        assert!(problems(s).await.is_empty());
        let (local, _) = s.own_anchors(&[public]).await.unwrap();
        assert_eq!(local.len(), 2);
        assert!(opcina_store::verify::verify_anchored(s.raw(), &local, &|_| {}).await.unwrap().ok());
        // The witnesses' checkpoint names the cut.
        let found = opcina_store::verify::verify_anchored(s.raw(), &witnessed, &|_| {}).await.unwrap().problems;
        assert_eq!(
            found,
            vec![Problem::AnchorBeyondEnd { seq: second.seq, last: first.id, source: format!("checkpoint {}", second.id) }],
        );
        assert!(found[0].to_string().contains("cut off"), "{}", found[0]);

        // An entry changed and the chain computed again: the chain holds, the checkpoint
        // signed before the change does not.
        let entry = first_id(&db, "entries").await;
        rewrite_with_chain(&db, s, "entries", entry, "data = replace(data, 'Emir', 'Amir')").await;
        assert!(problems(s).await.is_empty(), "a recomputed chain passes the chain's own check");
        let (local, _) = s.own_anchors(&[public]).await.unwrap();
        let found = opcina_store::verify::verify_anchored(s.raw(), &local, &|_| {}).await.unwrap().problems;
        let signed_after: Vec<Problem> = local
            .iter()
            .rev()
            .map(|a| Problem::AnchorMismatch { seq: a.seq, source: a.source.clone() })
            .collect();
        assert_eq!(found, signed_after, "every checkpoint signed after the changed entry");
        assert!(found.contains(&Problem::AnchorMismatch { seq: first.seq, source: format!("checkpoint {}", first.id) }));

        // Re-signing needs the key, which is not in the database: a checkpoint signed with
        // another key is named as forged.
        let forger = opcina_store::extracts::Sealer::new(ed25519_dalek::SigningKey::from_bytes(&[8; 32]));
        born(s, r, "Dino", "Hodžić", Sex::Male, date(2003, 8, 8)).await;
        s.checkpoint(&k.admin, &forger).await.unwrap();
        let (_, forged) = s.own_anchors(&[public]).await.unwrap();
        assert_eq!(forged.len(), 1);
    }
}

backend_test! {
    async fn a_witness_keeps_a_peer_s_checkpoints_and_names_one_that_goes_back_or_forks(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let s = &k.store;
        let peer = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
        let at = |seq: i64, h: u8| opcina_core::checkpoint::Checkpoint {
            node: "KSU".into(),
            seq,
            hash: [h; 32],
            at: 1,
            messages_id: 0,
            messages_hash: [0; 32],
        };
        let actor = opcina_core::registry::Actor::system("federation");
        let send = |c: opcina_core::checkpoint::Checkpoint, key: &ed25519_dalek::SigningKey| {
            let signature = c.sign(key);
            let (public, actor) = (peer.verifying_key(), actor.clone());
            async move { s.witness(&actor, "KSU", &c.statement(), &signature, "ksu-key", public).await.unwrap() }
        };
        use opcina_core::checkpoint::{CheckpointError, Sequel};
        assert_eq!(send(at(100, 1), &peer).await.unwrap().sequel, Sequel::Forward);
        assert_eq!(send(at(100, 1), &peer).await.unwrap().sequel, Sequel::Same);
        assert_eq!(send(at(150, 2), &peer).await.unwrap().sequel, Sequel::Forward);
        assert_eq!(send(at(120, 3), &peer).await.unwrap().sequel, Sequel::Backward);
        // Put back to an older copy, the peer's next checkpoints are still behind the one kept.
        assert_eq!(send(at(130, 4), &peer).await.unwrap().sequel, Sequel::Backward);
        assert_eq!(send(at(150, 5), &peer).await.unwrap().sequel, Sequel::Fork);
        let other = ed25519_dalek::SigningKey::from_bytes(&[6; 32]);
        assert_eq!(send(at(200, 6), &other).await.unwrap_err(), CheckpointError::Forged);
        // What the witness answers is the furthest it was given, as first given.
        let held = s.witnessed("KSU").await.unwrap().unwrap();
        assert_eq!((held.seq, held.sequel.as_str()), (150, "forward"));
        assert!(held.statement.contains(&format!("hash {}", hex::encode([2u8; 32]))));
        let report = verify(s.raw(), &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
    }
}

backend_test! {
    async fn a_message_log_cut_at_its_end_or_padded_with_a_chained_fake_is_named(db: TestDb) {
        use opcina_store::federation::{ChainProblem, verify_chain};
        let k = Kakanj::set_up(&db).await;
        let s = &k.store;
        let actor = opcina_core::registry::Actor::system("federation");
        let mut logged = Vec::new();
        for nonce in ["n1", "n2", "n3"] {
            let exchange =
                MessageRow { direction: "out".into(), peer: "ZEN".into(), service: "locate".into(), nonce: nonce.into(), ..MessageRow::default() };
            logged.push(s.log_exchange(&actor, exchange, Vec::new()).await.unwrap());
        }
        let (sealer, public) = sealer();
        s.checkpoint(&k.admin, &sealer).await.unwrap();
        let (checkpoints, _) = s.own_checkpoints(&[public]).await.unwrap();
        assert_eq!(checkpoints[0].0.messages_id, logged[2].id);
        assert!(verify_chain(s, &checkpoints).await.unwrap().problems.is_empty());

        // A fake message appended after the last, chained correctly.
        let mut fake = logged[2].clone();
        fake.id = 900_000;
        fake.nonce = "fake".into();
        fake.prev_hash = logged[2].hash.clone();
        fake.hash = fake.chain_hash().to_vec();
        let mut t = Tamperer::connect(&db).await;
        t.exec(&format!(
            "INSERT INTO federation_messages (id, at, direction, peer, service, nonce, case_number, status, outcome, request_signature, \
             request_digest, response_signature, response_digest, prev_hash, hash) VALUES ({}, {}, 'out', 'ZEN', 'locate', 'fake', NULL, 0, '', '', '', NULL, NULL, {}, {})",
            fake.id,
            fake.at,
            blob(&db, &fake.prev_hash),
            blob(&db, &fake.hash)
        ))
        .await
        .unwrap();
        let problems = verify_chain(s, &checkpoints).await.unwrap().problems;
        assert!(matches!(problems.as_slice(), [ChainProblem::Unjournaled { id: 900_000, .. }]), "{problems:?}");

        // The fake gone, and the last real message too: the chain holds, the checkpoint
        // and the journal do not.
        t.exec("DELETE FROM federation_messages WHERE id = 900000").await.unwrap();
        t.exec(&format!("DELETE FROM federation_messages WHERE id = {}", logged[2].id)).await.unwrap();
        let problems = verify_chain(s, &checkpoints).await.unwrap().problems;
        let source = checkpoints[0].1.clone();
        assert_eq!(problems[0], ChainProblem::CheckpointedMissing { id: logged[2].id, source });
        assert!(matches!(problems[1], ChainProblem::Unjournaled { id, .. } if id == logged[2].id), "{problems:?}");
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}

/// The same on a real disk: a tmpfs of a few megabytes filled to the last byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_really_full_disk_refuses_writes_clearly_and_they_resume_once_space_is_freed() {
    let Some(disk) = opcina_testkit::disk::SmallDisk::mount(8) else { return };
    let db = TestDb::sqlite_in(disk.path());
    let k = Kakanj::set_up(&db).await;
    let (s, r) = (&k.store, &k.registrar);
    let first = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
    assert!(disk.fill() > 0);
    let (error, mut kept) = register_until_refused(&k, 0).await;
    assert_eq!(error.code(), "storage.full", "{error}");
    // Still full: refused again, the same way.
    let (again, more) = register_until_refused(&k, 5000).await;
    assert_eq!(again.code(), "storage.full", "{again}");
    kept.extend(more);
    assert!(s.probe_storage().await.is_some(), "the probe finds the disk still full");

    disk.free();
    assert!(s.probe_storage().await.is_none(), "{:?}", s.storage_problem());
    kept.push(born(s, r, "Amra", "Pašić", Sex::Female, date(1993, 1, 1)).await);
    for jmbg in std::iter::once(&first).chain(&kept) {
        assert!(!s.raw().reads().person_records(jmbg).await.unwrap().entries.is_empty(), "{jmbg} lost");
    }
    let report = verify(s.raw(), &|_| {}).await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    s.close().await;
}
