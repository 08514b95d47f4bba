//! Reports of communal problems through the real router, on SQLite and PostgreSQL: the form
//! (every wrong field named, nothing lost, the robots' field), the public page and list
//! (markup escaped, the reporter never shown), the reporter's note by code, the unit's desk;
//! and the Open311 GeoReport v2 server in XML and JSON (discovery, services, definitions,
//! requests with their filters and paging, one request, tokens, keys, errors) — also driven
//! by a real Open311 client from PyPI (`georeport`) over TCP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use opcina_search::PersonIndex;
use opcina_testkit::{Kakanj, TestDb, backend_test};
use opcina_web::{AppState, app};
use support::http::raw;
use support::visitor::Visitor;

const PASSWORD: &str = "lozinka-sluzbe-1";
const BASE: &str = "https://kakanj.opcina.test";

struct Site {
    router: Router,
    k: Kakanj,
}

async fn site(db: &TestDb) -> Site {
    let k = Kakanj::set_up(db).await;
    opcina_testkit::docflow::set_up(&k).await;
    opcina_testkit::publicinfo::set_up(&k).await;
    opcina_testkit::reports::routes(&k).await;
    for user in ["selma", "amra", "pr", "salter"] {
        k.store.set_password(&k.admin, user, PASSWORD).await.unwrap();
    }
    let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
    let router = app(AppState::new(k.store.clone(), index).with_public_url(BASE));
    Site { router, k }
}

/// A value between `<dt>label</dt><dd>` and `</dd>`, or between two markers.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} not in {body}")) + start.len();
    &body[from..from + body[from..].find(end).unwrap()]
}

const REPORT: &[(&str, &str)] = &[
    ("category", "pothole"),
    ("description", "Duboka rupa <script>alert(1)</script> kod mosta."),
    ("local_community", "Centar"),
    ("address", "Branilaca 3"),
    ("lat", "44.1275"),
    ("lon", "18.1175"),
    ("name", "Emir Begić"),
    ("email", "emir@example.test"),
    ("attribute[size]", "large"),
    ("attribute[pole_number]", "ne vrijedi za rupe"),
];

