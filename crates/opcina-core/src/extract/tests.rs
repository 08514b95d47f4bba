//! Tests of issuing: content, layout text in every language and script, eligibility.

use super::content::records_at;
use super::document::document;
use super::eligibility::{Eligibility, Established, check};
use super::examples::{content, family, request, subject_for};
use super::kind::{ExtractKind, Language};
use super::request::{ExtractRequest, Relation};
use crate::Jmbg;
use crate::names::Script;
use crate::registry::{PersonView, ViewTime, person_view};

fn view(f: &super::examples::Family, j: &Jmbg) -> PersonView {
    person_view(j, &f.registry.person_records(j), ViewTime::current(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())).unwrap()
}

fn text(d: &super::Document) -> String {
    serde_json::to_string(d).unwrap()
}

#[test]
fn every_kind_builds_in_every_language_and_script() {
    let f = family();
    for kind in ExtractKind::ALL {
        for language in Language::ALL {
            for script in [Script::Latin, Script::Cyrillic] {
                let c = content(&f, subject_for(&f, kind), kind, language, script).unwrap_or_else(|r| panic!("{kind} {language}: {r}"));
                let d = document(&c, &[1; 64], "0011223344556677");
                assert!(!d.title.is_empty() && d.header.len() == 5, "{kind}");
                assert!(d.verify_url.starts_with("https://kakanj.opcina.test/verify/KAK-2026-7?s="));
                assert_eq!(d.keywords.len(), 2);
                if script == Script::Cyrillic && !kind.is_international() {
                    assert!(crate::names::is_cyrillic(&d.title), "{kind} {language}: {}", d.title);
                }
            }
        }
    }
}

#[test]
fn names_are_written_in_the_script_of_the_document() {
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Birth, Language::Sr, Script::Cyrillic).unwrap();
    let t = text(&document(&c, &[1; 64], "k"));
    assert!(t.contains("ИЗВОД ИЗ МАТИЧНЕ КЊИГЕ РОЂЕНИХ"), "{t}");
    assert!(t.contains("Џемал") && t.contains("Ђорђевић") && t.contains("Амра") && t.contains("Хоџић"), "{t}");
    assert!(t.contains("Општина Какањ") && t.contains("ЈМБГ 0503960195002"), "{t}");
    let c = content(&f, &f.cyrillic, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    let t = text(&document(&c, &[1; 64], "k"));
    assert!(t.contains("IZVOD IZ MATIČNE KNJIGE ROĐENIH") && t.contains("Ljubiša") && t.contains("Jovanović"), "{t}");
    assert!(!crate::names::is_cyrillic(&t), "{t}");
}

