//! Registering a marriage (MKV): both spouses alive, of age, not already married and of
//! different sex (FBiH Family Law, art. 6); the birth entries of both spouses held on this
//! node are annotated with the marriage.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    Facts, Needs, NewAnnotation, NewEntry, Notice, PersonInput, Plan, PlanContext, identity, needed_jmbg, refuse_if_deceased,
    registration_date, year_of,
};
use crate::error::{FieldError, Problems, Refusal};
use crate::names::Script;
use crate::registry::annotation::{Annotation, AnnotationContent, EventRef, LegalBasis, PersonRef};
use crate::registry::entry::{EntryContent, MarriageEntry, SpouseData, entry_reference};
use crate::registry::person::MaritalStatus;
use crate::registry::types::{Place, Register, default_country};
use crate::registry::validate::{self, age_on};

/// Age of majority for marriage; from 16 a court may permit it.
pub const MARRIAGE_AGE: i32 = 18;
pub const MARRIAGE_AGE_WITH_PERMISSION: i32 = 16;

/// A spouse as given on the marriage registration form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpouseInput {
    pub jmbg: String,
    /// Name and place of birth; required when this node holds no entry for the spouse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonInput>,
    /// The surname the spouse will bear after the marriage.
    pub surname_after: String,
    #[serde(default = "default_country")]
    pub citizenship: String,
    pub residence: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
}

/// Register a marriage in the register of marriages (MKV).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterMarriage {
    pub date: NaiveDate,
    pub place: Place,
    #[schema(min_items = 2, max_items = 2)]
    pub spouses: [SpouseInput; 2],
    pub witnesses: Vec<String>,
    pub officiant: String,
    /// Court permission for a spouse aged 16 or 17.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court_permission: Option<LegalBasis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub registered_on: Option<NaiveDate>,
    #[serde(default)]
    pub script: Script,
}

impl RegisterMarriage {
    pub(super) fn needs(&self, today: NaiveDate) -> Needs {
        Needs {
            persons: self.spouses.iter().filter_map(|s| needed_jmbg(&s.jmbg)).collect(),
            new_entry: Some((Register::Marriages, year_of(self.registered_on, today))),
            ..Needs::default()
        }
    }

