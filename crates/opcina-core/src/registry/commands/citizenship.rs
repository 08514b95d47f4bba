//! Registering citizenship in the register of citizens (MKD). Citizenship acquired other than
//! by origin or birth is also annotated on the person's birth entry when this node holds it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    Facts, Needs, NewAnnotation, NewEntry, PersonInput, Plan, PlanContext, identity, needed_jmbg, refuse_if_deceased, registration_date,
    year_of,
};
use crate::error::{FieldError, Problems, Refusal};
use crate::names::Script;
use crate::registry::annotation::{Annotation, AnnotationContent, LegalBasis};
use crate::registry::entry::{CitizenshipBasis, CitizenshipEntry, EntryContent, entry_reference};
use crate::registry::types::Register;
use crate::registry::validate;

/// Register a person in the register of citizens (MKD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterCitizenship {
    pub jmbg: String,
    /// Required when this node holds no entry for the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
    pub citizenship: String,
    pub basis: CitizenshipBasis,
    pub acquired_on: NaiveDate,
    /// The decision, required for naturalisation and international agreements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<LegalBasis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub registered_on: Option<NaiveDate>,
    #[serde(default)]
    pub script: Script,
}

impl RegisterCitizenship {
    pub(super) fn needs(&self, today: NaiveDate) -> Needs {
        Needs {
            persons: needed_jmbg(&self.jmbg).into_iter().collect(),
            new_entry: Some((Register::Citizens, year_of(self.registered_on, today))),
            ..Needs::default()
        }
    }

    pub(super) fn plan(&self, facts: &Facts, ctx: &PlanContext) -> Result<Plan, Refusal> {
        let mut problems = Problems::new();
        let jmbg = validate::jmbg("jmbg", &self.jmbg, ctx.jmbg_mode)?;
        let view = facts.view(&jmbg, ctx.today);
        let person = identity(&mut problems, "person", &jmbg, view.as_ref(), self.person.as_ref());
        let citizenship = problems.take(validate::text("citizenship", &self.citizenship));
        let acquired_on = problems.take(validate::past_date("acquired_on", self.acquired_on, ctx.today));
        if self.acquired_on < jmbg.birth_date() {
            problems.push(FieldError::new(
                "registry.citizenship.before_birth",
                "acquired_on",
                "citizenship cannot be acquired before birth",
            ));
        }
        let father_name = problems.take(validate::optional_name("father_name", self.father_name.as_deref())).flatten();
        let mother_name = problems.take(validate::optional_name("mother_name", self.mother_name.as_deref())).flatten();
        let residence = problems.take(validate::optional_text("residence", self.residence.as_deref())).flatten();
        let registered_on = registration_date(&mut problems, self.registered_on, self.acquired_on, ctx.today);
        let needs_act = matches!(self.basis, CitizenshipBasis::Naturalisation | CitizenshipBasis::InternationalAgreement);
        let legal_basis = match &self.legal_basis {
            Some(b) => validate::legal_basis("legal_basis", b, ctx.today, "citizenship", Some(self.acquired_on))
                .map_err(|es| es.into_iter().for_each(|e| problems.push(e)))
                .ok(),
            None if needs_act => {
                problems.push(FieldError::new(
                    "registry.field.required",
                    "legal_basis",
                    "citizenship by naturalisation or agreement needs the decision",
                ));
                None
            }
            None => None,
        };
        refuse_if_deceased(&mut problems, "jmbg", view.as_ref(), self.acquired_on);
        if let (Some(v), Some(c)) = (&view, &citizenship) {
            let registered = facts
                .own_entries(&jmbg, Register::Citizens)
                .iter()
                .any(|e| matches!(&e.content, EntryContent::Citizenship(x) if &x.citizenship == c));
            if registered && v.citizenships.contains(c) {
                problems.push(FieldError::new(
                    "registry.citizenship.already_registered",
                    "jmbg",
                    "the person is already registered in the register of citizens with this citizenship",
                ));
            }
        }
        problems.finish()?;
        let (Some(person), Some(citizenship), Some(acquired_on)) = (person, citizenship, acquired_on) else {
            return Err(Refusal::one(FieldError::general("registry.invalid", "the registration is incomplete")));
        };

        let reference = entry_reference(Register::Citizens, ctx.new_entry_number, chrono::Datelike::year(&registered_on), &ctx.office);
        let mut annotations = Vec::new();
        if needs_act {
            if let Some(birth) = facts.birth_entry(&jmbg) {
                annotations.push(NewAnnotation {
                    entry_id: birth.id,
                    annotation: Annotation {
                        content: AnnotationContent::CitizenshipAcquired { citizenship: citizenship.clone() },
                        legal_basis: legal_basis.clone().unwrap_or_else(|| LegalBasis {
                            act: "upis u matičnu knjigu državljana".into(),
                            issuer: ctx.municipality.clone(),
                            number: reference.clone(),
                            date: registered_on,
                        }),
                        effective_date: acquired_on,
                        note: None,
                    },
                    cause_entry_id: Some(ctx.next_id),
                });
            }
        }
        Ok(Plan {
            action: "registry.citizenship.registered",
            entry: Some(NewEntry {
                content: EntryContent::Citizenship(CitizenshipEntry {
                    person,
                    father_name,
                    mother_name,
                    citizenship,
                    basis: self.basis,
                    acquired_on,
                    residence,
                }),
                registered_on,
                year: chrono::Datelike::year(&registered_on),
                number: ctx.new_entry_number,
                late: false,
                script: self.script,
            }),
            annotations,
            affected: vec![jmbg],
            notices: Vec::new(),
        })
    }
}
