//! Behaviour of the registration commands, carried out on an in-memory registry.

use chrono::NaiveDate;

use super::examples::{birth_to, court, death, decision, late_decision, living_in, marriage};
use super::*;
use crate::registry::annotation::LegalBasis;
use crate::registry::annotation::{Annotation, AnnotationContent};
use crate::registry::entry::{CitizenshipBasis, EntryContent};
use crate::registry::memory::MemoryRegistry;
use crate::registry::person::{MaritalStatus, ViewTime, person_view};
use crate::registry::types::{Actor, Place, Role, Sex, Timestamp};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

const TODAY: (i32, u32, u32) = (2024, 6, 1);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

fn registrar(office: &str) -> Actor {
    Actor { username: format!("maticar.{}", office.to_lowercase()), role: Role::Registrar, office: Some(office.into()) }
}

struct World {
    reg: MemoryRegistry,
    clock: i64,
}

impl World {
    fn new() -> Self {
        Self { reg: MemoryRegistry::new("Kakanj", 19, crate::jmbg::CheckMode::Strict, 1), clock: 1_700_000_000_000_000 }
    }

    fn run_at(&mut self, office: &str, cmd: Command, on: NaiveDate) -> Result<Applied, Refusal> {
        self.clock += 1_000_000;
        self.reg.execute(&registrar(office), &cmd, on, Timestamp(self.clock))
    }

    fn run(&mut self, cmd: Command) -> Result<Applied, Refusal> {
        self.run_at("KAK", cmd, today())
    }

    fn ok(&mut self, cmd: Command) -> Applied {
        match self.run(cmd) {
            Ok(a) => a,
            Err(e) => panic!("refused: {e}"),
        }
    }

    fn view(&self, j: &Jmbg) -> PersonView {
        self.view_at(j, ViewTime::current(today()))
    }

    fn view_at(&self, j: &Jmbg, t: ViewTime) -> PersonView {
        match person_view(j, &self.reg.person_records(j), t) {
            Some(v) => v,
            None => panic!("no view of {j}"),
        }
    }

    /// Registers a birth and returns the child's JMBG.
    fn born(&mut self, given: &str, surname: &str, sex: Sex, date: NaiveDate, mother: Option<&Jmbg>) -> Jmbg {
        let applied = self.ok(birth_to(mother, given, surname, sex, date));
        match applied.entry.map(|e| e.content) {
            Some(EntryContent::Birth(b)) => b.child.jmbg,
            _ => panic!("no birth entry"),
        }
    }
}

fn birth_entry_id(w: &World, j: &Jmbg) -> i64 {
    w.view(j).entries.iter().find(|e| e.entry.content.register() == Register::Births).map(|e| e.entry.id).unwrap_or(-1)
}

fn codes(r: &Result<Applied, Refusal>) -> Vec<(&'static str, Option<String>)> {
    match r {
        Ok(_) => vec![],
        Err(e) => e.errors.iter().map(|e| (e.code, e.field.clone())).collect(),
    }
}

#[test]
fn birth_assigns_a_valid_jmbg_of_the_region_and_sex() {
    let mut w = World::new();
    let boy = w.born("Tarik", "Hodžić", Sex::Male, d(2024, 5, 20), None);
    let girl = w.born("Lejla", "Hodžić", Sex::Female, d(2024, 5, 20), None);
    for (j, sex) in [(&boy, Sex::Male), (&girl, Sex::Female)] {
        assert!(Jmbg::parse(j.as_str(), crate::jmbg::CheckMode::Strict).is_ok());
        assert_eq!(j.region(), 19);
        assert_eq!(j.birth_date(), d(2024, 5, 20));
        assert_eq!(j.sex(), sex);
    }
}

