//! The real `opcina` binary, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use opcina_core::registry::import::ImportLine;
use opcina_store::calendar_today as today;
use opcina_store::sql::prelude::*;
use opcina_testkit::{TestDb, backend_test};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_opcina");

fn opcina(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env_remove("OPCINA_DATABASE_URL").env("RUST_LOG", "warn").output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn ok(args: &[&str]) -> String {
    let out = opcina(args);
    assert!(out.status.success(), "opcina {args:?} failed: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn init(db: &TestDb) {
    ok(&["init", "--database", &db.url]);
}

fn import_file(db: &TestDb, name: &str, lines: &[String]) -> std::path::PathBuf {
    let path = db.scratch().join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    path
}

fn book(n: usize, seed: u64) -> Vec<String> {
    opcina_synthetic::Historical::new(n, seed, 19, today()).map(|l: ImportLine| serde_json::to_string(&l).unwrap()).collect()
}

/// A minimal HTTP/1.1 client (one request per connection).
fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let json = response.split_once("\r\n\r\n").map(|(_, b)| serde_json::from_str(b).unwrap_or(Value::Null)).unwrap_or(Value::Null);
    (status, json)
}

/// Starts `opcina serve` on a free port and returns it with its address.
fn serve(db: &TestDb) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--database", &db.url, "--index", &db.scratch().join("index").display().to_string(), "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(at) = line.find("serving on http://") {
            let addr: String = line[at + 18..].chars().take_while(|c| !c.is_whitespace()).collect();
            std::thread::spawn(move || for _ in lines {});
            return (child, addr);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("opcina serve did not start");
}

backend_test! {
    async fn offices_users_and_tokens_are_managed_from_the_command_line(db: TestDb) {
        init(&db);
        let offices = ok(&["office", "list", "--database", &db.url]);
        let codes: Vec<&str> = offices.lines().map(|l| l.split('\t').next().unwrap()).collect();
        assert_eq!(codes, vec!["KAK", "KSU", "BRN", "BIL"]);
        ok(&["user", "add", "--database", &db.url, "--username", "ana", "--role", "registrar", "--office", "KSU"]);
        let refused = opcina(&["user", "add", "--database", &db.url, "--username", "ena", "--role", "registrar"]);
        assert_eq!(refused.status.code(), Some(2));
        assert!(text(&refused).contains("admin.office.required") || text(&refused).contains("works at an office"), "{}", text(&refused));
        let out = ok(&["token", "create", "--database", &db.url, "--username", "ana"]);
        let token = out.lines().last().unwrap();
        assert!(token.starts_with("opc_") && token.len() == 68, "{out}");
        // The environment variable names the database as well as the flag does.
        let listed = Command::new(BIN).args(["user", "list"]).env("OPCINA_DATABASE_URL", &db.url).output().unwrap();
        assert!(String::from_utf8_lossy(&listed.stdout).contains("ana\tregistrar\tKSU"));
    }
}

backend_test! {
    async fn journal_verify_passes_then_names_a_tampered_row(db: TestDb) {
        init(&db);
        let file = import_file(&db, "books.jsonl", &book(50, 4));
        ok(&["import", "--database", &db.url, &file.display().to_string()]);
        let out = ok(&["journal", "verify", "--database", &db.url]);
        assert!(out.contains("journal verified"), "{out}");
        let store = db.open().await;
        let id: i64 = 20;
        store.raw().execute_raw(&format!("UPDATE entries SET data = replace(data, 'Kakanj', 'Kakanj ') WHERE id = (SELECT MIN(id) FROM entries WHERE id >= {id})")).await.unwrap();
        store.raw().execute_raw("DELETE FROM annotations WHERE id = (SELECT MAX(id) FROM annotations)").await.unwrap();
        store.close().await;
        let out = opcina(&["journal", "verify", "--database", &db.url]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let report = text(&out);
        assert!(report.contains("entries row") && report.contains("changed behind the program's back"), "{report}");
        assert!(report.contains("annotations row") && report.contains("deleted behind the program's back"), "{report}");
    }
}

backend_test! {
    async fn import_reports_every_bad_line_and_writes_nothing_unless_asked(db: TestDb) {
        init(&db);
        let mut lines = book(30, 5);
        lines[4] = lines[4].replacen("\"jmbg\":\"", "\"jmbg\":\"9", 1);
        lines[9] = "{oops".into();
        let file = import_file(&db, "bad.jsonl", &lines);
        let out = opcina(&["import", "--database", &db.url, &file.display().to_string()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let report = text(&out);
        assert!(report.contains("line 5: data.child.jmbg:"), "{report}");
        assert!(report.contains("line 10:") && report.contains("import.json.syntax"), "{report}");
        assert!(report.contains("nothing was imported"), "{report}");
        let rejects = db.scratch().join("rejects.jsonl");
        let out = ok(&["import", "--database", &db.url, &file.display().to_string(), "--rejects", &rejects.display().to_string()]);
        assert!(out.contains("imported 28 entries"), "{out}");
        assert_eq!(std::fs::read_to_string(&rejects).unwrap().lines().count(), 2);
    }
}

backend_test! {
    async fn an_import_killed_before_its_commit_leaves_nothing(db: TestDb) {
        init(&db);
        let file = import_file(&db, "books.jsonl", &book(200, 6));
        let out = Command::new(BIN)
            .args(["import", "--database", &db.url, &file.display().to_string()])
            .env("OPCINA_FAULT_IMPORT_ABORT_AFTER", "150")
            .output()
            .unwrap();
        assert!(!out.status.success(), "the process was aborted");
        let store = db.open().await;
        assert!(store.raw().reads().person_jmbgs_after("", 1).await.unwrap().is_empty(), "no entry was written");
        store.close().await;
        assert!(ok(&["journal", "verify", "--database", &db.url]).contains("journal verified"));
        let out = ok(&["import", "--database", &db.url, &file.display().to_string()]);
        assert!(out.contains("imported 200 entries"), "{out}");
    }
}

backend_test! {
    async fn seed_then_index_rebuild(db: TestDb) {
        let out = ok(&["seed", "--database", &db.url, "--persons", "300", "--seed", "3"]);
        assert!(out.contains("seeded 300 births"), "{out}");
        let index = db.scratch().join("idx");
        let out = ok(&["index", "rebuild", "--database", &db.url, "--index", &index.display().to_string()]);
        assert!(out.starts_with("indexed "), "{out}");
        let n: u64 = out.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(n >= 300, "{out}");
        assert!(ok(&["journal", "verify", "--database", &db.url]).contains("journal verified"));
    }
}

backend_test! {
    /// Another municipality's node is seeded with people of its own offices (not Kakanj's,
    /// which it does not have: their entries were refused by the offices' foreign key).
    async fn a_node_of_another_municipality_can_be_seeded(db: TestDb) {
        let out = ok(&["seed", "--database", &db.url, "--preset", "zenica", "--persons", "200", "--seed", "3"]);
        assert!(out.contains("seeded 200 births"), "{out}");
        assert!(ok(&["journal", "verify", "--database", &db.url]).contains("journal verified"));
        let offices: Vec<String> = ok(&["office", "list", "--database", &db.url]).lines().map(str::to_string).collect();
        assert!(offices.iter().any(|l| l.contains("ZEN")) && !offices.iter().any(|l| l.contains("KAK")), "{offices:?}");
    }
}

backend_test! {
    async fn an_acknowledged_registration_survives_a_killed_server(db: TestDb) {
        init(&db);
        ok(&["user", "add", "--database", &db.url, "--username", "ana", "--role", "registrar", "--office", "KAK"]);
        let token = ok(&["token", "create", "--database", &db.url, "--username", "ana"]).trim().to_string();
        let (mut server, addr) = serve(&db);
        let birth = serde_json::json!({
            "child": {"given_name": "Hana", "surname": "Mehić", "sex": "female", "birth_date": "2024-02-02",
                      "birth_place": {"settlement": "Zenica", "municipality": "Zenica"}},
            "mother": {"given_name": "Amra", "surname": "Mehić", "birth_date": "1995-01-01", "residence": "Kakanj"},
            "informant": "otac", "registered_on": "2024-02-05"
        });
        let (status, applied) = http(&addr, "POST", "/api/v1/births", Some(&token), Some(&birth));
        assert_eq!(status, 201, "{applied}");
        let jmbg = applied["entry"]["data"]["child"]["jmbg"].as_str().unwrap().to_string();
        server.kill().unwrap(); // SIGKILL: no shutdown, no flush
        server.wait().unwrap();
        let (mut server, addr) = serve(&db);
        let (status, view) = http(&addr, "GET", &format!("/api/v1/persons/{jmbg}?purpose=provjera"), Some(&token), None);
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["given_name"], "Hana");
        let (status, found) = http(&addr, "GET", "/api/v1/persons?q=hana%20mehic", Some(&token), None);
        assert_eq!(status, 200);
        assert_eq!(found["items"][0]["jmbg"], Value::String(jmbg));
        server.kill().unwrap();
        server.wait().unwrap();
        assert!(ok(&["journal", "verify", "--database", &db.url]).contains("journal verified"));
    }
}

#[test]
fn a_command_without_a_database_says_how_to_give_one() {
    let out = opcina(&["office", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--database"), "{}", text(&out));
}

/// Also the regression test for a demo that died when its stdout was closed right after the
/// "ready" line (the welcome's `println!` panicked on the broken pipe): the reader below
/// stops reading there.
#[test]
fn the_demo_starts_then_reuses_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let demo_dir = dir.path().join("demo");
    for expected in ["Creating the demo node", "Reusing the demo node"] {
        let mut child = Command::new(BIN)
            .args(["demo", "--dir", &demo_dir.display().to_string(), "--addr", "127.0.0.1:0", "--persons", "300"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut seen = String::new();
        let mut addr = None;
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if let Some(at) = line.find("is ready at http://") {
                addr = Some(line[at + 19..].split_whitespace().next().unwrap().to_string());
                break;
            }
        }
        if expected.starts_with("Creating") {
            // The first run reads the whole welcome: the demo accounts with their tokens.
            for line in lines.by_ref() {
                let line = line.unwrap();
                seen.push_str(&line);
                seen.push('\n');
                if line.starts_with("Stop with") {
                    break;
                }
            }
            for account in ["maticar ", "salter ", "revizor ", "admin "] {
                assert!(seen.lines().any(|l| l.trim_start().starts_with(account) && l.contains("opc_")), "{account}: {seen}");
            }
        } else {
            // The second stops reading at the ready line, closing the demo's stdout.
            drop(lines);
        }
        let addr = addr.unwrap_or_else(|| panic!("demo did not become ready: {seen}"));
        assert!(seen.contains(expected), "{seen}");

        let (status, health) = http(&addr, "GET", "/healthz", None, None);
        assert_eq!(status, 200);
        assert!(health["people_indexed"].as_u64().unwrap() >= 300, "{health}");
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert!(demo_dir.join("keys/node.key").exists() && demo_dir.join("opcina.toml").exists());
}

backend_test! {
    async fn extracts_are_issued_reproduced_verified_offline_and_revoked(db: TestDb) {
        init(&db);
        let file = import_file(&db, "books.jsonl", &book(20, 9));
        ok(&["import", "--database", &db.url, &file.display().to_string()]);
        ok(&["user", "add", "--database", &db.url, "--username", "salter", "--role", "counter_clerk", "--office", "KSU"]);
        let key = db.scratch().join("node.key");
        std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
        let public = hex::encode(opcina_core::extract::seal::signing_key_from_hex(&"ab".repeat(32)).unwrap().verifying_key().to_bytes());
        let line: Value = serde_json::from_str(&book(20, 9)[3]).unwrap();
        let jmbg = line["data"]["child"]["jmbg"].as_str().unwrap().to_string();
        let pdf = db.scratch().join("izvod.pdf");
        let (k, p) = (key.display().to_string(), pdf.display().to_string());
        let out = ok(&[
            "extract", "issue", "--database", &db.url, "--key", &k, "--user", "salter", "--jmbg", &jmbg, "--kind", "birth",
            "--language", "sr", "--script", "cyrillic", "--relation", "self", "--purpose", "penzija", "--out", &p,
        ]);
        let number = out.split_whitespace().nth(1).unwrap().to_string();
        assert!(number.starts_with("KSU-"), "{out}");
        let issued = std::fs::read(&pdf).unwrap();
        // Offline, with the public key only.
        let verified = ok(&["extract", "verify", &p, "--public-key", &public]);
        assert!(verified.contains(&format!("authentic: {number}")), "{verified}");
        // Against the node: also the status.
        let verified = ok(&["extract", "verify", &p, "--database", &db.url]);
        assert!(verified.contains("status: current"), "{verified}");
        // Reproduced from the register: the same bytes.
        let again = db.scratch().join("again.pdf");
        ok(&["extract", "render", "--database", &db.url, "--key", &k, "--number", &number, "--out", &again.display().to_string()]);
        assert_eq!(std::fs::read(&again).unwrap(), issued);
        // Rendering read the person's records again: logged, by the operator.
        let store = db.open().await;
        let log = store.raw().reads().access_log(&jmbg, None, 20).await.unwrap();
        assert!(log.iter().any(|a| a.action == "extract.printed" && a.username.starts_with("cli:")), "{log:?}");
        // Any change to the file is detected.
        let mut changed = issued.clone();
        let at = changed.len() / 3;
        changed[at] ^= 1;
        let tampered = db.scratch().join("tampered.pdf");
        std::fs::write(&tampered, &changed).unwrap();
        let out = opcina(&["extract", "verify", &tampered.display().to_string(), "--public-key", &public]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("NOT AUTHENTIC"), "{}", text(&out));
        // A refusal: exit 1, the decision written. The stranger is alive (a deceased requester
        // is turned away before any decision).
        let stranger = book(20, 9)
            .iter()
            .skip(5)
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|v| v["annotations"].as_array().is_none_or(|a| a.iter().all(|x| x["kind"] != "death")) && v["data"]["child"]["jmbg"].is_string())
            .unwrap()["data"]["child"]["jmbg"]
            .as_str()
            .unwrap()
            .to_string();
        let decision = db.scratch().join("rjesenje.pdf");
        let out = opcina(&[
            "extract", "issue", "--database", &db.url, "--key", &k, "--user", "salter", "--jmbg", &jmbg, "--kind", "birth",
            "--relation", "parent", "--requester-jmbg", &stranger, "--requester-name", "Neko Drugi", "--purpose", "nasljedstvo",
            "--out", &decision.display().to_string(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("REFUSED UP-I-KSU-1/"), "{}", text(&out));
        assert!(std::fs::read(&decision).unwrap().starts_with(b"%PDF-"));
        // Revoked: the node says so.
        ok(&["extract", "revoke", "--database", &db.url, "--user", "salter", "--number", &number, "--reason", "izdano greškom"]);
        let verified = ok(&["extract", "verify", &p, "--database", &db.url]);
        assert!(verified.contains("status: revoked"), "{verified}");
        assert!(ok(&["journal", "verify", "--database", &db.url]).contains("journal verified"));
    }
}

#[test]
fn the_federation_authority_enrols_members_and_publishes_a_signed_directory() {
    let dir = tempfile::tempdir().unwrap();
    let auth = dir.path().join("authority");
    let auth_s = auth.display().to_string();
    // A node's own key pair, made once.
    let keys = dir.path().join("zenica-keys").display().to_string();
    assert!(ok(&["key", "generate", "--dir", &keys]).contains("node.pub"));
    assert_eq!(opcina(&["key", "generate", "--dir", &keys]).status.code(), Some(2), "never overwritten");
    assert!(ok(&["federation", "init-authority", "--dir", &auth_s]).contains("authority key"));
    let again = opcina(&["federation", "init-authority", "--dir", &auth_s]);
    assert!(!again.status.success(), "an authority is not replaced");
    let kakanj = ed25519_dalek::SigningKey::from_bytes(&[1; 32]).verifying_key();
    let zenica = ed25519_dalek::SigningKey::from_bytes(&[2; 32]).verifying_key();
    let kak_pub = dir.path().join("node.pub");
    std::fs::write(&kak_pub, format!("{}\n", hex::encode(kakanj.to_bytes()))).unwrap();
    let enroll = |code: &str, name: &str, url: &str, key: &str, extra: &[&str]| {
        let mut args =
            vec!["federation", "enroll", "--dir", &auth_s, "--code", code, "--name", name, "--base-url", url, "--public-key", key];
        args.extend_from_slice(extra);
        opcina(&args)
    };
    assert!(enroll("KAK", "Općina Kakanj", "http://127.0.0.1:8101", &kak_pub.display().to_string(), &[]).status.success());
    let zen_hex = hex::encode(zenica.to_bytes());
    assert!(enroll("ZEN", "Grad Zenica", "http://127.0.0.1:8102/", &zen_hex, &["--services", "locate,entry-for-extract"]).status.success());
    let bad = enroll("sar", "x", "http://x", &zen_hex, &[]);
    assert!(!bad.status.success() && text(&bad).contains("--code"), "{}", text(&bad));
    let out = dir.path().join("directory.json");
    assert!(
        ok(&["federation", "publish", "--dir", &auth_s, "--days", "7", "--out", &out.display().to_string()])
            .contains("published directory 1 with 2 members")
    );
    assert!(ok(&["federation", "publish", "--dir", &auth_s]).contains("published directory 2"), "the serial grows");
    let signed: opcina_federation::directory::SignedDirectory = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let authority_pub: [u8; 32] =
        hex::decode(std::fs::read_to_string(auth.join("authority.pub")).unwrap().trim()).unwrap().try_into().unwrap();
    let authority = ed25519_dalek::VerifyingKey::from_bytes(&authority_pub).unwrap();
    let directory = signed.accept(&authority, chrono::Utc::now().timestamp(), None).unwrap();
    assert_eq!(directory.member("ZEN").unwrap().base_url, "http://127.0.0.1:8102");
    assert_eq!(directory.key(&opcina_federation::directory::key_id("KAK", &kakanj)), Some(kakanj));
    assert_eq!(directory.offering("annotation-notice").count(), 1);
}

backend_test! {
    async fn the_message_log_verifies_and_names_a_changed_message(db: TestDb) {
        init(&db);
        assert!(ok(&["federation", "log", "verify", "--database", &db.url]).contains("message log verified: 0 messages"));
        let store = db.open().await;
        let exchange = opcina_store::rows::MessageRow {
            direction: "out".into(),
            peer: "ZEN".into(),
            service: "locate".into(),
            outcome: "ok".into(),
            ..Default::default()
        };
        let row = store.log_exchange(&opcina_core::registry::Actor::system("test"), exchange, Vec::new()).await.unwrap();
        store.close().await;
        assert!(ok(&["federation", "log", "verify", "--database", &db.url]).contains("1 messages"));
        let raw = opcina_store::connect(&db.url).await.unwrap();
        raw.execute_raw(&format!("UPDATE federation_messages SET peer = 'SCE' WHERE id = {}", row.id)).await.unwrap();
        let out = opcina(&["federation", "log", "verify", "--database", &db.url]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out).contains(&format!("message {}: its content does not match its hash", row.id)), "{}", text(&out));
    }
}

/// Three consecutive free ports on loopback.
fn three_free_ports() -> u16 {
    for _ in 0..50 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = l.local_addr().unwrap().port();
        drop(l);
        if base < 65_000 && (1..3).all(|n| std::net::TcpListener::bind(("127.0.0.1", base + n)).is_ok()) {
            return base;
        }
    }
    panic!("no three consecutive free ports");
}

#[test]
fn the_federation_demo_starts_three_signed_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("federation");
    let base = three_free_ports();
    let mut child = Command::new(BIN)
        .args(["demo", "--federation", "--dir", &root.display().to_string(), "--addr", &format!("127.0.0.1:{base}"), "--persons", "300"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.starts_with("Stop with") {
            break;
        }
    }
    assert!(seen.contains("A federation of three municipalities is ready"), "{seen}");
    assert!(seen.contains("born in Grad Zenica") && seen.contains("born in Općina Centar Sarajevo"), "{seen}");
    for n in 0..3 {
        let addr = format!("127.0.0.1:{}", base + n);
        assert_eq!(http(&addr, "GET", "/healthz", None, None).0, 200, "{addr}");
        // Unsigned: refused, and not written to the node's message log (issue 16).
        let (status, body) = http(&addr, "POST", "/federation/v1/locate", None, Some(&serde_json::json!({"jmbg": "0101990190004"})));
        assert_eq!(status, 401, "{addr}: {body}");
        assert_eq!(body["error"]["code"], "federation.unauthenticated");
    }
    // Kakanj's journal, anchored: its checkpoints go to Zenica and Sarajevo, which keep them.
    let config = root.join("kakanj/opcina.toml").display().to_string();
    let out = ok(&["journal", "checkpoint", "--config", &config]);
    assert!(out.contains("witness ZEN: forward") && out.contains("witness SCE: forward"), "{out}");
    let out = ok(&["journal", "verify", "--config", &config]);
    assert!(out.contains("witness ZEN holds checkpoint") && out.contains("2 witnesses"), "{out}");
    // An older copy put back: the chain is whole and the copy's own checkpoints hold, but the
    // witnesses keep a later one.
    let copy = root.join("kakanj-copy");
    ok(&["backup", "--config", &config, "--out", &copy.display().to_string()]);
    // The node goes on (each checkpoint's exchanges with the witnesses are logged: writes
    // after the copy), and its next checkpoint reaches the witnesses.
    ok(&["journal", "checkpoint", "--config", &config]);
    let out = ok(&["journal", "checkpoint", "--config", &config]);
    assert!(out.contains("witness ZEN: forward"), "{out}");
    ok(&["restore", "--from", &copy.display().to_string(), "--config", &config, "--force"]);
    // The restored node signs its own (older) checkpoint, as it does when it starts: the
    // witnesses name it as going back, and keep answering with the further one.
    let out = ok(&["journal", "checkpoint", "--config", &config]);
    assert!(out.contains("witness ZEN: backward") && out.contains("witness SCE: backward"), "{out}");
    let out = opcina(&["journal", "verify", "--config", &config]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // The copy went on after it was put back: its journal reaches the witnesses' position
    // with other items (named as not what they signed), or stops short of it.
    assert!(text(&out).contains("the checkpoint witness ZEN keeps"), "{}", text(&out));
    assert!(text(&out).contains("or this is an older copy"), "{}", text(&out));
    child.kill().unwrap();
    child.wait().unwrap();
    let kakanj = format!("sqlite://{}", root.join("kakanj/opcina.db").display());
    let verified = ok(&["federation", "log", "verify", "--database", &kakanj]);
    // The only exchanges were the nodes' own: each sent its checkpoint to the others.
    assert!(verified.contains("message log verified:"), "{verified}");
    assert!(root.join("authority/directory.json").exists() && root.join("zenica/keys/node.key").exists());
}

backend_test! {
    /// A node sharing its JMBG region takes its block of serials from the command line; a
    /// seeded population's newborns then carry serials of that block only.
    async fn a_node_assigns_jmbgs_from_the_block_it_was_given(db: TestDb) {
        ok(&["init", "--database", &db.url, "--preset", "zenica"]);
        assert!(ok(&["jmbg-block", "show", "--database", &db.url]).starts_with("0+500\twhole range"));
        let bad = opcina(&["jmbg-block", "set", "--database", &db.url, "450+100", "--basis", "x"]);
        assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
        assert!(text(&bad).contains("000–499"), "{}", text(&bad));
        let set = ok(&["jmbg-block", "set", "--database", &db.url, "100+100", "--basis", "imenik federacije br. 7"]);
        assert!(set.contains("region 19") && set.contains("100+100"), "{set}");
        let shown = ok(&["jmbg-block", "show", "--database", &db.url]);
        assert!(shown.contains("serials 100-199 (men), 600-699 (women)") && shown.contains("imenik federacije br. 7"), "{shown}");
        ok(&["seed", "--database", &db.url, "--persons", "150", "--seed", "4"]);
        let store = db.open().await;
        let mut newborns = 0;
        for row in store.raw().rows_page("entries", 0, 1000).await.unwrap() {
            let entry = row.downcast::<opcina_store::rows::EntryRow>().unwrap().to_record().unwrap();
            if let opcina_core::registry::EntryContent::Birth(b) = &entry.content {
                let serial: u16 = b.child.jmbg.as_str()[9..12].parse().unwrap();
                assert!((100..200).contains(&serial) || (600..700).contains(&serial), "{} outside the block", b.child.jmbg);
                newborns += 1;
            }
        }
        assert!(newborns >= 100, "{newborns}");
    }
}

/// A demo node serving on a free port; its address and the registrar's token.
fn demo_node(dir: &std::path::Path) -> (Child, String, String) {
    let mut child = Command::new(BIN)
        .args(["demo", "--dir", &dir.display().to_string(), "--addr", "127.0.0.1:0", "--persons", "300"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (mut addr, mut token) = (None, None);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(at) = line.find("is ready at http://") {
            addr = Some(line[at + 19..].split_whitespace().next().unwrap().to_string());
        }
        if line.trim_start().starts_with("maticar ") {
            token = line.split_whitespace().last().map(str::to_string);
        }
        if line.starts_with("Stop with") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (child, addr.expect("the demo is ready"), token.expect("the registrar's token"))
}

fn birth_body(n: usize) -> Value {
    let day = format!("2023-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
    let (given, sex) = (["Emir", "Selma", "Nedim", "Amra"][n % 4], ["male", "female"][n % 2]);
    serde_json::json!({
        "child": {"given_name": given, "surname": "Begić", "sex": sex,
                  "birth_date": day, "birth_place": {"settlement": "Zenica", "municipality": "Zenica"}},
        "mother": {"given_name": "Lejla", "surname": "Begić", "birth_date": "1995-04-04", "residence": "Doboj, Kakanj"},
        "informant": "otac",
        "registered_on": day
    })
}

#[test]
fn a_backup_taken_under_write_load_restores_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let node = dir.path().join("node");
    let (mut child, addr, token) = demo_node(&node);
    let config = node.join("opcina.toml").display().to_string();
    // Births registered through the API as fast as one client can, all along.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop, addr) = (acknowledged.clone(), stop.clone(), addr.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (status, body) = http(&addr, "POST", "/api/v1/births", Some(&token), Some(&birth_body(n)));
                assert_eq!(status, 201, "{body}");
                acknowledged.lock().unwrap().push(body["entry"]["data"]["child"]["jmbg"].as_str().unwrap().to_string());
                n += 1;
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 20 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let before = acknowledged.lock().unwrap().clone();
    let backup = dir.path().join("backup");
    let out = ok(&["backup", "--config", &config, "--out", &backup.display().to_string()]);
    assert!(out.contains("the copy verifies") && out.contains("the signing key"), "{out}");
    let during = acknowledged.lock().unwrap().len();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert!(acknowledged.lock().unwrap().len() > during, "writes went on during and after the backup");
    child.kill().unwrap();
    child.wait().unwrap();
    let refused = opcina(&["backup", "--config", &config, "--out", &backup.display().to_string()]);
    assert!(!refused.status.success() && text(&refused).contains("not empty"), "{}", text(&refused));

    // Restored elsewhere: verified against the checkpoint taken for the copy.
    let restored = format!("sqlite://{}", dir.path().join("restored/opcina.db").display());
    let out = ok(&["restore", "--from", &backup.display().to_string(), "--database", &restored]);
    assert!(out.contains("journal verified up to item"), "{out}");
    let again = opcina(&["restore", "--from", &backup.display().to_string(), "--database", &restored]);
    assert!(!again.status.success() && text(&again).contains("--force"), "{}", text(&again));
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = opcina_store::Store::open(&restored).await.unwrap();
        for jmbg in &before {
            let jmbg = opcina_core::Jmbg::parse(jmbg, opcina_core::CheckMode::Lenient).unwrap();
            assert!(
                !store.raw().reads().person_records(&jmbg).await.unwrap().entries.is_empty(),
                "{jmbg}: acknowledged before the backup, missing"
            );
        }
        store.close().await;
    });
    let out = ok(&["journal", "verify", "--database", &restored]);
    assert!(out.contains("journal verified") && out.contains("checkpoints"), "{out}");
}

/// A fresh PostgreSQL database of its own (pg_dump and pg_restore work on whole databases),
/// dropped at the end; `None` when no PostgreSQL is configured for the tests.
struct PgDatabase {
    base: String,
    name: String,
}

impl PgDatabase {
    fn create(rt: &tokio::runtime::Runtime, label: &str) -> Option<PgDatabase> {
        let base = std::env::var("OPCINA_TEST_POSTGRES_URL").ok()?;
        let name = format!("opcina_{label}_{}", std::process::id());
        rt.block_on(async {
            let server = opcina_store::connect(&base).await.unwrap();
            server.execute_raw(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
            server.execute_raw(&format!("CREATE DATABASE {name}")).await.unwrap();
            server.close().await;
        });
        Some(PgDatabase { base, name })
    }

    fn url(&self) -> String {
        let (server, _) = self.base.rsplit_once('/').unwrap();
        format!("{server}/{}", self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                if let Ok(server) = opcina_store::connect(&base).await {
                    let _ = server.execute_raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    server.close().await;
                }
            })
        })
        .join();
    }
}

#[test]
fn a_postgres_node_is_backed_up_with_pg_dump_and_restored_with_pg_restore() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (Some(source), Some(target)) = (PgDatabase::create(&rt, "backup_from"), PgDatabase::create(&rt, "backup_to")) else {
        assert!(std::env::var("OPCINA_TEST_REQUIRE_POSTGRES").is_err(), "PostgreSQL is required");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (source.url(), target.url());
    ok(&["init", "--database", &from]);
    let books = dir.path().join("books.jsonl");
    std::fs::write(&books, book(40, 7).join("\n")).unwrap();
    ok(&["import", "--database", &from, &books.display().to_string()]);
    let key = dir.path().join("node.key");
    std::fs::write(&key, format!("{}\n", "cd".repeat(32))).unwrap();
    let config = dir.path().join("opcina.toml");
    std::fs::write(
        &config,
        format!("database = \"{from}\"\nsigning_key = \"node.key\"\nfiles = \"{}\"\n", dir.path().join("files").display()),
    )
    .unwrap();
    let backup = dir.path().join("backup");
    let out = ok(&["backup", "--config", &config.display().to_string(), "--out", &backup.display().to_string()]);
    assert!(out.contains("database.pgdump"), "{out}");
    let out = ok(&["restore", "--from", &backup.display().to_string(), "--database", &to]);
    assert!(out.contains("journal verified up to item") && out.contains("1 checkpoints"), "{out}");
    // Into a database that has a node already: only with --force.
    let refused = opcina(&["restore", "--from", &backup.display().to_string(), "--database", &to]);
    assert!(!refused.status.success(), "{}", text(&refused));
    ok(&["restore", "--from", &backup.display().to_string(), "--database", &to, "--force"]);
    let heads = [&from, &to].map(|url| {
        rt.block_on(async {
            let store = opcina_store::Store::open(url).await.unwrap();
            let head = store.journal_head().await.unwrap();
            store.close().await;
            head
        })
    });
    assert_eq!(heads[0], heads[1], "the restored database is the source's");
}
