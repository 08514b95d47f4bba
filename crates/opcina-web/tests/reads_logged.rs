//! Every read of personal data is logged: a walk over every GET route of the router, on
//! SQLite and PostgreSQL, on a node holding people, their documents (issued and refused), an
//! order, a case with a file, a verified citizen's account and a queued notice. For each
//! answer, everyone whose JMBG or (distinctive) surname it shows must have a new line in the
//! access log, and every document (PDF, ZIP) about a person must log that person. A GET route
//! that the walk does not list fails the test, so a new page or endpoint cannot be added
//! without saying what it shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use opcina_core::Jmbg;
use opcina_core::extract::{ExtractKind, Relation};
use opcina_core::registry::{Actor, Sex};
use opcina_search::PersonIndex;
use opcina_store::docflow::{DocDone, DocOp, Intake, Party, Upload};
use opcina_store::extracts::Outcome;
use opcina_store::sql::prelude::*;
use opcina_testkit::extracts::{outcome, request};
use opcina_testkit::{Kakanj, backend_test, date};
use opcina_web::{AppState, app};
use support::visitor::Visitor;

const PASSWORD: &str = "tačna-lozinka-1";

/// Who makes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Clerk,
    Registrar,
    Auditor,
    Official,
    Admin,
    Citizen,
}

/// The username a reader signs in with.
fn username(who: Who) -> Option<&'static str> {
    match who {
        Who::Clerk => Some("salter"),
        Who::Registrar => Some("maticar"),
        Who::Auditor => Some("revizor"),
        Who::Official => Some("amra"),
        Who::Admin => Some("admin"),
        Who::Anonymous | Who::Citizen => None,
    }
}

/// A request of the walk: who asks, what, the status expected (`None`: any), whom the
/// answer must show (so that the walk is not vacuous), and whom it is about without
/// necessarily naming them (a PDF or ZIP, a list of a person's documents): their read is
/// checked without looking for their name.
struct Visit {
    who: Who,
    url: String,
    status: Option<StatusCode>,
    shows: Vec<usize>,
    about: Vec<usize>,
    /// People whose JMBG the request itself carries and the answer only repeats (a form
    /// filled in with it): nothing of theirs is read.
    echoes: Vec<usize>,
}

fn visit(who: Who, url: impl Into<String>) -> Visit {
    Visit { who, url: url.into(), status: Some(StatusCode::OK), shows: Vec::new(), about: Vec::new(), echoes: Vec::new() }
}

impl Visit {
    fn shows(mut self, people: &[usize]) -> Visit {
        self.shows = people.to_vec();
        self
    }
    fn about(mut self, people: &[usize]) -> Visit {
        self.about = people.to_vec();
        self
    }
    fn echoes(mut self, people: &[usize]) -> Visit {
        self.echoes = people.to_vec();
        self
    }
    fn status(mut self, status: Option<StatusCode>) -> Visit {
        self.status = status;
        self
    }
}

/// A person whose data the walk watches for.
struct Watched {
    jmbg: String,
    /// A surname no other text of the node contains; `None` for a person known here only by
    /// JMBG.
    surname: Option<&'static str>,
}

/// The GET routes of the router, from its source (the two files that declare routes).
fn get_routes() -> Vec<String> {
    let mut out = Vec::new();
    for source in [include_str!("../src/lib.rs"), include_str!("../src/ui/mod.rs")] {
        for part in source.split(".route(").skip(1) {
            let Some(path) = part.trim_start().strip_prefix('"').and_then(|p| p.split('"').next()) else { continue };
            if part.split(".route(").next().unwrap_or_default().contains("get(") {
                out.push(path.to_string());
            }
        }
    }
    out
}

