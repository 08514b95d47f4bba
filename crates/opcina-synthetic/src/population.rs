//! A synthetic population of a municipality, lived year by year from 1900 to today and
//! recorded through the registrars' own commands (on an in-memory registry): births to
//! married couples, citizenship, marriages (some with spouses from elsewhere), divorces,
//! deaths, changes of name and corrected errors. Every record therefore obeys the same
//! rules a registrar's does, and families are linked by their JMBGs.
//!
//! Deterministic: the same options give the same population, record for record.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use opcina_core::names::{Script, to_cyrillic};
use opcina_core::registry::annotation::{Annotation, AnnotationContent, LegalBasis};
use opcina_core::registry::commands::*;
use opcina_core::registry::entry::{CitizenshipBasis, EntryContent};
use opcina_core::registry::memory::{MemoryRegistry, Record};
use opcina_core::registry::{Actor, Place, Role, Sex, Timestamp};
use opcina_core::{CheckMode, Jmbg};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::names::{Tradition, names};
use crate::places::{self, COUNTRY, ELSEWHERE, SETTLEMENTS};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// People born in the municipality (each with a birth entry).
    pub persons: usize,
    pub seed: u64,
    /// The id the first record will receive (the store's journal head + 1).
    pub first_id: i64,
    pub today: NaiveDate,
    pub municipality: String,
    pub region: u8,
    /// Where people live, as (settlement, code of the office whose books hold their
    /// entries); empty: Kakanj's settlements ([`places::SETTLEMENTS`]).
    pub settlements: Vec<(String, String)>,
    /// The share of the region's JMBG serials the node assigns (its newborns' JMBGs).
    pub serial_block: opcina_core::jmbg::SerialBlock,
}

/// A generated population: its records in the order they were made, and counts.
#[derive(Debug, Default)]
pub struct Population {
    pub records: Vec<Record>,
    pub births: usize,
    pub citizenships: usize,
    pub marriages: usize,
    pub divorces: usize,
    pub deaths: usize,
    pub name_changes: usize,
    pub corrections: usize,
    /// Commands the registry refused (plans that became impossible, e.g. a death first).
    pub refused: usize,
}

const FIRST_YEAR: i32 = 1900;

#[derive(Debug, Clone)]
struct Person {
    jmbg: Jmbg,
    sex: Sex,
    tradition: Tradition,
    birth: NaiveDate,
    given: String,
    surname: String,
    birth_surname: String,
    settlement: usize,
    alive: bool,
    spouse: Option<usize>,
    marriage_entry: Option<i64>,
    birth_entry: Option<i64>,
    cyrillic: bool,
    children: u8,
}

#[derive(Debug, Clone)]
enum Event {
    Death(usize),
    Marriage(usize, usize),
    Divorce(usize),
    Birth { mother: Option<usize>, sex: Sex },
    NameChange(usize),
    Correction { person: usize, wrong: String },
}

struct Sim {
    rng: ChaCha8Rng,
    reg: MemoryRegistry,
    people: Vec<Person>,
    known: HashSet<String>,
    pop: Population,
    today: NaiveDate,
    target: usize,
    pending_corrections: Vec<(NaiveDate, Event)>,
    municipality: String,
    settlements: Vec<(String, String)>,
}

fn pick<'a, R: RngExt>(rng: &mut R, list: &'a [&'a str]) -> &'a str {
    // Zipf-like: earlier names are commoner.
    let n = list.len();
    let weights_total: f64 = (1..=n).map(|r| 1.0 / (r as f64).powf(0.9)).sum();
    let mut x = rng.random_range(0.0..weights_total);
    for (i, name) in list.iter().enumerate() {
        x -= 1.0 / ((i + 1) as f64).powf(0.9);
        if x <= 0.0 {
            return name;
        }
    }
    list[n - 1]
}

fn day_in(rng: &mut ChaCha8Rng, year: i32, limit: NaiveDate) -> Option<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let days = if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) { 366 } else { 365 };
    let d = start + Duration::days(rng.random_range(0..days));
    (d <= limit).then_some(d)
}

fn registrar(office: &str) -> Actor {
    Actor { username: format!("maticar.{}", office.to_lowercase()), role: Role::Registrar, office: Some(office.to_string()) }
}

impl Sim {
    fn office_of(&self, p: usize) -> String {
        self.settlements[self.people[p].settlement].1.clone()
    }

