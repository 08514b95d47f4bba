//! Registering a death (MKU): refuses a death before birth or a second death; annotates the
//! birth and citizenship entries held on this node and, when the deceased was married in a
//! marriage registered here, the marriage entry (which ends it for the surviving spouse).

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::jurisdiction::{self, Event, Fact};
use super::{
    Facts, Needs, NewAnnotation, NewEntry, Notice, PersonInput, Plan, PlanContext, identity, needed_jmbg, registration_date, year_of,
};
use crate::error::{FieldError, Problems, Refusal};
use crate::names::Script;
use crate::registry::annotation::{Annotation, AnnotationContent, EventRef, LegalBasis, MarriageEndReason, PersonRef};
use crate::registry::entry::{DeathEntry, EntryContent, entry_reference, is_late};
use crate::registry::person::{MaritalStatus, ViewTime, person_view};
use crate::registry::types::{Place, Register};
use crate::registry::validate;

/// Register a death in the register of deaths (MKU).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterDeath {
    pub jmbg: String,
    /// Required when this node holds no entry for the deceased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonInput>,
    pub death_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, nullable = false, example = "03:10", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")]
    pub death_time: Option<NaiveTime>,
    pub death_place: Place,
    pub last_residence: String,
    /// Reference of the physician's confirmation of death.
    pub death_confirmation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
    pub informant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub registered_on: Option<NaiveDate>,
    #[serde(default)]
    pub script: Script,
    /// The act that makes this office competent when the deceased did not last live in its
    /// territory (a death abroad under Art. 54, a decision on competence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence: Option<LegalBasis>,
    /// The decision that allows registering the death after the 30-day deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_decision: Option<LegalBasis>,
}

impl RegisterDeath {
    pub(super) fn needs(&self, today: NaiveDate) -> Needs {
        let person = needed_jmbg(&self.jmbg);
        Needs {
            persons: person.into_iter().collect(),
            new_entry: Some((Register::Deaths, year_of(self.registered_on, today))),
            ..Needs::default()
        }
    }

