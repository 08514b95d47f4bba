//! A small synthetic family in an in-memory registry, and documents issued about it: for
//! the tests of this module and of the PDF and store crates. Names carry every letter that
//! goes wrong somewhere (č ć đ š ž dž lj nj, and a family registered in Cyrillic).

use chrono::NaiveDate;

use super::content::{ContentSpec, ExtractContent, ExtractNumber, Fee, Issue, build};
use super::kind::{ExtractKind, Language};
use super::request::{ExtractRequest, Relation, Requester};
use crate::jmbg::{CheckMode, Jmbg};
use crate::names::Script;
use crate::registry::annotation::{Annotation, AnnotationContent};
use crate::registry::commands::examples::{birth, birth_to, death, decision, marriage};
use crate::registry::commands::{AddAnnotation, Command, RegisterCitizenship};
use crate::registry::entry::{CitizenshipBasis, EntryContent};
use crate::registry::memory::MemoryRegistry;
use crate::registry::{Actor, Role, Sex, Timestamp};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The people of the family, by their JMBGs.
#[derive(Debug, Clone)]
pub struct Family {
    pub registry: MemoryRegistry,
    /// Šejla Đorđević, born 1960.
    pub mother: Jmbg,
    /// Ćamil Đorđević, born 1990, married to Ljiljana; has a citizenship entry; changed his
    /// given name to Džemal in 2021.
    pub son: Jmbg,
    /// Žaklina Đorđević, born 1993, single.
    pub daughter: Jmbg,
    /// Ljiljana Njegoš, born 1991; Ćamil's wife.
    pub wife: Jmbg,
    /// Đuro Šehić, born 1930, died 2020.
    pub late: Jmbg,
    /// Љубиша Јовановић, born 1988, registered in Cyrillic.
    pub cyrillic: Jmbg,
    /// Someone unrelated: Nikola Čolak, born 1985.
    pub stranger: Jmbg,
}

pub fn registrar() -> Actor {
    Actor { username: "maticar".into(), role: Role::Registrar, office: Some("KAK".into()) }
}

fn at(d: NaiveDate) -> Timestamp {
    Timestamp::from_datetime(d.and_hms_opt(10, 0, 0).unwrap_or_default().and_utc())
}

fn run(reg: &mut MemoryRegistry, cmd: Command, on: NaiveDate) -> crate::registry::Applied {
    match reg.execute(&registrar(), &cmd, on, at(on)) {
        Ok(a) => a,
        Err(refusal) => unreachable_refusal(&refusal),
    }
}

#[allow(clippy::panic)]
fn unreachable_refusal(r: &crate::Refusal) -> ! {
    panic!("the example family is valid; refused: {r}")
}

fn child_of(applied: &crate::registry::Applied) -> Jmbg {
    match applied.entry.as_ref().map(|e| &e.content) {
        Some(EntryContent::Birth(b)) => b.child.jmbg.clone(),
        _ => unreachable_refusal(&crate::Refusal::one(crate::FieldError::general("examples", "no birth entry"))),
    }
}

/// Builds the family.
pub fn family() -> Family {
    let mut reg = MemoryRegistry::new("Kakanj", 19, CheckMode::Strict, 1);
    let born = |reg: &mut MemoryRegistry, cmd: Command, on: NaiveDate| child_of(&run(reg, cmd, on));
    let mother = born(&mut reg, birth("Šejla", "Đorđević", Sex::Female, day(1960, 3, 5)), day(1960, 3, 5));
    let son = born(&mut reg, birth_to(Some(&mother), "Ćamil", "Đorđević", Sex::Male, day(1990, 5, 17)), day(1990, 5, 17));
    let daughter = born(&mut reg, birth_to(Some(&mother), "Žaklina", "Đorđević", Sex::Female, day(1993, 11, 2)), day(1993, 11, 2));
    let wife = born(&mut reg, birth("Ljiljana", "Njegoš", Sex::Female, day(1991, 1, 30)), day(1991, 1, 30));
    let late = born(&mut reg, birth("Đuro", "Šehić", Sex::Male, day(1930, 8, 8)), day(1930, 8, 8));
    let mut cyr = birth("Љубиша", "Јовановић", Sex::Male, day(1988, 4, 12));
    if let Command::RegisterBirth(b) = &mut cyr {
        b.script = Script::Cyrillic;
        b.mother.given_name = "Милица".into();
        b.mother.surname = "Јовановић".into();
        b.mother.maiden_surname = Some("Петровић".into());
    }
    let cyrillic = born(&mut reg, cyr, day(1988, 4, 12));
    let stranger = born(&mut reg, birth("Nikola", "Čolak", Sex::Male, day(1985, 7, 7)), day(1985, 7, 7));
    run(&mut reg, marriage(&son, "Đorđević", &wife, "Đorđević", day(2018, 6, 1)), day(2018, 6, 1));
    run(
        &mut reg,
        Command::RegisterCitizenship(RegisterCitizenship {
            jmbg: son.to_string(),
            person: None,
            father_name: None,
            mother_name: Some("Šejla".into()),
            citizenship: "Bosna i Hercegovina / Federacija Bosne i Hercegovine".into(),
            basis: CitizenshipBasis::Origin,
            acquired_on: day(1990, 5, 17),
            legal_basis: None,
            residence: Some("Kakanj".into()),
            registered_on: Some(day(2008, 9, 1)),
            script: Script::Latin,
        }),
        day(2008, 9, 1),
    );
    let son_birth = reg.person_records(&son).entries.iter().find(|e| matches!(e.content, EntryContent::Birth(_))).map_or(0, |e| e.id);
    run(
        &mut reg,
        Command::AddAnnotation(AddAnnotation {
            entry_id: son_birth,
            annotation: Annotation {
                content: AnnotationContent::NameChange { given_name: Some("Džemal".into()), surname: None },
                legal_basis: decision(day(2021, 2, 10)),
                effective_date: day(2021, 2, 10),
                note: None,
            },
        }),
        day(2021, 2, 15),
    );
    run(&mut reg, death(&late, day(2020, 12, 24)), day(2020, 12, 24));
    Family { registry: reg, mother, son, daughter, wife, late, cyrillic, stranger }
}