#[test]
fn births_on_the_same_day_get_different_serials() {
    let mut w = World::new();
    let a = w.born("Adnan", "Mehić", Sex::Male, d(2024, 5, 20), None);
    let b = w.born("Benjamin", "Mehić", Sex::Male, d(2024, 5, 20), None);
    let c = w.born("Cerin", "Mehić", Sex::Male, d(2024, 5, 20), None);
    assert_ne!(a, b);
    assert_ne!(b, c);
    assert_ne!(a, c);
    assert_eq!(a.prefix(), b.prefix());
}

#[test]
fn birth_in_the_future_is_refused_naming_the_field() {
    let mut w = World::new();
    let mut cmd = birth_to(None, "Ena", "Kurtić", Sex::Female, d(2024, 6, 2));
    if let Command::RegisterBirth(b) = &mut cmd {
        b.registered_on = None;
    }
    let r = w.run(cmd);
    assert!(codes(&r).contains(&("registry.birth.date_in_future", Some("child.birth_date".into()))), "{:?}", codes(&r));
}

#[test]
fn mother_younger_than_ten_is_refused() {
    let mut w = World::new();
    let mut cmd = birth_to(None, "Ena", "Kurtić", Sex::Female, d(2024, 5, 2));
    if let Command::RegisterBirth(b) = &mut cmd {
        b.mother.birth_date = Some(d(2015, 1, 1));
    }
    let r = w.run(cmd);
    assert_eq!(codes(&r), vec![("registry.mother.too_young", Some("mother.birth_date".into()))]);
}

#[test]
fn mother_jmbg_of_a_man_is_refused() {
    let mut w = World::new();
    let man = w.born("Mirza", "Alić", Sex::Male, d(1990, 3, 3), None);
    let r = w.run(birth_to(Some(&man), "Ena", "Alić", Sex::Female, d(2024, 5, 2)));
    assert!(codes(&r).contains(&("registry.jmbg.sex_mismatch", Some("mother.jmbg".into()))));
}

#[test]
fn late_registration_is_flagged_after_thirty_days() {
    let mut w = World::new();
    let mut on_time = birth_to(None, "Ena", "Kurtić", Sex::Female, d(2024, 4, 1));
    let mut late = birth_to(None, "Ajna", "Kurtić", Sex::Female, d(2024, 4, 1));
    if let (Command::RegisterBirth(a), Command::RegisterBirth(b)) = (&mut on_time, &mut late) {
        a.registered_on = Some(d(2024, 5, 1));
        b.registered_on = Some(d(2024, 5, 2));
        b.late_decision = Some(late_decision(d(2024, 5, 2)));
    }
    assert_eq!(w.ok(on_time).entry.map(|e| e.late), Some(false));
    assert_eq!(w.ok(late).entry.map(|e| e.late), Some(true));
}

