//! Adding an annotation to an entry on the basis of an act: a change of name, recognition of
//! paternity, adoption, citizenship, the correction of an error, or a marriage, divorce or
//! death registered in another municipality. Events registered on this node annotate the
//! entries themselves (through their own commands) and cannot be added by hand.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Facts, Needs, NewAnnotation, Plan, PlanContext, allocate_jmbg, refuse_if_deceased};
use crate::error::{FieldError, Problems, Refusal};
use crate::jmbg::{self, Jmbg};
use crate::registry::annotation::{Annotation, AnnotationContent, AnnotationRecord, EventRef};
use crate::registry::entry::{EntryContent, EntryRecord, ParentData};
use crate::registry::person::{MaritalStatus, ViewTime, person_view};
use crate::registry::standing::as_it_stands;
use crate::registry::types::Sex;
use crate::registry::validate;

/// Add an annotation to an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AddAnnotation {
    pub entry_id: i64,
    #[serde(flatten)]
    pub annotation: Annotation,
}

/// Fields a correction may not touch: they are encoded in the JMBG or decide the entry's
/// identity, and change only through their own procedure.
const PROTECTED_FIELDS: [&str; 6] = ["jmbg", "sex", "birth_date", "date", "death_date", "acquired_on"];

impl AddAnnotation {
    pub(super) fn needs(&self, region: u8) -> Needs {
        // A corrected sex or date of birth takes a new JMBG: the serials in use for the
        // corrected date in the node's region.
        let serial_prefix = match &self.annotation.content {
            AnnotationContent::IdentityCorrection { birth_date, .. } => jmbg::prefix_for(*birth_date, region),
            _ => None,
        };
        Needs { entry: Some(self.entry_id), serial_prefix, ..Needs::default() }
    }

