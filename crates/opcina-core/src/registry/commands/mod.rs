//! Registration commands: what a registrar asks for, checked against what the registers
//! already say, and turned into a [`Plan`] of new records. Planning is pure: the store
//! loads the [`Facts`] a command [`Needs`], calls [`Command::plan`], and writes the plan
//! with its journal items in one transaction.

mod annotate;
mod birth;
mod citizenship;
mod death;
mod divorce;
pub mod examples;
pub mod jurisdiction;
mod marriage;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use annotate::AddAnnotation;
pub use birth::{NewChild, ParentInput, RegisterBirth, allocate_jmbg};
pub use citizenship::RegisterCitizenship;
pub use death::RegisterDeath;
pub use divorce::{DivorceReason, RegisterDivorce};
pub use marriage::{RegisterMarriage, SpouseInput};

use super::annotation::{Annotation, AnnotationRecord};
use super::entry::{EntryContent, EntryRecord};
use super::person::{PersonRecords, PersonView, ViewTime, person_view};
use super::types::{Actor, Place, Register, Sex, Timestamp};
use super::validate;
use crate::error::{FieldError, Problems, Refusal};
use crate::jmbg::{CheckMode, Jmbg, SerialBlock};
use crate::names::Script;

/// Identity data supplied for a person this node has no entry for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    pub given_name: String,
    pub surname: String,
    /// Defaults to the sex encoded in the JMBG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    pub birth_place: Place,
}

/// Any registration command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    RegisterBirth(RegisterBirth),
    RegisterCitizenship(RegisterCitizenship),
    RegisterMarriage(RegisterMarriage),
    RegisterDeath(RegisterDeath),
    RegisterDivorce(RegisterDivorce),
    AddAnnotation(AddAnnotation),
}

/// What a command needs to know before it can be planned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// People whose records must be loaded.
    pub persons: Vec<Jmbg>,
    /// An entry that must be loaded with its annotations (and the records of the people
    /// it concerns).
    pub entry: Option<i64>,
    /// JMBG prefix (date and region) whose used serials must be listed.
    pub serial_prefix: Option<String>,
    /// The register a new entry goes into, and the year of its book.
    pub new_entry: Option<(Register, i32)>,
}

/// What the store found for a command's [`Needs`].
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub persons: HashMap<Jmbg, PersonRecords>,
    pub entry: Option<(EntryRecord, Vec<AnnotationRecord>)>,
    pub used_serials: Vec<u16>,
}

impl Facts {
    /// The current view of a person (as of `date`), when this node knows them.
    pub fn view(&self, jmbg: &Jmbg, date: NaiveDate) -> Option<PersonView> {
        self.persons.get(jmbg).and_then(|r| person_view(jmbg, r, ViewTime::current(date)))
    }

    /// The person's birth entry on this node.
    /// The person's birth entry on this node (made under this JMBG or one it replaced).
    pub fn birth_entry(&self, jmbg: &Jmbg) -> Option<&EntryRecord> {
        let records = self.persons.get(jmbg)?;
        let numbers = records.numbers(jmbg);
        records.entries.iter().find(|e| matches!(&e.content, EntryContent::Birth(b) if numbers.contains(&b.child.jmbg)))
    }

    /// The person's entry in a given register on this node (birth, citizenship).
    pub fn own_entries(&self, jmbg: &Jmbg, register: Register) -> Vec<&EntryRecord> {
        self.persons
            .get(jmbg)
            .map(|r| {
                let numbers = r.numbers(jmbg);
                r.entries.iter().filter(|e| e.content.register() == register && numbers.contains(e.content.subject())).collect()
            })
            .unwrap_or_default()
    }
}

