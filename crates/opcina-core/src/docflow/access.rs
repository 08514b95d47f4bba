//! Who may read a case or work on it (shared/DOMAIN.md §5). One rule for every way into a
//! case — its file, its export, its files, its later records, a new access code, the work
//! lists, the protocol books and the search of the files — so that no route can be more
//! generous than another:
//!
//! - the **registry office** (pisarnica: counter clerks and registrars) registers every
//!   submission, scans its papers, enters the post that comes later, gives a party a new
//!   access code and keeps the archive: it reads and works on every case (and a registrar
//!   reaches the cases of the registers' refusals through it);
//! - an **official** reads and works on the cases of the unit answerable for them: the unit
//!   holding the case or, before a hand-over, the unit its kind belongs to. A case handed to
//!   another unit goes with it; an official placed in no unit reaches none;
//! - an **auditor** reads every case (each read logged like anyone's) and works on none;
//! - an **administrator** manages users, not cases.
//!
//! Steps of the life cycle have finer rules on top (`opcina_store::docflow::may_step`): the
//! registry office assigns and posts, the unit decides.

use crate::FieldError;
use crate::registry::Role;

/// What a user wants to do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseUse {
    /// See its file, list it, export it, download its files, print its receipt.
    Read,
    /// Enter a later record, add a file, give a new access code.
    Work,
}

/// Where a user sits: their role and, for an official, the unit they work in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat<'a> {
    pub role: Role,
    /// The unit the user is placed in (the staff list of the document flow).
    pub unit: Option<&'a str>,
}

/// Which cases a user reaches: all of them, or those one unit answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach<'a> {
    All,
    Unit(&'a str),
}

/// Which cases `seat` may `use` at all: every case, one unit's, or none (the refusal says
/// why).
pub fn reach<'a>(seat: Seat<'a>, usage: CaseUse) -> Result<Reach<'a>, FieldError> {
    match seat.role {
        Role::CounterClerk | Role::Registrar => Ok(Reach::All),
        Role::Official => match seat.unit {
            Some(unit) => Ok(Reach::Unit(unit)),
            None => Err(FieldError::general("docflow.unit.unplaced", "you are not placed in a unit; ask the administrator")),
        },
        Role::Auditor => match usage {
            CaseUse::Read => Ok(Reach::All),
            CaseUse::Work => Err(FieldError::general("docflow.case.read_only", "an auditor reads cases and works on none")),
        },
        Role::Admin => Err(FieldError::general("docflow.permission", "administrators manage users, not cases")),
        Role::Editor | Role::PressOfficer | Role::Approver => {
            Err(FieldError::general("docflow.permission", "the website's editors publish information, they do not handle cases"))
        }
    }
}

/// Whether `seat` may `use` a case that `answerable` (the unit holding it, or the unit of
/// its kind before a hand-over; `None` when neither is known) answers for.
pub fn may(seat: Seat<'_>, answerable: Option<&str>, usage: CaseUse) -> Result<(), FieldError> {
    match reach(seat, usage)? {
        Reach::All => Ok(()),
        Reach::Unit(mine) if answerable == Some(mine) => Ok(()),
        Reach::Unit(_) => Err(FieldError::general(
            "docflow.case.other_unit",
            "another unit answers for this case: its officials and the registry office work on it",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(role: Role, unit: Option<&str>) -> Seat<'_> {
        Seat { role, unit }
    }

    #[test]
    fn the_registry_office_reads_and_works_on_every_case() {
        for role in [Role::CounterClerk, Role::Registrar] {
            for usage in [CaseUse::Read, CaseUse::Work] {
                assert_eq!(may(seat(role, None), Some("04"), usage), Ok(()));
                assert_eq!(may(seat(role, Some("01/1")), None, usage), Ok(()));
            }
        }
    }

    #[test]
    fn an_official_reaches_only_the_cases_of_their_unit() {
        let amra = seat(Role::Official, Some("01/1"));
        for usage in [CaseUse::Read, CaseUse::Work] {
            assert_eq!(may(amra, Some("01/1"), usage), Ok(()));
            assert_eq!(may(amra, Some("04"), usage).unwrap_err().code, "docflow.case.other_unit");
            assert_eq!(may(amra, None, usage).unwrap_err().code, "docflow.case.other_unit");
            assert_eq!(may(seat(Role::Official, None), Some("01/1"), usage).unwrap_err().code, "docflow.unit.unplaced");
        }
        assert_eq!(reach(amra, CaseUse::Read), Ok(Reach::Unit("01/1")));
    }

    #[test]
    fn an_auditor_reads_and_an_administrator_does_neither() {
        let auditor = seat(Role::Auditor, None);
        assert_eq!(may(auditor, Some("04"), CaseUse::Read), Ok(()));
        assert_eq!(may(auditor, Some("04"), CaseUse::Work).unwrap_err().code, "docflow.case.read_only");
        for usage in [CaseUse::Read, CaseUse::Work] {
            assert_eq!(may(seat(Role::Admin, None), Some("04"), usage).unwrap_err().code, "docflow.permission");
        }
    }
}
