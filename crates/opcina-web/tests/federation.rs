//! Several nodes of a federation in one test run, on loopback: a remote extract issued at
//! Kakanj for a person whose birth entry Zenica holds; refused messages (unsigned, tampered,
//! replayed, expired, unknown member); a directory that is expired, foreign or older; a peer
//! that is down or slow. Both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ed25519_dalek::SigningKey;
use http_body_util::BodyExt;
use opcina_core::Jmbg;
use opcina_core::extract::{ExtractKind, Relation};
use opcina_core::registry::{Actor, Role, Sex};
use opcina_federation::client::{CallError, unix_now};
use opcina_federation::digest::content_digest;
use opcina_federation::directory::{Directory, Member, SERVICES, key_id};
use opcina_federation::httpsig::HttpMessage;
use opcina_federation::messages::{Context, EntryQuery, LocateQuery};
use opcina_federation::profile::sign_request;
use opcina_search::PersonIndex;
use opcina_store::admin::UserSpec;
use opcina_store::extracts::{Outcome, RemoteSource, Sealer};
use opcina_store::federation::{ChainProblem, verify_chain};
use opcina_store::sql::prelude::*;
use opcina_testkit::{TestDb, backend_test, commands, date};
use opcina_web::federation::{Federation, Settings};
use opcina_web::{AppState, app};
use tower::ServiceExt;

fn authority() -> SigningKey {
    SigningKey::from_bytes(&[9; 32])
}

/// One member's node, serving on loopback.
struct Node {
    code: String,
    store: opcina_store::Store,
    state: AppState,
    federation: Arc<Federation>,
    registrar: Actor,
    clerk: Actor,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
    _db: TestDb,
}

struct Plan {
    preset: &'static str,
    key: SigningKey,
    listener: tokio::net::TcpListener,
}

fn member(code: &str, name: &str, addr: SocketAddr, key: &SigningKey) -> Member {
    Member::with_key(code, name, &format!("http://{addr}"), &key.verifying_key(), SERVICES.iter().map(|s| s.to_string()).collect())
}

fn directory(members: Vec<Member>, serial: u64, issued_at: i64, valid_until: i64) -> Vec<u8> {
    let d = Directory { serial, issued_at, valid_until, members };
    serde_json::to_vec(&d.sign(&authority()).unwrap()).unwrap()
}

async fn plan(preset: &'static str, seed: u8) -> Plan {
    Plan { preset, key: SigningKey::from_bytes(&[seed; 32]), listener: tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap() }
}

async fn start(db: TestDb, plan: Plan, directory_file: &std::path::Path, timeout: Duration) -> Node {
    let store = db.open().await;
    let system = Actor::system("test");
    let (node, offices) = opcina_store::presets::preset(plan.preset).unwrap();
    let office = offices[0].code.clone();
    store.init_node(&system, &node, &offices).await.unwrap();
    let mut actors = Vec::new();
    for (username, full_name, role) in [("maticar", "Amra Hodžić", Role::Registrar), ("salter", "Edin Mujić", Role::CounterClerk)] {
        let spec = UserSpec { username: username.into(), full_name: full_name.into(), role, office: Some(office.clone()) };
        store.add_user(&system, &spec).await.unwrap();
        actors.push(Actor { username: username.into(), role, office: Some(office.clone()) });
    }
    store.register_key(&system, &plan.key.verifying_key()).await.unwrap();
    let index = Arc::new(PersonIndex::open(&db.scratch().join(format!("index-{}", node.code)), 20_000_000, 1).unwrap());
    let settings = Settings {
        member: node.code.clone(),
        authority: authority().verifying_key(),
        directory: directory_file.display().to_string(),
        cache: db.scratch().join(format!("directory-cache-{}.json", node.code)),
        skew: 30,
        timeout,
    };
    let federation = Arc::new(Federation::new(settings, plan.key.clone()));
    federation.refresh().await.unwrap();
    let addr = plan.listener.local_addr().unwrap();
    let state = AppState::new(store.clone(), index)
        .with_sealer(Sealer::new(plan.key.clone()), &format!("http://{addr}"))
        .with_federation(Arc::clone(&federation));
    let router = app(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(plan.listener, router).await.unwrap();
    });
    let clerk = actors.pop().unwrap();
    let registrar = actors.pop().unwrap();
    Node { code: node.code, store, state, federation, registrar, clerk, addr, server, _db: db }
}