/// Where and when a command is carried out.
#[derive(Debug, Clone)]
pub struct PlanContext {
    pub today: NaiveDate,
    /// The office the registrar works at: the book the entry goes into.
    pub office: String,
    /// The municipality this node serves (for references in annotations, and the territory
    /// whose births and deaths it enters).
    pub municipality: String,
    /// The settlements of the municipality this node knows by name (its offices' seats): a
    /// residence naming one of them is in its territory.
    pub settlements: Vec<String>,
    /// JMBG register region of the municipality (19 for Kakanj).
    pub region: u8,
    pub jmbg_mode: CheckMode,
    /// The share of the region's serials this node assigns (see [`SerialBlock`]).
    pub serial_block: SerialBlock,
    /// The identity the first new record will receive (the new entry, when there is one;
    /// the annotations follow in order).
    pub next_id: i64,
    /// The serial number the new entry will receive in its book.
    pub new_entry_number: i64,
}

/// A new entry, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub content: EntryContent,
    pub registered_on: NaiveDate,
    pub year: i32,
    pub number: i64,
    pub late: bool,
    pub script: Script,
}

/// A new annotation on an existing (or the new) entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnotation {
    pub entry_id: i64,
    pub annotation: Annotation,
    pub cause_entry_id: Option<i64>,
}

/// The records a command adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub action: &'static str,
    pub entry: Option<NewEntry>,
    pub annotations: Vec<NewAnnotation>,
    /// People whose view changes (to refresh the search index).
    pub affected: Vec<Jmbg>,
    /// Annotations for entries this node does not hold (the birth entry of a spouse or of
    /// the deceased, kept where they were born): sent to the holder as notices.
    pub notices: Vec<Notice>,
}

/// An annotation for a person's birth entry held by another municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notice {
    pub subject: Jmbg,
    pub annotation: Annotation,
}

impl Command {
    /// The journal action name, e.g. `registry.birth.registered`.
    pub fn action(&self) -> &'static str {
        match self {
            Command::RegisterBirth(_) => "registry.birth.registered",
            Command::RegisterCitizenship(_) => "registry.citizenship.registered",
            Command::RegisterMarriage(_) => "registry.marriage.registered",
            Command::RegisterDeath(_) => "registry.death.registered",
            Command::RegisterDivorce(_) => "registry.divorce.registered",
            Command::AddAnnotation(_) => "registry.annotation.added",
        }
    }

    pub fn needs(&self, ctx_today: NaiveDate, region: u8) -> Needs {
        match self {
            Command::RegisterBirth(c) => c.needs(ctx_today, region),
            Command::RegisterCitizenship(c) => c.needs(ctx_today),
            Command::RegisterMarriage(c) => c.needs(ctx_today),
            Command::RegisterDeath(c) => c.needs(ctx_today),
            Command::RegisterDivorce(c) => c.needs(),
            Command::AddAnnotation(c) => c.needs(region),
        }
    }

    pub fn plan(&self, facts: &Facts, ctx: &PlanContext) -> Result<Plan, Refusal> {
        match self {
            Command::RegisterBirth(c) => c.plan(facts, ctx),
            Command::RegisterCitizenship(c) => c.plan(facts, ctx),
            Command::RegisterMarriage(c) => c.plan(facts, ctx),
            Command::RegisterDeath(c) => c.plan(facts, ctx),
            Command::RegisterDivorce(c) => c.plan(facts, ctx),
            Command::AddAnnotation(c) => c.plan(facts, ctx),
        }
    }
}

impl Plan {
    /// Turns the plan into records: the entry takes `ctx.next_id`, the annotations the ids
    /// after it, in order — the same ids the journal gives them when they are written.
    pub fn materialize(&self, ctx: &PlanContext, actor: &Actor, now: Timestamp) -> Applied {
        let mut id = ctx.next_id;
        let entry = self.entry.as_ref().map(|e| {
            let record = EntryRecord {
                id,
                office: ctx.office.clone(),
                year: e.year,
                number: e.number,
                registered_on: e.registered_on,
                recorded_at: now,
                recorded_by: actor.username.clone(),
                late: e.late,
                script: e.script,
                content: e.content.clone(),
            };
            id += 1;
            record
        });
        let annotations = self
            .annotations
            .iter()
            .map(|a| {
                let record = AnnotationRecord {
                    id,
                    entry_id: a.entry_id,
                    annotation: a.annotation.clone(),
                    recorded_at: now,
                    office: ctx.office.clone(),
                    recorded_by: actor.username.clone(),
                    cause_entry_id: a.cause_entry_id,
                };
                id += 1;
                record
            })
            .collect();
        Applied { action: self.action, entry, annotations, affected: self.affected.clone(), notices: self.notices.clone() }
    }
}