    fn settlement(&self, p: usize) -> &str {
        &self.settlements[self.people[p].settlement].0
    }

    /// A place in this municipality.
    fn here(&self, settlement: &str) -> Place {
        Place::new(settlement, &self.municipality, COUNTRY)
    }

    /// A settlement as an address in this municipality.
    fn residence(&self, settlement: usize) -> String {
        format!("{}, {}", self.settlements[settlement].0, self.municipality)
    }

    fn tradition(&mut self) -> Tradition {
        match self.rng.random_range(0..100) {
            0..=71 => Tradition::Bosniak,
            72..=89 => Tradition::Croat,
            _ => Tradition::Serb,
        }
    }

    fn given_name(&mut self, t: Tradition, sex: Sex) -> String {
        let n = names(t);
        pick(&mut self.rng, if sex == Sex::Male { n.male } else { n.female }).to_string()
    }

    fn surname(&mut self, t: Tradition) -> String {
        pick(&mut self.rng, names(t).surnames).to_string()
    }

    fn write(&self, cyrillic: bool, s: &str) -> String {
        if cyrillic { to_cyrillic(s) } else { s.to_string() }
    }

    fn run(&mut self, office: &str, cmd: Command, on: NaiveDate) -> Option<Applied> {
        let at = on.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()).and_utc();
        let now = Timestamp::from_datetime(at + Duration::seconds(self.rng.random_range(0..28_800)));
        match self.reg.execute(&registrar(office), &cmd, on, now) {
            Ok(a) => Some(a),
            Err(_) => {
                self.pop.refused += 1;
                None
            }
        }
    }

    fn registration_date(&mut self, event: NaiveDate, late_share: u32) -> NaiveDate {
        let delay = if self.rng.random_range(0..100) < late_share { self.rng.random_range(31..400) } else { self.rng.random_range(1..25) };
        (event + Duration::days(delay)).min(self.today)
    }

    /// The municipality's decision allowing a registration past the deadline, when it is late.
    fn late_decision(&mut self, event: NaiveDate, registered: NaiveDate) -> Option<LegalBasis> {
        if !opcina_core::registry::entry::is_late(event, registered) {
            return None;
        }
        let date = (registered - Duration::days(self.rng.random_range(0..10))).max(event);
        Some(LegalBasis {
            act: "late_registration_decision".into(),
            issuer: format!("Općina {}, Služba za opću upravu i društvene djelatnosti", self.municipality),
            number: format!("UP-I-03-13-{}/{:02}", self.rng.random_range(1..900), date.year() % 100),
            date,
        })
    }

    /// A person of another municipality (with a JMBG of its region), for marriages.
    fn outsider(&mut self, sex: Sex, around: NaiveDate, tradition: Option<Tradition>) -> Option<usize> {
        let t = tradition.unwrap_or_else(|| self.tradition());
        let (_, region) = ELSEWHERE[self.rng.random_range(0..ELSEWHERE.len())];
        let birth = around - Duration::days(self.rng.random_range(0..2500));
        let range = if sex == Sex::Male { 0..500 } else { 500..1000 };
        let jmbg = (0..20).find_map(|_| {
            let j = Jmbg::compose(birth, region, self.rng.random_range(range.clone()), CheckMode::Strict)?;
            (!self.known.contains(j.as_str())).then_some(j)
        })?;
        self.known.insert(jmbg.to_string());
        let given = self.given_name(t, sex);
        let surname = self.surname(t);
        self.people.push(Person {
            jmbg,
            sex,
            tradition: t,
            birth,
            given,
            surname: surname.clone(),
            birth_surname: surname,
            settlement: self.rng.random_range(0..self.settlements.len()),
            alive: true,
            spouse: None,
            marriage_entry: None,
            birth_entry: None,
            cyrillic: false,
            children: 0,
        });
        Some(self.people.len() - 1)
    }

    fn birth(&mut self, date: NaiveDate, mother: Option<usize>, sex: Sex) {
        let (tradition, settlement, cyrillic) = match mother {
            Some(m) => (self.people[m].tradition, self.people[m].settlement, self.people[m].cyrillic),
            None => {
                let t = self.tradition();
                (t, self.rng.random_range(0..self.settlements.len()), t == Tradition::Serb && self.rng.random_bool(0.5))
            }
        };
        let father = mother.and_then(|m| self.people[m].spouse);
        let surname = match (father, mother) {
            (Some(f), _) => self.people[f].surname.clone(),
            (None, Some(m)) => self.people[m].surname.clone(),
            (None, None) => self.surname(tradition),
        };
        let given = self.given_name(tradition, sex);
        // A few entries are made with a typo in the name, corrected by decision later.
        let misspelt = self.rng.random_range(0..1000) < 4 && given.chars().count() > 3;
        let written_given = if misspelt { swap_letters(&given) } else { given.clone() };
        let parent_input = |sim: &mut Sim, p: Option<usize>, sex: Sex| -> ParentInput {
            match p {
                Some(p) => {
                    let person = &sim.people[p];
                    ParentInput {
                        given_name: sim.write(cyrillic, &person.given),
                        surname: sim.write(cyrillic, &person.surname),
                        maiden_surname: (person.sex == Sex::Female && person.birth_surname != person.surname)
                            .then(|| sim.write(cyrillic, &person.birth_surname)),
                        jmbg: Some(person.jmbg.to_string()),
                        birth_date: None,
                        birth_place: None,
                        citizenship: Some(COUNTRY.into()),
                        residence: Some(sim.residence(person.settlement)),
                    }
                }
                None => {
                    let given = sim.given_name(tradition, sex);
                    let surname = if sex == Sex::Male { surname.clone() } else { sim.surname(tradition) };
                    let age = sim.rng.random_range(19..38) * 365;
                    ParentInput {
                        given_name: sim.write(cyrillic, &given),
                        surname: sim.write(cyrillic, &surname),
                        maiden_surname: None,
                        jmbg: None,
                        birth_date: Some(date - Duration::days(age)),
                        birth_place: Some(sim.here(&sim.settlements[settlement].0)),
                        citizenship: Some(COUNTRY.into()),
                        residence: Some(sim.residence(settlement)),
                    }
                }
            }
        };
        let mother_input = parent_input(self, mother, Sex::Female);
        let father_input = match father {
            Some(f) => Some(parent_input(self, Some(f), Sex::Male)),
            None if mother.is_none() && self.rng.random_bool(0.9) => Some(parent_input(self, None, Sex::Male)),
            None => None,
        };
        let birth_place = if date.year() >= 1960 && self.rng.random_bool(0.8) {
            places::maternity_ward()
        } else {
            self.here(&self.settlements[settlement].0)
        };
        let registered_on = self.registration_date(date, 3);
        let office = self.settlements[settlement].1.clone();
        let cmd = Command::RegisterBirth(RegisterBirth {
            child: NewChild {
                given_name: self.write(cyrillic, &written_given),
                surname: self.write(cyrillic, &surname),
                sex,
                birth_date: date,
                birth_time: NaiveTime::from_hms_opt(self.rng.random_range(0..24), self.rng.random_range(0..60), 0),
                birth_place,
                citizenship: COUNTRY.into(),
            },
            mother: mother_input,
            father: father_input,
            informant: if father.is_some() { "otac".into() } else { "majka".into() },
            registered_on: Some(registered_on),
            script: if cyrillic { Script::Cyrillic } else { Script::Latin },
            note: None,
            competence: None,
            late_decision: self.late_decision(date, registered_on),
        });
        let Some(applied) = self.run(&office, cmd, registered_on) else { return };
        let Some(entry) = applied.entry else { return };
        let EntryContent::Birth(b) = &entry.content else { return };
        self.pop.births += 1;
        self.known.insert(b.child.jmbg.to_string());
        if let Some(m) = mother {
            self.people[m].children += 1;
        }
        let index = self.people.len();
        self.people.push(Person {
            jmbg: b.child.jmbg.clone(),
            sex,
            tradition,
            birth: date,
            given: given.clone(),
            surname: surname.clone(),
            birth_surname: surname,
            settlement,
            alive: true,
            spouse: None,
            marriage_entry: None,
            birth_entry: Some(entry.id),
            cyrillic,
            children: 0,
        });
        if misspelt {
            let when = registered_on + Duration::days(self.rng.random_range(30..700));
            if when <= self.today {
                self.pending_corrections.push((when, Event::Correction { person: index, wrong: written_given }));
            }
        }
        // Entered in the register of citizens by origin.
        let cmd = Command::RegisterCitizenship(RegisterCitizenship {
            jmbg: b.child.jmbg.to_string(),
            person: None,
            father_name: b.father.as_ref().map(|f| f.given_name.clone()),
            mother_name: Some(b.mother.given_name.clone()),
            citizenship: COUNTRY.into(),
            basis: CitizenshipBasis::Origin,
            acquired_on: date,
            legal_basis: None,
            residence: Some(self.residence(settlement)),
            registered_on: Some(registered_on),
            script: if cyrillic { Script::Cyrillic } else { Script::Latin },
        });
        if self.run(&office, cmd, registered_on).is_some() {
            self.pop.citizenships += 1;
        }
    }

    fn marriage(&mut self, a: usize, b: usize, date: NaiveDate) {
        let (man, woman) = if self.people[a].sex == Sex::Male { (a, b) } else { (b, a) };
        if !self.people[man].alive || !self.people[woman].alive || self.people[man].spouse.is_some() || self.people[woman].spouse.is_some()
        {
            return;
        }
        let after = self.people[man].surname.clone();
        let both_cyrillic = self.people[man].cyrillic && self.people[woman].cyrillic;
        let spouse_input = |sim: &Sim, p: usize, after: &str| {
            let person = &sim.people[p];
            SpouseInput {
                jmbg: person.jmbg.to_string(),
                person: person.birth_entry.is_none().then(|| PersonInput {
                    given_name: person.given.clone(),
                    surname: person.surname.clone(),
                    sex: Some(person.sex),
                    birth_place: places::elsewhere(ELSEWHERE[person.settlement % ELSEWHERE.len()].0),
                }),
                surname_after: sim.write(both_cyrillic, after),
                citizenship: COUNTRY.into(),
                residence: sim.residence(person.settlement),
                father_name: None,
                mother_name: None,
            }
        };
        let witnesses = (0..2)
            .map(|i| {
                let t = self.people[if i == 0 { man } else { woman }].tradition;
                let sex = if self.rng.random_bool(0.5) { Sex::Male } else { Sex::Female };
                format!("{} {}", self.given_name(t, sex), self.surname(t))
            })
            .collect();
        let office = self.office_of(woman);
        let cmd = Command::RegisterMarriage(RegisterMarriage {
            date,
            place: self.here(self.settlement(woman)),
            spouses: [spouse_input(self, man, &after), spouse_input(self, woman, &after)],
            witnesses,
            officiant: format!("matičar {}", office),
            court_permission: None,
            registered_on: Some(date),
            script: if both_cyrillic { Script::Cyrillic } else { Script::Latin },
        });
        let Some(applied) = self.run(&office, cmd, date) else { return };
        self.pop.marriages += 1;
        let id = applied.entry.map(|e| e.id);
        self.people[man].spouse = Some(woman);
        self.people[woman].spouse = Some(man);
        self.people[man].marriage_entry = id;
        self.people[woman].marriage_entry = id;
        self.people[woman].surname = after;
        self.people[woman].settlement = self.people[man].settlement;
    }

    fn divorce(&mut self, p: usize, date: NaiveDate) {
        let (Some(spouse), Some(entry)) = (self.people[p].spouse, self.people[p].marriage_entry) else { return };
        let (man, woman) = if self.people[p].sex == Sex::Male { (p, spouse) } else { (spouse, p) };
        let back = self.rng.random_bool(0.5).then(|| self.people[woman].birth_surname.clone());
        let judgment = date - Duration::days(self.rng.random_range(15..60));
        let number = format!("43 0 P {:06} {:02} P", self.rng.random_range(1..999_999), judgment.year() % 100);
        // The first spouse of the entry is the man: see `marriage`.
        let cmd = Command::RegisterDivorce(RegisterDivorce {
            marriage_entry_id: entry,
            reason: DivorceReason::Divorce,
            legal_basis: LegalBasis {
                act: "presuda o razvodu braka".into(),
                issuer: "Općinski sud u Zenici".into(),
                number,
                date: judgment,
            },
            effective_date: date,
            surnames_after: [None, back.clone()],
        });
        let registered = self.registration_date(date, 0);
        if self.run(&self.office_of(woman), cmd, registered).is_none() {
            return;
        }
        self.pop.divorces += 1;
        for x in [man, woman] {
            self.people[x].spouse = None;
            self.people[x].marriage_entry = None;
        }
        if let Some(s) = back {
            self.people[woman].surname = s;
        }
    }

    fn death(&mut self, p: usize, date: NaiveDate) {
        if !self.people[p].alive {
            return;
        }
        let registered = self.registration_date(date, 2);
        let person = self.people[p].birth_entry.is_none().then(|| PersonInput {
            given_name: self.people[p].given.clone(),
            surname: self.people[p].surname.clone(),
            sex: Some(self.people[p].sex),
            birth_place: places::elsewhere(ELSEWHERE[self.people[p].settlement % ELSEWHERE.len()].0),
        });
        let place = if self.rng.random_bool(0.6) { self.here(self.settlement(p)) } else { places::maternity_ward() };
        let cmd = Command::RegisterDeath(RegisterDeath {
            jmbg: self.people[p].jmbg.to_string(),
            person,
            death_date: date,
            death_time: NaiveTime::from_hms_opt(self.rng.random_range(0..24), self.rng.random_range(0..60), 0),
            death_place: place,
            last_residence: format!("{}, {}", self.settlement(p), self.municipality),
            death_confirmation: format!("potvrda o smrti br. {}/{}", self.rng.random_range(1..2000), date.year()),
            citizenship: Some(COUNTRY.into()),
            father_name: None,
            mother_name: None,
            informant: "član porodice".into(),
            registered_on: Some(registered),
            script: if self.people[p].cyrillic { Script::Cyrillic } else { Script::Latin },
            competence: None,
            late_decision: self.late_decision(date, registered),
        });
        if self.run(&self.office_of(p), cmd, registered).is_none() {
            return;
        }
        self.pop.deaths += 1;
        self.people[p].alive = false;
        if let Some(s) = self.people[p].spouse.take() {
            self.people[s].spouse = None;
            self.people[s].marriage_entry = None;
        }
    }

    fn annotate(&mut self, p: usize, content: AnnotationContent, date: NaiveDate) -> bool {
        let Some(entry_id) = self.people[p].birth_entry else { return false };
        let decision = date - Duration::days(self.rng.random_range(5..40));
        let cmd = Command::AddAnnotation(AddAnnotation {
            entry_id,
            annotation: Annotation {
                content,
                legal_basis: LegalBasis {
                    act: "rješenje".into(),
                    issuer: format!("Općina {}, Služba za opću upravu i društvene djelatnosti", self.municipality),
                    number: format!("UP-I-03-13-{}/{:02}", self.rng.random_range(1..900), decision.year() % 100),
                    date: decision,
                },
                effective_date: date,
                note: None,
            },
        });
        self.run(&self.office_of(p), cmd, date).is_some()
    }

    fn name_change(&mut self, p: usize, date: NaiveDate) {
        let t = self.people[p].tradition;
        let given = self.given_name(t, self.people[p].sex);
        if given == self.people[p].given {
            return;
        }
        let written = self.write(self.people[p].cyrillic, &given);
        if self.annotate(p, AnnotationContent::NameChange { given_name: Some(written), surname: None }, date) {
            self.pop.name_changes += 1;
            self.people[p].given = given;
        }
    }

    fn correction(&mut self, p: usize, wrong: &str, date: NaiveDate) {
        let cyrillic = self.people[p].cyrillic;
        let old_value = self.write(cyrillic, wrong);
        let new_value = self.write(cyrillic, &self.people[p].given.clone());
        if self.annotate(p, AnnotationContent::Correction { field: "child.given_name".into(), old_value, new_value }, date) {
            self.pop.corrections += 1;
        }
    }

    fn execute(&mut self, date: NaiveDate, event: Event) {
        match event {
            Event::Death(p) => self.death(p, date),
            Event::Marriage(a, b) => self.marriage(a, b, date),
            Event::Divorce(p) => self.divorce(p, date),
            Event::Birth { mother, sex } => {
                if self.pop.births < self.target && mother.is_none_or(|m| self.people[m].alive) {
                    self.birth(date, mother, sex);
                }
            }
            Event::NameChange(p) => {
                if self.people[p].alive {
                    self.name_change(p, date)
                }
            }
            Event::Correction { person, wrong } => self.correction(person, &wrong, date),
        }
    }

    fn year(&mut self, year: i32, births: usize) {
        let last = if year == self.today.year() {
            self.today - Duration::days(1)
        } else {
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(self.today)
        };
        let mut events: Vec<(NaiveDate, Event)> = Vec::new();
        let mut singles: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        let mut mothers: Vec<usize> = Vec::new();
        for i in 0..self.people.len() {
            let p = &self.people[i];
            if !p.alive {
                continue;
            }
            let age = year - p.birth.year();
            let q = match age {
                0 => 0.004,
                1..=49 => 0.0008,
                50..=64 => 0.007,
                65..=74 => 0.022,
                75..=84 => 0.065,
                _ => 0.17,
            };
            if self.rng.random_bool(q) {
                if let Some(d) = day_in(&mut self.rng, year, last).filter(|d| *d > p.birth) {
                    events.push((d, Event::Death(i)));
                    continue;
                }
            }
            if p.spouse.is_none() && (20..=45).contains(&age) {
                singles[usize::from(p.sex == Sex::Female)].push(i);
            }
            if p.spouse.is_some() {
                if p.sex == Sex::Female && (19..=42).contains(&age) && p.children < 6 {
                    mothers.push(i);
                }
                if p.sex == Sex::Male && self.rng.random_range(0..1000) < 4 {
                    if let Some(d) = day_in(&mut self.rng, year, last) {
                        events.push((d, Event::Divorce(i)));
                    }
                }
            }
            if age >= 18 && self.rng.random_range(0..10_000) < 3 {
                if let Some(d) = day_in(&mut self.rng, year, last) {
                    events.push((d, Event::NameChange(i)));
                }
            }
        }
        // Marriages: some singles find a partner here (mostly of their own naming tradition),
        // some marry someone from elsewhere.
        let [mut men, women] = singles;
        shuffle(&mut self.rng, &mut men);
        let mut by_tradition: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for w in women {
            by_tradition[self.people[w].tradition as usize].push(w);
        }
        for list in by_tradition.iter_mut() {
            shuffle(&mut self.rng, list);
        }
        let mid = NaiveDate::from_ymd_opt(year, 6, 1).unwrap_or(self.today);
        for man in men {
            if !self.rng.random_bool(0.13) {
                continue;
            }
            let Some(d) = day_in(&mut self.rng, year, last) else { continue };
            let partner = if self.rng.random_bool(0.8) {
                let own = self.people[man].tradition;
                let mixed = self.rng.random_range(0..100) < 8;
                let key = if mixed { self.rng.random_range(0..3) } else { own as usize };
                by_tradition[key].pop()
            } else {
                let around = self.people[man].birth + Duration::days(700);
                self.outsider(Sex::Female, around.min(mid - Duration::days(20 * 365)), Some(self.people[man].tradition))
            };
            if let Some(w) = partner {
                events.push((d, Event::Marriage(man, w)));
            }
        }
        let left: Vec<usize> = by_tradition.into_iter().flatten().take(3).collect();
        for woman in left {
            if self.rng.random_bool(0.1) {
                let around = self.people[woman].birth - Duration::days(700);
                let tradition = Some(self.people[woman].tradition);
                if let (Some(m), Some(d)) =
                    (self.outsider(Sex::Male, around.min(mid - Duration::days(20 * 365)), tradition), day_in(&mut self.rng, year, last))
                {
                    events.push((d, Event::Marriage(m, woman)));
                }
            }
        }
        // Births: to married mothers when there are any (younger mothers likelier).
        for _ in 0..births {
            let Some(d) = day_in(&mut self.rng, year, last) else { continue };
            let mother = if mothers.is_empty() || self.rng.random_range(0..100) < 4 {
                None
            } else {
                Some(mothers[self.rng.random_range(0..mothers.len())])
            };
            let sex = if self.rng.random_bool(0.515) { Sex::Male } else { Sex::Female };
            events.push((d, Event::Birth { mother, sex }));
        }
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_corrections).into_iter().partition(|(d, _)| d.year() <= year);
        self.pending_corrections = later;
        events.extend(due);
        events.sort_by_key(|(d, _)| *d);
        for (d, e) in events {
            self.execute(d, e);
        }
    }
}

