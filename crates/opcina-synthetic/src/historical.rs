//! Digitised historical books: a stream of import lines (see
//! `opcina_core::registry::import`) transcribing birth entries from 1900 on, with the marginal
//! notes of marriages and deaths registered elsewhere. Constant memory, any size: for
//! benchmarks of the import and of search at the scale of a country, and for import tests.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use opcina_core::names::{Script, to_cyrillic};
use opcina_core::registry::annotation::{Annotation, AnnotationContent, EventRef, LegalBasis, PersonRef};
use opcina_core::registry::entry::{BirthEntry, ChildData, ParentData};
use opcina_core::registry::import::ImportLine;
use opcina_core::registry::{Register, Sex};
use opcina_core::{CheckMode, Jmbg};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::names::{Tradition, names};
use crate::places::{self, COUNTRY, ELSEWHERE, SETTLEMENTS};

/// Import lines of digitised birth books.
pub struct Historical {
    rng: ChaCha8Rng,
    remaining: usize,
    region: u8,
    today: NaiveDate,
    numbers: HashMap<(&'static str, i32), i64>,
    serials: HashMap<(NaiveDate, bool), u16>,
}

impl Historical {
    /// `count` lines for a municipality of JMBG region `region`, up to `today`.
    pub fn new(count: usize, seed: u64, region: u8, today: NaiveDate) -> Self {
        Historical {
            rng: ChaCha8Rng::seed_from_u64(seed),
            remaining: count,
            region,
            today,
            numbers: HashMap::new(),
            serials: HashMap::new(),
        }
    }