/// DOMAIN.md §2, jurisdiction: a birth is entered where the mother lives, and a birth
/// reported after 30 days on the decision that allows it. The case found in review: a birth
/// in Tuzla to a mother living in Tuzla, registered three years late in Kakanj.
#[test]
fn a_birth_is_entered_where_the_mother_lives_and_late_only_on_a_decision() {
    let mut w = World::new();
    let tuzla = |cmd: Command| {
        let mut cmd = living_in("Slatina, Tuzla", cmd);
        if let Command::RegisterBirth(b) = &mut cmd {
            b.child.birth_place = Place::new("Tuzla", "Tuzla", "Bosna i Hercegovina");
            b.registered_on = None;
        }
        cmd
    };
    let r = w.run(tuzla(birth_to(None, "Ena", "Kurtić", Sex::Female, d(2021, 5, 2))));
    assert_eq!(
        codes(&r),
        vec![("registry.birth.elsewhere", Some("mother.residence".into())), ("registry.birth.late", Some("late_decision".into())),]
    );
    // The message says where it belongs and what would make this office competent.
    let Err(refusal) = &r else { unreachable!() };
    assert!(refusal.errors[0].message.contains("Slatina, Tuzla is not in Kakanj"), "{}", refusal.errors[0].message);
    assert!(refusal.errors[1].message.contains("1126 days"), "{}", refusal.errors[1].message);

    // With the act that makes Kakanj competent and the decision on late registration, it is
    // entered, and the entry keeps both acts.
    let mut allowed = tuzla(birth_to(None, "Ena", "Kurtić", Sex::Female, d(2021, 5, 2)));
    if let Command::RegisterBirth(b) = &mut allowed {
        b.competence = Some(LegalBasis { act: "competence_decision".into(), ..decision(d(2024, 5, 10)) });
        b.late_decision = Some(late_decision(d(2024, 5, 20)));
    }
    let entry = w.ok(allowed).entry.expect("entered");
    assert!(entry.late);
    let EntryContent::Birth(b) = entry.content else { panic!("not a birth") };
    assert_eq!(b.competence.map(|c| c.act), Some("rješenje o određivanju nadležnosti".into()));
    assert_eq!(b.late_decision.map(|c| c.act), Some("rješenje o naknadnom upisu".into()));

    // A residence is needed to know the office; a settlement the node knows is in it; a
    // decision cannot predate the birth, nor be an act that cannot allow a late entry.
    let mut nowhere = birth_to(None, "Ena", "Kurtić", Sex::Female, d(2024, 5, 2));
    let mut sutjeska = living_in("Kraljeva Sutjeska", birth_to(None, "Ena", "Kurtić", Sex::Female, d(2024, 5, 2)));
    let mut wrong = birth_to(None, "Ena", "Kurtić", Sex::Female, d(2024, 3, 2));
    if let (Command::RegisterBirth(a), Command::RegisterBirth(c)) = (&mut nowhere, &mut wrong) {
        a.mother.residence = Some(" ".into());
        c.registered_on = Some(today());
        c.late_decision = Some(LegalBasis { act: "divorce_judgment".into(), ..late_decision(d(2024, 3, 1)) });
    }
    assert_eq!(codes(&w.run(nowhere)), vec![("registry.field.required", Some("mother.residence".into()))]);
    assert_eq!(codes(&w.run(sutjeska.clone())), vec![("registry.birth.elsewhere", Some("mother.residence".into()))]);
    w.reg.settlements = vec!["Kraljeva Sutjeska".into()];
    if let Command::RegisterBirth(b) = &mut sutjeska {
        b.mother.residence = Some("Краљева Сутјеска".into());
    }
    assert!(w.run(sutjeska).is_ok());
    assert_eq!(
        codes(&w.run(wrong)),
        vec![
            ("registry.legal_basis.act_not_for_this", Some("late_decision.act".into())),
            ("registry.legal_basis.before_event", Some("late_decision.date".into())),
            ("registry.birth.late", Some("late_decision".into())),
        ]
    );
}

/// DOMAIN.md §2, jurisdiction: a death is entered where the deceased last lived.
#[test]
fn a_death_is_entered_where_the_deceased_last_lived_and_late_only_on_a_decision() {
    let mut w = World::new();
    let person = w.born("Mujo", "Kurtić", Sex::Male, d(1950, 1, 1), None);
    let mut elsewhere = living_in("Zenica", death(&person, d(2024, 4, 1)));
    if let Command::RegisterDeath(c) = &mut elsewhere {
        c.registered_on = Some(today());
    }
    assert_eq!(
        codes(&w.run(elsewhere.clone())),
        vec![("registry.death.elsewhere", Some("last_residence".into())), ("registry.death.late", Some("late_decision".into()))]
    );
    if let Command::RegisterDeath(c) = &mut elsewhere {
        c.last_residence = "Varda, Kakanj".into();
        c.late_decision = Some(late_decision(d(2024, 5, 30)));
    }
    let entry = w.ok(elsewhere).entry.expect("entered");
    let EntryContent::Death(death) = entry.content else { panic!("not a death") };
    assert!(entry.late && death.late_decision.is_some() && death.competence.is_none());
}

