//! The document flow's pages through the real router, on SQLite and PostgreSQL: the registry
//! office registers a submission and gets the receipt with the access code, QR code and PDF;
//! the case is handed over, decided, dispatched and delivered through the case file's forms;
//! the party follows it on the public tracking page, which shows nothing without the right
//! code. The same life cycle in a real browser is in `browser.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use opcina_search::PersonIndex;
use opcina_store::sql::prelude::*;
use opcina_testkit::{Kakanj, TestDb, backend_test};
use opcina_web::{AppState, app};
use support::visitor::{Reply, Visitor};

const PASSWORD: &str = "tačna-lozinka-1";

struct Site {
    router: Router,
    k: Kakanj,
}

async fn site(db: &TestDb) -> Site {
    let k = Kakanj::set_up(db).await;
    opcina_testkit::docflow::set_up(&k).await;
    for user in ["salter", "amra", "selma", "revizor"] {
        k.store.set_password(&k.admin, user, PASSWORD).await.unwrap();
    }
    let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
    let mut state = AppState::new(k.store.clone(), index);
    state.public_url = "https://kakanj.opcina.test".into();
    let router = app(state);
    Site { router, k }
}

async fn signed_in(s: &Site, user: &str) -> Visitor {
    let mut v = Visitor::new(&s.router);
    let r = v.sign_in(user, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{user} signs in: {}", r.body);
    v
}

/// The value of `attr` in the first tag after `marker`.
fn attr_after(body: &str, marker: &str, attr: &str) -> String {
    let at = body.find(marker).unwrap_or_else(|| panic!("{marker} not on the page: {body}"));
    let rest = &body[at..];
    let start = rest.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
    rest[start..start + rest[start..].find('"').unwrap()].to_string()
}

/// Registers a submission through the intake form; returns the case's path and the receipt.
async fn register(v: &mut Visitor, kind: &str, party: &str) -> (String, Reply) {
    let form = v.get("/cases/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let today = attr_after(&form.body, "name=\"received_on\"", "value");
    let r = v
        .post(
            "/cases/new",
            &[
                ("case_type", kind),
                ("channel", "counter"),
                ("received_on", &today),
                ("subject", "Zahtjev za uvjerenje o kućnoj listi"),
                ("appeal_of", ""),
                ("party.name", party),
                ("party.jmbg", "0101990190004"),
                ("party.address", "Alije Izetbegovića 12, Kakanj"),
                ("party.contact", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let receipt_path = r.location().to_string();
    let id = receipt_path.trim_start_matches("/cases/").trim_end_matches("/receipt").to_string();
    let receipt = v.get(&receipt_path).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    (format!("/cases/{id}"), receipt)
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let at = body.find(start).unwrap_or_else(|| panic!("{start} not on the page: {body}")) + start.len();
    &body[at..at + body[at..].find(end).unwrap()]
}

backend_test! {
    async fn a_submission_goes_from_the_counter_to_delivery_and_the_party_follows_it(db: TestDb) {
        let s = site(&db).await;
        let mut clerk = signed_in(&s, "salter").await;
        let (case, receipt) = register(&mut clerk, "uvjerenje", "Amra Hodžić").await;
        assert!(receipt.body.contains("Potvrda o prijemu podneska"), "{}", receipt.body);
        let code = between(&receipt.body, "id=\"access-code\">", "<").to_string();
        assert_eq!(code.len(), 14, "three groups of four: {code}");
        assert!(receipt.body.contains("<svg") && receipt.body.contains("shape-rendering"), "the QR code is on the page");
        let number = between(&receipt.body, "<dd class=\"code\">", "<").to_string();
        assert!(number.starts_with("UP-I-01/1-"), "{number}");
        // The tracking address carries the number and code for the QR code.
        assert!(receipt.body.contains("https://kakanj.opcina.test/track?number="), "{}", receipt.body);

        // The PDF receipt, while the browser that registered it holds the code.
        let pdf = clerk.get(&format!("{case}/receipt.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers.get(header::CONTENT_TYPE).unwrap(), "application/pdf");
        assert!(pdf.body.starts_with("%PDF-"));
        // Another clerk's browser cannot print it: the code is nowhere to be read again.
        let mut other = signed_in(&s, "salter").await;
        let gone = other.get(&format!("{case}/receipt.pdf")).await;
        assert_eq!(gone.status, StatusCode::GONE);
        assert!(!other.get(&format!("{case}/receipt")).await.body.contains(&code));

        // Tracking: nothing without the right code, and the same answer for a wrong number.
        let mut public = Visitor::new(&s.router);
        let track = |number: &str, code: &str| format!("/track?{}", serde_urlencoded::to_string([("number", number), ("code", code)]).unwrap());
        let wrong_code = public.get(&track(&number, "AAAA-BBBB-CCCC")).await;
        let wrong_number = public.get(&track("UP-I-01/1-25-999/26", &code)).await;
        assert_eq!(wrong_code.status, StatusCode::NOT_FOUND);
        assert_eq!(wrong_number.status, StatusCode::NOT_FOUND);
        let notice = |body: &str| between(body, "<main", "<form").to_string();
        assert_eq!(notice(&wrong_code.body), notice(&wrong_number.body), "neither says which was wrong");
        assert!(!wrong_code.body.contains("zaveden"), "no state is shown");
        let found = public.get(&track(&number, &code.to_lowercase())).await;
        assert_eq!(found.status, StatusCode::OK, "the code is read as people type it: {}", found.body);
        assert!(found.body.contains("zaveden") && !found.body.contains("Amra Hodžić") && !found.body.contains("kućnoj listi"), "state, not names or contents: {}", found.body);

        // The registry office hands the case to an official of the unit.
        let file = clerk.get(&case).await;
        assert!(file.body.contains("id=\"step-hand_over\"") && !file.body.contains("id=\"step-decide\""), "the office assigns, officials decide: {}", file.body);
        let r = clerk.post(&format!("{case}/step"), &[("action", "hand_over"), ("to", "01/1|amra"), ("note", "hitno")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // The official lands on the work list and finds the case among her own.
        let mut amra = Visitor::new(&s.router);
        let landed = amra.sign_in("amra", PASSWORD).await;
        assert_eq!(landed.location(), "/cases");
        let mine = amra.get("/cases").await;
        assert!(mine.body.contains(&number) && mine.body.contains("Amra Hodžić"), "{}", mine.body);
        assert!(!mine.body.contains("0101990190004"), "work lists show no JMBG");

        // Something is missing: the clock stops, and the party sees what to bring.
        let r = amra.post(&format!("{case}/step"), &[("action", "return_for_completion"), ("missing", "Izvod iz MKR\n\nKućna lista"), ("until", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let waiting = public.get(&track(&number, &code)).await;
        assert!(waiting.body.contains("Izvod iz MKR") && waiting.body.contains("Kućna lista") && waiting.body.contains("rok miruje"), "{}", waiting.body);
        // The party brings them to the counter: entered in the case, and work resumes.
        let today = s.k.store.today().to_string();
        let r = clerk
            .post(&format!("{case}/records"), &[("direction", "in"), ("channel", "counter"), ("correspondent", "Amra Hodžić"), ("subject", "Dopuna: izvod iz MKR, kućna lista"), ("received_on", &today), ("corrects", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = amra.post(&format!("{case}/step"), &[("action", "resume"), ("note", "dopunjeno")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // A decision without its operative part is refused, and what was typed stays.
        let r = amra.post(&format!("{case}/step"), &[("action", "decide"), ("outcome", "granted"), ("summary", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"decide-f-summary-error\""), "the field is named: {}", r.body);
        assert!(r.body.contains("<details open id=\"step-decide\">"), "the form stays open");
        let r = amra.post(&format!("{case}/step"), &[("action", "decide"), ("outcome", "granted"), ("summary", "Izdaje se uvjerenje")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let decided = amra.get(r.location()).await;
        assert!(decided.body.contains("Upisano: Riješen"), "{}", decided.body);
        assert!(decided.body.contains(&format!("{}-2/", number.rsplit_once('/').unwrap().0)), "the decision has the next sub-number after the completion: {}", decided.body);
        // Stepping back is refused with the reason, in the visitor's language.
        let r = amra.post(&format!("{case}/step"), &[("action", "resume"), ("note", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Taj korak nije moguć u sadašnjem stanju predmeta."), "{}", r.body);

        // The registry office dispatches and records the delivery receipt.
        let r = clerk.post(&format!("{case}/step"), &[("action", "dispatch"), ("method", "post"), ("to", "Amra Hodžić, Kakanj")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = clerk.post(&format!("{case}/step"), &[("action", "deliver"), ("on", &today)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let delivered = public.get(&track(&number, &code)).await;
        assert!(delivered.body.contains("uručen") && delivered.body.contains("Otpremljeno"), "{}", delivered.body);
        let history = clerk.get(&case).await;
        assert!(history.body.contains("Predat") && history.body.contains("Amra Hodžić") && history.body.contains("hitno"), "the hand-over log: {}", history.body);
    }
}

backend_test! {
    async fn intake_refusals_name_the_field_and_keep_what_was_typed(db: TestDb) {
        let s = site(&db).await;
        let mut clerk = signed_in(&s, "salter").await;
        clerk.get("/cases/new").await;
        let r = clerk
            .post(
                "/cases/new",
                &[("case_type", "zalba"), ("channel", "counter"), ("received_on", "2099-01-01"), ("subject", "Žalba"),
                  ("appeal_of", "UP-I-01/1-25-404/26"), ("party.name", "Šemsa Čaušević"), ("party.jmbg", "0101990190005"), ("party.address", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"f-party-address-error\"") && r.body.contains("id=\"f-appeal_of-error\""), "{}", r.body);
        assert!(r.body.contains("value=\"Šemsa Čaušević\""), "nothing typed is lost");
        let r = clerk
            .post(
                "/cases/new",
                &[("case_type", "uvjerenje"), ("channel", "counter"), ("received_on", "2099-01-01"), ("subject", "Uvjerenje"),
                  ("party.name", "Šemsa Čaušević"), ("party.jmbg", "0101990190005"), ("party.address", "Kakanj")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Datum prijema ne može biti u budućnosti."), "{}", r.body);
        assert!(r.body.contains("id=\"f-party-jmbg-error\""), "the JMBG's checksum: {}", r.body);
        // Nothing was registered: the list is empty.
        assert!(clerk.get("/cases").await.body.contains("Nema predmeta u ovom pregledu."));
    }
}

backend_test! {
    async fn an_official_of_another_unit_sees_no_forms_and_is_refused(db: TestDb) {
        let s = site(&db).await;
        let mut clerk = signed_in(&s, "salter").await;
        let (case, _) = register(&mut clerk, "uvjerenje", "Amra Hodžić").await;
        // Spatial planning's official neither reads general administration's case nor works on it.
        let mut selma = signed_in(&s, "selma").await;
        let file = selma.get(&case).await;
        assert_eq!(file.status, StatusCode::FORBIDDEN);
        assert!(file.body.contains("u nadležnosti druge službe"), "{}", file.body);
        assert!(!file.body.contains("Amra Hodžić"), "nothing of the case is shown");
        let r = selma.post(&format!("{case}/step"), &[("action", "hand_over"), ("to", "04|selma")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!r.body.contains("Amra Hodžić"), "nothing of the case is shown");
        // Its own unit's official reads it and works on it.
        let mut amra = signed_in(&s, "amra").await;
        let file = amra.get(&case).await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(file.body.contains("id=\"step-file\""), "{}", file.body);
        // An auditor reads the case and works on nothing.
        let mut auditor = signed_in(&s, "revizor").await;
        let file = auditor.get(&case).await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(file.body.contains("Amra Hodžić"));
        assert!(!file.body.contains("<form method=\"post\" action=\"/cases/"), "no form of work: {}", file.body);
        // The reads are logged with the party's JMBG; the refused one is not a read.
        let reads = s.k.store.raw().reads().access_log("0101990190004", None, 50).await.unwrap();
        assert!(reads.iter().any(|r| r.action == "case.view" && r.username == "revizor"), "{reads:?}");
        assert!(reads.iter().any(|r| r.action == "case.view" && r.username == "amra"), "{reads:?}");
        assert!(!reads.iter().any(|r| r.username == "selma"), "{reads:?}");
    }
}

backend_test! {
    /// The counter adds the scan of a submission through the case's page; the registry office
    /// takes the closed case into the archive, holds it, and disposes of it once its retention
    /// ran out and the archive approved — never while it is held.
    async fn a_scan_is_added_at_the_counter_and_the_case_goes_through_the_archive(db: TestDb) {
        use opcina_core::docflow::case::{CaseAction, Dispatch, Outcome};
        use opcina_core::registry::{Actor, Role};
        let s = site(&db).await;
        let store = &s.k.store;
        let mut clerk = signed_in(&s, "salter").await;
        let (path, receipt) = register(&mut clerk, "pomoc", "Amila Softić").await;
        let id: i64 = path.trim_start_matches("/cases/").parse().unwrap();

        // The party lost the receipt: a new code, printed again; the old one stops working.
        let code_of = |body: &str| {
            let at = body.find("id=\"access-code\">").unwrap() + "id=\"access-code\">".len();
            body[at..at + 14].to_string()
        };
        let old_code = code_of(&receipt.body);
        let page = clerk.get(&path).await;
        assert!(page.body.contains("Izdaj novu pristupnu šifru"), "{}", page.body);
        let r = clerk.post(&format!("{path}/receipt"), &[]).await;
        assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, format!("{path}/receipt").as_str()));
        let again = clerk.get(&format!("{path}/receipt")).await;
        let new_code = code_of(&again.body);
        assert_ne!(new_code, old_code);
        let number = s.k.store.raw().reads().case(id).await.unwrap().unwrap().number;
        assert!(s.k.store.track(&number, &old_code).await.unwrap().is_none());
        assert!(s.k.store.track(&number, &new_code).await.unwrap().is_some());

        // The scan, from the form on the case's page.
        let scan = b"%PDF-1.7 skenirani zahtjev";
        let r = clerk.post_file(&format!("{path}/files"), &[("record", "")], ("file", "zahtjev sken.pdf", "application/pdf", scan)).await;
        assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, format!("{path}?done=upload#files").as_str()), "{}", r.body);
        let files = store.raw().reads().case_attachments(id).await.unwrap();
        assert_eq!((files.len(), files[0].name.as_str(), files[0].media_type.as_str()), (1, "zahtjev sken.pdf", "application/pdf"));
        let page = clerk.get(&format!("{path}?done=upload")).await;
        assert!(page.body.contains("Dodana datoteka") && page.body.contains(&format!("href=\"{path}/files/{}\"", files[0].id)), "{}", page.body);
        let download = clerk.get(&format!("{path}/files/{}", files[0].id)).await;
        assert_eq!((download.status, download.body.as_bytes()), (StatusCode::OK, scan.as_slice()));
        // No file chosen: the page says so, nothing is kept; a forged form is refused.
        let r = clerk.post_file(&format!("{path}/files"), &[], ("file", "", "application/octet-stream", b"")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Odaberite datoteku."), "{}", r.body);
        let forged = clerk.post_file_with(&format!("{path}/files"), "x".repeat(43).as_str(), &[], ("file", "a.txt", "text/plain", b"a")).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // A large multipart body anywhere else is refused before it is read whole.
        let big = vec![b'x'; 512 * 1024];
        let elsewhere = clerk.post_file("/cases/new", &[], ("file", "a.txt", "text/plain", &big)).await;
        assert_eq!(elsewhere.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(store.raw().reads().case_attachments(id).await.unwrap().len(), 1);
        let zip = clerk.get(&format!("{path}/export.zip")).await;
        assert_eq!((zip.status, zip.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap()), (StatusCode::OK, "application/zip"));

        // Decided, delivered and closed; then into the archive from the case's page.
        let amra = Actor { username: "amra".into(), role: Role::Official, office: Some("KAK".into()) };
        let step = |who: Actor, action: CaseAction| async move { opcina_testkit::docflow::step(store, &who, id, action).await };
        step(s.k.clerk.clone(), CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None }).await;
        step(amra.clone(), CaseAction::Decide { outcome: Outcome::Granted, summary: "Odobrava se".into() }).await;
        step(s.k.clerk.clone(), CaseAction::Dispatch { method: Dispatch::Post, to: "Amila Softić".into() }).await;
        step(s.k.clerk.clone(), CaseAction::Deliver { on: store.today() }).await;
        step(s.k.clerk.clone(), CaseAction::Close { note: None }).await;
        let mut official = signed_in(&s, "amra").await;
        official.get(&path).await;
        assert_eq!(official.post(&format!("{path}/archive"), &[]).await.status, StatusCode::FORBIDDEN);
        assert!(clerk.get(&path).await.body.contains("Predaj u arhivu"));
        let r = clerk.post(&format!("{path}/archive"), &[]).await;
        assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, format!("{path}?done=archive").as_str()));
        let page = clerk.get(&path).await;
        let year = chrono::Datelike::year(&store.today());
        assert!(page.body.contains(&format!("1/{year}")) && page.body.contains("čuva se do"), "{}", page.body);
        assert!(!page.body.contains("Dodaj datoteku"), "no files are added to an archived case");

        // A hold needs its reason; held, the case is not proposed for disposal.
        let r = clerk.post(&format!("{path}/hold"), &[("placed", "1"), ("reason", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Ovo polje je obavezno."), "{}", r.body);
        let r = clerk.post(&format!("{path}/hold"), &[("placed", "1"), ("reason", "Upravni spor pred sudom")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(clerk.get(&path).await.body.contains("Upravni spor pred sudom"));
        store.set_today(Some(chrono::NaiveDate::from_ymd_opt(year + 11, 1, 2).unwrap()));
        clerk.get("/archive").await;
        let r = clerk.post("/archive/disposals", &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Nijednom predmetu u arhivi nije istekao rok čuvanja."), "{}", r.body);

        // Released, it is proposed; nothing goes before the archive's approval.
        clerk.get(&path).await;
        assert_eq!(clerk.post(&format!("{path}/hold"), &[("placed", "0"), ("reason", "Presuda pravosnažna")]).await.status, StatusCode::SEE_OTHER);
        clerk.get("/archive").await;
        let r = clerk.post("/archive/disposals", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let disposal = r.location().split('?').next().unwrap().to_string();
        let page = clerk.get(r.location()).await;
        assert!(page.body.contains("Prijedlog za izlučivanje je sastavljen.") && page.body.contains("Upiši odgovor arhiva"), "{}", page.body);
        let r = clerk.post(&format!("{disposal}/destruction"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Ništa se ne uništava prije nego što se upiše odobrenje arhiva."), "{}", r.body);
        let today = store.today().to_string();
        let r = clerk.post(&format!("{disposal}/answer"), &[("approved", "1"), ("reference", "Arhiv ZDK 05-49-112"), ("on", &today)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(clerk.get(&disposal).await.body.contains("Izvrši izlučivanje"));
        let r = clerk.post(&format!("{disposal}/destruction"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(clerk.get(r.location()).await.body.contains("uništen"));
        let page = clerk.get(&path).await;
        assert!(page.body.contains("Spis predmeta uništen je") && !page.body.contains(&format!("{path}/files/")), "{}", page.body);
        assert_eq!(clerk.get(&format!("{path}/files/{}", files[0].id)).await.status, StatusCode::GONE);
        // The auditor reads the book and the proposal, without the forms.
        let mut auditor = signed_in(&s, "revizor").await;
        let book = auditor.get(&format!("/archive?year={year}")).await;
        assert_eq!(book.status, StatusCode::OK);
        assert!(book.body.contains(&format!("href=\"{path}\"")) && !book.body.contains("Sastavi prijedlog"), "{}", book.body);
        store.set_today(None);
    }
}

backend_test! {
    /// A citizen submits a request from the portal once the account was verified at a
    /// counter; the page gives the number and access code, and the case is in the books.
    async fn a_verified_citizen_submits_a_request_on_the_portal(db: TestDb) {
        let s = site(&db).await;
        let store = &s.k.store;
        let amila = opcina_testkit::commands::born(store, &s.k.registrar, "Amila", "Softić", opcina_core::registry::Sex::Female, opcina_testkit::date(1990, 2, 2)).await;
        let account = store.open_account("amila@example.test", "Amila Softić", "lozinka-građanke-1").await.unwrap().unwrap();
        let mut citizen = Visitor::new(&s.router);
        citizen.get("/account/sign-in").await;
        let r = citizen.post("/account/sign-in", &[("email", "amila@example.test"), ("password", "lozinka-građanke-1")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Not yet verified: the page says where to go first, and a sent form is refused.
        let page = citizen.get("/account/submit").await;
        assert!(page.body.contains("Zahtjev online može podnijeti samo račun potvrđen na šalteru."), "{}", page.body);
        let fields = [("case_type", "pomoc"), ("subject", "Jednokratna pomoć zbog bolesti"), ("address", "Alije Izetbegovića 12, Kakanj")];
        assert_eq!(citizen.post("/account/submit", &fields).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        store.verify_account(&s.k.clerk, account.id, amila.as_str(), "lična karta 1E2345678").await.unwrap().unwrap();
        assert!(citizen.get("/account").await.body.contains("href=\"/account/submit\""));
        let form = citizen.get("/account/submit").await;
        assert!(form.body.contains("value=\"pomoc\"") && !form.body.contains("value=\"zalba\""), "appeals are not offered: {}", form.body);
        // A missing address is named, and what was typed stays.
        let r = citizen.post("/account/submit", &[("case_type", "pomoc"), ("subject", "Jednokratna pomoć zbog bolesti"), ("address", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"address-error\"") && r.body.contains("Jednokratna pomoć zbog bolesti"), "{}", r.body);
        let r = citizen.post("/account/submit", &fields).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert!(r.body.contains("Zahtjev je zaveden."), "{}", r.body);
        let at = r.body.find("id=\"access-code\">").unwrap() + "id=\"access-code\">".len();
        let code = r.body[at..at + 14].to_string();
        let at = r.body.find("id=\"case-number\">").unwrap() + "id=\"case-number\">".len();
        let number = r.body[at..at + r.body[at..].find('<').unwrap()].to_string();
        let (case, _) = store.track(&number, &code).await.unwrap().expect("registered and trackable");
        assert_eq!((case.party_jmbg.as_deref(), case.case_type.as_str()), (Some(amila.as_str()), "pomoc"));
        assert_eq!(store.raw().reads().case_records(case.id).await.unwrap()[0].channel, "portal");
        // The registry office sees it among the new cases.
        let mut clerk = signed_in(&s, "salter").await;
        assert!(clerk.get("/cases?view=pending").await.body.contains(&number));
    }
}