    pub(super) fn plan(&self, facts: &Facts, ctx: &PlanContext) -> Result<Plan, Refusal> {
        let Some((entry, existing)) = &facts.entry else {
            return Err(FieldError::new("registry.entry.not_found", "entry_id", "no entry with this id on this node").into());
        };
        let a = &self.annotation;
        let register = entry.content.register();
        if !a.content.allowed_on(register) {
            return Err(FieldError::new(
                "registry.annotation.not_allowed",
                "kind",
                format!("an annotation of kind '{}' cannot be made on an entry of {register}", a.content.kind()),
            )
            .into());
        }
        let mut problems = Problems::new();
        let takes_effect = a.content.follows_its_act().then_some(a.effective_date);
        let legal_basis = validate::legal_basis("legal_basis", &a.legal_basis, ctx.today, a.content.kind(), takes_effect)
            .map_err(|es| es.into_iter().for_each(|e| problems.push(e)))
            .ok();
        let effective_date = problems.take(validate::past_date("effective_date", a.effective_date, ctx.today));
        if a.effective_date < entry.content.event_date() {
            problems.push(FieldError::new(
                "registry.annotation.before_event",
                "effective_date",
                format!("the annotation cannot take effect before the event of the entry ({})", entry.content.event_date()),
            ));
        }
        let note = problems.take(validate::optional_text("note", a.note.as_deref())).flatten();
        let subject = entry.content.subject().clone();
        let view = facts.view(&subject, ctx.today);
        let at_effect = facts.persons.get(&subject).and_then(|r| person_view(&subject, r, ViewTime::current(a.effective_date)));
        let death_date = view.as_ref().and_then(|v| v.death_date);
        let content =
            check_content(&mut problems, &a.content, entry, existing, death_date, at_effect.as_ref(), ctx, &subject, &facts.used_serials);
        problems.finish()?;
        let (Some(legal_basis), Some(effective_date), Some(content)) = (legal_basis, effective_date, content) else {
            return Err(Refusal::one(FieldError::general("registry.invalid", "the annotation is incomplete")));
        };
        let mut affected = vec![subject];
        affected.extend(entry.content.partner().cloned());
        if let Some((old, new)) = content.jmbg_change() {
            affected.extend([old.clone(), new.clone()]);
        }
        Ok(Plan {
            action: "registry.annotation.added",
            entry: None,
            annotations: vec![NewAnnotation {
                entry_id: entry.id,
                annotation: Annotation { content, legal_basis, effective_date, note },
                cause_entry_id: None,
            }],
            affected,
            notices: Vec::new(),
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn check_content(
    problems: &mut Problems,
    content: &AnnotationContent,
    entry: &EntryRecord,
    existing: &[AnnotationRecord],
    death_date: Option<chrono::NaiveDate>,
    at_effect: Option<&crate::registry::person::PersonView>,
    ctx: &PlanContext,
    subject: &Jmbg,
    used_serials: &[u16],
) -> Option<AnnotationContent> {
    use AnnotationContent as A;
    let local_event = |problems: &mut Problems, field: &str, r: &EventRef| {
        if r.entry_id.is_some() {
            problems.push(FieldError::new(
                "registry.annotation.use_command",
                format!("{field}.entry_id"),
                "events registered on this node annotate their entries themselves; register the event instead",
            ));
        }
        let _ = problems.take(validate::text(&format!("{field}.municipality"), &r.municipality));
        let _ = problems.take(validate::text(&format!("{field}.reference"), &r.reference));
    };
    let alive = |problems: &mut Problems| {
        refuse_if_deceased(problems, "effective_date", at_effect, at_effect.map_or(chrono::NaiveDate::MAX, |v| v.view_time.as_of))
    };
    match content {
        A::Marriage { marriage, spouse, surname_after } => {
            local_event(problems, "marriage", marriage);
            alive(problems);
            if at_effect.is_some_and(|v| v.marital_status == MaritalStatus::Married) {
                problems.push(FieldError::new(
                    "registry.marriage.already_married",
                    "marriage",
                    "the person is already married on that date",
                ));
            }
            let g = problems.take(validate::name("spouse.given_name", &spouse.given_name));
            let s = problems.take(validate::name("spouse.surname", &spouse.surname));
            let after = problems.take(validate::name("surname_after", surname_after));
            Some(A::Marriage {
                marriage: marriage.clone(),
                spouse: crate::registry::annotation::PersonRef { jmbg: spouse.jmbg.clone(), given_name: g?, surname: s? },
                surname_after: after?,
            })
        }
        A::MarriageEnded { marriage, reason, surname_after, spouse } => {
            local_event(problems, "marriage", marriage);
            let known = existing.iter().any(|x| matches!(&x.annotation.content, A::Marriage { marriage: m, .. } if m.reference == marriage.reference && m.municipality == marriage.municipality));
            if !known {
                problems.push(FieldError::new(
                    "registry.marriage.not_found",
                    "marriage.reference",
                    "the entry records no marriage with this reference",
                ));
            }
            let ended = existing
                .iter()
                .any(|x| matches!(&x.annotation.content, A::MarriageEnded { marriage: m, .. } if m.reference == marriage.reference));
            if ended {
                problems.push(FieldError::new("registry.marriage.already_ended", "marriage.reference", "this marriage has already ended"));
            }
            let after = problems.take(validate::optional_name("surname_after", surname_after.as_deref())).flatten();
            Some(A::MarriageEnded { marriage: marriage.clone(), reason: *reason, surname_after: after, spouse: spouse.clone() })
        }
        A::Death { death: event, date, place } => {
            local_event(problems, "death", event);
            if let Some(d) = death_date {
                problems.push(FieldError::new(
                    "registry.death.already_registered",
                    "death",
                    format!("the death of this person is already registered ({d})"),
                ));
            }
            if *date < subject.birth_date() {
                problems.push(FieldError::new("registry.death.before_birth", "date", "the date of death is before the date of birth"));
            }
            let _ = problems.take(validate::past_date("date", *date, ctx.today));
            Some(A::Death { death: event.clone(), date: *date, place: place.clone() })
        }
        A::NameChange { given_name, surname } => {
            alive(problems);
            if given_name.is_none() && surname.is_none() {
                problems.push(FieldError::new(
                    "registry.annotation.empty",
                    "given_name",
                    "a change of name gives a new given name, a new surname or both",
                ));
            }
            let g = problems.take(validate::optional_name("given_name", given_name.as_deref())).flatten();
            let s = problems.take(validate::optional_name("surname", surname.as_deref())).flatten();
            Some(A::NameChange { given_name: g, surname: s })
        }
        A::PaternityRecognized { father } => {
            let f = parent(problems, "father", father, Sex::Male, ctx);
            Some(A::PaternityRecognized { father: f? })
        }
        A::Adoption { given_name, surname, adoptive_mother, adoptive_father, full } => {
            alive(problems);
            if adoptive_mother.is_none() && adoptive_father.is_none() {
                problems.push(FieldError::new(
                    "registry.adoption.no_parent",
                    "adoptive_mother",
                    "an adoption names at least one adoptive parent",
                ));
            }
            let g = problems.take(validate::optional_name("given_name", given_name.as_deref())).flatten();
            let s = problems.take(validate::optional_name("surname", surname.as_deref())).flatten();
            let m = adoptive_mother.as_ref().and_then(|p| parent(problems, "adoptive_mother", p, Sex::Female, ctx));
            let f = adoptive_father.as_ref().and_then(|p| parent(problems, "adoptive_father", p, Sex::Male, ctx));
            Some(A::Adoption { given_name: g, surname: s, adoptive_mother: m, adoptive_father: f, full: *full })
        }
        A::CitizenshipAcquired { citizenship } => {
            problems.take(validate::text("citizenship", citizenship)).map(|c| A::CitizenshipAcquired { citizenship: c })
        }
        A::CitizenshipLost { citizenship } => {
            let c = problems.take(validate::text("citizenship", citizenship))?;
            if at_effect.is_some_and(|v| !v.citizenships.contains(&c)) {
                problems.push(FieldError::new(
                    "registry.citizenship.not_held",
                    "citizenship",
                    "the person does not hold this citizenship on that date",
                ));
            }
            Some(A::CitizenshipLost { citizenship: c })
        }
        A::Correction { field, old_value, new_value } => correction(problems, entry, existing, field, old_value, new_value),
        A::IdentityCorrection { sex, birth_date, .. } => {
            let standing = as_it_stands(entry, existing, ctx.today);
            let EntryContent::Birth(b) = &standing.content else { return None };
            let now = &b.child;
            if *sex == now.sex && *birth_date == now.birth_date {
                problems.push(FieldError::new(
                    "registry.correction.unchanged",
                    "sex",
                    "the sex and the date of birth are the ones the entry already reads",
                ));
            }
            // A change of sex is made for a living person; a wrong date of birth is corrected
            // whenever it is found.
            if *sex != now.sex {
                alive(problems);
            }
            let _ = problems.take(validate::past_date("birth_date", *birth_date, ctx.today));
            if *birth_date > entry.registered_on {
                problems.push(FieldError::new(
                    "registry.registered_on.before_event",
                    "birth_date",
                    format!("the entry was registered on {}, before this date of birth", entry.registered_on),
                ));
            }
            let new = allocate_jmbg(*birth_date, *sex, ctx.region, ctx.jmbg_mode, ctx.serial_block, used_serials);
            if new.is_none() {
                problems.push(FieldError::new(
                    "registry.jmbg.exhausted",
                    "birth_date",
                    format!("no JMBG serial is left for this date and sex in this node's block ({})", ctx.serial_block),
                ));
            }
            Some(A::IdentityCorrection { sex: *sex, birth_date: *birth_date, old_jmbg: Some(now.jmbg.clone()), new_jmbg: new })
        }
    }
}

/// Validates a parent named in an annotation (paternity, adoption): names, and a JMBG valid
/// in the node's mode and of the right sex.
fn parent(problems: &mut Problems, field: &str, p: &ParentData, sex: Sex, ctx: &PlanContext) -> Option<ParentData> {
    let g = problems.take(validate::name(&format!("{field}.given_name"), &p.given_name));
    let s = problems.take(validate::name(&format!("{field}.surname"), &p.surname));
    if let Some(j) = &p.jmbg {
        if let Some(j) = problems.take(validate::jmbg(&format!("{field}.jmbg"), j.as_str(), ctx.jmbg_mode)) {
            if j.sex() != sex {
                problems.push(FieldError::new(
                    "registry.jmbg.sex_mismatch",
                    format!("{field}.jmbg"),
                    format!("the JMBG of the {field} encodes the other sex"),
                ));
            }
        }
    }
    Some(ParentData { given_name: g?, surname: s?, ..p.clone() })
}

/// Validates a correction: the field exists in the entry and holds text, is not protected,
/// currently reads `old_value`, and `new_value` differs and is valid for the field.
fn correction(
    problems: &mut Problems,
    entry: &EntryRecord,
    existing: &[AnnotationRecord],
    field: &str,
    old_value: &str,
    new_value: &str,
) -> Option<AnnotationContent> {
    let path = parse_path(field);
    if path.is_empty() {
        problems.push(FieldError::new("registry.correction.unknown_field", "field", "name the field to correct, e.g. child.given_name"));
        return None;
    }
    if path.last().is_some_and(|last| PROTECTED_FIELDS.contains(&last.as_str())) {
        problems.push(FieldError::new(
            "registry.correction.field_protected",
            "field",
            format!("'{field}' cannot be corrected by annotation: it is part of the person's identity"),
        ));
        return None;
    }
    let Some(current) = current_value(entry, existing, &path) else {
        problems.push(FieldError::new("registry.correction.unknown_field", "field", format!("the entry has no text field '{field}'")));
        return None;
    };
    if current.trim() != old_value.trim() {
        problems.push(FieldError::new(
            "registry.correction.old_value_mismatch",
            "old_value",
            format!("the entry currently reads '{current}' in '{field}'"),
        ));
    }
    let is_name = path.last().is_some_and(|l| l.ends_with("name") || l.ends_with("surname") || l == "surname_after");
    let new_value = if is_name {
        problems.take(validate::name("new_value", new_value))?
    } else {
        problems.take(validate::text("new_value", new_value))?
    };
    if new_value == current.trim() {
        problems.push(FieldError::new("registry.correction.unchanged", "new_value", "the new value is the same as the current one"));
    }
    Some(AnnotationContent::Correction { field: path.join("."), old_value: current, new_value })
}

/// `spouses[0].surname_after` and `spouses.0.surname_after` → `["spouses", "0", "surname_after"]`.
fn parse_path(field: &str) -> Vec<String> {
    field.replace('[', ".").replace(']', "").split('.').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// The text at `path` in the entry's data, after the corrections already annotated.
fn current_value(entry: &EntryRecord, existing: &[AnnotationRecord], path: &[String]) -> Option<String> {
    let key = path.join(".");
    let corrected = existing.iter().rev().find_map(|a| match &a.annotation.content {
        AnnotationContent::Correction { field, new_value, .. } if *field == key => Some(new_value.clone()),
        _ => None,
    });
    if corrected.is_some() {
        return corrected;
    }
    let data = match &entry.content {
        EntryContent::Birth(b) => serde_json::to_value(b),
        EntryContent::Citizenship(c) => serde_json::to_value(c),
        EntryContent::Marriage(m) => serde_json::to_value(m),
        EntryContent::Death(d) => serde_json::to_value(d),
    }
    .ok()?;
    let mut at = &data;
    for step in path {
        at = match at {
            Value::Object(map) => map.get(step)?,
            Value::Array(items) => items.get(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    at.as_str().map(str::to_string)
}