#[test]
fn birth_to_a_mother_who_died_before_is_refused() {
    let mut w = World::new();
    let mother = w.born("Amra", "Hodžić", Sex::Female, d(1990, 1, 1), None);
    w.ok(death(&mother, d(2023, 1, 1)));
    let r = w.run(birth_to(Some(&mother), "Ena", "Hodžić", Sex::Female, d(2024, 5, 2)));
    assert!(codes(&r).contains(&("registry.mother.deceased", Some("mother.jmbg".into()))));
}

#[test]
fn entry_numbers_are_gap_free_per_register_office_and_year() {
    let mut w = World::new();
    let numbers: Vec<(String, i64)> = [("KAK", 1), ("KAK", 2), ("KS", 3), ("KAK", 4)]
        .into_iter()
        .map(|(office, i)| {
            let r = w.run_at(
                office,
                birth_to(None, &format!("Dijete{}", ["a", "b", "c", "d"][i as usize - 1]), "Kovač", Sex::Male, d(2024, 5, 1)),
                today(),
            );
            let e = r.ok().and_then(|a| a.entry);
            (office.to_string(), e.map_or(0, |e| e.number))
        })
        .collect();
    assert_eq!(numbers, vec![("KAK".into(), 1), ("KAK".into(), 2), ("KS".into(), 1), ("KAK".into(), 3)]);
}

#[test]
fn every_record_names_the_office_and_user_that_made_it() {
    let mut w = World::new();
    let r = w.run_at("KS", birth_to(None, "Ivo", "Jurić", Sex::Male, d(2024, 5, 1)), today());
    let e = r.ok().and_then(|a| a.entry);
    assert_eq!(e.as_ref().map(|e| e.office.as_str()), Some("KS"));
    assert_eq!(e.as_ref().map(|e| e.recorded_by.as_str()), Some("maticar.ks"));
}

#[test]
fn marriage_annotates_both_birth_entries_and_changes_status_and_surname() {
    let mut w = World::new();
    let him = w.born("Emir", "Begić", Sex::Male, d(1995, 2, 2), None);
    let her = w.born("Selma", "Pašić", Sex::Female, d(1996, 3, 3), None);
    let applied = w.ok(marriage(&him, "Begić", &her, "Begić", d(2024, 5, 10)));
    let mkv = applied.entry.map(|e| e.id).unwrap_or(-1);
    assert_eq!(applied.annotations.len(), 2);
    for (j, birth) in [(&him, birth_entry_id(&w, &him)), (&her, birth_entry_id(&w, &her))] {
        let v = w.view(j);
        assert_eq!(v.marital_status, MaritalStatus::Married);
        let on_birth: Vec<_> = v.entries.iter().filter(|e| e.entry.id == birth).flat_map(|e| e.annotations.iter()).collect();
        assert_eq!(on_birth.len(), 1, "one annotation on the birth entry of {j}");
        assert_eq!(on_birth[0].cause_entry_id, Some(mkv));
        assert!(matches!(on_birth[0].annotation.content, AnnotationContent::Marriage { .. }));
    }
    let v = w.view(&her);
    assert_eq!(v.surname, "Begić");
    assert_eq!(v.spouse.as_ref().map(|s| s.given_name.as_str()), Some("Emir"));
    // Before the marriage she was single and bore her birth surname.
    let before = w.view_at(&her, ViewTime::current(d(2024, 5, 9)));
    assert_eq!(before.marital_status, MaritalStatus::Single);
    assert_eq!(before.surname, "Pašić");
}

#[test]
fn second_marriage_while_married_is_refused_naming_the_spouse() {
    let mut w = World::new();
    let him = w.born("Emir", "Begić", Sex::Male, d(1995, 2, 2), None);
    let her = w.born("Selma", "Pašić", Sex::Female, d(1996, 3, 3), None);
    let other = w.born("Amela", "Zukić", Sex::Female, d(1997, 4, 4), None);
    w.ok(marriage(&him, "Begić", &her, "Begić", d(2024, 5, 10)));
    let r = w.run(marriage(&him, "Begić", &other, "Begić", d(2024, 5, 20)));
    assert_eq!(codes(&r), vec![("registry.marriage.already_married", Some("spouses[0].jmbg".into()))]);
}

