//! Registration commands with plausible (synthetic) content, each taking only what a caller
//! varies: for tests across the workspace and for trying the API by hand.

use chrono::{Duration, NaiveDate};

use super::{Command, NewChild, ParentInput, RegisterBirth, RegisterDeath, RegisterMarriage, SpouseInput};
use crate::jmbg::Jmbg;
use crate::registry::annotation::LegalBasis;
use crate::registry::types::{Place, Sex};

pub fn kakanj() -> Place {
    Place::new("Kakanj", "Kakanj", "Bosna i Hercegovina")
}

/// A birth registered on the day it happened, to a mother without a JMBG (born 27 years
/// before the child).
pub fn birth(given: &str, surname: &str, sex: Sex, date: NaiveDate) -> Command {
    birth_to(None, given, surname, sex, date)
}

/// A birth to a mother known by her JMBG (or, with `None`, by name and date of birth only).
pub fn birth_to(mother: Option<&Jmbg>, given: &str, surname: &str, sex: Sex, date: NaiveDate) -> Command {
    Command::RegisterBirth(RegisterBirth {
        child: NewChild {
            given_name: given.into(),
            surname: surname.into(),
            sex,
            birth_date: date,
            birth_time: None,
            birth_place: kakanj(),
            citizenship: "Bosna i Hercegovina".into(),
        },
        mother: ParentInput {
            given_name: "Amra".into(),
            surname: surname.into(),
            maiden_surname: Some("Hodžić".into()),
            jmbg: mother.map(Jmbg::to_string),
            birth_date: if mother.is_some() { None } else { Some(date - Duration::days(365 * 27)) },
            birth_place: None,
            citizenship: None,
            residence: Some("Kakanj".into()),
        },
        father: None,
        informant: "otac".into(),
        registered_on: Some(date),
        script: Default::default(),
        note: None,
        competence: None,
        late_decision: None,
    })
}

pub fn spouse(j: &Jmbg, surname_after: &str) -> SpouseInput {
    SpouseInput {
        jmbg: j.to_string(),
        person: None,
        surname_after: surname_after.into(),
        citizenship: "Bosna i Hercegovina".into(),
        residence: "Kakanj".into(),
        father_name: None,
        mother_name: None,
    }
}

/// A marriage of two people this node knows, concluded and registered on `date`.
pub fn marriage(a: &Jmbg, a_after: &str, b: &Jmbg, b_after: &str, date: NaiveDate) -> Command {
    Command::RegisterMarriage(RegisterMarriage {
        date,
        place: kakanj(),
        spouses: [spouse(a, a_after), spouse(b, b_after)],
        witnesses: vec!["Edin Kovač".into(), "Lejla Mehić".into()],
        officiant: "Matičar Kakanj".into(),
        court_permission: None,
        registered_on: Some(date),
        script: Default::default(),
    })
}

/// A death of a person this node knows, registered on the day.
pub fn death(j: &Jmbg, date: NaiveDate) -> Command {
    Command::RegisterDeath(RegisterDeath {
        jmbg: j.to_string(),
        person: None,
        death_date: date,
        death_time: None,
        death_place: kakanj(),
        last_residence: "Kakanj".into(),
        death_confirmation: "DZ Kakanj 123/24".into(),
        citizenship: None,
        father_name: None,
        mother_name: None,
        informant: "sin".into(),
        registered_on: Some(date),
        script: Default::default(),
        competence: None,
        late_decision: None,
    })
}

/// The same birth or death for a mother or deceased living in `municipality` (for nodes
/// other than Kakanj: a birth is entered where the mother lives, a death where the deceased
/// last lived).
pub fn living_in(municipality: &str, mut command: Command) -> Command {
    match &mut command {
        Command::RegisterBirth(b) => b.mother.residence = Some(municipality.into()),
        Command::RegisterDeath(d) => d.last_residence = municipality.into(),
        _ => {}
    }
    command
}

/// The decision that allows a registration after the deadline (naknadni upis), dated `date`.
pub fn late_decision(date: NaiveDate) -> LegalBasis {
    LegalBasis {
        act: "late_registration_decision".into(),
        issuer: "Općina Kakanj, Služba za opću upravu".into(),
        number: "UP-I-03-13-71/26".into(),
        date,
    }
}

/// A court's judgment (for divorces).
pub fn court(date: NaiveDate) -> LegalBasis {
    LegalBasis { act: "presuda".into(), issuer: "Općinski sud u Zenici".into(), number: "43 0 P 1234 24 P".into(), date }
}

/// A decision of the municipality (for changes of name, corrections).
pub fn decision(date: NaiveDate) -> LegalBasis {
    LegalBasis {
        act: "rješenje".into(), issuer: "Općina Kakanj, Služba za opću upravu".into(), number: "UP-I-03-13-55/24".into(), date
    }
}

/// A correction of the sex and the date of birth to these values (the node assigns the JMBG).
pub fn corrected_identity(sex: crate::registry::types::Sex, birth_date: NaiveDate) -> crate::registry::annotation::AnnotationContent {
    crate::registry::annotation::AnnotationContent::IdentityCorrection { sex, birth_date, old_jmbg: None, new_jmbg: None }
}
