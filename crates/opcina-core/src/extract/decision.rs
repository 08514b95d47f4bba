//! The decision (rješenje) that refuses a request for an extract or certificate: who asked,
//! for what, which relation they stated, and why the law does not allow it (Art. 64), with
//! the instruction on appeal. Refusals are numbered and registered like extracts.

use serde::{Deserialize, Serialize};

use super::content::ExtractNumber;
use super::document::{date, kind_title};
use super::eligibility::{Denial, LEGAL_BASIS, STATE_BASIS};
use super::kind::{ExtractKind, Language};
use super::words::{fill_in, words};
use crate::jmbg::Jmbg;
use crate::names::Script;
use crate::registry::Timestamp;

/// The facts of a refusal, as registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefusalFacts {
    pub number: ExtractNumber,
    pub decided_at: Timestamp,
    pub decided_on: chrono::NaiveDate,
    pub kind: ExtractKind,
    pub language: Language,
    pub script: Script,
    pub subject: Jmbg,
    pub requester_name: String,
    pub relation: String,
    pub purpose: String,
    pub denial: Denial,
    pub municipality: String,
    pub office_name: String,
    pub place: String,
    pub official: String,
}

/// A decision ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionDocument {
    pub lang: String,
    pub meta_title: String,
    pub header: Vec<String>,
    pub number: String,
    pub place_date: String,
    pub intro: String,
    pub title: String,
    pub operative: String,
    pub reasoning_title: String,
    pub reasoning: Vec<String>,
    pub appeal: String,
    pub official_label: String,
    pub official: String,
    pub keywords: Vec<String>,
}

impl RefusalFacts {
    /// The decision's registry number: `UP-I-KAK-3/2026`.
    pub fn registry_number(&self) -> String {
        format!("UP-I-{}-{}/{}", self.number.office, self.number.serial, self.number.year)
    }
}

pub fn decision(f: &RefusalFacts) -> DecisionDocument {
    let w = words(f.language);
    let t = |s: &str| f.script.write(s);
    // What was recorded or typed (names, the purpose, the office) in the decision's script too.
    let r = |s: &str| f.script.write_recorded(s);
    let say = |template: &str, values: &[(&str, &str)]| fill_in(f.script, template, values);
    let kind = t(kind_title(f.language, f.kind));
    let (reason, basis) = match f.denial.code.as_str() {
        "extract.no_legal_relation" => (w.decision_no_relation, LEGAL_BASIS),
        "extract.person_deceased" => (w.decision_deceased, STATE_BASIS),
        "extract.person_married" => (w.decision_married, STATE_BASIS),
        "extract.citizenship_lost" => (w.decision_no_citizenship, STATE_BASIS),
        _ => (w.decision_not_confirmed, LEGAL_BASIS),
    };
    let relation = match super::request::Relation::parse(&f.relation) {
        Some(r) => t(super::words::relation_name(f.language, r)),
        None => f.relation.clone(),
    };
    let jmbg = f.subject.to_string();
    DecisionDocument {
        lang: f.language.as_str().to_string(),
        meta_title: format!("{} {}", t(w.decision_title), f.registry_number()),
        header: vec![t(w.country), t(w.entity), say(w.municipality, &[("name", &f.municipality)]), t(w.service), r(&f.office_name)],
        number: format!("{}: {}", t(w.number), f.registry_number()),
        place_date: format!("{}, {}", r(&f.place), date(f.decided_on)),
        intro: say(w.decision_intro, &[("basis", &t(basis))]),
        title: t(w.decision_title),
        operative: say(
            w.decision_operative,
            &[("requester", &f.requester_name), ("kind", &kind), ("jmbg", &jmbg), ("purpose", &f.purpose)],
        ),
        reasoning_title: t(w.decision_reasoning),
        reasoning: vec![say(reason, &[("relation", &relation), ("basis", &t(basis))])],
        appeal: t(w.decision_appeal),
        official_label: t(w.official),
        official: r(&f.official),
        keywords: vec![format!("opcina-decision:{}", f.number.id())],
    }
}