/// The records a command added, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Applied {
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryRecord>,
    pub annotations: Vec<AnnotationRecord>,
    /// People whose view changed.
    pub affected: Vec<Jmbg>,
    /// Annotations to send to the municipalities holding the people's birth entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
}

/// The registration date: given (not in the future, not before the event) or today.
fn registration_date(field_problems: &mut Problems, given: Option<NaiveDate>, event: NaiveDate, today: NaiveDate) -> NaiveDate {
    let Some(d) = given else { return today };
    if d > today {
        field_problems.push(FieldError::new("registry.date.in_future", "registered_on", format!("{d} is in the future")));
    } else if d < event {
        field_problems.push(FieldError::new(
            "registry.registered_on.before_event",
            "registered_on",
            format!("the entry cannot be registered ({d}) before the event it records ({event})"),
        ));
    }
    d
}

/// Parses a JMBG when it is valid, for the [`Needs`] of a command (errors are reported
/// when planning).
fn needed_jmbg(s: &str) -> Option<Jmbg> {
    Jmbg::parse(s, CheckMode::Lenient).ok()
}

fn year_of(d: Option<NaiveDate>, today: NaiveDate) -> i32 {
    d.unwrap_or(today).year()
}

/// Validates a person's identity for an entry in another register: from this node's view of
/// them when it has one, otherwise from the supplied input.
fn identity(
    problems: &mut Problems,
    field: &str,
    jmbg: &Jmbg,
    view: Option<&PersonView>,
    input: Option<&PersonInput>,
) -> Option<super::entry::PersonData> {
    if let Some(p) = input {
        let given_name = problems.take(validate::name(&format!("{field}.given_name"), &p.given_name));
        let surname = problems.take(validate::name(&format!("{field}.surname"), &p.surname));
        let birth_place = match validate::place(&format!("{field}.birth_place"), &p.birth_place) {
            Ok(pl) => Some(pl),
            Err(es) => {
                es.into_iter().for_each(|e| problems.push(e));
                None
            }
        };
        if let Some(sex) = p.sex {
            if sex != jmbg.sex() {
                problems.push(FieldError::new(
                    "registry.jmbg.sex_mismatch",
                    format!("{field}.sex"),
                    "the sex does not match the one encoded in the JMBG",
                ));
            }
        }
        return Some(super::entry::PersonData {
            jmbg: jmbg.clone(),
            given_name: given_name?,
            surname: surname?,
            sex: jmbg.sex(),
            birth_date: jmbg.birth_date(),
            birth_place: birth_place?,
        });
    }
    match view {
        // By the number in force, when the one given was replaced.
        Some(v) => Some(super::entry::PersonData {
            jmbg: v.jmbg.clone(),
            given_name: v.given_name.clone(),
            surname: v.surname.clone(),
            sex: v.sex,
            birth_date: v.birth_date,
            birth_place: v.birth_place.clone().unwrap_or_else(|| Place::new("", "", "")),
        }),
        None => {
            problems.push(FieldError::new(
                "registry.person.unknown",
                field,
                "this node holds no entry for the person: give their name, sex and place of birth",
            ));
            None
        }
    }
}

fn refuse_if_deceased(problems: &mut Problems, field: &str, view: Option<&PersonView>, on: NaiveDate) {
    if let Some(v) = view {
        if let Some(d) = v.death_date.filter(|d| *d <= on) {
            problems.push(FieldError::new("registry.person.deceased", field, format!("the person died on {d}")));
        }
    }
}

#[cfg(test)]
mod tests;
