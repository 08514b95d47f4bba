//! The website through the real router, on SQLite and PostgreSQL: the newsroom's forms and
//! workflow, the public pages in five locales, Atom feeds and the site map (well-formed,
//! escaped, nothing under embargo), Open Graph and canonical links, and the JSON API over the
//! same use cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use opcina_core::publicinfo::piece::{PieceAction, PieceFacts, PieceText};
use opcina_core::registry::Timestamp;
use opcina_search::PersonIndex;
use opcina_testkit::publicinfo::{self, Newsroom, bosnian, facts, publish};
use opcina_testkit::{Kakanj, TestDb, backend_test};
use opcina_web::{AppState, app};
use serde_json::json;
use support::http::call;
use support::visitor::Visitor;

const PASSWORD: &str = "lozinka-redakcije-1";
const BASE: &str = "https://kakanj.opcina.test";

struct Site {
    router: Router,
    k: Kakanj,
    n: Newsroom,
}

async fn site(db: &TestDb) -> Site {
    let k = Kakanj::set_up(db).await;
    let n = publicinfo::set_up(&k).await;
    for user in ["urednik", "pr", "kabinet", "kabinet2", "salter"] {
        k.store.set_password(&k.admin, user, PASSWORD).await.unwrap();
    }
    let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
    let router = app(AppState::new(k.store.clone(), index).with_public_url(BASE));
    Site { router, k, n }
}

/// The id in a `/newsroom/{id}?…` address.
fn piece_id(location: &str) -> String {
    location.trim_start_matches("/newsroom/").split('?').next().unwrap().to_string()
}

