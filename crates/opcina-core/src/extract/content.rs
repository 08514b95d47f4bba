//! The canonical content of an issued document: everything it prints, and the facts of its
//! issue. The content is built from the registers as they stood at a journal position, so
//! that the same document can be rebuilt byte for byte later; its SHA-256 is what the
//! municipality signs and what the issued-extract register keeps.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::kind::{ExtractKind, Language};
use crate::error::{FieldError, Refusal};
use crate::jmbg::Jmbg;
use crate::names::Script;
use crate::registry::entry::EntryContent;
use crate::registry::person::{MaritalStatus, PersonRecords, PersonView, ViewTime, person_view};
use crate::registry::{AnnotationRecord, EntryRecord, Timestamp};

/// Version of the content layout; a change to it or to the templates is a new version.
pub const CONTENT_FORMAT: u32 = 1;

/// An issued document's number: a serial per office and year, never reused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtractNumber {
    pub office: String,
    pub year: i32,
    pub serial: i64,
}

impl ExtractNumber {
    /// The identifier used in links and commands: `KAK-2026-123`.
    pub fn id(&self) -> String {
        format!("{}-{}-{}", self.office, self.year, self.serial)
    }

    pub fn parse(s: &str) -> Option<ExtractNumber> {
        let s = s.trim();
        if let Some((serial, rest)) = s.split_once('/') {
            // As printed on the document: `17/2026-KAK`.
            let (year, office) = rest.split_once('-')?;
            let serial = serial.trim().parse().ok().filter(|n: &i64| *n > 0)?;
            let office = office.trim().to_ascii_uppercase();
            return (!office.is_empty()).then_some(ExtractNumber { office, year: year.trim().parse().ok()?, serial });
        }
        let mut parts = s.rsplitn(3, '-');
        let serial = parts.next()?.parse().ok().filter(|n: &i64| *n > 0)?;
        let year = parts.next()?.parse().ok()?;
        let office = parts.next()?.to_string();
        (!office.is_empty()).then_some(ExtractNumber { office, year, serial })
    }
}

impl fmt::Display for ExtractNumber {
    /// As printed: `123/2026-KAK`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}-{}", self.serial, self.year, self.office)
    }
}

/// The administrative fee paid (taksa), in fening (1/100 KM), or the exemption applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Fee {
    pub amount: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<String>,
}

impl Fee {
    /// `4,00 KM`.
    pub fn display_amount(&self) -> String {
        format!("{},{:02} KM", self.amount / 100, self.amount % 100)
    }
}

/// The facts of issuing, decided by the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Issue {
    pub number: ExtractNumber,
    pub issued_at: Timestamp,
    /// The local date printed as the date of issue.
    pub issued_on: NaiveDate,
    pub municipality: String,
    pub office_name: String,
    /// Where it is issued (the office's settlement).
    pub place: String,
    /// The issuing official's name, as printed.
    pub official: String,
    pub fee: Fee,
    /// The node's journal position the document reflects.
    pub journal_position: i64,
    /// Where the verification page lives: the QR code links `{verify_base}/verify/{id}`.
    pub verify_base: String,
}

/// The person's state on the date of issue, as certificates print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonState {
    pub given_name: String,
    pub surname: String,
    pub alive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<NaiveDate>,
    pub marital_status: MaritalStatus,
    pub citizenships: Vec<String>,
}

/// Everything an issued document shows, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtractContent {
    pub format: u32,
    pub kind: ExtractKind,
    pub language: Language,
    pub script: Script,
    pub issue: Issue,
    pub purpose: String,
    pub subject: Jmbg,
    /// The entry the document is drawn from.
    pub entry: EntryRecord,
    /// Every annotation on the entry recorded by the journal position (marginal notes are
    /// part of the extract).
    pub annotations: Vec<AnnotationRecord>,
    pub state: PersonState,
    /// The member of the federation whose register holds the entry, when it is not the
    /// issuing node (absent from documents drawn from the node's own registers, so their
    /// content and hash are unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
    /// The full names of the registrars who recorded the annotations, by username, as they
    /// were when the document was issued (kept with it, so that it reproduces the same after
    /// a name changes); absent from documents issued before names were printed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub officials: BTreeMap<String, String>,
}

/// The municipality whose register holds an entry a document was drawn from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Holder {
    /// The member's code in the federation, e.g. `ZEN`.
    pub member: String,
    /// As printed, e.g. `Grad Zenica`.
    pub municipality: String,
    /// The holder's journal position the records reflect.
    pub position: i64,
}

pub type ContentHash = [u8; 32];

