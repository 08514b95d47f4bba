//! An in-memory registry: the registration commands carried out against records held in
//! memory, with the same identities and entry numbers a node's store would give them.
//!
//! It serves two purposes: generating a synthetic population through the real commands (so
//! the data obeys every rule the registrars' commands enforce), and testing the domain
//! without a database.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::annotation::AnnotationRecord;
use super::commands::{Applied, Command, Facts, Needs, PlanContext};
use super::entry::EntryRecord;
use super::person::PersonRecords;
use super::types::{Actor, Register, Timestamp};
use crate::error::{FieldError, Refusal};
use crate::jmbg::{CheckMode, Jmbg, SerialBlock};

/// A record in the order it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Entry(EntryRecord),
    Annotation(AnnotationRecord),
}

impl Record {
    pub fn id(&self) -> i64 {
        match self {
            Record::Entry(e) => e.id,
            Record::Annotation(a) => a.id,
        }
    }
}

/// Records held in memory, indexed the way the commands look them up.
#[derive(Debug, Clone)]
pub struct MemoryRegistry {
    pub municipality: String,
    /// Settlements of the municipality known by name (see [`PlanContext::settlements`]).
    pub settlements: Vec<String>,
    pub region: u8,
    pub jmbg_mode: CheckMode,
    /// The share of the region's serials the node assigns (the whole range unless set).
    pub serial_block: SerialBlock,
    next_id: i64,
    records: Vec<Record>,
    /// Position in `records` of each entry, by id.
    entries: HashMap<i64, usize>,
    /// Entries of which a person is subject or spouse.
    by_person: HashMap<Jmbg, Vec<i64>>,
    /// Birth entries naming a person as a parent.
    by_parent: HashMap<Jmbg, Vec<i64>>,
    /// Annotation positions by entry id.
    annotations: HashMap<i64, Vec<usize>>,
    /// Serials in use by JMBG prefix (date and region).
    serials: HashMap<String, Vec<u16>>,
    /// Last entry number by register, office and year.
    numbers: HashMap<(Register, String, i32), i64>,
    /// JMBGs replaced (old, new) by a correction of the sex or the date of birth.
    changes: Vec<(Jmbg, Jmbg)>,
}

impl MemoryRegistry {
    /// An empty registry whose first record will have id `first_id` (the position after the
    /// journal head of the store the records will be loaded into).
    pub fn new(municipality: &str, region: u8, jmbg_mode: CheckMode, first_id: i64) -> Self {
        Self {
            municipality: municipality.to_string(),
            settlements: Vec::new(),
            region,
            jmbg_mode,
            serial_block: SerialBlock::WHOLE,
            next_id: first_id,
            records: Vec::new(),
            entries: HashMap::new(),
            by_person: HashMap::new(),
            by_parent: HashMap::new(),
            annotations: HashMap::new(),
            serials: HashMap::new(),
            numbers: HashMap::new(),
            changes: Vec::new(),
        }
    }

    /// Carries out a command on `today`, as `actor`, recording it at `now`.
    pub fn execute(&mut self, actor: &Actor, command: &Command, today: NaiveDate, now: Timestamp) -> Result<Applied, Refusal> {
        let Some(office) = actor.office.clone() else {
            return Err(FieldError::general("auth.office_required", "registrations are made at an office").into());
        };
        let needs = command.needs(today, self.region);
        let facts = self.facts(&needs);
        let number = needs.new_entry.map_or(0, |(r, y)| self.numbers.get(&(r, office.clone(), y)).copied().unwrap_or(0) + 1);
        let ctx = PlanContext {
            today,
            office,
            municipality: self.municipality.clone(),
            settlements: self.settlements.clone(),
            region: self.region,
            jmbg_mode: self.jmbg_mode,
            serial_block: self.serial_block,
            next_id: self.next_id,
            new_entry_number: number,
        };
        let plan = command.plan(&facts, &ctx)?;
        let applied = plan.materialize(&ctx, actor, now);
        if let Some(e) = &applied.entry {
            self.add_entry(e.clone());
        }
        for a in &applied.annotations {
            self.add_annotation(a.clone());
        }
        Ok(applied)
    }