    pub(super) fn plan(&self, facts: &Facts, ctx: &PlanContext) -> Result<Plan, Refusal> {
        let mut problems = Problems::new();
        let jmbg = validate::jmbg("jmbg", &self.jmbg, ctx.jmbg_mode)?;
        let view = facts.view(&jmbg, ctx.today);
        if let Some(d) = view.as_ref().and_then(|v| v.death_date) {
            problems.push(FieldError::new(
                "registry.death.already_registered",
                "jmbg",
                format!("the death of this person is already registered ({d})"),
            ));
        }
        let death_date = problems.take(validate::past_date("death_date", self.death_date, ctx.today));
        let birth_date = view.as_ref().map_or(jmbg.birth_date(), |v| v.birth_date);
        if self.death_date < birth_date {
            problems.push(FieldError::new(
                "registry.death.before_birth",
                "death_date",
                format!("the date of death {} is before the date of birth {birth_date}", self.death_date),
            ));
        }
        let person = identity(&mut problems, "person", &jmbg, view.as_ref(), self.person.as_ref());
        let death_place =
            validate::place("death_place", &self.death_place).map_err(|es| es.into_iter().for_each(|e| problems.push(e))).ok();
        let last_residence = problems.take(validate::text("last_residence", &self.last_residence));
        let death_confirmation = problems.take(validate::text("death_confirmation", &self.death_confirmation));
        let informant = problems.take(validate::text("informant", &self.informant));
        let citizenship = problems.take(validate::optional_text("citizenship", self.citizenship.as_deref())).flatten();
        let father_name = problems.take(validate::optional_name("father_name", self.father_name.as_deref())).flatten();
        let mother_name = problems.take(validate::optional_name("mother_name", self.mother_name.as_deref())).flatten();
        let registered_on = registration_date(&mut problems, self.registered_on, self.death_date, ctx.today);
        let grounds = jurisdiction::check(
            &mut problems,
            ctx,
            &Event {
                fact: Fact::Death,
                residence_field: "last_residence",
                residence: Some(&self.last_residence),
                date: self.death_date,
                registered_on,
            },
            self.competence.as_ref(),
            self.late_decision.as_ref(),
        );
        problems.finish()?;
        let (Some(person), Some(death_date), Some(death_place), Some(last_residence), Some(death_confirmation), Some(informant)) =
            (person, death_date, death_place, last_residence, death_confirmation, informant)
        else {
            return Err(Refusal::one(FieldError::general("registry.invalid", "the registration is incomplete")));
        };

        let at_death = facts.persons.get(&jmbg).and_then(|r| person_view(&jmbg, r, ViewTime::current(death_date)));
        let spouse = at_death.as_ref().filter(|v| v.marital_status == MaritalStatus::Married).and_then(|v| v.spouse.clone());
        let year = chrono::Datelike::year(&registered_on);
        let reference = entry_reference(Register::Deaths, ctx.new_entry_number, year, &ctx.office);
        let event = EventRef { entry_id: Some(ctx.next_id), municipality: ctx.municipality.clone(), reference: reference.clone() };
        let basis = LegalBasis {
            act: "upis u matičnu knjigu umrlih".into(),
            issuer: ctx.municipality.clone(),
            number: reference,
            date: registered_on,
        };
        let annotate = |entry_id: i64, content: AnnotationContent| NewAnnotation {
            entry_id,
            annotation: Annotation { content, legal_basis: basis.clone(), effective_date: death_date, note: None },
            cause_entry_id: Some(ctx.next_id),
        };

        let mut annotations = Vec::new();
        let mut notices = Vec::new();
        let mut affected = vec![jmbg.clone()];
        let death = |event: EventRef| AnnotationContent::Death { death: event, date: death_date, place: Some(death_place.clone()) };
        for register in [Register::Births, Register::Citizens] {
            for e in facts.own_entries(&jmbg, register) {
                annotations.push(annotate(e.id, death(event.clone())));
            }
        }
        if facts.own_entries(&jmbg, Register::Births).is_empty() {
            // Born elsewhere: the municipality keeping the birth entry is notified.
            let annotation = annotate(0, death(EventRef { entry_id: None, ..event.clone() })).annotation;
            notices.push(Notice { subject: jmbg.clone(), annotation });
        }
        // The current marriage, when registered here, ends with this death.
        if let Some(records) = facts.persons.get(&jmbg) {
            let numbers = records.numbers(&jmbg);
            let current =
                records.entries.iter().filter(|e| numbers.iter().any(|j| e.content.concerns(j))).filter_map(|e| match &e.content {
                    EntryContent::Marriage(m) if m.date <= death_date => Some((e, m)),
                    _ => None,
                });
            let ended: Vec<i64> = records
                .annotations
                .iter()
                .filter(|a| {
                    matches!(a.annotation.content, AnnotationContent::MarriageEnded { .. }) && a.annotation.effective_date <= death_date
                })
                .map(|a| a.entry_id)
                .collect();
            if let Some((entry, m)) = current.filter(|(e, _)| !ended.contains(&e.id)).max_by_key(|(e, m)| (m.date, e.id)) {
                if spouse.is_some() {
                    annotations.push(annotate(
                        entry.id,
                        AnnotationContent::MarriageEnded {
                            marriage: EventRef {
                                entry_id: Some(entry.id),
                                municipality: ctx.municipality.clone(),
                                reference: entry.reference(),
                            },
                            reason: MarriageEndReason::SpouseDeath,
                            surname_after: None,
                            spouse: Some(PersonRef {
                                jmbg: Some(jmbg.clone()),
                                given_name: person.given_name.clone(),
                                surname: person.surname.clone(),
                            }),
                        },
                    ));
                    affected.extend(m.spouses.iter().map(|s| s.person.jmbg.clone()).filter(|j| j != &jmbg));
                }
            }
        }

        Ok(Plan {
            action: "registry.death.registered",
            entry: Some(NewEntry {
                late: is_late(death_date, registered_on),
                content: EntryContent::Death(DeathEntry {
                    spouse_name: spouse.map(|s| format!("{} {}", s.given_name, s.surname)),
                    deceased: person,
                    citizenship,
                    death_date,
                    death_time: self.death_time,
                    death_place,
                    last_residence,
                    death_confirmation,
                    father_name,
                    mother_name,
                    informant,
                    competence: grounds.competence.map(Box::new),
                    late_decision: grounds.late_decision.map(Box::new),
                }),
                registered_on,
                year,
                number: ctx.new_entry_number,
                script: self.script,
            }),
            annotations,
            affected,
            notices,
        })
    }
}