#[test]
fn the_annotations_of_the_entry_are_printed_with_their_legal_basis() {
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    assert_eq!(c.annotations.len(), 2, "marriage and change of name");
    let d = document(&c, &[1; 64], "k");
    let all = d.annotations.join("\n");
    assert!(all.contains("Zaključen brak 01.06.2018.") && all.contains("Ljiljana Njegoš"), "{all}");
    assert!(all.contains("Promijenjeno lično ime u: Džemal.") && all.contains("rješenje") && all.contains("UP-I-03-13-55/24"), "{all}");
    let hr = document(&content(&f, &f.son, ExtractKind::Birth, Language::Hr, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(hr.annotations.join(" ").contains("Sklopljen brak"));
    assert_eq!(hr.annotations_title, "Naknadni upisi i bilješke");
    let plain = document(&content(&f, &f.daughter, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(plain.annotations.is_empty() && plain.no_annotations.starts_with("Nema"));
}

#[test]
fn certificates_state_what_they_certify() {
    let f = family();
    let life = document(&content(&f, &f.son, ExtractKind::Life, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(life.statement.contains("Džemal Đorđević") && life.statement.contains("živ,"), "{}", life.statement);
    let free = document(&content(&f, &f.daughter, ExtractKind::NoImpediment, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(free.statement.contains("Bračno stanje: neudata"), "{}", free.statement);
    let citizen = document(&content(&f, &f.son, ExtractKind::Citizenship, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(citizen.statement.contains("Bosna i Hercegovina"), "{}", citizen.statement);
}

#[test]
fn the_international_forms_carry_every_language_and_the_convention_codes() {
    let f = family();
    let d = document(&content(&f, &f.son, ExtractKind::BirthInternational, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(d.title.contains("Extrait de l'acte de naissance") && d.title.contains("Doğum kaydı örneği"));
    let date = d.intl.iter().find(|f| f.labels[1] == "Date of birth").unwrap();
    assert_eq!(date.value, "17 05 1990");
    assert!(date.labels.len() >= 8);
    assert!(d.intl.iter().any(|f| f.labels[1] == "Sex" && f.value == "M"));
    assert!(d.codes.iter().any(|c| c.starts_with("Jo = day")));
    let m = document(&content(&f, &f.son, ExtractKind::MarriageInternational, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(m.intl.iter().any(|f| f.value == "01 06 2018"));
    let c = document(&content(&f, &f.late, ExtractKind::DeathInternational, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(c.intl.iter().any(|f| f.labels[2] == "Date du décès" && f.value == "24 12 2020"));
}

#[test]
fn certificates_refuse_what_the_registers_contradict() {
    let f = family();
    let dead = content(&f, &f.late, ExtractKind::Life, Language::Bs, Script::Latin).unwrap_err();
    assert!(dead.has_code("extract.person_deceased"));
    let married = content(&f, &f.son, ExtractKind::NoImpediment, Language::Bs, Script::Latin).unwrap_err();
    assert!(married.has_code("extract.person_married"));
    let no_death = content(&f, &f.son, ExtractKind::Death, Language::Bs, Script::Latin).unwrap_err();
    assert!(no_death.has_code("extract.no_entry"));
}

#[test]
fn the_content_at_a_journal_position_ignores_later_records() {
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    let before_rename = c.annotations.iter().map(|a| a.id).max().unwrap() - 1;
    let records = records_at(&f.registry.person_records(&f.son), before_rename);
    assert!(records.annotations.iter().all(|a| a.id <= before_rename));
    let spec = super::ContentSpec {
        kind: ExtractKind::Birth,
        language: Language::Bs,
        script: Script::Latin,
        subject: &f.son,
        entry_id: None,
        purpose: "ostvarivanje prava na penziju",
    };
    let earlier = super::content::build(&spec, &f.registry.person_records(&f.son), super::examples::issue(7, before_rename)).unwrap();
    assert_eq!(earlier.annotations.len(), 1);
    assert_ne!(earlier.hash(), c.hash());
    let again = super::content::build(&spec, &f.registry.person_records(&f.son), super::examples::issue(7, before_rename)).unwrap();
    assert_eq!(again.hash(), earlier.hash(), "the same position gives the same content");
}

#[test]
fn family_relations_are_confirmed_from_the_registers() {
    let f = family();
    let son = view(&f, &f.son);
    let ok = |r: &ExtractRequest, who: Option<&Jmbg>| check(r, &son, who.map(|j| view(&f, j)).as_ref(), &[]);
    let mother = request(ExtractKind::Birth, &f.son, Some(&f.mother), Relation::Parent);
    assert_eq!(ok(&mother, Some(&f.mother)), Eligibility::Entitled(Established::Registers));
    let sister = request(ExtractKind::Birth, &f.son, Some(&f.daughter), Relation::Sibling);
    assert_eq!(ok(&sister, Some(&f.daughter)), Eligibility::Entitled(Established::Registers));
    let wife = request(ExtractKind::Birth, &f.son, Some(&f.wife), Relation::Spouse);
    assert_eq!(ok(&wife, Some(&f.wife)), Eligibility::Entitled(Established::Registers));
    let me = request(ExtractKind::Birth, &f.son, Some(&f.son), Relation::Myself);
    assert_eq!(ok(&me, None), Eligibility::Entitled(Established::Identity));
    let mother_view = view(&f, &f.mother);
    let child = request(ExtractKind::Birth, &f.mother, Some(&f.son), Relation::Child);
    assert_eq!(check(&child, &mother_view, Some(&son), &[]), Eligibility::Entitled(Established::Registers));
}

#[test]
fn a_requester_without_a_legal_relation_is_denied_with_a_reason() {
    let f = family();
    let son = view(&f, &f.son);
    let stranger = view(&f, &f.stranger);
    let claims_parent = request(ExtractKind::Birth, &f.son, Some(&f.stranger), Relation::Parent);
    match check(&claims_parent, &son, Some(&stranger), &[]) {
        Eligibility::Denied(d) => assert_eq!(d.code, "extract.relation_not_confirmed"),
        other => panic!("{other:?}"),
    }
    let claims_self = request(ExtractKind::Birth, &f.son, Some(&f.stranger), Relation::Myself);
    assert!(matches!(check(&claims_self, &son, Some(&stranger), &[]), Eligibility::Denied(_)));
    let other = request(ExtractKind::Birth, &f.son, Some(&f.stranger), Relation::Other);
    match check(&other, &son, Some(&stranger), &[]) {
        Eligibility::Denied(d) => assert_eq!(d.code, "extract.no_legal_relation"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn a_deceased_person_cannot_be_the_requester() {
    let f = family();
    let late = view(&f, &f.late);
    assert!(!late.alive);
    // The deceased's own JMBG typed as the requester's (relation "self")...
    let own = request(ExtractKind::Death, &f.late, Some(&f.late), Relation::Myself);
    match check(&own, &late, None, &[]) {
        Eligibility::Incomplete(r) => {
            let e = r.primary().unwrap();
            assert_eq!((e.code, e.field.as_deref()), ("extract.requester_deceased", Some("requester.jmbg")));
        }
        e => panic!("{e:?}"),
    }
    // ... or "self" without a JMBG, for a person the registers show as dead.
    let no_jmbg = request(ExtractKind::Death, &f.late, None, Relation::Myself);
    assert!(
        matches!(check(&no_jmbg, &late, None, &[]), Eligibility::Incomplete(r) if r.primary().unwrap().field.as_deref() == Some("relation"))
    );
    // A parent who has died cannot ask either; a living one can.
    let son = view(&f, &f.son);
    let parent = f.mother.clone();
    let mut mother = view(&f, &parent);
    let asks = request(ExtractKind::Birth, &f.son, Some(&parent), Relation::Parent);
    assert!(matches!(check(&asks, &son, Some(&mother), &[]), Eligibility::Entitled(_)));
    mother.alive = false;
    assert!(matches!(check(&asks, &son, Some(&mother), &[]), Eligibility::Incomplete(_)));
}

#[test]
fn incomplete_requests_name_the_missing_field() {
    let f = family();
    let son = view(&f, &f.son);
    let mut proxy = request(ExtractKind::Birth, &f.son, None, Relation::Proxy);
    match check(&proxy, &son, None, &[]) {
        Eligibility::Incomplete(r) => assert_eq!(r.primary().unwrap().field.as_deref(), Some("requester.evidence")),
        e => panic!("{e:?}"),
    }
    proxy.requester.evidence = Some("punomoć, notar Zenica, OPU 123/26".into());
    assert!(matches!(check(&proxy, &son, None, &[]), Eligibility::Entitled(Established::Document(_))));
    let mut parent_without_jmbg = request(ExtractKind::Birth, &f.son, None, Relation::Parent);
    parent_without_jmbg.purpose = " ".into();
    match check(&parent_without_jmbg, &son, None, &[]) {
        Eligibility::Incomplete(r) => {
            let fields: Vec<&str> = r.errors.iter().filter_map(|e| e.field.as_deref()).collect();
            assert!(fields.contains(&"purpose") && fields.contains(&"requester.jmbg"), "{fields:?}");
        }
        e => panic!("{e:?}"),
    }
    // What the document prints as typed follows the free-text rule: no markup, no controls.
    proxy.purpose = "<script>penzija</script>".into();
    proxy.requester.name = "Amra\u{202E}Hodžić".into();
    match check(&proxy, &son, None, &[]) {
        Eligibility::Incomplete(r) => {
            let found: Vec<(&str, &str)> = r.errors.iter().map(|e| (e.code, e.field.as_deref().unwrap_or_default())).collect();
            assert!(found.contains(&("registry.field.markup", "purpose")), "{found:?}");
            assert!(found.contains(&("registry.field.control_character", "requester.name")), "{found:?}");
        }
        e => panic!("{e:?}"),
    }
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn field<'a>(d: &'a super::Document, label: &str) -> &'a str {
    d.fields.iter().find(|f| f.label == label).map(|f| f.value.as_str()).unwrap_or_else(|| panic!("no field {label}: {:?}", d.fields))
}

fn intl<'a>(d: &'a super::Document, english: &str) -> &'a str {
    d.intl
        .iter()
        .find(|f| f.labels.iter().any(|l| l == english))
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("no {english}: {:?}", d.intl))
}

/// Every kind that prints the subject's name, after each change, in both scripts: the name
/// printed is the name as it stands (posljednje stanje), never the base entry's.
#[test]
fn documents_print_the_entry_as_it_stands_after_a_correction_a_marriage_and_a_change_of_name() {
    use crate::registry::AnnotationContent;
    let mut f = family();
    let lamija = f.born("Lmaija", "Hodžić", crate::registry::Sex::Female, day(1994, 2, 3));
    let check = |f: &super::examples::Family, given: &str, surname: &str, wrong: &[&str]| {
        for script in [Script::Latin, Script::Cyrillic] {
            let (given_label, surname_label) = (script.write("Ime"), script.write("Prezime"));
            let (given, surname) = (&script.write(given), &script.write(surname));
            let birth = document(&content(f, &lamija, ExtractKind::Birth, Language::Bs, script).unwrap(), &[1; 64], "k");
            assert_eq!((field(&birth, &given_label), field(&birth, &surname_label)), (given.as_str(), surname.as_str()), "{script:?}");
            let international =
                document(&content(f, &lamija, ExtractKind::BirthInternational, Language::Bs, script).unwrap(), &[1; 64], "k");
            assert_eq!(
                (intl(&international, "Forenames"), intl(&international, "Surname")),
                (given.as_str(), surname.as_str()),
                "{:?}",
                international.intl
            );
            let life = document(&content(f, &lamija, ExtractKind::Life, Language::Bs, script).unwrap(), &[1; 64], "k");
            assert!(life.statement.contains(&format!("{given} {surname}")), "{}", life.statement);
            let mut printed = vec![text(&birth), text(&international), text(&life)];
            if let Ok(c) = content(f, &lamija, ExtractKind::NoImpediment, Language::Bs, script) {
                let free = document(&c, &[1; 64], "k");
                assert!(free.statement.contains(&format!("{given} {surname}")), "{}", free.statement);
                printed.push(text(&free));
            }
            for t in &printed {
                // Outside the annotations, which say what it read before.
                let fields = t.split("\"annotations\"").next().unwrap_or_default();
                for w in wrong {
                    let w = script.write(w);
                    assert!(!fields.contains(&w), "{w} printed: {fields}");
                }
                assert!(!t.contains("child.given_name"), "a field path printed: {t}");
            }
        }
    };
    check(&f, "Lmaija", "Hodžić", &[]);
    f.annotate_birth(
        &lamija,
        AnnotationContent::Correction { field: "child.given_name".into(), old_value: "Lmaija".into(), new_value: "Lamija".into() },
        day(2024, 3, 1),
    );
    check(&f, "Lamija", "Hodžić", &["Lmaija"]);
    let c = content(&f, &lamija, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    let said = document(&c, &[1; 64], "k").annotations.join(" ");
    assert!(said.contains("Ispravljena greška u upisu (ime): „Lmaija” ispravljeno u „Lamija”."), "{said}");
    let c = content(&f, &lamija, ExtractKind::Birth, Language::Sr, Script::Cyrillic).unwrap();
    let said = document(&c, &[1; 64], "k").annotations.join(" ");
    assert!(said.contains("(име)"), "{said}");

    let husband = f.stranger.clone();
    f.marry(&husband, "Čolak", &lamija, "Čolak", day(2025, 5, 10));
    check(&f, "Lamija", "Čolak", &["Lmaija"]);

    f.annotate_birth(&lamija, AnnotationContent::NameChange { given_name: Some("Lana".into()), surname: None }, day(2026, 1, 20));
    check(&f, "Lana", "Čolak", &["Lmaija", "Lamija"]);
    // The marriage entry prints the spouses as they married.
    let m = document(&content(&f, &lamija, ExtractKind::Marriage, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(text(&m).contains("Lamija Hodžić"), "{}", text(&m));
}

/// The counter's view of an entry is the document's: fields as they stand on the view date.
#[test]
fn the_counter_shows_the_entry_as_it_stood_on_the_view_date() {
    use crate::registry::AnnotationContent;
    let mut f = family();
    let j = f.born("Lmaija", "Hodžić", crate::registry::Sex::Female, day(1994, 2, 3));
    f.annotate_birth(&j, AnnotationContent::NameChange { given_name: None, surname: Some("Begić".into()) }, day(2020, 1, 1));
    let records = f.registry.person_records(&j);
    let birth = &records.entries[0];
    let shown = |on| super::document::entry_text(Language::Bs, Script::Latin, birth, &records.annotations, on).0;
    let surname = |fields: Vec<super::document::Field>| fields.into_iter().find(|f| f.label == "Prezime").map(|f| f.value);
    assert_eq!(surname(shown(day(2019, 12, 31))).as_deref(), Some("Hodžić"));
    assert_eq!(surname(shown(day(2020, 1, 1))).as_deref(), Some("Begić"));
}

/// A correction names the corrected field as the form labels it, in the document's script.
#[test]
fn a_correction_names_the_field_in_words() {
    use crate::registry::AnnotationContent;
    let mut f = family();
    let j = f.born("Lamija", "Hodžić", crate::registry::Sex::Female, day(1994, 2, 3));
    f.annotate_birth(
        &j,
        AnnotationContent::Correction { field: "mother.given_name".into(), old_value: "Amra".into(), new_value: "Amira".into() },
        day(2024, 3, 1),
    );
    let records = f.registry.person_records(&j);
    let a = &records.annotations[0];
    let say = |language, script| super::document::annotation_sentence(language, script, a);
    assert!(say(Language::Bs, Script::Latin).contains("(majka, ime)"), "{}", say(Language::Bs, Script::Latin));
    assert!(say(Language::Sr, Script::Cyrillic).contains("(мајка, име)"), "{}", say(Language::Sr, Script::Cyrillic));
    let birth = document(&content(&f, &j, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
    assert!(field(&birth, "Majka").starts_with("Amira Hodžić"), "{:?}", birth.fields);
}

/// Every text of a document, but its identifiers (number, seal, address, keywords).
fn printed(d: &super::Document) -> Vec<String> {
    let mut out: Vec<String> = d.header.clone();
    out.extend([d.title.clone(), d.reference.clone(), d.statement.clone(), d.annotations_title.clone(), d.no_annotations.clone()]);
    out.extend([d.validity.clone(), d.official_label.clone(), d.official.clone(), d.seal_label.clone(), d.verify_label.clone()]);
    out.extend(d.fields.iter().flat_map(|f| [f.label.clone(), f.value.clone()]));
    out.extend(d.intl.iter().flat_map(|f| [f.labels[0].clone(), f.value.clone()]));
    out.extend(d.codes.first().cloned());
    out.extend(d.annotations.iter().cloned());
    // The document's number is its identifier, printed as issued.
    out.extend(d.issue.iter().skip(1).flat_map(|f| [f.label.clone(), f.value.clone()]));
    out
}

/// Words in Latin letters in `texts`, but words with a letter of neither alphabet (a name
/// recorded as `Wagner`) and the CIEC codes; a CIEC label's other languages are left out.
fn latin_words(texts: &[String]) -> Vec<String> {
    let latin = |c: char| c.is_ascii_alphabetic() || "čćđšžČĆĐŠŽ".contains(c);
    let foreign = |w: &str| w.chars().any(|c| "qwxyQWXY".contains(c));
    texts
        .iter()
        .map(|t| t.split(" / ").next().unwrap_or_default().to_string())
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()).map(str::to_string).collect::<Vec<_>>())
        .filter(|w| w.chars().any(latin) && !foreign(w) && !["Jo", "Mo", "An", "M", "F"].contains(&w.as_str()))
        .collect()
}

/// A document in Cyrillic is Cyrillic: what the node writes and what was recorded (names,
/// places, the office, acts, the purpose), every kind, the CIEC forms' first language too.
#[test]
fn a_cyrillic_document_has_no_latin_word_but_its_identifiers_and_foreign_names() {
    let mut f = family();
    let foreign = f.born("Xenia", "Wagner", crate::registry::Sex::Female, day(1999, 1, 1));
    for kind in ExtractKind::ALL {
        let mut subjects = vec![subject_for(&f, kind).clone()];
        if matches!(kind, ExtractKind::Birth | ExtractKind::BirthInternational) {
            subjects.push(foreign.clone());
            subjects.push(f.cyrillic.clone());
        }
        for subject in subjects {
            let d = document(&content(&f, &subject, kind, Language::Sr, Script::Cyrillic).unwrap(), &[1; 64], "k");
            let words = latin_words(&printed(&d));
            assert!(words.is_empty(), "{kind}: Latin words {words:?} in {}", text(&d));
            if subject == foreign {
                assert!(text(&d).contains("Xenia") && text(&d).contains("Wagner"), "{}", text(&d));
            }
            // The convention's sex codes are Latin letters in every script.
            for f in d.intl.iter().filter(|f| f.labels[1] == "Sex") {
                assert!(f.value == "M" || f.value == "F", "{kind}: {:?}", f.value);
            }
        }
    }
    // And the other way round: a Latin document has no Cyrillic.
    for kind in ExtractKind::ALL {
        let d = document(&content(&f, subject_for(&f, kind), kind, Language::Bs, Script::Latin).unwrap(), &[1; 64], "k");
        assert!(!crate::names::is_cyrillic(&text(&d)), "{kind}: {}", text(&d));
    }
}

/// A refusal decision in Cyrillic is Cyrillic too, but for its registry number.
#[test]
fn a_cyrillic_refusal_decision_has_no_latin_word_but_its_number() {
    let f = family();
    let facts = super::decision::RefusalFacts {
        number: super::ExtractNumber { office: "KAK".into(), year: 2026, serial: 3 },
        decided_at: crate::registry::Timestamp(1_790_000_000_000_000),
        decided_on: day(2026, 11, 24),
        kind: ExtractKind::Birth,
        language: Language::Sr,
        script: Script::Cyrillic,
        subject: f.son.clone(),
        requester_name: "Nikola Čolak".into(),
        relation: "parent".into(),
        purpose: "penzija".into(),
        denial: super::eligibility::Denial { code: "extract.relation_not_confirmed".into(), reason: "not a parent".into() },
        municipality: "Kakanj".into(),
        office_name: "Centar za pružanje usluga građanima Kakanj".into(),
        place: "Kakanj".into(),
        official: "Amra Hodžić".into(),
        appeal: Some(super::decision::AppealRoute {
            body: "Ministarstvo unutrašnjih poslova Zeničko-dobojskog kantona".into(),
            days: 15,
            fee: 1000,
            fee_note: "kantonalna administrativna taksa".into(),
        }),
        up_number: None,
    };
    let d = super::decision::decision(&facts);
    let mut texts = d.header.clone();
    texts.extend([d.place_date.clone(), d.intro.clone(), d.title.clone(), d.operative.clone(), d.reasoning_title.clone()]);
    texts.extend(d.reasoning.iter().cloned());
    texts.extend([d.appeal.clone(), d.official_label.clone(), d.official.clone()]);
    texts.push(d.number.replace(&facts.registry_number(), ""));
    let words = latin_words(&texts);
    assert!(words.is_empty(), "Latin words {words:?} in {d:?}");
    assert!(d.operative.contains("Никола Чолак") && d.official == "Амра Хоџић", "{d:?}");
    assert!(
        d.appeal.contains("у року од 15 дана") && d.appeal.contains("О жалби одлучује Министарство унутрашњих послова"),
        "{}",
        d.appeal
    );
    assert!(d.appeal.ends_with("од 10,00 КМ (кантонална административна такса)."), "{}", d.appeal);
}

/// The instruction on appeal names the body that decides, the deadline and the fee as the
/// body set them (DOMAIN.md: a refusal is a decision against which the citizen may appeal);
/// a body that set nothing gets the general instruction, and a free appeal says so.
#[test]
fn the_appeal_instruction_names_the_body_the_deadline_and_the_fee() {
    let f = family();
    let mut facts = super::decision::RefusalFacts {
        number: super::ExtractNumber { office: "KAK".into(), year: 2026, serial: 3 },
        decided_at: crate::registry::Timestamp(1_790_000_000_000_000),
        decided_on: day(2026, 11, 24),
        kind: ExtractKind::Birth,
        language: Language::Bs,
        script: Script::Latin,
        subject: f.son.clone(),
        requester_name: "Nikola Čolak".into(),
        relation: "other".into(),
        purpose: "penzija".into(),
        denial: super::eligibility::Denial { code: "extract.no_legal_relation".into(), reason: "no relation".into() },
        municipality: "Kakanj".into(),
        office_name: "Matični ured Kakanj".into(),
        place: "Kakanj".into(),
        official: "Amra Hodžić".into(),
        appeal: None,
        up_number: None,
    };
    let general = super::decision::decision(&facts).appeal;
    assert!(general.contains("u roku od 15 dana") && !general.contains("odlučuje"), "{general}");
    facts.appeal = Some(super::decision::AppealRoute {
        body: "Ministarstvo unutrašnjih poslova Zeničko-dobojskog kantona".into(),
        days: 8,
        fee: 1050,
        fee_note: "kantonalna administrativna taksa".into(),
    });
    assert_eq!(
        super::decision::decision(&facts).appeal,
        "Pouka o pravnom lijeku: protiv ovog rješenja može se izjaviti žalba u roku od 8 dana od dana prijema, putem ovog organa. \
         O žalbi odlučuje Ministarstvo unutrašnjih poslova Zeničko-dobojskog kantona. Na žalbu se plaća taksa od 10,50 KM \
         (kantonalna administrativna taksa)."
    );
    facts.language = Language::Hr;
    if let Some(route) = facts.appeal.as_mut() {
        route.fee = 0;
    }
    let free = super::decision::decision(&facts).appeal;
    assert!(free.contains("od dana primitka, putem ovog tijela") && free.ends_with("Na žalbu se ne plaća pristojba."), "{free}");
}

/// An annotation names the registrar who recorded it by the full name the document kept, with
/// the title; without one (documents issued before names were kept) as recorded.
#[test]
fn annotations_name_their_registrar_by_full_name_and_title() {
    let f = family();
    let mut c = content(&f, &f.son, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    let before = document(&c, &[1; 64], "k").annotations.join(" ");
    assert!(before.contains("KAK, maticar."), "{before}");
    c.officials.insert("maticar".into(), "Amra Hodžić".into());
    let latin = document(&c, &[1; 64], "k").annotations.join(" ");
    assert!(latin.contains("KAK, Amra Hodžić, matičar.") && !latin.contains(", maticar"), "{latin}");
    c.script = Script::Cyrillic;
    let cyrillic = document(&c, &[1; 64], "k").annotations.join(" ");
    assert!(cyrillic.contains("Амра Хоџић, матичар"), "{cyrillic}");
}