backend_test! {
    async fn a_citizen_reports_follows_and_reopens_and_the_unit_answers(db: TestDb) {
        let s = site(&db).await;
        let mut citizen = Visitor::new(&s.router);
        let r = citizen.get("/reports/new").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("name=\"attribute[size]\"") && r.body.contains("<optgroup"), "{}", r.body);

        // Mistakes come back named, with what was typed.
        let wrong = [("category", "pothole"), ("description", "Rupa"), ("lat", "444"), ("lon", "18.1"), ("email", "emir"), ("name", "Emir")];
        let r = citizen.post("/reports/new", &wrong).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["lat-error", "email-error"] {
            assert!(r.body.contains(&format!("id=\"{field}\"")), "{field}: {}", r.body);
        }
        assert!(r.body.contains("value=\"Emir\""), "nothing typed is lost");
        // The field hidden from people is filled only by robots.
        let mut robot = REPORT.to_vec();
        robot.push(("website", "http://spam.example"));
        assert_eq!(citizen.post("/reports/new", &robot).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(s.k.store.reports(&Default::default(), 10, 0).await.unwrap().is_empty());

        // Sent: a number and a code; the other category's attribute is left out.
        let r = citizen.post("/reports/new", REPORT).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let number = between(&r.body, "<dt>Broj prijave</dt><dd><strong class=\"code\">", "<").to_string();
        let code = between(&r.body, "<dt>Pristupni kod</dt><dd><strong class=\"code\">", "<").to_string();
        let row = s.k.store.public_report(&number).await.unwrap().unwrap().report;
        assert_eq!((row.unit_code.as_str(), row.attributes.as_str()), ("01/1", "size=large"), "no route for potholes: the first unit");

        // The public page: escaped, without the reporter.
        let page = citizen.get(&format!("/reports/{number}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") && !page.body.contains("<script>alert"), "{}", page.body);
        assert!(!page.body.contains("Begić") && !page.body.contains("emir@example.test"));
        assert!(page.body.contains("velika (preko pola metra)") && page.body.contains("44.127500, 18.117500"));
        // The list, by local community.
        let list = citizen.get("/reports?mz=centar").await;
        assert!(list.body.contains(&number) && list.body.contains("aria-current=\"page\">Centar</a>"), "{}", list.body);
        assert!(!citizen.get("/reports?mz=doboj").await.body.contains(&number));
        assert!(citizen.get("/reports?status=closed").await.body.contains("Nema prijava."));

        // The unit's desk: Amra's unit (01/1) has it; she sees the reporter and moves it.
        let mut amra = Visitor::new(&s.router);
        amra.sign_in("amra", PASSWORD).await;
        let desk = amra.get("/reports/desk").await;
        assert!(desk.body.contains(&number), "{}", desk.body);
        let href = format!("/reports/desk/{}", row.id);
        let item = amra.get(&href).await;
        assert!(item.body.contains("Emir Begić") && item.body.contains("emir@example.test"));
        let r = amra.post(&href, &[("state", "not_responsible"), ("note", ""), ("body", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"body-error\""));
        let r = amra.post(&href, &[("state", "fixed"), ("note", "Zakrpljeno asfaltom."), ("body", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let mut selma = Visitor::new(&s.router);
        selma.sign_in("selma", PASSWORD).await;
        assert_eq!(selma.get(&href).await.status, StatusCode::FORBIDDEN, "another unit's report");
        let mut clerk = Visitor::new(&s.router);
        clerk.sign_in("salter", PASSWORD).await;
        assert_eq!(clerk.get("/reports/desk").await.status, StatusCode::FORBIDDEN);

        // The reporter reopens it with the code; a wrong code changes nothing.
        let r = citizen.post(&format!("/reports/{number}/update"), &[("code", "AAAA-BBBB"), ("note", "Nije."), ("reopen", "on")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = citizen.post(&format!("/reports/{number}/update"), &[("code", &code), ("note", "Rupa je opet tu."), ("reopen", "on")]).await;
        assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, format!("/reports/{number}?updated=1").as_str()));
        let page = citizen.get(&format!("/reports/{number}?updated=1")).await;
        assert!(page.body.contains("Rupa je opet tu.") && page.body.contains("Zakrpljeno asfaltom."));
        assert_eq!(s.k.store.public_report(&number).await.unwrap().unwrap().report.state.as_str(), "open");

        // Every change but the reporter's own reached them by e-mail.
        let mail = s.k.store.mail_to("emir@example.test", 10).await.unwrap();
        assert_eq!(mail.len(), 2, "{mail:?}");
        assert!(mail[1].body.contains(&format!("{BASE}/reports/{number}")) || mail[0].body.contains(&format!("{BASE}/reports/{number}")));
        assert!(mail.iter().any(|m| m.body.contains("Zakrpljeno asfaltom.")));

        // At a counter the clerk's report is the counter's, without the limits of the web.
        let r = clerk.post("/reports/new", &[("category", "snow_ice"), ("description", "Neočišćen trotoar."), ("local_community", "Ćatići")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let rows = s.k.store.reports(&Default::default(), 10, 0).await.unwrap();
        assert_eq!(rows[0].channel, "counter");
    }
}

/// A GET of the Open311 server: the status and the body as text.
async fn get(router: &Router, path: &str) -> (StatusCode, String) {
    let (status, _, body) = raw(router, "GET", path, None, None).await;
    (status, String::from_utf8(body).unwrap())
}

async fn post(router: &Router, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let body = serde_urlencoded::to_string(form).unwrap().into_bytes();
    let (status, _, body) = raw(router, "POST", path, None, Some(("application/x-www-form-urlencoded", body))).await;
    (status, String::from_utf8(body).unwrap())
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

backend_test! {
    async fn the_open311_server_answers_in_xml_and_json(db: TestDb) {
        let s = site(&db).await;
        let r = &s.router;
        let (_, key) = s.k.store.add_open311_client(&s.k.admin, "Test klijent").await.unwrap().unwrap();

        // Discovery and services, both formats; XML well-formed.
        let (status, xml) = get(r, "/open311/v2/discovery.xml").await;
        assert_eq!(status, StatusCode::OK);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "discovery");
        assert!(xml.contains(&format!("<url>{BASE}/open311/v2</url>")));
        let (_, services) = get(r, "/open311/v2/services.json?locale=en").await;
        let services = json(&services);
        assert_eq!(services[0]["service_code"], "pothole");
        assert_eq!(services[0]["service_name"], "Pothole");
        assert_eq!(services[0]["metadata"], true);
        let (_, xml) = get(r, "/open311/v2/services.xml").await;
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("service")).count(), 9);
        let (_, definition) = get(r, "/open311/v2/services/pothole.json").await;
        let definition = json(&definition);
        assert_eq!(definition["attributes"][0]["code"], "size");
        assert_eq!(definition["attributes"][0]["datatype"], "singlevaluelist");
        assert_eq!(definition["attributes"][0]["values"][2]["key"], "large");
        assert_eq!(get(r, "/open311/v2/services/nothing.xml").await.0, StatusCode::NOT_FOUND);
        assert_eq!(get(r, "/open311/v2/services.yaml").await.0, StatusCode::NOT_FOUND);

        // Posting needs a known key; bad input gets the specification's errors naming the field.
        let form = [
            ("service_code", "street_light"),
            ("lat", "44.13"),
            ("long", "18.11"),
            ("description", "Ne radi <b>svjetiljka</b> & ništa"),
            ("email", "lejla@example.test"),
            ("first_name", "Lejla"),
            ("last_name", "Kovač"),
            ("attribute[pole_number]", "JR-7"),
            ("jurisdiction_id", "kakanj.ba"),
        ];
        let (status, body) = post(r, "/open311/v2/requests.json", &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(json(&body)[0]["description"].as_str().unwrap().contains("open311.key.invalid"));
        let mut keyed = form.to_vec();
        keyed.push(("api_key", &key));
        let bad: Vec<(&str, &str)> = keyed
            .iter()
            .map(|&(k, v)| match k {
                "lat" => (k, "91.5"),
                "service_code" => (k, "fireworks"),
                _ => (k, v),
            })
            .collect();
        let (status, xml) = post(r, "/open311/v2/requests.xml", &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let description = doc.descendants().find(|n| n.has_tag_name("description")).unwrap().text().unwrap().to_string();
        assert!(description.starts_with("service_code: ") && description.contains("publicinfo.report.category_unknown"), "{description}");
        let second = doc.descendants().filter(|n| n.has_tag_name("description")).nth(1).unwrap().text().unwrap().to_string();
        assert!(second.starts_with("lat: ") && second.contains("publicinfo.report.coordinate_invalid"), "{second}");
        assert_eq!(doc.descendants().find(|n| n.has_tag_name("code")).unwrap().text(), Some("400"));
        let (status, body) = post(r, "/open311/v2/requests.json", &keyed).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let posted = json(&body);
        let id = posted[0]["service_request_id"].as_str().unwrap().to_string();
        let token = posted[0]["token"].as_str().unwrap().to_string();
        let big = "x".repeat(opcina_web::open311::MAX_BODY_BYTES + 1);
        let (status, _) = post(r, &format!("/open311/v2/requests.json?api_key={key}"), &[("description", &big)]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

        // The request as clients read it: escaped in XML, dates with their offset.
        let (status, xml) = get(r, &format!("/open311/v2/requests/{id}.xml")).await;
        assert_eq!(status, StatusCode::OK);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let text = |name: &str| doc.descendants().find(|n| n.has_tag_name(name)).and_then(|n| n.text()).unwrap_or("").to_string();
        assert_eq!(text("description"), "Ne radi <b>svjetiljka</b> & ništa");
        assert!(xml.contains("&lt;b&gt;"));
        assert_eq!((text("status").as_str(), text("lat").as_str(), text("long").as_str()), ("open", "44.130000", "18.110000"));
        assert!(chrono::DateTime::parse_from_rfc3339(&text("requested_datetime")).is_ok(), "{xml}");
        assert!(!xml.contains("Kovač") && !xml.contains("lejla@"), "the reporter is never shown");
        let (_, one) = get(r, &format!("/open311/v2/tokens/{token}.json")).await;
        assert_eq!(json(&one)[0]["service_request_id"], id.as_str());
        assert_eq!(get(r, "/open311/v2/requests/K-1999-00001.json").await.0, StatusCode::NOT_FOUND);

        // The unit's latest note is the request's status_notes, in the list as alone.
        let row = s.k.store.public_report(&id).await.unwrap().unwrap().report;
        let pr = opcina_core::registry::Actor { username: "pr".into(), role: opcina_core::registry::Role::PressOfficer, office: None };
        let change = opcina_core::publicinfo::report::ReportChange { state: "in_progress".into(), note: "Ekipa izlazi sutra.".into(), body: String::new() };
        s.k.store.change_report(&pr, row.id, change, opcina_testkit::reports::letter()).await.unwrap().unwrap();
        let (_, listed) = get(r, "/open311/v2/requests.json").await;
        assert_eq!(json(&listed)[0]["status_notes"], "Ekipa izlazi sutra.");
        let (_, alone) = get(r, &format!("/open311/v2/requests/{id}.json")).await;
        assert_eq!(json(&alone)[0]["status_notes"], "Ekipa izlazi sutra.");

        // Lists: by id, status, service and dates; paging; bad parameters named.
        let (_, open) = get(r, "/open311/v2/requests.json?status=open&service_code=street_light,pothole").await;
        assert_eq!(json(&open).as_array().unwrap().len(), 1);
        let (_, closed) = get(r, "/open311/v2/requests.json?status=closed").await;
        assert_eq!(json(&closed).as_array().unwrap().len(), 0);
        let (_, by_id) = get(r, &format!("/open311/v2/requests.json?service_request_id={id},K-1999-00001&status=closed")).await;
        assert_eq!(json(&by_id).as_array().unwrap().len(), 1, "ids override the other filters");
        let (_, past) = get(r, "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-03-01T00:00:00%2B01:00").await;
        assert_eq!(json(&past).as_array().unwrap().len(), 0);
        for (query, field) in [
            ("start_date=yesterday", "start_date"),
            ("start_date=2020-01-01&end_date=2020-06-01", "end_date"),
            ("status=pending", "status"),
            ("service_code=fireworks", "service_code"),
            ("page_size=0", "page_size"),
            ("page=abc", "page"),
        ] {
            let (status, body) = get(r, &format!("/open311/v2/requests.json?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert!(json(&body)[0]["description"].as_str().unwrap().starts_with(&format!("{field}: ")), "{query}: {body}");
        }
        let (_, second) = get(r, "/open311/v2/requests.json?page_size=1&page=2").await;
        assert_eq!(json(&second).as_array().unwrap().len(), 0);
    }
}

/// What the client does: the services and a definition in both formats, a report posted as
/// the specification's form (georeport reads only; `requests`, its own HTTP library, posts),
/// then that report read back by id and in the filtered list, in both formats.
const CLIENT: &str = r#"
import sys, requests
from georeport import GeoReport
base, key = sys.argv[1], sys.argv[2]

def items(x, name):
    # xmltodict gives one element as a dict, several as a list.
    if isinstance(x, dict) and name in x:
        x = x[name]
    return x if isinstance(x, list) else [x]

r = requests.post(base + "/requests.json", data={
    "api_key": key, "service_code": "pothole", "lat": "44.1301", "long": "18.1102",
    "description": "Rupa kod škole, Ђорђевић <b>pazi</b>", "email": "python@example.test",
    "attribute[size]": "medium", "jurisdiction_id": "kakanj"})
assert r.status_code == 200, r.text
sid = r.json()[0]["service_request_id"]
for fmt in ("json", "xml"):
    c = GeoReport(base, output_format=fmt, api_key=key)
    services = items(c.get_service_list(), "service")
    codes = [s["service_code"] for s in services]
    assert codes[:4] == ["pothole", "road_sign", "snow_ice", "street_light"], codes
    d = c.get_service_definition("pothole")
    attrs = items(d["attributes"], "attribute")
    assert attrs[0]["code"] == "size", d
    one = c.get_service_request(sid)
    one = items(one, "request")[0] if fmt == "xml" else one
    assert one["service_request_id"] == sid, one
    assert one["status"] == "open", one
    assert one["description"] == "Rupa kod škole, Ђорђевић <b>pazi</b>", one
    assert float(one["lat"]) == 44.1301, one
    listed = items(c.get_service_requests(service_code="pothole", status="open"), "request")
    assert sid in [x["service_request_id"] for x in listed], listed
    if fmt == "json":
        # (georeport cannot read an empty list in XML: xmltodict makes it None.)
        assert c.get_service_requests(status="closed") == []
print("open311 client ok", sid)
"#;

backend_test! {
    async fn a_real_open311_client_reads_and_posts(db: TestDb) {
        let Some(python) = opcina_testkit::smtp::python_having("georeport, requests", "OPCINA_TEST_OPEN311_PYTHON", "OPCINA_TEST_REQUIRE_OPEN311") else {
            return;
        };
        let s = site(&db).await;
        let (_, key) = s.k.store.add_open311_client(&s.k.admin, "georeport").await.unwrap().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = s.router.clone();
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let base = format!("http://{addr}/open311/v2");
        let out = tokio::task::spawn_blocking(move || std::process::Command::new(python).args(["-c", CLIENT, &base, &key]).output().unwrap()).await.unwrap();
        server.abort();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "the client failed:\n{stdout}\n{stderr}");
        assert!(stdout.contains("open311 client ok K-"), "{stdout}");
        let rows = s.k.store.reports(&Default::default(), 10, 0).await.unwrap();
        assert_eq!((rows.len(), rows[0].channel.as_str(), rows[0].attributes.as_str()), (1, "open311:georeport", "size=medium"));
    }
}

backend_test! {
    /// The administrator routes a category's reports and issues an Open311 key on a page: a
    /// wrong category or unit is named, the key is shown once and works, and nobody else may.
    async fn the_administrator_sets_routes_and_issues_open311_keys(db: TestDb) {
        let s = site(&db).await;
        s.k.store.set_password(&s.k.admin, "admin", PASSWORD).await.unwrap();
        let mut admin = Visitor::new(&s.router);
        admin.sign_in("admin", PASSWORD).await;
        let page = admin.get("/admin/reports").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("centar") && page.body.contains("Javna rasvjeta"), "the routes set: {}", page.body);
        let r = admin.post("/admin/reports/routes", &[("category", "meteor"), ("local_community", ""), ("unit", "99")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"category-error\"") && r.body.contains("id=\"unit-error\""), "{}", r.body);
        let r = admin.post("/admin/reports/routes", &[("category", "pothole"), ("local_community", "Kraljeva Sutjeska"), ("unit", "05")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let fields = opcina_core::publicinfo::report::ReportFields { category: "pothole".into(), attributes: vec![], ..opcina_testkit::reports::street_light("Kraljeva Sutjeska") };
        let portal = opcina_core::registry::Actor::system("portal");
        let (routed, _) = s.k.store.report_problem(&portal, opcina_store::publicinfo_reports::Channel::Web, fields, "bs", None).await.unwrap().unwrap();
        assert_eq!(routed.unit_code, "05");
        let r = admin.post("/admin/reports/clients", &[("name", "Kakanj mobilna")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let key = between(&r.body, "<strong class=\"code\">", "</strong>").to_string();
        assert_eq!(key.len(), 64, "{key}");
        assert!(!admin.get("/admin/reports").await.body.contains(&key), "shown once");
        let again = admin.post("/admin/reports/clients", &[("name", "Kakanj mobilna")]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("id=\"name-error\""), "{}", again.body);
        let (status, body) = post(&s.router, "/open311/v2/requests.json", &[("api_key", key.as_str()), ("service_code", "pothole"), ("description", "Rupa."), ("address_string", "Branilaca 3")]).await;
        assert_eq!(status, StatusCode::OK, "the new key posts: {body}");
        // Withdrawn, the key posts no more; the client stays listed as withdrawn.
        let r = admin.post("/admin/reports/clients/withdraw", &[("name", "Kakanj mobilna")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("povučen"), "{}", r.body);
        let (status, body) = post(&s.router, "/open311/v2/requests.json", &[("api_key", key.as_str()), ("service_code", "pothole"), ("description", "Rupa."), ("address_string", "Branilaca 3")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let r = admin.post("/admin/reports/clients/withdraw", &[("name", "Nepoznata")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"name-error\""), "{}", r.body);
        let mut pr = Visitor::new(&s.router);
        pr.sign_in("pr", PASSWORD).await;
        assert_eq!(pr.get("/admin/reports").await.status, StatusCode::FORBIDDEN);
        assert_eq!(pr.post("/admin/reports/routes", &[("category", "pothole"), ("local_community", ""), ("unit", "05")]).await.status, StatusCode::FORBIDDEN);
    }
}

backend_test! {
    /// A unit hands a report on to the unit it belongs to, saying why: the reason is required
    /// and named, the same unit is refused, the other unit has it on its desk and the first no
    /// longer, the step is on the public page and in the reporter's mail.
    async fn a_unit_hands_a_report_to_another_unit(db: TestDb) {
        let s = site(&db).await;
        let mut citizen = Visitor::new(&s.router);
        citizen.get("/reports/new").await;
        let r = citizen.post("/reports/new", REPORT).await;
        let number = between(&r.body, "<dt>Broj prijave</dt><dd><strong class=\"code\">", "<").to_string();
        let row = s.k.store.public_report(&number).await.unwrap().unwrap().report;
        assert_eq!(row.unit_code, "01/1");
        let mut amra = Visitor::new(&s.router);
        amra.sign_in("amra", PASSWORD).await;
        let href = format!("/reports/desk/{}/hand-over", row.id);
        let item = amra.get(&format!("/reports/desk/{}", row.id)).await;
        assert!(item.body.contains(&format!("action=\"{href}\"")) && !item.body.contains("<option value=\"01/1\""), "{}", item.body);
        let r = amra.post(&href, &[("unit", "04"), ("reason", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"reason-error\""), "{}", r.body);
        let r = amra.post(&href, &[("unit", "01/1"), ("reason", "Naša je.")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"unit-error\""), "{}", r.body);
        let r = amra.post(&href, &[("unit", "04"), ("reason", "Most je u nadležnosti službe za prostorno uređenje.")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(!amra.get("/reports/desk").await.body.contains(&number));
        assert_eq!(amra.post(&href, &[("unit", "05"), ("reason", "Opet.")]).await.status, StatusCode::FORBIDDEN, "no longer hers");
        let mut selma = Visitor::new(&s.router);
        selma.sign_in("selma", PASSWORD).await;
        assert!(selma.get("/reports/desk").await.body.contains(&number));
        assert!(citizen.get(&format!("/reports/{number}")).await.body.contains("Most je u nadležnosti službe za prostorno uređenje."));
        let mail = s.k.store.mail_to("emir@example.test", 5).await.unwrap();
        assert!(mail.iter().any(|m| m.body.contains("Most je u nadležnosti")), "{mail:?}");
        assert!(opcina_store::verify::verify(s.k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}
