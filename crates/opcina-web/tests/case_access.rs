//! Who may read or work on a case, on SQLite and PostgreSQL: every role and unit against
//! every route into a case — its file, export, files and their list, later records, new
//! files, a new access code (JSON API and pages), the work list, the protocol book and the
//! search of the files. The expected answer of each cell is written out here from the rule
//! (shared/DOMAIN.md §5, `opcina_core::docflow::access`), not computed by it; a refused
//! request changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use opcina_core::registry::{Actor, Role};
use opcina_search::PersonIndex;
use opcina_store::admin::UserSpec;
use opcina_testkit::{Kakanj, TestDb, backend_test};
use opcina_web::{AppState, app};
use serde_json::{Value, json};
use support::visitor::Visitor;

const PASSWORD: &str = "tačna-lozinka-1";

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Clerk,
    Registrar,
    Auditor,
    Admin,
    /// An official of unit 01/1 (general administration).
    Amra,
    /// An official of unit 04 (spatial planning).
    Selma,
    /// An official placed in no unit.
    Nedim,
}

const EVERYONE: [Who; 7] = [Who::Clerk, Who::Registrar, Who::Auditor, Who::Admin, Who::Amra, Who::Selma, Who::Nedim];

fn username(who: Who) -> &'static str {
    match who {
        Who::Clerk => "salter",
        Who::Registrar => "maticar",
        Who::Auditor => "revizor",
        Who::Admin => "admin",
        Who::Amra => "amra",
        Who::Selma => "selma",
        Who::Nedim => "nedim",
    }
}

/// The rule, cell by cell: may `who` read (or, with `work`, work on) a case that `unit`
/// answers for?
fn allowed(who: Who, unit: &str, work: bool) -> bool {
    match who {
        Who::Clerk | Who::Registrar => true,
        Who::Auditor => !work,
        Who::Admin | Who::Nedim => false,
        Who::Amra => unit == "01/1",
        Who::Selma => unit == "04",
    }
}

/// The refusal's code for a request the rule refuses (`None`: refused by role before the
/// case is looked at, any 403 code).
fn refusal(who: Who, work: bool) -> Option<&'static str> {
    match who {
        Who::Amra | Who::Selma => Some("docflow.case.other_unit"),
        Who::Nedim => Some("docflow.unit.unplaced"),
        Who::Auditor if work => Some("docflow.case.read_only"),
        _ => None,
    }
}

/// A case of the matrix: its id, the unit answerable for it, and one of its files.
struct Case {
    id: i64,
    unit: &'static str,
    file: i64,
    /// A word only this case's file contains.
    word: &'static str,
}

struct Node {
    router: Router,
    store: opcina_store::Store,
    documents: Arc<opcina_search::documents::DocumentIndex>,
    tokens: Vec<(Who, String)>,
}

impl Node {
    async fn start(db: &TestDb) -> Node {
        let k = Kakanj::set_up(db).await;
        opcina_testkit::docflow::set_up(&k).await;
        let spec =
            UserSpec { username: "nedim".into(), full_name: "Nedim (službenik)".into(), role: Role::Official, office: Some("KAK".into()) };
        k.store.add_user(&k.admin, &spec).await.unwrap();
        let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
        let documents = Arc::new(opcina_search::documents::DocumentIndex::in_memory(15_000_000).unwrap());
        let system = Actor::system("test");
        let mut tokens = Vec::new();
        for who in EVERYONE {
            tokens.push((who, k.store.create_token(&system, username(who), "test").await.unwrap()));
        }
        Node {
            router: app(AppState::new(k.store.clone(), index).with_documents(Arc::clone(&documents))),
            store: k.store.clone(),
            documents,
            tokens,
        }
    }

    fn token(&self, who: Who) -> &str {
        &self.tokens.iter().find(|(w, _)| *w == who).unwrap().1
    }

    async fn call(&self, who: Who, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        support::http::call(&self.router, method, path, Some(self.token(who)), body).await
    }

