//! Registering a birth (upis u matičnu knjigu rođenih): validates the child and the parents,
//! assigns the child's JMBG, flags a late registration.

use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::jurisdiction::{self, Event, Fact};
use super::{Facts, Needs, NewEntry, Plan, PlanContext, needed_jmbg, registration_date, year_of};
use crate::error::{FieldError, Problems, Refusal};
use crate::jmbg::{self, CheckMode, Jmbg, SerialBlock};
use crate::names::Script;
use crate::registry::annotation::LegalBasis;
use crate::registry::entry::{BirthEntry, ChildData, EntryContent, ParentData, is_late};
use crate::registry::types::{Place, Register, Sex, default_country};
use crate::registry::validate::{self, age_on};

/// The youngest age at which a parent is plausible.
pub const MIN_PARENT_AGE: i32 = 10;
/// A father may die before the birth (at most this many days: a posthumous child).
pub const POSTHUMOUS_DAYS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewChild {
    pub given_name: String,
    pub surname: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, nullable = false, example = "14:35", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")]
    pub birth_time: Option<NaiveTime>,
    pub birth_place: Place,
    #[serde(default = "default_country")]
    pub citizenship: String,
}

/// A parent as given on the birth registration form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParentInput {
    pub given_name: String,
    pub surname: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maiden_surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jmbg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub birth_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<String>,
}

/// Register a birth in the register of births (MKR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterBirth {
    pub child: NewChild,
    pub mother: ParentInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father: Option<ParentInput>,
    /// Who reports the birth, with their relation or capacity.
    pub informant: String,
    /// Date of registration; today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub registered_on: Option<NaiveDate>,
    #[serde(default)]
    pub script: Script,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The act that makes this office competent when the mother does not live in its
    /// territory (a birth abroad under Art. 54, a decision on competence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence: Option<LegalBasis>,
    /// The decision that allows registering the birth after the 30-day deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_decision: Option<LegalBasis>,
}

/// The lowest free serial of the node's `block` for a person of `sex` born on `date` in
/// `region` whose number passes the check in `mode` (strict assignment skips serials whose
/// check value is 10).
pub fn allocate_jmbg(date: NaiveDate, sex: Sex, region: u8, mode: CheckMode, block: SerialBlock, used: &[u16]) -> Option<Jmbg> {
    block.serials(sex).filter(|s| !used.contains(s)).find_map(|serial| Jmbg::compose(date, region, serial, mode))
}

impl RegisterBirth {
    pub(super) fn needs(&self, today: NaiveDate, region: u8) -> Needs {
        let parents = std::iter::once(&self.mother).chain(self.father.as_ref());
        Needs {
            persons: parents.filter_map(|p| p.jmbg.as_deref().and_then(needed_jmbg)).collect(),
            entry: None,
            serial_prefix: jmbg::prefix_for(self.child.birth_date, region),
            new_entry: Some((Register::Births, year_of(self.registered_on, today))),
        }
    }

    pub(super) fn plan(&self, facts: &Facts, ctx: &PlanContext) -> Result<Plan, Refusal> {
        let mut problems = Problems::new();
        let c = &self.child;
        let given_name = problems.take(validate::name("child.given_name", &c.given_name));
        let surname = problems.take(validate::name("child.surname", &c.surname));
        let birth_date = if c.birth_date > ctx.today {
            problems.push(FieldError::new(
                "registry.birth.date_in_future",
                "child.birth_date",
                format!("the date of birth {} is in the future", c.birth_date),
            ));
            None
        } else {
            problems.take(validate::past_date("child.birth_date", c.birth_date, ctx.today))
        };
        let birth_place =
            validate::place("child.birth_place", &c.birth_place).map_err(|es| es.into_iter().for_each(|e| problems.push(e))).ok();
        let citizenship = problems.take(validate::text("child.citizenship", &c.citizenship));
        let informant = problems.take(validate::text("informant", &self.informant));
        let note = problems.take(validate::optional_text("note", self.note.as_deref())).flatten();
        let registered_on = registration_date(&mut problems, self.registered_on, c.birth_date, ctx.today);
        let grounds = jurisdiction::check(
            &mut problems,
            ctx,
            &Event {
                fact: Fact::Birth,
                residence_field: "mother.residence",
                residence: self.mother.residence.as_deref(),
                date: c.birth_date,
                registered_on,
            },
            self.competence.as_ref(),
            self.late_decision.as_ref(),
        );

        let mother = parent(&mut problems, facts, ctx, "mother", &self.mother, Sex::Female, c.birth_date);
        let father = self.father.as_ref().and_then(|f| parent(&mut problems, facts, ctx, "father", f, Sex::Male, c.birth_date));
        if let (Some(m), Some(f)) = (mother.as_ref().and_then(|m| m.jmbg.as_ref()), father.as_ref().and_then(|f| f.jmbg.as_ref())) {
            if m == f {
                problems.push(FieldError::new(
                    "registry.parents.same_person",
                    "father.jmbg",
                    "the mother and the father have the same JMBG",
                ));
            }
        }
        problems.finish()?;
        let (Some(given_name), Some(surname), Some(birth_date), Some(birth_place), Some(citizenship), Some(informant), Some(mother)) =
            (given_name, surname, birth_date, birth_place, citizenship, informant, mother)
        else {
            return Err(Refusal::one(FieldError::general("registry.invalid", "the registration is incomplete")));
        };

        let Some(jmbg) = allocate_jmbg(birth_date, c.sex, ctx.region, ctx.jmbg_mode, ctx.serial_block, &facts.used_serials) else {
            return Err(Refusal::one(FieldError::new(
                "registry.jmbg.exhausted",
                "child.birth_date",
                format!("no JMBG serial is left for this date and sex in this node's block ({})", ctx.serial_block),
            )));
        };

        let mut affected = vec![jmbg.clone()];
        affected.extend(mother.jmbg.iter().cloned());
        affected.extend(father.as_ref().and_then(|f| f.jmbg.clone()));
        let entry = BirthEntry {
            child: ChildData { given_name, surname, sex: c.sex, birth_date, birth_time: c.birth_time, birth_place, jmbg, citizenship },
            mother,
            father,
            informant,
            note,
            competence: grounds.competence.map(Box::new),
            late_decision: grounds.late_decision.map(Box::new),
        };
        Ok(Plan {
            action: "registry.birth.registered",
            entry: Some(NewEntry {
                late: is_late(birth_date, registered_on),
                content: EntryContent::Birth(entry),
                registered_on,
                year: chrono::Datelike::year(&registered_on),
                number: ctx.new_entry_number,
                script: self.script,
            }),
            annotations: Vec::new(),
            affected,
            notices: Vec::new(),
        })
    }
}

