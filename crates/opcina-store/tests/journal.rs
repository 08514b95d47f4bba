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
        // step: a case, an entry of the archive book, a disposal proposal.
        let items = k.store.raw().journal_page(0, 10_000).await.unwrap();
        let mut rewrites = Vec::new();
        for table in ["cases", "archive_entries", "disposals"] {
            let written = items.iter().filter(|i| i.table_name == table).count() as i64;
            let rows = k.store.raw().rows_page(table, 0, 100).await.unwrap().len() as i64;
            rewrites.push(written - rows);
        }
        assert_eq!(report.rows, report.items - rewrites.iter().sum::<i64>());
        assert_eq!(rewrites, [11, 2, 2], "two cases: ten steps and the archiving; the entry proposed and destroyed; the proposal approved and done");
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