#[test]
fn marriage_of_minors_same_sex_and_self_is_refused() {
    let mut w = World::new();
    let boy = w.born("Kenan", "Alić", Sex::Male, d(2010, 1, 1), None);
    let her = w.born("Selma", "Pašić", Sex::Female, d(1996, 3, 3), None);
    let she2 = w.born("Amela", "Zukić", Sex::Female, d(1997, 4, 4), None);
    assert!(
        codes(&w.run(marriage(&boy, "Alić", &her, "Alić", d(2024, 5, 10))))
            .contains(&("registry.marriage.underage", Some("spouses[0].jmbg".into())))
    );
    assert!(
        codes(&w.run(marriage(&her, "Pašić", &she2, "Zukić", d(2024, 5, 10))))
            .contains(&("registry.marriage.same_sex", Some("spouses[1].jmbg".into())))
    );
    assert!(
        codes(&w.run(marriage(&her, "Pašić", &her, "Pašić", d(2024, 5, 10))))
            .contains(&("registry.marriage.same_person", Some("spouses[1].jmbg".into())))
    );
}

#[test]
fn death_annotates_birth_and_marriage_entries_and_widows_the_spouse() {
    let mut w = World::new();
    let him = w.born("Emir", "Begić", Sex::Male, d(1950, 2, 2), None);
    let her = w.born("Selma", "Pašić", Sex::Female, d(1952, 3, 3), None);
    let mkv = w.ok(marriage(&him, "Begić", &her, "Begić", d(1975, 5, 10))).entry.map(|e| e.id);
    let applied = w.ok(death(&him, d(2024, 5, 1)));
    let annotated: Vec<i64> = applied.annotations.iter().map(|a| a.entry_id).collect();
    assert!(annotated.contains(&birth_entry_id(&w, &him)));
    assert!(mkv.is_some_and(|id| annotated.contains(&id)));
    let dead = w.view(&him);
    assert!(!dead.alive);
    assert_eq!(dead.death_date, Some(d(2024, 5, 1)));
    assert_eq!(w.view(&her).marital_status, MaritalStatus::Widowed);
    // As of the day before, he was alive and she was married.
    assert!(w.view_at(&him, ViewTime::current(d(2024, 4, 30))).alive);
    assert_eq!(w.view_at(&her, ViewTime::current(d(2024, 4, 30))).marital_status, MaritalStatus::Married);
}

#[test]
fn death_before_birth_and_second_death_are_refused() {
    let mut w = World::new();
    let p = w.born("Hana", "Hadžić", Sex::Female, d(2000, 1, 10), None);
    assert!(codes(&w.run(death(&p, d(1999, 12, 31)))).contains(&("registry.death.before_birth", Some("death_date".into()))));
    w.ok(death(&p, d(2024, 1, 1)));
    assert!(codes(&w.run(death(&p, d(2024, 2, 1)))).contains(&("registry.death.already_registered", Some("jmbg".into()))));
}

