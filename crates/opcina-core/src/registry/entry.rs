//! The content of register entries, one type per register, with the fields of the classic
//! ex-Yugoslav forms (Obrazac 1 birth, Obrazac 3 marriage, Obrazac 4 death; the citizens'
//! register for citizenship). An entry is written once and never changed: everything that
//! happens later is an [`Annotation`](super::Annotation) on it.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::annotation::LegalBasis;
use super::types::{Place, Register, Sex, Timestamp};
use crate::jmbg::Jmbg;
use crate::names::Script;

/// A parent as written in a birth entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParentData {
    pub given_name: String,
    pub surname: String,
    /// Surname at birth (djevojačko prezime), when different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maiden_surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jmbg: Option<Jmbg>,
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

/// The child in a birth entry (MKR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChildData {
    pub given_name: String,
    pub surname: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "14:35")]
    pub birth_time: Option<NaiveTime>,
    pub birth_place: Place,
    pub jmbg: Jmbg,
    pub citizenship: String,
}

/// An entry in the register of births (MKR), the base register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BirthEntry {
    pub child: ChildData,
    pub mother: ParentData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father: Option<ParentData>,
    /// Who reported the birth (prijavitelj), with their relation or capacity.
    pub informant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The act that made this office competent for an event outside its territory (see
    /// [`jurisdiction`](super::commands::jurisdiction)); absent in ordinary entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence: Option<Box<LegalBasis>>,
    /// The decision that allowed the registration after the deadline; absent when on time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_decision: Option<Box<LegalBasis>>,
}

/// Identity of a person as repeated in entries of other registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonData {
    pub jmbg: Jmbg,
    pub given_name: String,
    pub surname: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub birth_place: Place,
}

/// How citizenship was acquired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CitizenshipBasis {
    /// By origin (porijeklo): a parent is a citizen.
    Origin,
    /// By birth on the territory.
    Birth,
    /// By naturalisation (prirođenje), on a decision.
    Naturalisation,
    /// By an international agreement.
    InternationalAgreement,
}

/// An entry in the register of citizens (MKD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CitizenshipEntry {
    pub person: PersonData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
    /// E.g. `Bosna i Hercegovina / Federacija Bosne i Hercegovine`.
    pub citizenship: String,
    pub basis: CitizenshipBasis,
    pub acquired_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<String>,
}

/// A spouse in a marriage entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpouseData {
    pub person: PersonData,
    /// The surname chosen for after the marriage.
    pub surname_after: String,
    pub citizenship: String,
    pub residence: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
}

/// An entry in the register of marriages (MKV).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarriageEntry {
    pub date: NaiveDate,
    pub place: Place,
    pub spouses: [SpouseData; 2],
    pub witnesses: Vec<String>,
    /// The registrar or official before whom the marriage was concluded.
    pub officiant: String,
}

/// An entry in the register of deaths (MKU).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeathEntry {
    pub deceased: PersonData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<String>,
    pub death_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "03:10")]
    pub death_time: Option<NaiveTime>,
    pub death_place: Place,
    pub last_residence: String,
    /// Reference of the physician's confirmation of death (potvrda o smrti).
    pub death_confirmation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
    pub informant: String,
    /// The act that made this office competent for an event outside its territory (see
    /// [`jurisdiction`](super::commands::jurisdiction)); absent in ordinary entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence: Option<Box<LegalBasis>>,
    /// The decision that allowed the registration after the deadline; absent when on time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_decision: Option<Box<LegalBasis>>,
}

/// What an entry says, by register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "register", content = "data")]
pub enum EntryContent {
    #[serde(rename = "MKR")]
    Birth(BirthEntry),
    #[serde(rename = "MKD")]
    Citizenship(CitizenshipEntry),
    #[serde(rename = "MKV")]
    Marriage(MarriageEntry),
    #[serde(rename = "MKU")]
    Death(DeathEntry),
}

impl EntryContent {
    pub fn register(&self) -> Register {
        match self {
            EntryContent::Birth(_) => Register::Births,
            EntryContent::Citizenship(_) => Register::Citizens,
            EntryContent::Marriage(_) => Register::Marriages,
            EntryContent::Death(_) => Register::Deaths,
        }
    }

    /// The person the entry is about (the first spouse for a marriage).
    pub fn subject(&self) -> &Jmbg {
        match self {
            EntryContent::Birth(b) => &b.child.jmbg,
            EntryContent::Citizenship(c) => &c.person.jmbg,
            EntryContent::Marriage(m) => &m.spouses[0].person.jmbg,
            EntryContent::Death(d) => &d.deceased.jmbg,
        }
    }

    /// The second spouse of a marriage.
    pub fn partner(&self) -> Option<&Jmbg> {
        match self {
            EntryContent::Marriage(m) => Some(&m.spouses[1].person.jmbg),
            _ => None,
        }
    }

    pub fn mother(&self) -> Option<&Jmbg> {
        match self {
            EntryContent::Birth(b) => b.mother.jmbg.as_ref(),
            _ => None,
        }
    }

    pub fn father(&self) -> Option<&Jmbg> {
        match self {
            EntryContent::Birth(b) => b.father.as_ref().and_then(|f| f.jmbg.as_ref()),
            _ => None,
        }
    }

    /// The date of the event the entry records (birth, acquisition, marriage, death).
    pub fn event_date(&self) -> NaiveDate {
        match self {
            EntryContent::Birth(b) => b.child.birth_date,
            EntryContent::Citizenship(c) => c.acquired_on,
            EntryContent::Marriage(m) => m.date,
            EntryContent::Death(d) => d.death_date,
        }
    }

    /// Is `jmbg` the subject or a spouse of this entry?
    pub fn concerns(&self, jmbg: &Jmbg) -> bool {
        self.subject() == jmbg || self.partner() == Some(jmbg)
    }
}

/// A concluded entry as stored: its content and the facts of its recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntryRecord {
    /// The entry's identity on this node (its position in the node's journal).
    pub id: i64,
    /// The registry office whose book holds the entry.
    pub office: String,
    /// Year of the book.
    pub year: i32,
    /// Serial number in the book (redni broj), gap-free per register, office and year.
    pub number: i64,
    pub registered_on: NaiveDate,
    pub recorded_at: Timestamp,
    /// Username of the registrar who made the entry.
    pub recorded_by: String,
    /// Registered after the 30-day deadline.
    pub late: bool,
    /// Script the entry is written in.
    pub script: Script,
    #[serde(flatten)]
    pub content: EntryContent,
}

impl EntryRecord {
    /// How the entry is cited: `MKR 12/2024, KAK`.
    pub fn reference(&self) -> String {
        entry_reference(self.content.register(), self.number, self.year, &self.office)
    }
}

pub fn entry_reference(register: Register, number: i64, year: i32, office: &str) -> String {
    format!("{} {}/{}, {}", register.code(), number, year, office)
}

/// The deadline to register a birth or a death, in days after the event.
pub const REGISTRATION_DEADLINE_DAYS: i64 = 30;

/// Is a registration on `registered_on` of an event on `event_date` late?
pub fn is_late(event_date: NaiveDate, registered_on: NaiveDate) -> bool {
    (registered_on - event_date).num_days() > REGISTRATION_DEADLINE_DAYS
}
