//! The person view: everything this node knows about one JMBG — entries in every register,
//! their annotations, the current name, marital status, life and citizenship — derived from
//! the records, never stored.
//!
//! Bitemporal: a view is computed *as of* a date (the legal state that held on that day,
//! from the effective dates) and *as recorded at* a moment (only records made by then, from
//! the recording times). "What did the register say on 1 March 2020 about 1 January 2015?"
//! is `as_of = 2015-01-01, recorded_at = 2020-03-01`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::annotation::{AnnotationContent, AnnotationRecord, MarriageEndReason, PersonRef};
use super::entry::{EntryContent, EntryRecord};
use super::standing::as_it_stands;
use super::types::{Place, Register, Sex, Timestamp};
use crate::jmbg::Jmbg;

/// The raw records about one person, as the store finds them: entries of which the person
/// is the subject or a spouse, the annotations on those entries, and the birth entries of
/// the person's children.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecords {
    pub entries: Vec<EntryRecord>,
    pub annotations: Vec<AnnotationRecord>,
    /// Birth entries naming the person as mother or father.
    pub children: Vec<EntryRecord>,
    /// The annotations of those entries (a full adoption ends the parenthood).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children_annotations: Vec<AnnotationRecord>,
}

impl PersonRecords {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every JMBG the person asked for as `asked` has had, oldest first: the last is the one
    /// in force. A correction of the sex or the date of birth replaces the number (see
    /// [`AnnotationContent::IdentityCorrection`]); entries made before it keep the old one.
    pub fn numbers(&self, asked: &Jmbg) -> Vec<Jmbg> {
        jmbg_chain(asked, self.annotations.iter().filter_map(|a| a.annotation.content.jmbg_change()))
    }
}

/// The chain of numbers through `asked` that `changes` (old, new) make, oldest first (just
/// `asked` when none applies).
pub fn jmbg_chain<'a>(asked: &Jmbg, changes: impl Iterator<Item = (&'a Jmbg, &'a Jmbg)>) -> Vec<Jmbg> {
    let changes: Vec<(&Jmbg, &Jmbg)> = changes.collect();
    let mut first = asked;
    // Each number is replaced at most once, so the walks end; the bound guards bad data.
    for _ in 0..changes.len() {
        match changes.iter().find(|(_, new)| *new == first) {
            Some((old, _)) if *old != asked => first = old,
            _ => break,
        }
    }
    let mut chain = vec![first.clone()];
    for _ in 0..changes.len() {
        let Some(last) = chain.last() else { break };
        match changes.iter().find(|(old, _)| *old == last) {
            Some((_, new)) if !chain.contains(new) => chain.push((*new).clone()),
            _ => break,
        }
    }
    chain
}

/// The two times a view is taken at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ViewTime {
    /// Legal state on this date.
    pub as_of: NaiveDate,
    /// Only records made up to this moment; `None` for everything recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<Timestamp>,
}

impl ViewTime {
    pub fn current(today: NaiveDate) -> Self {
        Self { as_of: today, recorded_at: None }
    }

    fn known(&self, recorded: Timestamp) -> bool {
        self.recorded_at.is_none_or(|t| recorded <= t)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaritalStatus {
    Single,
    Married,
    Divorced,
    Widowed,
    /// The marriage was annulled (treated as never validly concluded).
    Annulled,
}

/// The person's name from a date on, and why it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NameVersion {
    pub from: NaiveDate,
    pub given_name: String,
    pub surname: String,
    /// Kind of event that gave this name: `birth`, `marriage`, `marriage_ended`,
    /// `name_change`, `adoption`, `correction`.
    pub cause: String,
}

/// A relative named in the registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Relative {
    /// `mother`, `father`, `adoptive_mother`, `adoptive_father`, `child`, `spouse`.
    pub relation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jmbg: Option<Jmbg>,
    pub given_name: String,
    pub surname: String,
}

/// One entry with its annotations, as the view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntryWithAnnotations {
    #[serde(flatten)]
    pub entry: EntryRecord,
    pub annotations: Vec<AnnotationRecord>,
}

/// Everything known about one person at a view time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonView {
    /// The JMBG in force (a person asked for by a replaced number is shown by the new one).
    pub jmbg: Jmbg,
    /// Numbers the person had before a correction of the sex or the date of birth, oldest
    /// first: cancelled, never reused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_jmbgs: Vec<Jmbg>,
    pub given_name: String,
    pub surname: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<Place>,
    /// The office whose books hold the person's birth entry (or first entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_office: Option<String>,
    pub alive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<NaiveDate>,
    pub marital_status: MaritalStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<PersonRef>,
    /// Citizenships held on the view date.
    pub citizenships: Vec<String>,
    pub name_history: Vec<NameVersion>,
    pub parents: Vec<Relative>,
    pub children: Vec<Relative>,
    pub entries: Vec<EntryWithAnnotations>,
    pub view_time: ViewTime,
}