async fn signed_in(router: &Router, username: &str) -> Visitor {
    let mut v = Visitor::new(router);
    let r = v.sign_in(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{username} signs in: {}", r.body);
    v
}

async fn reads_of(k: &Kakanj, jmbg: &str) -> usize {
    k.store.raw().reads().access_log(jmbg, None, 100_000).await.unwrap().len()
}

backend_test! {
    async fn every_route_that_shows_a_person_logs_the_read(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        opcina_testkit::docflow::set_up(&k).await;
        for user in ["maticar", "salter", "revizor", "admin", "amra"] {
            k.store.set_password(&k.admin, user, PASSWORD).await.unwrap();
        }
        let s = &k.store;
        let reg = |given: &'static str, surname: &'static str, sex: Sex, born: chrono::NaiveDate| {
            let (s, r) = (s.clone(), k.registrar.clone());
            async move {
                let applied = opcina_testkit::commands::ok(&s, &r, opcina_testkit::commands::birth(given, surname, sex, born)).await;
                let entry = applied.entry.unwrap();
                (entry.content.subject().clone(), entry.id)
            }
        };
        // The people: Lejla (documents, order, case, account), Kenan (refused as a requester),
        // Dženana (only registered), and a person of another member known here only by the
        // notice about them.
        let (lejla, lejla_entry) = reg("Lejla", "Zukorlić", Sex::Female, date(1990, 3, 5)).await;
        let (kenan, _) = reg("Kenan", "Mehmedbašić", Sex::Male, date(1985, 7, 7)).await;
        let (dzenana, _) = reg("Dženana", "Ćatićević", Sex::Female, date(1970, 1, 9)).await;
        let elsewhere = (300..400).find_map(|n| Jmbg::compose(date(1971, 4, 4), 17, n, opcina_core::CheckMode::Strict)).unwrap();
        let people = [
            Watched { jmbg: lejla.to_string(), surname: Some("Zukorlić") },
            Watched { jmbg: kenan.to_string(), surname: Some("Mehmedbašić") },
            Watched { jmbg: dzenana.to_string(), surname: Some("Ćatićević") },
            Watched { jmbg: elsewhere.to_string(), surname: None },
        ];
        const LEJLA: usize = 0;
        const KENAN: usize = 1;
        const DZENANA: usize = 2;
        const ELSEWHERE: usize = 3;

        // Her birth extract, issued to her; one refused to Kenan, a stranger to her.
        let sealer = opcina_testkit::extracts::seal(s).await;
        let Outcome::Issued(issued) = outcome(s, &k.clerk, request(ExtractKind::Birth, &lejla, &lejla, Relation::Myself), &sealer).await else {
            panic!("her own extract was refused")
        };
        let Outcome::Refused(refused) = outcome(s, &k.clerk, request(ExtractKind::Birth, &lejla, &kenan, Relation::Other), &sealer).await else {
            panic!("issued to a stranger")
        };
        let issued_number = issued.content.issue.number.clone();
        let verify = opcina_core::extract::seal::verify_url("", &issued_number, &issued.seal);
        // An order from the portal.
        let fields = opcina_core::extract::form::RequestFields {
            kind: "birth".into(),
            subject_jmbg: lejla.to_string(),
            language: "bs".into(),
            script: "latin".into(),
            requester_name: "Lejla Zukorlić".into(),
            requester_jmbg: lejla.to_string(),
            relation: "self".into(),
            purpose: "penzija".into(),
            ..Default::default()
        };
        let spec = opcina_store::orders::OrderSpec {
            request: fields,
            subject_name: "Lejla Zukorlić".into(),
            delivery: "post".into(),
            office: "KAK".into(),
            address: "Alije Izetbegovića 1, 72240 Kakanj".into(),
            ..Default::default()
        };
        let order = s.place_order(&spec).await.unwrap().unwrap();
        // Her case, with a statement she brought, named as such files are.
        let intake = Intake {
            case_type: "pomoc".into(),
            channel: "counter".into(),
            party: Party {
                name: "Lejla Zukorlić".into(),
                jmbg: Some(lejla.to_string()),
                address: "Alije Izetbegovića 1, 72240 Kakanj".into(),
                contact: None,
            },
            subject: "Zahtjev za jednokratnu pomoć".into(),
            received_on: s.today(),
            appeal_of: None,
        };
        // Her request for information, brought to the counter.
        let information = Intake {
            case_type: opcina_core::publicinfo::information::CASE_TYPE.into(),
            subject: "Zahtjev za pristup informaciji: budžet 2026.".into(),
            ..intake.clone()
        };
        let information = match s.docflow(&k.clerk, DocOp::Open(Box::new(information))).await.unwrap() {
            Ok(DocDone::Opened { case, .. }) => case.id,
            other => panic!("not opened: {other:?}"),
        };
        let (case, code) = match s.docflow(&k.clerk, DocOp::Open(Box::new(intake))).await.unwrap() {
            Ok(DocDone::Opened { case, access_code, .. }) => (*case, access_code),
            other => panic!("not opened: {other:?}"),
        };
        let upload = Upload { name: "izjava-Zukorlić.txt".into(), record: None, replaces: None };
        let statement = "Izjava o prihodima domaćinstva Zukorlić".as_bytes().to_vec();
        let (_, file) = s.attach(&k.clerk, case.id, upload, "text/plain", statement.into()).await.unwrap().unwrap();
        let record = s.raw().reads().case_records(case.id).await.unwrap().remove(0);
        // Her account on the portal, verified at the counter.
        let account = s.open_account("lejla@example.test", "Lejla Zukorlić", PASSWORD).await.unwrap().unwrap();
        s.verify_account(&k.clerk, account.id, lejla.as_str(), "lična karta 1E2345678").await.unwrap().unwrap();
        // A notice from another member about a person with no entry here: queued.
        let notice = opcina_store::federation::IncomingNotice {
            notice_id: "SCE:1".into(),
            member: "SCE".into(),
            subject: elsewhere.clone(),
            annotation: opcina_core::registry::annotation::Annotation {
                content: opcina_core::registry::annotation::AnnotationContent::NameChange { given_name: None, surname: Some("Begović".into()) },
                legal_basis: opcina_testkit::commands::decision(date(2025, 1, 1)),
                effective_date: date(2025, 1, 1),
                note: None,
            },
        };
        assert_eq!(s.apply_notice(notice).await.unwrap().status, "queued");

        // The node, its indexes caught up.
        let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
        opcina_search::indexer::catch_up(&index, s.raw()).await.unwrap();
        opcina_search::indexer::commit(&index).await.unwrap();
        let documents = Arc::new(opcina_search::documents::DocumentIndex::in_memory(15_000_000).unwrap());
        opcina_search::documents::catch_up(&documents, s).await.unwrap();
        let state = AppState::new(s.clone(), index).with_sealer(sealer, "https://kakanj.opcina.test").with_documents(documents);
        let router = app(state);
        let system = Actor::system("test");
        let mut tokens = BTreeMap::new();
        let staff = [Who::Clerk, Who::Registrar, Who::Auditor, Who::Official, Who::Admin];
        for who in staff {
            tokens.insert(who, s.create_token(&system, username(who).unwrap(), "walk").await.unwrap());
        }
        let mut visitors = BTreeMap::new();
        visitors.insert(Who::Anonymous, Visitor::new(&router));
        for who in staff {
            visitors.insert(who, signed_in(&router, username(who).unwrap()).await);
        }
        let mut citizen = Visitor::new(&router);
        citizen.get("/account/sign-in").await;
        let r = citizen.post("/account/sign-in", &[("email", "lejla@example.test"), ("password", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "the citizen signs in: {}", r.body);
        visitors.insert(Who::Citizen, citizen);

        let q = |pairs: &[(&str, &str)]| serde_urlencoded::to_string(pairs).unwrap();
        let (l, id, n, refusal) = (lejla.as_str(), case.id, issued_number.id(), refused.number.id());
        let purpose = q(&[("purpose", "provjera podataka, čl. 64")]);
        let track = q(&[("number", case.number.as_str()), ("code", code.as_str())]);
        let book = q(&[("book", record.book.as_str()), ("unit", record.unit_code.as_str()), ("year", &record.year.to_string())]);
        let mut walk: BTreeMap<&str, Vec<Visit>> = BTreeMap::new();
        let mut exempt: BTreeMap<&str, &str> = BTreeMap::new();
        let mut add = |route: &'static str, visits: Vec<Visit>| assert!(walk.insert(route, visits).is_none(), "{route} twice");
        add("/healthz", vec![visit(Who::Anonymous, "/healthz")]);
        add("/api/openapi.json", vec![visit(Who::Anonymous, "/api/openapi.json")]);
        add("/api/v1/offices", vec![visit(Who::Clerk, "/api/v1/offices")]);
        add("/api/v1/protocol/config", vec![visit(Who::Clerk, "/api/v1/protocol/config")]);
        add("/api/v1/protocol/records", vec![visit(Who::Auditor, format!("/api/v1/protocol/records?{book}")).shows(&[LEJLA])]);
        add("/api/v1/cases", vec![visit(Who::Clerk, "/api/v1/cases").shows(&[LEJLA])]);
        add("/api/v1/cases/track", vec![visit(Who::Anonymous, format!("/api/v1/cases/track?{track}"))]);
        add("/api/v1/cases/on-time", vec![visit(Who::Auditor, "/api/v1/cases/on-time?from=2000-01-01&to=2100-01-01")]);
        add("/api/v1/cases/{id}", vec![visit(Who::Clerk, format!("/api/v1/cases/{id}")).shows(&[LEJLA])]);
        add("/api/v1/cases/{id}/attachments", vec![visit(Who::Clerk, format!("/api/v1/cases/{id}/attachments")).shows(&[LEJLA])]);
        add("/api/v1/attachments/{id}", vec![visit(Who::Clerk, format!("/api/v1/attachments/{}", file.id)).shows(&[LEJLA])]);
        add("/api/v1/documents/search", vec![visit(Who::Clerk, "/api/v1/documents/search?q=prihodima").shows(&[LEJLA])]);
        exempt.insert("/api/v1/cases/track/decision", "the decision sent to the party, to the holder of the case's access code only (tested in cases.rs); no decision is sent in this walk");
        add("/api/v1/cases/{id}/holds", vec![visit(Who::Clerk, format!("/api/v1/cases/{id}/holds"))]);
        add("/api/v1/cases/{id}/export", vec![visit(Who::Clerk, format!("/api/v1/cases/{id}/export")).about(&[LEJLA])]);
        add("/api/v1/archive/book", vec![visit(Who::Clerk, "/api/v1/archive/book")]);
        add("/api/v1/archive/disposals", vec![visit(Who::Clerk, "/api/v1/archive/disposals")]);
        exempt.insert("/api/v1/archive/disposals/{id}", "a disposal proposal lists archive entries (case numbers and subjects, no party); none is proposed in this walk");
        add("/api/v1/persons", vec![visit(Who::Clerk, format!("/api/v1/persons?{}", q(&[("q", "Zukorlić")]))).shows(&[LEJLA])]);
        add("/api/v1/persons/{jmbg}", vec![visit(Who::Clerk, format!("/api/v1/persons/{l}?{purpose}")).shows(&[LEJLA])]);
        add("/api/v1/persons/{jmbg}/access-log", vec![visit(Who::Auditor, format!("/api/v1/persons/{l}/access-log?{purpose}")).shows(&[LEJLA])]);
        add("/api/v1/entries/{id}", vec![visit(Who::Registrar, format!("/api/v1/entries/{lejla_entry}?{purpose}")).shows(&[LEJLA])]);
        add("/api/v1/extracts/{number}/pdf", vec![visit(Who::Clerk, format!("/api/v1/extracts/{n}/pdf")).about(&[LEJLA])]);
        add("/api/v1/refusals/{number}/pdf", vec![visit(Who::Clerk, format!("/api/v1/refusals/{refusal}/pdf")).about(&[LEJLA])]);
        add("/api/v1/persons/{jmbg}/extracts", vec![visit(Who::Clerk, format!("/api/v1/persons/{l}/extracts?{purpose}")).about(&[LEJLA])]);
        add("/api/v1/pieces", vec![visit(Who::Anonymous, "/api/v1/pieces")]);
        add("/api/v1/pieces/{slug}", vec![visit(Who::Anonymous, "/api/v1/pieces/nema-je").status(Some(StatusCode::NOT_FOUND))]);
        add("/api/v1/newsroom/pieces", vec![visit(Who::Clerk, "/api/v1/newsroom/pieces").status(Some(StatusCode::FORBIDDEN))]);
        add("/api/v1/newsroom/pieces/{id}", vec![visit(Who::Clerk, "/api/v1/newsroom/pieces/1").status(Some(StatusCode::FORBIDDEN))]);
        add("/", vec![visit(Who::Anonymous, "/")]);
        add("/sign-in", vec![visit(Who::Anonymous, "/sign-in")]);
        add("/me/password", vec![visit(Who::Clerk, "/me/password")]);
        add("/counter", vec![visit(Who::Clerk, format!("/counter?{}", q(&[("q", "Zukorlić"), ("purpose", "check")]))).shows(&[LEJLA])]);
        add("/counter/persons/{jmbg}", vec![visit(Who::Clerk, format!("/counter/persons/{l}?purpose=check")).shows(&[LEJLA])]);
        add("/counter/today", vec![visit(Who::Registrar, "/counter/today").shows(&[LEJLA, KENAN, DZENANA])]);
        add("/counter/elsewhere", vec![visit(Who::Clerk, format!("/counter/elsewhere?{}", q(&[("q", "Zukorlić")]))).status(None)]);
        add("/counter/notices", vec![visit(Who::Registrar, "/counter/notices").shows(&[ELSEWHERE])]);
        add("/counter/elsewhere/{member}/{jmbg}", vec![visit(Who::Clerk, format!("/counter/elsewhere/SCE/{elsewhere}")).status(None).echoes(&[ELSEWHERE])]);
        add("/counter/register", vec![visit(Who::Registrar, "/counter/register")]);
        add("/counter/register/{kind}", vec![visit(Who::Registrar, "/counter/register/birth")]);
        add("/counter/entries/{id}/annotate", vec![visit(Who::Registrar, format!("/counter/entries/{lejla_entry}/annotate"))]);
        add("/counter/extracts/{number}", vec![visit(Who::Clerk, format!("/counter/extracts/{n}")).shows(&[LEJLA])]);
        add("/counter/extracts/{number}/pdf", vec![visit(Who::Clerk, format!("/counter/extracts/{n}/pdf")).about(&[LEJLA])]);
        add("/counter/refusals/{number}", vec![visit(Who::Clerk, format!("/counter/refusals/{refusal}"))]);
        add("/counter/refusals/{number}/pdf", vec![visit(Who::Clerk, format!("/counter/refusals/{refusal}/pdf")).about(&[LEJLA])]);
        add("/account", vec![visit(Who::Citizen, "/account").shows(&[LEJLA])]);
        add("/account/register", vec![visit(Who::Anonymous, "/account/register")]);
        add("/account/sign-in", vec![visit(Who::Anonymous, "/account/sign-in")]);
        // The link from the message names the account's address and name, nobody's records.
        add("/account/confirm/{token}", vec![visit(Who::Anonymous, format!("/account/confirm/{}", "0".repeat(64))).status(Some(StatusCode::NOT_FOUND))]);
        add("/account/submit", vec![visit(Who::Citizen, "/account/submit")]);
        add("/counter/accounts", vec![visit(Who::Clerk, format!("/counter/accounts?{}", q(&[("code", account.code.as_str())]))).shows(&[LEJLA])]);
        add("/admin/users", vec![visit(Who::Admin, "/admin/users")]);
        add("/admin/users/{username}", vec![visit(Who::Admin, "/admin/users/salter")]);
        add("/services", vec![visit(Who::Anonymous, "/services")]);
        add("/order", vec![visit(Who::Anonymous, "/order")]);
        add("/order/track", vec![visit(Who::Anonymous, "/order/track")]);
        add("/order/{code}", vec![visit(Who::Anonymous, format!("/order/{}", order.code))]);
        add("/counter/orders", vec![visit(Who::Clerk, "/counter/orders").shows(&[LEJLA])]);
        add("/counter/orders/{id}", vec![visit(Who::Clerk, format!("/counter/orders/{}", order.id)).shows(&[LEJLA])]);
        add("/cases", vec![visit(Who::Official, "/cases"), visit(Who::Clerk, "/cases").shows(&[LEJLA])]);
        add("/cases/find", vec![visit(Who::Clerk, format!("/cases/find?{}", q(&[("number", case.number.as_str())]))).status(Some(StatusCode::SEE_OTHER))]);
        add("/cases/new", vec![visit(Who::Clerk, "/cases/new")]);
        add("/cases/{id}", vec![visit(Who::Clerk, format!("/cases/{id}")).shows(&[LEJLA])]);
        add("/cases/{id}/receipt", vec![visit(Who::Clerk, format!("/cases/{id}/receipt")).shows(&[LEJLA])]);
        add("/cases/{id}/receipt.pdf", vec![visit(Who::Clerk, format!("/cases/{id}/receipt.pdf")).status(None)]);
        add("/cases/{id}/files/{file}", vec![visit(Who::Clerk, format!("/cases/{id}/files/{}", file.id)).shows(&[LEJLA])]);
        add("/cases/{id}/export.zip", vec![visit(Who::Clerk, format!("/cases/{id}/export.zip")).about(&[LEJLA])]);
        add("/archive", vec![visit(Who::Clerk, "/archive")]);
        exempt.insert("/archive/disposals/{id}", "a disposal proposal lists archive entries (case numbers and subjects, no party); none is proposed in this walk");
        add("/track", vec![visit(Who::Anonymous, format!("/track?{track}"))]);
        add("/verify", vec![visit(Who::Anonymous, "/verify")]);
        add("/verify/{number}", vec![visit(Who::Anonymous, verify).shows(&[LEJLA])]);
        add("/static/site.css", vec![visit(Who::Anonymous, "/static/site.css")]);
        // The website's pieces name no citizen; the newsroom is for the website's editors.
        add("/news", vec![visit(Who::Anonymous, "/news")]);
        add("/search", vec![visit(Who::Anonymous, "/search?q=zukorli%C4%87")]);
        add("/news/{slug}", vec![visit(Who::Anonymous, "/news/nema-je").status(Some(StatusCode::NOT_FOUND))]);
        add("/pages/{slug}", vec![visit(Who::Anonymous, "/pages/nema-je").status(Some(StatusCode::NOT_FOUND))]);
        add("/news/{slug}/files/{file}", vec![visit(Who::Anonymous, "/news/nema-je/files/1").status(Some(StatusCode::NOT_FOUND))]);
        add("/pages/{slug}/files/{file}", vec![visit(Who::Anonymous, "/pages/nema-je/files/1").status(Some(StatusCode::NOT_FOUND))]);
        add("/feed.atom", vec![visit(Who::Anonymous, "/feed.atom")]);
        add("/sitemap.xml", vec![visit(Who::Anonymous, "/sitemap.xml")]);
        add("/newsroom", vec![visit(Who::Clerk, "/newsroom").status(Some(StatusCode::FORBIDDEN))]);
        add("/newsroom/{id}", vec![visit(Who::Clerk, "/newsroom/1").status(Some(StatusCode::FORBIDDEN))]);
        add("/newsroom/{id}/files/{file}", vec![visit(Who::Clerk, "/newsroom/1/files/1").status(Some(StatusCode::FORBIDDEN))]);
        add("/newsroom/media", vec![visit(Who::Clerk, "/newsroom/media").status(Some(StatusCode::FORBIDDEN))]);
        add("/newsroom/media/{id}", vec![visit(Who::Clerk, "/newsroom/media/1").status(Some(StatusCode::FORBIDDEN))]);
        add("/messages", vec![visit(Who::Anonymous, "/messages")]);
        add("/messages/new", vec![visit(Who::Anonymous, "/messages/new")]);
        add("/messages/track", vec![visit(Who::Anonymous, "/messages/track")]);
        // Reports of communal problems name their place, never their reporter; the desk
        // (reporters' names and addresses, no JMBG) is for the units.
        add("/reports", vec![visit(Who::Anonymous, "/reports")]);
        add("/reports/new", vec![visit(Who::Anonymous, "/reports/new")]);
        add("/reports/{number}", vec![visit(Who::Anonymous, "/reports/K-2026-99999").status(Some(StatusCode::NOT_FOUND))]);
        add("/reports/desk", vec![visit(Who::Official, "/reports/desk")]);
        add("/reports/desk/{id}", vec![visit(Who::Official, "/reports/desk/1").status(Some(StatusCode::NOT_FOUND))]);
        add("/open311/v2/{file}", vec![visit(Who::Anonymous, "/open311/v2/requests.json")]);
        add("/open311/v2/services/{file}", vec![visit(Who::Anonymous, "/open311/v2/services/pothole.xml")]);
        add("/open311/v2/requests/{file}", vec![visit(Who::Anonymous, "/open311/v2/requests/K-2026-99999.json").status(Some(StatusCode::NOT_FOUND))]);
        add("/open311/v2/tokens/{file}", vec![visit(Who::Anonymous, "/open311/v2/tokens/nema.xml").status(Some(StatusCode::NOT_FOUND))]);
        add("/inbox", vec![visit(Who::Official, "/inbox")]);
        add("/inbox/{id}", vec![visit(Who::Official, "/inbox/1").status(Some(StatusCode::NOT_FOUND))]);
        // The journalists' desk names journalists (no citizen, no JMBG); the figures count.
        // Requests for information name their requesters, by JMBG when the counter took it.
        add("/information", vec![visit(Who::Anonymous, "/information")]);
        add("/information/requests", vec![visit(Who::Clerk, "/information/requests").shows(&[LEJLA])]);
        add("/information/requests/{id}", vec![visit(Who::Clerk, format!("/information/requests/{information}")).shows(&[LEJLA])]);
        add("/information/figures", vec![visit(Who::Auditor, "/information/figures")]);
        add("/press/ask", vec![visit(Who::Anonymous, "/press/ask")]);
        add("/desk", vec![visit(Who::Official, "/desk")]);
        add("/desk/new", vec![visit(Who::Official, "/desk/new").status(Some(StatusCode::FORBIDDEN))]);
        add("/desk/{id}", vec![visit(Who::Official, "/desk/1").status(Some(StatusCode::NOT_FOUND))]);
        add("/responses", vec![visit(Who::Auditor, "/responses")]);
        add("/press/accreditation", vec![visit(Who::Anonymous, "/press/accreditation")]);
        add("/desk/accreditations", vec![visit(Who::Official, "/desk/accreditations").status(Some(StatusCode::FORBIDDEN))]);
        add("/desk/accreditations/{id}", vec![visit(Who::Official, "/desk/accreditations/1").status(Some(StatusCode::FORBIDDEN))]);
        add("/press/unsubscribe/{token}", vec![visit(Who::Anonymous, "/press/unsubscribe/nema").status(Some(StatusCode::NOT_FOUND))]);
        add("/admin/reports", vec![visit(Who::Admin, "/admin/reports")]);
        add("/status", vec![visit(Who::Admin, "/status")]);

        let routes = get_routes();
        assert!(routes.len() > 60, "the router's routes were not found in its source: {routes:?}");
        for route in &routes {
            assert!(walk.contains_key(route.as_str()) || exempt.contains_key(route.as_str()), "GET {route} is not in the walk: say what it shows");
        }
        for route in walk.keys().chain(exempt.keys()) {
            assert!(routes.iter().any(|r| r == route), "{route} is in the walk but not in the router");
        }

        for (route, visits) in &walk {
            for v in visits {
                let mut before = Vec::new();
                for p in &people {
                    before.push(reads_of(&k, &p.jmbg).await);
                }
                let (status, body) = if v.url.starts_with("/api/") {
                    let token = tokens.get(&v.who).map(String::as_str);
                    let (status, _, bytes) = support::http::raw(&router, "GET", &v.url, token, None).await;
                    (status, String::from_utf8_lossy(&bytes).into_owned())
                } else {
                    let r = visitors.get_mut(&v.who).unwrap().get(&v.url).await;
                    (r.status, r.body)
                };
                if let Some(expected) = v.status {
                    assert_eq!(status, expected, "GET {} ({route}) as {:?}: {}", v.url, v.who, &body[..body.len().min(600)]);
                }
                for (i, p) in people.iter().enumerate() {
                    let shown = !v.echoes.contains(&i) && (body.contains(&p.jmbg) || p.surname.is_some_and(|s| body.contains(s)));
                    if v.shows.contains(&i) {
                        assert!(shown, "GET {} ({route}) should show {}: {}", v.url, p.jmbg, &body[..body.len().min(600)]);
                    }
                    if shown || v.about.contains(&i) {
                        let after = reads_of(&k, &p.jmbg).await;
                        // A list this reader already opened today logged the person then.
                        let log = k.store.raw().reads().access_log(&p.jmbg, None, 100_000).await.unwrap();
                        let listed_today = log.iter().any(|a| {
                            Some(a.username.as_str()) == username(v.who) && opcina_store::shown::ONCE_A_DAY.contains(&a.action.as_str())
                        });
                        assert!(
                            after > before[i] || listed_today,
                            "GET {} ({route}) as {:?} showed {} without logging the read",
                            v.url,
                            v.who,
                            p.jmbg
                        );
                    }
                }
            }
        }

        // A list opened again the same day by the same reader is not logged again; by another
        // reader it is.
        let before = reads_of(&k, lejla.as_str()).await;
        assert_eq!(visitors.get_mut(&Who::Registrar).unwrap().get("/counter/today").await.status, StatusCode::OK);
        assert_eq!(reads_of(&k, lejla.as_str()).await, before, "the registrar's second look at the daily list");
        assert_eq!(visitors.get_mut(&Who::Clerk).unwrap().get("/counter/today").await.status, StatusCode::OK);
        let log = k.store.raw().reads().access_log(lejla.as_str(), None, 1).await.unwrap();
        assert_eq!((log[0].username.as_str(), log[0].action.as_str()), ("salter", "office.day"), "another reader's first look is logged");
    }
}