    fn pick(&mut self, list: &'static [&'static str]) -> &'static str {
        // Squared uniform: earlier (commoner) names are chosen more often.
        let x: f64 = self.rng.random_range(0.0..1.0);
        list[((x * x) * list.len() as f64) as usize % list.len()]
    }

    fn jmbg(&mut self, date: NaiveDate, sex: Sex) -> Option<Jmbg> {
        let female = sex == Sex::Female;
        let next = self.serials.entry((date, female)).or_insert(if female { 500 } else { 0 });
        let limit = if female { 999 } else { 499 };
        while *next <= limit {
            let serial = *next;
            *next += 1;
            if let Some(j) = Jmbg::compose(date, self.region, serial, CheckMode::Strict) {
                return Some(j);
            }
        }
        None
    }

    fn line(&mut self) -> Option<ImportLine> {
        let tradition = match self.rng.random_range(0..100) {
            0..=71 => Tradition::Bosniak,
            72..=89 => Tradition::Croat,
            _ => Tradition::Serb,
        };
        let n = names(tradition);
        let cyrillic = tradition == Tradition::Serb && self.rng.random_bool(0.5);
        let w = |s: &str| if cyrillic { to_cyrillic(s) } else { s.to_string() };
        let sex = if self.rng.random_bool(0.515) { Sex::Male } else { Sex::Female };
        let span = (self.today - NaiveDate::from_ymd_opt(1900, 1, 1)?).num_days() - 60;
        let (birth, jmbg) = (0..50).find_map(|_| {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1)? + Duration::days(self.rng.random_range(0..span));
            Some(d).zip(self.jmbg(d, sex))
        })?;
        let (settlement, office) = SETTLEMENTS[self.rng.random_range(0..SETTLEMENTS.len())];
        let late = self.rng.random_range(0..100) < 3;
        let registered_on =
            (birth + Duration::days(if late { self.rng.random_range(31..300) } else { self.rng.random_range(1..25) })).min(self.today);
        let year = registered_on.year();
        let number = self.numbers.entry((office, year)).or_insert(0);
        *number += 1;
        let number = *number;
        let given = self.pick(if sex == Sex::Male { n.male } else { n.female });
        let surname = self.pick(n.surnames);
        let mother_given = self.pick(n.female);
        let father_given = self.pick(n.male);
        let mother_born = birth - Duration::days(self.rng.random_range(18 * 365..40 * 365));
        let data = BirthEntry {
            child: ChildData {
                given_name: w(given),
                surname: w(surname),
                sex,
                birth_date: birth,
                birth_time: None,
                birth_place: if birth.year() > 1960 { places::maternity_ward() } else { places::kakanj(settlement) },
                jmbg,
                citizenship: COUNTRY.into(),
            },
            mother: ParentData {
                given_name: w(mother_given),
                surname: w(surname),
                maiden_surname: Some(w(self.pick(n.surnames))),
                jmbg: None,
                birth_date: Some(mother_born),
                birth_place: None,
                citizenship: Some(COUNTRY.into()),
                residence: Some(format!("{settlement}, Kakanj")),
            },
            father: Some(ParentData {
                given_name: w(father_given),
                surname: w(surname),
                maiden_surname: None,
                jmbg: None,
                birth_date: None,
                birth_place: None,
                citizenship: Some(COUNTRY.into()),
                residence: Some(format!("{settlement}, Kakanj")),
            }),
            informant: "otac".into(),
            note: None,
            // Old books do not carry the acts behind a late entry in a field of their own.
            competence: None,
            late_decision: None,
        };
        let mut annotations = Vec::new();
        let married = birth + Duration::days(self.rng.random_range(20 * 365..35 * 365));
        if married < self.today && self.rng.random_bool(0.4) {
            let (municipality, _) = ELSEWHERE[self.rng.random_range(0..ELSEWHERE.len())];
            let spouse_sex = if sex == Sex::Male { n.female } else { n.male };
            let spouse_surname = self.pick(n.surnames);
            let after = if sex == Sex::Female { spouse_surname } else { surname };
            let reference = format!("MKV {}/{}", self.rng.random_range(1..400), married.year());
            annotations.push(Annotation {
                content: AnnotationContent::Marriage {
                    marriage: EventRef { entry_id: None, municipality: municipality.into(), reference: reference.clone() },
                    spouse: PersonRef { jmbg: None, given_name: w(self.pick(spouse_sex)), surname: w(spouse_surname) },
                    surname_after: w(after),
                },
                legal_basis: LegalBasis {
                    act: "izvod iz matične knjige vjenčanih".into(),
                    issuer: format!("Općina {municipality}"),
                    number: reference,
                    date: married,
                },
                effective_date: married,
                note: None,
            });
        }
        let died = birth + Duration::days(self.rng.random_range(45 * 365..95 * 365));
        if died < self.today && self.rng.random_bool(0.6) {
            let (municipality, _) = ELSEWHERE[self.rng.random_range(0..ELSEWHERE.len())];
            let reference = format!("MKU {}/{}", self.rng.random_range(1..400), died.year());
            annotations.push(Annotation {
                content: AnnotationContent::Death {
                    death: EventRef { entry_id: None, municipality: municipality.into(), reference: reference.clone() },
                    date: died,
                    place: Some(places::elsewhere(municipality)),
                },
                legal_basis: LegalBasis {
                    act: "izvod iz matične knjige umrlih".into(),
                    issuer: format!("Općina {municipality}"),
                    number: reference,
                    date: died,
                },
                effective_date: died,
                note: None,
            });
        }
        Some(ImportLine {
            register: Register::Births,
            office: office.into(),
            year,
            number,
            registered_on,
            script: if cyrillic { Script::Cyrillic } else { Script::Latin },
            data: serde_json::to_value(&data).ok()?,
            annotations,
        })
    }
}

impl Iterator for Historical {
    type Item = ImportLine;

    fn next(&mut self) -> Option<ImportLine> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        self.line()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opcina_core::registry::import::check_line;

    #[test]
    fn every_generated_line_passes_the_import_checks() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let lines: Vec<ImportLine> = Historical::new(3000, 9, 19, today).collect();
        assert_eq!(lines.len(), 3000);
        let mut jmbgs = std::collections::HashSet::new();
        for line in &lines {
            let checked = check_line(line, CheckMode::Strict, today);
            let checked = checked.unwrap_or_else(|e| panic!("{e:?}"));
            assert!(jmbgs.insert(checked.content.subject().clone()), "JMBGs are unique");
        }
    }
}
