//! What the person index holds about each person, and what a search returns.

use chrono::NaiveDate;
use opcina_core::Jmbg;
use opcina_core::registry::{PersonView, Sex};
use serde::{Deserialize, Serialize};

/// One person as indexed: the current name and the names borne before, for finding them;
/// the rest for showing them in a list a clerk can scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonHit {
    pub jmbg: Jmbg,
    /// Numbers the person had before a corrected sex or date of birth: a search by one of
    /// them finds the person under the number in force.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_jmbgs: Vec<Jmbg>,
    pub given_name: String,
    pub surname: String,
    /// Names borne before (maiden surname, changed names), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<String>,
    /// The office whose books hold the person's birth (or first) entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_office: Option<String>,
    pub alive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<NaiveDate>,
}

impl PersonHit {
    pub fn from_view(v: &PersonView) -> PersonHit {
        let mut former_names: Vec<String> = Vec::new();
        for n in &v.name_history {
            let full = format!("{} {}", n.given_name, n.surname);
            let current = format!("{} {}", v.given_name, v.surname);
            if full != current && !former_names.contains(&full) {
                former_names.push(full);
            }
        }
        PersonHit {
            jmbg: v.jmbg.clone(),
            former_jmbgs: v.former_jmbgs.clone(),
            given_name: v.given_name.clone(),
            surname: v.surname.clone(),
            former_names,
            sex: v.sex,
            birth_date: v.birth_date,
            birth_place: v.birth_place.as_ref().map(|p| p.to_string()),
            registry_office: v.registry_office.clone(),
            alive: v.alive,
            death_date: v.death_date,
        }
    }
}