/// Validates one parent: names, JMBG consistent with sex and birth date, plausible age at the
/// child's birth, and alive at the birth (a father up to 300 days before it).
fn parent(
    problems: &mut Problems,
    facts: &Facts,
    ctx: &PlanContext,
    field: &str,
    p: &ParentInput,
    sex: Sex,
    child_birth: NaiveDate,
) -> Option<ParentData> {
    let before = problems.len();
    let (too_young, deceased) = match sex {
        Sex::Female => ("registry.mother.too_young", "registry.mother.deceased"),
        Sex::Male => ("registry.father.too_young", "registry.father.deceased"),
    };
    let given_name = problems.take(validate::name(&format!("{field}.given_name"), &p.given_name));
    let surname = problems.take(validate::name(&format!("{field}.surname"), &p.surname));
    let maiden_surname = problems.take(validate::optional_name(&format!("{field}.maiden_surname"), p.maiden_surname.as_deref())).flatten();
    let jmbg = problems.take(validate::optional_jmbg(&format!("{field}.jmbg"), p.jmbg.as_deref(), ctx.jmbg_mode)).flatten();
    let citizenship = problems.take(validate::optional_text(&format!("{field}.citizenship"), p.citizenship.as_deref())).flatten();
    let residence = problems.take(validate::optional_text(&format!("{field}.residence"), p.residence.as_deref())).flatten();
    let birth_place = match &p.birth_place {
        None => None,
        Some(pl) => validate::place(&format!("{field}.birth_place"), pl).map_err(|es| es.into_iter().for_each(|e| problems.push(e))).ok(),
    };

    if let Some(j) = &jmbg {
        if j.sex() != sex {
            problems.push(FieldError::new(
                "registry.jmbg.sex_mismatch",
                format!("{field}.jmbg"),
                format!("the JMBG of the {field} encodes the other sex"),
            ));
        }
        if let Some(d) = p.birth_date {
            if d != j.birth_date() {
                problems.push(FieldError::new(
                    "registry.jmbg.date_mismatch",
                    format!("{field}.birth_date"),
                    format!("the date of birth {d} differs from the one in the JMBG ({})", j.birth_date()),
                ));
            }
        }
    }
    let birth_date = p.birth_date.or(jmbg.as_ref().map(Jmbg::birth_date));
    match birth_date {
        Some(d) => {
            if age_on(d, child_birth) < MIN_PARENT_AGE {
                problems.push(FieldError::new(
                    too_young,
                    format!("{field}.birth_date"),
                    format!(
                        "the {field} would be {} at the child's birth; at least {MIN_PARENT_AGE} is required",
                        age_on(d, child_birth).max(0)
                    ),
                ));
            }
        }
        None if field == "mother" => problems.push(FieldError::new(
            "registry.field.required",
            "mother.birth_date",
            "the mother's date of birth (or JMBG) is required",
        )),
        None => {}
    }

    if let Some(view) = jmbg.as_ref().and_then(|j| facts.view(j, ctx.today)) {
        if let Some(died) = view.death_date {
            let limit = if sex == Sex::Male { died + Duration::days(POSTHUMOUS_DAYS) } else { died };
            if child_birth > limit {
                problems.push(FieldError::new(
                    deceased,
                    format!("{field}.jmbg"),
                    format!("the {field} died on {died}, before the child was born"),
                ));
            }
        }
    }

    if problems.len() > before {
        return None;
    }
    Some(ParentData { given_name: given_name?, surname: surname?, maiden_surname, jmbg, birth_date, birth_place, citizenship, residence })
}