/// A marriage as the view reconstructs it from entries and annotations.
#[derive(Debug, Clone)]
struct Marriage {
    key: String,
    date: NaiveDate,
    spouse: PersonRef,
    surname_after: Option<String>,
    ended: Option<(NaiveDate, MarriageEndReason, Option<String>)>,
}

/// A dated change of name, collected before being applied in date order.
#[derive(Debug, Clone)]
struct NameEvent {
    date: NaiveDate,
    recorded: Timestamp,
    given_name: Option<String>,
    surname: Option<String>,
    cause: &'static str,
}

/// The key that identifies a marriage across its entry and the annotations it caused.
fn marriage_key(entry_id: Option<i64>, reference: &str) -> String {
    match entry_id {
        Some(id) => format!("local:{id}"),
        None => format!("ref:{reference}"),
    }
}

/// Derives the person view of `jmbg` from `records` at `time`; `None` when nothing about
/// the person was recorded by then.
pub fn person_view(jmbg: &Jmbg, records: &PersonRecords, time: ViewTime) -> Option<PersonView> {
    let mut entries: Vec<&EntryRecord> = records.entries.iter().filter(|e| time.known(e.recorded_at)).collect();
    entries.sort_by_key(|e| (e.content.event_date(), e.id));
    if entries.is_empty() {
        return None;
    }
    let mut annotations: Vec<&AnnotationRecord> = records.annotations.iter().filter(|a| time.known(a.recorded_at)).collect();
    annotations.sort_by_key(|a| (a.annotation.effective_date, a.recorded_at, a.id));

    let own_entry_ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    // The numbers the person has had: entries made before a correction of the sex or the
    // date of birth name the old one.
    let mut numbers = jmbg_chain(jmbg, annotations.iter().filter_map(|a| a.annotation.content.jmbg_change()));
    let jmbg = &numbers.pop().unwrap_or_else(|| jmbg.clone());
    let former_jmbgs = numbers;
    let me = |j: &Jmbg| j == jmbg || former_jmbgs.contains(j);
    let birth = entries.iter().find(|e| matches!(e.content, EntryContent::Birth(_))).copied();

    // Identity: the birth entry when this node holds it, else the first entry naming the person.
    let (mut given_name, mut surname, mut sex, mut birth_date, birth_place) = identity(&me, jmbg, &entries, birth);
    let registry_office = birth.or(entries.first().copied()).map(|e| e.office.clone());

    // Corrections of the birth entry's name fields are deemed to have always held.
    for a in &annotations {
        if Some(a.entry_id) != birth.map(|b| b.id) {
            continue;
        }
        match &a.annotation.content {
            AnnotationContent::Correction { field, new_value, .. } => match field.as_str() {
                "child.given_name" => given_name = new_value.clone(),
                "child.surname" => surname = new_value.clone(),
                _ => {}
            },
            AnnotationContent::IdentityCorrection { sex: s, birth_date: d, .. } => {
                sex = *s;
                birth_date = *d;
            }
            _ => {}
        }
    }

    // Marriages, from marriage entries and from annotations on the person's own entries.
    let mut marriages: BTreeMap<String, Marriage> = BTreeMap::new();
    for e in &entries {
        if let EntryContent::Marriage(m) = &e.content {
            let (me, other) = if me(&m.spouses[0].person.jmbg) { (0, 1) } else { (1, 0) };
            let o = &m.spouses[other].person;
            marriages.insert(
                marriage_key(Some(e.id), ""),
                Marriage {
                    key: marriage_key(Some(e.id), ""),
                    date: m.date,
                    spouse: PersonRef { jmbg: Some(o.jmbg.clone()), given_name: o.given_name.clone(), surname: o.surname.clone() },
                    surname_after: Some(m.spouses[me].surname_after.clone()),
                    ended: None,
                },
            );
        }
    }
    let mut death_date: Option<NaiveDate> = entries.iter().find_map(|e| match &e.content {
        EntryContent::Death(d) if me(&d.deceased.jmbg) => Some(d.death_date),
        _ => None,
    });
    let mut name_events: Vec<NameEvent> = Vec::new();
    let mut citizenship_events: Vec<(NaiveDate, String, bool)> = Vec::new();
    let mut parents: Vec<Relative> = Vec::new();

    if let Some(b) = birth {
        if let EntryContent::Birth(be) = &b.content {
            citizenship_events.push((be.child.birth_date, be.child.citizenship.clone(), true));
            parents.push(relative("mother", &be.mother.jmbg, &be.mother.given_name, &be.mother.surname));
            if let Some(f) = &be.father {
                parents.push(relative("father", &f.jmbg, &f.given_name, &f.surname));
            }
        }
    }
    for e in &entries {
        if let EntryContent::Citizenship(c) = &e.content {
            citizenship_events.push((c.acquired_on, c.citizenship.clone(), true));
        }
    }

    for a in &annotations {
        if !own_entry_ids.contains(&a.entry_id) {
            continue;
        }
        let date = a.annotation.effective_date;
        let on_marriage_entry = entries.iter().any(|e| e.id == a.entry_id && e.content.register() == Register::Marriages);
        match &a.annotation.content {
            AnnotationContent::Marriage { marriage, spouse, surname_after } => {
                let key = marriage_key(marriage.entry_id, &marriage.reference);
                marriages.entry(key.clone()).or_insert_with(|| Marriage {
                    key,
                    date,
                    spouse: spouse.clone(),
                    surname_after: Some(surname_after.clone()),
                    ended: None,
                });
            }
            AnnotationContent::MarriageEnded { marriage, reason, surname_after, spouse } => {
                // On a marriage entry, a divorce ends the marriage for both spouses, but a
                // surname chosen after it belongs only to the spouse it names.
                let mine = !on_marriage_entry || spouse.as_ref().is_none_or(|s| s.jmbg.as_ref().is_some_and(me));
                let key = if on_marriage_entry {
                    marriage_key(Some(a.entry_id), "")
                } else {
                    marriage_key(marriage.entry_id, &marriage.reference)
                };
                if let Some(m) = marriages.get_mut(&key) {
                    let surname = if mine { surname_after.clone() } else { None };
                    match &mut m.ended {
                        Some((_, _, s)) => {
                            if s.is_none() {
                                *s = surname;
                            }
                        }
                        None => m.ended = Some((date, *reason, surname)),
                    }
                }
            }
            AnnotationContent::Death { date: d, .. } => {
                death_date = Some(death_date.map_or(*d, |x| x.min(*d)));
            }
            AnnotationContent::NameChange { given_name, surname } => name_events.push(NameEvent {
                date,
                recorded: a.recorded_at,
                given_name: given_name.clone(),
                surname: surname.clone(),
                cause: "name_change",
            }),
            AnnotationContent::Adoption { given_name, surname, adoptive_mother, adoptive_father, full } => {
                name_events.push(NameEvent {
                    date,
                    recorded: a.recorded_at,
                    given_name: given_name.clone(),
                    surname: surname.clone(),
                    cause: "adoption",
                });
                if date <= time.as_of {
                    // A full adoption puts the adopters in the parents' place: the biological
                    // parent of the adopter's sex is no longer a parent.
                    let (mother, father) = if *full { ("mother", "father") } else { ("adoptive_mother", "adoptive_father") };
                    if let Some(m) = adoptive_mother {
                        if *full {
                            parents.retain(|p| p.relation != "mother");
                        }
                        parents.push(relative(mother, &m.jmbg, &m.given_name, &m.surname));
                    }
                    if let Some(f) = adoptive_father {
                        if *full {
                            parents.retain(|p| p.relation != "father");
                        }
                        parents.push(relative(father, &f.jmbg, &f.given_name, &f.surname));
                    }
                }
            }
            AnnotationContent::PaternityRecognized { father } => {
                if date <= time.as_of {
                    parents.retain(|p| p.relation != "father");
                    parents.push(relative("father", &father.jmbg, &father.given_name, &father.surname));
                }
            }
            AnnotationContent::CitizenshipAcquired { citizenship } => citizenship_events.push((date, citizenship.clone(), true)),
            AnnotationContent::CitizenshipLost { citizenship } => citizenship_events.push((date, citizenship.clone(), false)),
            AnnotationContent::Correction { .. } | AnnotationContent::IdentityCorrection { .. } => {}
        }
    }

    // Marriages contribute name changes at their start and end.
    for m in marriages.values() {
        if let Some(s) = &m.surname_after {
            name_events.push(NameEvent {
                date: m.date,
                recorded: Timestamp(0),
                given_name: None,
                surname: Some(s.clone()),
                cause: "marriage",
            });
        }
        if let Some((end, _, Some(s))) = &m.ended {
            name_events.push(NameEvent {
                date: *end,
                recorded: Timestamp(0),
                given_name: None,
                surname: Some(s.clone()),
                cause: "marriage_ended",
            });
        }
    }
    name_events.sort_by_key(|n| (n.date, n.recorded));

    let mut name_history =
        vec![NameVersion { from: birth_date, given_name: given_name.clone(), surname: surname.clone(), cause: "birth".into() }];
    for n in name_events.iter().filter(|n| n.date <= time.as_of) {
        if let Some(g) = &n.given_name {
            given_name = g.clone();
        }
        if let Some(s) = &n.surname {
            surname = s.clone();
        }
        name_history.push(NameVersion { from: n.date, given_name: given_name.clone(), surname: surname.clone(), cause: n.cause.into() });
    }

    // Marital status on the view date: the latest marriage concluded by then.
    let latest = marriages.values().filter(|m| m.date <= time.as_of).max_by_key(|m| (m.date, m.key.clone()));
    let (marital_status, spouse) = match latest {
        None => (MaritalStatus::Single, None),
        Some(m) => match m.ended {
            Some((end, reason, _)) if end <= time.as_of => (
                match reason {
                    MarriageEndReason::Divorce => MaritalStatus::Divorced,
                    MarriageEndReason::Annulment => MaritalStatus::Annulled,
                    MarriageEndReason::SpouseDeath => MaritalStatus::Widowed,
                },
                None,
            ),
            _ => (MaritalStatus::Married, Some(m.spouse.clone())),
        },
    };

    citizenship_events.sort_by_key(|e| e.0);
    let mut citizenships: Vec<String> = Vec::new();
    for (_, c, gained) in citizenship_events.into_iter().filter(|(d, ..)| *d <= time.as_of) {
        if gained {
            if !citizenships.contains(&c) {
                citizenships.push(c);
            }
        } else {
            citizenships.retain(|x| x != &c);
        }
    }

    let death_date = death_date.filter(|d| *d <= time.as_of);
    // Children: the birth entries naming the person as a parent, as they stand (a child
    // fully adopted by others since is no longer the person's).
    let known: Vec<AnnotationRecord> = records.children_annotations.iter().filter(|a| time.known(a.recorded_at)).cloned().collect();
    let children = records
        .children
        .iter()
        .filter(|e| time.known(e.recorded_at) && e.content.event_date() <= time.as_of)
        .map(|e| as_it_stands(e, &known, time.as_of))
        .filter_map(|e| match &e.content {
            EntryContent::Birth(b)
                if b.mother.jmbg.as_ref().is_some_and(me) || b.father.as_ref().and_then(|f| f.jmbg.as_ref()).is_some_and(me) =>
            {
                Some(relative("child", &Some(b.child.jmbg.clone()), &b.child.given_name, &b.child.surname))
            }
            _ => None,
        })
        .collect();

    let shown = entries
        .iter()
        .map(|e| EntryWithAnnotations {
            entry: (*e).clone(),
            annotations: annotations.iter().filter(|a| a.entry_id == e.id).map(|a| (*a).clone()).collect(),
        })
        .collect();

    Some(PersonView {
        jmbg: jmbg.clone(),
        former_jmbgs,
        given_name,
        surname,
        sex,
        birth_date,
        birth_place,
        registry_office,
        alive: death_date.is_none(),
        death_date,
        marital_status,
        spouse,
        citizenships,
        name_history,
        parents,
        children,
        entries: shown,
        view_time: time,
    })
}

