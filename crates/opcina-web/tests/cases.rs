//! The document flow's JSON API through the real router, on SQLite and PostgreSQL: intake,
//! steps, lists with a keyset, refusals with their codes, and public tracking that answers
//! the same 404 for any wrong number or code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use opcina_core::registry::Actor;
use opcina_search::PersonIndex;
use opcina_testkit::{Kakanj, TestDb, backend_test};
use opcina_web::{AppState, app};
use serde_json::{Value, json};

struct Api {
    router: Router,
    store: opcina_store::Store,
    documents: Arc<opcina_search::documents::DocumentIndex>,
    clerk: String,
    amra: String,
    selma: String,
    auditor: String,
}

impl Api {
    async fn start(db: &TestDb) -> Api {
        let k = Kakanj::set_up(db).await;
        opcina_testkit::docflow::set_up(&k).await;
        let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
        let documents = Arc::new(opcina_search::documents::DocumentIndex::in_memory(15_000_000).unwrap());
        let system = Actor::system("test");
        let token = |u: &'static str| {
            let store = k.store.clone();
            let system = system.clone();
            async move { store.create_token(&system, u, "test").await.unwrap() }
        };
        Api {
            clerk: token("salter").await,
            amra: token("amra").await,
            selma: token("selma").await,
            auditor: token("revizor").await,
            router: app(AppState::new(k.store.clone(), index).with_documents(Arc::clone(&documents))),
            store: k.store.clone(),
            documents,
        }
    }

    async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        support::http::call(&self.router, method, path, token, body).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, Some(token), Some(body)).await
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call("GET", path, Some(token), None).await
    }

    async fn open(&self, kind: &str, party: &str) -> Value {
        let today = chrono::Local::now().date_naive().to_string();
        let intake = json!({
            "case_type": kind, "channel": "counter", "subject": "Zahtjev za jednokratnu pomoć", "received_on": today,
            "party": { "name": party, "address": "Alije Izetbegovića 12, 72240 Kakanj", "jmbg": "0101990190004", "contact": "061 111 222" }
        });
        let (status, body) = self.post("/api/v1/cases", &self.clerk, intake).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

backend_test! {
    async fn a_case_is_opened_worked_and_tracked_through_the_api(db: TestDb) {
        let api = Api::start(&db).await;
        let opened = api.open("pomoc", "Amela Hodžić").await;
        let (id, number, code) = (opened["case"]["id"].as_i64().unwrap(), opened["case"]["number"].as_str().unwrap().to_string(), opened["access_code"].as_str().unwrap().to_string());
        assert!(number.starts_with("UP-I-01/1-12-1/"), "{number}");
        assert!(opened["case"].get("access_hash").is_none(), "the code's hash is not shown");
        assert_eq!(opened["tracking"], format!("/track?{}", query(&[("number", &number), ("code", &code)])));
        let steps = format!("/api/v1/cases/{id}/steps");
        let (status, body) = api.post(&steps, &api.clerk, json!({ "action": "hand_over", "unit": "01/1", "official": "amra" })).await;
        assert_eq!((status, body["case"]["state"].as_str()), (StatusCode::OK, Some("in_work")), "{body}");
        // Another unit's official may not decide; a step out of order is refused.
        let decide = json!({ "action": "decide", "outcome": "granted", "summary": "Usvaja se zahtjev" });
        let (status, body) = api.post(&steps, &api.selma, decide.clone()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("docflow.case.other_unit")));
        let (status, body) = api.post(&steps, &api.amra, json!({ "action": "resume" })).await;
        assert_eq!((status, body["error"]["code"].as_str(), body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("docflow.case.transition"), Some("action")));
        let (status, body) = api.post(&steps, &api.amra, json!({ "action": "return_for_completion", "missing": ["Kućna lista", "Uvjerenje o prihodima"] })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The party sees what is missing, and nothing of who they are.
        let track = format!("/api/v1/cases/track?{}", query(&[("number", &number), ("code", &code)]));
        let (status, seen) = api.call("GET", &track, None, None).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["state"], "waiting");
        assert_eq!(seen["missing"], json!(["Kućna lista", "Uvjerenje o prihodima"]));
        assert_eq!(seen["unit"], "Služba za opću upravu i društvene djelatnosti");
        assert!(!seen.to_string().contains("Amela") && !seen.to_string().contains("amra"), "{seen}");
        api.post(&steps, &api.amra, json!({ "action": "resume" })).await;
        let (status, body) = api.post(&steps, &api.amra, decide).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["record"]["number"].as_str().unwrap().starts_with("UP-I-01/1-12-1-1/"), "{body}");
        let (_, seen) = api.call("GET", &track, None, None).await;
        assert_eq!((seen["state"].as_str(), seen["due_on"].as_str(), seen["decided_on"].is_string()), (Some("decided"), None, true), "{seen}");
        // The file, for staff.
        let (status, file) = api.get(&format!("/api/v1/cases/{id}"), &api.amra).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(file["records"].as_array().unwrap().len(), 2);
        assert_eq!(file["events"].as_array().unwrap().len(), 5);
        let (status, _) = api.get(&format!("/api/v1/cases/{id}"), &api.auditor).await;
        assert_eq!(status, StatusCode::OK, "an auditor reads cases");
        let (status, body) = api.get(&format!("/api/v1/cases/{id}"), &api.selma).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("docflow.case.other_unit")));
        // Reading the file of a party named by JMBG is logged as a read of their data.
        let (_, log) = api.get("/api/v1/persons/0101990190004/access-log", &api.auditor).await;
        for reader in ["amra", "revizor"] {
            let read = log["items"].as_array().unwrap().iter().find(|r| r["action"] == "case.view" && r["username"] == reader).cloned().unwrap_or_default();
            assert_eq!(read["case_number"].as_str(), Some(number.as_str()), "{reader}: {log}");
        }
        // The protocol book of the unit.
        let year = chrono::Local::now().format("%Y").to_string();
        let (status, book) = api.get(&format!("/api/v1/protocol/records?{}", query(&[("book", "up_i"), ("unit", "01/1"), ("year", &year)])), &api.clerk).await;
        assert_eq!(status, StatusCode::OK, "{book}");
        assert_eq!(book["items"].as_array().unwrap().iter().map(|r| r["sub"].as_i64().unwrap()).collect::<Vec<_>>(), [0, 1]);
        let (status, config) = api.get("/api/v1/protocol/config", &api.clerk).await;
        assert_eq!((status, config["pattern"].as_str()), (StatusCode::OK, Some("{up}{unit}-{class}-{serial}{-sub}/{yy}")));
        // A lost receipt: a new code at the counter; the old one no longer tracks the case.
        assert_eq!(api.post(&format!("/api/v1/cases/{id}/access-code"), &api.auditor, json!({})).await.0, StatusCode::FORBIDDEN);
        let (status, again) = api.post(&format!("/api/v1/cases/{id}/access-code"), &api.clerk, json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{again}");
        let new_code = again["access_code"].as_str().unwrap();
        assert_ne!(new_code, code);
        assert_eq!(api.call("GET", &track, None, None).await.0, StatusCode::NOT_FOUND);
        let (status, seen) = api.call("GET", &format!("/api/v1/cases/track?{}", query(&[("number", &number.to_lowercase()), ("code", new_code)])), None, None).await;
        assert_eq!((status, seen["number"].as_str()), (StatusCode::OK, Some(number.as_str())), "{seen}");
    }
}