#[test]
fn divorce_annotates_the_marriage_and_both_birth_entries() {
    let mut w = World::new();
    let him = w.born("Emir", "Begić", Sex::Male, d(1990, 2, 2), None);
    let her = w.born("Selma", "Pašić", Sex::Female, d(1991, 3, 3), None);
    let mkv = w.ok(marriage(&him, "Begić", &her, "Begić", d(2015, 5, 10))).entry.map(|e| e.id).unwrap_or(-1);
    let divorce = Command::RegisterDivorce(RegisterDivorce {
        marriage_entry_id: mkv,
        reason: DivorceReason::Divorce,
        legal_basis: court(d(2024, 3, 1)),
        effective_date: d(2024, 4, 1),
        surnames_after: [None, Some("Pašić".into())],
    });
    let applied = w.ok(divorce.clone());
    let mut targets: Vec<i64> = applied.annotations.iter().map(|a| a.entry_id).collect();
    targets.sort();
    targets.dedup();
    let mut expected = vec![mkv, birth_entry_id(&w, &him), birth_entry_id(&w, &her)];
    expected.sort();
    assert_eq!(targets, expected);
    assert_eq!(w.view(&him).marital_status, MaritalStatus::Divorced);
    let her_view = w.view(&her);
    assert_eq!(her_view.marital_status, MaritalStatus::Divorced);
    assert_eq!(her_view.surname, "Pašić");
    assert_eq!(w.view(&him).surname, "Begić");
    assert_eq!(codes(&w.run(divorce)), vec![("registry.marriage.already_ended", Some("marriage_entry_id".into()))]);
    // Divorced, he may marry again.
    let other = w.born("Amela", "Zukić", Sex::Female, d(1992, 4, 4), None);
    assert!(w.run(marriage(&him, "Begić", &other, "Begić", d(2024, 5, 20))).is_ok());
}

fn annotate(entry_id: i64, content: AnnotationContent, effective: NaiveDate) -> Command {
    Command::AddAnnotation(AddAnnotation {
        entry_id,
        annotation: Annotation { content, legal_basis: decision(effective), effective_date: effective, note: None },
    })
}

#[test]
fn name_change_is_bitemporal() {
    let mut w = World::new();
    let p = w.born("Mina", "Kos", Sex::Female, d(2000, 1, 10), None);
    let birth_id = birth_entry_id(&w, &p);
    let before_recording = Timestamp(w.clock);
    w.ok(annotate(birth_id, AnnotationContent::NameChange { given_name: Some("Minela".into()), surname: None }, d(2024, 3, 1)));
    assert_eq!(w.view(&p).given_name, "Minela");
    // Legally, before the decision took effect, she was Mina.
    assert_eq!(w.view_at(&p, ViewTime::current(d(2024, 2, 29))).given_name, "Mina");
    // As recorded before the annotation was made, she is Mina even today.
    assert_eq!(w.view_at(&p, ViewTime { as_of: today(), recorded_at: Some(before_recording) }).given_name, "Mina");
    assert_eq!(w.view(&p).name_history.len(), 2);
}

#[test]
fn correction_checks_the_old_value_and_protects_identity_fields() {
    let mut w = World::new();
    let p = w.born("Jasmin", "Kovačević", Sex::Male, d(2000, 1, 10), None);
    let id = birth_entry_id(&w, &p);
    let wrong_old = annotate(
        id,
        AnnotationContent::Correction { field: "child.given_name".into(), old_value: "Jasmina".into(), new_value: "Jasmen".into() },
        d(2024, 1, 1),
    );
    assert_eq!(codes(&w.run(wrong_old)), vec![("registry.correction.old_value_mismatch", Some("old_value".into()))]);
    let protected = annotate(
        id,
        AnnotationContent::Correction { field: "child.jmbg".into(), old_value: p.to_string(), new_value: "x".into() },
        d(2024, 1, 1),
    );
    assert_eq!(codes(&w.run(protected)), vec![("registry.correction.field_protected", Some("field".into()))]);
    let ok = annotate(
        id,
        AnnotationContent::Correction { field: "child.surname".into(), old_value: "Kovačević".into(), new_value: "Kovačavić".into() },
        d(2024, 1, 1),
    );
    w.ok(ok);
    // A correction holds from birth.
    assert_eq!(w.view_at(&p, ViewTime::current(d(2001, 1, 1))).surname, "Kovačavić");
}

#[test]
fn annotation_kind_must_fit_the_register() {
    let mut w = World::new();
    let p = w.born("Hana", "Hadžić", Sex::Female, d(2000, 1, 10), None);
    let mku = w.ok(death(&p, d(2024, 1, 1))).entry.map(|e| e.id).unwrap_or(-1);
    let r = w.run(annotate(mku, AnnotationContent::NameChange { given_name: Some("X".into()), surname: None }, d(2024, 2, 1)));
    assert_eq!(codes(&r), vec![("registry.annotation.not_allowed", Some("kind".into()))]);
}

