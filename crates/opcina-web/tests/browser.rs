//! The web application in a real browser (headless Chromium through chromedriver), with
//! axe-core checking every page visited for serious or critical WCAG 2.1 AA violations.
//! Skipped with one line when Chromium is not installed (required in `.ci/run`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use opcina_core::registry::Sex;
use opcina_search::PersonIndex;
use opcina_testkit::webdriver::Browser;
use opcina_testkit::{Kakanj, TestDb, date};
use opcina_web::{AppState, app};
use serde_json::json;

const PASSWORD: &str = "lozinka-za-test";

/// Checks the current page with axe and collects what it finds under the page's name.
fn audit(browser: &Browser, page: &str, found: &mut Vec<String>) {
    for v in browser.accessibility_violations() {
        found.push(format!("{page}: {v}"));
    }
}

fn wait_for_text(browser: &Browser, text: &str) {
    for _ in 0..100 {
        if browser.page_text().contains(text) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{text:?} never appeared on {}: {}", browser.url(), browser.page_text());
}

/// Signs the current user out and `user` in.
fn switch_user(browser: &Browser, user: &str) {
    browser.click(&browser.find("form.signout button"));
    wait_for_text(browser, "Odjavljeni ste.");
    browser.fill(&browser.find("#username"), user);
    browser.fill(&browser.find("#password"), PASSWORD);
    browser.click(&browser.find("form.narrow button[type=submit]"));
}

/// Opens a step's form in the case file, sets its choices and fields, and takes the step.
fn take_step(browser: &Browser, action: &str, choices: &[(&str, &str)], fields: &[(&str, &str)], saved: &str) {
    browser.click(&browser.find(&format!("#step-{action} summary")));
    for (id, value) in choices {
        browser.execute("document.getElementById(arguments[0]).value = arguments[1];", json!([id, value]));
    }
    for (id, value) in fields {
        browser.fill(&browser.find(&format!("#{id}")), value);
    }
    browser.click(&browser.find(&format!("#step-{action} form button[type=submit]")));
    wait_for_text(browser, saved);
}

/// The document flow: the registry office registers a submission and prints its receipt,
/// hands the case to an official, who decides it; the office dispatches the decision, and
/// the party follows the case with the number and access code from the receipt. Starts
/// and ends signed in as the counter clerk.
fn case_life_cycle(browser: &Browser, base: &str, jmbg: &str, violations: &mut Vec<String>) {
    browser.click(&browser.find("nav.main a[href='/cases']"));
    wait_for_text(browser, "Novi podnesak");
    audit(browser, "cases (registry office)", violations);
    browser.click(&browser.find("a[href='/cases/new']"));
    wait_for_text(browser, "Podnosilac");
    audit(browser, "case intake", violations);
    browser.execute("document.getElementById('f-case_type').value = 'uvjerenje';", json!([]));
    browser.fill(&browser.find("#f-subject"), "Uvjerenje o kućnoj listi");
    browser.fill(&browser.find("#f-party-name"), "Ljubica Đurić");
    browser.fill(&browser.find("#f-party-jmbg"), jmbg);
    browser.fill(&browser.find("#f-party-address"), "Alije Izetbegovića 12, Kakanj");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Potvrda o prijemu podneska");
    audit(browser, "case receipt", violations);
    let number = browser.text(&browser.find("dd.code"));
    let code = browser.text(&browser.find("#access-code"));
    assert!(number.starts_with("UP-I-01/1-") && code.len() == 14, "{number} {code}");
    let pdf = browser.attribute(&browser.find("p.actions a.button"), "href").unwrap();
    let path = pdf.trim_start_matches(base).trim_end_matches("/receipt.pdf").to_string();
    assert!(path.starts_with("/cases/"), "{pdf}");
    let case = format!("{base}{path}");

    // The registry office assigns the case to an official of the unit.
    browser.goto(&case);
    wait_for_text(browser, "Sljedeći koraci");
    take_step(browser, "hand_over", &[("hand-over-f-to", "01/1|amra")], &[], "Upisano: Predat");
    audit(browser, "case file (registry office)", violations);
    // The counter adds the scan of the submission from the case's page.
    let scan = std::env::temp_dir().join(format!("opcina-browser-{}-zahtjev.txt", std::process::id()));
    std::fs::write(&scan, "Zahtjev za uvjerenje o kućnoj listi, skenirano na šalteru").unwrap();
    browser.click(&browser.find("#step-upload summary"));
    browser.choose_file(&browser.find("#upload-file"), &scan);
    browser.click(&browser.find("#step-upload button[type=submit]"));
    wait_for_text(browser, "Upisano: Dodana datoteka");
    let name = scan.file_name().unwrap().to_string_lossy().to_string();
    assert!(browser.page_text().contains(&name), "{}", browser.page_text());
    let _ = std::fs::remove_file(&scan);
    audit(browser, "case file with a file", violations);

    // The official finds it among her cases and decides it.
    switch_user(browser, "amra");
    wait_for_text(browser, &number);
    assert!(browser.url().contains("/cases"), "{}", browser.url());
    audit(browser, "my cases", violations);
    browser.click(&browser.find(&format!("a[href='{path}']")));
    wait_for_text(browser, "Riješi");
    take_step(
        browser,
        "decide",
        &[("decide-f-outcome", "granted")],
        &[("decide-f-summary", "Izdaje se uvjerenje o kućnoj listi")],
        "Upisano: Riješen",
    );
    audit(browser, "case file (official)", violations);

    // The registry office dispatches the decision by post.
    switch_user(browser, "salter");
    wait_for_text(browser, "Šalter: pretraga osoba");
    browser.goto(&case);
    take_step(browser, "dispatch", &[("dispatch-f-method", "post")], &[], "Upisano: Otpremljen");
    browser.click(&browser.find("nav.main a[href='/archive']"));
    wait_for_text(browser, "Prijedlozi za izlučivanje");
    audit(browser, "archive book", violations);

    // The party tracks it with what the receipt says.
    browser.click(&browser.find("nav.main a[href='/track']"));
    wait_for_text(browser, "Upišite broj predmeta i pristupni kod");
    audit(browser, "case tracking form", violations);
    browser.fill(&browser.find("#number"), &number);
    browser.fill(&browser.find("#code"), &code);
    browser.click(&browser.find("form.narrow button[type=submit]"));
    wait_for_text(browser, "otpremljen");
    let page = browser.page_text();
    assert!(page.contains("Riješeno") && !page.contains("Ljubica"), "state and dates, no names: {page}");
    audit(browser, "case tracking", violations);
    information_request(browser, base, violations);
}

/// A request for access to information: made on the public form, found in the register,
/// handed to the unit by the registry office and refused by the official on an exemption.
/// Starts and ends signed in as the counter clerk.
fn information_request(browser: &Browser, base: &str, violations: &mut Vec<String>) {
    browser.goto(&format!("{base}/information"));
    wait_for_text(browser, "Pristup informacijama");
    audit(browser, "information request form", violations);
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Ispravite");
    audit(browser, "information request form with errors", violations);
    browser.fill(&browser.find("#name"), "Udruženje Zeleni Kakanj");
    browser.fill(&browser.find("#address"), "Zgošća bb, Kakanj");
    browser.fill(&browser.find("#email"), "zeleni@example.test");
    browser.click(&browser.find("input[name=requester][value=ngo]"));
    browser.fill(&browser.find("#information"), "Izvještaji o kvaliteti zraka za 2026. godinu");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Zahtjev je zaprimljen");
    audit(browser, "information request sent", violations);
    let number = browser.text(&browser.find("dl.facts strong.code"));
    browser.goto(&format!("{base}/information/requests"));
    wait_for_text(browser, &number);
    audit(browser, "information register", violations);
    browser.click(&browser.find("table a[href^='/information/requests/']"));
    wait_for_text(browser, "Predmet još nije dodijeljen službi");
    audit(browser, "information request (registry office)", violations);
    let request = browser.url();
    let id = request.rsplit('/').next().unwrap().to_string();
    browser.goto(&format!("{base}/cases/{id}"));
    take_step(browser, "hand_over", &[("hand-over-f-to", "01/1|amra")], &[], "Upisano: Predat");

    switch_user(browser, "amra");
    wait_for_text(browser, &number);
    browser.goto(&request);
    wait_for_text(browser, "Izvještaji o kvaliteti zraka");
    audit(browser, "information request (decision form)", violations);
    browser.click(&browser.find("input[name=kind][value=refused]"));
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Ispravite");
    audit(browser, "information decision with errors", violations);
    browser.click(&browser.find("input[name=exemptions][value=deliberation]"));
    browser.fill(&browser.find("#reasons"), "Izvještaji su nacrt koji Općinsko vijeće još razmatra.");
    browser.fill(&browser.find("#public_interest"), "Objava nacrta prije odluke ne bi služila javnom interesu.");
    browser.fill(&browser.find("#appeal_to"), "Općinskom načelniku, putem ove službe, u roku od 15 dana.");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "pristup odbijen");
    audit(browser, "information decided", violations);
    browser.goto(&format!("{base}/information/figures"));
    wait_for_text(browser, "Primijenjeni izuzeci");
    audit(browser, "information figures", violations);
    switch_user(browser, "salter");
    wait_for_text(browser, "Šalter: pretraga osoba");
}

