//! Rendering of every kind of document in every language and script: the text that comes
//! out (as laid out, and through `pdftotext` when it is installed), the PDF/A metadata, the
//! file seal, and reproducibility.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use ed25519_dalek::SigningKey;
use opcina_core::extract::decision::RefusalFacts;
use opcina_core::extract::eligibility::Denial;
use opcina_core::extract::examples::{content, family, subject_for};
use opcina_core::extract::seal::{FileSealError, check_file, sign_content};
use opcina_core::extract::{ExtractContent, ExtractKind, Language};
use opcina_core::names::Script;
use opcina_pdf::{Rendered, decision_pdf, issue_pdf};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn issue(c: &ExtractContent) -> Rendered {
    let seal = sign_content(&key(), &c.issue.number, &c.hash());
    issue_pdf(c, &seal, &key()).unwrap()
}

/// `pdftotext` from poppler-utils, when installed (CI installs it and requires it).
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&path).arg("-").output() {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
        Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) if std::env::var_os("OPCINA_TEST_REQUIRE_PDFTOTEXT").is_some() => panic!("pdftotext is required but not installed"),
        Err(_) => {
            eprintln!("pdftotext not installed (Debian package poppler-utils): PDF text checked as laid out only");
            None
        }
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_kind_renders_in_every_language_and_script_as_pdf_a() {
    let f = family();
    for kind in ExtractKind::ALL {
        for language in Language::ALL {
            for script in [Script::Latin, Script::Cyrillic] {
                let c = content(&f, subject_for(&f, kind), kind, language, script).unwrap();
                let r = issue(&c);
                assert!(r.pdf.starts_with(b"%PDF-"), "{kind} {language} {script:?}");
                let raw = String::from_utf8_lossy(&r.pdf);
                assert!(
                    raw.contains("<pdfaid:part>2</pdfaid:part>") && raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
                    "{kind}: PDF/A-2b"
                );
                let surname = match kind {
                    ExtractKind::Death | ExtractKind::DeathInternational => "Šehić",
                    _ => "Đorđević",
                };
                // Names are written in the document's script.
                assert!(r.text.contains(&script.write(surname)), "{kind} {language} {script:?}: {}", r.text);
                assert!(check_file(&r.pdf, &key().verifying_key()).is_ok());
            }
        }
    }
}

#[test]
fn pdftotext_gives_back_names_with_diacritics_cyrillic_and_the_annotations() {
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Birth, Language::Sr, Script::Cyrillic).unwrap();
    let r = issue(&c);
    let Some(text) = pdftotext(&r.pdf) else { return };
    let text = squash(&text);
    for needle in ["ИЗВОД ИЗ МАТИЧНЕ КЊИГЕ РОЂЕНИХ", "Ђорђевић", "Хоџић", "Џемал", "Љиљана Његош", "Општина Какањ"]
    {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let cyr = content(&f, &f.cyrillic, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    let text = squash(&pdftotext(&issue(&cyr).pdf).unwrap());
    assert!(text.contains("Ljubiša") && text.contains("Jovanović") && text.contains("Petrović"), "{text}");
    assert!(text.contains("IZVOD IZ MATIČNE KNJIGE ROĐENIH") && text.contains("Nema naknadnih upisa"), "{text}");
    let intl = content(&f, &f.late, ExtractKind::DeathInternational, Language::Bs, Script::Latin).unwrap();
    let text = squash(&pdftotext(&issue(&intl).pdf).unwrap());
    assert!(text.contains("Đuro") && text.contains("24 12 2020") && text.contains("Ölüm tarihi"), "{text}");
}

#[test]
fn the_same_content_renders_to_the_same_bytes() {
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Marriage, Language::Hr, Script::Latin).unwrap();
    assert_eq!(issue(&c).pdf, issue(&c).pdf);
}

