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
fn names_are_printed_as_registered_whatever_the_script_of_the_form() {
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Birth, Language::Sr, Script::Cyrillic).unwrap();
    let t = text(&document(&c, &[1; 64], "k"));
    assert!(t.contains("ИЗВОД ИЗ МАТИЧНЕ КЊИГЕ РОЂЕНИХ"), "{t}");
    assert!(t.contains("Ćamil") && t.contains("Đorđević") && t.contains("Hodžić"), "{t}");
    let c = content(&f, &f.cyrillic, ExtractKind::Birth, Language::Bs, Script::Latin).unwrap();
    let t = text(&document(&c, &[1; 64], "k"));
    assert!(t.contains("IZVOD IZ MATIČNE KNJIGE ROĐENIH") && t.contains("Љубиша") && t.contains("Јовановић"), "{t}");
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
}