/// The website: the editor writes a piece and submits it, the approver approves it, the PR
/// officer publishes it; the public finds it on the home page, in the news and on its own
/// page. Starts signed in as anyone; ends signed in as the PR officer.
fn website(browser: &Browser, base: &str, violations: &mut Vec<String>) {
    switch_user(browser, "urednik");
    wait_for_text(browser, "Redakcija web stranice");
    audit(browser, "newsroom", violations);
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Zahtjev nije izvršen");
    audit(browser, "newsroom with errors", violations);
    browser.fill(&browser.find("#title"), "Otvoren novi park u Kraljevoj Sutjesci");
    browser.fill(&browser.find("#summary"), "Park s igralištem za djecu otvoren je u subotu.");
    browser.fill(&browser.find("#body"), "Park je uređen sredstvima općine.");
    browser.fill(&browser.find("#local_community"), "Kraljeva Sutjeska");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Sljedeći korak");
    audit(browser, "newsroom piece", violations);
    // A photo of the park, first without the words that say what it shows.
    let photo = std::env::temp_dir().join(format!("opcina-browser-{}-park.png", std::process::id()));
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0").unwrap();
    browser.choose_file(&browser.find("#file"), &photo);
    browser.click(&browser.find("form[action$='/files'] button[type=submit]"));
    wait_for_text(browser, "Opišite riječima");
    audit(browser, "newsroom piece with a file refused", violations);
    browser.choose_file(&browser.find("#file"), &photo);
    browser.fill(&browser.find("#alt"), "Djeca na novom igralištu u parku");
    browser.click(&browser.find("form[action$='/files'] button[type=submit]"));
    wait_for_text(browser, "Prilog je dodan.");
    audit(browser, "newsroom piece with a file", violations);
    let _ = std::fs::remove_file(&photo);
    browser.click(&browser.find("form.step button[type=submit]"));
    wait_for_text(browser, "Poslano na pregled.");
    let piece = browser.url();
    switch_user(browser, "kabinet");
    wait_for_text(browser, "Redakcija web stranice");
    browser.goto(&piece);
    browser.click(&browser.find("form.step input[value=approve] ~ p button"));
    wait_for_text(browser, "Odobreno za objavu.");
    switch_user(browser, "pr");
    wait_for_text(browser, "Redakcija web stranice");
    browser.goto(&piece);
    audit(browser, "newsroom piece to publish", violations);
    browser.click(&browser.find("form.step input[value=publish] ~ p button"));
    wait_for_text(browser, "Objavljeno (ili zakazano");
    browser.goto(&format!("{base}/newsroom/media"));
    wait_for_text(browser, "Lista medija");
    browser.fill(&browser.find("#outlet"), "Radio Kakanj");
    browser.fill(&browser.find("#email"), "radio@kakanj.example");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "radio@kakanj.example");
    audit(browser, "media list", violations);
    browser.goto(&piece);
    browser.click(&browser.find("form[action$='/release'] button[type=submit]"));
    wait_for_text(browser, "Saopćenje je zakazano");
    audit(browser, "newsroom piece with a press release", violations);
    browser.goto(&format!("{base}/"));
    wait_for_text(browser, "Otvoren novi park u Kraljevoj Sutjesci");
    audit(browser, "home with news", violations);
    browser.click(&browser.find("nav.main a[href='/news']"));
    wait_for_text(browser, "Vijesti i obavještenja");
    audit(browser, "news", violations);
    browser.click(&browser.find("h2.piece-title a"));
    wait_for_text(browser, "Park je uređen sredstvima općine.");
    audit(browser, "a piece", violations);
    browser.goto(&format!("{base}/news/otvoren-novi-park-u-kraljevoj-sutjesci?lang=en"));
    wait_for_text(browser, "has not been translated");
    audit(browser, "a piece not translated", violations);
    browser.goto(&format!("{base}/news?lang=bs"));

    // A citizen's question, answered from the inbox.
    browser.goto(&format!("{base}/messages/new"));
    wait_for_text(browser, "Pošaljite pitanje");
    audit(browser, "message form", violations);
    browser.execute("document.querySelector('#unit').value = '04';", json!([]));
    browser.fill(&browser.find("#subject"), "Rasvjeta u ulici");
    browser.fill(&browser.find("#text"), "Kada će biti popravljena?");
    browser.fill(&browser.find("#name"), "Ivana Jurić");
    browser.fill(&browser.find("#email"), "ivana@example.test");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Poruka je primljena");
    audit(browser, "message sent", violations);
    browser.goto(&format!("{base}/inbox"));
    wait_for_text(browser, "Rasvjeta u ulici");
    audit(browser, "inbox", violations);
    browser.click(&browser.find("table a[href^='/inbox/']"));
    wait_for_text(browser, "Kada će biti popravljena?");
    audit(browser, "inbox message", violations);
    browser.fill(&browser.find("#answer"), "Popravka je zakazana.");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Odgovorene");
    browser.goto(&format!("{base}/messages"));
    audit(browser, "published answers", violations);
    browser.goto(&format!("{base}/messages/track"));
    audit(browser, "message tracking", violations);

    // A journalist's question, given to a unit and replied to from the desk.
    browser.goto(&format!("{base}/press/ask"));
    wait_for_text(browser, "Pitanje za službu za odnose s javnošću");
    audit(browser, "press question form", violations);
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Ispravite");
    audit(browser, "press question form with errors", violations);
    browser.fill(&browser.find("#outlet"), "Radio Kakanj");
    browser.fill(&browser.find("#name"), "Lejla Mušić");
    browser.fill(&browser.find("#email"), "lejla@radio.example");
    browser.fill(&browser.find("#subject"), "Budžet za ceste");
    browser.fill(&browser.find("#text"), "Koliko je planirano za lokalne ceste?");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Pitanje je primljeno");
    audit(browser, "press question sent", violations);
    browser.goto(&format!("{base}/desk"));
    wait_for_text(browser, "Budžet za ceste");
    audit(browser, "desk", violations);
    browser.click(&browser.find("table a[href^='/desk/']"));
    wait_for_text(browser, "Koliko je planirano za lokalne ceste?");
    audit(browser, "desk question", violations);
    browser.click(&browser.find("form[action$='/assign'] button[type=submit]"));
    wait_for_text(browser, "kod službe");
    browser.fill(&browser.find("#reply"), "Planirano je 1,2 miliona KM.");
    browser.click(&browser.find("form[action$='/reply'] button[type=submit]"));
    wait_for_text(browser, "Odgovorene");
    audit(browser, "desk with a reply", violations);
    browser.goto(&format!("{base}/desk/new"));
    wait_for_text(browser, "Upiši pitanje novinara");
    audit(browser, "desk new question", violations);
    browser.goto(&format!("{base}/responses"));
    wait_for_text(browser, "Brzina odgovora po službama");
    audit(browser, "response figures", violations);
    browser.goto(&format!("{base}/press/accreditation"));
    wait_for_text(browser, "Akreditacija za novinare");
    audit(browser, "accreditation form", violations);
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Ispravite");
    audit(browser, "accreditation form with errors", violations);
    browser.fill(&browser.find("#outlet"), "TV Kakanj");
    browser.fill(&browser.find("#name"), "Amel Begić");
    browser.fill(&browser.find("#email"), "amel@tv.example");
    browser.click(&browser.find("input[name=kind][value=year]"));
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Zahtjev za akreditaciju je primljen");
    audit(browser, "accreditation sent", violations);
    browser.goto(&format!("{base}/desk/accreditations"));
    wait_for_text(browser, "TV Kakanj");
    audit(browser, "accreditations", violations);
    browser.click(&browser.find("table a[href^='/desk/accreditations/']"));
    wait_for_text(browser, "Odobri");
    audit(browser, "an accreditation", violations);

    // A communal problem reported, moved on at the desk and followed on its public page.
    browser.goto(&format!("{base}/reports/new"));
    wait_for_text(browser, "Prijavite komunalni problem");
    audit(browser, "report form", violations);
    browser.fill(&browser.find("#lat"), "444");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Ispravite");
    audit(browser, "report form with errors", violations);
    browser.execute("document.querySelector('#category').value = 'street_light';", json!([]));
    browser.fill(&browser.find("#description"), "Tri svjetiljke u parku ne rade.");
    browser.fill(&browser.find("#local_community"), "Centar");
    browser.fill(&browser.find("#lat"), "");
    browser.fill(&browser.find("#email"), "ivana@example.test");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Prijava je primljena");
    audit(browser, "report sent", violations);
    browser.click(&browser.find("main a[href^='/reports/K-']"));
    wait_for_text(browser, "Tri svjetiljke u parku ne rade.");
    audit(browser, "a report", violations);
    browser.goto(&format!("{base}/reports"));
    wait_for_text(browser, "Tri svjetiljke u parku ne rade.");
    audit(browser, "reports by local community", violations);
    browser.goto(&format!("{base}/reports/desk"));
    wait_for_text(browser, "Otvorene, najstarije prve");
    audit(browser, "report desk", violations);
    browser.click(&browser.find("ul.pieces a[href^='/reports/desk/']"));
    wait_for_text(browser, "ivana@example.test");
    audit(browser, "a report at the desk", violations);
    browser.execute("document.querySelector('#state').value = 'in_progress';", json!([]));
    browser.fill(&browser.find("#note"), "Naručene su nove sijalice.");
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(browser, "Naručene su nove sijalice.");
}