impl ExtractContent {
    /// The canonical bytes: compact JSON in declaration order.
    pub fn canonical(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn hash(&self) -> ContentHash {
        Sha256::digest(self.canonical()).into()
    }
}

/// The person's records as they stood at a journal position (every record's id is its
/// journal position).
pub fn records_at(records: &PersonRecords, position: i64) -> PersonRecords {
    PersonRecords {
        entries: records.entries.iter().filter(|e| e.id <= position).cloned().collect(),
        annotations: records.annotations.iter().filter(|a| a.id <= position).cloned().collect(),
        children: records.children.iter().filter(|e| e.id <= position).cloned().collect(),
        children_annotations: records.children_annotations.iter().filter(|a| a.id <= position).cloned().collect(),
    }
}

/// Picks the entry a document of `kind` is drawn from: `entry_id` when given (it must be
/// the person's, in the right register), else the person's latest in the register.
pub fn select_entry(kind: ExtractKind, jmbg: &Jmbg, records: &PersonRecords, entry_id: Option<i64>) -> Result<EntryRecord, Refusal> {
    let register = kind.register();
    // Under any number the person has had (entries made before a corrected sex or date of
    // birth name the old one).
    let numbers = records.numbers(jmbg);
    let mine = |e: &&EntryRecord| e.content.register() == register && numbers.iter().any(|j| e.content.concerns(j));
    let found = match entry_id {
        Some(id) => records.entries.iter().filter(mine).find(|e| e.id == id),
        None => records.entries.iter().filter(mine).max_by_key(|e| (e.content.event_date(), e.id)),
    };
    found.cloned().ok_or_else(|| {
        let (code, field) = if entry_id.is_some() { ("extract.entry_not_found", "entry_id") } else { ("extract.no_entry", "kind") };
        Refusal::one(FieldError::new(code, field, format!("the person {jmbg} has no entry in the register {register} on this node")))
    })
}

/// Checks what a certificate certifies: a life certificate needs a living person, a
/// certificate of no impediment to marriage an unmarried one, a certificate of citizenship
/// a citizenship held.
pub fn check_state(kind: ExtractKind, view: &PersonView) -> Result<(), Refusal> {
    let refuse = |code: &'static str, message: String| Err(Refusal::one(FieldError::new(code, "kind", message)));
    match kind {
        ExtractKind::Life | ExtractKind::NoImpediment if !view.alive => {
            refuse("extract.person_deceased", format!("the registers record the death of {} {}", view.given_name, view.surname))
        }
        ExtractKind::NoImpediment if view.marital_status == MaritalStatus::Married => {
            refuse("extract.person_married", format!("{} {} is married according to the registers", view.given_name, view.surname))
        }
        ExtractKind::Citizenship if view.citizenships.is_empty() => {
            refuse("extract.citizenship_lost", "the registers record no citizenship held on the date of issue".into())
        }
        _ => Ok(()),
    }
}

/// What the caller decides and the registers do not: the document asked for, and its issue.
#[derive(Debug, Clone)]
pub struct ContentSpec<'a> {
    pub kind: ExtractKind,
    pub language: Language,
    pub script: Script,
    pub subject: &'a Jmbg,
    pub entry_id: Option<i64>,
    pub purpose: &'a str,
}

/// Builds the content of a document from the person's records as they stood at
/// `issue.journal_position`.
pub fn build(spec: &ContentSpec<'_>, records: &PersonRecords, issue: Issue) -> Result<ExtractContent, Refusal> {
    let position = issue.journal_position;
    build_at(spec, records, issue, position)
}

/// Builds the content the same document would have from the records as they stood at
/// `position` (a later position: "would it still say the same?").
pub fn build_at(spec: &ContentSpec<'_>, records: &PersonRecords, issue: Issue, position: i64) -> Result<ExtractContent, Refusal> {
    let records = records_at(records, position);
    let view = person_view(spec.subject, &records, ViewTime::current(issue.issued_on)).ok_or_else(|| {
        Refusal::one(FieldError::new("extract.person_unknown", "jmbg", format!("no entry of {} on this node", spec.subject)))
    })?;
    let entry = select_entry(spec.kind, spec.subject, &records, spec.entry_id)?;
    check_state(spec.kind, &view)?;
    let mut annotations: Vec<AnnotationRecord> = records.annotations.iter().filter(|a| a.entry_id == entry.id).cloned().collect();
    annotations.sort_by_key(|a| a.id);
    Ok(ExtractContent {
        format: CONTENT_FORMAT,
        kind: spec.kind,
        language: spec.language,
        script: spec.script,
        issue,
        purpose: spec.purpose.trim().to_string(),
        subject: spec.subject.clone(),
        entry,
        annotations,
        state: PersonState {
            given_name: view.given_name,
            surname: view.surname,
            alive: view.alive,
            death_date: view.death_date,
            marital_status: view.marital_status,
            citizenships: view.citizenships,
        },
        holder: None,
        officials: BTreeMap::new(),
    })
}

/// The spouses of a marriage entry (both may ask for its extract as their own).
pub fn entry_spouses(entry: &EntryRecord) -> Vec<Jmbg> {
    match &entry.content {
        EntryContent::Marriage(m) => m.spouses.iter().map(|s| s.person.jmbg.clone()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extract_numbers_round_trip_through_their_identifier() {
        let n = ExtractNumber { office: "KSU".into(), year: 2026, serial: 42 };
        assert_eq!(n.id(), "KSU-2026-42");
        assert_eq!(ExtractNumber::parse("KSU-2026-42"), Some(n.clone()));
        assert_eq!(n.to_string(), "42/2026-KSU");
        assert_eq!(ExtractNumber::parse("KSU-2026-0"), None);
        assert_eq!(ExtractNumber::parse("2026-4"), None);
        // As a citizen copies it from the document.
        assert_eq!(ExtractNumber::parse(" 42/2026-ksu "), Some(n.clone()));
        assert_eq!(ExtractNumber::parse("42/2026-"), None);
        assert_eq!(ExtractNumber::parse("0/2026-KSU"), None);
        assert_eq!(ExtractNumber::parse("7/2026-A-B").map(|n| n.office), Some("A-B".into()));
    }

    #[test]
    fn fees_print_in_convertible_marks() {
        assert_eq!(Fee { amount: 400, exemption: None }.display_amount(), "4,00 KM");
        assert_eq!(Fee { amount: 1050, exemption: None }.display_amount(), "10,50 KM");
    }
}