/// Kakanj and Zenica, with a directory listing both.
async fn kakanj_and_zenica(db: TestDb, timeout: Duration) -> (Node, Node, std::path::PathBuf) {
    let zdb = TestDb::of(db.kind).await.unwrap();
    let kak = plan("kakanj", 11).await;
    let zen = plan("zenica", 12).await;
    let file = db.scratch().join("directory.json");
    let now = unix_now();
    let members = vec![
        member("KAK", "Općina Kakanj", kak.listener.local_addr().unwrap(), &kak.key),
        member("ZEN", "Grad Zenica", zen.listener.local_addr().unwrap(), &zen.key),
    ];
    std::fs::write(&file, directory(members, 1, now - 10, now + 3600)).unwrap();
    let k = start(db, kak, &file, timeout).await;
    let z = start(zdb, zen, &file, timeout).await;
    (k, z, file)
}

fn context(node: &Node, purpose: &str) -> Context {
    Context {
        member: node.code.clone(),
        office: node.clerk.office.clone().unwrap(),
        office_name: "Centar za pružanje usluga građanima Kakanj".into(),
        username: node.clerk.username.clone(),
        official: "Edin Mujić".into(),
        purpose: purpose.into(),
        legal_basis: "self".into(),
        case_number: Some("UP-1/2026".into()),
    }
}

fn self_request(subject: &Jmbg) -> opcina_core::extract::ExtractRequest {
    opcina_testkit::extracts::request(ExtractKind::Birth, subject, subject, Relation::Myself)
}

backend_test! {
    async fn a_remote_extract_is_issued_at_kakanj_for_a_person_held_in_zenica(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        let person = commands::born(&zen.store, &zen.registrar, "Lejla", "Zenić", Sex::Female, date(1990, 3, 5)).await;

        // Locate: Zenica holds her birth entry; nothing personal comes back.
        let found = kak.federation.locate(&kak.state, &kak.clerk, &context(&kak, "izvod iz MKR"), &person).await.unwrap();
        assert_eq!(found.len(), 1);
        let answer = found[0].result.as_ref().unwrap();
        assert_eq!((found[0].member.as_str(), answer.holds, answer.registers.clone()), ("ZEN", true, vec!["MKR".to_string()]));

        // The entry for the extract, then the extract issued at Kakanj's counter.
        let query = EntryQuery { context: context(&kak, "penzija"), request: self_request(&person) };
        let records = kak.federation.entry_for_extract(&kak.state, &kak.clerk, "ZEN", &query).await.unwrap();
        assert_eq!(records.municipality, "Zenica");
        // Her son's birth entry stays in Zenica unless the relation is established through it.
        let son = match commands::ok(&zen.store, &zen.registrar, commands::living_in("Zenica", commands::birth_to(Some(&person), "Tarik", "Zenić", Sex::Male, date(2015, 1, 1)))).await.entry.map(|e| e.content) {
            Some(opcina_core::registry::entry::EntryContent::Birth(b)) => b.child.jmbg,
            _ => panic!("no birth entry"),
        };
        let own = kak.federation.entry_for_extract(&kak.state, &kak.clerk, "ZEN", &query).await.unwrap();
        assert!(own.records.children.is_empty(), "not needed for her own extract");
        let mut by_son = context(&kak, "nasljeđivanje");
        by_son.legal_basis = "child".into();
        let as_child = EntryQuery { context: by_son, request: opcina_testkit::extracts::request(ExtractKind::Birth, &person, &son, Relation::Child) };
        let theirs = kak.federation.entry_for_extract(&kak.state, &kak.clerk, "ZEN", &as_child).await.unwrap();
        assert_eq!(theirs.records.children.len(), 1, "the son is her child through his birth entry");
        let source = RemoteSource { member: records.member, municipality: records.municipality, position: records.position, records: records.records };
        let sealer = kak.state.sealer.clone().unwrap();
        let outcome = kak.store.request_remote_extract(&kak.clerk, self_request(&person), source, &sealer, &opcina_testkit::extracts::place()).await.unwrap().unwrap();
        let Outcome::Issued(issued) = outcome else { panic!("refused: {outcome:?}") };
        assert_eq!(issued.content.issue.number.office, "KAK");
        assert_eq!(issued.content.holder.as_ref().map(|h| h.member.as_str()), Some("ZEN"));
        let doc = opcina_core::extract::document::document(&issued.content, &issued.seal, &issued.key_id);
        assert!(doc.reference.contains("ZEN") && doc.reference.contains("Zenica"), "{}", doc.reference);

        // Kakanj reproduces and verifies it without asking Zenica again.
        let again = kak.store.reproduce_extract(&issued.content.issue.number).await.unwrap();
        assert_eq!(again.content.hash(), issued.content.hash());
        let verified = kak.store.verify_extract(&issued.content.issue.number, &issued.seal).await.unwrap().unwrap();
        assert_eq!(verified.status, opcina_store::extracts::Status::Current);

        // Zenica's access log tells her who read her entry, from where and why.
        let log = zen.store.raw().reads().access_log(person.as_str(), None, 10).await.unwrap();
        let remote: Vec<_> = log.iter().filter(|a| a.role == "federation").collect();
        assert_eq!(remote.len(), 4, "{log:?}");
        let read = remote.iter().find(|a| a.action == "federation.entry-for-extract" && a.purpose == "penzija").unwrap();
        assert_eq!(read.username, "KAK:salter");
        assert!(read.office_code.as_deref().unwrap().contains("Općina Kakanj") && read.office_code.as_deref().unwrap().contains("Edin Mujić"));
        assert_eq!((read.purpose.as_str(), read.case_number.as_deref()), ("penzija", Some("UP-1/2026")));

        // Both message logs hold the exchanges, chained, and the journals verify.
        for node in [&kak, &zen] {
            let report = verify_chain(&node.store, &[]).await.unwrap();
            assert_eq!((report.messages, report.problems.clone()), (4, vec![]), "{}", node.code);
            assert!(opcina_store::verify::verify(node.store.raw(), &|_| {}).await.unwrap().problems.is_empty());
        }
        kak.server.abort();
        zen.server.abort();
    }
}