    pub(super) fn plan(&self, facts: &Facts, ctx: &PlanContext) -> Result<Plan, Refusal> {
        let mut problems = Problems::new();
        let date = problems.take(validate::past_date("date", self.date, ctx.today));
        let place = validate::place("place", &self.place).map_err(|es| es.into_iter().for_each(|e| problems.push(e))).ok();
        let officiant = problems.take(validate::text("officiant", &self.officiant));
        let registered_on = registration_date(&mut problems, self.registered_on, self.date, ctx.today);
        if self.witnesses.len() < 2 {
            problems.push(FieldError::new("registry.marriage.witnesses", "witnesses", "a marriage is concluded before two witnesses"));
        }
        let witnesses: Vec<String> =
            self.witnesses.iter().enumerate().filter_map(|(i, w)| problems.take(validate::name(&format!("witnesses[{i}]"), w))).collect();
        let court_permission = self.court_permission.as_ref().and_then(|b| {
            validate::legal_basis("court_permission", b, ctx.today, "court_permission", self.date.into())
                .map_err(|es| es.into_iter().for_each(|e| problems.push(e)))
                .ok()
        });

        let mut spouses: Vec<Option<SpouseData>> = Vec::new();
        let mut jmbgs = Vec::new();
        for (i, s) in self.spouses.iter().enumerate() {
            let field = format!("spouses[{i}]");
            let Some(jmbg) = problems.take(validate::jmbg(&format!("{field}.jmbg"), &s.jmbg, ctx.jmbg_mode)) else {
                spouses.push(None);
                continue;
            };
            jmbgs.push(jmbg.clone());
            let view = facts.view(&jmbg, ctx.today);
            let at_marriage = facts
                .persons
                .get(&jmbg)
                .and_then(|r| crate::registry::person::person_view(&jmbg, r, crate::registry::person::ViewTime::current(self.date)));
            refuse_if_deceased(&mut problems, &format!("{field}.jmbg"), view.as_ref(), self.date);
            if let Some(v) = &at_marriage {
                if v.marital_status == MaritalStatus::Married {
                    let with = v.spouse.as_ref().map(|p| format!(" to {} {}", p.given_name, p.surname)).unwrap_or_default();
                    problems.push(FieldError::new(
                        "registry.marriage.already_married",
                        format!("{field}.jmbg"),
                        format!("{} {} is already married{with}", v.given_name, v.surname),
                    ));
                }
            }
            let age = age_on(jmbg.birth_date(), self.date);
            if age < MARRIAGE_AGE_WITH_PERMISSION || (age < MARRIAGE_AGE && court_permission.is_none()) {
                problems.push(FieldError::new(
                    "registry.marriage.underage",
                    format!("{field}.jmbg"),
                    format!("the spouse is {} on the day of the marriage; {MARRIAGE_AGE} is required, or {MARRIAGE_AGE_WITH_PERMISSION} with a court's permission", age.max(0)),
                ));
            }
            // The spouse's name on the day of the marriage, when this node knows them.
            let person = identity(&mut problems, &field, &jmbg, at_marriage.as_ref().or(view.as_ref()), s.person.as_ref());
            let surname_after = problems.take(validate::name(&format!("{field}.surname_after"), &s.surname_after));
            let citizenship = problems.take(validate::text(&format!("{field}.citizenship"), &s.citizenship));
            let residence = problems.take(validate::text(&format!("{field}.residence"), &s.residence));
            let father_name = problems.take(validate::optional_name(&format!("{field}.father_name"), s.father_name.as_deref())).flatten();
            let mother_name = problems.take(validate::optional_name(&format!("{field}.mother_name"), s.mother_name.as_deref())).flatten();
            spouses.push(match (person, surname_after, citizenship, residence) {
                (Some(person), Some(surname_after), Some(citizenship), Some(residence)) => {
                    Some(SpouseData { person, surname_after, citizenship, residence, father_name, mother_name })
                }
                _ => None,
            });
        }
        if let [a, b] = jmbgs.as_slice() {
            if a == b {
                problems.push(FieldError::new("registry.marriage.same_person", "spouses[1].jmbg", "a person cannot marry themselves"));
            } else if a.sex() == b.sex() {
                problems.push(FieldError::new(
                    "registry.marriage.same_sex",
                    "spouses[1].jmbg",
                    "marriage is a union of a woman and a man (FBiH Family Law, art. 6)",
                ));
            }
        }
        problems.finish()?;
        let (Some(date), Some(place), Some(officiant), [Some(s0), Some(s1)]) =
            (date, place, officiant, <[Option<SpouseData>; 2]>::try_from(spouses).unwrap_or([None, None]))
        else {
            return Err(Refusal::one(FieldError::general("registry.invalid", "the registration is incomplete")));
        };

        let year = chrono::Datelike::year(&registered_on);
        let reference = entry_reference(Register::Marriages, ctx.new_entry_number, year, &ctx.office);
        let event = EventRef { entry_id: Some(ctx.next_id), municipality: ctx.municipality.clone(), reference: reference.clone() };
        let basis = LegalBasis { act: "zapisnik o zaključenju braka".into(), issuer: ctx.municipality.clone(), number: reference, date };
        let mut annotations = Vec::new();
        let mut notices = Vec::new();
        for (me, other) in [(&s0, &s1), (&s1, &s0)] {
            let annotation = |marriage: EventRef| Annotation {
                content: AnnotationContent::Marriage {
                    marriage,
                    spouse: PersonRef {
                        jmbg: Some(other.person.jmbg.clone()),
                        given_name: other.person.given_name.clone(),
                        surname: other.person.surname.clone(),
                    },
                    surname_after: me.surname_after.clone(),
                },
                legal_basis: basis.clone(),
                effective_date: date,
                note: None,
            };
            match facts.birth_entry(&me.person.jmbg) {
                Some(birth) => annotations.push(NewAnnotation {
                    entry_id: birth.id,
                    annotation: annotation(event.clone()),
                    cause_entry_id: Some(ctx.next_id),
                }),
                // Born elsewhere: the municipality keeping the birth entry is notified.
                None => notices
                    .push(Notice { subject: me.person.jmbg.clone(), annotation: annotation(EventRef { entry_id: None, ..event.clone() }) }),
            }
        }
        let affected = vec![s0.person.jmbg.clone(), s1.person.jmbg.clone()];
        Ok(Plan {
            action: "registry.marriage.registered",
            entry: Some(NewEntry {
                content: EntryContent::Marriage(MarriageEntry { date, place, spouses: [s0, s1], witnesses, officiant }),
                registered_on,
                year,
                number: ctx.new_entry_number,
                late: false,
                script: self.script,
            }),
            annotations,
            affected,
            notices,
        })
    }
}
