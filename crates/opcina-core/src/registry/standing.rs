//! An entry as it stands (*posljednje stanje*): the entry with every change its annotations
//! made to its fields applied — corrections, a change of name, the surname taken at marriage
//! or after its end, a recognised father, an adoptive name (and, after a full adoption, the
//! adopters in the parents' place), citizenships acquired and lost.
//! Documents and the counter print these values in the fields; the annotations still follow
//! in their rubric, saying what changed, when and on which act.
//!
//! An entry itself is never changed (see [`entry`](super::entry)); this is a view of it.

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::annotation::{AnnotationContent, AnnotationRecord};
use super::entry::{EntryContent, EntryRecord};

/// `entry` with the changes of those `annotations` that are on it and hold on `on` (their
/// effective date is not after it). Corrections (of a field, or of the sex and the date of
/// birth with the JMBG) are applied first, in the order they were recorded: a corrected field
/// is deemed always to have read so. The other changes follow in
/// the order they took effect.
pub fn as_it_stands(entry: &EntryRecord, annotations: &[AnnotationRecord], on: NaiveDate) -> EntryRecord {
    let mut mine: Vec<&AnnotationRecord> = annotations.iter().filter(|a| a.entry_id == entry.id).collect();
    let mut out = entry.clone();
    mine.sort_by_key(|a| (a.recorded_at, a.id));
    for a in &mine {
        match &a.annotation.content {
            AnnotationContent::Correction { field, new_value, .. } => correct(&mut out.content, field, new_value),
            AnnotationContent::IdentityCorrection { sex, birth_date, new_jmbg, .. } => {
                if let EntryContent::Birth(b) = &mut out.content {
                    b.child.sex = *sex;
                    b.child.birth_date = *birth_date;
                    if let Some(j) = new_jmbg {
                        b.child.jmbg = j.clone();
                    }
                }
            }
            _ => {}
        }
    }
    mine.retain(|a| a.annotation.effective_date <= on);
    mine.sort_by_key(|a| (a.annotation.effective_date, a.recorded_at, a.id));
    for a in mine {
        apply(&mut out.content, &a.annotation.content);
    }
    out
}

/// Applies one change that is not a correction.
fn apply(content: &mut EntryContent, change: &AnnotationContent) {
    use AnnotationContent as A;
    match content {
        EntryContent::Birth(b) => {
            let child = &mut b.child;
            match change {
                A::NameChange { given_name, surname } | A::Adoption { given_name, surname, full: false, .. } => {
                    rename(&mut child.given_name, &mut child.surname, given_name, surname);
                }
                // The adopters take the parents' place (an adopter of one sex takes that
                // parent's: the other stays, as when a step-parent adopts).
                A::Adoption { given_name, surname, adoptive_mother, adoptive_father, full: true } => {
                    rename(&mut child.given_name, &mut child.surname, given_name, surname);
                    if let Some(m) = adoptive_mother {
                        b.mother = m.clone();
                    }
                    if let Some(f) = adoptive_father {
                        b.father = Some(f.clone());
                    }
                }
                A::Marriage { surname_after, .. } => child.surname.clone_from(surname_after),
                A::MarriageEnded { surname_after: Some(s), .. } => child.surname.clone_from(s),
                A::PaternityRecognized { father } => b.father = Some(father.clone()),
                A::CitizenshipAcquired { citizenship } => {
                    let mut held = citizenships(&child.citizenship);
                    if !held.contains(citizenship) {
                        held.push(citizenship.clone());
                    }
                    child.citizenship = held.join(", ");
                }
                A::CitizenshipLost { citizenship } => {
                    let mut held = citizenships(&child.citizenship);
                    held.retain(|c| c != citizenship);
                    child.citizenship = held.join(", ");
                }
                A::MarriageEnded { surname_after: None, .. } | A::Death { .. } | A::Correction { .. } | A::IdentityCorrection { .. } => {}
            }
        }
        EntryContent::Citizenship(c) => {
            if let A::NameChange { given_name, surname } = change {
                rename(&mut c.person.given_name, &mut c.person.surname, given_name, surname);
            }
        }
        // A marriage entry prints the spouses as they married; a death entry the deceased
        // as they died. Only corrections change them.
        EntryContent::Marriage(_) | EntryContent::Death(_) => {}
    }
}