fn shuffle<T>(rng: &mut ChaCha8Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

/// The name with two inner letters swapped (a registrar's slip).
fn swap_letters(s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() > 3 {
        c.swap(1, 2);
    }
    c.into_iter().collect()
}

/// Relative number of births in a year (the shape of the population pyramid).
fn birth_weight(year: i32) -> f64 {
    match year {
        ..=1934 => 0.45,
        1935..=1949 => 0.8,
        1950..=1969 => 1.35,
        1970..=1989 => 1.2,
        1990..=1995 => 0.7,
        1996..=2010 => 0.85,
        _ => 0.6,
    }
}

/// Generates a population.
pub fn generate(options: &Options) -> Population {
    let mut sim = Sim {
        rng: ChaCha8Rng::seed_from_u64(options.seed),
        reg: {
            let mut reg = MemoryRegistry::new(&options.municipality, options.region, CheckMode::Strict, options.first_id);
            reg.serial_block = options.serial_block;
            reg
        },
        people: Vec::new(),
        known: HashSet::new(),
        pop: Population::default(),
        today: options.today,
        target: options.persons,
        pending_corrections: Vec::new(),
        municipality: options.municipality.clone(),
        settlements: if options.settlements.is_empty() {
            SETTLEMENTS.iter().map(|(s, o)| (s.to_string(), o.to_string())).collect()
        } else {
            options.settlements.clone()
        },
    };
    let last_year = options.today.year();
    let years: Vec<i32> = (FIRST_YEAR..=last_year).collect();
    let total: f64 = years.iter().map(|y| birth_weight(*y)).sum();
    // A little more than needed is planned: some births cannot happen (a mother died first).
    let plan = |y: i32| ((options.persons as f64) * 1.04 * birth_weight(y) / total).round() as usize;
    for year in years {
        sim.year(year, plan(year));
    }
    // Top up to the exact number, in the last months.
    let mut guard = 0;
    while sim.pop.births < options.persons && guard < options.persons * 4 + 100 {
        guard += 1;
        let from = options.today - Duration::days(200);
        let d = from + Duration::days(sim.rng.random_range(0..190));
        let sex = if sim.rng.random_bool(0.515) { Sex::Male } else { Sex::Female };
        sim.birth(d, None, sex);
    }
    sim.pop.records = sim.reg.into_records();
    sim.pop
}

#[cfg(test)]
mod tests {
    use super::*;
    use opcina_core::registry::person::{ViewTime, person_view};

    fn small(seed: u64) -> Population {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        generate(&Options {
            persons: 1500,
            seed,
            first_id: 1,
            today,
            municipality: "Kakanj".into(),
            region: 19,
            settlements: Vec::new(),
            serial_block: opcina_core::jmbg::SerialBlock::WHOLE,
        })
    }

    #[test]
    fn the_requested_number_of_people_is_born_with_everything_else_around_them() {
        let p = small(7);
        assert_eq!(p.births, 1500);
        assert_eq!(p.citizenships, 1500);
        assert!(p.marriages > 100, "{p:?}");
        assert!(p.deaths > 100, "{p:?}");
        assert!(p.divorces > 0 && p.name_changes + p.corrections > 0, "{:?}", (p.divorces, p.name_changes, p.corrections));
    }

    #[test]
    fn the_same_seed_gives_the_same_population() {
        let (a, b) = (small(42), small(42));
        assert_eq!(a.records, b.records);
        assert_ne!(a.records, small(43).records);
    }

    #[test]
    fn records_have_consecutive_ids_and_consistent_people() {
        let p = small(3);
        for (i, r) in p.records.iter().enumerate() {
            assert_eq!(r.id(), i as i64 + 1);
        }
        // Rebuild the registry and check some people: families linked, JMBGs valid.
        let mut reg = MemoryRegistry::new("Kakanj", 19, CheckMode::Strict, 1);
        for r in &p.records {
            match r {
                Record::Entry(e) => reg.add_entry(e.clone()),
                Record::Annotation(a) => reg.add_annotation(a.clone()),
            }
        }
        let mut with_parents = 0;
        let mut cyrillic = 0;
        for r in &p.records {
            if let Record::Entry(e) = r {
                if let EntryContent::Birth(b) = &e.content {
                    assert!(Jmbg::parse(b.child.jmbg.as_str(), CheckMode::Strict).is_ok());
                    assert_eq!(b.child.jmbg.birth_date(), b.child.birth_date);
                    assert_eq!(b.child.jmbg.sex(), b.child.sex);
                    if b.mother.jmbg.is_some() {
                        with_parents += 1;
                    }
                    if e.script == Script::Cyrillic {
                        cyrillic += 1;
                    }
                    let view = person_view(&b.child.jmbg, &reg.person_records(&b.child.jmbg), ViewTime::current(NaiveDate::MAX));
                    assert!(view.is_some());
                }
            }
        }
        assert!(with_parents > 500, "families are linked ({with_parents})");
        assert!(cyrillic > 10, "some entries are in Cyrillic ({cyrillic})");
    }
}