backend_test! {
    async fn tracking_answers_the_same_404_for_any_wrong_number_or_code(db: TestDb) {
        let api = Api::start(&db).await;
        let a = api.open("uvjerenje", "Amela Hodžić").await;
        let b = api.open("uvjerenje", "Benjamin Kovač").await;
        let (number, code) = (a["case"]["number"].as_str().unwrap(), a["access_code"].as_str().unwrap());
        let other_code = b["access_code"].as_str().unwrap();
        let mut answers = Vec::new();
        for (n, c) in [(number, other_code), (number, ""), ("UP-I-01/1-25-99/26", code), ("", "")] {
            let (status, body) = api.call("GET", &format!("/api/v1/cases/track?{}", query(&[("number", n), ("code", c)])), None, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            answers.push(body);
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "the answers differ: {answers:?}");
        assert_eq!(answers[0]["error"]["code"], "docflow.track.not_found");
        let lower = code.to_lowercase();
        let (status, _) = api.call("GET", &format!("/api/v1/cases/track?{}", query(&[("number", number), ("code", &lower)])), None, None).await;
        assert_eq!(status, StatusCode::OK);
    }
}

backend_test! {
    async fn lists_page_with_a_cursor_and_a_bad_intake_names_its_fields(db: TestDb) {
        let api = Api::start(&db).await;
        for i in 0..7 {
            api.open("komunalni", &format!("Stranka {i}")).await;
        }
        let mut after: Option<String> = None;
        let mut seen = 0;
        loop {
            let mut pairs = vec![("view", "pending"), ("limit", "3")];
            if let Some(a) = &after {
                pairs.push(("after", a));
            }
            let (status, page) = api.get(&format!("/api/v1/cases?{}", query(&pairs)), &api.clerk).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen += page["items"].as_array().unwrap().len();
            assert!(page["items"].as_array().unwrap().iter().all(|c| c["party_jmbg"].is_null() && c["party_contact"].is_null()), "{page}");
            match page["next"].as_str() {
                Some(n) => after = Some(n.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, 7);
        let (status, body) = api.get("/api/v1/cases?after=nonsense", &api.clerk).await;
        assert_eq!((status, body["error"]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("after")));
        let (status, body) = api.get("/api/v1/cases?after=&limit=3", &api.clerk).await;
        assert_eq!((status, body["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(3)), "an empty cursor is the first page: {body}");
        let (status, body) = api.post("/api/v1/cases", &api.clerk, json!({
            "case_type": "pomoc", "channel": "golub", "subject": "", "received_on": "2026-01-02",
            "party": { "name": "Amela", "address": "" }
        })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let fields: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["channel", "party.address", "subject"]);
        let (status, body) = api.post("/api/v1/cases", &api.auditor, json!({})).await;
        assert!(status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST, "{status} {body}");
    }
}

backend_test! {
    async fn files_are_uploaded_versioned_read_with_a_log_and_a_decision_sent_electronically_is_downloadable(db: TestDb) {
        let api = Api::start(&db).await;
        let opened = api.open("pomoc", "Amela Hodžić").await;
        let (id, number, code) = (opened["case"]["id"].as_i64().unwrap(), opened["case"]["number"].as_str().unwrap().to_string(), opened["access_code"].as_str().unwrap().to_string());
        let upload = |path: String, token: String, media: &'static str, bytes: &'static [u8]| {
            let router = api.router.clone();
            async move { support::http::raw(&router, "POST", &path, Some(&token), Some((media, bytes.to_vec()))).await }
        };
        let path = format!("/api/v1/cases/{id}/attachments?{}", query(&[("name", "zahtjev skeniran.pdf")]));
        let (status, headers, body) = upload(path, api.clerk.clone(), "application/pdf", b"%PDF-1.7 skenirani zahtjev").await;
        assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
        let first: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(first["version"], 1);
        let location = headers.get("location").unwrap().to_str().unwrap().to_string();
        // Read back, byte for byte, named as sent; the read is logged.
        let (status, headers, bytes) = support::http::raw(&api.router, "GET", &location, Some(&api.amra), None).await;
        assert_eq!((status, bytes.as_slice()), (StatusCode::OK, b"%PDF-1.7 skenirani zahtjev".as_slice()));
        assert_eq!(headers.get("content-type").unwrap(), "application/pdf");
        assert!(headers.get("content-disposition").unwrap().to_str().unwrap().contains("filename*=UTF-8''zahtjev%20skeniran.pdf"));
        let (_, log) = api.get("/api/v1/persons/0101990190004/access-log", &api.auditor).await;
        assert!(log["items"].as_array().unwrap().iter().any(|r| r["action"] == "case.file.read" && r["username"] == "amra"), "{log}");
        // A new version; a nameless file is refused naming the field.
        let path = format!("/api/v1/cases/{id}/attachments?{}", query(&[("name", "zahtjev potpisan.pdf"), ("replaces", &first["id"].to_string())]));
        let (status, _, body) = upload(path, api.clerk.clone(), "application/pdf", b"%PDF-1.7 potpisan").await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["version"], 2);
        let (status, _, body) = upload(format!("/api/v1/cases/{id}/attachments?name="), api.clerk.clone(), "text/plain", b"x").await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((status, body["error"]["code"].as_str(), body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("docflow.attachment.name"), Some("name")));
        // Over the limit: our JSON error naming the field, not the framework's text.
        let big = vec![b'x'; opcina_store::docflow::MAX_FILE_BYTES + 2];
        let path = format!("/api/v1/cases/{id}/attachments?{}", query(&[("name", "prevelik.bin")]));
        let (status, _, body) = support::http::raw(&api.router, "POST", &path, Some(&api.clerk), Some(("application/octet-stream", big))).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((status, body["error"]["code"].as_str(), body["error"]["field"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("docflow.attachment.too_large"), Some("file")));
        let (_, list) = api.get(&format!("/api/v1/cases/{id}/attachments"), &api.amra).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);

        // Decided, the decision's file attached to its record, dispatched electronically.
        let steps = format!("/api/v1/cases/{id}/steps");
        api.post(&steps, &api.clerk, json!({ "action": "hand_over", "unit": "01/1", "official": "amra" })).await;
        let (_, decided) = api.post(&steps, &api.amra, json!({ "action": "decide", "outcome": "granted", "summary": "Odobrava se pomoć" })).await;
        let record = decided["record"]["id"].as_i64().unwrap();
        let path = format!("/api/v1/cases/{id}/attachments?{}", query(&[("name", "rješenje.pdf"), ("record", &record.to_string())]));
        let (status, _, _) = upload(path, api.amra.clone(), "application/pdf", b"%PDF-1.7 rjesenje").await;
        assert_eq!(status, StatusCode::CREATED);
        let track = format!("/api/v1/cases/track?{}", query(&[("number", &number), ("code", &code)]));
        let decision = format!("/api/v1/cases/track/decision?{}", query(&[("number", &number), ("code", &code)]));
        assert_eq!(api.call("GET", &decision, None, None).await.0, StatusCode::NOT_FOUND, "not before it is sent");
        let (status, _) = api.post(&steps, &api.clerk, json!({ "action": "dispatch", "method": "electronic", "to": "portal" })).await;
        assert_eq!(status, StatusCode::OK);
        let (_, seen) = api.call("GET", &track, None, None).await;
        assert_eq!(seen["decision"], decision, "{seen}");
        let (status, _, bytes) = support::http::raw(&api.router, "GET", &decision, None, None).await;
        assert_eq!((status, bytes.as_slice()), (StatusCode::OK, b"%PDF-1.7 rjesenje".as_slice()));
        let wrong = format!("/api/v1/cases/track/decision?{}", query(&[("number", &number), ("code", "AAAA-BBBB-CCCC")]));
        assert_eq!(api.call("GET", &wrong, None, None).await.0, StatusCode::NOT_FOUND);
    }
}

backend_test! {
    async fn the_files_of_cases_are_searched_within_the_caller_s_unit(db: TestDb) {
        let api = Api::start(&db).await;
        let opened = api.open("pomoc", "Amela Hodžić").await;
        let id = opened["case"]["id"].as_i64().unwrap();
        let path = format!("/api/v1/cases/{id}/attachments?{}", query(&[("name", "izjava.txt")]));
        let (status, _, _) = support::http::raw(&api.router, "POST", &path, Some(&api.clerk), Some(("text/plain", "Izjava o prihodima domaćinstva Hodžić".as_bytes().to_vec()))).await;
        assert_eq!(status, StatusCode::CREATED);
        opcina_search::documents::catch_up(&api.documents, &api.store).await.unwrap();
        let search = |q: &str| format!("/api/v1/documents/search?{}", query(&[("q", q)]));
        let (status, found) = api.get(&search("prihodima domacinstva"), &api.amra).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(found["items"][0]["case_id"], id, "{found}");
        assert_eq!(api.get(&search("hodzic"), &api.clerk).await.1["items"].as_array().unwrap().len(), 1, "the registry office sees all");
        assert_eq!(api.get(&search("hodzic"), &api.selma).await.1["items"], json!([]), "another unit's official finds nothing");
        assert_eq!(api.get(&search("hodzic"), &api.auditor).await.1["items"][0]["case_id"], id, "an auditor reads every case");
        // Handed over to spatial planning: its officials find the file, general administration
        // no longer does.
        let (status, _) = api.post(&format!("/api/v1/cases/{id}/steps"), &api.clerk, json!({ "action": "hand_over", "unit": "04" })).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(api.get(&search("hodzic"), &api.selma).await.1["items"][0]["case_id"], id);
        assert_eq!(api.get(&search("hodzic"), &api.amra).await.1["items"], json!([]));
    }
}

impl Api {
    /// A case of one-off assistance taken through the API from intake to closing a/a.
    async fn closed(&self, party: &str) -> i64 {
        let id = self.open("pomoc", party).await["case"]["id"].as_i64().unwrap();
        let steps = format!("/api/v1/cases/{id}/steps");
        let today = chrono::Local::now().date_naive().to_string();
        for (token, step) in [
            (&self.clerk, json!({ "action": "hand_over", "unit": "01/1", "official": "amra" })),
            (&self.amra, json!({ "action": "decide", "outcome": "granted", "summary": "Odobrava se pomoć" })),
            (&self.clerk, json!({ "action": "dispatch", "method": "post", "to": party })),
            (&self.clerk, json!({ "action": "deliver", "on": today })),
            (&self.clerk, json!({ "action": "close" })),
        ] {
            let (status, body) = self.post(&steps, token, step).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        id
    }
}

/// The entries of a ZIP: name → bytes.
fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        out.insert(f.name().to_string(), content);
    }
    out
}

backend_test! {
    async fn cases_are_archived_held_disposed_and_exported_through_the_api(db: TestDb) {
        let api = Api::start(&db).await;
        let kept = api.closed("Amila Softić").await;
        let goes = api.closed("Edin Mehić").await;
        let still_open = api.open("pomoc", "Lejla Hadžić").await["case"]["id"].as_i64().unwrap();
        let path = format!("/api/v1/cases/{goes}/attachments?{}", query(&[("name", "..izjava: o prihodima.txt")]));
        let text = "Izjava o prihodima domaćinstva Mehić".as_bytes().to_vec();
        let (status, _, body) = support::http::raw(&api.router, "POST", &path, Some(&api.clerk), Some(("text/plain", text.clone()))).await;
        assert_eq!(status, StatusCode::CREATED);
        let file: Value = serde_json::from_slice(&body).unwrap();
        opcina_search::documents::catch_up(&api.documents, &api.store).await.unwrap();
        let search = format!("/api/v1/documents/search?{}", query(&[("q", "prihodima mehic")]));
        assert_eq!(api.get(&search, &api.clerk).await.1["items"].as_array().unwrap().len(), 1);

        // Into the archive book: an open case refuses the list, naming its place in it.
        let (status, body) = api.post("/api/v1/archive/entries", &api.clerk, json!({ "cases": [kept, still_open] })).await;
        assert_eq!((status, body["error"]["code"].as_str(), body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("archive.case.open"), Some("cases[1]")));
        assert_eq!(api.post("/api/v1/archive/entries", &api.amra, json!({ "cases": [kept] })).await.0, StatusCode::FORBIDDEN);
        let (status, body) = api.post("/api/v1/archive/entries", &api.clerk, json!({ "cases": [kept, goes] })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["items"].as_array().unwrap().iter().map(|e| e["serial"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 2]);
        let (status, page) = api.get("/api/v1/archive/book?limit=1", &api.auditor).await;
        assert_eq!((status, page["items"][0]["case_id"].as_i64(), page["next"].as_i64()), (StatusCode::OK, Some(kept), Some(1)));
        let (_, page) = api.get("/api/v1/archive/book?after=1", &api.auditor).await;
        assert_eq!((page["items"][0]["case_id"].as_i64(), page.get("next")), (Some(goes), None));

        // The export: the metadata and the original, byte for byte, under a safe name; logged.
        let (status, headers, bytes) = support::http::raw(&api.router, "GET", &format!("/api/v1/cases/{goes}/export"), Some(&api.clerk), None).await;
        assert_eq!((status, headers.get("content-type").unwrap().to_str().unwrap()), (StatusCode::OK, "application/zip"));
        let entries = unzip(&bytes);
        let manifest: Value = serde_json::from_slice(&entries["predmet.json"]).unwrap();
        let inside = manifest["files"][0]["path"].as_str().unwrap();
        assert_eq!(inside, format!("datoteke/{}-v1-izjava_ o prihodima.txt", file["id"]));
        assert_eq!(entries[inside], text);
        assert_eq!(manifest["files"][0]["sha256"], file["sha256"]);
        assert_eq!((manifest["case"]["state"].as_str(), manifest["archive_entry"]["serial"].as_i64()), (Some("archived"), Some(2)));
        assert_eq!(manifest["records"].as_array().unwrap().len(), 2, "the request and the decision");
        let (_, log) = api.get("/api/v1/persons/0101990190004/access-log", &api.auditor).await;
        assert!(log["items"].as_array().unwrap().iter().any(|r| r["action"] == "case.export"), "{log}");
        assert_eq!(support::http::raw(&api.router, "GET", &format!("/api/v1/cases/{goes}/export"), Some(&api.auditor), None).await.0, StatusCode::OK, "an auditor reads");
        assert_eq!(support::http::raw(&api.router, "GET", &format!("/api/v1/cases/{goes}/export"), Some(&api.selma), None).await.0, StatusCode::FORBIDDEN, "another unit's official does not");

        // A hold on one case; ten years on, the proposal lists the other.
        let holds = format!("/api/v1/cases/{kept}/holds");
        let (status, _) = api.post(&holds, &api.clerk, json!({ "placed": true, "reason": "Upravni spor" })).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(api.get(&holds, &api.auditor).await.1["on_hold"], true);
        let later = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&api.store.today()) + 11, 1, 2).unwrap();
        api.store.set_today(Some(later));
        let (status, proposal) = api.post("/api/v1/archive/disposals", &api.clerk, json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{proposal}");
        let id = proposal["disposal"]["id"].as_i64().unwrap();
        assert_eq!(proposal["items"].as_array().unwrap().len(), 1);
        assert_eq!((proposal["items"][0]["entry"]["case_id"].as_i64(), proposal["items"][0]["outcome"].as_str()), (Some(goes), Some("listed")));
        let (status, body) = api.post(&format!("/api/v1/archive/disposals/{id}/destruction"), &api.clerk, json!({})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("archive.disposal.not_approved")));
        let answer = json!({ "approved": true, "reference": "Arhiv ZDK 05-49-112", "on": later.to_string() });
        let (status, body) = api.post(&format!("/api/v1/archive/disposals/{id}/answer"), &api.clerk, answer).await;
        assert_eq!((status, body["disposal"]["state"].as_str()), (StatusCode::OK, Some("approved")), "{body}");
        let (status, done) = api.post(&format!("/api/v1/archive/disposals/{id}/destruction"), &api.clerk, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!((done["destroyed"][0]["case_id"].as_i64(), done["files_removed"].as_i64(), &done["files_left"]), (Some(goes), Some(1), &json!([])));

        // Destroyed: the file is gone (410, saying so), not found by search, and the export
        // carries the metadata only.
        let (status, body) = api.get(&format!("/api/v1/attachments/{}", file["id"]), &api.clerk).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::GONE, Some("archive.destroyed")));
        assert_eq!(api.get(&search, &api.clerk).await.1["items"], json!([]));
        let (_, _, bytes) = support::http::raw(&api.router, "GET", &format!("/api/v1/cases/{goes}/export"), Some(&api.clerk), None).await;
        let entries = unzip(&bytes);
        assert_eq!(entries.len(), 1);
        let manifest: Value = serde_json::from_slice(&entries["predmet.json"]).unwrap();
        assert_eq!((manifest["files"][0]["path"].clone(), manifest["archive_entry"]["state"].as_str()), (Value::Null, Some("destroyed")));
        let (_, listed) = api.get(&format!("/api/v1/archive/disposals/{id}"), &api.auditor).await;
        assert_eq!(listed["items"][0]["outcome"], "destroyed");
        assert_eq!(api.get("/api/v1/archive/disposals", &api.auditor).await.1["items"][0]["state"], "done");
        api.store.set_today(None);
    }
}