fn rename(given: &mut String, surname: &mut String, new_given: &Option<String>, new_surname: &Option<String>) {
    if let Some(g) = new_given {
        given.clone_from(g);
    }
    if let Some(s) = new_surname {
        surname.clone_from(s);
    }
}

/// The citizenships a birth entry's field lists (one, or several after acquisitions).
fn citizenships(field: &str) -> Vec<String> {
    field.split(", ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// Sets the text at `path` (as a correction names it, `child.given_name`) in the entry's data.
/// A path that does not lead to text leaves the entry as it is: corrections are checked
/// against the entry when they are made.
fn correct(content: &mut EntryContent, path: &str, value: &str) {
    match content {
        EntryContent::Birth(b) => set_text(b, path, value),
        EntryContent::Citizenship(c) => set_text(c, path, value),
        EntryContent::Marriage(m) => set_text(m, path, value),
        EntryContent::Death(d) => set_text(d, path, value),
    }
}

fn set_text<T: Serialize + DeserializeOwned>(data: &mut T, path: &str, value: &str) {
    let Ok(mut tree) = serde_json::to_value(&*data) else { return };
    let mut at = &mut tree;
    for step in path.split('.') {
        at = match at {
            Value::Object(map) => match map.get_mut(step) {
                Some(v) => v,
                None => return,
            },
            Value::Array(items) => match step.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    if !at.is_string() {
        return;
    }
    *at = Value::String(value.to_string());
    if let Ok(changed) = serde_json::from_value(tree) {
        *data = changed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::annotation::{Annotation, LegalBasis, MarriageEndReason, PersonRef};
    use crate::registry::commands::examples::birth;
    use crate::registry::memory::MemoryRegistry;
    use crate::registry::{Actor, Command, Role, Sex, Timestamp};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn record(id: i64, entry_id: i64, content: AnnotationContent, effective: NaiveDate) -> AnnotationRecord {
        AnnotationRecord {
            id,
            entry_id,
            annotation: Annotation {
                content,
                legal_basis: LegalBasis { act: "rješenje".into(), issuer: "Općina Kakanj".into(), number: "1".into(), date: effective },
                effective_date: effective,
                note: None,
            },
            recorded_at: Timestamp(id),
            office: "KAK".into(),
            recorded_by: "maticar".into(),
            cause_entry_id: None,
        }
    }

    fn entry() -> EntryRecord {
        let mut reg = MemoryRegistry::new("Kakanj", 19, crate::jmbg::CheckMode::Strict, 1);
        let actor = Actor { username: "maticar".into(), role: Role::Registrar, office: Some("KAK".into()) };
        let cmd: Command = birth("Lmaija", "Hodžić", Sex::Female, day(1990, 5, 17));
        let applied = reg.execute(&actor, &cmd, day(1990, 5, 20), Timestamp(1)).unwrap();
        applied.entry.unwrap()
    }

    fn child(e: &EntryRecord) -> &crate::registry::entry::ChildData {
        match &e.content {
            EntryContent::Birth(b) => &b.child,
            _ => unreachable!(),
        }
    }

    #[test]
    fn corrections_changes_of_name_and_marriages_give_the_current_name() {
        let e = entry();
        let fix =
            AnnotationContent::Correction { field: "child.given_name".into(), old_value: "Lmaija".into(), new_value: "Lamija".into() };
        let married = AnnotationContent::Marriage {
            marriage: crate::registry::EventRef { entry_id: None, municipality: "Zenica".into(), reference: "MKV 3/2015, ZE".into() },
            spouse: PersonRef { jmbg: None, given_name: "Adnan".into(), surname: "Kovač".into() },
            surname_after: "Kovač".into(),
        };
        let divorced = AnnotationContent::MarriageEnded {
            marriage: crate::registry::EventRef { entry_id: None, municipality: "Zenica".into(), reference: "MKV 3/2015, ZE".into() },
            reason: MarriageEndReason::Divorce,
            surname_after: Some("Hodžić".into()),
            spouse: None,
        };
        // Recorded out of order: the correction last, the divorce before the marriage.
        let all = vec![
            record(10, e.id, divorced, day(2020, 1, 1)),
            record(11, e.id, married, day(2015, 6, 1)),
            record(12, e.id, fix, day(2024, 3, 1)),
            record(13, e.id + 1, AnnotationContent::NameChange { given_name: Some("Other".into()), surname: None }, day(2016, 1, 1)),
        ];
        let before = as_it_stands(&e, &all, day(2010, 1, 1));
        assert_eq!((child(&before).given_name.as_str(), child(&before).surname.as_str()), ("Lamija", "Hodžić"), "a correction always held");
        let married = as_it_stands(&e, &all, day(2018, 1, 1));
        assert_eq!(child(&married).surname, "Kovač", "annotations of another entry are ignored");
        assert_eq!(child(&married).given_name, "Lamija");
        assert_eq!(child(&as_it_stands(&e, &all, day(2026, 1, 1))).surname, "Hodžić");
        assert_eq!(child(&e).given_name, "Lmaija", "the entry itself is never changed");
    }

    #[test]
    fn citizenships_acquired_and_lost_and_a_recognised_father_show_in_the_fields() {
        let e = entry();
        let father = crate::registry::entry::ParentData {
            given_name: "Emir".into(),
            surname: "Hodžić".into(),
            maiden_surname: None,
            jmbg: None,
            birth_date: None,
            birth_place: None,
            citizenship: None,
            residence: None,
        };
        let all = vec![
            record(10, e.id, AnnotationContent::CitizenshipAcquired { citizenship: "Republika Hrvatska".into() }, day(2010, 1, 1)),
            record(11, e.id, AnnotationContent::CitizenshipLost { citizenship: "Bosna i Hercegovina".into() }, day(2012, 1, 1)),
            record(12, e.id, AnnotationContent::PaternityRecognized { father }, day(2011, 1, 1)),
        ];
        let base = child(&e).citizenship.clone();
        let both = as_it_stands(&e, &all, day(2011, 6, 1));
        assert_eq!(child(&both).citizenship, format!("{base}, Republika Hrvatska"));
        let EntryContent::Birth(b) = &both.content else { unreachable!() };
        assert_eq!(b.father.as_ref().map(|f| f.given_name.as_str()), Some("Emir"));
        assert_eq!(child(&as_it_stands(&e, &all, day(2013, 1, 1))).citizenship, "Republika Hrvatska");
    }

    #[test]
    fn a_correction_of_a_path_that_holds_no_text_changes_nothing() {
        let e = entry();
        let all = vec![
            record(
                10,
                e.id,
                AnnotationContent::Correction { field: "child.sex".into(), old_value: "M".into(), new_value: "x".into() },
                day(2020, 1, 1),
            ),
            record(
                11,
                e.id,
                AnnotationContent::Correction { field: "child.nowhere".into(), old_value: "".into(), new_value: "x".into() },
                day(2020, 1, 1),
            ),
        ];
        assert_eq!(as_it_stands(&e, &all, day(2026, 1, 1)), e);
    }
    #[test]
    fn a_full_adoption_puts_the_adopters_in_the_parents_place_and_an_incomplete_one_beside_them() {
        use crate::registry::commands::examples::birth_to;
        use crate::registry::entry::ParentData;
        use crate::registry::person::{ViewTime, person_view};
        let mut reg = MemoryRegistry::new("Kakanj", 19, crate::jmbg::CheckMode::Strict, 1);
        let actor = Actor { username: "maticar".into(), role: Role::Registrar, office: Some("KAK".into()) };
        let mut born = |cmd: Command, on: NaiveDate, at: i64| reg.execute(&actor, &cmd, on, Timestamp(at)).unwrap().entry.unwrap();
        let mother = born(birth("Amra", "Hodžić", Sex::Female, day(1970, 1, 1)), day(1970, 1, 5), 1);
        let adopter = born(birth("Selma", "Kovač", Sex::Female, day(1975, 2, 2)), day(1975, 2, 5), 2);
        let (mother_jmbg, adopter_jmbg) = (mother.content.subject().clone(), adopter.content.subject().clone());
        let child = born(birth_to(Some(&mother_jmbg), "Lejla", "Hodžić", Sex::Female, day(2010, 3, 3)), day(2010, 3, 5), 3);
        let child_jmbg = child.content.subject().clone();
        let adoptive_mother = ParentData {
            given_name: "Selma".into(),
            surname: "Kovač".into(),
            maiden_surname: None,
            jmbg: Some(adopter_jmbg.clone()),
            birth_date: None,
            birth_place: None,
            citizenship: None,
            residence: Some("Kakanj".into()),
        };
        let adoption = |full: bool| AnnotationContent::Adoption {
            given_name: None,
            surname: Some("Kovač".into()),
            adoptive_mother: Some(adoptive_mother.clone()),
            adoptive_father: None,
            full,
        };
        let parents_of = |jmbg: &crate::Jmbg, reg: &MemoryRegistry, on: NaiveDate| {
            let view = person_view(jmbg, &reg.person_records(jmbg), ViewTime::current(on)).unwrap();
            view.parents.iter().map(|p| (p.relation.clone(), p.jmbg.clone())).collect::<Vec<_>>()
        };
        let children_of = |jmbg: &crate::Jmbg, reg: &MemoryRegistry, on: NaiveDate| {
            person_view(jmbg, &reg.person_records(jmbg), ViewTime::current(on)).unwrap().children.len()
        };

        // Incomplete: the adopter beside the mother, who stays a parent; printed as a change.
        let mut incomplete = reg.clone();
        incomplete.add_annotation(record(100, child.id, adoption(false), day(2012, 6, 1)));
        let on = day(2013, 1, 1);
        assert_eq!(
            parents_of(&child_jmbg, &incomplete, on),
            [("mother".to_string(), Some(mother_jmbg.clone())), ("adoptive_mother".to_string(), Some(adopter_jmbg.clone()))]
        );
        assert_eq!(children_of(&mother_jmbg, &incomplete, on), 1);

        // Full: the adopter in the mother's place, on the entry as it stands and in the views.
        let full = record(100, child.id, adoption(true), day(2012, 6, 1));
        reg.add_annotation(full.clone());
        let EntryContent::Birth(b) = as_it_stands(&child, std::slice::from_ref(&full), on).content else { unreachable!() };
        assert_eq!((b.mother.jmbg.as_ref(), b.mother.surname.as_str(), b.child.surname.as_str()), (Some(&adopter_jmbg), "Kovač", "Kovač"));
        let EntryContent::Birth(before) = as_it_stands(&child, std::slice::from_ref(&full), day(2011, 1, 1)).content else {
            unreachable!()
        };
        assert_eq!(before.mother.jmbg.as_ref(), Some(&mother_jmbg), "before the adoption the entry names the mother");
        assert_eq!(parents_of(&child_jmbg, &reg, on), [("mother".to_string(), Some(adopter_jmbg.clone()))]);
        assert_eq!(children_of(&mother_jmbg, &reg, on), 0, "the birth mother is no longer a parent");
        assert_eq!(children_of(&mother_jmbg, &reg, day(2011, 1, 1)), 1, "she was before the adoption");
        assert!(full.annotation.content.is_full_adoption() && !adoption(false).is_full_adoption());
    }
}