impl Family {
    /// Registers a birth on the day it happened and returns the child's JMBG.
    pub fn born(&mut self, given: &str, surname: &str, sex: Sex, on: NaiveDate) -> Jmbg {
        child_of(&run(&mut self.registry, birth(given, surname, sex, on), on))
    }

    /// Records `content` on the birth entry of `jmbg` by a decision of `on`.
    pub fn annotate_birth(&mut self, jmbg: &Jmbg, content: AnnotationContent, on: NaiveDate) {
        let entry_id =
            self.registry.person_records(jmbg).entries.iter().find(|e| matches!(e.content, EntryContent::Birth(_))).map_or(0, |e| e.id);
        let annotation = Annotation { content, legal_basis: decision(on), effective_date: on, note: None };
        run(&mut self.registry, Command::AddAnnotation(AddAnnotation { entry_id, annotation }), on);
    }

    /// Registers the marriage of `a` and `b` with the surnames they take.
    pub fn marry(&mut self, a: &Jmbg, a_after: &str, b: &Jmbg, b_after: &str, on: NaiveDate) {
        run(&mut self.registry, marriage(a, a_after, b, b_after, on), on);
    }
}

/// The issue facts of a document issued at the Kakanj service centre.
pub fn issue(serial: i64, position: i64) -> Issue {
    Issue {
        number: ExtractNumber { office: "KAK".into(), year: 2026, serial },
        issued_at: at(day(2026, 11, 24)),
        issued_on: day(2026, 11, 24),
        municipality: "Kakanj".into(),
        office_name: "Centar za pružanje usluga građanima Kakanj".into(),
        place: "Kakanj".into(),
        official: "Amra Hodžić".into(),
        fee: Fee { amount: 400, exemption: None },
        journal_position: position,
        verify_base: "https://kakanj.opcina.test".into(),
    }
}

/// A document about `jmbg` issued from the family's registry as it stands.
pub fn content(f: &Family, jmbg: &Jmbg, kind: ExtractKind, language: Language, script: Script) -> Result<ExtractContent, crate::Refusal> {
    let spec = ContentSpec { kind, language, script, subject: jmbg, entry_id: None, purpose: "ostvarivanje prava na penziju" };
    let position = f.registry.next_id() - 1;
    build(&spec, &f.registry.person_records(jmbg), issue(7, position))
}

/// The person each kind is best shown with: the deceased for a death extract, the married
/// son for a marriage or citizenship, the single daughter for no impediment.
pub fn subject_for(f: &Family, kind: ExtractKind) -> &Jmbg {
    match kind {
        ExtractKind::Death | ExtractKind::DeathInternational => &f.late,
        ExtractKind::NoImpediment => &f.daughter,
        _ => &f.son,
    }
}

/// A request in Bosnian, Latin script, for a pension, by `requester` (by JMBG, or by an
/// identity card when `None`) in `relation`.
pub fn request(kind: ExtractKind, subject: &Jmbg, requester: Option<&Jmbg>, relation: Relation) -> ExtractRequest {
    ExtractRequest {
        kind,
        jmbg: subject.clone(),
        entry_id: None,
        language: Language::Bs,
        script: Script::Latin,
        requester: Requester {
            name: "Podnosilac Zahtjeva".into(),
            jmbg: requester.cloned(),
            document: requester.is_none().then(|| "LK 1234567".into()),
            evidence: None,
        },
        relation,
        purpose: "ostvarivanje prava na penziju".into(),
    }
}