    async fn upload(&self, who: Who, id: i64, name: &str, text: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/cases/{id}/attachments?name={name}");
        let (status, _, body) =
            support::http::raw(&self.router, "POST", &path, Some(self.token(who)), Some(("text/plain", text.as_bytes().to_vec()))).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Opens a case of `kind` at the counter, hands it to `unit` (unless `None`) and adds a
    /// file naming `word`.
    async fn case(&self, kind: &str, to: Option<&'static str>, unit: &'static str, word: &'static str) -> Case {
        let today = self.store.today().to_string();
        let intake = json!({
            "case_type": kind, "channel": "counter", "subject": "Zahtjev", "received_on": today,
            "party": { "name": "Amela Hodžić", "address": "Alije Izetbegovića 12, 72240 Kakanj", "jmbg": "0101990190004" }
        });
        let (status, opened) = self.call(Who::Clerk, "POST", "/api/v1/cases", Some(intake)).await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        let id = opened["case"]["id"].as_i64().unwrap();
        if let Some(to) = to {
            let (status, body) = self
                .call(Who::Clerk, "POST", &format!("/api/v1/cases/{id}/steps"), Some(json!({ "action": "hand_over", "unit": to })))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (status, file) = self.upload(Who::Clerk, id, "izjava.txt", &format!("Izjava o prihodima {word}")).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        Case { id, unit, file: file["id"].as_i64().unwrap(), word }
    }
}

fn expect(who: Who, case: &Case, work: bool, route: &str, (status, body): (StatusCode, Value), ok: StatusCode) {
    if allowed(who, case.unit, work) {
        assert_eq!(status, ok, "{who:?} {route} on a case of {}: {body}", case.unit);
    } else {
        assert_eq!(status, StatusCode::FORBIDDEN, "{who:?} {route} on a case of {}: {body}", case.unit);
        if let Some(code) = refusal(who, work) {
            assert_eq!(body["error"]["code"].as_str(), Some(code), "{who:?} {route}: {body}");
        }
    }
}

backend_test! {
    async fn every_role_and_unit_reaches_a_case_by_every_route_as_the_rule_says(db: TestDb) {
        let node = Node::start(&db).await;
        let cases = [
            // Assistance, with general administration.
            node.case("pomoc", Some("01/1"), "01/1", "Akvarel").await,
            // An urban-planning consent, with spatial planning.
            node.case("urbanisticka", Some("04"), "04", "Brazda").await,
            // Assistance (general administration's kind) handed to spatial planning: it goes
            // with the unit holding it.
            node.case("pomoc", Some("04"), "04", "Cvjetnica").await,
            // Registered, not yet handed over: the unit of its kind answers for it.
            node.case("urbanisticka", None, "04", "Dobrava").await,
        ];
        let today = node.store.today().to_string();
        for case in &cases {
            let id = case.id;
            for who in EVERYONE {
                // Reads.
                for route in [format!("/api/v1/cases/{id}"), format!("/api/v1/cases/{id}/attachments"), format!("/api/v1/attachments/{}", case.file)] {
                    expect(who, case, false, &route, node.call(who, "GET", &route, None).await, StatusCode::OK);
                }
                let route = format!("/api/v1/cases/{id}/export");
                let (status, _, bytes) = support::http::raw(&node.router, "GET", &route, Some(node.token(who)), None).await;
                expect(who, case, false, &route, (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)), StatusCode::OK);
                // Work: allowed, each once; refused, nothing is written.
                let head = node.store.journal_head().await.unwrap();
                let filing = json!({ "direction": "in", "channel": "post", "correspondent": "Amela Hodžić", "subject": "Dopuna", "received_on": today });
                let route = format!("/api/v1/cases/{id}/records");
                expect(who, case, true, &route, node.call(who, "POST", &route, Some(filing)).await, StatusCode::CREATED);
                expect(who, case, true, "attachments", node.upload(who, id, "dopuna.txt", "Dopuna").await, StatusCode::CREATED);
                let route = format!("/api/v1/cases/{id}/access-code");
                expect(who, case, true, &route, node.call(who, "POST", &route, Some(json!({}))).await, StatusCode::CREATED);
                if !allowed(who, case.unit, true) {
                    assert_eq!(node.store.journal_head().await.unwrap(), head, "{who:?}'s refused work on a case of {} wrote nothing", case.unit);
                }
            }
        }

        // The search of the files finds what the searcher may read, and only that.
        opcina_search::documents::catch_up(&node.documents, &node.store).await.unwrap();
        for who in EVERYONE {
            for case in &cases {
                let (status, found) = node.call(who, "GET", &format!("/api/v1/documents/search?q={}", case.word), None).await;
                match (allowed(who, case.unit, false), who) {
                    (true, _) => assert_eq!((status, found["items"][0]["case_id"].as_i64()), (StatusCode::OK, Some(case.id)), "{who:?} finds {}: {found}", case.word),
                    (false, Who::Amra | Who::Selma) => assert_eq!((status, &found["items"]), (StatusCode::OK, &json!([])), "{who:?} finds nothing of {}", case.word),
                    (false, _) => assert_eq!(status, StatusCode::FORBIDDEN, "{who:?} searches: {found}"),
                }
            }
        }

        // The work list: an official's is their unit's; another unit's is refused.
        let listed = |body: &Value| {
            let mut ids = body["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>();
            ids.sort_unstable();
            ids
        };
        let (status, all) = node.call(Who::Clerk, "GET", "/api/v1/cases?view=pending", None).await;
        assert_eq!((status, listed(&all).len()), (StatusCode::OK, 4), "{all}");
        let (status, mine) = node.call(Who::Amra, "GET", "/api/v1/cases?view=pending", None).await;
        assert_eq!((status, listed(&mine)), (StatusCode::OK, vec![cases[0].id]), "{mine}");
        let (status, theirs) = node.call(Who::Selma, "GET", "/api/v1/cases?view=pending", None).await;
        assert_eq!((status, listed(&theirs)), (StatusCode::OK, vec![cases[1].id, cases[2].id]), "{theirs}");
        let (status, body) = node.call(Who::Amra, "GET", "/api/v1/cases?view=pending&unit=04", None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("docflow.case.other_unit")), "{body}");
        let (status, body) = node.call(Who::Nedim, "GET", "/api/v1/cases?view=pending", None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("docflow.unit.unplaced")), "{body}");
        assert_eq!(node.call(Who::Auditor, "GET", "/api/v1/cases?view=pending", None).await.0, StatusCode::OK);

        // The protocol books: an official reads their unit's.
        let year = node.store.today().format("%Y").to_string();
        let book = |unit: &str| format!("/api/v1/protocol/records?book=up_i&unit={}&year={year}", unit.replace('/', "%2F"));
        for who in EVERYONE {
            for unit in ["01/1", "04"] {
                let (status, body) = node.call(who, "GET", &book(unit), None).await;
                let may = match who {
                    Who::Clerk | Who::Registrar | Who::Auditor => true,
                    Who::Amra => unit == "01/1",
                    Who::Selma => unit == "04",
                    Who::Admin | Who::Nedim => false,
                };
                assert_eq!(status, if may { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{who:?} reads the book of {unit}: {body}");
            }
        }
        // Issue 16: the auditor's reads of the lists and books were not logged. Each names the
        // party (everyone's reads are: `reads_logged.rs`).
        let (_, log) = node.call(Who::Auditor, "GET", "/api/v1/persons/0101990190004/access-log", None).await;
        for action in ["case.list", "protocol.list", "case.view", "case.export", "case.files", "case.file.read"] {
            let logged = log["items"].as_array().unwrap().iter().any(|r| r["username"] == "revizor" && r["action"] == action);
            assert!(logged, "the auditor's {action} is logged: {log}");
        }
    }
}

backend_test! {
    async fn the_pages_of_a_case_follow_the_same_rule(db: TestDb) {
        let node = Node::start(&db).await;
        let ours = node.case("pomoc", Some("01/1"), "01/1", "Akvarel").await;
        let theirs = node.case("urbanisticka", Some("04"), "04", "Brazda").await;
        let admin = Actor { username: "admin".into(), role: Role::Admin, office: None };
        for who in [Who::Amra, Who::Auditor, Who::Clerk] {
            node.store.set_password(&admin, username(who), PASSWORD).await.unwrap();
        }
        for who in [Who::Amra, Who::Auditor, Who::Clerk] {
            let mut v = Visitor::new(&node.router);
            assert_eq!(v.sign_in(username(who), PASSWORD).await.status, StatusCode::SEE_OTHER);
            for case in [&ours, &theirs] {
                let id = case.id;
                for route in [format!("/cases/{id}"), format!("/cases/{id}/files/{}", case.file), format!("/cases/{id}/export.zip")] {
                    let page = v.get(&route).await;
                    let expected = if allowed(who, case.unit, false) { StatusCode::OK } else { StatusCode::FORBIDDEN };
                    assert_eq!(page.status, expected, "{who:?} {route}");
                }
                // The forms of work show only to those who may work on the case.
                let page = v.get(&format!("/cases/{id}")).await;
                if page.status == StatusCode::OK {
                    let forms = page.body.contains(&format!("action=\"/cases/{id}/records\"")) && page.body.contains(&format!("action=\"/cases/{id}/receipt\""));
                    assert_eq!(forms, allowed(who, case.unit, true), "{who:?} sees the forms of work on a case of {}", case.unit);
                }
                let before = node.store.journal_head().await.unwrap();
                let r = v.post(&format!("/cases/{id}/receipt"), &[]).await;
                if allowed(who, case.unit, true) {
                    assert_eq!(r.status, StatusCode::SEE_OTHER, "{who:?} gives a new access code");
                } else {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{who:?} may not give a new access code: {}", r.body);
                    assert_eq!(node.store.journal_head().await.unwrap(), before);
                }
            }
        }
    }
}