fn flows(base: &str, jmbg: &str, mail: &dyn Fn(&str) -> String) {
    let Some(browser) = Browser::start() else { return };
    let mut violations = Vec::new();

    // The portal. Headless Chromium asks for English (Accept-Language), which the portal
    // honours; the visitor picks Bosnian, and the choice is remembered from then on.
    browser.goto(&format!("{base}/"));
    assert_eq!(browser.page_lang(), "en");
    assert!(browser.page_text().contains("Registry offices"), "{}", browser.page_text());
    browser.click(&browser.find("nav.langs a[lang=bs]"));
    assert_eq!(browser.page_lang(), "bs");
    assert!(browser.page_text().contains("Matični uredi"), "{}", browser.page_text());
    audit(&browser, "home", &mut violations);

    // A citizen orders her extract online and tracks it.
    browser.click(&browser.find("nav.main a[href='/services']"));
    wait_for_text(&browser, "Izvodi i uvjerenja iz matičnih knjiga");
    audit(&browser, "services", &mut violations);
    browser.click(&browser.find("a[href='/order?kind=birth']"));
    wait_for_text(&browser, "Narudžba izvoda online");
    audit(&browser, "order", &mut violations);
    browser.fill(&browser.find("#subject_name"), "Ljubica Đurić");
    browser.fill(&browser.find("#subject_jmbg"), jmbg);
    browser.execute("document.querySelector('#relation').value = 'self';", json!([]));
    browser.fill(&browser.find("#requester_name"), "Ljubica Đurić");
    browser.fill(&browser.find("#requester_jmbg"), jmbg);
    browser.fill(&browser.find("#purpose"), "penzija");
    browser.click(&browser.find("input[name=delivery][value=pickup]"));
    browser.execute("document.querySelector('#office').value = 'KAK';", json!([]));
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(&browser, "Narudžba je zaprimljena.");
    audit(&browser, "order received", &mut violations);
    let code = browser.text(&browser.find("strong.code"));
    assert_eq!(code.len(), 14, "{code}");
    browser.goto(&format!("{base}/order/track"));
    audit(&browser, "track form", &mut violations);
    browser.fill(&browser.find("#code"), &code.to_lowercase());
    browser.click(&browser.find("form.narrow button[type=submit]"));
    wait_for_text(&browser, "preuzimanje: Centar za pružanje usluga građanima Kakanj");
    assert!(browser.page_text().contains("zaprimljeno"), "{}", browser.page_text());
    audit(&browser, "track", &mut violations);

    // The citizen's account pages.
    browser.goto(&format!("{base}/account/register"));
    audit(&browser, "account register", &mut violations);
    browser.fill(&browser.find("#full_name"), "Ljubica Đurić");
    browser.fill(&browser.find("#email"), "ljubica@example.test");
    browser.click(&browser.find("form.narrow button[type=submit]"));
    wait_for_text(&browser, "Provjerite e-mail");
    audit(&browser, "account requested", &mut violations);
    let body = mail("ljubica@example.test");
    let link = body.split_whitespace().find(|w| w.contains("/account/confirm/")).expect("a link in the message").to_string();
    browser.goto(&link);
    wait_for_text(&browser, "Izaberite lozinku");
    audit(&browser, "account confirm", &mut violations);

    // Sign in → search → open a person.
    browser.click(&browser.find("a[href='/sign-in']"));
    assert!(browser.url().ends_with("/sign-in"), "{}", browser.url());
    audit(&browser, "sign-in", &mut violations);
    browser.fill(&browser.find("#username"), "salter");
    browser.fill(&browser.find("#password"), "pogrešna");
    browser.click(&browser.find("form.narrow button[type=submit]"));
    wait_for_text(&browser, "Pogrešno korisničko ime ili lozinka.");
    audit(&browser, "sign-in failed", &mut violations);
    browser.fill(&browser.find("#password"), PASSWORD);
    browser.click(&browser.find("form.narrow button[type=submit]"));
    wait_for_text(&browser, "Šalter: pretraga osoba");
    assert!(browser.url().ends_with("/counter"), "{}", browser.url());
    audit(&browser, "counter", &mut violations);
    browser.fill(&browser.find("#q"), "ljubica djuric");
    browser.click(&browser.find("form.search button[type=submit]"));
    wait_for_text(&browser, jmbg);
    audit(&browser, "results", &mut violations);
    browser.click(&browser.find("table.results a"));
    wait_for_text(&browser, "Upisi u matične knjige");
    assert!(browser.page_text().contains("Matična knjiga rođenih"), "{}", browser.page_text());
    assert!(browser.page_text().contains("Ko je pristupao podacima"));
    audit(&browser, "person", &mut violations);

    let person_page = browser.url();

    // Issue her birth extract (the form is prefilled for a person asking for themself).
    browser.fill(&browser.find("#issue_purpose"), "penzija");
    browser.click(&browser.find("form.issue button[type=submit]"));
    wait_for_text(&browser, "Dokument je izdat");
    audit(&browser, "issued", &mut violations);
    let pdf = browser.attribute(&browser.find("a.button"), "href").unwrap();
    assert!(pdf.ends_with("/pdf"), "{pdf}");

    // Verify it on the public page, as a citizen scanning the QR code would.
    browser.click(&browser.find("p.actions a[href*='/verify/']"));
    wait_for_text(&browser, "Dokument je autentičan");
    assert!(browser.page_text().contains("Ljubica Đurić") && browser.page_text().contains("važeći"), "{}", browser.page_text());
    audit(&browser, "verify", &mut violations);

    // Switch to Serbian Cyrillic: the same page, in Cyrillic.
    browser.goto(&person_page);
    let here = browser.url();
    browser.click(&browser.find("nav.langs a[lang=sr-Cyrl]"));
    wait_for_text(&browser, "Уписи у матичне књиге");
    assert_eq!(browser.page_lang(), "sr-Cyrl");
    assert_eq!(browser.url().split("?").next(), here.split("?").next(), "the switch keeps the page");
    audit(&browser, "person (sr-Cyrl)", &mut violations);

    // The clerk's other pages: the daily list, the orders (hers from the portal is there) and
    // confirming a citizen's account.
    browser.goto(&format!("{base}/counter/today?lang=bs"));
    wait_for_text(&browser, "Dnevni pregled");
    audit(&browser, "today", &mut violations);
    browser.goto(&format!("{base}/counter/orders"));
    audit(&browser, "orders", &mut violations);
    browser.click(&browser.find("a[href^='/counter/orders/']"));
    wait_for_text(&browser, "Izdaj dokument");
    audit(&browser, "order detail", &mut violations);
    browser.goto(&format!("{base}/counter/accounts?code=AAAA-BBBB"));
    audit(&browser, "accounts", &mut violations);

    // On a phone's width the page still works (the search form stacks).
    browser.resize(390, 844);
    browser.goto(&format!("{base}/counter?lang=bs"));
    let width = browser.execute("return document.documentElement.scrollWidth;", json!([])).as_i64().unwrap();
    assert!(width <= 400, "no horizontal scrolling on a phone: {width}px");
    audit(&browser, "counter (phone)", &mut violations);
    browser.resize(1280, 1000);

    // A form sent without its CSRF token is refused with 403.
    browser.goto(&format!("{base}/counter"));
    browser.execute("document.querySelector('form.signout input[name=csrf]').remove();", json!([]));
    browser.click(&browser.find("form.signout button"));
    wait_for_text(&browser, "Obrazac je istekao");
    let status = browser.execute("return performance.getEntriesByType('navigation')[0].responseStatus;", json!([]));
    assert_eq!(status, json!(403));
    audit(&browser, "403", &mut violations);

    // Sign out (with the token, from a fresh page).
    browser.goto(&format!("{base}/counter"));
    browser.click(&browser.find("form.signout button"));
    wait_for_text(&browser, "Odjavljeni ste.");

    // A registrar's birth form, empty and then refused with every missing field marked.
    browser.goto(&format!("{base}/sign-in"));
    browser.fill(&browser.find("#username"), "maticar");
    browser.fill(&browser.find("#password"), PASSWORD);
    browser.click(&browser.find("form.narrow button[type=submit]"));
    wait_for_text(&browser, "Šalter: pretraga osoba");
    browser.goto(&format!("{base}/counter/register/birth"));
    audit(&browser, "birth form", &mut violations);
    browser.click(&browser.find("form.register button[type=submit]"));
    wait_for_text(&browser, "Zahtjev nije izvršen");
    assert!(browser.find_all("[aria-invalid=true]").len() >= 8, "every missing field is marked");
    audit(&browser, "birth form refused", &mut violations);
    // Records kept in other municipalities: the search (no other member here) and the form.
    browser.goto(&format!("{base}/counter/elsewhere?jmbg={jmbg}&purpose=penzija&relation=self"));
    wait_for_text(&browser, "nema drugih općina");
    audit(&browser, "elsewhere search", &mut violations);
    browser.goto(&format!("{base}/counter/elsewhere/ZEN/{jmbg}?purpose=penzija&relation=self"));
    wait_for_text(&browser, "Podatke šalje ZEN");
    audit(&browser, "elsewhere issue form", &mut violations);
    // The queue of notices from other municipalities (one waits: no birth entry here).
    browser.goto(&format!("{base}/counter/notices"));
    wait_for_text(&browser, "Obavijesti drugih općina");
    audit(&browser, "notices", &mut violations);

    case_life_cycle(&browser, base, jmbg, &mut violations);
    website(&browser, base, &mut violations);

    // The administrator's screens.
    browser.goto(&format!("{base}/counter"));
    browser.click(&browser.find("form.signout button"));
    wait_for_text(&browser, "Odjavljeni ste.");
    browser.fill(&browser.find("#username"), "admin");
    browser.fill(&browser.find("#password"), PASSWORD);
    browser.click(&browser.find("form.narrow button[type=submit]"));
    wait_for_text(&browser, "Dodaj korisnika");
    audit(&browser, "admin users", &mut violations);
    browser.click(&browser.find("a[href='/admin/users/salter']"));
    wait_for_text(&browser, "Nova lozinka");
    audit(&browser, "admin user", &mut violations);
    browser.goto(&format!("{base}/admin/reports"));
    wait_for_text(&browser, "Kojoj službi idu prijave");
    audit(&browser, "routes of reports", &mut violations);
    browser.fill(&browser.find("#name"), "Mobilna aplikacija");
    browser.click(&browser.find("form[action='/admin/reports/clients'] button[type=submit]"));
    wait_for_text(&browser, "ovdje se više neće prikazati");
    audit(&browser, "an Open311 key issued", &mut violations);
    browser.click(&browser.find("a[href='/me/password']"));
    wait_for_text(&browser, "Promjena lozinke");
    audit(&browser, "own password", &mut violations);

    assert!(violations.is_empty(), "axe-core found serious or critical violations:\n{}", violations.join("\n"));
    if browser.can_check_accessibility() {
        eprintln!("axe-core: no serious or critical violation on the pages visited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_and_citizens_in_a_real_browser() {
    let db = TestDb::sqlite().await;
    let k = Kakanj::set_up(&db).await;
    k.store.set_password(&k.admin, "salter", PASSWORD).await.unwrap();
    k.store.set_password(&k.admin, "maticar", PASSWORD).await.unwrap();
    k.store.set_password(&k.admin, "admin", PASSWORD).await.unwrap();
    opcina_testkit::docflow::set_up(&k).await;
    k.store.set_password(&k.admin, "amra", PASSWORD).await.unwrap();
    opcina_testkit::publicinfo::set_up(&k).await;
    for editor in ["urednik", "kabinet", "pr"] {
        k.store.set_password(&k.admin, editor, PASSWORD).await.unwrap();
    }
    let jmbg = opcina_testkit::commands::born(&k.store, &k.registrar, "Ljubica", "Đurić", Sex::Female, date(1990, 3, 5)).await;
    let stranger = (300..400).find_map(|s| opcina_core::Jmbg::compose(date(1971, 4, 4), 17, s, opcina_core::CheckMode::Strict)).unwrap();
    let name_change = opcina_core::registry::annotation::Annotation {
        content: opcina_core::registry::annotation::AnnotationContent::NameChange { given_name: None, surname: Some("Begović".into()) },
        legal_basis: opcina_testkit::commands::decision(date(2025, 1, 1)),
        effective_date: date(2025, 1, 1),
        note: None,
    };
    let notice = opcina_store::federation::IncomingNotice {
        notice_id: "SCE:1".into(),
        member: "SCE".into(),
        subject: stranger,
        annotation: name_change,
    };
    assert_eq!(k.store.apply_notice(notice).await.unwrap().status, "queued");
    let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
    let _indexer = opcina_search::indexer::spawn(Arc::clone(&index), k.store.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // A federation of one (its directory lists Kakanj alone): the pages to find and use records
    // kept elsewhere are reachable.
    let authority = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let node_key = opcina_testkit::extracts::key();
    let directory = opcina_federation::directory::Directory {
        serial: 1,
        issued_at: opcina_federation::client::unix_now() - 10,
        valid_until: opcina_federation::client::unix_now() + 3600,
        members: vec![opcina_federation::directory::Member {
            code: "KAK".into(),
            name: "Općina Kakanj".into(),
            base_url: base.clone(),
            keys: vec![],
            services: vec!["locate".into()],
        }],
    };
    let file = db.scratch().join("directory.json");
    std::fs::write(&file, serde_json::to_vec(&directory.sign(&authority).unwrap()).unwrap()).unwrap();
    let settings = opcina_web::federation::Settings {
        member: "KAK".into(),
        authority: authority.verifying_key(),
        directory: file.display().to_string(),
        cache: db.scratch().join("directory-cache.json"),
        skew: 30,
        timeout: std::time::Duration::from_secs(3),
    };
    let federation = Arc::new(opcina_web::federation::Federation::new(settings, node_key));
    federation.refresh().await.unwrap();
    let state = AppState::new(k.store.clone(), index)
        .with_sealer(opcina_testkit::extracts::seal(&k.store).await, &base)
        .with_federation(federation);
    let server = tokio::spawn(async move { axum::serve(listener, app(state)).await });
    let jmbg = jmbg.to_string();
    let (store, runtime) = (k.store.clone(), tokio::runtime::Handle::current());
    let mail = move |to: &str| runtime.block_on(store.mail_to(to, 1)).unwrap().first().map(|m| m.body.clone()).unwrap_or_default();
    tokio::task::spawn_blocking(move || flows(&base, &jmbg, &mail)).await.unwrap();
    server.abort();
}