backend_test! {
    async fn the_newsroom_takes_a_piece_to_the_website(db: TestDb) {
        let s = site(&db).await;
        let mut editor = Visitor::new(&s.router);
        let r = editor.sign_in("urednik", PASSWORD).await;
        assert_eq!(r.location(), "/newsroom", "editors land in the newsroom");
        let r = editor.get("/newsroom").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Nova objava"), "{}", r.body);
        // A form with mistakes comes back with every field named and nothing lost.
        let r = editor.post("/newsroom", &[("kind", "act"), ("language", "bs"), ("title", ""), ("summary", "Sažetak koji ostaje"), ("body", "Tekst")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"title-error\"") && r.body.contains("id=\"gazette-error\""), "{}", r.body);
        assert!(r.body.contains("Sažetak koji ostaje"), "what was typed is kept");
        let r = editor
            .post(
                "/newsroom",
                &[("kind", "news"), ("category", "Privreda"), ("tags", "poticaji, mladi"), ("local_community", "Kraljeva Sutjeska"), ("language", "bs"), ("title", "Poticaji <za> mlade & žene"), ("summary", "Kratko."), ("body", "Prvi red\ndrugi red\n\nDrugi pasus")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = piece_id(r.location());
        let r = editor.get(&format!("/newsroom/{id}")).await;
        assert!(r.body.contains("Poticaji &#60;za&#62; mlade &#38; žene"), "escaped: {}", r.body);
        assert!(r.body.contains("value=\"submit\"") && !r.body.contains("value=\"approve\""), "an editor submits, never approves");
        let r = editor.post(&format!("/newsroom/{id}/step"), &[("action", "submit")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // The approver approves, the PR officer publishes.
        let mut approver = Visitor::new(&s.router);
        approver.sign_in("kabinet", PASSWORD).await;
        let r = approver.get("/newsroom").await;
        assert!(r.body.contains(&format!("/newsroom/{id}")), "waiting in the list");
        let r = approver.post(&format!("/newsroom/{id}/step"), &[("action", "approve")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let mut press = Visitor::new(&s.router);
        press.sign_in("pr", PASSWORD).await;
        let r = press.post(&format!("/newsroom/{id}/step"), &[("action", "publish"), ("publish_at", "sutra")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a time that is not one is refused, beside its field");
        assert!(r.body.contains("id=\"publish_at-publish-error\""), "{}", r.body);
        let r = press.post(&format!("/newsroom/{id}/step"), &[("action", "publish"), ("publish_at", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // The public sees it: the list, its page with two paragraphs and a line break.
        let mut citizen = Visitor::new(&s.router);
        let list = citizen.get("/news").await;
        assert!(list.body.contains("Poticaji &#60;za&#62; mlade &#38; žene"), "{}", list.body);
        let slug = "poticaji-za-mlade-zene";
        let page = citizen.get(&format!("/news/{slug}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<p>Prvi red<br>drugi red</p>") && page.body.contains("<p>Drugi pasus</p>"), "{}", page.body);
        assert!(page.body.contains(&format!("<link rel=\"canonical\" href=\"{BASE}/news/{slug}\">")));
        assert!(page.body.contains("<meta property=\"og:title\" content=\"Poticaji &#60;za&#62; mlade &#38; žene\">"));
        assert!(page.body.contains("href=\"/news?mz=kraljeva-sutjeska\"") && page.body.contains("href=\"/news?tag=poticaji\""));
        // A correction is shown with its reason; the registrar cannot reach the newsroom.
        let r = press
            .post(&format!("/newsroom/{id}"), &[("kind", "news"), ("language", "bs"), ("title", "Poticaji <za> mlade & žene"), ("summary", "Kratko."), ("body", "Ispravljen tekst"), ("reason", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"reason-error\""));
        let r = press
            .post(&format!("/newsroom/{id}"), &[("kind", "news"), ("language", "bs"), ("title", "Poticaji <za> mlade & žene"), ("summary", "Kratko."), ("body", "Ispravljen tekst"), ("reason", "Pogrešan iznos")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = citizen.get(&format!("/news/{slug}")).await;
        assert!(page.body.contains("Pogrešan iznos") && page.body.contains("ažurirano"), "{}", page.body);
        let mut clerk = Visitor::new(&s.router);
        clerk.sign_in("salter", PASSWORD).await;
        assert_eq!(clerk.get("/newsroom").await.status, StatusCode::FORBIDDEN);
        assert_eq!(clerk.get(&format!("/newsroom/{id}")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(citizen.get("/newsroom").await.status, StatusCode::SEE_OTHER, "a visitor is sent to sign in");
    }
}

backend_test! {
    async fn feeds_and_the_site_map_are_well_formed_and_keep_the_embargo(db: TestDb) {
        let s = site(&db).await;
        let (k, n) = (&s.k, &s.n);
        let news = PieceFacts { category: "Kultura & sport".into(), local_community: "Brnjica".into(), ..facts("news") };
        publish(k, n, news, bosnian("Koncert <uživo> & \"besplatno\"", "Sažetak ]]> s <b>oznakom</b>", "Red 1\n\nRed 2 <script>"), None).await;
        let embargoed = publish(k, n, facts("announcement"), bosnian("Tajna do sutra", "", "Ne smije procuriti."), Some(Timestamp(k.store.now().0 + 3_600_000_000))).await;
        publish(k, n, facts("page"), bosnian("O općini", "", "Tekst."), None).await;
        let mut v = Visitor::new(&s.router);
        let feed = v.get("/feed.atom").await;
        assert_eq!(feed.status, StatusCode::OK);
        assert_eq!(feed.headers.get(header::CONTENT_TYPE).unwrap(), "application/atom+xml; charset=utf-8");
        let doc = roxmltree::Document::parse(&feed.body).unwrap_or_else(|e| panic!("{e}: {}", feed.body));
        let root = doc.root_element();
        assert_eq!((root.tag_name().namespace(), root.tag_name().name()), (Some("http://www.w3.org/2005/Atom"), "feed"));
        for required in ["id", "title", "updated", "author"] {
            assert!(root.children().any(|c| c.tag_name().name() == required), "the feed has its {required}");
        }
        let entries: Vec<_> = root.children().filter(|c| c.tag_name().name() == "entry").collect();
        assert_eq!(entries.len(), 1, "no standing page, nothing under embargo: {}", feed.body);
        let child = |name: &str| entries[0].children().find(|c| c.tag_name().name() == name).and_then(|c| c.text()).unwrap_or("").to_string();
        assert_eq!(child("title"), "Koncert <uživo> & \"besplatno\"");
        assert_eq!(child("summary"), "Sažetak ]]> s <b>oznakom</b>");
        assert_eq!(child("content"), "<p>Red 1</p><p>Red 2 &lt;script&gt;</p>", "the HTML content escapes the text once more");
        assert_eq!(child("id"), format!("{BASE}/news/koncert-uzivo-besplatno"));
        assert!(!feed.body.contains("Tajna"), "the embargo holds in the feed");
        // Per category and per local community; an unknown filter is an error, not everything.
        let by_category = v.get("/feed.atom?category=kultura-sport").await;
        assert!(by_category.body.contains("Koncert"));
        let by_mz = v.get("/feed.atom?mz=kakanj").await;
        assert!(!by_mz.body.contains("<entry"), "{}", by_mz.body);
        assert_eq!(v.get("/feed.atom?category=Kultura%20%26").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(v.get("/feed.atom?kind=blog").await.status, StatusCode::BAD_REQUEST);
        // The site map: well-formed, the piece and the page, not the embargoed one.
        let map = v.get("/sitemap.xml").await;
        let doc = roxmltree::Document::parse(&map.body).unwrap();
        let locs: Vec<_> = doc.descendants().filter(|d| d.tag_name().name() == "loc").filter_map(|d| d.text()).collect();
        assert!(locs.contains(&format!("{BASE}/news/koncert-uzivo-besplatno").as_str()) && locs.contains(&format!("{BASE}/pages/o-opcini").as_str()), "{locs:?}");
        assert!(!map.body.contains(&embargoed.slug));
        assert_eq!(v.get(&format!("/news/{}", embargoed.slug)).await.status, StatusCode::NOT_FOUND, "no page before its time");
        // One address per piece.
        let moved = v.get("/news/o-opcini").await;
        assert_eq!((moved.status, moved.location()), (StatusCode::PERMANENT_REDIRECT, "/pages/o-opcini"));
    }
}

backend_test! {
    async fn pages_speak_five_locales_and_say_when_a_text_is_not_translated(db: TestDb) {
        let s = site(&db).await;
        let piece = publish(&s.k, &s.n, facts("news"), bosnian("Đorđe i Šćepan otvorili izložbu", "Izložba u Domu kulture.", "Tekst."), None).await;
        let mut v = Visitor::new(&s.router);
        let en = v.get(&format!("/news/{}?lang=en", piece.slug)).await;
        assert!(en.body.contains("has not been translated") && en.body.contains("<div lang=\"bs\">"), "{}", en.body);
        let cyrillic = v.get(&format!("/news/{}?lang=sr-cyrl", piece.slug)).await;
        assert!(cyrillic.body.contains("Ђорђе и Шћепан отворили изложбу"), "{}", cyrillic.body);
        s.k.store
            .piece(&s.n.press, opcina_store::publicinfo::PieceOp::Save {
                piece_id: piece.id,
                facts: None,
                text: Some(PieceText { language: "en".into(), title: "Exhibition opened".into(), summary: String::new(), body: "Text.".into() }),
                reason: "Translation".into(),
            })
            .await
            .unwrap()
            .unwrap();
        let en = v.get(&format!("/news/{}?lang=en", piece.slug)).await;
        assert!(en.body.contains("Exhibition opened") && !en.body.contains("has not been translated"));
        let home = v.get("/?lang=hr").await;
        assert!(home.body.contains("Đorđe i Šćepan otvorili izložbu") && home.body.contains("Matični uredi"), "{}", home.body);
        // Typed without diacritics or in Cyrillic, a filter key finds the same.
        assert_eq!(opcina_core::publicinfo::key::key("Ђорђе"), opcina_core::publicinfo::key::key("Djordje"));
    }
}

backend_test! {
    async fn the_api_serves_the_same_use_cases(db: TestDb) {
        let s = site(&db).await;
        let editor = s.k.store.create_token(&s.k.admin, "urednik", "test").await.unwrap();
        let approver = s.k.store.create_token(&s.k.admin, "kabinet", "test").await.unwrap();
        let press = s.k.store.create_token(&s.k.admin, "pr", "test").await.unwrap();
        let clerk = s.k.store.create_token(&s.k.admin, "salter", "test").await.unwrap();
        let body = json!({"facts": {"kind": "public_call", "closes_on": "2099-01-31", "category": "Obrazovanje"}, "text": {"language": "bs", "title": "Stipendije 2099", "summary": "Poziv.", "body": "Tekst."}});
        let (status, answer) = call(&s.router, "POST", "/api/v1/newsroom/pieces", Some(&clerk), Some(body.clone())).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("publicinfo.permission")));
        let (status, answer) = call(&s.router, "POST", "/api/v1/newsroom/pieces", Some(&editor), Some(json!({"facts": {"kind": "public_call"}, "text": {"language": "bs", "title": "X"}}))).await;
        assert_eq!((status, answer["error"]["code"].as_str(), answer["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("publicinfo.closes_on.required"), Some("closes_on")));
        let (status, answer) = call(&s.router, "POST", "/api/v1/newsroom/pieces", Some(&editor), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let id = answer["piece"]["id"].as_i64().unwrap();
        let steps = format!("/api/v1/newsroom/pieces/{id}/steps");
        let (status, answer) = call(&s.router, "POST", &steps, Some(&editor), Some(json!({"action": "fly"}))).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("publicinfo.step.unknown")));
        assert_eq!(call(&s.router, "POST", &steps, Some(&editor), Some(json!({"action": "submit"}))).await.0, StatusCode::OK);
        assert_eq!(call(&s.router, "POST", &steps, Some(&approver), Some(json!({"action": "approve"}))).await.0, StatusCode::OK);
        let (status, answer) = call(&s.router, "POST", &steps, Some(&press), Some(json!({"action": "publish", "publish_at": "tomorrow"}))).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("publicinfo.publish_at.invalid")));
        let (status, answer) = call(&s.router, "POST", &steps, Some(&press), Some(json!({"action": "publish", "publish_at": "2000-01-01T09:00:00+01:00"}))).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, list) = call(&s.router, "GET", "/api/v1/pieces?kind=public_call", None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["items"][0]["piece"]["slug"], "stipendije-2099");
        assert_eq!(list["items"][0]["texts"][0]["title"], "Stipendije 2099");
        let (status, one) = call(&s.router, "GET", "/api/v1/pieces/stipendije-2099", None, None).await;
        assert_eq!((status, one["piece"]["closes_on"].as_str()), (StatusCode::OK, Some("2099-01-31")));
        assert_eq!(call(&s.router, "GET", "/api/v1/pieces/nema-je", None, None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(call(&s.router, "GET", "/api/v1/pieces?after=x", None, None).await.0, StatusCode::BAD_REQUEST);
        let (status, sheet) = call(&s.router, "GET", &format!("/api/v1/newsroom/pieces/{id}"), Some(&press), None).await;
        assert_eq!((status, sheet["steps"].as_array().map(Vec::len)), (StatusCode::OK, Some(4)));
        assert_eq!(call(&s.router, "GET", "/api/v1/newsroom/pieces", Some(&clerk), None).await.0, StatusCode::FORBIDDEN);
    }
}

backend_test! {
    /// A press release reaches every journalist on the list through a real SMTP server
    /// (aiosmtpd), in their language and script, never before its embargo ends, once; a
    /// journalist who follows another topic or left the list gets nothing; the newsroom sees
    /// each relay's answer.
    async fn a_press_release_reaches_the_media_through_a_real_relay_after_its_embargo(db: TestDb) {
        use opcina_core::publicinfo::media::ContactFields;
        use opcina_testkit::smtp::{SmtpServer, python};
        use opcina_web::mail::{MailSettings, Mailer};
        let Some(python) = python() else { return };
        let s = site(&db).await;
        let (k, n) = (&s.k, &s.n);
        let contact = |outlet: &str, email: &str, beats: &str, language: &str, script: &str| ContactFields {
            outlet: outlet.into(),
            name: "Redakcija".into(),
            email: email.into(),
            beats: beats.into(),
            language: language.into(),
            script: script.into(),
        };
        for c in [
            contact("Radio Kakanj", "radio@kakanj.example", "", "bs", "latin"),
            contact("RTRS", "vijesti@rtrs.example", "privreda", "sr", "cyrillic"),
            contact("Sportski list", "sport@list.example", "sport", "hr", "latin"),
            contact("Oslobođenje", "desk@oslobodjenje.example", "", "en", "latin"),
            contact("Bivši portal", "stari@portal.example", "", "bs", "latin"),
        ] {
            k.store.add_media_contact(&n.press, c).await.unwrap().unwrap();
        }
        assert_eq!(
            k.store.add_media_contact(&n.editor, contact("X", "x@x.example", "", "bs", "latin")).await.unwrap().unwrap_err().errors[0].code,
            "publicinfo.permission"
        );
        let dup = k.store.add_media_contact(&n.press, contact("Radio", "RADIO@kakanj.example", "", "bs", "latin")).await.unwrap().unwrap_err();
        assert_eq!(dup.errors[0].code, "publicinfo.contact.exists");
        // One left the list by the link in an earlier message.
        let mut list = k.store.media_list(&n.press).await.unwrap().unwrap();
        list.sort_by_key(|c| c.id);
        let mut v = Visitor::new(&s.router);
        let token = list[4].unsubscribe_token.clone();
        let ask = v.get(&format!("/press/unsubscribe/{token}")).await;
        assert!(ask.body.contains("stari@portal.example"), "the link asks first: {}", ask.body);
        assert!(k.store.media_list(&n.press).await.unwrap().unwrap()[0..].iter().all(|c| c.active), "a GET changes nothing");
        let done = v.post(&format!("/press/unsubscribe/{token}"), &[]).await;
        assert_eq!(done.status, StatusCode::OK);
        assert_eq!(v.get("/press/unsubscribe/nema").await.status, StatusCode::NOT_FOUND);

        // The release: a piece under embargo for 1.5 s, sent to everyone who follows "Privreda".
        let text = bosnian("Nova fabrika u Kaknju", "Investicija od 4 miliona KM.", "Prvi pasus.\n\nDrugi pasus.");
        let at = Timestamp(k.store.now().0 + 1_500_000);
        let piece = publish(k, n, PieceFacts { category: "Privreda".into(), ..facts("news") }, text, Some(at)).await;
        let english = PieceText { language: "en".into(), title: "New factory in Kakanj".into(), summary: "KM 4 million.".into(), body: "First.".into() };
        k.store.piece(&n.press, opcina_store::publicinfo::PieceOp::Save { piece_id: piece.id, facts: None, text: Some(english), reason: "Dodan prijevod".into() }).await.unwrap().unwrap();
        assert_eq!(k.store.distribute(&n.editor, piece.id, "").await.unwrap().unwrap_err().errors[0].code, "publicinfo.permission");
        let release = k.store.distribute(&n.press, piece.id, "Privreda").await.unwrap().unwrap();
        assert_eq!(opcina_web::press::queue_due(&k.store, BASE).await.unwrap(), 0, "nothing before the embargo ends");
        assert_eq!(k.store.mail_counts().await.unwrap().pending, 0);
        tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
        assert_eq!(opcina_web::press::queue_due(&k.store, BASE).await.unwrap(), 3, "radio, RTRS (follows privreda), the English desk");
        assert_eq!(opcina_web::press::queue_due(&k.store, BASE).await.unwrap(), 0, "written once");
        let server = SmtpServer::accepting(&python);
        let settings = MailSettings { relay: Some(server.addr.to_string()), directory: None, from: "Općina Kakanj <press@kakanj.example>".into() };
        let mailer = Mailer::new(&settings, "kakanj.example").unwrap();
        assert_eq!(mailer.deliver_pending(&k.store, &mut Default::default()).await.unwrap(), 3);
        assert_eq!(mailer.deliver_pending(&k.store, &mut Default::default()).await.unwrap(), 0, "sent once");
        let received = server.received();
        assert_eq!(received.len(), 3, "{received:?}");
        let to = |who: &str| received.iter().find(|m| m.contains(&format!("To: {who}"))).unwrap_or_else(|| panic!("nothing to {who}: {received:?}"));
        let radio = to("radio@kakanj.example");
        assert!(radio.contains("Subject: Saopćenje za javnost: Nova fabrika u Kaknju") && radio.contains("Prvi pasus.\n\nDrugi pasus."), "{radio}");
        assert!(radio.contains(&format!("{BASE}/news/nova-fabrika-u-kaknju")) && radio.contains(&format!("{BASE}/press/unsubscribe/")), "{radio}");
        let rtrs = to("vijesti@rtrs.example");
        assert!(rtrs.contains("Нова фабрика у Какњу") && rtrs.contains("Саопштење за јавност"), "Serbian Cyrillic: {rtrs}");
        let english = to("desk@oslobodjenje.example");
        assert!(english.contains("Subject: Press release: New factory in Kakanj"), "{english}");
        assert!(!received.iter().any(|m| m.contains("sport@list.example") || m.contains("stari@portal.example")));
        // The newsroom sees each message with the relay's answer.
        let log = k.store.release_log(&n.press, piece.id).await.unwrap().unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].distribution.id, log[0].distribution.recipients), (release.id, 3));
        assert!(log[0].messages.iter().all(|m| m.status == "sent" && m.reply.starts_with("250")), "{:?}", log[0].messages);
        let mut press = Visitor::new(&s.router);
        press.sign_in("pr", PASSWORD).await;
        let page = press.get(&format!("/newsroom/{}", piece.id)).await;
        assert!(page.body.contains("vijesti@rtrs.example") && page.body.contains("poslano"), "{}", page.body);
        assert!(opcina_store::verify::verify(k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn the_media_list_refuses_what_would_break_a_message(db: TestDb) {
        let s = site(&db).await;
        let mut press = Visitor::new(&s.router);
        press.sign_in("pr", PASSWORD).await;
        let r = press.post("/newsroom/media", &[("outlet", "Radio\r\nBcc: svi@example.ba"), ("email", "a@b.example\r\nBcc: x@y.example"), ("language", "bs"), ("script", "latin")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"outlet-error\"") && r.body.contains("id=\"email-error\""), "{}", r.body);
        let r = press.post("/newsroom/media", &[("outlet", "Radio Kakanj"), ("name", "Amra"), ("email", "amra@radio.example"), ("beats", "sport, kultura"), ("language", "sr"), ("script", "cyrillic")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let list = press.get("/newsroom/media").await;
        assert!(list.body.contains("amra@radio.example") && list.body.contains("1 kontakt na listi"), "{}", list.body);
        let id = s.k.store.media_list(&s.n.press).await.unwrap().unwrap()[0].id;
        let r = press.post(&format!("/newsroom/media/{id}"), &[("outlet", "Radio Kakanj"), ("email", "amra@radio.example"), ("language", "sr"), ("script", "cyrillic")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(!s.k.store.media_list(&s.n.press).await.unwrap().unwrap()[0].active, "unticked: off the list");
        let mut editor = Visitor::new(&s.router);
        editor.sign_in("urednik", PASSWORD).await;
        let r = editor.post("/newsroom/media", &[("outlet", "X"), ("email", "x@x.example"), ("language", "bs"), ("script", "latin")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an editor reads the list, the PR officer keeps it");
    }
}

/// The number and the access code on the page that confirms a message.
fn number_and_code(body: &str) -> (String, String) {
    let codes: Vec<String> =
        body.split("<strong class=\"code\">").skip(1).filter_map(|s| s.split('<').next()).map(str::to_string).collect();
    assert_eq!(codes.len(), 2, "{body}");
    (codes[0].clone(), codes[1].clone())
}

backend_test! {
    /// A citizen's question: sent without an account, numbered, followed by number and code,
    /// answered by its unit (not another unit), the answer e-mailed in the language it was
    /// asked in, and published because the citizen agreed.
    async fn a_citizens_question_is_numbered_answered_by_its_unit_and_published(db: TestDb) {
        let s = site(&db).await;
        opcina_testkit::docflow::set_up(&s.k).await;
        for user in ["amra", "selma"] {
            s.k.store.set_password(&s.k.admin, user, PASSWORD).await.unwrap();
        }
        let mut citizen = Visitor::new(&s.router);
        let form = citizen.get("/messages/new?lang=hr").await;
        assert!(form.body.contains("name=\"website\""), "the field hidden from people is there");
        let empty = citizen.post("/messages/new", &[("kind", "question"), ("unit", ""), ("name", ""), ("email", "x"), ("subject", ""), ("text", "")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["unit", "name", "email", "subject", "text"] {
            assert!(empty.body.contains(&format!("id=\"{field}-error\"")), "{field}: {}", empty.body);
        }
        let robot = citizen
            .post("/messages/new", &[("kind", "question"), ("unit", "04"), ("name", "Bot"), ("email", "bot@example.test"), ("subject", "Offer"), ("text", "Buy"), ("website", "http://spam.example")])
            .await;
        assert_eq!(robot.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = [
            ("kind", "question"),
            ("unit", "04"),
            ("name", "Ivana Jurić"),
            ("email", "ivana@example.test"),
            ("subject", "Rasvjeta u ulici <Bistrik>"),
            ("text", "Kada će biti popravljena rasvjeta?\nHvala."),
            ("publish", "on"),
        ];
        let sent = citizen.post("/messages/new", &fields).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        let (number, code) = number_and_code(&sent.body);
        assert!(number.starts_with("P-") && number.ends_with("-00001"), "{number}");
        assert!(s.k.store.published_messages(10).await.unwrap().is_empty(), "not published before it is answered");
        let wrong = citizen.get(&format!("/messages/track?number={number}&code=AAAA-BBBB")).await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        let tracked = citizen.get(&format!("/messages/track?number={number}&code={}", code.to_lowercase())).await;
        assert_eq!(tracked.status, StatusCode::OK);
        assert!(tracked.body.contains("Rasvjeta u ulici &#60;Bistrik&#62;") && tracked.body.contains("Čeka odgovor"), "{}", tracked.body);
        // Unit 04 answers; an official of 01/1 may not.
        let id = s.k.store.track_message(&number, &code).await.unwrap().unwrap().id;
        let mut other = Visitor::new(&s.router);
        other.sign_in("amra", PASSWORD).await;
        assert_eq!(other.get(&format!("/inbox/{id}")).await.status, StatusCode::FORBIDDEN);
        assert!(!other.get("/inbox").await.body.contains(&number), "another unit's inbox does not list it");
        let mut official = Visitor::new(&s.router);
        official.sign_in("selma", PASSWORD).await;
        let inbox = official.get("/inbox").await;
        assert!(inbox.body.contains(&number), "{}", inbox.body);
        let r = official.post(&format!("/inbox/{id}/answer"), &[("answer", "  ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = official.post(&format!("/inbox/{id}/answer"), &[("answer", "Popravka je zakazana za ponedjeljak.")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let again = official.post(&format!("/inbox/{id}/answer"), &[("answer", "Još jednom.")]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "answered once");
        // The answer went into the outbox in Croatian, the page's language when it was asked.
        let mail = s.k.store.mail_to("ivana@example.test", 5).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, format!("Odgovor na vašu poruku {number}"));
        assert!(mail[0].body.contains("Popravka je zakazana za ponedjeljak.") && mail[0].body.contains(&format!("{BASE}/messages/track?number={number}")), "{}", mail[0].body);
        let public = citizen.get("/messages").await;
        assert!(public.body.contains("Popravka je zakazana") && !public.body.contains("Ivana") && !public.body.contains("ivana@"), "{}", public.body);
        assert!(opcina_store::verify::verify(s.k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}

/// The question's number on the page that confirms it.
fn question_number(body: &str) -> String {
    body.split("<strong class=\"code\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or_else(|| panic!("{body}")).to_string()
}

backend_test! {
    /// A journalist's question: asked without an account, given by the PR officer to an
    /// official of unit 04 (who alone of the officials sees it), replied to by mail in the
    /// language it was asked in; the figures show it and the terms change what comes after.
    async fn a_journalists_question_goes_from_the_form_through_the_desk_to_a_mailed_reply(db: TestDb) {
        let s = site(&db).await;
        opcina_testkit::docflow::set_up(&s.k).await;
        for user in ["amra", "selma"] {
            s.k.store.set_password(&s.k.admin, user, PASSWORD).await.unwrap();
        }
        let mut journalist = Visitor::new(&s.router);
        let form = journalist.get("/press/ask?lang=en").await;
        assert!(form.body.contains("within 2 working days") && form.body.contains("name=\"website\""), "{}", form.body);
        let empty = journalist.post("/press/ask", &[("outlet", ""), ("name", ""), ("email", "x"), ("subject", ""), ("text", "")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["outlet", "name", "email", "subject", "text"] {
            assert!(empty.body.contains(&format!("id=\"{field}-error\"")), "{field}: {}", empty.body);
        }
        let robot = journalist
            .post("/press/ask", &[("outlet", "X"), ("name", "Bot"), ("email", "bot@example.test"), ("subject", "Offer"), ("text", "Buy"), ("website", "x")])
            .await;
        assert_eq!(robot.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = [
            ("outlet", "Radio <Kakanj>"),
            ("name", "Lejla Mušić"),
            ("email", "Lejla@Radio.example"),
            ("subject", "Roads in 2027"),
            ("text", "How much is planned for local roads?"),
        ];
        let sent = journalist.post("/press/ask", &fields).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        let number = question_number(&sent.body);
        assert!(number.starts_with("N-") && number.ends_with("-00001"), "{number}");

        // The PR officer sees it waiting and gives it to Selma of unit 04.
        let mut pr = Visitor::new(&s.router);
        pr.sign_in("pr", PASSWORD).await;
        let desk = pr.get("/desk").await;
        assert!(desk.body.contains(&number) && desk.body.contains("Radio &#60;Kakanj&#62;"), "{}", desk.body);
        let id = s.k.store.press_desk(&s.n.press).await.unwrap().unwrap()[0].id;
        let page = pr.get(&format!("/desk/{id}")).await;
        assert!(page.body.contains("value=\"04|selma\""), "{}", page.body);
        let r = pr.post(&format!("/desk/{id}/assign"), &[("to", "04|amra")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"to-error\""), "{}", r.body);
        let r = pr.post(&format!("/desk/{id}/assign"), &[("to", "04|selma")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // Amra (01/1) neither sees nor answers it; Selma does.
        let mut amra = Visitor::new(&s.router);
        amra.sign_in("amra", PASSWORD).await;
        assert!(!amra.get("/desk").await.body.contains(&number));
        assert_eq!(amra.get(&format!("/desk/{id}")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(amra.post(&format!("/desk/{id}/reply"), &[("reply", "Ne.")]).await.status, StatusCode::FORBIDDEN);
        let mut selma = Visitor::new(&s.router);
        selma.sign_in("selma", PASSWORD).await;
        assert!(selma.get("/desk").await.body.contains(&number));
        let r = selma.post(&format!("/desk/{id}/reply"), &[("reply", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"reply-error\""), "{}", r.body);
        let r = selma.post(&format!("/desk/{id}/reply"), &[("reply", "1.2 million KM, of which <b>half</b> for Kraljeva Sutjeska.")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mail = s.k.store.mail_to("lejla@radio.example", 5).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, format!("Reply to question {number}: Roads in 2027"));
        assert!(mail[0].body.contains("Dear Lejla Mušić") && mail[0].body.contains("<b>half</b>"), "text mail, as written: {}", mail[0].body);
        let page = pr.get(&format!("/desk/{id}")).await;
        assert!(page.body.contains("&#60;b&#62;half&#60;/b&#62;") && !page.body.contains("action=\"/desk/"), "kept, escaped, no more forms: {}", page.body);

        // The figures; the terms set by the PR officer apply to the next question.
        let figures = selma.get("/responses").await;
        assert_eq!(figures.status, StatusCode::OK);
        assert!(figures.body.contains("04 ") && !figures.body.contains("action=\"/responses/terms\""), "an official reads, does not set: {}", figures.body);
        let r = pr.post("/responses/terms", &[("messages_days", "20"), ("press_days", "99")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"press_days-error\"") && r.body.contains("value=\"99\""), "{}", r.body);
        assert_eq!(s.k.store.answer_terms().await.unwrap().messages, 15, "nothing half-set");
        let r = pr.post("/responses/terms", &[("messages_days", "20"), ("press_days", "3")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(journalist.get("/press/ask?lang=en").await.body.contains("within 3 working days"));
        assert!(journalist.get("/messages/new?lang=en").await.body.contains("within 20 days"));
        // The desk takes a question down by phone, for a reply in Cyrillic.
        let r = pr.post("/desk/new", &[("outlet", "RTV"), ("name", "Petar Petrović"), ("email", "petar@rtv.example"), ("subject", "Voda"), ("text", "Kada?"), ("language", "xx")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"language-error\""), "{}", r.body);
        let r = pr.post("/desk/new", &[("outlet", "RTV"), ("name", "Petar Petrović"), ("email", "petar@rtv.example"), ("subject", "Voda"), ("text", "Kada?"), ("language", "sr-cyrl")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().starts_with("/desk/"));
        assert_eq!(amra.get("/desk/new").await.status, StatusCode::FORBIDDEN, "an official does not take questions down");
        assert!(opcina_store::verify::verify(s.k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    /// A citizen brings a question to the counter: the clerk enters it on the same form, the
    /// e-mail address may be left out, no limit for robots applies, and the citizen takes the
    /// number and code home; a visitor without an address is refused naming the field.
    async fn a_clerk_enters_a_citizens_message_at_the_counter(db: TestDb) {
        let s = site(&db).await;
        opcina_testkit::docflow::set_up(&s.k).await;
        let fields = [("kind", "complaint"), ("unit", "01/1"), ("name", "Mirza Kovačević"), ("email", ""), ("subject", "Čekanje"), ("text", "Dugo se čeka.")];
        let mut visitor = Visitor::new(&s.router);
        visitor.get("/messages/new").await;
        let r = visitor.post("/messages/new", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"email-error\""), "{}", r.body);
        let mut clerk = Visitor::new(&s.router);
        clerk.sign_in("salter", PASSWORD).await;
        assert!(clerk.get("/messages/new").await.body.contains("na šalteru"));
        for _ in 0..12 {
            let r = clerk.post("/messages/new", &fields).await;
            assert_eq!(r.status, StatusCode::OK, "no limit at a counter: {}", r.body);
        }
        let (number, code) = number_and_code(&clerk.post("/messages/new", &fields).await.body);
        let m = s.k.store.track_message(&number, &code).await.unwrap().unwrap();
        assert_eq!((m.channel.as_str(), m.email.as_deref(), m.name.as_str()), ("counter", None, "Mirza Kovačević"));
        // Only the counter's roles enter one as the counter.
        let editor = opcina_core::registry::Actor { username: "urednik".into(), role: opcina_core::registry::Role::Editor, office: None };
        let f = opcina_core::publicinfo::message::MessageFields { kind: "question".into(), unit: "01/1".into(), name: "X".into(), email: String::new(), subject: "S".into(), text: "T".into(), publish: false };
        let refused = s.k.store.take_message(&editor, f, "bs").await.unwrap().unwrap_err();
        assert!(refused.has_code("publicinfo.permission"));
    }
}

backend_test! {
    /// A journalist asks for an accreditation for an event; a mistaken form comes back with
    /// every field named; the PR officer refuses without a reason (refused) and grants it, and
    /// the journalist is told by e-mail in their language.
    async fn an_accreditation_is_requested_and_granted_by_mail(db: TestDb) {
        let s = site(&db).await;
        let mut journalist = Visitor::new(&s.router);
        assert!(journalist.get("/press/accreditation?lang=en").await.body.contains("Press accreditation"));
        let r = journalist.post("/press/accreditation", &[("outlet", ""), ("name", ""), ("email", "x"), ("kind", "event"), ("event", ""), ("event_on", "sutra")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["outlet", "name", "email", "event", "event_on"] {
            assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}: {}", r.body);
        }
        let day = (s.k.store.today() + chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
        let fields = [("outlet", "TV Kakanj"), ("name", "Amel Begić"), ("email", "amel@tv.example"), ("kind", "event"), ("event", "Sjednica vijeća"), ("event_on", day.as_str())];
        let r = journalist.post("/press/accreditation", &fields).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let number = question_number(&r.body);
        assert!(number.starts_with("A-"), "{number}");
        let mut pr = Visitor::new(&s.router);
        pr.sign_in("pr", PASSWORD).await;
        let list = pr.get("/desk/accreditations").await;
        assert!(list.body.contains(&number) && list.body.contains("Sjednica vijeća"), "{}", list.body);
        let id = s.k.store.accreditations(&s.n.press).await.unwrap().unwrap()[0].id;
        let r = pr.post(&format!("/desk/accreditations/{id}"), &[("to", "refused"), ("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"reason-error\""), "{}", r.body);
        let r = pr.post(&format!("/desk/accreditations/{id}"), &[("to", "granted"), ("reason", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mail = s.k.store.mail_to("amel@tv.example", 5).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, format!("Accreditation {number}: granted"));
        assert!(mail[0].body.contains("the event \"Sjednica vijeća\"") && mail[0].body.contains(", until "), "{}", mail[0].body);
        let page = pr.get(&format!("/desk/accreditations/{id}")).await;
        assert!(page.body.contains("value=\"revoked\"") && !page.body.contains("value=\"granted\""), "{}", page.body);
        let mut editor = Visitor::new(&s.router);
        editor.sign_in("urednik", PASSWORD).await;
        assert_eq!(editor.get("/desk/accreditations").await.status, StatusCode::FORBIDDEN);
    }
}

backend_test! {
    /// A piece's files through the pages: uploaded from the newsroom (a disguised page and an
    /// image without its words are refused beside their fields), served to the public with
    /// the type their content has and only while the piece is visible, shown with their words
    /// and in the shared link's preview.
    async fn a_piece_carries_files_from_the_newsroom_to_its_page(db: TestDb) {
        let s = site(&db).await;
        s.k.store.set_files(opcina_store::files::Files::memory());
        let piece = publicinfo::publish(&s.k, &s.n, publicinfo::facts("news"), publicinfo::bosnian("Novi most", "Otvoren", "Tekst."), None).await;
        let mut press = Visitor::new(&s.router);
        press.sign_in("pr", PASSWORD).await;
        press.get(&format!("/newsroom/{}", piece.id)).await;
        let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        let path = format!("/newsroom/{}/files", piece.id);
        let r = press.post_file(&path, &[("name", ""), ("alt", "")], ("file", "most.png", "image/png", png)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"alt-error\""), "{}", r.body);
        let r = press.post_file(&path, &[("name", "slika.png"), ("alt", "Most")], ("file", "slika.png", "image/png", b"<html><script>alert(1)</script>")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"file-error\""), "{}", r.body);
        let r = press.post_file(&path, &[("name", ""), ("alt", "Novi most preko Bosne <u centru>")], ("file", "most.png", "image/png", png)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = press.post_file(&path, &[("name", "Odluka o izgradnji.pdf"), ("alt", "")], ("file", "x.pdf", "application/octet-stream", b"%PDF-1.7 odluka")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let files = s.k.store.public_piece(&piece.slug).await.unwrap().unwrap().files;
        assert_eq!(files.len(), 2);

        let mut citizen = Visitor::new(&s.router);
        let page = citizen.get(&format!("/news/{}", piece.slug)).await;
        let image = format!("/news/{}/files/{}", piece.slug, files[0].id);
        assert!(page.body.contains(&format!("<img src=\"{image}\" alt=\"Novi most preko Bosne &#60;u centru&#62;\"")), "{}", page.body);
        assert!(page.body.contains(&format!("<meta property=\"og:image\" content=\"{BASE}{image}\">")), "{}", page.body);
        assert!(page.body.contains("Odluka o izgradnji.pdf") && page.body.contains("ažurirano"), "a correction: {}", page.body);
        let r = citizen.get(&image).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers.get("content-type").unwrap(), "image/png");
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        let pdf = citizen.get(&format!("/news/{}/files/{}", piece.slug, files[1].id)).await;
        assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf", "the content's type, not the sender's");
        assert!(pdf.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment; filename=\"Odluka o izgradnji.pdf\""));
        // Withdrawn: the files go with the piece; the newsroom still has them.
        publicinfo::step(&s.k, &s.n.press, piece.id, PieceAction::Unpublish, "Pogrešan datum.", None).await;
        assert_eq!(citizen.get(&image).await.status, StatusCode::NOT_FOUND);
        assert_eq!(press.get(&format!("/newsroom/{}/files/{}", piece.id, files[0].id)).await.status, StatusCode::OK);
        assert_eq!(citizen.get(&format!("/newsroom/{}/files/{}", piece.id, files[0].id)).await.status, StatusCode::SEE_OTHER);
    }
}

backend_test! {
    /// The search of the website: every word folded as BHS is written (`djordjevic` finds
    /// `Đorđević`, Latin finds Cyrillic), the text of a piece's PDF found, and nothing the
    /// public may not see (a draft, a piece under embargo).
    async fn the_search_finds_what_is_published_however_it_is_typed(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        k.store.set_files(opcina_store::files::Files::memory());
        let n = publicinfo::set_up(&k).await;
        let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
        let pieces = Arc::new(opcina_search::pieces::PieceIndex::in_memory(15_000_000).unwrap());
        let router = app(AppState::new(k.store.clone(), index).with_pieces(Arc::clone(&pieces)).with_public_url(BASE));
        let bridge = publish(&k, &n, facts("news"), bosnian("Most u Doboju otvorio načelnik Đorđević", "Most", "Radovi su trajali godinu dana."), None).await;
        publish(&k, &n, facts("announcement"), bosnian("Обавјештење о водоснабдијевању", "Вода", "Без воде ће бити улица Алије Изетбеговића."), None).await;
        let tomorrow = Timestamp(k.store.now().0 + 86_400_000_000);
        publish(&k, &n, facts("news"), bosnian("Đorđević o budžetu", "Embargo", "Sutra."), Some(tomorrow)).await;
        k.store.piece(&n.editor, opcina_store::publicinfo::PieceOp::Create { facts: facts("news"), text: bosnian("Nacrt: Đorđević", "Nacrt", "Nije objavljeno.") }).await.unwrap().unwrap();
        // A PDF's text is found too (a minimal PDF with one line of text).
        let pdf = receipt_pdf_about("Odluka o komunalnoj naknadi za Brnjicu");
        let fields = opcina_core::publicinfo::attachment::FileFields { name: "odluka.pdf".into(), alt: String::new() };
        k.store.put_piece_file(&n.press, bridge.id, &fields, axum::body::Bytes::from(pdf)).await.unwrap().unwrap();
        opcina_search::pieces::catch_up(&pieces, &k.store).await.unwrap();
        assert_eq!(pieces.len(), 4, "every piece is indexed; what is shown is decided when it is read");

        let mut v = Visitor::new(&router);
        let found = |body: &str, title: &str| body.contains(title);
        let r = v.get("/search?q=djordjevic+MOST").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(found(&r.body, "Most u Doboju otvorio načelnik Đorđević"), "{}", r.body);
        assert!(!found(&r.body, "Đorđević o budžetu") && !found(&r.body, "Nacrt: Đorđević"), "no embargo, no draft: {}", r.body);
        let r = v.get("/search?q=vodosnabdijevanju").await;
        assert!(found(&r.body, "Обавјештење о водоснабдијевању"), "Latin finds Cyrillic: {}", r.body);
        let r = v.get("/search?q=%D0%B0%D0%BB%D0%B8%D1%98%D0%B5").await;
        assert!(found(&r.body, "Обавјештење"), "Cyrillic finds Cyrillic: {}", r.body);
        let r = v.get("/search?q=komunalnoj+naknadi+brnjicu").await;
        assert!(found(&r.body, "Most u Doboju"), "the document's text: {}", r.body);
        let r = v.get("/search?q=%3Cscript%3E+OR+*").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Nijedna objava") && !r.body.contains("<script>"), "{}", r.body);
    }
}

/// A real PDF with text in it (the receipt the counter prints), about `subject`.
fn receipt_pdf_about(subject: &str) -> Vec<u8> {
    let day = opcina_testkit::date(2026, 11, 24);
    let facts = opcina_core::docflow::receipt::ReceiptFacts {
        municipality: "Općina Kakanj".into(),
        unit: "Služba za opću upravu".into(),
        number: "UP-I-01/1-25-1/26".into(),
        received_on: day,
        registered_at: "24.11.2026. 10:15".into(),
        party: "Šemsa Čaušević".into(),
        subject: subject.into(),
        kind: "Uvjerenje".into(),
        term_days: 8,
        due_on: day,
        access_code: "ABCD-EFGH-JKLM".into(),
        tracking_url: "https://kakanj.example/track".into(),
        tracking_page: "https://kakanj.example/track".into(),
        clerk: "Lejla Begić".into(),
    };
    opcina_pdf::receipt_pdf(&facts, Timestamp(1_790_000_000_000_000)).unwrap().pdf
}