fn relative(relation: &str, jmbg: &Option<Jmbg>, given_name: &str, surname: &str) -> Relative {
    Relative { relation: relation.into(), jmbg: jmbg.clone(), given_name: given_name.into(), surname: surname.into() }
}

/// Name, sex, birth date and place from the most authoritative entry available.
fn identity(
    me: &impl Fn(&Jmbg) -> bool,
    jmbg: &Jmbg,
    entries: &[&EntryRecord],
    birth: Option<&EntryRecord>,
) -> (String, String, Sex, NaiveDate, Option<Place>) {
    if let Some(EntryContent::Birth(b)) = birth.map(|b| &b.content) {
        let c = &b.child;
        return (c.given_name.clone(), c.surname.clone(), c.sex, c.birth_date, Some(c.birth_place.clone()));
    }
    for e in entries {
        let p = match &e.content {
            EntryContent::Citizenship(c) => Some(&c.person),
            EntryContent::Death(d) => Some(&d.deceased),
            EntryContent::Marriage(m) => m.spouses.iter().map(|s| &s.person).find(|p| me(&p.jmbg)),
            EntryContent::Birth(_) => None,
        };
        if let Some(p) = p {
            return (p.given_name.clone(), p.surname.clone(), p.sex, p.birth_date, Some(p.birth_place.clone()));
        }
    }
    (String::new(), String::new(), jmbg.sex(), jmbg.birth_date(), None)
}
