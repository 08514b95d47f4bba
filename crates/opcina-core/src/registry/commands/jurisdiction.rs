//! Which office may enter a birth or a death, and when a registration needs a decision.
//!
//! Since the amendment of October 2014 (Zakon o matičnim knjigama FBiH, Sl. novine FBiH
//! 80/14, Art. 2 amending Art. 7(2)) the local jurisdiction of a registry office follows the
//! residence (prebivalište) of the citizen: a birth is entered where the **mother lives**, a
//! death where the deceased **last lived**. Facts that happened abroad follow Art. 54 (the
//! parents' last common residence in the Federation, failing that a parent's place of birth),
//! and a body may be made competent by an act; in those cases the registrar records the act
//! that makes this office competent. A birth or a death reported after the 30-day deadline
//! is entered on the decision that allows the late registration (naknadni upis)
//! *[verify: the article of the FBiH law that requires the decision]*.

use chrono::NaiveDate;

use super::PlanContext;
use crate::error::{FieldError, Problems};
use crate::names::fold;
use crate::registry::annotation::LegalBasis;
use crate::registry::entry::{REGISTRATION_DEADLINE_DAYS, is_late};
use crate::registry::validate;

/// Words in front of a municipality's name that do not change which municipality it is.
const UNIT_WORDS: [&str; 5] = ["opcina", "opstina", "grad", "mz", "naselje"];

/// Does `residence` lie in the territory of `municipality`, whose settlements this node knows
/// as `settlements`? A residence is written as the registrar hears it — "Kraljeva Sutjeska,
/// Kakanj", "Branilaca 12, Kakanj", "Kakanj", in either script — so it is in the territory
/// when one of its comma-separated parts names the municipality or one of those settlements,
/// whatever the case, script and diacritics.
pub fn within(residence: &str, municipality: &str, settlements: &[String]) -> bool {
    let names: Vec<String> = std::iter::once(municipality).chain(settlements.iter().map(String::as_str)).map(unit_name).collect();
    residence.split([',', ';']).map(unit_name).any(|part| !part.is_empty() && names.contains(&part))
}

/// A place's name folded for comparison, without a leading "Općina"/"Grad" and without a
/// postal code ("72240 Kakanj"; five digits in BiH). A house number stays: "Zgošća 5" is a
/// street, not the village.
fn unit_name(text: &str) -> String {
    let folded = fold(text);
    let postal = |w: &str| w.len() == 5 && w.chars().all(|c| c.is_ascii_digit());
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty() && !postal(w)).collect();
    while words.len() > 1 && UNIT_WORDS.contains(&words[0]) {
        words.remove(0);
    }
    words.join(" ")
}

/// What a registration records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fact {
    Birth,
    Death,
}

impl Fact {
    fn name(self) -> &'static str {
        match self {
            Fact::Birth => "birth",
            Fact::Death => "death",
        }
    }

    fn codes(self) -> (&'static str, &'static str) {
        match self {
            Fact::Birth => ("registry.birth.elsewhere", "registry.birth.late"),
            Fact::Death => ("registry.death.elsewhere", "registry.death.late"),
        }
    }
}

/// The event a registration records, with what decides where and when it may be entered.
pub(super) struct Event<'a> {
    pub fact: Fact,
    /// The field holding the residence that decides the office, and its value.
    pub residence_field: &'a str,
    pub residence: Option<&'a str>,
    pub date: NaiveDate,
    pub registered_on: NaiveDate,
}

/// The acts a registration rests on when it is not the ordinary one, as checked.
#[derive(Debug, Default)]
pub(super) struct Grounds {
    pub competence: Option<LegalBasis>,
    pub late_decision: Option<LegalBasis>,
}

/// Checks that this office may enter `event`: the residence is in its territory or the
/// registrar recorded the act that makes it competent (`competence`), and a registration past
/// the deadline rests on the decision that allows it (`late_decision`). Problems go to
/// `problems`, each naming its field.
pub(super) fn check(
    problems: &mut Problems,
    ctx: &PlanContext,
    event: &Event,
    competence: Option<&LegalBasis>,
    late_decision: Option<&LegalBasis>,
) -> Grounds {
    let competence = competence.and_then(|b| act(problems, "competence", b, "competence", event, ctx.today));
    let late_decision = late_decision.and_then(|b| act(problems, "late_decision", b, "late_registration", event, ctx.today));
    let what = event.fact.name();
    let (elsewhere, late) = event.fact.codes();
    match event.residence.map(str::trim) {
        None | Some("") => problems.push(FieldError::new(
            "registry.field.required",
            event.residence_field,
            format!("the residence decides which office enters the {what}: give it"),
        )),
        Some(residence) if competence.is_none() && !within(residence, &ctx.municipality, &ctx.settlements) => {
            let whose = match event.fact {
                Fact::Birth => "where the mother lives",
                Fact::Death => "where the deceased last lived",
            };
            problems.push(FieldError::new(
                elsewhere,
                event.residence_field,
                format!(
                    "a {what} is entered {whose}, and {residence} is not in {}: it is registered there, unless you record the act \
                     that makes this office competent",
                    ctx.municipality
                ),
            ));
        }
        Some(_) => {}
    }
    if late_decision.is_none() && is_late(event.date, event.registered_on) {
        problems.push(FieldError::new(
            late,
            "late_decision",
            format!(
                "the {what} is registered {} days after it happened, past the {REGISTRATION_DEADLINE_DAYS}-day deadline: record \
                 the decision that allows the late registration",
                (event.registered_on - event.date).num_days()
            ),
        ));
    }
    Grounds { competence, late_decision }
}

/// One of the acts, checked like any legal basis, and not dated before the event it concerns.
fn act(problems: &mut Problems, field: &str, b: &LegalBasis, ground: &str, event: &Event, today: NaiveDate) -> Option<LegalBasis> {
    // Every problem of the act at once: its kind, body, number and date.
    let checked = validate::legal_basis(field, b, today, ground, Some(event.registered_on));
    let checked = checked.map_err(|es| es.into_iter().for_each(|e| problems.push(e))).ok();
    if b.date < event.date {
        problems.push(FieldError::new(
            "registry.legal_basis.before_event",
            format!("{field}.date"),
            format!("the act is dated before the {} it concerns ({})", event.fact.name(), event.date),
        ));
        return None;
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kakanj() -> Vec<String> {
        vec!["Kraljeva Sutjeska".into(), "Zgošća".into()]
    }

    #[test]
    fn a_residence_is_in_the_territory_when_a_part_names_the_municipality_or_a_known_settlement() {
        for inside in [
            "Kakanj",
            "kakanj",
            "Kraljeva Sutjeska, Kakanj",
            "Branilaca 12, Kakanj",
            "Kraljeva Sutjeska",
            "Zgosca",
            "Какањ",
            "Краљева Сутјеска",
            "Općina Kakanj",
            "  Kakanj ,",
            "Alije Izetbegovića 12, 72240 Kakanj",
        ] {
            assert!(within(inside, "Kakanj", &kakanj()), "{inside}");
        }
        for outside in ["Tuzla", "Slatina, Tuzla", "Kakanjska 5, Zenica", "", "Sutjeska", "Grad Zenica", "72240", "Zgošća 5, Tuzla"] {
            assert!(!within(outside, "Kakanj", &kakanj()), "{outside}");
        }
    }
}