/// A request to Zenica's router signed by `key` as `keyid`, at `now`.
fn signed(zen: &Node, key: &SigningKey, keyid: &str, body: &[u8], now: i64, nonce: &str) -> HttpMessage {
    let mut m = HttpMessage {
        method: "POST".into(),
        authority: zen.addr.to_string(),
        path: "/federation/v1/locate".into(),
        query: None,
        status: None,
        headers: vec![("content-type".into(), "application/json".into())],
    };
    sign_request(key, keyid, &mut m, body, now, nonce).unwrap();
    m
}

/// `m` (its target) signed afresh.
fn signed_for(m: &HttpMessage, key: &SigningKey, keyid: &str, body: &[u8], now: i64, nonce: &str) -> HttpMessage {
    let mut m = HttpMessage { headers: vec![("content-type".into(), "application/json".into())], ..m.clone() };
    sign_request(key, keyid, &mut m, body, now, nonce).unwrap();
    m
}

async fn send_get(node: &Node, path: &str) -> (StatusCode, String) {
    let req = Request::builder().uri(path).header("host", node.addr.to_string()).header("accept-language", "bs");
    let response = app(node.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    (status, String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned())
}

async fn send(zen: &Node, m: &HttpMessage, body: &[u8]) -> (StatusCode, String) {
    let mut req = Request::builder().method("POST").uri(&m.path).header("host", &m.authority);
    for (n, v) in &m.headers {
        req = req.header(n.as_str(), v.as_str());
    }
    let response = app(zen.state.clone()).oneshot(req.body(Body::from(body.to_vec())).unwrap()).await.unwrap();
    let status = response.status();
    (status, String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned())
}

backend_test! {
    async fn unsigned_tampered_replayed_expired_and_unknown_messages_are_refused_and_logged(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        let person = commands::born(&zen.store, &zen.registrar, "Lejla", "Zenić", Sex::Female, date(1990, 3, 5)).await;
        let kak_key = SigningKey::from_bytes(&[11; 32]);
        let keyid = key_id("KAK", &kak_key.verifying_key());
        let body = serde_json::to_vec(&LocateQuery { context: context(&kak, "provjera"), jmbg: person.to_string() }).unwrap();
        let now = unix_now();

        let good = signed(&zen, &kak_key, &keyid, &body, now, "n-1");
        assert_eq!(send(&zen, &good, &body).await.0, StatusCode::OK);
        let (status, text) = send(&zen, &good, &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "replayed");
        assert!(text.contains("federation.unauthenticated") && text.contains("replay"), "{text}");

        let mut tampered_body = body.clone();
        tampered_body.extend_from_slice(b" ");
        let t = signed(&zen, &kak_key, &keyid, &body, now, "n-2");
        assert_eq!(send(&zen, &t, &tampered_body).await.0, StatusCode::UNAUTHORIZED, "tampered body");
        let mut moved = signed(&zen, &kak_key, &keyid, &body, now, "n-3");
        moved.path = "/federation/v1/entry-for-extract".into();
        assert_eq!(send(&zen, &moved, &body).await.0, StatusCode::UNAUTHORIZED, "signed for another path");

        let (status, text) = send(&zen, &signed(&zen, &kak_key, &keyid, &body, now - 600, "n-4"), &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(text.contains("expired"), "{text}");

        let stranger = SigningKey::from_bytes(&[66; 32]);
        let (status, text) = send(&zen, &signed(&zen, &stranger, &key_id("XYZ", &stranger.verifying_key()), &body, now, "n-5"), &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "unknown member");
        assert!(text.contains("XYZ"), "{text}");
        // A member's code with a key the directory does not list for it.
        let (status, _) = send(&zen, &signed(&zen, &stranger, &keyid, &body, now, "n-6"), &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "impostor");

        // Signed for another node (replayed to Zenica with that node's name as the host).
        let mut elsewhere = good.clone();
        elsewhere.authority = "sarajevo.opcina.test".into();
        let elsewhere = signed_for(&elsewhere, &kak_key, &keyid, &body, now, "n-9");
        let (status, text) = send(&zen, &elsewhere, &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
        assert!(text.contains("addressed to sarajevo.opcina.test"), "{text}");

        let unsigned = HttpMessage { headers: vec![("content-digest".into(), content_digest(&body))], ..good.clone() };
        assert_eq!(send(&zen, &unsigned, &body).await.0, StatusCode::UNAUTHORIZED, "unsigned");

        // Signed by Kakanj but claiming another member in its context: forbidden.
        let mut claims = context(&kak, "provjera");
        claims.member = "SCE".into();
        let other = serde_json::to_vec(&LocateQuery { context: claims, jmbg: person.to_string() }).unwrap();
        assert_eq!(send(&zen, &signed(&zen, &kak_key, &keyid, &other, now, "n-7"), &other).await.0, StatusCode::FORBIDDEN);
        // No legal basis: deny by default.
        let mut none = context(&kak, "radoznalost");
        none.legal_basis = "other".into();
        let other = serde_json::to_vec(&LocateQuery { context: none, jmbg: person.to_string() }).unwrap();
        let (status, text) = send(&zen, &signed(&zen, &kak_key, &keyid, &other, now, "n-8"), &other).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(text.contains("federation.no_legal_basis"), "{text}");

        // Zenica's message log holds the exchanges whose signature was verified (the answer,
        // the request addressed elsewhere, the two refused by rule); the seven refused before
        // their sender was known are lines in the process log, not rows someone could flood.
        let report = verify_chain(&zen.store, &[]).await.unwrap();
        assert_eq!(report.messages, 4);
        assert!(report.problems.is_empty());
        let last = zen.store.raw().reads().last_message().await.unwrap().unwrap();
        assert!(last.outcome.starts_with("refused: federation.no_legal_basis"), "{}", last.outcome);
        kak.server.abort();
        zen.server.abort();
    }
}

backend_test! {
    /// Issue 16: unsigned requests with large signature headers grew the database by ~485 KB
    /// each. Now nothing of them is stored, and an oversized header is refused unread.
    async fn unauthenticated_requests_leave_no_rows_and_oversized_headers_are_refused(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        let head = zen.store.raw().journal_head().await.unwrap();
        let body = b"{}".to_vec();
        let filler = "K".repeat(4000);
        let forged = HttpMessage {
            method: "POST".into(),
            authority: zen.addr.to_string(),
            path: "/federation/v1/locate".into(),
            query: None,
            status: None,
            headers: vec![
                ("signature-input".into(), format!("opcina=(\"@method\");keyid=\"{filler}\"")),
                ("signature".into(), "opcina=:AAAA:".into()),
            ],
        };
        // 60 refusals a minute from one address; then it is turned away unread.
        for i in 0..200 {
            let (status, text) = send(&zen, &forged, &body).await;
            if i < 60 {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{i}: {text}");
            } else {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{i}: {text}");
                assert!(text.contains("federation.rate_limited"), "{text}");
            }
        }
        let mut huge = forged.clone();
        huge.headers[0].1 = format!("opcina=(\"@method\");keyid=\"{}\"", "K".repeat(120_000));
        let (status, text) = send(&kak, &huge, &body).await;
        assert_eq!(status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "{text}");
        assert!(text.contains("federation.header_too_large"), "{text}");
        assert_eq!(zen.store.raw().journal_head().await.unwrap(), head, "nothing was written");
        assert_eq!(verify_chain(&zen.store, &[]).await.unwrap().messages, 0);
        kak.server.abort();
        zen.server.abort();
    }
}

backend_test! {
    async fn a_changed_or_removed_message_breaks_the_chain(db: TestDb) {
        let url = db.url.clone();
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        let person = commands::born(&zen.store, &zen.registrar, "Lejla", "Zenić", Sex::Female, date(1990, 3, 5)).await;
        for purpose in ["a", "b", "c"] {
            kak.federation.locate(&kak.state, &kak.clerk, &context(&kak, purpose), &person).await.unwrap();
        }
        assert!(verify_chain(&kak.store, &[]).await.unwrap().problems.is_empty());
        let ids: Vec<i64> = {
            let rows = kak.store.raw().rows_page("federation_messages", 0, 10).await.unwrap();
            rows.iter().map(|r| r.id()).collect()
        };
        assert_eq!(ids.len(), 3);
        let raw = opcina_store::connect(&url).await.unwrap();
        raw.execute_raw(&format!("UPDATE federation_messages SET outcome = 'ok, nothing to see' WHERE id = {}", ids[0])).await.unwrap();
        raw.execute_raw(&format!("DELETE FROM federation_messages WHERE id = {}", ids[1])).await.unwrap();
        let problems = verify_chain(&kak.store, &[]).await.unwrap().problems;
        assert_eq!(problems[..2], [ChainProblem::Changed { id: ids[0] }, ChainProblem::Unlinked { id: ids[2] }]);
        // The journal accounts for every message: it names the change and the removal too.
        let unjournaled: Vec<i64> =
            problems[2..].iter().map(|p| if let ChainProblem::Unjournaled { id, .. } = p { *id } else { panic!("{p:?}") }).collect();
        assert_eq!(unjournaled, vec![ids[0], ids[1]]);
        kak.server.abort();
        zen.server.abort();
    }
}

backend_test! {
    async fn an_expired_foreign_or_older_directory_is_refused_and_a_valid_one_is_kept(db: TestDb) {
        let (kak, zen, file) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        let now = unix_now();
        let members = vec![member("KAK", "Općina Kakanj", kak.addr, &SigningKey::from_bytes(&[11; 32]))];
        let expired = directory(members.clone(), 5, now - 7200, now - 3600);
        assert!(kak.federation.offer(&expired).unwrap_err().contains("expired"));
        let foreign = serde_json::to_vec(
            &Directory { serial: 6, issued_at: now, valid_until: now + 60, members: members.clone() }.sign(&SigningKey::from_bytes(&[77; 32])).unwrap(),
        )
        .unwrap();
        assert!(kak.federation.offer(&foreign).unwrap_err().contains("not by the trusted authority"));
        let older = directory(members.clone(), 0, now - 10, now + 60);
        assert!(kak.federation.offer(&older).unwrap_err().contains("older"));
        // The held directory still serves.
        assert_eq!(kak.federation.directory().unwrap().serial, 1);

        // The source goes bad (expired): refresh refuses it and keeps the held one; a node
        // started afresh with a bad source works from its cache.
        std::fs::write(&file, &expired).unwrap();
        assert!(kak.federation.refresh().await.is_err());
        assert_eq!(kak.federation.directory().unwrap().serial, 1);
        let restarted = Federation::new(kak.federation.settings.clone(), SigningKey::from_bytes(&[11; 32]));
        assert_eq!(restarted.refresh().await.unwrap(), 1, "from the cache");

        // Published on a web server: fetched over HTTP; a newer one replaces the held one.
        let newer = directory(members.clone(), 3, now - 10, now + 3600);
        let site = axum::Router::new().route("/directory.json", axum::routing::get(move || async move { newer.clone() }));
        let web = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/directory.json", web.local_addr().unwrap());
        let served = tokio::spawn(async move { axum::serve(web, site).await.unwrap() });
        let over_http = Federation::new(Settings { directory: url, ..kak.federation.settings.clone() }, SigningKey::from_bytes(&[11; 32]));
        assert_eq!(over_http.refresh().await.unwrap(), 3);
        served.abort();
        kak.server.abort();
        zen.server.abort();
    }
}

backend_test! {
    async fn a_peer_that_is_down_or_slow_gives_a_clear_answer_in_time(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_millis(700)).await;
        let person: Jmbg = commands::born(&kak.store, &kak.registrar, "Adnan", "Kakanjac", Sex::Male, date(1985, 1, 2)).await;
        let query = EntryQuery { context: context(&kak, "penzija"), request: self_request(&person) };
        // Slow: Zenica's port accepts but never answers.
        zen.server.abort();
        let _ = zen.server.await;
        let silent = tokio::net::TcpListener::bind(zen.addr).await.unwrap();
        let hold = tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                if let Ok((s, _)) = silent.accept().await {
                    held.push(s);
                }
            }
        });
        let started = Instant::now();
        let err = kak.federation.entry_for_extract(&kak.state, &kak.clerk, "ZEN", &query).await.unwrap_err();
        assert!(matches!(err, CallError::Timeout(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        // Down: nothing listens.
        hold.abort();
        let _ = hold.await;
        let started = Instant::now();
        let err = kak.federation.entry_for_extract(&kak.state, &kak.clerk, "ZEN", &query).await.unwrap_err();
        assert!(matches!(err, CallError::Unreachable(_) | CallError::Timeout(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        // Both failures are in Kakanj's message log.
        let report = verify_chain(&kak.store, &[]).await.unwrap();
        assert_eq!(report.messages, 2);
        let last = kak.store.raw().reads().last_message().await.unwrap().unwrap();
        assert!(last.outcome.starts_with("federation."), "{}", last.outcome);
        kak.server.abort();
    }
}

/// The counter's pages through Kakanj's router, with a session and its CSRF token.
struct Clerk {
    router: axum::Router,
    cookies: std::collections::BTreeMap<String, String>,
}

impl Clerk {
    async fn send(&mut self, method: &str, path: &str, form: Option<&[(&str, &str)]>) -> (StatusCode, String, String) {
        let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let mut req = Request::builder().method(method).uri(path).header("host", "kakanj.test").header("cookie", cookie);
        let body = match form {
            Some(fields) => {
                let cookie = self.cookies.get("opcina_csrf").cloned().unwrap_or_default();
                let session = self.cookies.get("opcina_session").filter(|s| !s.is_empty());
                let csrf = opcina_web::ui::form_token(&cookie, session.map(String::as_str));
                let mut all = vec![("csrf", csrf.as_str())];
                all.extend_from_slice(fields);
                req = req.header("content-type", "application/x-www-form-urlencoded");
                Body::from(serde_urlencoded::to_string(all).unwrap())
            }
            None => Body::empty(),
        };
        let response = self.router.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        for c in response.headers().get_all("set-cookie") {
            let (k, v) = c.to_str().unwrap().split(';').next().unwrap().split_once('=').unwrap();
            self.cookies.insert(k.to_string(), v.to_string());
        }
        let status = response.status();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
        (status, location, String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned())
    }
}

backend_test! {
    async fn the_counter_finds_the_holder_and_issues_the_remote_extract(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        let person = commands::born(&zen.store, &zen.registrar, "Lejla", "Zenić", Sex::Female, date(1990, 3, 5)).await;
        kak.store.set_password(&Actor::system("test"), "salter", "lozinka-šaltera-1").await.unwrap();
        let mut clerk = Clerk { router: app(kak.state.clone()), cookies: Default::default() };
        clerk.send("GET", "/sign-in", None).await;
        let (status, _, _) = clerk.send("POST", "/sign-in", Some(&[("username", "salter"), ("password", "lozinka-šaltera-1")])).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, counter) = clerk.send("GET", "/counter", None).await;
        assert!(counter.contains("/counter/elsewhere"), "the counter links to the other municipalities");

        let (status, _, page) = clerk.send("GET", &format!("/counter/elsewhere?jmbg={person}&purpose=penzija&relation=self&case=UP-7"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Grad Zenica") && page.contains("MKR"), "{page}");
        let link = format!("/counter/elsewhere/ZEN/{person}");
        assert!(page.contains(&link), "{page}");
        let (status, _, form) = clerk.send("GET", &format!("{link}?purpose=penzija&relation=self&case=UP-7"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains(&format!("action=\"{link}\"")), "{form}");

        let fields = [("kind", "birth"), ("language", "bs"), ("script", "latin"), ("requester_name", "Lejla Zenić"), ("requester_jmbg", person.as_str()), ("relation", "self"), ("purpose", "penzija"), ("case", "UP-7")];
        let (status, location, body) = clerk.send("POST", &link, Some(&fields)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert!(location.starts_with("/counter/extracts/KAK-"), "{location}");
        let (status, _, issued) = clerk.send("GET", &location, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(issued.contains("Lejla"), "{issued}");
        assert!(issued.contains("Matičnu knjigu vodi") && issued.contains("Zenica (ZEN)"), "{issued}");

        // Zenica down: the clerk is told which municipality did not answer, nothing is lost.
        zen.server.abort();
        let _ = zen.server.await;
        let (status, _, refused) = clerk.send("POST", &link, Some(&fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.contains("ZEN nije poslala podatke"), "{refused}");
        assert!(refused.contains("value=\"Lejla Zenić\""), "the form keeps what was typed");
        kak.server.abort();
    }
}

backend_test! {
    async fn a_notice_reaches_the_holder_after_it_was_down_and_is_applied_once(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_millis(700)).await;
        let wife = commands::born(&zen.store, &zen.registrar, "Lejla", "Zenić", Sex::Female, date(1995, 3, 5)).await;
        let husband = commands::born(&kak.store, &kak.registrar, "Adnan", "Kakanjac", Sex::Male, date(1993, 1, 2)).await;
        // Zenica is down when Kakanj registers the marriage.
        let zen_state = zen.state.clone();
        zen.server.abort();
        let _ = zen.server.await;
        let mut her = commands::spouse(&wife, "Kakanjac");
        her.person = Some(opcina_core::registry::commands::PersonInput {
            given_name: "Lejla".into(),
            surname: "Zenić".into(),
            sex: None,
            birth_place: opcina_core::registry::Place::new("Zenica", "Zenica", "Bosna i Hercegovina"),
        });
        let mut marriage = commands::marriage(&husband, "Kakanjac", &wife, "Kakanjac", date(2026, 6, 6));
        if let opcina_core::registry::commands::Command::RegisterMarriage(m) = &mut marriage {
            m.spouses[1] = her;
        }
        let applied = commands::ok(&kak.store, &kak.registrar, marriage).await;
        assert_eq!(applied.notices.len(), 1, "her birth entry is in Zenica");
        assert_eq!(kak.store.raw().reads().pending_notices(10).await.unwrap().len(), 1);

        let outbox = Arc::clone(&kak.federation).spawn_outbox(kak.state.clone(), Duration::from_millis(100));
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(kak.store.raw().reads().pending_notices(10).await.unwrap().len(), 1, "not delivered while Zenica is down");
        // The operator sees it waiting.
        let (_, health) = send_get(&kak, "/healthz").await;
        let health: serde_json::Value = serde_json::from_str(&health).unwrap();
        assert_eq!((health["federation"]["member"].as_str(), health["federation"]["outbox_pending"].as_u64()), (Some("KAK"), Some(1)), "{health}");
        assert_eq!(health["federation"]["directory_serial"].as_u64(), Some(1));
        let operator = kak.store.user("salter").await.unwrap().unwrap();
        let session = kak.store.open_session(&operator).await.unwrap();
        let req = Request::builder().uri("/status").header("accept-language", "bs").header("cookie", format!("opcina_session={session}"));
        let response = app(kak.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let status = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        assert!(status.contains("Obavijesti koje čekaju slanje"), "{status}");

        // Zenica comes back on the same address, with the same database.
        let listener = tokio::net::TcpListener::bind(zen.addr).await.unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app(zen_state)).await.unwrap() });
        let started = Instant::now();
        while !kak.store.raw().reads().pending_notices(10).await.unwrap().is_empty() {
            assert!(started.elapsed() < Duration::from_secs(15), "the notice was not delivered after the restart");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        outbox.abort();
        let records = zen.store.raw().reads().person_records(&wife).await.unwrap();
        let marriages: Vec<_> = records.annotations.iter().filter(|a| a.annotation.content.kind() == "marriage").collect();
        assert_eq!(marriages.len(), 1, "{:?}", records.annotations);
        assert_eq!(marriages[0].recorded_by, "federation:KAK");

        // The same notice again (as after a crash before the receipt was recorded): once.
        let kept = kak.store.raw().rows_page("federation_outbox", 0, 10).await.unwrap();
        let sent = kept[0].get::<opcina_store::rows::OutboxRow>().unwrap_or_else(|| panic!("{kept:?}"));
        let again = zen
            .store
            .apply_notice(opcina_store::federation::IncomingNotice {
                notice_id: format!("KAK:{}", sent.id),
                member: "KAK".into(),
                subject: wife.clone(),
                annotation: serde_json::from_str(&sent.annotation).unwrap(),
            })
            .await
            .unwrap();
        assert_eq!(again.status, "applied");
        let records = zen.store.raw().reads().person_records(&wife).await.unwrap();
        assert_eq!(records.annotations.iter().filter(|a| a.annotation.content.kind() == "marriage").count(), 1);
        let delivery = kak.store.raw().reads().delivery(sent.id).await.unwrap().unwrap();
        assert_eq!((delivery.member.as_str(), delivery.status.as_str()), ("ZEN", "applied"));
        for node in [&kak.store, &zen.store] {
            assert!(opcina_store::verify::verify(node.raw(), &|_| {}).await.unwrap().problems.is_empty());
            assert!(verify_chain(node, &[]).await.unwrap().problems.is_empty());
        }
        server.abort();
        kak.server.abort();
    }
}

backend_test! {
    async fn an_answer_signed_with_a_key_the_directory_does_not_list_is_refused(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        let person = commands::born(&zen.store, &zen.registrar, "Lejla", "Zenić", Sex::Female, date(1990, 3, 5)).await;
        // Kakanj's directory (a newer one) lists another key for Zenica than the one it signs with.
        let now = unix_now();
        let members = vec![
            member("KAK", "Općina Kakanj", kak.addr, &SigningKey::from_bytes(&[11; 32])),
            member("ZEN", "Grad Zenica", zen.addr, &SigningKey::from_bytes(&[99; 32])),
        ];
        assert_eq!(kak.federation.offer(&directory(members, 2, now - 10, now + 3600)).unwrap(), 2);
        let query = EntryQuery { context: context(&kak, "penzija"), request: self_request(&person) };
        let err = kak.federation.entry_for_extract(&kak.state, &kak.clerk, "ZEN", &query).await.unwrap_err();
        assert!(matches!(err, CallError::BadSignature(_)), "{err:?}");
        let last = kak.store.raw().reads().last_message().await.unwrap().unwrap();
        assert!(last.outcome.starts_with("federation.bad_signature"), "{}", last.outcome);
        kak.server.abort();
        zen.server.abort();
    }
}

backend_test! {
    async fn a_notice_that_cannot_be_applied_waits_for_the_registrar(db: TestDb) {
        let (kak, zen, _) = kakanj_and_zenica(db, Duration::from_secs(3)).await;
        // Some serials give no valid check digit: the first that does.
        let stranger = (333..400).find_map(|serial| Jmbg::compose(date(1971, 4, 4), 19, serial, opcina_core::CheckMode::Strict)).unwrap();
        let death = opcina_core::registry::annotation::Annotation {
            content: opcina_core::registry::annotation::AnnotationContent::Death {
                death: opcina_core::registry::annotation::EventRef { entry_id: None, municipality: "Kakanj".into(), reference: "MKU 4/2026, KAK".into() },
                date: date(2026, 2, 2),
                place: None,
            },
            legal_basis: opcina_core::registry::annotation::LegalBasis { act: "upis u matičnu knjigu umrlih".into(), issuer: "Kakanj".into(), number: "MKU 4/2026, KAK".into(), date: date(2026, 2, 3) },
            effective_date: date(2026, 2, 2),
            note: None,
        };
        let notice = opcina_store::federation::IncomingNotice { notice_id: "KAK:77".into(), member: "KAK".into(), subject: stranger.clone(), annotation: death };
        let row = zen.store.apply_notice(notice).await.unwrap();
        assert_eq!(row.status, "queued");
        assert!(row.reason.as_deref().unwrap().contains("no birth entry"), "{row:?}");

        zen.store.set_password(&Actor::system("test"), "maticar", "lozinka-matičara-1").await.unwrap();
        let mut registrar = Clerk { router: app(zen.state.clone()), cookies: Default::default() };
        registrar.send("GET", "/sign-in", None).await;
        registrar.send("POST", "/sign-in", Some(&[("username", "maticar"), ("password", "lozinka-matičara-1")])).await;
        let (status, _, page) = registrar.send("GET", "/counter/notices", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(stranger.as_str()) && page.contains("Općina Kakanj") && page.contains("no birth entry"), "{page}");
        let (status, location, _) = registrar.send("POST", &format!("/counter/notices/{}/handled", row.id), Some(&[("note", "upisano u MKR 1971 ručno")])).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/counter/notices"));
        assert!(zen.store.raw().reads().queued_notices(10).await.unwrap().is_empty());
        let (status, _, _) = registrar.send("POST", &format!("/counter/notices/{}/handled", row.id), Some(&[("note", "again")])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(opcina_store::verify::verify(zen.store.raw(), &|_| {}).await.unwrap().problems.is_empty());
        kak.server.abort();
        zen.server.abort();
    }
}
