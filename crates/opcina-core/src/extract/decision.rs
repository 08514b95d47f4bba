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
    /// How the decision is appealed, as the body had set it when it decided; absent when it
    /// had set nothing (the instruction then names no body and no fee).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<AppealRoute>,
    /// The number the decision took in the body's UP-I book, by the body's pattern
    /// (`UP-I-01/1-25-12/26`); absent when the body keeps no such book for the registry's
    /// refusals (see [`RefusalFacts::registry_number`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_number: Option<String>,
}

/// How a refusal is appealed: the second-instance body that decides, the days to appeal from
/// receipt (15 under the FBiH law on administrative procedure), and the fee. Configured per
/// body *[verify: the appeal body for registry matters and the cantonal fee]*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AppealRoute {
    /// The body, as the instruction names it: `Ministarstvo unutrašnjih poslova Zeničko-dobojskog kantona`.
    pub body: String,
    pub days: u32,
    /// In fening; 0: no fee.
    pub fee: i64,
    /// What the fee is, printed beside it: `kantonalna administrativna taksa`.
    pub fee_note: String,
}

/// The instruction on appeal of a decision taken under `route`.
fn appeal_instruction(f: &RefusalFacts, route: &AppealRoute) -> String {
    let w = words(f.language);
    let days = route.days.to_string();
    let mut text = fill_in(f.script, w.decision_appeal_route, &[("days", &days), ("body", &route.body)]);
    text.push(' ');
    if route.fee > 0 {
        let amount = super::content::Fee { amount: route.fee, exemption: None }.display_amount();
        let note = if route.fee_note.trim().is_empty() { String::new() } else { format!(" ({})", route.fee_note.trim()) };
        text.push_str(&fill_in(f.script, w.decision_appeal_fee, &[("amount", &amount), ("note", &note)]));
    } else {
        text.push_str(&f.script.write(w.decision_appeal_free));
    }
    text
}
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
    /// The decision's registry number: its number in the body's UP-I book
    /// (`UP-I-01/1-25-12/26`), or else in the office's own book of refusals (`UP-I-KAK-3/2026`).
    pub fn registry_number(&self) -> String {
        match &self.up_number {
            Some(n) => n.clone(),
            None => format!("UP-I-{}-{}/{}", self.number.office, self.number.serial, self.number.year),
        }
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
        appeal: match &f.appeal {
            Some(route) => appeal_instruction(f, route),
            None => t(w.decision_appeal),
        },
        official_label: t(w.official),
        official: r(&f.official),
        keywords: vec![format!("opcina-decision:{}", f.number.id())],
    }
}