#[test]
fn a_changed_pdf_fails_its_seal() {
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    let pdf = issue(&c).pdf;
    let id = check_file(&pdf, &key().verifying_key()).unwrap();
    assert_eq!(id.number, c.issue.number);
    assert_eq!(id.content_hash, c.hash());
    let mut changed = pdf.clone();
    let at = changed.len() / 2;
    changed[at] ^= 0x20;
    assert_eq!(check_file(&changed, &key().verifying_key()), Err(FileSealError::Mismatch));
    let stranger = SigningKey::from_bytes(&[7; 32]);
    assert_eq!(check_file(&pdf, &stranger.verifying_key()), Err(FileSealError::Mismatch));
}

#[test]
fn a_refusal_decision_cites_the_article_and_the_stated_relation() {
    let f = family();
    let facts = RefusalFacts {
        number: opcina_core::extract::ExtractNumber { office: "KAK".into(), year: 2026, serial: 3 },
        decided_at: opcina_core::registry::Timestamp(1_790_000_000_000_000),
        decided_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        kind: ExtractKind::Birth,
        language: Language::Bs,
        script: Script::Latin,
        subject: f.son.clone(),
        requester_name: "Nikola Čolak".into(),
        relation: "parent".into(),
        purpose: "penzija".into(),
        denial: Denial { code: "extract.relation_not_confirmed".into(), reason: "not a parent".into() },
        municipality: "Kakanj".into(),
        office_name: "Centar za pružanje usluga građanima Kakanj".into(),
        place: "Kakanj".into(),
        official: "Amra Hodžić".into(),
        appeal: None,
        up_number: None,
    };
    let r = decision_pdf(&facts).unwrap();
    let text = squash(&r.text.replace('\n', " "));
    assert!(text.contains("RJEŠENJE") && text.contains("UP-I-KAK-3/2026"), "{text}");
    if let Some(t) = pdftotext(&r.pdf) {
        let t = squash(&t);
        assert!(t.contains("čl. 64. Zakona o matičnim knjigama") && t.contains("Nikola Čolak") && t.contains("„roditelj”"), "{t}");
    }
}

#[test]
fn a_receipt_carries_the_number_the_access_code_and_a_qr_code() {
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let facts = opcina_core::docflow::receipt::ReceiptFacts {
        municipality: "Općina Kakanj".into(),
        unit: "Služba za opću upravu i društvene djelatnosti".into(),
        number: "UP-I-01/1-25-7/26".into(),
        received_on: day(24),
        registered_at: "24.11.2026. 10:15".into(),
        party: "Šemsa Čaušević".into(),
        subject: "Uvjerenje o kućnoj listi".into(),
        kind: "Uvjerenje iz službene evidencije".into(),
        term_days: 8,
        due_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        access_code: "ABCD-EFGH-JKLM".into(),
        tracking_url: "https://kakanj.example/track?number=UP-I-01%2F1-25-7%2F26&code=ABCD-EFGH-JKLM".into(),
        tracking_page: "https://kakanj.example/track".into(),
        clerk: "Lejla Begić".into(),
    };
    let created = opcina_core::registry::Timestamp(1_790_000_000_000_000);
    let r = opcina_pdf::receipt_pdf(&facts, created).unwrap();
    assert!(r.pdf.starts_with(b"%PDF-"));
    let text = squash(&r.text.replace('\n', " "));
    assert!(text.contains("POTVRDA O PRIJEMU PODNESKA") && text.contains("UP-I-01/1-25-7/26"), "{text}");
    assert!(text.contains("ABCD-EFGH-JKLM") && text.contains("02.12.2026."), "{text}");
    // The same receipt gives the same bytes (a reprint is the same document).
    assert_eq!(opcina_pdf::receipt_pdf(&facts, created).unwrap().pdf, r.pdf);
    if let Some(t) = pdftotext(&r.pdf) {
        let t = squash(&t);
        assert!(t.contains("Šemsa Čaušević") && t.contains("Pristupni kod"), "{t}");
    }
}