    /// Adds an entry as it is (ids must follow on from the last record).
    pub fn add_entry(&mut self, e: EntryRecord) {
        self.next_id = self.next_id.max(e.id + 1);
        let key = (e.content.register(), e.office.clone(), e.year);
        let n = self.numbers.entry(key).or_insert(0);
        *n = (*n).max(e.number);
        for j in [Some(e.content.subject()), e.content.partner()].into_iter().flatten() {
            self.by_person.entry(j.clone()).or_default().push(e.id);
        }
        for j in [e.content.subject()].into_iter().chain(e.content.partner()).chain(e.content.mother()).chain(e.content.father()) {
            self.serials.entry(j.prefix().to_string()).or_default().push(j.serial());
        }
        for parent in e.content.mother().into_iter().chain(e.content.father()) {
            self.by_parent.entry(parent.clone()).or_default().push(e.id);
        }
        self.entries.insert(e.id, self.records.len());
        self.records.push(Record::Entry(e));
    }

    pub fn add_annotation(&mut self, a: AnnotationRecord) {
        self.next_id = self.next_id.max(a.id + 1);
        if let Some((old, new)) = a.annotation.content.jmbg_change() {
            self.serials.entry(new.prefix().to_string()).or_default().push(new.serial());
            self.changes.push((old.clone(), new.clone()));
        }
        self.annotations.entry(a.entry_id).or_default().push(self.records.len());
        self.records.push(Record::Annotation(a));
    }

    pub fn entry(&self, id: i64) -> Option<&EntryRecord> {
        match self.records.get(*self.entries.get(&id)?) {
            Some(Record::Entry(e)) => Some(e),
            _ => None,
        }
    }

    fn annotations_of(&self, entry_id: i64) -> Vec<AnnotationRecord> {
        self.annotations
            .get(&entry_id)
            .map(|ix| {
                ix.iter()
                    .filter_map(|i| match self.records.get(*i) {
                        Some(Record::Annotation(a)) => Some(a.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Everything recorded about a person, under any JMBG they have had.
    pub fn person_records(&self, jmbg: &Jmbg) -> PersonRecords {
        let numbers = super::person::jmbg_chain(jmbg, self.changes.iter().map(|(o, n)| (o, n)));
        let mut ids: Vec<i64> = numbers.iter().flat_map(|j| self.by_person.get(j).cloned().unwrap_or_default()).collect();
        ids.sort_unstable();
        ids.dedup();
        let entries: Vec<EntryRecord> = ids.iter().filter_map(|id| self.entry(*id).cloned()).collect();
        let annotations = ids.iter().flat_map(|id| self.annotations_of(*id)).collect();
        let children: Vec<EntryRecord> = numbers
            .iter()
            .flat_map(|j| self.by_parent.get(j).cloned().unwrap_or_default())
            .filter_map(|id| self.entry(id).cloned())
            .collect();
        let children_annotations = children.iter().flat_map(|e| self.annotations_of(e.id)).collect();
        PersonRecords { entries, annotations, children, children_annotations }
    }

    /// The facts a command needs, from memory.
    pub fn facts(&self, needs: &Needs) -> Facts {
        let mut facts = Facts::default();
        let mut people: Vec<Jmbg> = needs.persons.clone();
        if let Some(id) = needs.entry {
            if let Some(e) = self.entry(id) {
                people.extend([Some(e.content.subject().clone()), e.content.partner().cloned()].into_iter().flatten());
                facts.entry = Some((e.clone(), self.annotations_of(id)));
            }
        }
        for j in people {
            let records = self.person_records(&j);
            facts.persons.insert(j, records);
        }
        if let Some(prefix) = &needs.serial_prefix {
            facts.used_serials = self.serials.get(prefix).cloned().unwrap_or_default();
        }
        facts
    }

    /// The id the next record will receive.
    pub fn next_id(&self) -> i64 {
        self.next_id
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// All records in the order they were made.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    pub fn into_records(self) -> Vec<Record> {
        self.records
    }
}