#[test]
fn name_change_of_a_deceased_person_is_refused() {
    let mut w = World::new();
    let p = w.born("Hana", "Hadžić", Sex::Female, d(2000, 1, 10), None);
    let birth_id = birth_entry_id(&w, &p);
    w.ok(death(&p, d(2024, 1, 1)));
    let r = w.run(annotate(birth_id, AnnotationContent::NameChange { given_name: Some("Ana".into()), surname: None }, d(2024, 2, 1)));
    assert!(codes(&r).iter().any(|(c, _)| *c == "registry.person.deceased"));
}

#[test]
fn citizenship_is_registered_and_can_be_lost() {
    let mut w = World::new();
    let p = w.born("Ivo", "Jurić", Sex::Male, d(1980, 1, 10), None);
    let cmd = Command::RegisterCitizenship(RegisterCitizenship {
        jmbg: p.to_string(),
        person: None,
        father_name: Some("Ante".into()),
        mother_name: Some("Marija".into()),
        citizenship: "Republika Hrvatska".into(),
        basis: CitizenshipBasis::Naturalisation,
        acquired_on: d(2020, 1, 1),
        legal_basis: Some(decision(d(2019, 12, 1))),
        residence: None,
        registered_on: None,
        script: Default::default(),
    });
    let mkd = w.ok(cmd.clone()).entry.map(|e| e.id).unwrap_or(-1);
    let v = w.view(&p);
    assert!(v.citizenships.contains(&"Republika Hrvatska".to_string()));
    assert!(v.citizenships.contains(&"Bosna i Hercegovina".to_string()));
    assert_eq!(codes(&w.run(cmd)), vec![("registry.citizenship.already_registered", Some("jmbg".into()))]);
    w.ok(annotate(mkd, AnnotationContent::CitizenshipLost { citizenship: "Republika Hrvatska".into() }, d(2023, 1, 1)));
    assert!(!w.view(&p).citizenships.contains(&"Republika Hrvatska".to_string()));
    assert!(w.view_at(&p, ViewTime::current(d(2022, 1, 1))).citizenships.contains(&"Republika Hrvatska".to_string()));
}

#[test]
fn a_person_born_elsewhere_can_marry_here_with_their_identity_given() {
    let mut w = World::new();
    let her = w.born("Selma", "Pašić", Sex::Female, d(1996, 3, 3), None);
    let stranger = Jmbg::compose(d(1994, 7, 7), 17, 123, crate::jmbg::CheckMode::Strict)
        .or_else(|| Jmbg::compose(d(1994, 7, 7), 17, 124, crate::jmbg::CheckMode::Strict));
    let Some(stranger) = stranger else { panic!("no jmbg") };
    let mut cmd = marriage(&stranger, "Hadžić", &her, "Hadžić", d(2024, 5, 10));
    let r = w.run(cmd.clone());
    assert_eq!(codes(&r), vec![("registry.person.unknown", Some("spouses[0]".into()))]);
    if let Command::RegisterMarriage(m) = &mut cmd {
        m.spouses[0].person = Some(PersonInput {
            given_name: "Adnan".into(),
            surname: "Hadžić".into(),
            sex: None,
            birth_place: Place::new("Sarajevo", "Centar Sarajevo", "Bosna i Hercegovina"),
        });
    }
    let applied = w.ok(cmd);
    // Only her birth entry is held here.
    assert_eq!(applied.annotations.len(), 1);
    assert_eq!(w.view(&stranger).marital_status, MaritalStatus::Married);
    assert_eq!(w.view(&stranger).registry_office.as_deref(), Some("KAK"));
}

#[test]
fn a_corrected_date_of_birth_takes_a_new_jmbg_and_the_old_one_still_finds_the_person() {
    let mut w = World::new();
    let mother = w.born("Amra", "Kos", Sex::Female, d(1975, 4, 4), None);
    let p = w.born("Tarik", "Kos", Sex::Male, d(2000, 5, 20), Some(&mother));
    let id = birth_entry_id(&w, &p);
    let applied = w.ok(annotate(id, super::examples::corrected_identity(Sex::Male, d(2000, 5, 12)), d(2024, 3, 1)));
    let Some((old, new)) = applied.annotations[0].annotation.content.jmbg_change() else { panic!("no new JMBG: {applied:?}") };
    let (old, new) = (old.clone(), new.clone());
    assert_eq!(old, p);
    assert_eq!((new.birth_date(), new.sex(), new.region()), (d(2000, 5, 12), Sex::Male, 19));
    assert!(applied.affected.contains(&new) && applied.affected.contains(&old));
    // Asked by either number, the person is shown by the new one, with the corrected date.
    for asked in [&old, &new] {
        let v = w.view(asked);
        assert_eq!((&v.jmbg, &v.former_jmbgs, v.birth_date), (&new, &vec![old.clone()], d(2000, 5, 12)), "asked by {asked}");
    }
    // The mother's view names her child by the new number.
    assert!(w.view(&mother).children.iter().any(|c| c.jmbg.as_ref() == Some(&new)));
    // Later registrations under the new number find the birth entry here and annotate it.
    let wife = w.born("Lana", "Begić", Sex::Female, d(2002, 2, 2), None);
    let married = w.ok(marriage(&new, "Kos", &wife, "Kos", d(2024, 5, 10)));
    assert!(married.annotations.iter().any(|a| a.entry_id == id), "his birth entry is annotated: {married:?}");
    assert!(married.notices.is_empty(), "nothing is sent elsewhere: {married:?}");
    assert_eq!(w.view(&old).marital_status, MaritalStatus::Married);
    // A child born on the corrected date never gets the new number.
    let twin = w.born("Emir", "Kos", Sex::Male, d(2000, 5, 12), Some(&mother));
    assert_ne!(twin, new);
}

#[test]
fn a_change_of_sex_takes_a_number_of_the_other_sex_and_is_refused_when_nothing_changes() {
    let mut w = World::new();
    let p = w.born("Alma", "Hodžić", Sex::Female, d(1999, 9, 9), None);
    let id = birth_entry_id(&w, &p);
    let same = w.run(annotate(id, super::examples::corrected_identity(Sex::Female, d(1999, 9, 9)), d(2024, 3, 1)));
    assert_eq!(codes(&same), vec![("registry.correction.unchanged", Some("sex".into()))]);
    let later = w.run(annotate(id, super::examples::corrected_identity(Sex::Female, d(2024, 9, 9)), d(2024, 3, 1)));
    assert!(codes(&later).iter().any(|(c, f)| *c == "registry.date.in_future" || f.as_deref() == Some("birth_date")), "{later:?}");
    let applied = w.ok(annotate(id, super::examples::corrected_identity(Sex::Male, d(1999, 9, 9)), d(2024, 3, 1)));
    let Some((_, new)) = applied.annotations[0].annotation.content.jmbg_change() else { panic!("no new JMBG") };
    assert_eq!((new.sex(), new.birth_date()), (Sex::Male, d(1999, 9, 9)));
    assert!(applied.annotations[0].annotation.content.undisclosed(), "a change of sex is not printed on documents");
    assert_eq!(w.view(&p).sex, Sex::Male);
    // Only a birth entry carries the JMBG it was given.
    let mku = w.ok(death(&p, d(2024, 4, 1))).entry.map(|e| e.id).unwrap_or(-1);
    let r = w.run(annotate(mku, super::examples::corrected_identity(Sex::Male, d(1999, 9, 8)), d(2024, 4, 2)));
    assert_eq!(codes(&r), vec![("registry.annotation.not_allowed", Some("kind".into()))]);
}
